"""The public API: every name in ``wecom_suite.__all__`` resolves, and the seed's types all have a home."""

from __future__ import annotations

import subprocess
import sys

import pytest

import wecom_suite


def test_every_public_name_resolves() -> None:
    missing = [name for name in wecom_suite.__all__ if getattr(wecom_suite, name, None) is None]
    assert missing == []


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = wecom_suite.NoSuchThing  # type: ignore[attr-defined]


def test_import_is_lazy() -> None:
    """``import wecom_suite`` must not drag in httpx, pydantic or starlette (the CLI and receivers stay light)."""
    code = "import sys, wecom_suite; print(sorted(m for m in ('httpx', 'pydantic', 'starlette') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_seed_types_have_python_homes() -> None:
    """The architecture's seed -> Python map: each Go name's Python counterpart exists."""
    from wecom_suite.api import models

    seed_models = [
        "AgentInfo", "AgentInfoUser", "AuthCorpInfo", "AuthInfo", "AuthInfoAgent", "AuthInfoDepartment",
        "AuthInfoEx", "AuthUserInfo", "PermanentCodeInfo", "PreAuthCode", "SetAgentParameters", "CorpAccessTokenInfo",
    ]
    assert [m for m in seed_models if not hasattr(models, m)] == []
    for name in ["install_url", "legacy_auth_code_url", "CallbackReceiver", "EventRouter", "CallbackContext",
                 "parse_event", "InfoType", "TicketNotFound", "TokenManager", "SuiteClient", "AsyncSuiteClient"]:
        assert callable(getattr(wecom_suite, name)), name
    for method in ["get_pre_auth_code", "get_permanent_code", "get_auth_info", "get_agent", "set_agent",
                   "get_json", "post_json"]:
        assert callable(getattr(wecom_suite.SuiteClient, method)), method
