"""The sandbox's own control API under ``/sandbox/`` (JSON): the same knobs as the Python API.

Only a local developer reaches it (loopback), so it shows the suite's secrets: a demo or a test in
another process configures its app from ``GET /sandbox/settings``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...clock import ManualClock
from ..endpoints.api_failure import ApiFailure
from ..pushes.pusher import Delivery
from ..rules.faults import Fault, FaultKind

if TYPE_CHECKING:
    from ..sandbox import Sandbox

__all__ = ["AdminApi"]

Handler = Callable[[Request], Awaitable[Response]]


class AdminError(Exception):
    def __init__(self, status: int, error: str, hint: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.hint = hint


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise AdminError(400, "the request body is not JSON", "send a JSON object") from None
    if not isinstance(body, dict):
        raise AdminError(400, "the request body must be a JSON object", "send a JSON object")
    return body


def _delivery(delivery: Delivery | None) -> dict[str, Any] | None:
    return delivery.as_json() if delivery is not None else None


def _guard(handler: Handler) -> Handler:
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except AdminError as exc:
            return JSONResponse({"error": exc.error, "hint": exc.hint}, status_code=exc.status)
        except KeyError as exc:
            return JSONResponse({"error": str(exc.args[0]) if exc.args else "not found",
                                 "hint": "GET /sandbox/companies lists the companies and their users"},
                                status_code=404)
        except (ValueError, TypeError, RuntimeError) as exc:
            return JSONResponse({"error": str(exc), "hint": "see docs/sandbox.md, 'Admin API'"}, status_code=400)
        except ApiFailure as exc:
            return JSONResponse({"error": exc.errmsg, "errcode": exc.errcode, "hint": "see docs/sandbox.md"},
                                status_code=409)

    return guarded


class AdminApi:
    """Every admin endpoint, one method each, over one :class:`Sandbox`; blocking actions (pushes) run
    in a worker thread. :meth:`routes` lists them for the ASGI app."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def routes(self) -> list[Route]:
        return [
            Route("/sandbox/settings", _guard(self.settings), methods=["GET"]),
            Route("/sandbox/companies", _guard(self.companies), methods=["GET"]),
            Route("/sandbox/companies/{corp_id}/{action}", _guard(self.company_action), methods=["POST"]),
            Route("/sandbox/counters", _guard(self.counters), methods=["GET", "DELETE"]),
            Route("/sandbox/faults", _guard(self.faults), methods=["GET", "POST", "DELETE"]),
            Route("/sandbox/clock", _guard(self.clock), methods=["GET", "POST"]),
            Route("/sandbox/throttle", _guard(self.throttle), methods=["GET", "POST", "DELETE"]),
            Route("/sandbox/tokens/{action:str}", _guard(self.tokens), methods=["POST"]),
            Route("/sandbox/push_ticket", _guard(self.push_ticket), methods=["POST"]),
            Route("/sandbox/issue_ticket", _guard(self.issue_ticket), methods=["POST"]),
            Route("/sandbox/rotate_aes_key", _guard(self.rotate_key), methods=["POST"]),
            Route("/sandbox/callback_url", _guard(self.callback_url), methods=["POST"]),
            Route("/sandbox/events", _guard(self.events), methods=["POST"]),
            Route("/sandbox/pushes", _guard(self.pushes), methods=["GET", "DELETE"]),
        ]

    async def settings(self, request: Request) -> Response:
        return JSONResponse(self._sandbox.settings.as_dict())

    async def companies(self, request: Request) -> Response:
        return JSONResponse({"companies": [c.summary() for c in self._sandbox.companies.values()]})

    async def counters(self, request: Request) -> Response:
        if request.method == "DELETE":
            self._sandbox.counters.reset()
        return JSONResponse({"counters": self._sandbox.counters.snapshot()})

    async def faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            endpoint = request.query_params.get("endpoint")
            self._sandbox.faults.clear(endpoint)
        elif request.method == "POST":
            body = await _json(request)
            try:
                kind = FaultKind(body.get("kind", ""))
            except ValueError:
                raise AdminError(400, f"unknown fault kind {body.get('kind')!r}",
                                 f"use one of {[k.value for k in FaultKind]}") from None
            endpoint = str(body.get("endpoint", "*")).removeprefix("/cgi-bin/").lstrip("/") or "*"
            times = body.get("times", 1)
            self._sandbox.faults.add(Fault(endpoint, kind, None if times is None else int(times),
                                     seconds=float(body.get("seconds", 0.0)), status=int(body.get("status", 500)),
                                     errcode=int(body.get("errcode", -1))))
        return JSONResponse({"faults": [f.as_json() for f in self._sandbox.faults.armed()]})

    async def throttle(self, request: Request) -> Response:
        if request.method == "DELETE":
            self._sandbox.throttle.clear()
        elif request.method == "POST":
            body = await _json(request)
            self._sandbox.throttle.limit(str(body.get("endpoint", "*")), int(body.get("per_minute", 0)))
        return JSONResponse({"limits": self._sandbox.throttle.limits()})

    async def clock(self, request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(self._sandbox.clock, ManualClock):
                raise AdminError(409, "this sandbox runs on real time", "start it with a ManualClock to advance")
            seconds = float(body.get("seconds", 0))
            await run_in_threadpool(self._sandbox.advance, seconds)
        return JSONResponse({"now": self._sandbox.clock.now(), "manual": isinstance(self._sandbox.clock, ManualClock)})

    async def tokens(self, request: Request) -> Response:
        body = await _json(request)
        kind = str(body.get("kind", "suite_token"))
        if kind not in ("suite_token", "provider_token", "corp_token"):
            raise AdminError(400, f"unknown token kind {kind!r}", "use suite_token, provider_token or corp_token")
        subject = body.get("corp_id")
        action = request.path_params["action"]
        if action not in ("expire", "invalidate"):
            raise AdminError(404, f"unknown token action {action!r}", "use /sandbox/tokens/expire or /invalidate")
        if action == "expire":
            self._sandbox.expire_token(kind, subject)
            return JSONResponse({"expired": kind})
        return JSONResponse({"invalidated": self._sandbox.invalidate_tokens(kind, subject)})

    async def push_ticket(self, request: Request) -> Response:
        if not self._sandbox.callback_url:
            raise AdminError(409, "no instruction callback URL", "POST /sandbox/callback_url first")
        return JSONResponse({"delivery": _delivery(await run_in_threadpool(self._sandbox.push_ticket))})

    async def issue_ticket(self, request: Request) -> Response:
        return JSONResponse({"suite_ticket": self._sandbox.issue_ticket()})

    async def rotate_key(self, request: Request) -> Response:
        body = await _json(request)
        key = self._sandbox.rotate_aes_key(body.get("encoding_aes_key") or None)
        return JSONResponse({"encoding_aes_key": key,
                             "previous_encoding_aes_key": self._sandbox.settings.previous_encoding_aes_key})

    async def callback_url(self, request: Request) -> Response:
        body = await _json(request)
        kind = body.get("kind", "instruction")
        url = body.get("url") or None
        if kind == "data":
            self._sandbox.set_data_callback_url(url)
        elif kind == "system":
            self._sandbox.set_system_callback_url(url)
        elif kind == "instruction":
            self._sandbox.set_callback_url(url)
        else:
            raise AdminError(400, f"unknown callback kind {kind!r}", "use 'instruction', 'data' or 'system'")
        sandbox = self._sandbox
        return JSONResponse({"callback_url": sandbox.callback_url, "data_callback_url": sandbox.data_callback_url,
                             "system_callback_url": sandbox.system_callback_url})

    async def company_action(self, request: Request) -> Response:
        corp_id = request.path_params["corp_id"]
        action = request.path_params["action"]
        body = await _json(request)
        self._sandbox.emulator.company(corp_id)  # KeyError -> 404
        handler = self._company_actions().get(action)
        if handler is None:
            raise AdminError(404, f"unknown company action {action!r}",
                             "use install, change_auth, cancel_auth, reset_permanent_code, change_edition, "
                             "contacts, member_text, oauth_code, login_code or orders")
        return JSONResponse(await handler(corp_id, body))

    def _company_actions(self) -> dict[str, Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]]:
        return {"install": self._install, "change_auth": self._change_auth, "cancel_auth": self._cancel_auth,
                "reset_permanent_code": self._reset_permanent_code, "change_edition": self._change_edition,
                "member_text": self._member_text, "contacts": self._contacts,
                "oauth_code": self._oauth_code, "login_code": self._login_code, "orders": self._orders}

    async def _install(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        code = await run_in_threadpool(lambda: self._sandbox.install(corp_id, state=str(body.get("state", ""))))
        return {"auth_code": code}

    async def _change_auth(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        mode = body.get("auth_mode")
        result = await run_in_threadpool(
            lambda: self._sandbox.change_auth(corp_id, auth_mode=None if mode is None else int(mode)))
        return {"delivery": _delivery(result)}

    async def _cancel_auth(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"delivery": _delivery(await run_in_threadpool(self._sandbox.cancel_auth, corp_id))}

    async def _reset_permanent_code(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"auth_code": await run_in_threadpool(self._sandbox.reset_permanent_code, corp_id)}

    async def _change_edition(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``{"edition_id": ..., "edition_name": ..., "app_status": 3, "user_limit": 200, "expired_time": ...}``."""
        expired = body.get("expired_time")
        result = await run_in_threadpool(lambda: self._sandbox.change_edition(
            corp_id, edition_id=str(_field(body, "edition_id")), edition_name=str(_field(body, "edition_name")),
            app_status=int(body.get("app_status", 3)), user_limit=int(body.get("user_limit", 200)),
            expired_time=None if expired is None else int(expired)))
        return {"delivery": _delivery(result)}

    async def _member_text(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``{"userid": ..., "content": ...}``: the member's text message, pushed to the data URL."""
        userid, content = str(_field(body, "userid")), str(_field(body, "content"))
        delivery = await run_in_threadpool(self._sandbox.push_member_text, corp_id, userid, content)
        return {"delivery": _delivery(delivery)}

    async def _contacts(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"delivery": _delivery(await run_in_threadpool(_contacts, self._sandbox, corp_id, body))}

    async def _oauth_code(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        code = self._sandbox.issue_oauth_code(corp_id, str(body.get("userid", "")),
                                              scope=str(body.get("scope", "snsapi_base")))
        return {"code": code}

    async def _login_code(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        code = self._sandbox.issue_login_code(corp_id, str(body.get("userid", "")),
                                              usertype=int(body.get("usertype", 1)))
        return {"auth_code": code}

    async def _orders(self, corp_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"order": self._sandbox.emulator.create_order(corp_id).as_json()}

    async def events(self, request: Request) -> Response:
        body = await _json(request)
        xml = body.get("xml")
        if not isinstance(xml, str) or not xml.strip():
            raise AdminError(400, "'xml' (the plaintext event) is required", "send {\"xml\": \"<xml>...</xml>\"}")
        target = body.get("target", "instruction")
        if target not in ("instruction", "data", "system"):
            raise AdminError(400, f"unknown target {target!r}", "use 'instruction', 'data' or 'system'")
        delivery = await run_in_threadpool(
            lambda: self._sandbox.push_event(xml, target=target, corp_id=body.get("corp_id"),
                                       agent_id=body.get("agent_id"), label=str(body.get("label", "event"))))
        return JSONResponse({"delivery": _delivery(delivery)})

    async def pushes(self, request: Request) -> Response:
        if request.method == "DELETE":
            self._sandbox.pushes.clear()
        return JSONResponse({"pushes": [d.as_json() for d in self._sandbox.pushes.all()]})


def _field(body: dict[str, Any], name: str) -> Any:
    if body.get(name) in (None, ""):
        raise AdminError(400, f"'{name}' is required for this action", "see docs/sandbox.md, 'Admin API'")
    return body[name]


def _contacts(sandbox: Sandbox, corp_id: str, body: dict[str, Any]) -> Delivery | None:
    """``{"change_type": "create_user", "userid": ..., "name": ..., "department": [1]}`` and friends."""
    change = body.get("change_type")
    if change == "create_user":
        userid = str(_field(body, "userid"))
        return sandbox.add_user(corp_id, userid, str(body.get("name") or userid), list(body.get("department") or [1]))
    if change == "update_user":
        return sandbox.update_user(corp_id, str(_field(body, "userid")), name=body.get("name"),
                                   department=body.get("department"), position=body.get("position"))
    if change == "delete_user":
        return sandbox.remove_user(corp_id, str(_field(body, "userid")))
    if change == "create_party":
        return sandbox.add_department(corp_id, int(_field(body, "id")), str(body.get("name", "")),
                                      int(body.get("parentid", 1)))
    if change == "delete_party":
        return sandbox.remove_department(corp_id, int(_field(body, "id")))
    fields = body.get("fields") or {}
    if not isinstance(change, str) or not isinstance(fields, dict):
        raise ValueError("change_type (a string) is required; raw pushes take 'fields' (an object)")
    return sandbox.change_contact(corp_id, change, **fields)
