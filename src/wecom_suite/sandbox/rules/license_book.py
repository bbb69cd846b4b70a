"""Interface licenses (接口许可), sans-I/O: orders, the accounts they buy, activation, renewal and transfer.

The life of a license in WeCom, played here: the provider orders accounts for a company (下单购买帐号)
or renews accounts already in use (续期帐号, a job then an order); once the order is paid (an admin
action, as paying happens in the provider console), a new-purchase order holds one active code per
account (激活码); binding a code to a member activates it (激活帐号) for the bought duration; a member's
accounts can move to another member of the same company (帐号继承), and unbound codes to a downstream
company (分配激活码给下游企业). Orders for many companies at once go through a job (多企业新购: a union order
with one sub-order per company); unpaid orders can be cancelled, or paid from the provider's prepaid
balance (余额支付, asynchronous: a pay job). Every method takes ``now`` (seconds)
so that only the injected clock decides; rule violations raise :class:`ApiFailure` with WeCom's 701xxx codes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from ..endpoints.api_failure import ApiFailure

__all__ = [
    "BIND_WINDOW",
    "DAYS_PER_MONTH",
    "DEFAULT_BALANCE",
    "MAX_ACCOUNTS",
    "MAX_DAYS",
    "TRANSFER_COOLDOWN",
    "AccountStatus",
    "AccountType",
    "LicenseAccount",
    "LicenseBook",
    "LicenseOrder",
    "NewOrderJob",
    "OrderStatus",
    "OrderType",
    "PayJob",
    "RenewJob",
]

DAY = 86400
DAYS_PER_MONTH = 31  # WeCom counts every bought month as 31 days
MAX_DAYS = 60 * DAYS_PER_MONTH  # at most 60 months (1860 days) per purchase
JOB_BATCH = 10  # companies per create_new_order_job call
INSUFFICIENT_BALANCE = 90433  # pay_job_result's errcode when the prepaid balance is too small
NOT_UNPAID = 701084  # the order is not waiting for payment (paid, cancelled)
BIND_WINDOW = 365 * DAY  # an unused active code can be bound for a year after payment (701012 after)
TRANSFER_COOLDOWN = 30 * DAY  # an account moved once cannot move again for 30 days (701017)
MAX_ACCOUNTS = 10_000  # per type and order (WeCom allows 1000000; the sandbox keeps its memory small)
DEFAULT_BALANCE = 100_000_000  # fen (¥1 000 000): the sandbox provider's prepaid balance (充值账户) at start
PRICE_PER_MONTH = {1: 500, 2: 2500}  # fen per account per 31 days: the sandbox's own made-up prices


class AccountType(IntEnum):
    BASE = 1  # 基础帐号
    EXTERNAL_CONTACT = 2  # 互通帐号


class OrderType(IntEnum):
    NEW = 1  # 购买帐号
    RENEW = 2  # 续期帐号
    MULTI_NEW = 8  # 多企业新购 (a union order; its companies are NEW sub-orders)


class OrderStatus(IntEnum):
    UNPAID = 0  # 待支付
    PAID = 1  # 已支付
    CANCELLED = 2  # 已取消 (unpaid, closed)


class AccountStatus(IntEnum):
    UNBOUND = 1  # 未绑定
    ACTIVE = 2  # 已绑定且有效
    EXPIRED = 3  # 已过期 (bound and past expire_time, or never bound within the bind window)


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(15).upper()


@dataclass
class LicenseAccount:
    """One bought account, known by its active code; bound to a member once activated."""

    active_code: str
    type: AccountType
    corp_id: str
    order_id: str
    create_time: int  # when its order was paid
    duration_days: int
    userid: str = ""
    active_time: int = 0
    expire_time: int = 0
    last_transfer: int | None = None

    def status(self, now: int) -> AccountStatus:
        if not self.userid:
            return AccountStatus.EXPIRED if now >= self.create_time + BIND_WINDOW else AccountStatus.UNBOUND
        return AccountStatus.ACTIVE if now < self.expire_time else AccountStatus.EXPIRED

    def info(self, now: int) -> dict[str, Any]:
        """WeCom's ``active_info`` object (get_active_info_by_code)."""
        answer: dict[str, Any] = {
            "active_code": self.active_code,
            "type": int(self.type),
            "status": int(self.status(now)),
            "create_time": self.create_time,
        }
        if self.userid:
            answer.update(userid=self.userid, active_time=self.active_time, expire_time=self.expire_time)
        return answer


@dataclass
class LicenseOrder:
    """A license order (接口许可订单): new accounts for one company, or the renewal of some of its accounts."""

    order_id: str
    order_type: OrderType
    corp_id: str
    buyer_userid: str
    create_time: int
    months: int
    days: int
    base_count: int = 0
    external_contact_count: int = 0
    renew_codes: list[str] = field(default_factory=list)  # the accounts a renewal extends
    order_status: OrderStatus = OrderStatus.UNPAID
    pay_time: int = 0
    active_codes: list[str] = field(default_factory=list)  # what a paid new-purchase order bought
    union_id: str = ""  # the multi-company order this is a sub-order of
    sub_orders: list[LicenseOrder] = field(default_factory=list)  # a multi-company order's companies

    @property
    def duration_days(self) -> int:
        return self.months * DAYS_PER_MONTH + self.days

    @property
    def price(self) -> int:
        if self.order_type is OrderType.MULTI_NEW:
            return sum(sub.price for sub in self.sub_orders)
        counts = {1: self.base_count, 2: self.external_contact_count}
        per_month = sum(PRICE_PER_MONTH[t] * n for t, n in counts.items())
        return per_month * self.duration_days // DAYS_PER_MONTH

    def as_json(self) -> dict[str, Any]:
        """WeCom's ``order`` object (license/get_order)."""
        answer: dict[str, Any] = {
            "order_id": self.order_id,
            "order_type": int(self.order_type),
            "order_status": int(self.order_status),
            "corpid": self.corp_id,
            "price": self.price,
            "account_count": {"base_count": self.base_count, "external_contact_count": self.external_contact_count},
            "account_duration": {"months": self.months, "days": self.days},
            "create_time": self.create_time,
        }
        if self.order_status is OrderStatus.PAID:
            answer["pay_time"] = self.pay_time
        return answer

    def union_json(self) -> dict[str, Any]:
        """The ``order`` object of get_union_order (no company, counts or duration of its own)."""
        answer: dict[str, Any] = {
            "order_id": self.order_id, "order_type": int(self.order_type), "order_status": int(self.order_status),
            "price": self.price, "create_time": self.create_time,
        }
        if self.order_status is OrderStatus.PAID:
            answer["pay_time"] = self.pay_time
        return answer

    def buy_info(self) -> dict[str, Any]:
        """One company of a union order (``buy_list[]``)."""
        return {
            "sub_order_id": self.order_id, "corpid": self.corp_id,
            "account_count": {"base_count": self.base_count, "external_contact_count": self.external_contact_count},
            "account_duration": {"months": self.months, "days": self.days},
        }


@dataclass
class NewOrderJob:
    """A multi-company purchase job (多企业新购任务): (corp_id, base, external, months, days) per company."""

    jobid: str
    entries: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    order_id: str = ""  # set once submitted (the sandbox creates the order at once: status 1)


@dataclass
class PayJob:
    """A balance payment (余额支付任务): done at once in the sandbox; ``errcode`` 0 when paid."""

    jobid: str
    order_id: str
    errcode: int = 0

    @property
    def status(self) -> int:
        return 1 if self.errcode == 0 else 3


@dataclass
class RenewJob:
    """A renewal job (续期任务): accounts collected by create_renew_order_job, ordered by submit_order_job."""

    jobid: str
    corp_id: str
    codes: list[str] = field(default_factory=list)
    submitted: bool = False


def _duration_days(months: int, days: int) -> int:
    """The bought duration in days; 40058 outside 1 day .. 36 months."""
    if months < 0 or days < 0 or not 1 <= months * DAYS_PER_MONTH + days <= MAX_DAYS:
        raise ApiFailure(40058, f"account_duration must be 1 day to 60 months (a month is {DAYS_PER_MONTH} days)")
    return months * DAYS_PER_MONTH + days


def _counts(base_count: int, external_contact_count: int) -> None:
    if base_count < 0 or external_contact_count < 0 or base_count + external_contact_count == 0:
        raise ApiFailure(40058, "account_count needs base_count and/or external_contact_count > 0")
    if max(base_count, external_contact_count) > MAX_ACCOUNTS:
        raise ApiFailure(40058, f"the sandbox sells at most {MAX_ACCOUNTS} accounts of each type per order")


class LicenseBook:
    """Every license order, account and renewal job of the sandbox's provider, plus 自动激活 per company."""

    def __init__(self) -> None:
        self.orders: dict[str, LicenseOrder] = {}
        self.accounts: dict[str, LicenseAccount] = {}
        self.jobs: dict[str, RenewJob] = {}
        self.new_order_jobs: dict[str, NewOrderJob] = {}
        self.pay_jobs: dict[str, PayJob] = {}
        self.auto_active: dict[str, int] = {}
        # the provider's prepaid balance (充值账户) in fen: balance payment draws from it, get_account_balance
        # reads it; None = never runs out (get_account_balance then answers 0)
        self.balance: int | None = DEFAULT_BALANCE

    # ------------------------------------------------------------------ orders
    def new_order(
        self, corp_id: str, buyer_userid: str, base_count: int, external_contact_count: int,
        months: int, days: int, now: int,
    ) -> LicenseOrder:
        _counts(base_count, external_contact_count)
        _duration_days(months, days)
        order = LicenseOrder(
            _new_id("OI"), OrderType.NEW, corp_id, buyer_userid, now, months, days,
            base_count=base_count, external_contact_count=external_contact_count,
        )
        self.orders[order.order_id] = order
        return order

    def order(self, order_id: str) -> LicenseOrder:
        order = self.orders.get(order_id)
        if order is None:
            raise ApiFailure(701005, "unknown order_id")
        return order

    def orders_between(self, corp_id: str, start: int, end: int) -> list[LicenseOrder]:
        """Top-level orders (sub-orders of a union order are reached through it) of ``corp_id`` (all if "")."""
        return [
            o for o in self.orders.values()
            if not o.union_id and (not corp_id or o.corp_id == corp_id) and start <= o.create_time <= end
        ]

    def cancel(self, order_id: str, corp_id: str) -> LicenseOrder:
        """取消订单: only an unpaid order; ``corp_id`` must name its company unless it is a union order."""
        order = self.order(order_id)
        if order.union_id:
            raise ApiFailure(40058, "cancel the multi-company order, not one of its sub-orders")
        if order.order_type is not OrderType.MULTI_NEW and corp_id != order.corp_id:
            raise ApiFailure(40058, "corpid is required and must be the order's company")
        if order.order_status is not OrderStatus.UNPAID:
            raise ApiFailure(NOT_UNPAID, "only an unpaid order can be cancelled")
        for each in (order, *order.sub_orders):
            each.order_status = OrderStatus.CANCELLED
        return order

    def pay(self, order_id: str, now: int) -> LicenseOrder:
        """The provider paid (in the console): new accounts get their active codes, renewals are extended."""
        order = self.order(order_id)
        if order.order_status is not OrderStatus.UNPAID:
            raise ValueError(f"license order {order_id} is already paid or cancelled")
        order.order_status, order.pay_time = OrderStatus.PAID, now
        for sub in order.sub_orders:
            self.pay(sub.order_id, now)
        if order.order_type is OrderType.NEW:
            for kind, count in ((AccountType.BASE, order.base_count), (AccountType.EXTERNAL_CONTACT,
                                                                       order.external_contact_count)):
                for _ in range(count):
                    account = LicenseAccount(_new_id("LA"), kind, order.corp_id, order_id, now, order.duration_days)
                    self.accounts[account.active_code] = account
                    order.active_codes.append(account.active_code)
        elif order.order_type is OrderType.RENEW:
            for code in order.renew_codes:
                account = self.accounts[code]
                account.expire_time = max(account.expire_time, now) + order.duration_days * DAY
        return order

    def order_accounts(self, order: LicenseOrder) -> list[LicenseAccount]:
        """The accounts an order bought (after payment) or renews."""
        codes = order.active_codes if order.order_type is OrderType.NEW else order.renew_codes
        return [self.accounts[c] for c in codes]

    def submit_pay(self, order_id: str, now: int) -> PayJob:
        """余额支付: pays at once when the balance covers the price; else the job fails with 90433."""
        order = self.order(order_id)
        if order.union_id or order.order_status is not OrderStatus.UNPAID:
            raise ApiFailure(NOT_UNPAID, "the order is not waiting for payment")
        job = PayJob(secrets.token_hex(16), order_id)
        if self.balance is not None and order.price > self.balance:
            job.errcode = INSUFFICIENT_BALANCE
        else:
            if self.balance is not None:
                self.balance -= order.price
            self.pay(order_id, now)
        self.pay_jobs[job.jobid] = job
        return job

    def pay_job(self, jobid: str) -> PayJob:
        job = self.pay_jobs.get(jobid)
        if job is None:
            raise ApiFailure(40058, "unknown jobid")
        return job

    # ------------------------------------------------------------------ multi-company purchase (多企业新购)
    def add_to_new_order_job(
        self, entries: list[tuple[str, int, int, int, int]], jobid: str
    ) -> NewOrderJob:
        """Adds validated (corp_id, base, external, months, days) entries to a new job or ``jobid``'s."""
        if not 1 <= len(entries) <= JOB_BATCH:
            raise ApiFailure(40058, f"buy_list holds 1..{JOB_BATCH} companies per call")
        if jobid:
            job = self.new_order_jobs.get(jobid)
            if job is None or job.order_id:
                raise ApiFailure(40058, "jobid is unknown or was already submitted")
        else:
            job = NewOrderJob(secrets.token_hex(16))
        for _corp_id, base, external, months, days in entries:
            _counts(base, external)
            _duration_days(months, days)
        job.entries.extend(entries)
        self.new_order_jobs[job.jobid] = job
        return job

    def submit_new_order_job(self, jobid: str, buyer_userid: str, now: int) -> NewOrderJob:
        """The job becomes one unpaid union order (type 8) with a NEW sub-order per company."""
        job = self.new_order_jobs.get(jobid)
        if job is None or job.order_id:
            raise ApiFailure(40058, "jobid is unknown or was already submitted")
        if not job.entries:
            raise ApiFailure(40058, "the job holds no company")
        union = LicenseOrder(_new_id("OI"), OrderType.MULTI_NEW, "", buyer_userid, now, 0, 0)
        for corp_id, base, external, months, days in job.entries:
            sub = LicenseOrder(_new_id("OI"), OrderType.NEW, corp_id, buyer_userid, now, months, days,
                               base_count=base, external_contact_count=external, union_id=union.order_id)
            union.sub_orders.append(sub)
            self.orders[sub.order_id] = sub
        self.orders[union.order_id] = union
        job.order_id = union.order_id
        return job

    def new_order_job(self, jobid: str) -> NewOrderJob:
        job = self.new_order_jobs.get(jobid)
        if job is None:
            raise ApiFailure(40058, "unknown jobid")
        return job

    # ------------------------------------------------------------------ renewal
    def add_to_renew_job(
        self, corp_id: str, wanted: Iterable[tuple[str, int]], jobid: str, now: int
    ) -> tuple[RenewJob, list[tuple[str, int, int]]]:
        """Collects (userid, type) accounts into a job (new, or ``jobid``'s); returns the job and the
        refused entries as (userid, type, errcode). Only accounts active right now can be renewed."""
        if jobid:
            job = self.jobs.get(jobid)
            if job is None or job.corp_id != corp_id or job.submitted:
                raise ApiFailure(40058, "jobid is unknown, belongs to another corpid, or was already submitted")
        else:
            job = RenewJob(secrets.token_hex(16), corp_id)
        refused: list[tuple[str, int, int]] = []
        for userid, kind in wanted:
            if kind not in (1, 2):
                refused.append((userid, kind, 701007))
                continue
            held = [a for a in self.held_by(corp_id, userid, now) if a.type == kind]
            if not held:
                refused.append((userid, kind, 701016))
            elif held[0].active_code not in job.codes:
                job.codes.append(held[0].active_code)
        self.jobs[job.jobid] = job
        return job, refused

    def submit_job(self, jobid: str, buyer_userid: str, months: int, days: int, now: int) -> LicenseOrder:
        job = self.jobs.get(jobid)
        if job is None or job.submitted:
            raise ApiFailure(40058, "jobid is unknown or was already submitted")
        if not job.codes:
            raise ApiFailure(701010, "the job holds no account that can be renewed")
        _duration_days(months, days)
        counts = {kind: sum(1 for c in job.codes if self.accounts[c].type == kind) for kind in AccountType}
        order = LicenseOrder(
            _new_id("OI"), OrderType.RENEW, job.corp_id, buyer_userid, now, months, days,
            base_count=counts[AccountType.BASE], external_contact_count=counts[AccountType.EXTERNAL_CONTACT],
            renew_codes=list(job.codes),
        )
        job.submitted = True
        self.orders[order.order_id] = order
        return order

    # ------------------------------------------------------------------ activation
    def account(self, corp_id: str, active_code: str) -> LicenseAccount:
        """The account behind ``active_code``; 701002 when unknown or bought for another company."""
        account = self.accounts.get(active_code)
        if account is None or account.corp_id != corp_id:
            raise ApiFailure(701002, "unknown active_code for this corpid")
        return account

    def held_by(self, corp_id: str, userid: str, now: int) -> list[LicenseAccount]:
        """The member's accounts that are active right now."""
        return [
            a for a in self.accounts.values()
            if a.corp_id == corp_id and a.userid == userid and a.status(now) is AccountStatus.ACTIVE
        ]

    def activate(self, corp_id: str, active_code: str, userid: str, now: int) -> LicenseAccount:
        account = self.account(corp_id, active_code)
        if account.userid:
            raise ApiFailure(701003, "the active_code is already bound")
        if account.status(now) is AccountStatus.EXPIRED:
            raise ApiFailure(701012, "the active_code was not bound within a year of payment")
        if any(a.type == account.type for a in self.held_by(corp_id, userid, now)):
            raise ApiFailure(701011, "the user already has an active account of this type")
        account.userid, account.active_time = userid, now
        account.expire_time = now + account.duration_days * DAY
        return account

    def active_accounts(self, corp_id: str, now: int) -> list[LicenseAccount]:
        return [a for a in self.accounts.values() if a.corp_id == corp_id and a.status(now) is AccountStatus.ACTIVE]

    # ------------------------------------------------------------------ transfer (帐号继承)
    def transfer(self, corp_id: str, handover: str, takeover: str, now: int) -> int:
        """Moves every active account of ``handover`` to ``takeover``; returns the errcode (0 = moved)."""
        if handover == takeover:
            return 40058
        moving = self.held_by(corp_id, handover, now)
        if not moving:
            return 701016
        taken = {a.type for a in self.held_by(corp_id, takeover, now)}
        if any(a.type in taken for a in moving):
            return 701018
        if any(a.last_transfer is not None and now - a.last_transfer < TRANSFER_COOLDOWN for a in moving):
            return 701017
        for account in moving:
            account.userid, account.last_transfer = takeover, now
        return 0

    # ------------------------------------------------------------------ sharing (分配激活码给下游企业)
    def share(self, from_corp_id: str, to_corp_id: str, active_code: str, now: int) -> int:
        """Moves an unbound code of ``from_corp_id`` to ``to_corp_id``; returns the errcode (0 = moved)."""
        account = self.accounts.get(active_code)
        if account is None or account.corp_id != from_corp_id:
            return 701002
        if account.userid:
            return 701003
        if account.status(now) is AccountStatus.EXPIRED:
            return 701012
        account.corp_id = to_corp_id
        return 0
