"""Typed events: a class for every InfoType, ChangeType variants, data events, and nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite import events as ev
from wecom_suite.events import EVENT_CLASSES, InfoType, event_from_dict, parse_event
from wecom_suite.xml import to_xml

BASE = {"SuiteId": "ww4asffe99e54c0f4c", "TimeStamp": 1403610513}
CORP = "wxf8b4f85f3a794e77"

# InfoType -> (extra fields, expected class, {attribute: expected value})
CASES: dict[str, tuple[dict[str, Any], type, dict[str, Any]]] = {
    "suite_ticket": ({"SuiteTicket": "T1"}, ev.SuiteTicketEvent, {"suite_ticket": "T1"}),
    "create_auth": (
        {"AuthCode": "AC", "State": "s1", "ExtraInfo": {"AuthOpenKfIdList": {"OpenKfId": "wk1"}}},
        ev.CreateAuthEvent,
        {"auth_code": "AC", "state": "s1", "extra_info": {"AuthOpenKfIdList": {"OpenKfId": "wk1"}}},
    ),
    "change_auth": ({"AuthCorpId": CORP, "State": "abc", "ExtraInfo": ""}, ev.ChangeAuthEvent, {"state": "abc"}),
    "cancel_auth": ({"AuthCorpId": CORP}, ev.CancelAuthEvent, {"auth_corp_id": CORP}),
    "reset_permanent_code": ({"AuthCode": "AC2"}, ev.ResetPermanentCodeEvent, {"auth_code": "AC2"}),
    "corp_arch_auth": ({"AuthCorpId": CORP}, ev.CorpArchAuthEvent, {"auth_corp_id": CORP}),
    "approve_special_auth": (
        {"AuthCorpId": CORP, "AuthType": "customer_acquisition"},
        ev.ApproveSpecialAuthEvent,
        {"auth_type": "customer_acquisition"},
    ),
    "cancel_special_auth": ({"AuthType": "x"}, ev.CancelSpecialAuthEvent, {"auth_type": "x"}),
    "auth_data_permission": ({"AuthType": "y"}, ev.AuthDataPermissionEvent, {"auth_type": "y"}),
    "expire_remind_data_permission": (
        {"AuthType": "data_zone_chat"},
        ev.ExpireRemindDataPermissionEvent,
        {"auth_type": "data_zone_chat"},
    ),
    "device_data_auth_change": ({"AgentID": 1000002}, ev.DeviceDataAuthChangeEvent, {"agent_id": 1000002}),
    "agree_external_userid_migration": ({}, ev.AgreeExternalUseridMigrationEvent, {}),
    "change_contact": (
        {"AuthCorpId": CORP, "ChangeType": "delete_user", "UserID": "zs", "OpenUserID": "wo1"},
        ev.DeleteUserEvent,
        {"user_id": "zs", "open_user_id": "wo1", "change_type": ev.ContactChangeType.DELETE_USER},
    ),
    "batch_job_result": (
        {"BatchJob": {"JobId": "j1", "JobType": "export_user", "ErrCode": 0, "ErrMsg": "ok"}},
        ev.BatchJobResultEvent,
        {"job_id": "j1", "job_type": "export_user", "err_code": 0, "err_msg": "ok"},
    ),
    "change_school_contact": ({"ChangeType": "create_student"}, ev.ChangeSchoolContactEvent, {}),
    "change_school_contact_batch": ({}, ev.ChangeSchoolContactBatchEvent, {}),
    "change_external_contact": (
        {"ChangeType": "transfer_fail", "UserID": "u", "ExternalUserID": "wm1", "FailReason": "customer_refused"},
        ev.ChangeExternalContactEvent,
        {
            "change_type": ev.ExternalContactChangeType.TRANSFER_FAIL,
            "user_id": "u",
            "external_user_id": "wm1",
            "fail_reason": "customer_refused",
        },
    ),
    "change_external_chat": (
        {
            "ChatId": "wr1",
            "ChangeType": "update",
            "UpdateDetail": "add_member",
            "JoinScene": 1,
            "MemChangeCnt": 2,
            "MemChangeList": {"Item": ["Jack", "Rose"]},
        },
        ev.ChangeExternalChatEvent,
        {
            "chat_id": "wr1",
            "change_type": ev.ExternalChatChangeType.UPDATE,
            "update_detail": ev.ExternalChatUpdateDetail.ADD_MEMBER,
            "join_scene": 1,
            "mem_change_cnt": 2,
            "mem_change_list": ("Jack", "Rose"),
        },
    ),
    "change_external_tag": (
        {"Id": "et1", "TagType": "tag_group", "ChangeType": "shuffle", "StrategyId": 3},
        ev.ChangeExternalTagEvent,
        {
            "id": "et1",
            "tag_type": ev.ExternalTagType.TAG_GROUP,
            "change_type": ev.ExternalTagChangeType.SHUFFLE,
            "strategy_id": 3,
        },
    ),
    "customer_acquisition": (
        {"ChangeType": "balance_low", "LinkId": "L1"},
        ev.CustomerAcquisitionEvent,
        {"change_type": ev.CustomerAcquisitionChangeType.BALANCE_LOW, "link_id": "L1"},
    ),
    "share_agent_change": (
        {"AppId": "wwa", "CorpId": "wwc", "AgentId": 1000001},
        ev.ShareAgentChangeEvent,
        {"app_id": "wwa", "corp_id": "wwc", "agent_id": 1000001},
    ),
    "share_chain_change": ({"AppId": "wwb"}, ev.ShareChainChangeEvent, {"app_id": "wwb"}),
    "open_order": (
        {"PaidCorpId": CORP, "OrderId": "O1", "OperatorId": "zs"},
        ev.OpenOrderEvent,
        {"paid_corp_id": CORP, "auth_corp_id": CORP, "order_id": "O1", "operator_id": "zs"},
    ),
    "change_order": (
        {"PaidCorpId": CORP, "OldOrderId": "O1", "NewOrderId": "O2"},
        ev.ChangeOrderEvent,
        {"old_order_id": "O1", "new_order_id": "O2"},
    ),
    "pay_for_app_success": ({"PaidCorpId": CORP, "OrderId": "O3"}, ev.PayForAppSuccessEvent, {"order_id": "O3"}),
    "refund": ({"PaidCorpId": CORP, "OrderId": "O4"}, ev.RefundEvent, {"order_id": "O4"}),
    "change_editon": ({"PaidCorpId": CORP}, ev.ChangeEditionEvent, {"paid_corp_id": CORP}),
    "cancel_order": ({"PaidCorpId": CORP, "OrderId": "O5"}, ev.CancelOrderEvent, {"order_id": "O5"}),
    "license_pay_success": (
        {"ServiceCorpId": "wwp", "AuthCorpId": CORP, "OrderId": "OI1", "BuyerUserId": "zs"},
        ev.LicensePaySuccessEvent,
        {"service_corp_id": "wwp", "order_id": "OI1", "buyer_user_id": "zs"},
    ),
    "license_refund": (
        {"OrderId": "OI2", "OrderStatus": 2},
        ev.LicenseRefundEvent,
        {"order_id": "OI2", "order_status": 2},
    ),
    "auto_activate": (
        {
            "Scene": 1,
            "AccountList": [
                {"ActiveCode": "c1", "Type": 1, "UserId": "a"},
                {"ActiveCode": "c2", "Type": 2, "UserId": "b"},
            ],
        },
        ev.AutoActivateEvent,
        {"scene": 1},
    ),
    "register_corp": (
        {
            "ServiceCorpId": "wwp",
            "RegisterCode": "RC",
            "AuthCorpId": "wwNew",
            "ContactSync": {"AccessToken": "tok", "ExpiresIn": 1800},
            "AuthUserInfo": {"UserId": "zs"},
            "State": "st",
            "TemplateId": "tpl",
        },
        ev.RegisterCorpEvent,
        {
            "register_code": "RC",
            "contact_sync_access_token": "tok",
            "contact_sync_expires_in": 1800,
            "auth_user_id": "zs",
            "template_id": "tpl",
        },
    ),
    "advanced_api_pay_success": ({"AdvanceApiType": "x"}, ev.AdvancedApiPaySuccessEvent, {"advance_api_type": "x"}),
    "advanced_api_refund": ({}, ev.AdvancedApiRefundEvent, {}),
    "advanced_api_insufficient": ({}, ev.AdvancedApiInsufficientEvent, {}),
    "advanced_api_trial_expired": ({}, ev.AdvancedApiTrialExpiredEvent, {}),
    "advanced_api_expired": (
        {"AdvanceApiType": "1", "ChatArchiveApi": {"Edition": 3}},
        ev.AdvancedApiExpiredEvent,
        {"advance_api_type": "1", "chat_archive_edition": 3},
    ),
    "advanced_api_cancel": (
        {"AdvanceApiType": "1", "OrderId": "AO9"},
        ev.AdvancedApiCancelEvent,
        {"advance_api_type": "1", "order_id": "AO9"},
    ),
    "customer_acquisition_permit_change": ({"AuthCorpId": CORP}, ev.CustomerAcquisitionPermitChangeEvent, {}),
    "conversation_new_message": ({"Token": "tok"}, ev.ConversationNewMessageEvent, {"token": "tok"}),
    "hit_keyword": ({"Token": "tok"}, ev.HitKeywordEvent, {"token": "tok"}),
}


def test_every_info_type_has_a_case_and_a_class() -> None:
    assert {t.value for t in InfoType} == set(CASES)
    assert {t.value for t in InfoType} == set(EVENT_CLASSES)


@pytest.mark.parametrize("info_type", sorted(CASES))
def test_each_info_type_parses_into_its_class(info_type: str) -> None:
    extra, cls, expected = CASES[info_type]
    doc = to_xml({**BASE, "InfoType": info_type, **extra, "BrandNewField": "kept"})
    event = parse_event(doc)
    assert type(event) is cls
    assert event.info_type == info_type
    assert event.timestamp == 1403610513
    assert event.suite_id == "ww4asffe99e54c0f4c"
    assert event.raw["BrandNewField"] == "kept"
    for attr, value in expected.items():
        assert getattr(event, attr) == value, attr
    assert parse_event(doc.encode()) == event
    assert "tok" not in repr(event)
    assert "T1" not in repr(event)
    assert "AC" not in repr(event)


def test_auto_activate_accounts() -> None:
    extra = CASES["auto_activate"][0]
    event = parse_event(to_xml({**BASE, "InfoType": "auto_activate", **extra}))
    assert isinstance(event, ev.AutoActivateEvent)
    assert [a["ActiveCode"] for a in event.accounts if isinstance(a, dict)] == ["c1", "c2"]


CONTACT = {**BASE, "AuthCorpId": CORP, "InfoType": "change_contact"}


def test_change_contact_variants() -> None:
    update = parse_event(
        to_xml(
            {
                **CONTACT,
                "ChangeType": "update_user",
                "UserID": "zhangsan",
                "NewUserID": "zhangsan001",
                "Department": "1,2,x,3",
                "IsLeaderInDept": "1,0,0",
                "DirectLeader": "a,b",
                "MainDepartment": 1,
                "Gender": 1,
                "Status": "weird",
                "ExtAttr": {"Item": [{"Name": "爱好", "Type": 0, "Text": {"Value": "旅游"}}]},
            }
        )
    )
    assert isinstance(update, ev.UpdateUserEvent)
    assert isinstance(update, ev.ChangeContactEvent)
    assert update.change_type is ev.ContactChangeType.UPDATE_USER
    assert (update.user_id, update.new_user_id) == ("zhangsan", "zhangsan001")
    assert update.department == (1, 2, 3)  # "x" is skipped; raw keeps it
    assert update.raw["Department"] == "1,2,x,3"
    assert update.is_leader_in_dept == (1, 0, 0)
    assert update.direct_leader == ("a", "b")
    assert (update.main_department, update.gender, update.status) == (1, 1, None)
    assert update.ext_attr == [{"Name": "爱好", "Type": "0", "Text": {"Value": "旅游"}}]

    create = parse_event(to_xml({**CONTACT, "ChangeType": "create_user", "UserID": "u1", "Name": "n"}))
    assert type(create) is ev.CreateUserEvent
    assert create.name == "n"
    assert create.ext_attr == []

    party = parse_event(to_xml({**CONTACT, "ChangeType": "create_party", "Id": 2, "ParentId": 1, "Order": 9}))
    assert isinstance(party, ev.CreatePartyEvent)
    assert (party.id, party.parent_id, party.order) == (2, 1, 9)
    upd_party = parse_event(to_xml({**CONTACT, "ChangeType": "update_party", "Id": 2, "Name": "R&D"}))
    assert isinstance(upd_party, ev.UpdatePartyEvent)
    assert upd_party.name == "R&D"
    deleted = parse_event(to_xml({**CONTACT, "ChangeType": "delete_party", "Id": 7}))
    assert isinstance(deleted, ev.DeletePartyEvent)
    assert deleted.id == 7

    tag = parse_event(
        to_xml(
            {
                **CONTACT,
                "ChangeType": "update_tag",
                "TagId": 1,
                "AddUserItems": "zhangsan,lisi",
                "DelUserItems": "",
                "AddPartyItems": "1,2",
                "DelPartyItems": "3,4",
            }
        )
    )
    assert isinstance(tag, ev.UpdateTagEvent)
    assert (tag.tag_id, tag.add_user_items, tag.del_user_items) == (1, ("zhangsan", "lisi"), ())
    assert (tag.add_party_items, tag.del_party_items) == ((1, 2), (3, 4))

    future = parse_event(to_xml({**CONTACT, "ChangeType": "merge_user"}))
    assert type(future) is ev.ChangeContactEvent
    assert future.change_type == "merge_user"


def test_unknown_info_types_and_shapes_are_kept() -> None:
    unknown = parse_event(to_xml({**BASE, "InfoType": "brand_new_thing", "Deep": {"X": "1"}}))
    assert type(unknown) is ev.UnknownEvent
    assert unknown.info_type == "brand_new_thing"
    assert unknown.raw["Deep"] == {"X": "1"}
    nothing = parse_event("<xml><Foo>1</Foo></xml>")
    assert type(nothing) is ev.UnknownEvent
    assert nothing.info_type == ""
    assert nothing.raw == {"Foo": "1"}
    odd = parse_event(to_xml({"InfoType": "suite_ticket", "TimeStamp": "not-a-number", "SuiteTicket": {"A": "b"}}))
    assert isinstance(odd, ev.SuiteTicketEvent)
    assert odd.timestamp == 0
    assert odd.suite_ticket == ""


DATA = {"ToUserName": CORP, "FromUserName": "sys", "CreateTime": 1403610513, "AgentID": 1}


def test_data_callback_events() -> None:
    admin = parse_event(to_xml({**DATA, "MsgType": "event", "Event": "change_app_admin"}))
    assert type(admin) is ev.ChangeAppAdminEvent
    assert isinstance(admin, ev.DataEvent)
    assert (admin.info_type, admin.auth_corp_id, admin.agent_id, admin.timestamp) == (
        "change_app_admin",
        CORP,
        1,
        1403610513,
    )
    unlicensed = parse_event(to_xml({**DATA, "FromUserName": "zs", "MsgType": "event", "Event": "unlicensed_notify"}))
    assert type(unlicensed) is ev.UnlicensedNotifyEvent
    assert unlicensed.from_user_name == "zs"
    other = parse_event(to_xml({**DATA, "MsgType": "event", "Event": "brand_new_event", "EventKey": "k"}))
    assert type(other) is ev.DataEvent
    assert other.event == other.info_type == "brand_new_event"
    assert other.raw["EventKey"] == "k"
    text = parse_event(to_xml({**DATA, "MsgType": "text", "Content": "hello", "MsgId": 456}))
    assert type(text) is ev.TextMessageEvent
    assert isinstance(text, ev.MessageEvent)
    assert (text.info_type, text.content, text.msg_id) == ("text", "hello", 456)
    future = parse_event(to_xml({**DATA, "MsgType": "hologram", "MsgId": 7}))
    assert type(future) is ev.MessageEvent
    assert (future.info_type, future.msg_id) == ("hologram", 7)


def test_events_are_slotted_and_cheap() -> None:
    event = parse_event(to_xml({**BASE, "InfoType": "suite_ticket", "SuiteTicket": "T"}))
    assert not hasattr(event, "__dict__")
    for cls in EVENT_CLASSES.values():
        assert "__dict__" not in dir(cls), cls
        for attr, _tag, _conv in cls.FIELDS:
            assert any(attr in getattr(k, "__slots__", ()) for k in cls.__mro__), (cls, attr)


_VALUES = st.one_of(st.text(max_size=30), st.from_regex(r"[0-9,]{0,25}", fullmatch=True), st.just("9" * 5000))


@settings(max_examples=300, deadline=None)
@given(
    info_type=st.sampled_from([t.value for t in InfoType] + ["unknown_x"]),
    change_type=st.one_of(st.sampled_from(["create_user", "update_user", "update_tag", "update", "x"]), st.text()),
    values=st.lists(_VALUES, min_size=40, max_size=40),
    nested=st.booleans(),
)
def test_random_field_values_never_raise(info_type: str, change_type: str, values: list[str], nested: bool) -> None:
    tags = sorted({tag for cls in EVENT_CLASSES.values() for _attr, tag, _conv in cls.FIELDS})
    tags += ["TimeStamp", "SuiteId", "AuthCorpId", "PaidCorpId", "ContactSync", "BatchJob", "AccountList"]
    raw: dict[str, Any] = {"InfoType": info_type, "ChangeType": change_type}
    for i, tag in enumerate(tags):
        value: Any = values[i % len(values)]
        raw[tag] = {"Item": [value, value]} if nested and i % 3 == 0 else value
    event = event_from_dict(raw)
    assert event.raw == raw  # every field as received (credentials sealed as SecretText, equal to their text)
    for cls in type(event).__mro__:
        for attr in getattr(cls, "__slots__", ()):
            getattr(event, attr)  # every typed attribute was set
    repr(event)
    _ = event.change_type


def test_every_family_module_is_exported_whole() -> None:
    """``wecom_suite.events`` exports each family module's ``__all__`` (star import), the same modules the
    parser registers classes from: a class added to a family needs no second list (sharing.py once had one)."""
    import ast
    import importlib
    from pathlib import Path

    import wecom_suite.events as events_pkg
    from wecom_suite.events import parser

    init = Path(events_pkg.__file__).read_text(encoding="utf-8")
    star_imported = {
        node.module
        for node in ast.walk(ast.parse(init))
        if isinstance(node, ast.ImportFrom) and [a.name for a in node.names] == ["*"]
    }
    families = {
        name for name in ("auth", "chat_archive", "contact", "data", "external_contact", "license", "messages",
                          "order_events", "sharing")
        if getattr(parser, name, None) is not None
    }
    assert families <= star_imported
    for family in families:
        module = importlib.import_module(f"wecom_suite.events.{family}")
        missing = set(module.__all__) - set(events_pkg.__all__)
        assert missing == set(), family
        for name in module.__all__:
            assert getattr(events_pkg, name) is getattr(module, name)
