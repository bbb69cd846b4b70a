"""Passive replies: each builder's XML, encrypted by CallbackReceiver.encrypt_reply and decrypted by
wechatpy (an independent implementation), has the fields of https://developer.work.weixin.qq.com/document/path/90377."""

from __future__ import annotations

from typing import Any

import pytest
from wechatpy.crypto import WeChatCrypto

from tests.callback.callback_helpers import KEY, NOW, TOKEN
from wecom_suite.callback import CallbackReceiver
from wecom_suite.callback.reply import (
    MAX_NEWS_ARTICLES,
    Article,
    ReplyTo,
    image_reply,
    news_reply,
    template_card_xml_fields,
    text_reply,
    update_button_reply,
    update_template_card_reply,
    video_reply,
    voice_reply,
)
from wecom_suite.events import TemplateCardEvent, TextMessageEvent, parse_event
from wecom_suite.xml import XmlDict, parse_xml

CORP = "wwcorp0000000001"  # the data URL's receive id is the company's corp id
TO = ReplyTo("lily.chen", CORP, 1712000200)


def decrypted(receiver: CallbackReceiver, plaintext: str) -> XmlDict:
    """Encrypt like the endpoint does, then let wechatpy verify the signature and decrypt."""
    reply = parse_xml(receiver.encrypt_reply(plaintext, CORP, nonce="4242"))
    body = f"<xml><Encrypt><![CDATA[{reply['Encrypt']}]]></Encrypt></xml>"
    theirs = WeChatCrypto(TOKEN, KEY, CORP).decrypt_message(body, reply["MsgSignature"], str(NOW), "4242")
    assert theirs == plaintext
    fields = parse_xml(theirs)
    assert (fields["ToUserName"], fields["FromUserName"], fields["CreateTime"]) == ("lily.chen", CORP, "1712000200")
    return fields


def test_text_reply(receiver: CallbackReceiver) -> None:
    fields = decrypted(receiver, text_reply(TO, "收到 ]]> <ok> & 谢谢"))
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "收到 ]]> <ok> & 谢谢"  # CDATA-safe, whatever the text


def test_media_replies(receiver: CallbackReceiver) -> None:
    image = decrypted(receiver, image_reply(TO, "media-img-9"))
    assert (image["MsgType"], image["Image"]) == ("image", {"MediaId": "media-img-9"})
    voice = decrypted(receiver, voice_reply(TO, "media-voice-9"))
    assert (voice["MsgType"], voice["Voice"]) == ("voice", {"MediaId": "media-voice-9"})
    video = decrypted(receiver, video_reply(TO, "media-vid-9", title="演示", description="两分钟"))
    assert (video["MsgType"], video["Video"]) == (
        "video",
        {"MediaId": "media-vid-9", "Title": "演示", "Description": "两分钟"},
    )
    bare = parse_xml(video_reply(TO, "media-vid-8"))
    assert bare["Video"] == {"MediaId": "media-vid-8"}


def test_news_reply(receiver: CallbackReceiver) -> None:
    articles = [
        Article("季度报告", "第二季度", url="https://r.example/q2", pic_url="https://r.example/q2.png"),
        Article("只有标题"),
    ]
    fields = decrypted(receiver, news_reply(TO, articles))
    assert (fields["MsgType"], fields["ArticleCount"]) == ("news", "2")
    assert fields["Articles"] == {
        "item": [
            {
                "Title": "季度报告",
                "Description": "第二季度",
                "PicUrl": "https://r.example/q2.png",
                "Url": "https://r.example/q2",
            },
            {"Title": "只有标题"},
        ]
    }
    one = parse_xml(news_reply(TO, [Article("一条")]))
    assert (one["ArticleCount"], one["Articles"]) == ("1", {"item": {"Title": "一条"}})


def test_update_button_reply(receiver: CallbackReceiver) -> None:
    fields = decrypted(receiver, update_button_reply(TO, "已同意"))
    assert (fields["MsgType"], fields["Button"]) == ("update_button", {"ReplaceName": "已同意"})


def test_update_template_card_reply(receiver: CallbackReceiver) -> None:
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": "报销审批", "desc": "已处理"},
        "horizontal_content_list": [
            {"keyname": "申请人", "value": "陈莉"},
            {"keyname": "金额", "value": "300", "type": 0},
        ],
        "button_list": [{"text": "已同意", "style": 1, "key": "ok"}],
        "replace_text": "已处理",
        "task_id": "task-42",
    }
    fields = decrypted(receiver, update_template_card_reply(TO, card))
    assert fields["MsgType"] == "update_template_card"
    assert fields["TemplateCard"] == {
        "CardType": "button_interaction",
        "MainTitle": {"Title": "报销审批", "Desc": "已处理"},
        "HorizontalContentList": [
            {"KeyName": "申请人", "Value": "陈莉"},
            {"KeyName": "金额", "Value": "300", "Type": "0"},
        ],
        "ButtonList": {"Text": "已同意", "Style": "1", "Key": "ok"},  # one repeated element parses as a dict
        "ReplaceText": "已处理",
        "TaskId": "task-42",
    }


def test_card_keys_already_in_xml_form_are_kept() -> None:
    assert template_card_xml_fields({"CardType": "text_notice", "source": {"icon_url": "u", "desc_color": 1}}) == {
        "CardType": "text_notice",
        "Source": {"IconUrl": "u", "DescColor": 1},
    }


def test_reply_to_an_event_swaps_sender_and_receiver() -> None:
    msg = parse_event(
        f"<xml><ToUserName>{CORP}</ToUserName><FromUserName>lily.chen</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>hi</Content><MsgId>5</MsgId><AgentID>1000005</AgentID></xml>"
    )
    assert isinstance(msg, TextMessageEvent)
    to = ReplyTo.event(msg, create_time=1712000200)
    assert to == TO
    card = parse_event(
        f"<xml><ToUserName>{CORP}</ToUserName><FromUserName>lily.chen</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType><Event>template_card_event</Event><TaskId>t</TaskId></xml>"
    )
    assert isinstance(card, TemplateCardEvent)
    assert parse_xml(update_button_reply(ReplyTo.event(card, create_time=9), "ok"))["ToUserName"] == "lily.chen"


@pytest.mark.parametrize(
    "build",
    [
        lambda: text_reply(TO, ""),
        lambda: image_reply(TO, ""),
        lambda: voice_reply(TO, ""),
        lambda: video_reply(TO, ""),
        lambda: news_reply(TO, []),
        lambda: news_reply(TO, [Article("a")] * (MAX_NEWS_ARTICLES + 1)),
        lambda: news_reply(TO, [Article("")]),
        lambda: update_button_reply(TO, ""),
        lambda: update_template_card_reply(TO, {"main_title": {"title": "no type"}}),
    ],
)
def test_bad_replies_are_refused(build: Any) -> None:
    with pytest.raises(ValueError):
        build()


def test_eight_articles_are_allowed() -> None:
    assert parse_xml(news_reply(TO, [Article(str(i)) for i in range(MAX_NEWS_ARTICLES)]))["ArticleCount"] == "8"
