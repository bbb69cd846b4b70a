"""The plaintext XML of each instruction callback (指令回调) the sandbox pushes (docs/protocol.md §2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...xml import to_xml

__all__ = [
    "CHANGE_TYPES",
    "batch_job_result_xml",
    "cancel_auth_xml",
    "change_auth_xml",
    "change_contact_xml",
    "change_editon_xml",
    "create_auth_xml",
    "data_event_xml",
    "license_pay_success_xml",
    "member_text_xml",
    "reset_permanent_code_xml",
    "suite_ticket_xml",
]

CHANGE_TYPES = frozenset(
    {"create_user", "update_user", "delete_user", "create_party", "update_party", "delete_party", "update_tag"}
)


def suite_ticket_xml(suite_id: str, ticket: str, timestamp: int) -> str:
    return to_xml({"SuiteId": suite_id, "InfoType": "suite_ticket", "TimeStamp": timestamp, "SuiteTicket": ticket})


def create_auth_xml(suite_id: str, auth_code: str, state: str, timestamp: int) -> str:
    return to_xml(
        {"SuiteId": suite_id, "AuthCode": auth_code, "InfoType": "create_auth", "TimeStamp": timestamp, "State": state}
    )


def change_auth_xml(suite_id: str, corp_id: str, state: str, timestamp: int) -> str:
    return to_xml(
        {"SuiteId": suite_id, "InfoType": "change_auth", "TimeStamp": timestamp, "AuthCorpId": corp_id, "State": state}
    )


def cancel_auth_xml(suite_id: str, corp_id: str, timestamp: int) -> str:
    return to_xml({"SuiteId": suite_id, "InfoType": "cancel_auth", "TimeStamp": timestamp, "AuthCorpId": corp_id})


def change_editon_xml(suite_id: str, corp_id: str, timestamp: int) -> str:
    """版本变更 (InfoType spelled ``change_editon`` by WeCom); the company is ``PaidCorpId``.

    https://developer.work.weixin.qq.com/document/path/91933"""
    return to_xml({"SuiteId": suite_id, "PaidCorpId": corp_id, "InfoType": "change_editon", "TimeStamp": timestamp})


def license_pay_success_xml(provider_corp_id: str, corp_id: str, order_id: str, buyer: str, timestamp: int) -> str:
    """接口许可 payment: a system event (系统事件), so keyed by ``ServiceCorpId`` rather than ``SuiteId``."""
    return to_xml(
        {
            "ServiceCorpId": provider_corp_id,
            "InfoType": "license_pay_success",
            "AuthCorpId": corp_id,
            "OrderId": order_id,
            "BuyerUserId": buyer,
            "TimeStamp": timestamp,
        }
    )


def batch_job_result_xml(provider_corp_id: str, corp_id: str, job_id: str, job_type: str, timestamp: int) -> str:
    """An asynchronous job of the provider ended (通讯录ID转译: ``contact_id_translate``): a system event
    keyed by ``ServiceCorpId``; the result itself is read with ``service/batch/getresult``.
    https://developer.work.weixin.qq.com/document/path/91875"""
    return to_xml(
        {
            "ServiceCorpId": provider_corp_id,
            "InfoType": "batch_job_result",
            "TimeStamp": timestamp,
            "AuthCorpId": corp_id,
            "BatchJob": {"JobId": job_id, "JobType": job_type},
        }
    )


def reset_permanent_code_xml(suite_id: str, auth_code: str, timestamp: int) -> str:
    return to_xml(
        {"SuiteId": suite_id, "AuthCode": auth_code, "InfoType": "reset_permanent_code", "TimeStamp": timestamp}
    )


def change_contact_xml(suite_id: str, corp_id: str, change_type: str, fields: Mapping[str, Any], timestamp: int) -> str:
    if change_type not in CHANGE_TYPES:
        raise ValueError(f"unknown change_contact ChangeType {change_type!r}; expected one of {sorted(CHANGE_TYPES)}")
    return to_xml(
        {
            "SuiteId": suite_id,
            "AuthCorpId": corp_id,
            "InfoType": "change_contact",
            "TimeStamp": timestamp,
            "ChangeType": change_type,
            **fields,
        }
    )


def data_event_xml(
    corp_id: str, event: str, agent_id: int, timestamp: int, from_user: str = "sys", **fields: Any
) -> str:
    """A data-callback (数据回调) event, e.g. ``change_app_admin``; sent with receive id = the corp id."""
    return to_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": from_user,
            "CreateTime": timestamp,
            "MsgType": "event",
            "Event": event,
            "AgentID": agent_id,
            **fields,
        }
    )


def member_text_xml(corp_id: str, userid: str, content: str, agent_id: int, msg_id: int, timestamp: int) -> str:
    """A member's text message to the app on the data URL (数据回调, 接收消息).

    https://developer.work.weixin.qq.com/document/path/90375"""
    return to_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": userid,
            "CreateTime": timestamp,
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id,
            "AgentID": agent_id,
        }
    )
