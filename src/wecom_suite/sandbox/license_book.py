"""Interface licenses (接口许可), sans-I/O: orders, the accounts they buy, activation, renewal and transfer.

The life of a license in WeCom, played here: the provider orders accounts for a company (下单购买帐号)
or renews accounts already in use (续期帐号, a job then an order); once the order is paid (an admin
action, as paying happens in the provider console), a new-purchase order holds one active code per
account (激活码); binding a code to a member activates it (激活帐号) for the bought duration; a member's
accounts can move to another member of the same company (帐号继承). Every method takes ``now`` (seconds)
so that only the injected clock decides; rule violations raise :class:`ApiFailure` with WeCom's 701xxx codes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .failure import ApiFailure

__all__ = [
    "BIND_WINDOW",
    "DAYS_PER_MONTH",
    "MAX_ACCOUNTS",
    "MAX_DAYS",
    "TRANSFER_COOLDOWN",
    "AccountStatus",
    "AccountType",
    "LicenseAccount",
    "LicenseBook",
    "LicenseOrder",
    "OrderStatus",
    "OrderType",
    "RenewJob",
]

DAY = 86400
DAYS_PER_MONTH = 31  # WeCom counts every bought month as 31 days
MAX_DAYS = 36 * DAYS_PER_MONTH  # at most 36 months per purchase
BIND_WINDOW = 365 * DAY  # an unused active code can be bound for a year after payment (701012 after)
TRANSFER_COOLDOWN = 30 * DAY  # an account moved once cannot move again for 30 days (701017)
MAX_ACCOUNTS = 10_000  # per type and order (WeCom allows 1000000; the sandbox keeps its memory small)
PRICE_PER_MONTH = {1: 500, 2: 2500}  # fen per account per 31 days: the sandbox's own made-up prices


class AccountType(IntEnum):
    BASE = 1  # 基础帐号
    EXTERNAL_CONTACT = 2  # 互通帐号


class OrderType(IntEnum):
    NEW = 1  # 购买帐号
    RENEW = 2  # 续期帐号


class OrderStatus(IntEnum):
    UNPAID = 0  # 待支付
    PAID = 1  # 已支付


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

    @property
    def duration_days(self) -> int:
        return self.months * DAYS_PER_MONTH + self.days

    @property
    def price(self) -> int:
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
        raise ApiFailure(40058, f"account_duration must be 1 day to 36 months (a month is {DAYS_PER_MONTH} days)")
    return months * DAYS_PER_MONTH + days


class LicenseBook:
    """Every license order, account and renewal job of the sandbox's provider, plus 自动激活 per company."""

    def __init__(self) -> None:
        self.orders: dict[str, LicenseOrder] = {}
        self.accounts: dict[str, LicenseAccount] = {}
        self.jobs: dict[str, RenewJob] = {}
        self.auto_active: dict[str, int] = {}

    # ------------------------------------------------------------------ orders
    def new_order(
        self, corp_id: str, buyer_userid: str, base_count: int, external_contact_count: int,
        months: int, days: int, now: int,
    ) -> LicenseOrder:
        if base_count < 0 or external_contact_count < 0 or base_count + external_contact_count == 0:
            raise ApiFailure(40058, "account_count needs base_count and/or external_contact_count > 0")
        if max(base_count, external_contact_count) > MAX_ACCOUNTS:
            raise ApiFailure(40058, f"the sandbox sells at most {MAX_ACCOUNTS} accounts of each type per order")
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
        return [
            o for o in self.orders.values() if (not corp_id or o.corp_id == corp_id) and start <= o.create_time <= end
        ]

    def pay(self, order_id: str, now: int) -> LicenseOrder:
        """The provider paid (in the console): new accounts get their active codes, renewals are extended."""
        order = self.order(order_id)
        if order.order_status is OrderStatus.PAID:
            raise ValueError(f"license order {order_id} is already paid")
        order.order_status, order.pay_time = OrderStatus.PAID, now
        if order.order_type is OrderType.NEW:
            for kind, count in ((AccountType.BASE, order.base_count), (AccountType.EXTERNAL_CONTACT,
                                                                       order.external_contact_count)):
                for _ in range(count):
                    account = LicenseAccount(_new_id("LA"), kind, order.corp_id, order_id, now, order.duration_days)
                    self.accounts[account.active_code] = account
                    order.active_codes.append(account.active_code)
        else:
            for code in order.renew_codes:
                account = self.accounts[code]
                account.expire_time = max(account.expire_time, now) + order.duration_days * DAY
        return order

    def order_accounts(self, order: LicenseOrder) -> list[LicenseAccount]:
        """The accounts an order bought (after payment) or renews."""
        codes = order.active_codes if order.order_type is OrderType.NEW else order.renew_codes
        return [self.accounts[c] for c in codes]

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
