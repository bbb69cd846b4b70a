"""Seconds each kind of issued value lives (docs/protocol.md §0 and §3; unconfirmed ones are in docs/sandbox.md)."""

from __future__ import annotations

__all__ = ["LIFETIMES"]

LIFETIMES: dict[str, float] = {
    "provider_token": 7200,
    "suite_token": 7200,
    "corp_token": 7200,
    "jsapi_ticket": 7200,
    "agent_ticket": 7200,
    "pre_auth_code": 1200,
    "auth_code": 600,
    "oauth_code": 300,
    "user_ticket": 7200,
    "login_code": 600,
    "customized_link": 864000,
    "register_code": 3600,
    "suite_ticket": 1800,
}
