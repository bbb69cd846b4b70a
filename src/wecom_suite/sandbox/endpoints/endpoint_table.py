"""Which function answers which path under ``/cgi-bin/`` (WeCom's paths; the table in docs/sandbox.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import commerce_endpoints as commerce
from . import corp_endpoints as corp
from . import idconvert_endpoints as idconvert
from . import identity_endpoints as identity
from . import install_endpoints as install
from . import license_endpoints as licenses
from . import token_endpoints as tokens
from .answer import Answer

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = ["ENDPOINTS", "Endpoint"]

Endpoint = Callable[["Emulator", Mapping[str, Any]], Answer]

ENDPOINTS: dict[str, Endpoint] = {
    "service/get_provider_token": tokens.get_provider_token,
    "service/get_suite_token": tokens.get_suite_token,
    "service/get_corp_token": tokens.get_corp_token,
    "gettoken": tokens.gettoken,
    "service/get_pre_auth_code": install.get_pre_auth_code,
    "service/set_session_info": install.set_session_info,
    "service/get_permanent_code": install.get_permanent_code,
    "service/v2/get_permanent_code": install.get_permanent_code_v2,
    "service/get_auth_info": install.get_auth_info,
    "service/v2/get_auth_info": install.get_auth_info_v2,
    "service/get_admin_list": install.get_admin_list,
    "service/get_app_qrcode": install.get_app_qrcode,
    "service/get_customized_auth_url": install.get_customized_auth_url,
    "service/get_login_info": identity.get_login_info,
    "service/auth/getuserinfo3rd": identity.getuserinfo3rd,
    "service/auth/getuserdetail3rd": identity.getuserdetail3rd,
    "service/miniprogram/jscode2session": identity.jscode2session,
    "service/corpid_to_opencorpid": identity.corpid_to_opencorpid,
    "service/get_register_code": commerce.get_register_code,
    "service/get_register_info": commerce.get_register_info,
    "service/get_order": commerce.get_order,
    "service/get_order_list": commerce.get_order_list,
    "service/prolong_try": commerce.prolong_try,
    "license/create_new_order": licenses.create_new_order,
    "license/create_renew_order_job": licenses.create_renew_order_job,
    "license/submit_order_job": licenses.submit_order_job,
    "license/list_order": licenses.list_order,
    "license/get_order": licenses.get_order,
    "license/list_order_account": licenses.list_order_account,
    "license/active_account": licenses.active_account,
    "license/batch_active_account": licenses.batch_active_account,
    "license/get_active_info_by_code": licenses.get_active_info_by_code,
    "license/batch_get_active_info_by_code": licenses.batch_get_active_info_by_code,
    "license/list_actived_account": licenses.list_actived_account,
    "license/get_active_info_by_user": licenses.get_active_info_by_user,
    "license/batch_transfer_license": licenses.batch_transfer_license,
    "license/get_app_license_info": licenses.get_app_license_info,
    "license/set_auto_active_status": licenses.set_auto_active_status,
    "license/get_auto_active_status": licenses.get_auto_active_status,
    "license/create_new_order_job": licenses.create_new_order_job,
    "license/submit_new_order_job": licenses.submit_new_order_job,
    "license/new_order_job_result": licenses.new_order_job_result,
    "license/get_union_order": licenses.get_union_order,
    "license/cancel_order": licenses.cancel_order,
    "license/submit_pay_job": licenses.submit_pay_job,
    "license/pay_job_result": licenses.pay_job_result,
    "license/batch_share_active_code": licenses.batch_share_active_code,
    "service/get_account_balance": licenses.get_account_balance,
    "service/get_agent": corp.get_agent,
    "service/set_agent": corp.set_agent,
    "get_jsapi_ticket": corp.get_jsapi_ticket,
    "ticket/get": corp.ticket_get,
    "user/get": corp.user_get,
    "user/simplelist": corp.user_simplelist,
    "user/list": corp.user_list,
    "department/list": corp.department_list,
    "agent/get": corp.agent_get,
    "agent/get_permissions": corp.agent_get_permissions,
    "batch/userid_to_openuserid": corp.batch_userid_to_openuserid,
    "agent/get_admin_list": corp.agent_get_admin_list,
    "auth/getuserinfo": corp.auth_getuserinfo,
    "auth/getuserdetail": corp.auth_getuserdetail,
    "batch/openuserid_to_userid": idconvert.openuserid_to_userid,
    "externalcontact/get_new_external_userid": idconvert.get_new_external_userid,
    "externalcontact/groupchat/get_new_external_userid": idconvert.groupchat_get_new_external_userid,
    "idconvert/unionid_to_external_userid": idconvert.unionid_to_external_userid,
    "idconvert/batch/external_userid_to_pending_id": idconvert.external_userid_to_pending_id,
    "idconvert/external_tagid": idconvert.external_tagid,
    "idconvert/open_kfid": idconvert.open_kfid,
    "idconvert/convert_tmp_external_userid": idconvert.convert_tmp_external_userid,
    "externalcontact/to_service_external_userid": idconvert.to_service_external_userid,
    "service/externalcontact/unionid_to_external_userid_3rd": idconvert.unionid_to_external_userid_3rd,
    "service/externalcontact/finish_external_userid_migration": idconvert.finish_external_userid_migration,
    "service/finish_openid_migration": idconvert.finish_openid_migration,
    "service/contact/id_translate": idconvert.contact_id_translate,
    "service/batch/getresult": idconvert.service_batch_getresult,
}
