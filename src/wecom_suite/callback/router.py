"""``EventRouter``: dispatch a callback to the handler for its InfoType (and ChangeType).

The seed's ``SuiteMessageServeMux``. A handler returns ``None`` (answer ``success``, or nothing for
data callbacks) or a plaintext ``str`` to send back encrypted. No handler at all also means
``success``: WeCom must never be made to retry an event nobody listens to.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from ..events import Event
from .context import EventContext

__all__ = ["EventRouter", "Handler"]

Handler = Callable[[EventContext], "str | None"]
"""A handler takes a ``CallbackContext`` (data URL, ``CallbackEndpoint``) or an ``InboxContext`` (events
processed from SuiteApp's inbox): the union ``EventContext``."""
H = TypeVar("H", bound=Handler)


def _key(value: str | Enum) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


class EventRouter:
    """Routes by ``(info_type, change_type)`` first, then ``info_type``, then the default handler."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str | None], Handler] = {}
        self._default: Handler | None = None
        self._replying: set[Handler] = set()

    def on(
        self, info_type: str | Enum, *, change_type: str | Enum | None = None, reply: bool = False
    ) -> Callable[[H], H]:
        """Decorator: ``@router.on("change_contact", change_type="create_user")``. ``reply=True`` marks a
        handler whose answer is a passive reply, so it must run while WeCom waits (see ``SuiteApp``)."""
        key = (_key(info_type), None if change_type is None else _key(change_type))

        def register(handler: H) -> H:
            self.add(key[0], handler, change_type=key[1], reply=reply)
            return handler

        return register

    def add(
        self, info_type: str | Enum, handler: Handler, *, change_type: str | Enum | None = None, reply: bool = False
    ) -> None:
        """Register ``handler`` (the non-decorator form); a second registration for a key replaces the first."""
        self._handlers[(_key(info_type), None if change_type is None else _key(change_type))] = handler
        if reply:
            self._replying.add(handler)

    def wants_reply(self, event: Event) -> bool:
        """Whether the handler ``event`` goes to was registered with ``reply=True``."""
        handler = self.handler_for(event.info_type, _key(event.change_type))
        return handler is not None and handler in self._replying

    def default(self, handler: H) -> H:
        """Decorator: the handler for events no other handler claims."""
        self._default = handler
        return handler

    def handler_for(self, info_type: str, change_type: str = "") -> Handler | None:
        handlers = self._handlers
        if change_type:
            found = handlers.get((info_type, change_type))
            if found is not None:
                return found
        return handlers.get((info_type, None), self._default)

    def dispatch(self, ctx: EventContext) -> str | None:
        """Run the matching handler; ``None`` when it returns ``None`` or when nothing matches."""
        event = ctx.event
        handler = self.handler_for(event.info_type, _key(event.change_type))
        return None if handler is None else handler(ctx)
