"""Sharing events: 企业互联 (share_agent_change) and 上下游 (share_chain_change)."""

from __future__ import annotations

from .base import InstructionEvent, integer, text
from .info_type import InfoType

__all__ = ["ShareAgentChangeEvent", "ShareChainChangeEvent"]


class _ShareEvent(InstructionEvent):
    __slots__ = ("agent_id", "app_id", "corp_id")
    FIELDS = (("app_id", "AppId", text), ("corp_id", "CorpId", text), ("agent_id", "AgentId", integer))
    app_id: str
    corp_id: str
    agent_id: int | None


class ShareAgentChangeEvent(_ShareEvent):
    """share_agent_change (企业互联共享应用变更): ``corp_id`` / ``app_id`` are the upstream's.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    INFO_TYPE = InfoType.SHARE_AGENT_CHANGE


class ShareChainChangeEvent(_ShareEvent):
    """share_chain_change (上下游共享应用变更).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    INFO_TYPE = InfoType.SHARE_CHAIN_CHANGE
