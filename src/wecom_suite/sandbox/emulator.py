"""The rules of WeCom's service API, sans-I/O: a plain object the HTTP routes (and tests) call.

Each public endpoint method takes the request's parameters (query and JSON body merged) and returns
the JSON answer, or raises :class:`~wecom_suite.sandbox.failure.ApiFailure` with WeCom's errcode.
Lifetimes and errcodes follow ``wecom-api.md`` §3 and §5; every decision looks at the injected clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode
from typing import Any

from ..clock import Clock
from .credentials import CredentialBook, Issued
from .directory import Authorization, SimCompany, SimDepartment, SimUser, default_companies, open_userid_for
from .failure import ApiFailure
from .settings import SandboxSettings

__all__ = ["ENDPOINTS", "LIFETIMES", "BinaryAnswer", "Emulator", "Order"]

# Seconds each kind of value lives (wecom-api.md §0 and §3; "unconfirmed" ones are listed in docs/sandbox.md).
LIFETIMES: dict[str, float] = {
    "provider_token": 7200,
    "suite_token": 7200,
    "corp_token": 7200,
    "jsapi_ticket": 7200,
    "agent_ticket": 7200,
    "pre_auth_code": 1200,
    "auth_code": 600,
    "oauth_code": 300,
    "user_ticket": 7200,
    "login_code": 600,
    "customized_link": 864000,
    "register_code": 3600,
    "suite_ticket": 1800,
}

_STATE_RE = re.compile(r"[A-Za-z0-9]{0,128}")
_TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class BinaryAnswer:
    """A non-JSON answer (get_app_qrcode with ``result_type`` 1 returns the PNG itself)."""

    content: bytes
    media_type: str


Answer = dict[str, Any] | BinaryAnswer


@dataclass
class Order:
    """A paid-edition order (付费应用订单), created by the sandbox's admin actions."""

    orderid: str
    paid_corpid: str
    suiteid: str
    order_time: int
    edition_id: str = "sandbox-edition"
    edition_name: str = "标准版"
    price: int = 10000
    user_count: int = 50
    order_period: int = 365
    order_status: int = 1
    order_type: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "orderid": self.orderid,
            "order_status": self.order_status,
            "order_type": self.order_type,
            "paid_corpid": self.paid_corpid,
            "suiteid": self.suiteid,
            "appid": 1,
            "edition_id": self.edition_id,
            "edition_name": self.edition_name,
            "price": self.price,
            "user_count": self.user_count,
            "order_period": self.order_period,
            "order_time": self.order_time,
            "paid_time": self.order_time,
            "begin_time": self.order_time,
            "end_time": self.order_time + self.order_period * 86400,
            **self.extra,
        }


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    return str(value)


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of a credential (bytes, so that non-ASCII input is just 'wrong')."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _int(params: Mapping[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiFailure(40058, f"{name} must be an integer") from None


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
        self.auto_active: dict[str, int] = {}
        self._handlers: dict[str, Callable[[Mapping[str, Any]], Answer]] = {
            path: getattr(self, name) for path, name in ENDPOINTS.items()
        }

    # ------------------------------------------------------------------ dispatch
    def handles(self, path: str) -> bool:
        return path in self._handlers

    def call(self, path: str, params: Mapping[str, Any]) -> Answer:
        """Run the endpoint at ``path`` (relative to ``/cgi-bin/``); raises ``KeyError`` when unknown."""
        handler = self._handlers[path]
        with self.lock:
            return handler(params)

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
    def _token(self, params: Mapping[str, Any], param: str, kind: str, unknown: int, expired: int) -> Issued:
        value = _text(params, param)
        if not value:
            raise ApiFailure(41001, f"{param} missing")
        item = self.book.lookup(kind, value)
        if item is None:
            raise ApiFailure(unknown)
        if item.expired(self.now()):
            raise ApiFailure(expired)
        return item

    def _suite_token(self, params: Mapping[str, Any]) -> Issued:
        return self._token(params, "suite_access_token", "suite_token", 40082, 42009)

    def _provider_token(self, params: Mapping[str, Any], param: str = "provider_access_token") -> Issued:
        return self._token(params, param, "provider_token", 40082, 42009)

    def _corp_token(self, params: Mapping[str, Any]) -> SimCompany:
        item = self._token(params, "access_token", "corp_token", 40014, 42001)
        company = self.companies.get(item.subject)
        if company is None or not company.authorized:
            raise ApiFailure(40014)
        return company

    def _authorized_company(self, corp_id: str) -> SimCompany:
        company = self.companies.get(corp_id)
        if company is None or not company.authorized:
            raise ApiFailure(48004, f"corp {corp_id} has not authorised the suite")
        return company

    def _company_by_permanent_code(self, params: Mapping[str, Any]) -> SimCompany:
        corp_id = _text(params, "auth_corpid")
        code = _text(params, "permanent_code")
        if not code:
            raise ApiFailure(41025)
        company = self.companies.get(corp_id)
        auth = company.authorization if company else None
        if company is None or auth is None or auth.cancelled or not _same(auth.permanent_code, code):
            raise ApiFailure(40084)
        return company

    def _corp_token_answer(self, company: SimCompany) -> dict[str, Any]:
        token = self.book.issue("corp_token", company.corp_id, LIFETIMES["corp_token"], reuse=True)
        return {"errcode": 0, "errmsg": "ok", "access_token": token.value, "expires_in": token.remaining(self.now())}

    # ------------------------------------------------------------------ token APIs (§3.2)
    def get_provider_token(self, params: Mapping[str, Any]) -> Answer:
        if _text(params, "corpid") != self.settings.provider_corp_id:
            raise ApiFailure(40013)
        if not _same(_text(params, "provider_secret"), self.settings.provider_secret):
            raise ApiFailure(40001, "provider_secret")
        token = self.book.issue(
            "provider_token", self.settings.provider_corp_id, LIFETIMES["provider_token"], reuse=True
        )
        return {
            "errcode": 0,
            "errmsg": "ok",
            "provider_access_token": token.value,
            "expires_in": token.remaining(self.now()),
        }

    def get_suite_token(self, params: Mapping[str, Any]) -> Answer:
        if _text(params, "suite_id") != self.settings.suite_id:
            raise ApiFailure(40083)
        if not _same(_text(params, "suite_secret"), self.settings.suite_secret):
            raise ApiFailure(40080)
        if not self.ticket_valid(_text(params, "suite_ticket")):
            raise ApiFailure(40085)
        token = self.book.issue("suite_token", self.settings.suite_id, LIFETIMES["suite_token"], reuse=True)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "suite_access_token": token.value,
            "expires_in": token.remaining(self.now()),
        }

    def get_corp_token(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        return self._corp_token_answer(self._company_by_permanent_code(params))

    def gettoken(self, params: Mapping[str, Any]) -> Answer:
        """代开发: ``gettoken?corpid=AUTH_CORPID&corpsecret=PERMANENT_CODE``."""
        corp_id, secret = _text(params, "corpid"), _text(params, "corpsecret")
        if not corp_id:
            raise ApiFailure(41002)
        if not secret:
            raise ApiFailure(41004)
        company = self.companies.get(corp_id)
        if company is None:
            raise ApiFailure(40013)
        auth = company.authorization
        if (
            auth is None
            or auth.cancelled
            or not auth.customized
            or not _same(auth.permanent_code, secret)
        ):
            raise ApiFailure(40001, "corpsecret")
        return self._corp_token_answer(company)

    # ------------------------------------------------------------------ install APIs (§3.3)
    def get_pre_auth_code(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        code = self.book.issue(
            "pre_auth_code", self.settings.suite_id, LIFETIMES["pre_auth_code"], data={"auth_type": 0}
        )
        return {
            "errcode": 0,
            "errmsg": "ok",
            "pre_auth_code": code.value,
            "expires_in": int(LIFETIMES["pre_auth_code"]),
        }

    def pre_auth_code(self, value: str) -> Issued:
        """The pre_auth_code's record, or ApiFailure 40077 (unknown/used) / 42007 (expired)."""
        item = self.book.lookup("pre_auth_code", value)
        if item is None or item.used:
            raise ApiFailure(40077)
        if item.expired(self.now()):
            raise ApiFailure(42007)
        return item

    def set_session_info(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        item = self.pre_auth_code(_text(params, "pre_auth_code"))
        session = params.get("session_info") or {}
        if not isinstance(session, Mapping):
            raise ApiFailure(40058, "session_info must be an object")
        auth_type = _int(session, "auth_type", 0)
        if auth_type not in (0, 1):
            raise ApiFailure(40058, "auth_type must be 0 or 1")
        appids = session.get("appid") or []
        if appids:
            raise ApiFailure(40086, "this suite has no multi-app appids")
        item.data["auth_type"] = auth_type
        return {"errcode": 0, "errmsg": "ok"}

    def _permanent_code_answer(self, params: Mapping[str, Any], *, full: bool) -> Answer:
        self._suite_token(params)
        value = _text(params, "auth_code")
        if len(value) < 64:
            raise ApiFailure(40058, "auth_code exceed min length 64")
        item = self.book.lookup("auth_code", value)
        if item is None or item.used or item.expired(self.now()):
            raise ApiFailure(40078)
        company = self.companies.get(item.subject)
        if company is None or company.authorization is None or company.authorization.cancelled:
            raise ApiFailure(40078)
        item.used = True
        auth = company.authorization
        if item.data.get("reset"):
            # 代开发 reset_permanent_code: the new secret replaces the old one when it is fetched.
            auth.permanent_code = secrets.token_urlsafe(48)
            self.book.revoke("corp_token", company.corp_id)
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "permanent_code": auth.permanent_code}
        installer = company.users.get(auth.installer_userid)
        answer["auth_user_info"] = {
            "userid": installer.userid if installer else "",
            "open_userid": installer.open_userid if installer else "",
            "name": installer.userid if installer else "",
            "avatar": "",
        }
        answer["state"] = auth.state
        if full:
            if not auth.customized:
                token = self.book.issue("corp_token", company.corp_id, LIFETIMES["corp_token"], reuse=True)
                answer["access_token"] = token.value
                answer["expires_in"] = token.remaining(self.now())
            answer.update(self._auth_info(company))
        else:
            answer["auth_corp_info"] = {"corpid": company.corp_id, "corp_name": company.corp_name}
        return answer

    def get_permanent_code(self, params: Mapping[str, Any]) -> Answer:
        return self._permanent_code_answer(params, full=True)

    def get_permanent_code_v2(self, params: Mapping[str, Any]) -> Answer:
        return self._permanent_code_answer(params, full=False)

    def _auth_info(self, company: SimCompany) -> dict[str, Any]:
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
        return {
            "auth_corp_info": company.corp_info(),
            "auth_info": {"agent": [agent]},
            "edition_info": {
                "agent": [
                    {
                        "agentid": company.agent_id,
                        "edition_id": "sandbox-edition",
                        "edition_name": "标准版",
                        "app_status": 5 if auth.auth_type == 0 else 1,
                        "user_limit": 200,
                        "expired_time": int(self.now()) + 365 * 86400,
                        "is_virtual_version": False,
                        "is_shared_from_other_corp": False,
                    }
                ]
            },
        }

    def get_auth_info(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        company = self._company_by_permanent_code(params)
        return {"errcode": 0, "errmsg": "ok", **self._auth_info(company)}

    def get_admin_list(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        company = self._authorized_company(_text(params, "auth_corpid"))
        if _int(params, "agentid", 0) != company.agent_id:
            raise ApiFailure(40056)
        admins = [{"userid": u.userid, "open_userid": u.open_userid, "auth_type": 1} for u in company.admins]
        return {"errcode": 0, "errmsg": "ok", "admin": admins}

    def get_app_qrcode(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        if _text(params, "suite_id") not in ("", self.settings.suite_id):
            raise ApiFailure(40083)
        state = _text(params, "state")
        if len(state.encode()) > 32:
            raise ApiFailure(40058, "state exceeds 32 bytes")
        if _int(params, "result_type", 1) == 1:
            return BinaryAnswer(_TINY_PNG, "image/png")
        query = urlencode({"suite_id": self.settings.suite_id, "qrcode": "1", "state": state})
        url = f"{self.settings.install_base_url}/3rdapp/install?{query}"
        return {"errcode": 0, "errmsg": "ok", "qrcode": url}

    # ------------------------------------------------------------------ login / identity (§3.4)
    def get_login_info(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params, "access_token")
        item = self.book.lookup("login_code", _text(params, "auth_code"))
        if item is None or item.used or item.expired(self.now()):
            raise ApiFailure(40029)
        item.used = True
        company = self.companies[item.subject]
        user = company.users[item.data["userid"]]
        return {
            "errcode": 0,
            "errmsg": "ok",
            "usertype": item.data.get("usertype", 1),
            "user_info": {"userid": user.userid, "open_userid": user.open_userid, "name": user.userid, "avatar": ""},
            "corp_info": {"corpid": company.corp_id},
            "agent": [{"agentid": company.agent_id, "auth_type": 1}],
            "auth_info": {"department": [{"id": d, "writable": True} for d in sorted(company.departments)]},
        }

    def getuserinfo3rd(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        item = self.book.lookup("oauth_code", _text(params, "code"))
        if item is None or item.used or item.expired(self.now()):
            raise ApiFailure(40029)
        item.used = True
        if not item.subject:
            return {"errcode": 0, "errmsg": "ok", "openid": item.data["openid"]}
        company = self.companies[item.subject]
        user = company.users[item.data["userid"]]
        answer: dict[str, Any] = {
            "errcode": 0,
            "errmsg": "ok",
            "corpid": company.corp_id,
            "userid": user.userid,
            "open_userid": user.open_userid,
        }
        if item.data.get("scope") == "snsapi_privateinfo":
            ticket = self.book.issue(
                "user_ticket", company.corp_id, LIFETIMES["user_ticket"], data={"userid": user.userid}
            )
            answer["user_ticket"] = ticket.value
            answer["expires_in"] = int(LIFETIMES["user_ticket"])
        return answer

    def getuserdetail3rd(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        item = self.book.lookup("user_ticket", _text(params, "user_ticket"))
        if item is None or item.used:
            raise ApiFailure(84015)
        if item.expired(self.now()):
            raise ApiFailure(84014)
        item.used = True
        company = self.companies[item.subject]
        user = company.users[item.data["userid"]]
        return {
            "errcode": 0,
            "errmsg": "ok",
            "corpid": company.corp_id,
            "userid": user.userid,
            "name": user.userid,
            "gender": user.gender,
            "avatar": f"https://sandbox.invalid/avatar/{user.open_userid}",
            "qr_code": f"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode={user.open_userid}",
        }

    def jscode2session(self, params: Mapping[str, Any]) -> Answer:
        """Mini program login (小程序登录): a code from :meth:`issue_oauth_code` works as ``js_code``."""
        self._suite_token(params)
        item = self.book.lookup("oauth_code", _text(params, "js_code"))
        if item is None or item.used or item.expired(self.now()) or not item.subject:
            raise ApiFailure(40029)
        item.used = True
        user = self.companies[item.subject].users[item.data["userid"]]
        return {"errcode": 0, "errmsg": "ok", "corpid": item.subject, "userid": user.userid,
                "session_key": secrets.token_urlsafe(16), "open_userid": user.open_userid}

    # ------------------------------------------------------------------ id conversion, links, registration
    def open_corpid(self, corp_id: str) -> str:
        return "wp" + hashlib.sha256(f"{self.settings.provider_corp_id}/{corp_id}".encode()).hexdigest()[:30]

    def corpid_to_opencorpid(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        corp_id = _text(params, "corpid")
        if corp_id not in self.companies:
            raise ApiFailure(40013)
        return {"errcode": 0, "errmsg": "ok", "open_corpid": self.open_corpid(corp_id)}

    def get_customized_auth_url(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        templates = params.get("templateid_list") or []
        if not isinstance(templates, list) or not templates:
            raise ApiFailure(84019)
        if any(t != self.settings.template_id for t in templates):
            raise ApiFailure(84020)
        state = _text(params, "state")
        if len(state) > 32 or not _STATE_RE.fullmatch(state):
            raise ApiFailure(84025)
        link = self.book.issue(
            "customized_link", self.settings.template_id, LIFETIMES["customized_link"], length=32, data={"state": state}
        )
        url = (
            f"{self.settings.install_base_url}/3rdapp/install?suite_id={self.settings.template_id}"
            f"&customized_link={link.value}&state={state}"
        )
        return {"errcode": 0, "errmsg": "ok", "qrcode_url": url, "expires_in": int(LIFETIMES["customized_link"])}

    def get_register_code(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        if not _text(params, "template_id"):
            raise ApiFailure(84019)
        state = _text(params, "state")
        if not _STATE_RE.fullmatch(state):
            raise ApiFailure(84025)
        code = self.book.issue(
            "register_code",
            self.settings.provider_corp_id,
            LIFETIMES["register_code"],
            length=32,
            data={"state": state, "corp_name": _text(params, "corp_name")},
        )
        return {
            "errcode": 0,
            "errmsg": "ok",
            "register_code": code.value,
            "expires_in": int(LIFETIMES["register_code"]),
        }

    def get_register_info(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        value = _text(params, "register_code")
        if not value:
            raise ApiFailure(84021)
        item = self.book.lookup("register_code", value)
        if item is None:
            raise ApiFailure(84022)
        corp_id = self.registrations.get(value)
        if corp_id is None:
            if item.expired(self.now()):
                raise ApiFailure(84022)
            raise ApiFailure(84024)
        company = self.companies[corp_id]
        admin = company.admins[0]
        token = self.book.issue("corp_token", corp_id, LIFETIMES["corp_token"], reuse=True)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "corpid": corp_id,
            "contact_sync": {"access_token": token.value, "expires_in": token.remaining(self.now())},
            "auth_user_info": {"userid": admin.userid, "open_userid": admin.open_userid},
            "state": item.data.get("state", ""),
        }

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
            company = self._authorized_company(corp_id)
            assert company.authorization is not None
            if auth_mode is not None:
                company.authorization.auth_mode = auth_mode

    def reset_permanent_code(self, corp_id: str) -> str:
        """代开发 重置永久授权码: a new auth_code whose exchange replaces the permanent code (the secret)."""
        with self.lock:
            self._authorized_company(corp_id)
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
            company = self._authorized_company(corp_id)
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

    # ------------------------------------------------------------------ orders and licenses (§3.9)
    def create_order(self, corp_id: str, **fields: Any) -> Order:
        with self.lock:
            self._authorized_company(corp_id)
            order = Order(
                orderid="T" + secrets.token_hex(10).upper(),
                paid_corpid=corp_id,
                suiteid=self.settings.suite_id,
                order_time=int(self.now()),
                extra=dict(fields),
            )
            self.orders[order.orderid] = order
            return order

    def get_order(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        order = self.orders.get(_text(params, "orderid"))
        if order is None:
            raise ApiFailure(40058, "orderid")
        return {"errcode": 0, "errmsg": "ok", "order": order.as_json()}

    def get_order_list(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        start, end = _int(params, "start_time", 0), _int(params, "end_time", 2**31)
        if end < start:
            raise ApiFailure(40058, "end_time is before start_time")
        chosen = [o for o in self.orders.values() if start <= o.order_time <= end]
        return {
            "errcode": 0,
            "errmsg": "ok",
            "has_more": 0,
            "order_list": [{"orderid": o.orderid, "order_type": o.order_type} for o in chosen],
        }

    def prolong_try(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        self._authorized_company(_text(params, "buyer_corpid"))
        days = _int(params, "prolong_days", 0)
        if not 1 <= days <= 60:
            raise ApiFailure(40058, "prolong_days must be 1..60")
        return {"errcode": 0, "errmsg": "ok", "try_end_time": int(self.now()) + days * 86400}

    def license_get_app_license_info(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        self._authorized_company(_text(params, "corpid"))
        if _text(params, "suite_id") != self.settings.suite_id:
            raise ApiFailure(40083)
        now = int(self.now())
        return {
            "errcode": 0,
            "errmsg": "ok",
            "license_status": 1,
            "trail_info": {"start_time": now - 86400, "end_time": now + 14 * 86400},
            "license_check_time": now,
        }

    def license_list_order(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        return {"errcode": 0, "errmsg": "ok", "next_cursor": "", "has_more": 0, "order_list": []}

    def license_get_auto_active_status(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        corp_id = _text(params, "corpid")
        self._authorized_company(corp_id)
        return {"errcode": 0, "errmsg": "ok", "auto_active_status": self.auto_active.get(corp_id, 0)}

    def license_set_auto_active_status(self, params: Mapping[str, Any]) -> Answer:
        self._provider_token(params)
        corp_id = _text(params, "corpid")
        self._authorized_company(corp_id)
        status = _int(params, "auto_active_status", 0)
        if status not in (0, 1):
            raise ApiFailure(40058, "auto_active_status must be 0 or 1")
        self.auto_active[corp_id] = status
        return {"errcode": 0, "errmsg": "ok"}

    # ------------------------------------------------------------------ legacy 企业号 (§3.10)
    def get_agent(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        company = self._company_by_permanent_code(params)
        if _int(params, "agentid", 0) != company.agent_id:
            raise ApiFailure(40056)
        return {"errcode": 0, "errmsg": "ok", **self._agent_json(company)}

    def set_agent(self, params: Mapping[str, Any]) -> Answer:
        self._suite_token(params)
        company = self._company_by_permanent_code(params)
        agent = params.get("agent")
        if not isinstance(agent, Mapping):
            raise ApiFailure(40058, "agent must be an object")
        if _int(agent, "agentid", 0) != company.agent_id:
            raise ApiFailure(40056)
        return {"errcode": 0, "errmsg": "ok"}

    def _agent_json(self, company: SimCompany) -> dict[str, Any]:
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

    # ------------------------------------------------------------------ corp APIs (a company's token)
    def get_jsapi_ticket(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        ticket = self.book.issue("jsapi_ticket", company.corp_id, LIFETIMES["jsapi_ticket"], reuse=True)
        return {"errcode": 0, "errmsg": "ok", "ticket": ticket.value, "expires_in": ticket.remaining(self.now())}

    def ticket_get(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        if _text(params, "type") != "agent_config":
            raise ApiFailure(40058, "type must be agent_config")
        ticket = self.book.issue("agent_ticket", company.corp_id, LIFETIMES["agent_ticket"], reuse=True)
        return {"errcode": 0, "errmsg": "ok", "ticket": ticket.value, "expires_in": ticket.remaining(self.now())}

    def user_get(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        user = company.users.get(_text(params, "userid"))
        if user is None:
            raise ApiFailure(60111)
        return {"errcode": 0, "errmsg": "ok", **user.as_json()}

    def _department_ids(self, company: SimCompany, params: Mapping[str, Any], name: str) -> set[int]:
        root = _int(params, name, 1) if params.get(name) not in (None, "") else 1
        if root not in company.departments:
            raise ApiFailure(60123 if root else 40058, f"department {root} not found")
        ids = {root}
        if _int(params, "fetch_child", 0) or name == "id":
            grew = True
            while grew:
                children = {d.id for d in company.departments.values() if d.parentid in ids} - ids
                grew = bool(children)
                ids |= children
        return ids

    def _users_in(self, company: SimCompany, params: Mapping[str, Any]) -> list[SimUser]:
        ids = self._department_ids(company, params, "department_id")
        return [u for u in company.users.values() if ids & set(u.department)]

    def user_simplelist(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        users = [
            {"userid": u.userid, "name": u.userid, "department": u.department, "open_userid": u.open_userid}
            for u in self._users_in(company, params)
        ]
        return {"errcode": 0, "errmsg": "ok", "userlist": users}

    def user_list(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        return {"errcode": 0, "errmsg": "ok", "userlist": [u.as_json() for u in self._users_in(company, params)]}

    def department_list(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        ids = self._department_ids(company, params, "id")
        return {
            "errcode": 0,
            "errmsg": "ok",
            "department": [d.as_json() for d in company.departments.values() if d.id in ids],
        }

    def agent_get(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        if _int(params, "agentid", 0) != company.agent_id:
            raise ApiFailure(40056)
        return {"errcode": 0, "errmsg": "ok", **self._agent_json(company)}

    def agent_get_permissions(self, params: Mapping[str, Any]) -> Answer:
        self._corp_token(params)
        return {"errcode": 0, "errmsg": "ok", "app_permissions": ["contact:base", "contact:sensitive:user_name"]}

    def batch_userid_to_openuserid(self, params: Mapping[str, Any]) -> Answer:
        company = self._corp_token(params)
        userids = params.get("userid_list")
        if not isinstance(userids, list) or not userids:
            raise ApiFailure(40058, "userid_list must be a non-empty list")
        if len(userids) > 1000:
            raise ApiFailure(40058, "at most 1000 userids per call")
        found = [{"userid": u, "open_userid": company.users[u].open_userid} for u in userids if u in company.users]
        missing = [u for u in userids if u not in company.users]
        return {"errcode": 0, "errmsg": "ok", "open_userid_list": found, "invalid_userid_list": missing}


# path under /cgi-bin/ -> Emulator method name
ENDPOINTS: dict[str, str] = {
    "service/get_provider_token": "get_provider_token",
    "service/get_suite_token": "get_suite_token",
    "service/get_corp_token": "get_corp_token",
    "service/get_pre_auth_code": "get_pre_auth_code",
    "service/set_session_info": "set_session_info",
    "service/get_permanent_code": "get_permanent_code",
    "service/v2/get_permanent_code": "get_permanent_code_v2",
    "service/get_auth_info": "get_auth_info",
    "service/get_admin_list": "get_admin_list",
    "service/get_app_qrcode": "get_app_qrcode",
    "service/get_login_info": "get_login_info",
    "service/auth/getuserinfo3rd": "getuserinfo3rd",
    "service/auth/getuserdetail3rd": "getuserdetail3rd",
    "service/miniprogram/jscode2session": "jscode2session",
    "service/corpid_to_opencorpid": "corpid_to_opencorpid",
    "service/get_customized_auth_url": "get_customized_auth_url",
    "service/get_register_code": "get_register_code",
    "service/get_register_info": "get_register_info",
    "service/get_order": "get_order",
    "service/get_order_list": "get_order_list",
    "service/prolong_try": "prolong_try",
    "service/get_agent": "get_agent",
    "service/set_agent": "set_agent",
    "license/get_app_license_info": "license_get_app_license_info",
    "license/list_order": "license_list_order",
    "license/get_auto_active_status": "license_get_auto_active_status",
    "license/set_auto_active_status": "license_set_auto_active_status",
    "gettoken": "gettoken",
    "get_jsapi_ticket": "get_jsapi_ticket",
    "ticket/get": "ticket_get",
    "user/get": "user_get",
    "user/simplelist": "user_simplelist",
    "user/list": "user_list",
    "department/list": "department_list",
    "agent/get": "agent_get",
    "agent/get_permissions": "agent_get_permissions",
    "batch/userid_to_openuserid": "batch_userid_to_openuserid",
}
