"""A handle on one installed company (授权企业): its record, auth info and company-scoped clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..api.async_corp_client import AsyncCorpClient
from ..api.corp_client import CorpClient
from ..stores.records import CompanyRecord

__all__ = ["Company"]


class Company:
    """What ``app.corp(corp_id)`` returns.

    ``client`` calls corp APIs with this company's access_token (sync); ``async_client`` is the
    same for asyncio code. Tokens are fetched and refreshed on demand through the shared store.
    """

    def __init__(self, record: CompanyRecord, client: CorpClient, async_client: Callable[[], AsyncCorpClient]) -> None:
        self.record = record
        self.client = client
        self._async_client = async_client

    @property
    def corp_id(self) -> str:
        return self.record.corp_id

    @property
    def corp_name(self) -> str:
        return self.record.corp_name

    @property
    def auth_info(self) -> dict[str, Any]:
        """WeCom's auth info (get_permanent_code / get_auth_info answer, without credentials)."""
        return self.record.auth_info

    @property
    def agent_ids(self) -> list[int]:
        agents = (self.record.auth_info.get("auth_info") or {}).get("agent") or []
        return [int(a["agentid"]) for a in agents if isinstance(a, dict) and a.get("agentid") is not None]

    @property
    def async_client(self) -> AsyncCorpClient:
        """The company-scoped async client (``AsyncSuiteClient.corp(corp_id)``)."""
        return self._async_client()

    def __repr__(self) -> str:
        return f"Company(corp_id={self.corp_id!r}, corp_name={self.corp_name!r}, state={self.record.state.value!r})"
