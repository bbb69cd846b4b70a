"""The sync and async shells offer the same methods with the same signatures, and say what they return."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from typing import Any

import pytest

from wecom_suite.api import AsyncCorpClient, AsyncSuiteClient, CorpClient, SuiteClient
from wecom_suite.api import endpoints as ep
from wecom_suite.api.bound_methods import result_type
from wecom_suite.api.corp_calls import CorpCalls
from wecom_suite.api.endpoint_spec import Endpoint, RetrySafety, TokenKind, endpoint_of
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


PAGE = re.compile(r"https://developer\.work\.weixin\.qq\.com/document/path/\d+")
LINK = re.compile(r"https?://\S+")
LEGACY = {"get_agent", "set_agent"}  # old 企业号 APIs WeCom no longer documents: no page to link
SHELLS = [(SuiteCalls, SuiteClient, AsyncSuiteClient), (CorpCalls, CorpClient, AsyncCorpClient)]


def _builders(calls: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(calls, inspect.isfunction) if not name.startswith("_")]


def _endpoints_built(builder: Any) -> set[int]:
    """ids of the endpoints the builder's own code names (``ep.NAME``, ``license_call("name")``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(builder)))
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ep":
            target = getattr(ep, node.attr)
            if isinstance(target, Endpoint):
                found.add(id(target))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "license_call":
            name = node.args[0]
            if isinstance(name, ast.Constant):
                found.add(id(ep.LICENSE_APIS[name.value]))
    return found


@pytest.mark.parametrize(("calls", "sync", "asynchronous"), SHELLS, ids=lambda c: c.__name__)
def test_every_endpoint_method_shows_its_model_errors_and_one_page(calls: type, sync: type, asynchronous: type) -> None:
    builders = _builders(calls)
    assert len(builders) > 10
    raises_texts = set()
    for name in builders:
        builder = getattr(calls, name)
        endpoint = endpoint_of(builder)  # LookupError when a builder lacks @builds(...)
        if endpoint is not None:
            assert _endpoints_built(builder) == {id(endpoint)}, f"{name} is marked with another endpoint than it calls"
        model = result_type(builder)
        assert model is not Any, name
        for client in (sync, asynchronous):
            method = getattr(client, name)
            assert inspect.signature(method).return_annotation == model, name
            doc = inspect.getdoc(method) or ""
            assert f"Returns: {'(awaited) ' if client is asynchronous else ''}{model.__name__}." in doc, name
            links = LINK.findall(doc)
            if name in LEGACY:
                assert links == [], name
                assert "legacy API WeCom no longer documents" in doc, name
            else:
                assert len(links) == 1, (name, links)  # exactly one page, no second opinion
                assert PAGE.fullmatch(links[0]), (name, links)
                if endpoint is not None:
                    assert links[0] == endpoint.page, name
            assert doc.count("Official page: ") == 1, name
            raises = doc[doc.index("Raises:") :]
            raises_texts.add(raises)
            if endpoint is None:
                continue
            unsafe = endpoint.safety is not RetrySafety.IDEMPOTENT
            assert ("RequestMayHaveReachedWeCom" in raises) is unsafe, name
            assert ("SystemBusy" in raises) is (not unsafe), name
            assert ("OneTimeCodeInvalid" in raises) is (endpoint.safety is RetrySafety.ONE_TIME), name
            assert ("TokenExpired" in raises) is (endpoint.token is not TokenKind.NONE), name
            assert ("CompanyNotFound" in raises) is (endpoint.token is TokenKind.CORP), name
            if endpoint.token is TokenKind.PROVIDER:
                assert "ConfigError" in raises, name
    assert len(raises_texts) >= 3  # the errors depend on the endpoint, not one text for all


def test_the_pages_that_once_disagreed() -> None:
    """Checked against the official docs: the 第三方应用 pages, not the 代开发 or paid-edition variants."""
    base = "https://developer.work.weixin.qq.com/document/path/"
    assert ep.GET_AUTH_INFO.page == base + "90604"  # 91912 is the paid-edition addendum (edition_info)
    assert ep.GET_PROVIDER_TOKEN.page == base + "91200"  # 90593 is the getting-started overview
    assert ep.GET_SUITE_TOKEN.page == base + "90600"  # 97162 is the 代开发 template's copy
    for name in ("get_auth_info", "get_provider_token", "get_suite_token"):
        assert LINK.findall(inspect.getdoc(getattr(SuiteClient, name)) or "") == [
            endpoint_of(getattr(SuiteCalls, name)).page  # type: ignore[union-attr]
        ]


def test_every_declared_endpoint_names_its_page() -> None:
    declared = [v for v in vars(ep).values() if isinstance(v, Endpoint)] + list(ep.LICENSE_APIS.values())
    assert len(declared) > 60
    for endpoint in declared:
        if endpoint in (ep.GET_AGENT, ep.SET_AGENT):
            assert endpoint.page == ""
        else:
            assert PAGE.fullmatch(endpoint.page), endpoint.name
