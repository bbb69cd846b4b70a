"""Members' messages on the data URL (数据回调 普通消息): one class per ``MsgType``.

A member of an installed company writes to the app; WeCom forwards it to the data URL encrypted with
the company's corp id as receive id. ``FromUserName`` is the member's UserID, ``ToUserName`` the corp.
https://developer.work.weixin.qq.com/document/path/90375 (消息格式, third-party apps)
"""

from __future__ import annotations

from typing import ClassVar

from .base import DataEvent, Field, decimal, integer, text
from .data_types import MsgType

__all__ = [
    "ImageMessageEvent",
    "LinkMessageEvent",
    "LocationMessageEvent",
    "MessageEvent",
    "TextMessageEvent",
    "VideoMessageEvent",
    "VoiceMessageEvent",
]


class MessageEvent(DataEvent):
    """A member's message; this base class itself for a ``MsgType`` this release does not type.

    ``msg_id`` is the 64-bit message id (use it to de-duplicate), ``None`` when absent.
    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("msg_id",)
    MSG_TYPE: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[Field, ...]] = (("msg_id", "MsgId", integer),)
    msg_id: int | None


class TextMessageEvent(MessageEvent):
    """text (文本消息): ``content`` is the text.

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("content",)
    MSG_TYPE = MsgType.TEXT
    FIELDS = (*MessageEvent.FIELDS, ("content", "Content", text))
    content: str


class ImageMessageEvent(MessageEvent):
    """image (图片消息): ``media_id`` is valid three days (fetch it with media/get); ``pic_url`` a link.

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("media_id", "pic_url")
    MSG_TYPE = MsgType.IMAGE
    FIELDS = (*MessageEvent.FIELDS, ("pic_url", "PicUrl", text), ("media_id", "MediaId", text))
    pic_url: str
    media_id: str


class VoiceMessageEvent(MessageEvent):
    """voice (语音消息): ``format`` is the audio format, e.g. ``amr``.

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("format", "media_id")
    MSG_TYPE = MsgType.VOICE
    FIELDS = (*MessageEvent.FIELDS, ("media_id", "MediaId", text), ("format", "Format", text))
    media_id: str
    format: str


class VideoMessageEvent(MessageEvent):
    """video (视频消息): the video and its thumbnail as media ids.

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("media_id", "thumb_media_id")
    MSG_TYPE = MsgType.VIDEO
    FIELDS = (*MessageEvent.FIELDS, ("media_id", "MediaId", text), ("thumb_media_id", "ThumbMediaId", text))
    media_id: str
    thumb_media_id: str


class LocationMessageEvent(MessageEvent):
    """location (位置消息): ``latitude``/``longitude`` in degrees (``Location_X``/``Location_Y``),
    ``scale`` the map zoom, ``label`` the place name, ``app_type`` ``wxwork`` or ``wx`` (微信插件).

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("app_type", "label", "latitude", "longitude", "scale")
    MSG_TYPE = MsgType.LOCATION
    FIELDS = (
        *MessageEvent.FIELDS,
        ("latitude", "Location_X", decimal),
        ("longitude", "Location_Y", decimal),
        ("scale", "Scale", integer),
        ("label", "Label", text),
        ("app_type", "AppType", text),
    )
    latitude: float | None
    longitude: float | None
    scale: int | None
    label: str
    app_type: str


class LinkMessageEvent(MessageEvent):
    """link (链接消息): a shared link with its title, description and cover picture.

    https://developer.work.weixin.qq.com/document/path/90375
    """

    __slots__ = ("description", "pic_url", "title", "url")
    MSG_TYPE = MsgType.LINK
    FIELDS = (
        *MessageEvent.FIELDS,
        ("title", "Title", text),
        ("description", "Description", text),
        ("url", "Url", text),
        ("pic_url", "PicUrl", text),
    )
    title: str
    description: str
    url: str
    pic_url: str
