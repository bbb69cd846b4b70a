"""The ``MsgType`` and ``Event`` values of data callbacks (数据回调), as str enums.

A data callback is keyed by ``MsgType``; when that is ``event``, by its ``Event``. Both enums compare
equal to the plain strings, and values WeCom adds later stay plain strings (see ``as_enum``).
"""

from __future__ import annotations

from .wire_enum import WireEnum

__all__ = ["EventType", "MsgType"]


class MsgType(WireEnum):
    """``MsgType`` of a data callback: a member's message, or ``event``.

    https://developer.work.weixin.qq.com/document/path/90375 (消息格式, third-party apps)
    """

    TEXT = "text"
    IMAGE = "image"
    VOICE = "voice"
    VIDEO = "video"
    LOCATION = "location"
    LINK = "link"
    EVENT = "event"


class EventType(WireEnum):
    """``Event`` of a data callback (``MsgType=event``) that a third-party app can receive.

    Most come from https://developer.work.weixin.qq.com/document/path/90376 (事件格式); the others
    name their page in the class docstring of their event.
    """

    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    ENTER_AGENT = "enter_agent"
    LOCATION = "LOCATION"  # (sic) upper case on the wire
    CLICK = "click"
    VIEW = "view"
    VIEW_MINIPROGRAM = "view_miniprogram"
    SCANCODE_PUSH = "scancode_push"
    SCANCODE_WAITMSG = "scancode_waitmsg"
    PIC_SYSPHOTO = "pic_sysphoto"
    PIC_PHOTO_OR_ALBUM = "pic_photo_or_album"
    PIC_WEIXIN = "pic_weixin"
    LOCATION_SELECT = "location_select"
    OPEN_APPROVAL_CHANGE = "open_approval_change"
    SYS_APPROVAL_CHANGE = "sys_approval_change"
    TEMPLATE_CARD_EVENT = "template_card_event"
    TEMPLATE_CARD_MENU_EVENT = "template_card_menu_event"
    CLOSE_INACTIVE_AGENT = "close_inactive_agent"
    REOPEN_INACTIVE_AGENT = "reopen_inactive_agent"
    INACTIVE_ALERT = "inactive_alert"
    LOW_ACTIVE_ALERT = "low_active_alert"
    LOW_ACTIVE = "low_active"
    ACTIVE_RESTORED = "active_restored"
    CHANGE_APP_ADMIN = "change_app_admin"
    UNLICENSED_NOTIFY = "unlicensed_notify"
    KF_MSG_OR_EVENT = "kf_msg_or_event"
    KF_ACCOUNT_AUTH_CHANGE = "kf_account_auth_change"
    LIVING_STATUS_CHANGE = "living_status_change"
    MODIFY_CALENDAR = "modify_calendar"
    DELETE_CALENDAR = "delete_calendar"
    MODIFY_SCHEDULE = "modify_schedule"
    DELETE_SCHEDULE = "delete_schedule"
    RESPOND_SCHEDULE = "respond_schedule"
    SMART_SHEET_CHANGE = "smart_sheet_change"
    DOC_CHANGE = "doc_change"
    PROGRAM_NOTIFY = "program_notify"
    DEVICE_CHECKIN_DATA_REPORT = "device_checkin_data_report"
    DEVICE_ACCESSCONTROL_DATA_REPORT = "device_accesscontrol_data_report"
    DEVICE_TEMPERATURE_DATA_REPORT = "device_temperature_data_report"
    # Events that also exist as InfoTypes: on the data URL they parse into the same classes
    CHANGE_CONTACT = "change_contact"
    CHANGE_SCHOOL_CONTACT = "change_school_contact"
    BATCH_JOB_RESULT = "batch_job_result"
    SHARE_AGENT_CHANGE = "share_agent_change"
    SHARE_CHAIN_CHANGE = "share_chain_change"
    CHANGE_EXTERNAL_CONTACT = "change_external_contact"
    CHANGE_EXTERNAL_CHAT = "change_external_chat"
    CHANGE_EXTERNAL_TAG = "change_external_tag"
    CUSTOMER_ACQUISITION = "customer_acquisition"
