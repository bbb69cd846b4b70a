"""Several suites in one process, each under its own URL prefix, sharing stores where URLs and keys match."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType

from typing_extensions import Unpack

from ..stores.store import Store
from ..web.asgi import ASGIAdapter
from ..web.request import WebRequest
from ..web.response import WebResponse
from ..web.wsgi import WSGIAdapter
from .config import SuiteConfig, check_distinct, load_configs, open_configured_store, reveal
from .operator_routes import metrics_response
from .options import AppOptions, GroupOptions, show_options, split_settings
from .paths import METRICS_PATH
from .suite_app import SuiteApp

__all__ = ["SuiteGroup"]


class SuiteGroup:
    """A :class:`~wecom_suite.web.WebHandler` that sends each request to the suite whose prefix matches.

    WeCom has one system-event URL (系统事件接收URL) per provider, shared by all its suites. Each suite
    still serves ``{prefix}/callback/system`` (decrypting with its own Token/EncodingAESKey), but the events
    are recorded for, and handled by, the *first suite in configuration order* with the same
    ``provider_corp_id``: register system-event handlers (``license_pay_success``, ...) on that suite.
    """

    def __init__(self, apps: Sequence[SuiteApp]) -> None:
        if not apps:
            raise ValueError("a SuiteGroup needs at least one SuiteApp")
        check_distinct([app.config for app in apps])
        # provider corp id -> the first suite of that provider, in configuration order: it records and handles
        # the provider's system events whichever suite's URL they reach. The apps themselves are not changed.
        self._system_event_apps: dict[str, SuiteApp] = {}
        for app in apps:
            if app.config.provider_corp_id:
                self._system_event_apps.setdefault(app.config.provider_corp_id, app)
        # Longest prefix first, so /wecom/crm wins over /wecom.
        self.apps = sorted(apps, key=lambda app: len(app.config.url_prefix), reverse=True)
        self._stores: list[Store] = []

    @classmethod
    def from_configs(cls, configs: Sequence[SuiteConfig], **options: Unpack[AppOptions]) -> SuiteGroup:
        """One app per config, each built with ``options`` (``SuiteApp``'s objects: ``clock``, ``transport``,
        ``start_worker``, ...); suites whose store URLs, cache URLs and secret keys are all equal share one
        store connection. A suite with other secret keys gets its own, so its data is sealed under its keys."""
        clock = options.get("clock")
        stores: dict[tuple[str, str, tuple[str, ...]], Store] = {}
        apps = []
        for config in configs:
            cache_url = reveal(config.cache_url) if config.cache_url else ""
            key = (reveal(config.store_url), cache_url, config.secret_keys)  # the store is sealed by its opener
            if key not in stores:
                stores[key] = open_configured_store(config, clock)
            apps.append(SuiteApp(config, store=stores[key], **options))
        group = cls(apps)
        group._stores = list(stores.values())
        return group

    @classmethod
    def from_toml(
        cls, path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None, **options: Unpack[GroupOptions]
    ) -> SuiteGroup:
        """Every suite of a TOML file; ``WECOM_*`` variables of ``env`` (default ``os.environ``) and keyword
        settings win over the file, for every suite. Takes ``from_configs``'s options too."""
        settings, objects = split_settings(options)
        return cls.from_configs(load_configs(path, env=env, overrides=settings), **objects)

    def system_event_app(self, provider_corp_id: str) -> SuiteApp:
        """The suite whose handlers get the system events of provider ``provider_corp_id``."""
        try:
            return self._system_event_apps[provider_corp_id]
        except KeyError:
            raise KeyError(f"no suite has provider_corp_id {provider_corp_id!r}") from None

    def __iter__(self) -> Iterator[SuiteApp]:
        return iter(self.apps)

    def __len__(self) -> int:
        return len(self.apps)

    def app(self, name: str) -> SuiteApp:
        """The suite called ``name`` (or with suite id ``name``)."""
        for app in self.apps:
            if name in (app.config.name, app.config.suite_id):
                return app
        raise KeyError(f"no suite named {name!r}; known: {', '.join(a.config.name for a in self.apps)}")

    def handle(self, request: WebRequest) -> WebResponse:
        if request.path == METRICS_PATH:  # one scrape for every suite, at the root
            return metrics_response()
        for app in self.apps:
            if app.handles(request.path) and (
                not app.config.url_prefix or request.path.startswith(app.config.url_prefix + "/")
            ):
                return app.handle(request, system_events_to=self._system_event_apps.get(app.config.provider_corp_id))
        return WebResponse.text("not found", status=404)

    def asgi(self) -> ASGIAdapter:
        """An ASGI application (uvicorn, hypercorn, or mounted in Starlette/FastAPI)."""
        return ASGIAdapter(self)

    def wsgi(self) -> WSGIAdapter:
        """A WSGI application (gunicorn, uWSGI, or mounted in Flask/Django)."""
        return WSGIAdapter(self)

    def start(self) -> None:
        for app in self.apps:
            app.start()

    def autostart(self) -> None:
        """Each app's ``autostart()`` (the ASGI lifespan's, ``with``'s): apps made with start_worker=False stay."""
        for app in self.apps:
            app.autostart()

    def stop(self) -> None:
        for app in self.apps:
            app.stop()

    def close(self) -> None:
        for app in self.apps:
            app.close()
        for store in self._stores:
            store.close()

    def __enter__(self) -> SuiteGroup:
        self.autostart()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


show_options(SuiteGroup.from_configs.__func__, SuiteApp.__init__, leave_out=(*SuiteConfig.model_fields, "store"))  # type: ignore[attr-defined]
show_options(SuiteGroup.from_toml.__func__, SuiteApp.__init__, leave_out=("store",))  # type: ignore[attr-defined]
