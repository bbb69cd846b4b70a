"""Data-callback (数据回调) events and messages, keyed by ``MsgType`` / ``Event`` like internal apps."""

from __future__ import annotations

from .base import DataEvent, integer, text

__all__ = ["ChangeAppAdminEvent", "DataEvent", "MessageEvent", "UnlicensedNotifyEvent"]


class MessageEvent(DataEvent):
    """A user message (``MsgType`` text, image, voice, ...); ``content`` is set for text messages."""

    __slots__ = ("content", "msg_id")
    FIELDS = (("content", "Content", text), ("msg_id", "MsgId", integer))
    content: str
    msg_id: int | None


class ChangeAppAdminEvent(DataEvent):
    """change_app_admin (应用管理员变更): call get_admin_list for the new list."""

    __slots__ = ()
    EVENT = "change_app_admin"


class UnlicensedNotifyEvent(DataEvent):
    """unlicensed_notify: a member without an active interface license (接口许可) used the app."""

    __slots__ = ()
    EVENT = "unlicensed_notify"
