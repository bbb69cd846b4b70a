"""The interface-license APIs (接口许可, ``/cgi-bin/license/*``, provider token): orders (single, renewal,
multi-company), cancelling and balance payment, accounts, sharing to downstream companies, auto-activation.

Each function checks the provider token (41001 / 40082 / 42009), reads WeCom's request fields, and asks
the emulator's :class:`~wecom_suite.sandbox.rules.license_book.LicenseBook` (the rules) for the answer.
Field names follow WeCom's 接口许可 documentation; the choices the reference leaves open are listed in
docs/sandbox.md ("Interface licenses").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..rules.directory import SimCompany
from ..rules.license_book import OrderStatus, OrderType
from .answer import Answer
from .api_failure import ERRMSG, ApiFailure
from .request_params import int_param, text_param

if TYPE_CHECKING:
    from ..rules.emulator import Emulator

__all__ = [
    "active_account",
    "batch_active_account",
    "batch_get_active_info_by_code",
    "batch_share_active_code",
    "batch_transfer_license",
    "cancel_order",
    "create_new_order",
    "create_new_order_job",
    "create_renew_order_job",
    "get_account_balance",
    "get_active_info_by_code",
    "get_active_info_by_user",
    "get_app_license_info",
    "get_auto_active_status",
    "get_order",
    "get_union_order",
    "list_actived_account",
    "list_order",
    "list_order_account",
    "new_order_job_result",
    "pay_job_result",
    "set_auto_active_status",
    "submit_new_order_job",
    "submit_order_job",
    "submit_pay_job",
]

BATCH_LIMIT = 1000  # items per batch_* call
PAGE_DEFAULT, PAGE_MAX = 500, 1000
OK: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


# ---------------------------------------------------------------------- reading parameters
def _object(params: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = params.get(name) or {}
    if not isinstance(value, Mapping):
        raise ApiFailure(40058, f"{name} must be a JSON object")
    return value


def _items(params: Mapping[str, Any], name: str) -> Sequence[Any]:
    value = params.get(name)
    if not isinstance(value, list) or not value:
        raise ApiFailure(40058, f"{name} must be a non-empty list")
    if len(value) > BATCH_LIMIT:
        raise ApiFailure(40058, f"{name} holds at most {BATCH_LIMIT} items")
    return value


def _entries(params: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    items = _items(params, name)
    if not all(isinstance(item, Mapping) for item in items):
        raise ApiFailure(40058, f"every item of {name} must be a JSON object")
    return list(items)


def _page(items: Sequence[Any], params: Mapping[str, Any]) -> tuple[Sequence[Any], dict[str, Any]]:
    """One page of ``items`` by ``cursor`` / ``limit``, and the paging fields of the answer."""
    limit = int_param(params, "limit", PAGE_DEFAULT)
    cursor = text_param(params, "cursor") or "0"
    if not 1 <= limit <= PAGE_MAX or not cursor.isdigit():
        raise ApiFailure(40058, f"limit must be 1..{PAGE_MAX} and cursor a next_cursor from a previous page")
    start = int(cursor)
    end = start + limit
    more = end < len(items)
    return items[start:end], {"next_cursor": str(end) if more else "", "has_more": int(more)}


def _duration(params: Mapping[str, Any]) -> tuple[int, int]:
    duration = _object(params, "account_duration")
    return int_param(duration, "months", 0), int_param(duration, "days", 0)


def _buyer(params: Mapping[str, Any]) -> str:
    buyer = text_param(params, "buyer_userid")
    if not buyer:
        raise ApiFailure(40058, "buyer_userid (a member of the provider's own company) is required")
    return buyer


# ---------------------------------------------------------------------- companies and members
def _installed(emu: Emulator, params: Mapping[str, Any], refused: int = 48004) -> SimCompany:
    """The company named by ``corpid``, which must have the suite installed (701015 to order, else 48004)."""
    corp_id = text_param(params, "corpid")
    company = emu.companies.get(corp_id)
    if company is None or not company.authorized:
        raise ApiFailure(refused, f"corp {corp_id} has no third-party or 代开发 authorisation")
    return company


def _known(emu: Emulator, params: Mapping[str, Any]) -> SimCompany:
    """Queries also work for a company that removed the app since: its accounts still exist."""
    company = emu.companies.get(text_param(params, "corpid"))
    if company is None:
        raise ApiFailure(40013)
    return company


def _member(company: SimCompany, userid: str) -> str:
    if userid not in company.users:
        raise ApiFailure(701019, f"userid {userid!r} is not a member of {company.corp_id}")
    return userid


def _now(emu: Emulator) -> int:
    return int(emu.now())


# ---------------------------------------------------------------------- orders
def create_new_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """下单购买帐号 -> ``order_id`` (unpaid until the provider pays: ``Emulator.pay_license_order``)."""
    emu.check_provider_token(params)
    company = _installed(emu, params, refused=701015)
    counts = _object(params, "account_count")
    months, days = _duration(params)
    order = emu.licenses.new_order(
        company.corp_id, _buyer(params), int_param(counts, "base_count", 0),
        int_param(counts, "external_contact_count", 0), months, days, _now(emu),
    )
    return {**OK, "order_id": order.order_id}


def create_renew_order_job(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """创建续期任务: collects active accounts (userid + type); refused ones come back with an errcode."""
    emu.check_provider_token(params)
    company = _installed(emu, params, refused=701015)
    wanted: list[tuple[str, int]] = []
    refused: list[tuple[str, int, int]] = []
    for entry in _entries(params, "account_list"):
        userid, kind = text_param(entry, "userid"), int_param(entry, "type", 0)
        if userid in company.users:
            wanted.append((userid, kind))
        else:
            refused.append((userid, kind, 701019))
    job, more_refused = emu.licenses.add_to_renew_job(company.corp_id, wanted, text_param(params, "jobid"), _now(emu))
    invalid = [
        {"userid": userid, "type": kind, "errcode": code, "errmsg": ERRMSG.get(code, "error")}
        for userid, kind, code in refused + more_refused
    ]
    return {**OK, "jobid": job.jobid, "invalid_account_list": invalid}


def submit_order_job(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """提交续期订单: the job becomes an unpaid renewal order."""
    emu.check_provider_token(params)
    months, days = _duration(params)
    order = emu.licenses.submit_job(text_param(params, "jobid"), _buyer(params), months, days, _now(emu))
    return {**OK, "order_id": order.order_id}


def list_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取订单列表: the provider's orders, optionally of one ``corpid`` and created in [start_time, end_time]."""
    emu.check_provider_token(params)
    has_start, has_end = "start_time" in params, "end_time" in params
    if has_start != has_end:
        raise ApiFailure(40058, "give start_time and end_time together, or neither")
    start, end = int_param(params, "start_time", 0), int_param(params, "end_time", 2**62)
    if end < start:
        raise ApiFailure(40058, "end_time is before start_time")
    orders, paging = _page(emu.licenses.orders_between(text_param(params, "corpid"), start, end), params)
    return {**OK, **paging, "order_list": [{"order_id": o.order_id, "order_type": int(o.order_type)} for o in orders]}


def get_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取订单详情."""
    emu.check_provider_token(params)
    return {**OK, "order": emu.licenses.order(text_param(params, "order_id")).as_json()}


def list_order_account(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取订单中的帐号列表: empty until the order is paid."""
    emu.check_provider_token(params)
    order = emu.licenses.order(text_param(params, "order_id"))
    paid = order.order_status is OrderStatus.PAID
    accounts, paging = _page(emu.licenses.order_accounts(order) if paid else [], params)
    listed = [{"active_code": a.active_code, "type": int(a.type), **({"userid": a.userid} if a.userid else {})}
              for a in accounts]
    return {**OK, **paging, "account_list": listed}


# ---------------------------------------------------------------------- activation
def active_account(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """激活帐号: binds an active code to a member of the company it was bought for."""
    emu.check_provider_token(params)
    company = _installed(emu, params)
    userid = _member(company, text_param(params, "userid"))
    emu.licenses.activate(company.corp_id, text_param(params, "active_code"), userid, _now(emu))
    return dict(OK)


def batch_active_account(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """批量激活帐号: one errcode per item; the call itself succeeds."""
    emu.check_provider_token(params)
    company = _installed(emu, params)
    results = []
    for entry in _entries(params, "active_list"):
        code, userid = text_param(entry, "active_code"), text_param(entry, "userid")
        try:
            emu.licenses.activate(company.corp_id, code, _member(company, userid), _now(emu))
            errcode = 0
        except ApiFailure as failure:
            errcode = failure.errcode
        results.append({"active_code": code, "userid": userid, "errcode": errcode})
    return {**OK, "active_result": results}


def get_active_info_by_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取激活码详情."""
    emu.check_provider_token(params)
    company = _known(emu, params)
    account = emu.licenses.account(company.corp_id, text_param(params, "active_code"))
    return {**OK, "active_info": account.info(_now(emu))}


def batch_get_active_info_by_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """批量获取激活码详情: unknown codes are listed apart; 701010 when none is valid."""
    emu.check_provider_token(params)
    company = _known(emu, params)
    infos, invalid = [], []
    for code in _items(params, "active_code_list"):
        try:
            infos.append(emu.licenses.account(company.corp_id, str(code)).info(_now(emu)))
        except ApiFailure:
            invalid.append(str(code))
    if not infos:
        raise ApiFailure(701010, "no active_code in active_code_list is valid")
    return {**OK, "active_info_list": infos, "invalid_active_code_list": invalid}


def list_actived_account(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取企业的帐号列表: the company's accounts that are active now."""
    emu.check_provider_token(params)
    company = _known(emu, params)
    accounts, paging = _page(emu.licenses.active_accounts(company.corp_id, _now(emu)), params)
    listed = [{"userid": a.userid, "type": int(a.type), "active_time": a.active_time, "expire_time": a.expire_time}
              for a in accounts]
    return {**OK, **paging, "account_list": listed}


def get_active_info_by_user(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取成员的激活详情: ``active_status`` 1 when the member holds an active account."""
    emu.check_provider_token(params)
    company = _known(emu, params)
    userid = _member(company, text_param(params, "userid"))
    held = emu.licenses.held_by(company.corp_id, userid, _now(emu))
    infos = [
        {"active_code": a.active_code, "type": int(a.type), "userid": userid, "active_time": a.active_time,
         "expire_time": a.expire_time}
        for a in held
    ]
    return {**OK, "active_status": int(bool(held)), "active_info_list": infos}


def batch_transfer_license(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """帐号继承: moves each handover member's active accounts to the takeover member; one errcode per item."""
    emu.check_provider_token(params)
    company = _installed(emu, params)
    results = []
    for entry in _entries(params, "transfer_list"):
        handover, takeover = text_param(entry, "handover_userid"), text_param(entry, "takeover_userid")
        if handover not in company.users or takeover not in company.users:
            errcode = 701019
        else:
            errcode = emu.licenses.transfer(company.corp_id, handover, takeover, _now(emu))
        results.append({"handover_userid": handover, "takeover_userid": takeover, "errcode": errcode})
    return {**OK, "transfer_result": results}


# ---------------------------------------------------------------------- app license state
def get_app_license_info(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取应用的接口许可状态: the sandbox's app always runs in license mode, inside a 14-day trial."""
    emu.check_provider_token(params)
    _installed(emu, params)
    if text_param(params, "suite_id") != emu.settings.suite_id:
        raise ApiFailure(40083)
    now = _now(emu)
    return {
        **OK,
        "license_status": 1,
        "trail_info": {"start_time": now - 86400, "end_time": now + 14 * 86400},
        "license_check_time": now,
    }


def set_auto_active_status(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """设置企业的许可自动激活状态 (0 off, 1 on)."""
    emu.check_provider_token(params)
    company = _installed(emu, params)
    status = int_param(params, "auto_active_status", 0)
    if status not in (0, 1):
        raise ApiFailure(40058, "auto_active_status must be 0 or 1")
    emu.licenses.auto_active[company.corp_id] = status
    return dict(OK)


def get_auto_active_status(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """查询企业的许可自动激活状态 (0 until set)."""
    emu.check_provider_token(params)
    company = _installed(emu, params)
    return {**OK, "auto_active_status": emu.licenses.auto_active.get(company.corp_id, 0)}


# ---------------------------------------------------------------------- multi-company purchase (多企业新购)
def create_new_order_job(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """创建多企业新购任务: companies without the suite installed land in ``invalid_list`` (701015)."""
    emu.check_provider_token(params)
    wanted: list[tuple[str, int, int, int, int]] = []
    invalid: list[dict[str, Any]] = []
    for entry in _entries(params, "buy_list"):
        corp_id = text_param(entry, "corpid")
        company = emu.companies.get(corp_id)
        if company is None or not company.authorized:
            invalid.append({"corpid": corp_id, "errcode": 701015, "errmsg": ERRMSG[701015]})
            continue
        counts = _object(entry, "account_count")
        months, days = _duration(entry)
        wanted.append((corp_id, int_param(counts, "base_count", 0), int_param(counts, "external_contact_count", 0),
                       months, days))
        if "auto_active_status" in entry:
            emu.licenses.auto_active[corp_id] = int_param(entry, "auto_active_status", 1)
    if not wanted:
        raise ApiFailure(701015, "no company in buy_list has the suite installed")
    job = emu.licenses.add_to_new_order_job(wanted, text_param(params, "jobid"))
    return {**OK, "jobid": job.jobid, "invalid_list": invalid}


def submit_new_order_job(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """提交多企业新购订单: the sandbox creates the union order at once (the result is ready immediately)."""
    emu.check_provider_token(params)
    job = emu.licenses.submit_new_order_job(text_param(params, "jobid"), _buyer(params), _now(emu))
    return {**OK, "jobid": job.jobid}


def new_order_job_result(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取多企业新购订单提交结果: status 1 with ``order_id`` once submitted, 2 before."""
    emu.check_provider_token(params)
    job = emu.licenses.new_order_job(text_param(params, "jobid"))
    if not job.order_id:
        return {**OK, "status": 2}
    return {**OK, "status": 1, "order_id": job.order_id, "fail_list": []}


def get_union_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取多企业订单详情: the union order and one page of its companies."""
    emu.check_provider_token(params)
    order = emu.licenses.order(text_param(params, "order_id"))
    if order.order_type is not OrderType.MULTI_NEW:
        raise ApiFailure(40058, "not a multi-company order; use get_order")
    subs, paging = _page(order.sub_orders, params)
    return {**OK, "order": order.union_json(), **paging, "buy_list": [sub.buy_info() for sub in subs]}


# ---------------------------------------------------------------------- cancelling and balance payment
def cancel_order(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """取消订单: unpaid orders only (701084 otherwise)."""
    emu.check_provider_token(params)
    emu.licenses.cancel(text_param(params, "order_id"), text_param(params, "corpid"))
    return dict(OK)


def submit_pay_job(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """提交余额支付订单任务: ``payer_userid`` must be a member of the provider's company (the sandbox
    only checks it is given); the payment happens at once."""
    emu.check_provider_token(params)
    if not text_param(params, "payer_userid"):
        raise ApiFailure(40058, "payer_userid (a member of the provider's own company) is required")
    job = emu.licenses.submit_pay(text_param(params, "order_id"), _now(emu))
    return {**OK, "jobid": job.jobid}


def get_account_balance(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """充值账户余额查询 (GET ``service/get_account_balance``): the prepaid balance in fen, which balance
    payment lowers."""
    emu.check_provider_token(params)
    balance = emu.licenses.balance
    return {**OK, "balance": 0 if balance is None else balance}


def pay_job_result(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """获取订单支付结果: status 1 paid, 3 failed with ``pay_job_result`` saying why (top-level errcode 0)."""
    emu.check_provider_token(params)
    job = emu.licenses.pay_job(text_param(params, "jobid"))
    if job.status == 1:
        return {**OK, "status": 1}
    failure = {"errcode": job.errcode, "errmsg": ERRMSG.get(job.errcode, "error"), "fail_corp_list": []}
    return {**OK, "status": 3, "pay_job_result": failure}


# ---------------------------------------------------------------------- sharing (分配激活码给下游企业)
def batch_share_active_code(emu: Emulator, params: Mapping[str, Any]) -> Answer:
    """分配激活码给下游/下级企业: every installed company counts as linked, through 上下游 (``corp_link_type``
    0, the default) or 企业互联 (1) alike (the sandbox has no chains). ``share_result`` lists only the codes
    that failed, as WeCom documents; the moved ones are not listed."""
    emu.check_provider_token(params)
    if int_param(params, "corp_link_type", 0) not in (0, 1):
        raise ApiFailure(40058, "corp_link_type must be 0 (上下游) or 1 (企业互联)")
    source = emu.companies.get(text_param(params, "from_corpid"))
    target = emu.companies.get(text_param(params, "to_corpid"))
    if source is None or target is None or not target.authorized or source is target:
        raise ApiFailure(40058, "from_corpid and to_corpid must be two companies with the suite installed")
    failed = []
    for entry in _entries(params, "share_list"):
        code = text_param(entry, "active_code")
        errcode = emu.licenses.share(source.corp_id, target.corp_id, code, _now(emu))
        if errcode:
            failed.append({"active_code": code, "errcode": errcode, "errmsg": ERRMSG.get(errcode, "error")})
    return {**OK, "share_result": failed}
