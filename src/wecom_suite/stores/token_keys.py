"""Store keys for every cached credential, built so that two different owners can never share a key.

Each part is escaped (``%`` -> ``%25``, ``:`` -> ``%3A``) before the parts are joined with ``:``, so the
mapping is injective: suite ``"a:b"`` + corp ``"c"`` and suite ``"a"`` + corp ``"b:c"`` get different keys,
and company A's token can never be returned for company B.
"""

from __future__ import annotations

__all__ = [
    "agent_ticket_key",
    "corp_token_key",
    "jsapi_ticket_key",
    "provider_token_key",
    "suite_token_key",
]


def _escape(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


def _key(kind: str, *parts: str) -> str:
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValueError(f"{kind} key needs non-empty string ids, got {part!r}")
    return ":".join([kind, *(_escape(p) for p in parts)])


def suite_token_key(suite_id: str) -> str:
    """``suite_access_token`` (第三方应用凭证) of one suite."""
    return _key("suite_token", suite_id)


def provider_token_key(provider_corp_id: str) -> str:
    """``provider_access_token`` (服务商凭证) of one provider."""
    return _key("provider_token", provider_corp_id)


def corp_token_key(suite_id: str, corp_id: str) -> str:
    """A company's ``access_token`` (授权方 access_token) obtained through one suite."""
    return _key("corp_token", suite_id, corp_id)


def jsapi_ticket_key(suite_id: str, corp_id: str) -> str:
    """A company's ``jsapi_ticket`` (企业 jsapi_ticket) for one suite."""
    return _key("jsapi_ticket", suite_id, corp_id)


def agent_ticket_key(suite_id: str, corp_id: str, agent_id: str | int) -> str:
    """The app's ``agent_config`` ticket (应用 jsapi_ticket) in one company."""
    return _key("agent_ticket", suite_id, corp_id, str(agent_id))
