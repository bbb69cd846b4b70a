"""Passive replies (被动回复消息): the plaintext XML a data-URL handler answers with.

A handler on the data URL may answer a member's message or one of the events that allow it (e.g.
``click``, ``enter_agent``, ``scancode_waitmsg``, ``template_card_event``) with a message instead of
``success``. Each builder here returns the **plaintext** reply XML; return that string from an
:class:`~wecom_suite.callback.EventRouter` handler and the endpoint encrypts it, or encrypt it yourself
with ``CallbackReceiver.encrypt_reply(plaintext, receive_id)`` (receive id = the company's corp id on
the data URL). Builders are pure: the caller supplies ``create_time`` (Unix seconds, from its clock).

https://developer.work.weixin.qq.com/document/path/90377 (被动回复消息格式, third-party apps)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..events.base import DataEvent
from ..xml import to_xml

__all__ = [
    "MAX_NEWS_ARTICLES",
    "Article",
    "ReplyTo",
    "image_reply",
    "news_reply",
    "template_card_xml_fields",
    "text_reply",
    "update_button_reply",
    "update_template_card_reply",
    "video_reply",
    "voice_reply",
]

MAX_NEWS_ARTICLES = 8
"""A news (图文) reply carries 1 to 8 articles."""


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """Who a reply goes to: ``to_user_name`` is the member's UserID, ``from_user_name`` the corp id,
    ``create_time`` Unix seconds. :meth:`event` derives it from the callback being answered."""

    to_user_name: str
    from_user_name: str
    create_time: int

    @classmethod
    def event(cls, event: DataEvent, *, create_time: int) -> ReplyTo:
        """Answer ``event``: back to its sender (``FromUserName``), from its corp (``ToUserName``)."""
        return cls(event.from_user_name, event.to_user_name, create_time)


def _reply(to: ReplyTo, msg_type: str, body: Mapping[str, Any]) -> str:
    return to_xml(
        {
            "ToUserName": to.to_user_name,
            "FromUserName": to.from_user_name,
            "CreateTime": int(to.create_time),
            "MsgType": msg_type,
            **body,
        }
    )


def _required(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def text_reply(to: ReplyTo, content: str) -> str:
    """A text reply (文本消息). WeCom cuts ``content`` after 2048 bytes. Raises ``ValueError`` if empty."""
    return _reply(to, "text", {"Content": _required("content", content)})


def image_reply(to: ReplyTo, media_id: str) -> str:
    """An image reply (图片消息) of an uploaded temporary media. Raises ``ValueError`` if ``media_id`` is empty."""
    return _reply(to, "image", {"Image": {"MediaId": _required("media_id", media_id)}})


def voice_reply(to: ReplyTo, media_id: str) -> str:
    """A voice reply (语音消息). Raises ``ValueError`` if ``media_id`` is empty."""
    return _reply(to, "voice", {"Voice": {"MediaId": _required("media_id", media_id)}})


def video_reply(to: ReplyTo, media_id: str, *, title: str = "", description: str = "") -> str:
    """A video reply (视频消息) with an optional title and description. Raises ``ValueError`` if
    ``media_id`` is empty."""
    video: dict[str, str] = {"MediaId": _required("media_id", media_id)}
    if title:
        video["Title"] = title
    if description:
        video["Description"] = description
    return _reply(to, "video", {"Video": video})


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a news reply: ``url`` is opened on tap; ``pic_url`` is the cover (JPG/PNG,
    best 1068x455 for the first article, 150x150 for the others)."""

    title: str
    description: str = ""
    url: str = ""
    pic_url: str = ""


def news_reply(to: ReplyTo, articles: Sequence[Article]) -> str:
    """A news reply (图文消息) of 1 to :data:`MAX_NEWS_ARTICLES` articles.

    Raises ``ValueError`` for no articles, too many, or an article without a title.
    """
    if not 1 <= len(articles) <= MAX_NEWS_ARTICLES:
        raise ValueError(f"a news reply has 1 to {MAX_NEWS_ARTICLES} articles, got {len(articles)}")
    items = []
    for article in articles:
        item = {"Title": _required("article title", article.title)}
        if article.description:
            item["Description"] = article.description
        if article.pic_url:
            item["PicUrl"] = article.pic_url
        if article.url:
            item["Url"] = article.url
        items.append(item)
    return _reply(to, "news", {"ArticleCount": len(items), "Articles": {"item": items}})


def update_button_reply(to: ReplyTo, replace_name: str) -> str:
    """Answer a ``template_card_event`` by renaming the clicked button for the member who clicked
    (模板卡片更新消息: 更新点击用户的按钮文案). Raises ``ValueError`` if ``replace_name`` is empty."""
    return _reply(to, "update_button", {"Button": {"ReplaceName": _required("replace_name", replace_name)}})


# JSON keys of the template card whose XML tag is not their plain PascalCase form
_TAG_EXCEPTIONS = {"keyname": "KeyName", "userid": "UserId", "appid": "AppId", "pagepath": "PagePath"}
_SNAKE_WORD = re.compile(r"[a-z0-9]+")


def _tag(key: str) -> str:
    if key[:1].isupper():  # already an XML tag name
        return key
    return _TAG_EXCEPTIONS.get(key) or "".join(word.capitalize() for word in _SNAKE_WORD.findall(key))


def template_card_xml_fields(card: Mapping[str, Any]) -> dict[str, Any]:
    """A template card as sent with message/send (``{"card_type": ..., "main_title": {...}}``) ->
    the ``<TemplateCard>`` fields of the passive reply (``{"CardType": ..., "MainTitle": {...}}``).

    snake_case keys become PascalCase tags (``horizontal_content_list`` -> ``HorizontalContentList``,
    ``keyname`` -> ``KeyName``); lists become repeated elements; booleans become ``1``/``0``. Keys
    that already start with a capital letter are kept, so a card can also be given in XML form.
    """

    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_tag(str(k)): convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value

    converted: dict[str, Any] = convert(card)
    return converted


def update_template_card_reply(to: ReplyTo, card: Mapping[str, Any]) -> str:
    """Answer a ``template_card_event`` by replacing the whole card for the member who clicked
    (模板卡片更新消息: 更新点击用户的整张卡片). ``card`` is the card in message/send's JSON form (or
    XML form), see :func:`template_card_xml_fields`. Raises ``ValueError`` without a ``card_type``."""
    fields = template_card_xml_fields(card)
    if not fields.get("CardType"):
        raise ValueError("the template card needs a card_type")
    return _reply(to, "update_template_card", {"TemplateCard": fields})
