"""会话内容存档 (chat archive) instruction events: new messages and keyword hits to fetch.

Both carry a ``token`` (valid 10 minutes, at most 128 bytes) that the fetch call needs: a credential,
so it is never in the repr.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Field, InstructionEvent, text
from .info_type import InfoType

__all__ = ["ChatArchiveTokenEvent", "ConversationNewMessageEvent", "HitKeywordEvent"]


class ChatArchiveTokenEvent(InstructionEvent):
    """Base of the chat-archive events: ``token`` authorises one fetch of the new records."""

    __slots__ = ("token",)
    FIELDS: ClassVar[tuple[Field, ...]] = (("token", "Token", text),)
    token: str


class ConversationNewMessageEvent(ChatArchiveTokenEvent):
    """conversation_new_message (产生会话回调事件): the company has new archived messages.

    Sent to the 「会话存档接口授权」 app's instruction URL; fetch the records with ``token``.
    https://developer.work.weixin.qq.com/document/path/97085
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CONVERSATION_NEW_MESSAGE


class HitKeywordEvent(ChatArchiveTokenEvent):
    """hit_keyword (命中关键词规则通知): an archived message matched a keyword rule.

    Fetch the matching records with ``token``.
    https://developer.work.weixin.qq.com/document/path/97244
    """

    __slots__ = ()
    INFO_TYPE = InfoType.HIT_KEYWORD
