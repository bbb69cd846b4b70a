"""``Sandbox``: the emulator served on a loopback port in a background thread, plus its admin actions.

The rules live in :class:`~wecom_suite.sandbox.rules.emulator.Emulator` (no I/O); this class adds the HTTP
server (uvicorn in a thread), the callback pushes, the suite_ticket schedule and the Python admin API.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Literal

import uvicorn

from ..background import BackgroundLoop
from ..clock import Clock, ManualClock, SystemClock
from ..crypto import generate_encoding_aes_key
from ..errors import ConfigError
from ..serving import ServerThread, bind_socket
from .http.asgi_app import build_asgi_app
from .http.connection_registry import ConnectionRegistry
from .pushes.notifications import (
    batch_job_result_xml,
    cancel_auth_xml,
    change_auth_xml,
    change_contact_xml,
    change_editon_xml,
    create_auth_xml,
    license_pay_success_xml,
    member_text_xml,
    reset_permanent_code_xml,
    suite_ticket_xml,
)
from .pushes.pusher import CallbackPusher, Delivery, PushLog
from .rules.counters import Counters
from .rules.directory import SimCompany, SimDepartment, SimEdition, SimUser, open_userid_for
from .rules.emulator import Emulator
from .rules.faults import Faults
from .rules.license_book import LicenseOrder
from .rules.throttle import Throttle
from .settings import SandboxSettings, new_settings

__all__ = ["InstallDelivery", "Sandbox"]

InstallDelivery = Literal["both", "redirect", "callback"]


class Sandbox:
    """A local WeCom for one suite: its API, its install page, its callbacks, and knobs for tests.

    >>> with Sandbox() as sandbox:
    ...     sandbox.settings.api_base_url      # give this to SuiteClient(base_url=...)

    Two ways to run it, chosen by the clock:

    * ``clock=ManualClock(...)`` (tests; the ``wecom_sandbox`` fixture): time moves only through
      :meth:`advance`, pushes happen synchronously in the calling thread and are retried at once, and
      suite_tickets are pushed when :meth:`push_ticket` is called or an ``advance`` makes one due.
    * ``clock=None`` (real time, the CLI): a thread pushes a suite_ticket at start and every
      ``ticket_interval`` seconds, pushes run in a background thread, retries wait 1, 5, 10 s.

    Pushes go to ``callback_url`` (instruction, 指令回调; receive id = suite id) and
    ``data_callback_url`` (数据回调; ``$CORPID$`` is substituted; receive id = the company's corp id) and
    ``system_callback_url`` (系统事件接收URL; receive id = the provider corp id).

    Deadlines (docs/protocol.md §1.10): create_auth, change_auth, cancel_auth, reset_permanent_code and
    suite_ticket must be answered within ``auth_push_timeout`` (1.0 s, WeCom's 1000 ms); every other push
    within ``push_timeout`` (5 s). A later answer is a failed attempt and is retried. Like WeCom, an
    answer (whatever its status or body) is not delivered again, unless ``resend_on_error_status=True``.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        callback_url: str | None = None,
        data_callback_url: str | None = None,
        system_callback_url: str | None = None,
        ticket_interval: float | None = 600.0,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: SandboxSettings | None = None,
        companies: list[SimCompany] | None = None,
        install_delivery: InstallDelivery = "both",
        retry_delays: Iterable[float] | None = None,
        push_timeout: float = 5.0,
        auth_push_timeout: float = 1.0,
        verify_urls: bool = True,
        background_pushes: bool | None = None,
        schedule_thread: bool | None = None,
        sleep: Callable[[float], object] | None = None,
        resend_on_error_status: bool = False,
    ) -> None:
        if install_delivery not in ("both", "redirect", "callback"):
            raise ConfigError("install_delivery", "must be 'both', 'redirect' or 'callback'")
        if ticket_interval is not None and ticket_interval <= 0:
            raise ConfigError("ticket_interval", "must be positive seconds (or None for no schedule)")
        for name, value in (("push_timeout", push_timeout), ("auth_push_timeout", auth_push_timeout)):
            if value <= 0:
                raise ConfigError(name, "must be positive seconds (the receiver's deadline to answer a push)")
        self.clock: Clock = clock if clock is not None else SystemClock()
        manual = isinstance(self.clock, ManualClock)
        if retry_delays is None:
            retry_delays = (0.0, 0.0, 0.0) if manual else (1.0, 5.0, 10.0)
        self.host = host
        self._requested_port = port
        self._settings = settings or new_settings()
        self.emulator = Emulator(self._settings, self.clock, companies)
        self.counters = Counters()
        self.faults = Faults()
        self.throttle = Throttle(self.clock)
        self.install_delivery: InstallDelivery = install_delivery
        self.callback_url = callback_url
        self.data_callback_url = data_callback_url
        self.system_callback_url = system_callback_url
        self.ticket_interval = ticket_interval
        self._next_ticket_at: float | None = None
        self._schedule_thread_wanted = (not manual) if schedule_thread is None else schedule_thread
        self._pusher = CallbackPusher(
            lambda: self._settings, self.clock, retry_delays=tuple(retry_delays), timeout=push_timeout,
            auth_timeout=auth_push_timeout, verify_urls=verify_urls,
            background=(not manual) if background_pushes is None else background_pushes, sleep=sleep,
            retry_on_error_status=resend_on_error_status,
        )
        self._connections = ConnectionRegistry()
        self._server: ServerThread | None = None
        self._stopped = threading.Event()
        self._schedule: BackgroundLoop | None = None
        self._first_schedule_pass = True
        self._lock = threading.RLock()
        self._msg_ids = 7_000_000_000_000_000_000  # MsgId of member messages (64-bit, increasing)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Sandbox:
        """Bind a loopback port and serve in a background thread; returns when requests are answered."""
        if self._server is not None:
            return self
        if self._stopped.is_set():
            raise RuntimeError("a stopped Sandbox cannot be started again; create a new Sandbox")
        try:
            sock = bind_socket(self.host, self._requested_port, backlog=128)
        except OSError as exc:
            raise ConfigError("port", f"cannot listen on {self.host}:{self._requested_port} ({exc.strerror})") from None
        port = sock.getsockname()[1]
        self._settings = self._settings.with_base_url(f"http://{self.host}:{port}")
        self.emulator.settings = self._settings
        config = uvicorn.Config(
            build_asgi_app(self, self._connections.drop),
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,  # scope["client"] must stay the real peer (the drop fault looks it up)
            http=self._connections.protocol_class(),
            timeout_graceful_shutdown=2,
        )
        self._server = ServerThread(config, sock, name="wecom-sandbox").start()
        self._arm_schedule()
        if self._schedule_thread_wanted:
            self._schedule = BackgroundLoop("wecom-sandbox-tickets", self._schedule_pass, error_wait=1.0)
            self._schedule.start()
        return self

    def stop(self) -> None:
        """Stop serving and pushing; safe to call twice."""
        self._stopped.set()
        self._pusher.begin_close()
        if self._schedule is not None:
            self._schedule.stop(timeout=10)
            self._schedule = None
        if self._server is not None:
            self._server.stop(timeout=10)
        self._server = None
        self._pusher.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._settings.api_base_url or "not started"
        return f"Sandbox({where!r}, suite_id={self._settings.suite_id!r})"

    # ------------------------------------------------------------------ what tests read
    @property
    def settings(self) -> SandboxSettings:
        return self._settings

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: WeCom's API host (append ``/cgi-bin/...``) and install host."""
        if not self._settings.api_base_url:
            raise RuntimeError("the sandbox is not started: call start() or use it as a context manager")
        return self._settings.api_base_url

    @property
    def companies(self) -> dict[str, SimCompany]:
        return self.emulator.companies

    @property
    def pushes(self) -> PushLog:
        return self._pusher.log

    @property
    def pusher(self) -> CallbackPusher:
        return self._pusher

    def company(self, corp_id: str | None = None) -> SimCompany:
        """A company by id; with no id, the first one (handy in tests)."""
        if corp_id is None:
            return next(iter(self.emulator.companies.values()))
        return self.emulator.company(corp_id)

    def install_url(self, pre_auth_code: str, redirect_uri: str, state: str = "") -> str:
        """The consent page URL (WeCom's ``/3rdapp/install``) on this sandbox."""
        from urllib.parse import urlencode

        query = urlencode({"suite_id": self._settings.suite_id, "pre_auth_code": pre_auth_code,
                           "redirect_uri": redirect_uri, "state": state})
        return f"{self.base_url}/3rdapp/install?{query}"

    # ------------------------------------------------------------------ clock and schedule
    def advance(self, seconds: float) -> float:
        """Move the (manual) clock forward, then push a suite_ticket if one is due; returns the new time."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock; this sandbox runs on real time")
        now = self.clock.advance(seconds)
        self.tick()
        self.push_job_results()
        return now

    def tick(self) -> Delivery | None:
        """Push a suite_ticket if the schedule says one is due (the CLI's thread calls this every second)."""
        if self.ticket_interval is None or not self.callback_url:
            return None
        now = self.clock.now()
        with self._lock:
            if self._next_ticket_at is None:
                self._next_ticket_at = now + self.ticket_interval
                return None
            if now < self._next_ticket_at:
                return None
            self._next_ticket_at = now + self.ticket_interval
        return self.push_ticket()

    def _arm_schedule(self) -> None:
        with self._lock:
            self._next_ticket_at = None if self.ticket_interval is None else self.clock.now() + self.ticket_interval

    def _schedule_pass(self) -> float:
        """One pass of the real-time schedule thread: a suite_ticket at once when serving starts, then
        :meth:`tick` about every second; returns the seconds until the next pass."""
        if self._first_schedule_pass:
            self._first_schedule_pass = False
            if self.callback_url:
                self.push_ticket()
        else:
            self.tick()
            self.push_job_results()
        return min(1.0, self.ticket_interval or 1.0)

    def expire_token(self, kind: str = "suite_token", subject: str | None = None) -> None:
        """The current ``suite_token`` / ``provider_token`` / ``corp_token`` (give the corp id) expires now."""
        self.emulator.expire_token(kind, subject)

    def invalidate_tokens(self, kind: str = "suite_token", subject: str | None = None) -> int:
        """WeCom drops tokens early: every ``kind`` token becomes unknown (40082 / 40014)."""
        return self.emulator.invalidate_tokens(kind, subject)

    # ------------------------------------------------------------------ keys and URLs
    def set_callback_url(self, url: str | None) -> None:
        """The instruction callback URL (指令回调URL); verified (GET) before the first push."""
        self.callback_url = url
        self._arm_schedule()

    def set_data_callback_url(self, url: str | None) -> None:
        self.data_callback_url = url

    def set_system_callback_url(self, url: str | None) -> None:
        """The provider's system-event URL (系统事件接收URL: register_corp, license events, ...)."""
        self.system_callback_url = url

    def rotate_aes_key(self, new_key: str | None = None) -> str:
        """Switch to a new EncodingAESKey (returned); the old one becomes ``previous_encoding_aes_key``.

        Pushes from now on use the new key, so a receiver still on the old key must use its previous-key
        path (or be updated). URLs are verified again, as the console does when the key is saved.
        """
        self._settings = self._settings.with_rotated_key(new_key or generate_encoding_aes_key())
        self.emulator.settings = self._settings
        self._pusher.forget_verifications()
        return self._settings.encoding_aes_key

    # ------------------------------------------------------------------ pushes
    def _instruction(self, label: str, plaintext: str) -> Delivery | None:
        if not self.callback_url:
            return None
        return self._pusher.deliver(label, self.callback_url, plaintext, receive_id=self._settings.suite_id,
                                    to_user_name=self._settings.suite_id, agent_id="")

    def issue_ticket(self) -> str:
        """A new valid suite_ticket without pushing it (for tests that put it straight into a store)."""
        return self.emulator.issue_ticket()

    def push_ticket(self) -> Delivery | None:
        """Issue a suite_ticket and push it to the instruction URL (None when no URL is configured)."""
        ticket = self.emulator.issue_ticket()
        return self._instruction("suite_ticket", suite_ticket_xml(self._settings.suite_id, ticket, self._ts()))

    def push_event(
        self,
        plaintext: str,
        *,
        target: Literal["instruction", "data", "system"] = "instruction",
        corp_id: str | None = None,
        agent_id: int | str | None = None,
        label: str = "event",
    ) -> Delivery:
        """Push any plaintext XML: to the instruction URL (receive id = suite id), the data URL
        (receive id = ``ToUserName`` = the company's corp id, ``AgentID`` = its agent) or the system-event
        URL (receive id = ``ToUserName`` = the provider corp id)."""
        if target == "instruction":
            delivery = self._instruction(label, plaintext)
            if delivery is None:
                raise RuntimeError("no instruction callback URL: call set_callback_url(url) first")
            return delivery
        if target == "system":
            if not self.system_callback_url:
                raise RuntimeError("no system-event URL: call set_system_callback_url(url) first")
            provider = self._settings.provider_corp_id
            return self._pusher.deliver(label, self.system_callback_url, plaintext, receive_id=provider,
                                        to_user_name=provider, agent_id="")
        if not self.data_callback_url:
            raise RuntimeError("no data callback URL: call set_data_callback_url(url) first")
        company = self.company(corp_id)
        url = self.data_callback_url.replace("$CORPID$", company.corp_id)
        agent = str(agent_id if agent_id is not None else company.agent_id)
        return self._pusher.deliver(label, url, plaintext, receive_id=company.corp_id,
                                    to_user_name=company.corp_id, agent_id=agent, instruction=False)

    def push_member_text(self, corp_id: str, userid: str, content: str, *, msg_id: int | None = None) -> Delivery:
        """A member of ``corp_id`` sends the app a text message: pushed to the data URL (数据回调) as
        WeCom does, receive id = the corp id. ``msg_id`` (64-bit) defaults to a fresh one; returns the
        delivery, whose last attempt's body is the app's answer (``success`` or an encrypted reply)."""
        company = self.company(corp_id)
        if userid not in company.users:
            raise KeyError(f"no user {userid!r} in {company.corp_id}")
        with self._lock:
            self._msg_ids += 1
            fresh = self._msg_ids
        plaintext = member_text_xml(company.corp_id, userid, content, company.agent_id,
                                    fresh if msg_id is None else msg_id, self._ts())
        return self.push_event(plaintext, target="data", corp_id=company.corp_id, label="text")

    def pay_license_order(self, order_id: str) -> LicenseOrder:
        """The provider pays a license order (接口许可) in its console: the accounts are created (or a
        renewal applied) and, when a system-event URL is set, ``license_pay_success`` is pushed to it."""
        order = self.emulator.pay_license_order(order_id)
        if self.system_callback_url:
            plaintext = license_pay_success_xml(
                self._settings.provider_corp_id, order.corp_id, order.order_id, order.buyer_userid, self._ts()
            )
            self.push_event(plaintext, target="system", label="license_pay_success")
        return order

    def push_job_results(self) -> list[Delivery]:
        """Announce every finished, not yet announced 通讯录ID转译 job (``service/contact/id_translate``) to
        the system-event URL as ``batch_job_result`` (https://developer.work.weixin.qq.com/document/path/91875).

        The sandbox's jobs finish at once; like WeCom it tells the provider afterwards: on the next
        :meth:`advance` (or every second with a real clock). A job ending while no system-event URL is set
        is not announced later (WeCom has nowhere to send it either). Returns the deliveries made.
        """
        with self._lock:
            due = [job for job in self.emulator.book.of_kind("batch_job") if job.data.get("announced") is False]
            for job in due:
                job.data["announced"] = True
        if not self.system_callback_url:
            return []
        provider = self._settings.provider_corp_id
        return [
            self.push_event(batch_job_result_xml(provider, job.subject, job.value, str(job.data["type"]),
                                                 int(job.issued_at)),
                            target="system", label="batch_job_result")
            for job in due
        ]

    def _ts(self) -> int:
        return int(self.clock.now())

    # ------------------------------------------------------------------ install and authorisation changes
    def install(
        self, corp_id: str | None = None, *, state: str = "", push: bool = True, auth_type: int = 0
    ) -> str:
        """The company authorises the suite (as from the app market): returns the auth_code and, when an
        instruction URL is set and ``push``, pushes ``create_auth`` with it."""
        company = self.company(corp_id)
        auth_code = self.emulator.install(company.corp_id, state=state, auth_type=auth_type)
        if push:
            self.notify_create_auth(auth_code, state)
        return auth_code

    def notify_create_auth(self, auth_code: str, state: str = "") -> Delivery | None:
        """Push ``create_auth`` (授权成功通知) carrying ``auth_code`` and ``state``."""
        return self._instruction("create_auth", create_auth_xml(self._settings.suite_id, auth_code, state, self._ts()))

    def install_customized(self, corp_id: str | None = None, *, state: str = "", push: bool = True) -> str:
        """The company authorises the 代开发 template: the permanent code becomes the app secret (gettoken)."""
        company = self.company(corp_id)
        auth_code = self.emulator.install(company.corp_id, state=state, customized=True)
        if push:
            self.notify_create_auth(auth_code, state)
        return auth_code

    def authorize(self, corp_id: str | None = None, *, state: str = "") -> str:
        """Shortcut for tests: install without any push and return the company's permanent code."""
        company = self.company(corp_id)
        self.emulator.install(company.corp_id, state=state)
        return self.emulator.permanent_code(company.corp_id)

    def change_auth(self, corp_id: str, *, auth_mode: int | None = None) -> Delivery | None:
        self.emulator.change_auth(corp_id, auth_mode=auth_mode)
        auth = self.emulator.company(corp_id).authorization
        state = auth.state if auth else ""
        return self._instruction("change_auth", change_auth_xml(self._settings.suite_id, corp_id, state, self._ts()))

    def cancel_auth(self, corp_id: str) -> Delivery | None:
        self.emulator.cancel_auth(corp_id)
        return self._instruction("cancel_auth", cancel_auth_xml(self._settings.suite_id, corp_id, self._ts()))

    def change_edition(
        self,
        corp_id: str,
        *,
        edition_id: str,
        edition_name: str,
        app_status: int = 3,
        user_limit: int = 200,
        expired_time: int | None = None,
    ) -> Delivery | None:
        """The company's paid edition changed (bought, renewed, expired, ...): get_auth_info (v1 and v2)
        answers the new ``edition_info``, and ``change_editon`` (WeCom's spelling) is pushed to the
        instruction URL (None when there is none). ``expired_time``: Unix seconds, default a year on.

        https://developer.work.weixin.qq.com/document/path/91933"""
        self.emulator.change_edition(corp_id, edition_id=edition_id, edition_name=edition_name,
                                     app_status=app_status, user_limit=user_limit, expired_time=expired_time)
        return self._instruction("change_editon", change_editon_xml(self._settings.suite_id, corp_id, self._ts()))

    def edition(self, corp_id: str) -> SimEdition | None:
        """The edition set by :meth:`change_edition` (None: still the default trial)."""
        return self.emulator.company(corp_id).edition

    def reset_permanent_code(self, corp_id: str) -> str:
        """代开发 reset: pushes ``reset_permanent_code`` with a new AuthCode (returned)."""
        auth_code = self.emulator.reset_permanent_code(corp_id)
        self._instruction("reset_permanent_code",
                          reset_permanent_code_xml(self._settings.suite_id, auth_code, self._ts()))
        return auth_code

    # ------------------------------------------------------------------ contacts (通讯录变更)
    def change_contact(self, corp_id: str, change_type: str, **fields: Any) -> Delivery | None:
        """Push a raw ``change_contact`` (the directory is not touched; the helpers below do both)."""
        return self._instruction(
            f"change_contact/{change_type}",
            change_contact_xml(self._settings.suite_id, corp_id, change_type, fields, self._ts()),
        )

    def add_user(self, corp_id: str, userid: str, name: str, department: list[int] | None = None,
                 **extra: Any) -> Delivery | None:
        company = self.emulator.company(corp_id)
        if userid in company.users:
            raise ValueError(f"user {userid!r} already exists in {corp_id}")
        deps = department or [1]
        user = SimUser(userid, name, deps, open_userid_for(self._settings.provider_corp_id, corp_id, userid))
        with self.emulator.lock:
            company.users[userid] = user
        return self.change_contact(corp_id, "create_user", UserID=userid, OpenUserID=user.open_userid,
                                   Department=",".join(map(str, deps)), MainDepartment=deps[0], **extra)

    def update_user(self, corp_id: str, userid: str, *, name: str | None = None,
                    department: list[int] | None = None, position: str | None = None) -> Delivery | None:
        company = self.emulator.company(corp_id)
        user = company.users.get(userid)
        if user is None:
            raise KeyError(f"no user {userid!r} in {corp_id}")
        fields: dict[str, Any] = {"UserID": userid, "OpenUserID": user.open_userid}
        with self.emulator.lock:
            if name is not None:
                user.name = name
            if department is not None:
                user.department = department
                fields["Department"] = ",".join(map(str, department))
            if position is not None:
                user.position = position
                fields["Position"] = position
        return self.change_contact(corp_id, "update_user", **fields)

    def remove_user(self, corp_id: str, userid: str) -> Delivery | None:
        company = self.emulator.company(corp_id)
        with self.emulator.lock:
            user = company.users.pop(userid, None)
        if user is None:
            raise KeyError(f"no user {userid!r} in {corp_id}")
        return self.change_contact(corp_id, "delete_user", UserID=userid, OpenUserID=user.open_userid)

    def add_department(self, corp_id: str, department_id: int, name: str, parentid: int = 1) -> Delivery | None:
        company = self.emulator.company(corp_id)
        if department_id in company.departments:
            raise ValueError(f"department {department_id} already exists in {corp_id}")
        with self.emulator.lock:
            company.departments[department_id] = SimDepartment(department_id, name, parentid)
        return self.change_contact(corp_id, "create_party", Id=department_id, Name=name, ParentId=parentid,
                                   Order=100)

    def remove_department(self, corp_id: str, department_id: int) -> Delivery | None:
        company = self.emulator.company(corp_id)
        with self.emulator.lock:
            if company.departments.pop(department_id, None) is None:
                raise KeyError(f"no department {department_id} in {corp_id}")
        return self.change_contact(corp_id, "delete_party", Id=department_id)

    # ------------------------------------------------------------------ user identity codes
    def issue_oauth_code(self, corp_id: str | None, userid: str = "", *, scope: str = "snsapi_base") -> str:
        """The ``code`` of an OAuth2 / web-login redirect, for ``service/auth/getuserinfo3rd``."""
        return self.emulator.issue_oauth_code(corp_id, userid, scope=scope)

    def issue_login_code(self, corp_id: str, userid: str, *, usertype: int = 1) -> str:
        """The ``auth_code`` of the legacy provider QR login, for ``service/get_login_info``."""
        return self.emulator.issue_login_code(corp_id, userid, usertype=usertype)
