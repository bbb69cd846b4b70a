"""Instruction-URL and system-event-URL events, parsed from XML shaped like the
official examples (made-up ids). Each test names the page its example follows."""

from __future__ import annotations

import pytest

from wecom_suite import events as ev
from wecom_suite.events import parse_event

SUITE = "wwsuite000000007"
CORP = "wwcorp0000000001"
PROVIDER = "wwprovider000009"


def suite_doc(info_type: str, body: str = "") -> str:
    return (
        f"<xml><SuiteId><![CDATA[{SUITE}]]></SuiteId><AuthCorpId><![CDATA[{CORP}]]></AuthCorpId>"
        f"<InfoType><![CDATA[{info_type}]]></InfoType><TimeStamp>1712000100</TimeStamp>{body}</xml>"
    )


def system_doc(info_type: str, body: str = "") -> str:
    return (
        f"<xml><ServiceCorpId><![CDATA[{PROVIDER}]]></ServiceCorpId><InfoType><![CDATA[{info_type}]]></InfoType>"
        f"<AuthCorpId><![CDATA[{CORP}]]></AuthCorpId>{body}<TimeStamp>1712000100</TimeStamp></xml>"
    )


@pytest.mark.parametrize(
    ("info_type", "cls"),
    [("conversation_new_message", ev.ConversationNewMessageEvent), ("hit_keyword", ev.HitKeywordEvent)],
)
def test_chat_archive_events_keep_the_token_out_of_the_repr(
    info_type: str, cls: type[ev.ChatArchiveTokenEvent]
) -> None:
    """https://developer.work.weixin.qq.com/document/path/97085 and /97244."""
    event = parse_event(suite_doc(info_type, "<Token><![CDATA[ENCarchiveTok_5]]></Token>"))
    assert type(event) is cls
    assert (event.info_type, event.suite_id, event.auth_corp_id, event.timestamp) == (
        info_type,
        SUITE,
        CORP,
        1712000100,
    )
    assert event.token == "ENCarchiveTok_5"
    assert "ENCarchiveTok_5" not in repr(event)


@pytest.mark.parametrize(
    ("info_type", "cls"),
    [
        ("auth_data_permission", ev.AuthDataPermissionEvent),
        ("expire_remind_data_permission", ev.ExpireRemindDataPermissionEvent),
    ],
)
def test_data_permission_events(info_type: str, cls: type[ev.InstructionEvent]) -> None:
    """https://developer.work.weixin.qq.com/document/path/101587."""
    event = parse_event(suite_doc(info_type, "<AuthType><![CDATA[customer_acquisition]]></AuthType>"))
    assert type(event) is cls
    assert getattr(event, "auth_type") == "customer_acquisition"  # noqa: B009 - both classes, one attribute


def test_customer_acquisition_permit_change() -> None:
    """https://developer.work.weixin.qq.com/document/path/92277 (客户可建联成员范围变动事件): no ChangeType."""
    event = parse_event(suite_doc("customer_acquisition_permit_change"))
    assert type(event) is ev.CustomerAcquisitionPermitChangeEvent
    assert (event.auth_corp_id, event.change_type) == (CORP, "")


@pytest.mark.parametrize(
    ("change_type", "body", "expected"),
    [
        (
            "open_profile",
            "<LinkId><![CDATA[cawLink1]]></LinkId><State><![CDATA[ad-7]]></State>",
            {"link_id": "cawLink1", "state": "ad-7"},
        ),
        (
            "customer_start_chat",
            "<LinkId><![CDATA[cawLink1]]></LinkId><UserID><![CDATA[lily.chen]]></UserID>"
            "<ExternalUserID><![CDATA[wmExt02]]></ExternalUserID>",
            {"user_id": "lily.chen", "external_user_id": "wmExt02"},
        ),
        (
            "message_from_customer",
            "<LinkId><![CDATA[cawLink1]]></LinkId><ChatKey><![CDATA[CHATKEY-secret]]></ChatKey>",
            {"chat_key": "CHATKEY-secret"},
        ),
        (
            "quota_expire_soon",
            "<ExpireTime>1714000000</ExpireTime><ExpireQuotaNum>120</ExpireQuotaNum>",
            {"expire_time": 1714000000, "expire_quota_num": 120},
        ),
        ("link_unavailable", "<LinkId><![CDATA[cawLink2]]></LinkId>", {"link_id": "cawLink2"}),
        ("delete_link", "<LinkId><![CDATA[cawLink3]]></LinkId>", {"link_id": "cawLink3"}),
        ("service_balance_low", "", {}),
        ("service_balance_exhausted", "", {}),
        ("service_balance_consumed", "", {}),
        (
            "change_price",
            "<Price>30000</Price><EffectiveTime>1713000000</EffectiveTime>",
            {"price": 30000, "effective_time": 1713000000},
        ),
        (
            "del_follow_user",
            "<UserID><![CDATA[lily.chen]]></UserID><ExternalUserID><![CDATA[wmExt03]]></ExternalUserID>",
            {"external_user_id": "wmExt03"},
        ),
    ],
)
def test_customer_acquisition_kinds(change_type: str, body: str, expected: dict[str, object]) -> None:
    """https://developer.work.weixin.qq.com/document/path/97402 and /99485."""
    event = parse_event(suite_doc("customer_acquisition", f"<ChangeType><![CDATA[{change_type}]]></ChangeType>{body}"))
    assert isinstance(event, ev.CustomerAcquisitionEvent)
    assert isinstance(event.change_type, ev.CustomerAcquisitionChangeType)  # a known kind, not a bare string
    assert event.change_type == change_type
    for attr, value in expected.items():
        assert getattr(event, attr) == value, attr
    assert "CHATKEY-secret" not in repr(event)


def test_auto_activate_accounts_are_typed() -> None:
    """https://developer.work.weixin.qq.com/document/path/95994."""
    event = parse_event(
        system_doc(
            "auto_activate",
            "<Scene>2</Scene><AccountList><ActiveCode><![CDATA[code-A]]></ActiveCode><Type>2</Type>"
            "<ExpireTime>1740000000</ExpireTime><UserId><![CDATA[lily.chen]]></UserId><PreviousStatus>3</PreviousStatus>"
            "<PreviousActiveCode><![CDATA[code-old]]></PreviousActiveCode></AccountList>"
            "<AccountList><ActiveCode><![CDATA[code-B]]></ActiveCode><Type>1</Type><ExpireTime>1740000001</ExpireTime>"
            "<UserId><![CDATA[tom]]></UserId><PreviousStatus>1</PreviousStatus></AccountList>",
        )
    )
    assert isinstance(event, ev.AutoActivateEvent)
    assert (event.scene, event.service_corp_id, event.auth_corp_id) == (2, PROVIDER, CORP)
    assert event.activated_accounts == (
        ev.ActivatedAccount("code-A", 2, 1740000000, "lily.chen", 3, "code-old"),
        ev.ActivatedAccount("code-B", 1, 1740000001, "tom", 1, ""),
    )


def test_license_events() -> None:
    """https://developer.work.weixin.qq.com/document/path/97196 and /95805."""
    paid = parse_event(
        system_doc(
            "license_pay_success", "<OrderId><![CDATA[OI0001]]></OrderId><BuyerUserId><![CDATA[sales]]></BuyerUserId>"
        )
    )
    assert isinstance(paid, ev.LicensePaySuccessEvent)
    assert (paid.order_id, paid.buyer_user_id, paid.service_corp_id) == ("OI0001", "sales", PROVIDER)
    refund = parse_event(
        system_doc("license_refund", "<OrderId><![CDATA[OI0002]]></OrderId><OrderStatus>2</OrderStatus>")
    )
    assert isinstance(refund, ev.LicenseRefundEvent)
    assert (refund.order_id, refund.order_status) == ("OI0002", 2)


def test_advanced_api_events() -> None:
    """https://developer.work.weixin.qq.com/document/path/101401, /101402, /100272, /101406, /100269."""
    paid = parse_event(
        system_doc(
            "advanced_api_pay_success",
            "<AdvanceApiType><![CDATA[1]]></AdvanceApiType><OrderId><![CDATA[AO1]]></OrderId>"
            "<BuyerUserId><![CDATA[sales]]></BuyerUserId>",
        )
    )
    assert isinstance(paid, ev.AdvancedApiPaySuccessEvent)
    assert (paid.advance_api_type, paid.order_id, paid.buyer_user_id) == ("1", "AO1", "sales")
    refund = parse_event(
        system_doc(
            "advanced_api_refund",
            "<AdvanceApiType>1</AdvanceApiType><OrderId>AO2</OrderId><OrderStatus>1</OrderStatus>",
        )
    )
    assert isinstance(refund, ev.AdvancedApiRefundEvent)
    assert (refund.order_id, refund.order_status) == ("AO2", 1)
    short = parse_event(
        system_doc(
            "advanced_api_insufficient",
            "<AdvanceApiType>1</AdvanceApiType><ChatArchiveApi><Edition><![CDATA[2]]></Edition></ChatArchiveApi>",
        )
    )
    assert isinstance(short, ev.AdvancedApiInsufficientEvent)
    assert short.chat_archive_edition == 2
    trial = parse_event(system_doc("advanced_api_trial_expired", "<AdvanceApiType>1</AdvanceApiType>"))
    assert isinstance(trial, ev.AdvancedApiTrialExpiredEvent)
    assert (trial.advance_api_type, trial.chat_archive_edition) == ("1", None)
    expired = parse_event(
        system_doc(
            "advanced_api_expired",
            "<AdvanceApiType>1</AdvanceApiType><ChatArchiveApi><Edition>3</Edition></ChatArchiveApi>",
        )
    )
    assert type(expired) is ev.AdvancedApiExpiredEvent
    assert (expired.info_type, expired.chat_archive_edition, expired.service_corp_id) == (
        "advanced_api_expired",
        3,
        PROVIDER,
    )


def test_advanced_api_cancel_is_typed_like_its_siblings() -> None:
    """取消订单通知, shaped like the example of https://developer.work.weixin.qq.com/document/path/101403
    (made-up ids): ServiceCorpId, InfoType, AuthCorpId, AdvanceApiType, OrderId, TimeStamp."""
    xml = (
        "<xml><ServiceCorpId><![CDATA[wwprov7c2e91aa]]></ServiceCorpId>"
        "<InfoType><![CDATA[advanced_api_cancel]]></InfoType><AuthCorpId><![CDATA[wwcust55d0b3]]></AuthCorpId>"
        "<AdvanceApiType><![CDATA[1]]></AdvanceApiType><OrderId><![CDATA[AOcancel0042]]></OrderId>"
        "<TimeStamp>1712345678</TimeStamp></xml>"
    )
    cancelled = parse_event(xml)
    assert type(cancelled) is ev.AdvancedApiCancelEvent
    assert isinstance(cancelled, ev.AdvancedApiEvent)
    assert (cancelled.info_type, cancelled.service_corp_id, cancelled.auth_corp_id) == (
        "advanced_api_cancel", "wwprov7c2e91aa", "wwcust55d0b3",
    )
    assert (cancelled.advance_api_type, cancelled.order_id, cancelled.timestamp) == ("1", "AOcancel0042", 1712345678)
    assert cancelled.chat_archive_edition is None


def test_contact_id_translate_result_is_a_typed_batch_job_result() -> None:
    """异步任务回调通知 of 通讯录ID转译, shaped like the example of
    https://developer.work.weixin.qq.com/document/path/91875 (made-up ids), on the system-event URL."""
    xml = (
        "<xml><ServiceCorpId><![CDATA[wwprov7c2e91aa]]></ServiceCorpId>"
        "<InfoType><![CDATA[batch_job_result]]></InfoType><TimeStamp>1712345000</TimeStamp>"
        "<AuthCorpId><![CDATA[wwcust55d0b3]]></AuthCorpId>"
        "<BatchJob><JobId><![CDATA[jobTRANSLATE77]]></JobId><JobType><![CDATA[contact_id_translate]]></JobType>"
        "</BatchJob></xml>"
    )
    done = parse_event(xml)
    assert type(done) is ev.BatchJobResultEvent
    assert (done.service_corp_id, done.auth_corp_id, done.timestamp) == ("wwprov7c2e91aa", "wwcust55d0b3", 1712345000)
    assert (done.job_id, done.job_type, done.err_code, done.err_msg) == (
        "jobTRANSLATE77", "contact_id_translate", None, "",
    )
