"""Request builders for the interface-license APIs (接口许可, ``/cgi-bin/license/*``, provider token).

One typed builder per API, named ``license_<api>``; :class:`~wecom_suite.api.suite_calls.SuiteCalls`
inherits them, so both clients get a method each. Durations are months (31 days each) plus days, times
Unix seconds, list pages ``limit`` ≤ 1000 (WeCom's default 500) with the ``cursor`` of the previous page.
Writes (orders, payment, activation, transfer, sharing, settings) are never resent after an ambiguous
failure: check with the matching read before trying again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from . import endpoints as ep
from .endpoint_spec import ApiCall, builds
from .models import (
    AccountBalance,
    ActivedAccountList,
    ActiveInfoByCode,
    ActiveInfoByUser,
    ActiveInfoList,
    ApiResult,
    AppLicenseInfo,
    AutoActiveStatus,
    BatchActiveResult,
    LicenseJob,
    LicenseOrderAccounts,
    LicenseOrderCreated,
    LicenseOrderInfo,
    LicenseOrderList,
    NewOrderJob,
    NewOrderJobResult,
    PayJobResult,
    RenewOrderJob,
    ShareActiveCodeResult,
    TransferResults,
    UnionOrder,
)

__all__ = ["LicenseCalls", "license_call"]

def license_call(name: str, body: Mapping[str, Any], *, raw: bool = False) -> ApiCall[Any]:
    """The call of ``license/<name>`` with ``body`` (None values dropped); ValueError for unknown names.
    ``raw=True`` answers a plain ``ApiResult`` with every field in ``model_extra`` instead of the model."""
    endpoint = ep.LICENSE_APIS.get(name)
    if endpoint is None:
        raise ValueError(f"unknown license API {name!r}; known: {', '.join(sorted(ep.LICENSE_APIS))}")
    if raw:
        endpoint = replace(endpoint, parse=ApiResult.model_validate)
    kept = {k: v for k, v in body.items() if v is not None}
    if endpoint.method == "GET":
        return ApiCall(endpoint, params={k: str(v) for k, v in kept.items()})
    return ApiCall(endpoint, body=kept)


def _duration(months: int, days: int) -> dict[str, int]:
    return {"months": months, "days": days}


def _page(cursor: str | None, limit: int | None) -> dict[str, Any]:
    return {"cursor": cursor or None, "limit": limit}


class LicenseCalls:
    """The 接口许可 builders (a mixin of ``SuiteCalls``; needs no state of its own)."""

    __slots__ = ()

    # -- orders (订单管理) ------------------------------------------------------------------------
    @builds(ep.LICENSE_APIS["create_new_order"])
    def license_create_new_order(
        self, corp_id: str, buyer_userid: str, *, base_count: int = 0, external_contact_count: int = 0,
        months: int = 0, days: int = 0,
    ) -> ApiCall[LicenseOrderCreated]:
        """下单购买账号: an unpaid order of new accounts for one company; pay it in the provider console or
        with :meth:`license_submit_pay_job`. ``buyer_userid`` is a member of the provider's own company."""
        return license_call("create_new_order", {
            "corpid": corp_id, "buyer_userid": buyer_userid,
            "account_count": {"base_count": base_count, "external_contact_count": external_contact_count},
            "account_duration": _duration(months, days),
        })

    @builds(ep.LICENSE_APIS["create_renew_order_job"])
    def license_create_renew_order_job(
        self, corp_id: str, accounts: Iterable[tuple[str, int]], *, jobid: str | None = None
    ) -> ApiCall[RenewOrderJob]:
        """创建续期任务: collects (userid, type) accounts to renew (type 1 base, 2 external contact); pass
        ``jobid`` to add to a job."""
        account_list = [{"userid": userid, "type": kind} for userid, kind in accounts]
        return license_call("create_renew_order_job", {"corpid": corp_id, "account_list": account_list, "jobid": jobid})

    @builds(ep.LICENSE_APIS["submit_order_job"])
    def license_submit_order_job(
        self, jobid: str, buyer_userid: str, *, months: int = 0, days: int = 0, new_expire_time: int | None = None
    ) -> ApiCall[LicenseOrderCreated]:
        """提交续期订单: the renewal job becomes an unpaid order."""
        duration: dict[str, int] = _duration(months, days)
        if new_expire_time is not None:
            duration = {"new_expire_time": new_expire_time}
        return license_call("submit_order_job", {"jobid": jobid, "buyer_userid": buyer_userid,
                                                 "account_duration": duration})

    @builds(ep.LICENSE_APIS["create_new_order_job"])
    def license_create_new_order_job(
        self, buy_list: Iterable[Mapping[str, Any]], *, jobid: str | None = None
    ) -> ApiCall[NewOrderJob]:
        """创建多企业新购任务: up to 10 companies per call, each ``{"corpid", "account_count": {...},
        "account_duration": {...}, "auto_active_status"?}``; pass ``jobid`` to add more to the job.
        Companies WeCom refuses come back in ``invalid_list``."""
        return license_call("create_new_order_job", {"buy_list": [dict(item) for item in buy_list], "jobid": jobid})

    @builds(ep.LICENSE_APIS["submit_new_order_job"])
    def license_submit_new_order_job(self, jobid: str, buyer_userid: str) -> ApiCall[NewOrderJob]:
        """提交多企业新购订单: the order is created asynchronously; ask :meth:`license_new_order_job_result`."""
        return license_call("submit_new_order_job", {"jobid": jobid, "buyer_userid": buyer_userid})

    @builds(ep.LICENSE_APIS["new_order_job_result"])
    def license_new_order_job_result(self, jobid: str) -> ApiCall[NewOrderJobResult]:
        """获取多企业新购订单提交结果: ``status`` 1 done (``order_id``), 2 still running, 3 failed."""
        return license_call("new_order_job_result", {"jobid": jobid})

    @builds(ep.LICENSE_APIS["list_order"])
    def license_list_order(
        self, *, corp_id: str | None = None, start_time: int | None = None, end_time: int | None = None,
        cursor: str | None = None, limit: int | None = None,
    ) -> ApiCall[LicenseOrderList]:
        """获取订单列表 (optionally one company's, created in [start_time, end_time])."""
        return license_call("list_order", {"corpid": corp_id, "start_time": start_time, "end_time": end_time,
                                           **_page(cursor, limit)})

    @builds(ep.LICENSE_APIS["get_order"])
    def license_get_order(self, order_id: str) -> ApiCall[LicenseOrderInfo]:
        """获取订单详情."""
        return license_call("get_order", {"order_id": order_id})

    @builds(ep.LICENSE_APIS["get_union_order"])
    def license_get_union_order(
        self, order_id: str, *, cursor: str | None = None, limit: int | None = None
    ) -> ApiCall[UnionOrder]:
        """获取多企业订单详情: the order and one page of its companies (``sub_order_id`` each)."""
        return license_call("get_union_order", {"order_id": order_id, **_page(cursor, limit)})

    @builds(ep.LICENSE_APIS["list_order_account"])
    def license_list_order_account(
        self, order_id: str, *, cursor: str | None = None, limit: int | None = None
    ) -> ApiCall[LicenseOrderAccounts]:
        """获取订单中的账号列表 (``order_id`` or a multi-company ``sub_order_id``; empty until paid)."""
        return license_call("list_order_account", {"order_id": order_id, **_page(cursor, limit)})

    @builds(ep.LICENSE_APIS["cancel_order"])
    def license_cancel_order(self, order_id: str, *, corp_id: str | None = None) -> ApiCall[ApiResult]:
        """取消订单: only unpaid, unexpired orders; ``corp_id`` is required except for a multi-company order."""
        return license_call("cancel_order", {"order_id": order_id, "corpid": corp_id})

    @builds(ep.LICENSE_APIS["submit_pay_job"])
    def license_submit_pay_job(self, order_id: str, payer_userid: str) -> ApiCall[LicenseJob]:
        """提交余额支付订单任务: pay an order from the provider's prepaid balance (充值账户); asynchronous, ask
        :meth:`license_pay_job_result`."""
        return license_call("submit_pay_job", {"payer_userid": payer_userid, "order_id": order_id})

    @builds(ep.LICENSE_APIS["get_account_balance"])
    def license_get_account_balance(self) -> ApiCall[AccountBalance]:
        """充值账户余额查询 (GET ``service/get_account_balance``, provider token): the prepaid balance in fen
        (分) that :meth:`license_submit_pay_job` draws from (代开发: see docs/protocol.md)."""
        return license_call("get_account_balance", {})

    @builds(ep.LICENSE_APIS["pay_job_result"])
    def license_pay_job_result(self, jobid: str) -> ApiCall[PayJobResult]:
        """获取订单支付结果 (within 7 days of the payment job): ``status`` 1 paid, 2 running, 3 failed."""
        return license_call("pay_job_result", {"jobid": jobid})

    # -- accounts (账号管理) ----------------------------------------------------------------------
    @builds(ep.LICENSE_APIS["active_account"])
    def license_active_account(self, corp_id: str, active_code: str, userid: str) -> ApiCall[ApiResult]:
        """激活账号: binds an active code to a member."""
        return license_call("active_account", {"corpid": corp_id, "active_code": active_code, "userid": userid})

    @builds(ep.LICENSE_APIS["batch_active_account"])
    def license_batch_active_account(
        self, corp_id: str, active_list: Iterable[tuple[str, str]]
    ) -> ApiCall[BatchActiveResult]:
        """批量激活账号: (active_code, userid) pairs, ≤ 1000; one errcode per pair."""
        items = [{"active_code": code, "userid": userid} for code, userid in active_list]
        return license_call("batch_active_account", {"corpid": corp_id, "active_list": items})

    @builds(ep.LICENSE_APIS["get_active_info_by_code"])
    def license_get_active_info_by_code(self, corp_id: str, active_code: str) -> ApiCall[ActiveInfoByCode]:
        """获取激活码详情."""
        return license_call("get_active_info_by_code", {"corpid": corp_id, "active_code": active_code})

    @builds(ep.LICENSE_APIS["batch_get_active_info_by_code"])
    def license_batch_get_active_info_by_code(
        self, corp_id: str, active_codes: Iterable[str]
    ) -> ApiCall[ActiveInfoList]:
        """批量获取激活码详情 (≤ 1000 codes)."""
        return license_call("batch_get_active_info_by_code", {"corpid": corp_id,
                                                              "active_code_list": list(active_codes)})

    @builds(ep.LICENSE_APIS["list_actived_account"])
    def license_list_actived_account(
        self, corp_id: str, *, cursor: str | None = None, limit: int | None = None
    ) -> ApiCall[ActivedAccountList]:
        """获取企业的账号列表 (active accounts)."""
        return license_call("list_actived_account", {"corpid": corp_id, **_page(cursor, limit)})

    @builds(ep.LICENSE_APIS["get_active_info_by_user"])
    def license_get_active_info_by_user(self, corp_id: str, userid: str) -> ApiCall[ActiveInfoByUser]:
        """获取成员的激活详情."""
        return license_call("get_active_info_by_user", {"corpid": corp_id, "userid": userid})

    @builds(ep.LICENSE_APIS["batch_transfer_license"])
    def license_batch_transfer_license(
        self, corp_id: str, transfers: Iterable[tuple[str, str]]
    ) -> ApiCall[TransferResults]:
        """账号继承: (handover_userid, takeover_userid) pairs; one errcode per pair."""
        items = [{"handover_userid": old, "takeover_userid": new} for old, new in transfers]
        return license_call("batch_transfer_license", {"corpid": corp_id, "transfer_list": items})

    @builds(ep.LICENSE_APIS["batch_share_active_code"])
    def license_batch_share_active_code(
        self, from_corp_id: str, to_corp_id: str, active_codes: Iterable[str], *, corp_link_type: int | None = None
    ) -> ApiCall[ShareActiveCodeResult]:
        """分配激活码给下游/下级企业: unbound codes (≤ 1000) of the upstream ``from_corp_id`` move to
        ``to_corp_id``. ``corp_link_type`` names the link: 0 上下游 (WeCom's default when omitted), 1 企业互联.
        ``share_result`` lists only the codes that failed, each with its errcode (代开发: see docs/protocol.md)."""
        share_list = [{"active_code": code} for code in active_codes]
        return license_call("batch_share_active_code", {"from_corpid": from_corp_id, "to_corpid": to_corp_id,
                                                        "share_list": share_list, "corp_link_type": corp_link_type})

    # -- app state and auto-activation --------------------------------------------------------
    @builds(ep.LICENSE_APIS["get_app_license_info"])
    def license_get_app_license_info(
        self, corp_id: str, suite_id: str, *, app_id: int | None = None
    ) -> ApiCall[AppLicenseInfo]:
        """获取应用的接口许可状态."""
        return license_call("get_app_license_info", {"corpid": corp_id, "suite_id": suite_id, "appid": app_id})

    @builds(ep.LICENSE_APIS["set_auto_active_status"])
    def license_set_auto_active_status(self, corp_id: str, auto_active_status: int) -> ApiCall[ApiResult]:
        """设置企业的许可自动激活状态 (0 off, 1 on)."""
        return license_call("set_auto_active_status", {"corpid": corp_id, "auto_active_status": auto_active_status})

    @builds(ep.LICENSE_APIS["get_auto_active_status"])
    def license_get_auto_active_status(self, corp_id: str) -> ApiCall[AutoActiveStatus]:
        """查询企业的许可自动激活状态."""
        return license_call("get_auto_active_status", {"corpid": corp_id})

