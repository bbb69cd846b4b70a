"""Contexts handed to handlers: frozen, slotted, and no secret in any repr or dict form."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import pprint

import pytest

from tests.callback.callback_helpers import KEY, NOW, SUITE, TOKEN, post, ticket_xml
from wecom_suite.callback import CallbackContext, CallbackReceiver, EventRouter, InboxContext
from wecom_suite.crypto import MsgCrypt
from wecom_suite.events import parse_event
from wecom_suite.xml import to_xml

SECRETS = (TOKEN, KEY, MsgCrypt(KEY).key.hex())


def _forms(ctx: object) -> list[str]:
    """Every way a context can be turned into text or a dict, as text."""
    assert dataclasses.is_dataclass(ctx)
    assert not isinstance(ctx, type)
    forms = [repr(ctx), str(ctx), repr(dataclasses.asdict(ctx)), repr(dataclasses.astuple(ctx))]
    forms.append(repr(pickle.dumps(ctx)))
    forms.append(repr(copy.copy(ctx)))
    forms.append(repr(getattr(ctx, "__getstate__", lambda: None)()))
    return forms


def _secret_free(ctx: object) -> None:
    for text in _forms(ctx):
        for secret in SECRETS:
            assert secret not in text
    assert MsgCrypt(KEY).key not in pickle.dumps(ctx)


def test_callback_context_has_no_secrets(receiver: CallbackReceiver) -> None:
    ctx = receiver.open(*post(ticket_xml("TICKET-9")))
    _secret_free(ctx)
    assert not hasattr(ctx, "__dict__")  # slotted: no vars(ctx)
    assert "TICKET-9" not in repr(ctx)  # the plaintext is not in the repr either
    names = {f.name for f in dataclasses.fields(ctx)}
    assert not names & {"token", "aes_key", "encoding_aes_key"}


def test_callback_context_is_frozen(receiver: CallbackReceiver) -> None:
    ctx = receiver.open(*post(ticket_xml()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.duplicate = True  # type: ignore[misc]
    copy_ = dataclasses.replace(ctx, duplicate=True)
    assert copy_.duplicate
    assert not ctx.duplicate
    assert pickle.loads(pickle.dumps(ctx)).digest == ctx.digest  # noqa: S301 - our own bytes


def _inbox_context() -> InboxContext:
    raw = ticket_xml("TICKET-7").encode()
    return InboxContext(
        event=parse_event(raw),
        raw_xml=raw,
        digest="d" * 64,
        receive_id=SUITE,
        auth_corp_id="",
        attempts=2,
        received_at=float(NOW),
    )


def test_inbox_context_is_frozen_slotted_and_secret_free() -> None:
    ctx = _inbox_context()
    _secret_free(ctx)
    assert not hasattr(ctx, "__dict__")
    assert ctx.info_type == "suite_ticket"
    assert ctx.attempts == 2
    assert not ctx.duplicate
    assert "TICKET-7" not in repr(ctx)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.attempts = 3  # type: ignore[misc]


def test_router_handlers_take_both_kinds(receiver: CallbackReceiver) -> None:
    router = EventRouter()
    seen: list[tuple[str, str]] = []

    @router.on("suite_ticket")
    def on_ticket(ctx: CallbackContext | InboxContext) -> str:
        seen.append((type(ctx).__name__, ctx.info_type))
        return ctx.receive_id

    assert router.dispatch(receiver.open(*post(ticket_xml()))) == SUITE
    assert router.dispatch(_inbox_context()) == SUITE
    assert seen == [("CallbackContext", "suite_ticket"), ("InboxContext", "suite_ticket")]


# -- the plaintext and the event's credentials: in no printed or dict form, still there for the handler ---

SUITE_TICKET = "SUITE-TICKET-never-printed-0123456789abcdef"
AUTH_CODE = "AUTH-CODE-never-printed-0123456789abcdef"


def _printed(obj: object) -> list[str]:
    """Every way a context ends up as text: directly, as a dict/tuple, after copy, deepcopy or pickle."""
    assert dataclasses.is_dataclass(obj)
    assert not isinstance(obj, type)
    as_dict = dataclasses.asdict(obj)
    again = pickle.loads(pickle.dumps(obj))  # noqa: S301 - our own bytes
    texts = [repr(obj), str(obj), f"{obj}", repr(as_dict), str(as_dict), pprint.pformat(as_dict),
             json.dumps(as_dict, default=str), repr(dataclasses.astuple(obj)), repr(copy.copy(obj)),
             repr(copy.deepcopy(obj)), repr(again), repr(dataclasses.asdict(again))]
    for ctx in (obj, again):
        event = ctx.event  # type: ignore[attr-defined]
        raw_xml = ctx.raw_xml  # type: ignore[attr-defined]
        texts += [repr(event), str(event), repr(event.raw), json.dumps(event.raw, default=str),
                  f"{raw_xml}", "%s %r" % (raw_xml, raw_xml)]  # noqa: UP031 - what a log line does
    return texts


@pytest.mark.parametrize(
    ("plaintext", "attribute", "secret"),
    [
        (ticket_xml(SUITE_TICKET), "suite_ticket", SUITE_TICKET),
        (to_xml({"SuiteId": SUITE, "InfoType": "create_auth", "TimeStamp": NOW, "AuthCode": AUTH_CODE,
                 "State": "s1"}), "auth_code", AUTH_CODE),
        (to_xml({"SuiteId": SUITE, "InfoType": "reset_permanent_code", "TimeStamp": NOW,
                 "AuthCode": AUTH_CODE}), "auth_code", AUTH_CODE),
    ],
    ids=["suite_ticket", "create_auth", "reset_permanent_code"],
)
def test_no_printed_or_dict_form_of_a_context_shows_the_plaintext_credentials(
    receiver: CallbackReceiver, plaintext: str, attribute: str, secret: str
) -> None:
    opened = receiver.open(*post(plaintext))
    recorded = InboxContext(event=parse_event(opened.raw_xml), raw_xml=bytes(opened.raw_xml), digest=opened.digest,
                            receive_id=SUITE, auth_corp_id="", attempts=0, received_at=float(NOW))
    for ctx in (opened, recorded, dataclasses.replace(opened, duplicate=True)):
        for text in _printed(ctx):
            assert secret not in text
        # ... and the handler still reads them, before and after a copy or a pickle round trip
        for same in (ctx, copy.copy(ctx), copy.deepcopy(ctx), pickle.loads(pickle.dumps(ctx))):  # noqa: S301
            assert getattr(same.event, attribute) == secret
            assert type(getattr(same.event, attribute)) is str
            assert isinstance(same.raw_xml, bytes)
            assert same.raw_xml == plaintext.encode()
            assert secret.encode() in same.raw_xml
            assert same == ctx
