"""Every InfoType of the instruction callbacks (指令回调) and system events (系统事件), as a str enum."""

from __future__ import annotations

from .wire_enum import WireEnum

__all__ = ["InfoType"]


class InfoType(WireEnum):
    """``InfoType`` values of the instruction and system-event URLs. Compares equal to the plain string.

    Each value's event class cites its official page; ``docs/callbacks.md`` lists them all.
    """

    # Suite lifecycle (授权)
    SUITE_TICKET = "suite_ticket"
    CREATE_AUTH = "create_auth"
    CHANGE_AUTH = "change_auth"
    CANCEL_AUTH = "cancel_auth"
    RESET_PERMANENT_CODE = "reset_permanent_code"
    CORP_ARCH_AUTH = "corp_arch_auth"
    APPROVE_SPECIAL_AUTH = "approve_special_auth"
    CANCEL_SPECIAL_AUTH = "cancel_special_auth"
    AUTH_DATA_PERMISSION = "auth_data_permission"
    EXPIRE_REMIND_DATA_PERMISSION = "expire_remind_data_permission"
    DEVICE_DATA_AUTH_CHANGE = "device_data_auth_change"
    AGREE_EXTERNAL_USERID_MIGRATION = "agree_external_userid_migration"
    # Contacts (通讯录)
    CHANGE_CONTACT = "change_contact"
    BATCH_JOB_RESULT = "batch_job_result"
    CHANGE_SCHOOL_CONTACT = "change_school_contact"
    CHANGE_SCHOOL_CONTACT_BATCH = "change_school_contact_batch"
    # Customer contact (客户联系)
    CHANGE_EXTERNAL_CONTACT = "change_external_contact"
    CHANGE_EXTERNAL_CHAT = "change_external_chat"
    CHANGE_EXTERNAL_TAG = "change_external_tag"
    CUSTOMER_ACQUISITION = "customer_acquisition"
    CUSTOMER_ACQUISITION_PERMIT_CHANGE = "customer_acquisition_permit_change"
    # Chat archive (会话内容存档)
    CONVERSATION_NEW_MESSAGE = "conversation_new_message"
    HIT_KEYWORD = "hit_keyword"
    # Sharing (企业互联 / 上下游)
    SHARE_AGENT_CHANGE = "share_agent_change"
    SHARE_CHAIN_CHANGE = "share_chain_change"
    # Paid app orders (付费应用)
    OPEN_ORDER = "open_order"
    CHANGE_ORDER = "change_order"
    PAY_FOR_APP_SUCCESS = "pay_for_app_success"
    REFUND = "refund"
    CHANGE_EDITON = "change_editon"  # (sic) WeCom's spelling
    CANCEL_ORDER = "cancel_order"
    # Interface licenses (接口许可) and other provider system events (系统事件)
    LICENSE_PAY_SUCCESS = "license_pay_success"
    LICENSE_REFUND = "license_refund"
    AUTO_ACTIVATE = "auto_activate"
    REGISTER_CORP = "register_corp"
    ADVANCED_API_PAY_SUCCESS = "advanced_api_pay_success"
    ADVANCED_API_REFUND = "advanced_api_refund"
    ADVANCED_API_INSUFFICIENT = "advanced_api_insufficient"
    ADVANCED_API_TRIAL_EXPIRED = "advanced_api_trial_expired"
    ADVANCED_API_EXPIRED = "advanced_api_expired"
    ADVANCED_API_CANCEL = "advanced_api_cancel"

