"""The rules of WeCom's service API, sans-I/O: a plain object the HTTP routes (and tests) call.

``Emulator.call(path, params)`` runs the endpoint registered for ``path`` in
:data:`~wecom_suite.sandbox.endpoints.endpoint_table.ENDPOINTS` (the ``*_endpoints`` modules) with the request's
parameters (query and JSON body merged) and returns the JSON answer, or raises
:class:`~wecom_suite.sandbox.endpoints.api_failure.ApiFailure` with WeCom's errcode. This class holds the state those
endpoints share (issued values, companies, tickets, orders), the credential checks, and the admin
actions that play what users do inside WeCom. Every decision looks at the injected clock.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Mapping
from typing import Any

from ...clock import Clock
from ..endpoints.answer import Answer, BinaryAnswer
from ..endpoints.api_failure import ApiFailure
from ..endpoints.endpoint_table import ENDPOINTS
from ..endpoints.request_params import same_secret, text_param
from ..settings import SandboxSettings
from .credentials import CredentialBook, Issued
from .directory import (
    Authorization,
    SimCompany,
    SimDepartment,
    SimEdition,
    SimUser,
    default_companies,
    open_userid_for,
)
from .license_book import LicenseBook, LicenseOrder
from .lifetimes import LIFETIMES
from .order_book import Order

__all__ = ["ENDPOINTS", "LIFETIMES", "Answer", "BinaryAnswer", "Emulator", "Order"]


class Emulator:
    """WeCom's server-side state for one suite (plus its provider and 代开发 template).

    Thread-safe: the HTTP routes run in worker threads while tests call admin methods directly.
    """

    def __init__(self, settings: SandboxSettings, clock: Clock, companies: list[SimCompany] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.book = CredentialBook(clock)
        self.lock = threading.RLock()
        self.companies: dict[str, SimCompany] = {
            c.corp_id: c for c in (companies if companies is not None else default_companies(settings.provider_corp_id))
        }
        self.tickets: list[Issued] = []
        self.orders: dict[str, Order] = {}
        self.registrations: dict[str, str] = {}  # register_code -> corp_id once "registered"
        self.licenses = LicenseBook()  # 接口许可: orders, accounts, renewal jobs, auto-active per company

    # ------------------------------------------------------------------ dispatch
    def handles(self, path: str) -> bool:
        return path in ENDPOINTS

    def call(self, path: str, params: Mapping[str, Any]) -> Answer:
        """Run the endpoint at ``path`` (relative to ``/cgi-bin/``); raises ``KeyError`` when unknown."""
        endpoint = ENDPOINTS[path]
        with self.lock:
            return endpoint(self, params)

    def now(self) -> float:
        return self.clock.now()

    # ------------------------------------------------------------------ tickets
    def issue_ticket(self) -> str:
        """A new suite_ticket (what a push carries). The previous one stays valid while ≤ 30 minutes old."""
        with self.lock:
            ticket = self.book.issue("suite_ticket", self.settings.suite_id, LIFETIMES["suite_ticket"], length=64)
            self.tickets = [*self.tickets[-1:], ticket]
            return ticket.value

    def ticket_valid(self, value: str) -> bool:
        """True for the current or the previous suite_ticket while it is under 30 minutes old."""
        now = self.now()
        return any(t.value == value and not t.expired(now) for t in self.tickets[-2:])

    # ------------------------------------------------------------------ token checks
    def check_token(self, params: Mapping[str, Any], param: str, kind: str, unknown: int, expired: int) -> Issued:
        value = text_param(params, param)
        if not value:
            raise ApiFailure(41001, f"{param} missing")
        item = self.book.lookup(kind, value)
        if item is None:
            raise ApiFailure(unknown)
        if item.expired(self.now()):
            raise ApiFailure(expired)
        return item

    def check_suite_token(self, params: Mapping[str, Any]) -> Issued:
        return self.check_token(params, "suite_access_token", "suite_token", 40082, 42009)

    def check_provider_token(self, params: Mapping[str, Any], param: str = "provider_access_token") -> Issued:
        return self.check_token(params, param, "provider_token", 40082, 42009)

    def company_of_corp_token(self, params: Mapping[str, Any]) -> SimCompany:
        item = self.check_token(params, "access_token", "corp_token", 40014, 42001)
        company = self.companies.get(item.subject)
        if company is None or not company.authorized:
            raise ApiFailure(40014)
        return company

    def authorized_company(self, corp_id: str) -> SimCompany:
        company = self.companies.get(corp_id)
        if company is None or not company.authorized:
            raise ApiFailure(48004, f"corp {corp_id} has not authorised the suite")
        return company

    def company_by_permanent_code(self, params: Mapping[str, Any]) -> SimCompany:
        corp_id = text_param(params, "auth_corpid")
        code = text_param(params, "permanent_code")
        if not code:
            raise ApiFailure(41025)
        company = self.companies.get(corp_id)
        auth = company.authorization if company else None
        if company is None or auth is None or auth.cancelled or not same_secret(auth.permanent_code, code):
            raise ApiFailure(40084)
        return company

    def corp_token_answer(self, company: SimCompany) -> dict[str, Any]:
        token = self.book.issue("corp_token", company.corp_id, LIFETIMES["corp_token"], reuse=True)
        return {"errcode": 0, "errmsg": "ok", "access_token": token.value, "expires_in": token.remaining(self.now())}

    # ------------------------------------------------------------------ shared answers
    def pre_auth_code(self, value: str) -> Issued:
        """The pre_auth_code's record, or ApiFailure 40077 (unknown/used) / 42007 (expired)."""
        item = self.book.lookup("pre_auth_code", value)
        if item is None or item.used:
            raise ApiFailure(40077)
        if item.expired(self.now()):
            raise ApiFailure(42007)
        return item

    def auth_info(self, company: SimCompany) -> dict[str, Any]:
        auth = company.authorization
        assert auth is not None
        agent = {
            "agentid": company.agent_id,
            "name": "Sandbox Suite App",
            "round_logo_url": "https://sandbox.invalid/round.png",
            "square_logo_url": "https://sandbox.invalid/square.png",
            "appid": 1,
            "auth_mode": auth.auth_mode,
            "is_customized_app": auth.customized,
            "auth_from_thirdapp": False,
            "privilege": {
                "level": 1,
                "allow_party": sorted(company.departments)[:1],
                "allow_user": [],
                "allow_tag": [],
                "extra_party": [],
                "extra_user": [],
                "extra_tag": [],
            },
        }
        edition = company.edition or SimEdition(
            "sandbox-edition", "标准版", 5 if auth.auth_type == 0 else 1, 200, int(self.now()) + 365 * 86400
        )
        return {
            "auth_corp_info": company.corp_info(),
            "auth_info": {"agent": [agent]},
            "edition_info": {"agent": [edition.as_json(company.agent_id)]},
        }

    def agent_json(self, company: SimCompany) -> dict[str, Any]:
        return {
            "agentid": company.agent_id,
            "name": "Sandbox Suite App",
            "square_logo_url": "https://sandbox.invalid/square.png",
            "round_logo_url": "https://sandbox.invalid/round.png",
            "description": "a sandbox app",
            "allow_userinfos": {"user": [{"userid": u.userid, "status": u.status} for u in company.users.values()]},
            "allow_partys": {"partyid": sorted(company.departments)[:1]},
            "allow_tags": {"tagid": []},
            "close": 0,
            "redirect_domain": "127.0.0.1",
            "report_location_flag": 0,
            "isreportuser": 0,
            "isreportenter": 0,
            "home_url": "",
        }

    def open_corpid(self, corp_id: str) -> str:
        return "wp" + hashlib.sha256(f"{self.settings.provider_corp_id}/{corp_id}".encode()).hexdigest()[:30]

    # ------------------------------------------------------------------ admin actions (what users do in WeCom)
    def company(self, corp_id: str) -> SimCompany:
        company = self.companies.get(corp_id)
        if company is None:
            raise KeyError(f"no simulated company {corp_id!r}; known: {sorted(self.companies)}")
        return company

    def consume_pre_auth_code(self, value: str) -> Issued:
        """The install page was confirmed: the pre_auth_code is used up (a second install needs a new one)."""
        with self.lock:
            item = self.pre_auth_code(value)
            item.used = True
            return item

    def install(self, corp_id: str, *, state: str = "", auth_type: int = 0, customized: bool = False) -> str:
        """The company's admin authorised the suite (or the 代开发 template): returns the auth_code (10 min).

        Re-installing replaces the authorisation: a new permanent code, the old one stops working.
        """
        with self.lock:
            company = self.company(corp_id)
            installer = company.admins[0].userid if company.admins else ""
            company.authorization = Authorization(
                permanent_code=secrets.token_urlsafe(48),
                state=state,
                auth_type=auth_type,
                customized=customized,
                installer_userid=installer,
            )
            self.book.revoke("corp_token", corp_id)
            code = self.book.issue("auth_code", corp_id, LIFETIMES["auth_code"], length=64)
            return code.value

    def permanent_code(self, corp_id: str) -> str:
        """The company's current permanent code (for tests that skip the exchange)."""
        auth = self.company(corp_id).authorization
        if auth is None or auth.cancelled:
            raise KeyError(f"company {corp_id} has not authorised the suite")
        return auth.permanent_code

    def cancel_auth(self, corp_id: str) -> None:
        """The company removed the app: its permanent code (40084) and tokens (40014) stop working."""
        with self.lock:
            company = self.company(corp_id)
            if company.authorization is None:
                raise KeyError(f"company {corp_id} has not authorised the suite")
            company.authorization.cancelled = True
            for kind in ("corp_token", "jsapi_ticket", "agent_ticket"):
                self.book.revoke(kind, corp_id)

    def change_auth(self, corp_id: str, *, auth_mode: int | None = None) -> None:
        with self.lock:
            company = self.authorized_company(corp_id)
            assert company.authorization is not None
            if auth_mode is not None:
                company.authorization.auth_mode = auth_mode

    def change_edition(
        self,
        corp_id: str,
        *,
        edition_id: str,
        edition_name: str,
        app_status: int = 3,
        user_limit: int = 200,
        expired_time: int | None = None,
    ) -> SimEdition:
        """The company bought, renewed or lost a paid edition (版本变更): get_auth_info shows it from now on.

        ``expired_time`` defaults to a year from now (Unix seconds)."""
        with self.lock:
            company = self.authorized_company(corp_id)
            company.edition = SimEdition(
                edition_id, edition_name, app_status, user_limit,
                int(self.now()) + 365 * 86400 if expired_time is None else expired_time,
            )
            return company.edition

    def reset_permanent_code(self, corp_id: str) -> str:
        """代开发 重置永久授权码: a new auth_code whose exchange replaces the permanent code (the secret)."""
        with self.lock:
            self.authorized_company(corp_id)
            return self.book.issue("auth_code", corp_id, LIFETIMES["auth_code"], length=64, data={"reset": True}).value

    def issue_oauth_code(self, corp_id: str | None, userid: str = "", *, scope: str = "snsapi_base") -> str:
        """The code WeCom appends to an OAuth2 / web-login redirect (5 minutes, single use).

        ``corp_id=None`` plays a WeChat user who is not a member of any company (answer: ``openid``).
        """
        with self.lock:
            if corp_id is None:
                return self.book.issue(
                    "oauth_code",
                    "",
                    LIFETIMES["oauth_code"],
                    data={"openid": "o" + secrets.token_hex(14), "scope": scope},
                ).value
            company = self.authorized_company(corp_id)
            if userid not in company.users:
                raise KeyError(f"no user {userid!r} in {corp_id}")
            return self.book.issue(
                "oauth_code", corp_id, LIFETIMES["oauth_code"], data={"userid": userid, "scope": scope}
            ).value

    def issue_login_code(self, corp_id: str, userid: str, *, usertype: int = 1) -> str:
        """The auth_code of the legacy provider QR login (第三方扫码登录), for get_login_info."""
        with self.lock:
            company = self.company(corp_id)
            if userid not in company.users:
                raise KeyError(f"no user {userid!r} in {corp_id}")
            return self.book.issue(
                "login_code", corp_id, LIFETIMES["login_code"], data={"userid": userid, "usertype": usertype}
            ).value

    def expire_token(self, kind: str, subject: str | None = None) -> None:
        """Make the current token of ``kind`` die now, as if its 7200 s had passed (42009 / 42001 next).

        ``subject`` is the suite id, provider corp id or company corp id; None picks the suite's own.
        """
        self.book.expire_now(kind, subject or self._default_subject(kind))

    def invalidate_tokens(self, kind: str, subject: str | None = None) -> int:
        """Forget every token of ``kind`` (WeCom invalidating early): callers get 40082 / 40014 next."""
        return self.book.revoke(kind, subject or self._default_subject(kind))

    def _default_subject(self, kind: str) -> str:
        if kind == "provider_token":
            return self.settings.provider_corp_id
        if kind == "suite_token":
            return self.settings.suite_id
        raise ValueError(f"name the company (corp id) whose {kind} to expire")

    def complete_registration(self, register_code: str) -> SimCompany:
        """Admin action: someone finished 推广注册 with ``register_code`` -> a new company that has authorised."""
        with self.lock:
            item = self.book.lookup("register_code", register_code)
            if item is None or item.expired(self.now()) or register_code in self.registrations:
                raise ApiFailure(84022)
            corp_id = "ww" + secrets.token_hex(8)
            name = item.data.get("corp_name") or "新注册企业"
            company = SimCompany(corp_id=corp_id, corp_name=name, agent_id=1000002)
            company.departments[1] = SimDepartment(1, name)
            company.users["admin"] = SimUser(
                "admin", "管理员", [1], open_userid_for(self.settings.provider_corp_id, corp_id, "admin"), is_admin=True
            )
            company.authorization = Authorization(
                permanent_code=secrets.token_urlsafe(48), state=item.data.get("state", ""), installer_userid="admin"
            )
            self.companies[corp_id] = company
            self.registrations[register_code] = corp_id
            return company

    # ------------------------------------------------------------------ orders (docs/protocol.md §3.9)
    def create_order(self, corp_id: str, **fields: Any) -> Order:
        with self.lock:
            self.authorized_company(corp_id)
            order = Order(
                orderid="T" + secrets.token_hex(10).upper(),
                paid_corpid=corp_id,
                suiteid=self.settings.suite_id,
                order_time=int(self.now()),
                extra=dict(fields),
            )
            self.orders[order.orderid] = order
            return order

    # ------------------------------------------------------------------ interface licenses (接口许可, §3.9)
    def pay_license_order(self, order_id: str) -> LicenseOrder:
        """The provider paid a license order in its console: a new purchase gets one active code per
        account (``order.active_codes``), a renewal extends its accounts' ``expire_time``."""
        with self.lock:
            return self.licenses.pay(order_id, int(self.now()))
