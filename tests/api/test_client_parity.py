"""The sync and async shells offer the same methods with the same signatures, and say what they return."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from wecom_suite.api import AsyncCorpClient, AsyncSuiteClient, CorpClient, SuiteClient
from wecom_suite.api.bound_methods import result_type
from wecom_suite.api.suite_calls import SuiteCalls
from wecom_suite.tokens import AsyncTokenManager, TokenManager

# Names that differ on purpose: closing is ``close``/``aclose``; context managers are sync or async.
_SHELL_ONLY = {"close", "aclose"}
PAIRS = [(SuiteClient, AsyncSuiteClient), (CorpClient, AsyncCorpClient), (TokenManager, AsyncTokenManager)]


def _public(cls: type) -> dict[str, Any]:
    return {
        name: member for name, member in inspect.getmembers(cls) if not name.startswith("_") and name not in _SHELL_ONLY
    }


def _untwinned(annotation: Any) -> Any:
    """A return type with its async twin named like the sync one (``AsyncTokenManager`` -> ``TokenManager``)."""
    return annotation.replace("Async", "") if isinstance(annotation, str) else annotation


@pytest.mark.parametrize(("sync", "asynchronous"), PAIRS, ids=lambda c: c.__name__)
def test_same_methods_and_signatures(sync: type, asynchronous: type) -> None:
    sync_members, async_members = _public(sync), _public(asynchronous)
    assert sorted(sync_members) == sorted(async_members)
    for name, member in sync_members.items():
        twin = async_members[name]
        if not callable(member) or isinstance(inspect.getattr_static(sync, name), property):
            continue
        mine, theirs = inspect.signature(member), inspect.signature(twin)
        assert mine.parameters == theirs.parameters, name
        assert _untwinned(mine.return_annotation) == _untwinned(theirs.return_annotation), name
        if inspect.iscoroutinefunction(member):  # pragma: no cover - a sync shell has none
            pytest.fail(f"{sync.__name__}.{name} is a coroutine function")


def test_every_endpoint_method_shows_its_model_errors_and_page() -> None:
    builders = [name for name, _ in inspect.getmembers(SuiteCalls, inspect.isfunction) if not name.startswith("_")]
    assert len(builders) > 20
    for name in builders:
        for client in (SuiteClient, AsyncSuiteClient):
            method = getattr(client, name)
            model = result_type(getattr(SuiteCalls, name))
            assert model is not Any, name
            assert inspect.signature(method).return_annotation == model, name
            doc = inspect.getdoc(method) or ""
            assert f"Returns: {'(awaited) ' if client is AsyncSuiteClient else ''}{model.__name__}." in doc, name
            assert "Raises:" in doc, name
            assert "RequestMayHaveReachedWeCom" in doc, name
            assert "Official page: " in doc, name
    doc = inspect.getdoc(SuiteClient.get_permanent_code) or ""
    assert "https://developer.work.weixin.qq.com/document/path/90603" in doc
