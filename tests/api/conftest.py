"""Fixtures for the API client tests: our ManualClock (``clock``: the store's and the client's) and WeCom's
(the shipped ``wecom_sandbox_clock``), apart so a test can move one without the other; the shipped
``wecom_sandbox``; a store holding a valid suite_ticket and one installed company; and the client under
test in both flavours (``api`` is parametrized: sync and async)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from wecom_suite.api import AsyncSuiteClient, RetryPolicy, SuiteClient
from wecom_suite.api.retry_policy import API_BACKOFF
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import CompanyRecord, MemoryStore, SuiteTicket


@dataclass
class Sleeps:
    """An injectable sleep that records each pause and moves the ManualClock instead of waiting."""

    clock: ManualClock

    def __post_init__(self) -> None:
        self.calls: list[float] = []

    def sync(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds)

    async def async_(self, seconds: float) -> None:
        self.sync(seconds)


@pytest.fixture
def wecom_sandbox_options() -> dict[str, Any]:
    """No suite_ticket schedule: these tests put the ticket in the store themselves."""
    return {"ticket_interval": None}


@pytest.fixture
def sandbox(wecom_sandbox: Sandbox) -> Sandbox:
    """The shipped ``wecom_sandbox``, on its own clock (``wecom_sandbox_clock``)."""
    return wecom_sandbox


@pytest.fixture
def store(clock: ManualClock, sandbox: Sandbox) -> MemoryStore:
    """A store with a valid suite_ticket (as if pushed) and the first sandbox company installed."""
    memory = MemoryStore(clock=clock)
    suite_id = sandbox.settings.suite_id
    memory.tickets.save_ticket(SuiteTicket(suite_id, sandbox.issue_ticket(), clock.now()))
    company = sandbox.company()
    permanent_code = sandbox.authorize(company.corp_id)
    memory.companies.save_company(CompanyRecord(suite_id, company.corp_id, permanent_code, corp_name=company.corp_name))
    return memory


@pytest.fixture
def sleeps(clock: ManualClock) -> Sleeps:
    return Sleeps(clock)


def client_kwargs(sandbox: Sandbox, store: MemoryStore, clock: ManualClock, **extra: Any) -> dict[str, Any]:
    settings = sandbox.settings
    kwargs: dict[str, Any] = {
        "store": store,
        "provider_corp_id": settings.provider_corp_id,
        "provider_secret": settings.provider_secret,
        "base_url": settings.api_base_url,
        "clock": clock,
        "retry": RetryPolicy(backoff=replace(API_BACKOFF, random=lambda: 0.5)),
        "timeout": 5.0,
    }
    kwargs.update(extra)
    return kwargs


class Either:
    """Calls a sync or an async client the same way: ``await api.get_pre_auth_code()``.

    Sync calls run inline (the sandbox serves from its own thread), async ones are awaited, so each
    scenario below runs against both shells without being written twice.
    """

    def __init__(self, target: Any, flavour: str) -> None:
        self._target = target
        self.flavour = flavour

    @property
    def raw(self) -> Any:
        return self._target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            if type(result).__name__ in {"CorpClient", "AsyncCorpClient", "TokenManager", "AsyncTokenManager"}:
                return Either(result, self.flavour)
            return result

        return call

    def corp(self, corp_id: str) -> Either:
        return Either(self._target.corp(corp_id), self.flavour)

    def manager(self, name: str, *args: Any) -> Either:
        target = getattr(self._target, name)
        return Either(target(*args) if args else target, self.flavour)


MakeApi = Callable[..., Awaitable[Either]]


@pytest.fixture(params=["sync", "async"])
async def make_api(
    request: pytest.FixtureRequest, sandbox: Sandbox, store: MemoryStore, clock: ManualClock, sleeps: Sleeps
) -> AsyncIterator[MakeApi]:
    """Builds the client under test (sync or async per the parameter), with overrides; closes it after."""
    flavour = request.param
    made: list[Any] = []

    async def make(**overrides: Any) -> Either:
        settings = sandbox.settings
        kwargs = client_kwargs(sandbox, store, clock, **overrides)
        if flavour == "sync":
            client: Any = SuiteClient(settings.suite_id, settings.suite_secret, sleep=sleeps.sync, **kwargs)
        else:
            client = AsyncSuiteClient(settings.suite_id, settings.suite_secret, sleep=sleeps.async_, **kwargs)
        made.append(client)
        return Either(client, flavour)

    yield make
    for client in made:
        if flavour == "sync":
            client.close()
        else:
            await client.aclose()


@pytest.fixture
async def api(make_api: MakeApi) -> Either:
    return await make_api()
