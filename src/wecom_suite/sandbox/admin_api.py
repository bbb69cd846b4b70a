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

from ..clock import ManualClock
from .failure import ApiFailure
from .faults import Fault, FaultKind
from .pusher import Delivery

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["admin_routes"]

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


def admin_routes(sandbox: Sandbox) -> list[Route]:
    """Every admin endpoint; blocking actions (pushes) run in a worker thread."""

    async def settings(request: Request) -> Response:
        return JSONResponse(sandbox.settings.as_dict())

    async def companies(request: Request) -> Response:
        return JSONResponse({"companies": [c.summary() for c in sandbox.companies.values()]})

    async def counters(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.counters.reset()
        return JSONResponse({"counters": sandbox.counters.snapshot()})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            endpoint = request.query_params.get("endpoint")
            sandbox.faults.clear(endpoint)
        elif request.method == "POST":
            body = await _json(request)
            try:
                kind = FaultKind(body.get("kind", ""))
            except ValueError:
                raise AdminError(400, f"unknown fault kind {body.get('kind')!r}",
                                 f"use one of {[k.value for k in FaultKind]}") from None
            endpoint = str(body.get("endpoint", "*")).removeprefix("/cgi-bin/").lstrip("/") or "*"
            times = body.get("times", 1)
            sandbox.faults.add(Fault(endpoint, kind, None if times is None else int(times),
                                     seconds=float(body.get("seconds", 0.0)), status=int(body.get("status", 500)),
                                     errcode=int(body.get("errcode", -1))))
        return JSONResponse({"faults": [f.as_json() for f in sandbox.faults.armed()]})

    async def throttle(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.throttle.clear()
        elif request.method == "POST":
            body = await _json(request)
            sandbox.throttle.limit(str(body.get("endpoint", "*")), int(body.get("per_minute", 0)))
        return JSONResponse({"limits": sandbox.throttle.limits()})

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(sandbox.clock, ManualClock):
                raise AdminError(409, "this sandbox runs on real time", "start it with a ManualClock to advance")
            seconds = float(body.get("seconds", 0))
            await run_in_threadpool(sandbox.advance, seconds)
        return JSONResponse({"now": sandbox.clock.now(), "manual": isinstance(sandbox.clock, ManualClock)})

    async def tokens(request: Request) -> Response:
        body = await _json(request)
        kind = str(body.get("kind", "suite_token"))
        if kind not in ("suite_token", "provider_token", "corp_token"):
            raise AdminError(400, f"unknown token kind {kind!r}", "use suite_token, provider_token or corp_token")
        subject = body.get("corp_id")
        action = request.path_params["action"]
        if action not in ("expire", "invalidate"):
            raise AdminError(404, f"unknown token action {action!r}", "use /sandbox/tokens/expire or /invalidate")
        if action == "expire":
            sandbox.expire_token(kind, subject)
            return JSONResponse({"expired": kind})
        return JSONResponse({"invalidated": sandbox.invalidate_tokens(kind, subject)})

    async def push_ticket(request: Request) -> Response:
        if not sandbox.callback_url:
            raise AdminError(409, "no instruction callback URL", "POST /sandbox/callback_url first")
        return JSONResponse({"delivery": _delivery(await run_in_threadpool(sandbox.push_ticket))})

    async def issue_ticket(request: Request) -> Response:
        return JSONResponse({"suite_ticket": sandbox.issue_ticket()})

    async def rotate_key(request: Request) -> Response:
        body = await _json(request)
        key = sandbox.rotate_aes_key(body.get("encoding_aes_key") or None)
        return JSONResponse({"encoding_aes_key": key,
                             "previous_encoding_aes_key": sandbox.settings.previous_encoding_aes_key})

    async def callback_url(request: Request) -> Response:
        body = await _json(request)
        kind = body.get("kind", "instruction")
        url = body.get("url") or None
        if kind == "data":
            sandbox.set_data_callback_url(url)
        elif kind == "system":
            sandbox.set_system_callback_url(url)
        elif kind == "instruction":
            sandbox.set_callback_url(url)
        else:
            raise AdminError(400, f"unknown callback kind {kind!r}", "use 'instruction', 'data' or 'system'")
        return JSONResponse({"callback_url": sandbox.callback_url, "data_callback_url": sandbox.data_callback_url,
                             "system_callback_url": sandbox.system_callback_url})

    async def company_action(request: Request) -> Response:
        corp_id = request.path_params["corp_id"]
        action = request.path_params["action"]
        body = await _json(request)
        sandbox.emulator.company(corp_id)  # KeyError -> 404
        if action == "install":
            code = await run_in_threadpool(lambda: sandbox.install(corp_id, state=str(body.get("state", ""))))
            return JSONResponse({"auth_code": code})
        if action == "change_auth":
            mode = body.get("auth_mode")
            result = await run_in_threadpool(
                lambda: sandbox.change_auth(corp_id, auth_mode=None if mode is None else int(mode)))
            return JSONResponse({"delivery": _delivery(result)})
        if action == "cancel_auth":
            return JSONResponse({"delivery": _delivery(await run_in_threadpool(sandbox.cancel_auth, corp_id))})
        if action == "reset_permanent_code":
            return JSONResponse({"auth_code": await run_in_threadpool(sandbox.reset_permanent_code, corp_id)})
        if action == "contacts":
            return JSONResponse({"delivery": _delivery(await run_in_threadpool(_contacts, sandbox, corp_id, body))})
        if action == "oauth_code":
            code = sandbox.issue_oauth_code(corp_id, str(body.get("userid", "")),
                                            scope=str(body.get("scope", "snsapi_base")))
            return JSONResponse({"code": code})
        if action == "login_code":
            code = sandbox.issue_login_code(corp_id, str(body.get("userid", "")),
                                            usertype=int(body.get("usertype", 1)))
            return JSONResponse({"auth_code": code})
        if action == "orders":
            order = sandbox.emulator.create_order(corp_id)
            return JSONResponse({"order": order.as_json()})
        raise AdminError(404, f"unknown company action {action!r}",
                         "use install, change_auth, cancel_auth, reset_permanent_code, contacts, oauth_code, "
                         "login_code or orders")

    async def events(request: Request) -> Response:
        body = await _json(request)
        xml = body.get("xml")
        if not isinstance(xml, str) or not xml.strip():
            raise AdminError(400, "'xml' (the plaintext event) is required", "send {\"xml\": \"<xml>...</xml>\"}")
        target = body.get("target", "instruction")
        if target not in ("instruction", "data", "system"):
            raise AdminError(400, f"unknown target {target!r}", "use 'instruction', 'data' or 'system'")
        delivery = await run_in_threadpool(
            lambda: sandbox.push_event(xml, target=target, corp_id=body.get("corp_id"),
                                       agent_id=body.get("agent_id"), label=str(body.get("label", "event"))))
        return JSONResponse({"delivery": _delivery(delivery)})

    async def pushes(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.pushes.clear()
        return JSONResponse({"pushes": [d.as_json() for d in sandbox.pushes.all()]})

    return [
        Route("/sandbox/settings", _guard(settings), methods=["GET"]),
        Route("/sandbox/companies", _guard(companies), methods=["GET"]),
        Route("/sandbox/companies/{corp_id}/{action}", _guard(company_action), methods=["POST"]),
        Route("/sandbox/counters", _guard(counters), methods=["GET", "DELETE"]),
        Route("/sandbox/faults", _guard(faults), methods=["GET", "POST", "DELETE"]),
        Route("/sandbox/clock", _guard(clock), methods=["GET", "POST"]),
        Route("/sandbox/throttle", _guard(throttle), methods=["GET", "POST", "DELETE"]),
        Route("/sandbox/tokens/{action:str}", _guard(tokens), methods=["POST"]),
        Route("/sandbox/push_ticket", _guard(push_ticket), methods=["POST"]),
        Route("/sandbox/issue_ticket", _guard(issue_ticket), methods=["POST"]),
        Route("/sandbox/rotate_aes_key", _guard(rotate_key), methods=["POST"]),
        Route("/sandbox/callback_url", _guard(callback_url), methods=["POST"]),
        Route("/sandbox/events", _guard(events), methods=["POST"]),
        Route("/sandbox/pushes", _guard(pushes), methods=["GET", "DELETE"]),
    ]


def _field(body: dict[str, Any], name: str) -> Any:
    if body.get(name) in (None, ""):
        raise AdminError(400, f"'{name}' is required for this change_type", "see docs/sandbox.md, 'Admin API'")
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
