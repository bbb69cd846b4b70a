"""WeCom's HTTP API (``/cgi-bin/...``) as a raw ASGI app: counters, injected faults, then the emulator's rules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ..endpoints.api_failure import ApiFailure
from ..rules.counters import Counters
from ..rules.emulator import BinaryAnswer, Emulator
from ..rules.faults import Fault, FaultKind, Faults
from ..rules.throttle import Throttle

__all__ = ["API_PREFIX", "ApiApp", "wecom_json"]

API_PREFIX = "/cgi-bin/"


def wecom_json(body: dict[str, Any], status: int = 200) -> Response:
    """WeCom answers JSON with HTTP 200 even for errors, UTF-8 and unescaped Chinese."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        status_code=status,
        media_type="application/json; charset=UTF-8",
    )


class ApiApp:
    """Serves every path in :data:`~wecom_suite.sandbox.rules.emulator.ENDPOINTS` under ``/cgi-bin/``.

    ``drop_connection(scope)`` closes the client's socket without an answer (the server shell knows
    the sockets; a plain ASGI app cannot), for the ``drop`` fault.
    """

    def __init__(
        self,
        emulator: Emulator,
        counters: Counters,
        faults: Faults,
        drop_connection: Callable[[Scope], bool],
        throttle: Throttle | None = None,
    ) -> None:
        self.emulator = emulator
        self.counters = counters
        self.faults = faults
        self.drop_connection = drop_connection
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = scope["path"][len(API_PREFIX) :]
        if not self.emulator.handles(path):
            response: Response = wecom_json(
                {"errcode": 48005, "errmsg": f"api not found in the sandbox: /cgi-bin/{path}"}, status=404
            )
            await response(scope, receive, send)
            return
        self.counters.hit(path)
        if self.throttle is not None and not self.throttle.allow(path):
            await wecom_json(ApiFailure(45009, "over the sandbox's per-minute limit").body())(scope, receive, send)
            return
        fault = self.faults.take(path)
        if fault is not None and fault.kind is FaultKind.DROP:
            # Read the whole request first: hanging up with request bytes unread makes the kernel send a
            # reset (the client sees ECONNRESET) instead of a plain close, nondeterministically.
            try:
                await request.body()
            except ClientDisconnect:
                return
        if fault is not None and fault.kind is FaultKind.DROP and self.drop_connection(scope):
            while (await receive())["type"] != "http.disconnect":
                pass  # let the server see the hang-up before this call returns without a response
            return
        try:
            params: dict[str, Any] | ApiFailure = await self._params(request)
        except ApiFailure as failure:
            params = failure
        except ClientDisconnect:
            return  # the caller gave up (e.g. its timeout fired); nobody to answer
        if fault is not None and fault.kind is FaultKind.LATENCY:
            await asyncio.sleep(fault.seconds)
        response = self._answer(params, path, fault)
        await response(scope, receive, send)

    def _answer(self, params: dict[str, Any] | ApiFailure, path: str, fault: Fault | None) -> Response:
        if fault is not None and fault.kind is FaultKind.HTTP_ERROR:
            return PlainTextResponse(f"sandbox: injected HTTP {fault.status}", status_code=fault.status)
        if fault is not None and fault.kind is FaultKind.ERRCODE:
            return wecom_json(ApiFailure(fault.errcode, "injected by the sandbox").body())
        try:
            if isinstance(params, ApiFailure):
                raise params
            answer = self.emulator.call(path, params)
        except ApiFailure as failure:
            response = wecom_json(failure.body())
        else:
            if isinstance(answer, BinaryAnswer):
                response = Response(answer.content, media_type=answer.media_type)
            else:
                response = wecom_json(answer)
        if fault is not None and fault.kind is FaultKind.SLOW_BODY:
            return _trickle(response, fault.seconds)
        return response

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_params)
        raw = await request.body()
        if raw.strip():
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise ApiFailure(47001, "the request body is not JSON") from None
            if not isinstance(body, dict):
                raise ApiFailure(47001, "the request body must be a JSON object")
            params.update(body)
        return params


def _trickle(response: Response, seconds: float, pieces: int = 5) -> StreamingResponse:
    """The same body, sent in ``pieces`` chunks spread over ``seconds`` (headers go out at once)."""
    body = bytes(response.body)
    size = max(1, -(-len(body) // pieces))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), size):
            await asyncio.sleep(seconds / pieces)
            yield body[start : start + size]

    return StreamingResponse(chunks(), status_code=response.status_code, media_type=response.media_type)
