"""Each web adapter through its framework's own test client, plus raw ASGI and WSGI."""

from __future__ import annotations

import asyncio
import io
import json
import types
import wsgiref.util
import wsgiref.validate
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.callback.callback_helpers import KEY, NOW, PROVIDER, SUITE, TOKEN, get, post, ticket_xml
from wecom_suite.callback import CallbackContext, CallbackReceiver, EventRouter
from wecom_suite.clock import ManualClock
from wecom_suite.events import SuiteTicketEvent
from wecom_suite.web import ASGIAdapter, CallbackEndpoint, WebRequest, WebResponse, WSGIAdapter


class Echo:
    """A WebHandler that reports what it received, to check each translation."""

    def handle(self, request: WebRequest) -> WebResponse:
        info = {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "body": request.body.decode(),
            "x-test": request.headers.get("x-test"),
        }
        return WebResponse(201, json.dumps(info).encode(), {"content-type": "application/json", "x-echo": "1"})


class Split:
    """Callback endpoint under /wecom/callback, echo elsewhere."""

    def __init__(self, endpoint: CallbackEndpoint) -> None:
        self.endpoint, self.echo = endpoint, Echo()

    def handle(self, request: WebRequest) -> WebResponse:
        return (self.endpoint if request.path.endswith("/callback") else self.echo).handle(request)


@pytest.fixture
def handled() -> list[str]:
    return []


@pytest.fixture
def handler(handled: list[str]) -> Split:
    receiver = CallbackReceiver(TOKEN, KEY, {SUITE, PROVIDER}, clock=ManualClock(NOW), suite_id=SUITE)
    router = EventRouter()

    @router.on("suite_ticket")
    def on_ticket(ctx: CallbackContext) -> None:
        assert isinstance(ctx.event, SuiteTicketEvent)
        if ctx.event.suite_ticket == "boom":
            raise RuntimeError("handler failure")
        handled.append(ctx.event.suite_ticket)

    return Split(CallbackEndpoint(receiver, router))


def qs(query: dict[str, str]) -> str:
    return "&".join(f"{k}={quote(v, safe='+/=')}" for k, v in query.items())  # keeps a literal '+', like WeCom


# A client is reduced to: call(method, path_with_query, body, headers) -> (status, body, headers)
Call = Callable[[str, str, bytes, dict[str, str]], tuple[int, bytes, dict[str, str]]]


def check_adapter(call: Call, handled: list[str]) -> None:
    echo_query = get("x+y/z=", receive_id=PROVIDER)
    assert "+" in echo_query["echostr"] or "+" in "x+y/z="
    status, body, _ = call("GET", "/wecom/callback?" + qs(echo_query), b"", {})
    assert (status, body) == (200, b"x+y/z=")

    query, payload = post(ticket_xml("T-ok"))
    status, body, _ = call("POST", "/wecom/callback?" + qs(query), payload, {"content-type": "text/xml"})
    assert (status, body) == (200, b"success")
    assert handled == ["T-ok"]
    status, body, _ = call("POST", "/wecom/callback?" + qs(query), payload, {"content-type": "text/xml"})
    assert (status, body, handled) == (200, b"success", ["T-ok"])  # duplicate: not dispatched again

    status, body, headers = call("POST", "/wecom/callback?" + qs({**query, "msg_signature": "0" * 40}), payload, {})
    assert status == 400
    assert body.startswith(b"validate_signature: ")
    assert headers.get("x-wecom-callback-reason") == "validate_signature"

    query, payload = post(ticket_xml("boom"))
    status, body, _ = call("POST", "/wecom/callback?" + qs(query), payload, {})
    assert status == 500

    status, body, headers = call("PUT", "/wecom/deep/sub/path?a=1+2&b=%2B", b"data", {"x-test": "yes"})
    assert status == 201
    assert headers.get("x-echo") == "1"
    info = json.loads(body)
    assert info == {
        "method": "PUT",
        "path": "/wecom/deep/sub/path",
        "query": {"a": "1+2", "b": "+"},
        "body": "data",
        "x-test": "yes",
    }


def test_flask(handler: Split, handled: list[str]) -> None:
    from flask import Flask

    from wecom_suite.adapter.flask import register

    app = Flask(__name__)
    register(app, handler, "/wecom")
    client = app.test_client()

    def call(method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        r = client.open(url, method=method, data=body, headers=headers)
        return r.status_code, r.get_data(), {k.lower(): v for k, v in r.headers.items()}

    check_adapter(call, handled)
    assert client.get("/elsewhere").status_code == 404


@pytest.fixture(scope="module")
def django_ready() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="test-only",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
            INSTALLED_APPS=[],
            APPEND_SLASH=False,
        )
    import django

    django.setup()


def test_django(django_ready: None, handler: Split, handled: list[str]) -> None:
    from django.test import Client, override_settings

    from wecom_suite.adapter.django import wecom_urlpatterns

    urls = types.ModuleType("wecom_test_urls")
    urls.urlpatterns = wecom_urlpatterns(handler, "wecom/")  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)  # the view must be CSRF-exempt: WeCom signs instead

    def call(method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        r = client.generic(method, url, body, content_type=headers.get("content-type", "text/xml"), headers=headers)
        return r.status_code, r.content, {k.lower(): v for k, v in r.headers.items()}

    csrf = ["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
    with override_settings(ROOT_URLCONF=urls, MIDDLEWARE=csrf, APPEND_SLASH=False, ALLOWED_HOSTS=["testserver"]):
        check_adapter(call, handled)
        assert client.get("/elsewhere").status_code == 404


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("framework", ["fastapi", "starlette"])
def test_fastapi_and_starlette(framework: str, handler: Split, handled: list[str]) -> None:
    from fastapi import FastAPI
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from wecom_suite.adapter.fastapi import add_routes

    app: Any = FastAPI() if framework == "fastapi" else Starlette()
    add_routes(app, handler, "/wecom")
    with TestClient(app) as client:

        def call(method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
            r = client.request(method, url, content=body, headers=headers)
            return r.status_code, r.content, dict(r.headers)

        check_adapter(call, handled)
        assert client.get("/elsewhere").status_code == 404


def asgi_call(
    app: ASGIAdapter, method: str, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
    }
    chunks = [body[: len(body) // 2], body[len(body) // 2 :]]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start, *bodies = sent
    return start["status"], b"".join(m["body"] for m in bodies), {k.decode(): v.decode() for k, v in start["headers"]}


def test_raw_asgi(handler: Split, handled: list[str]) -> None:
    app = ASGIAdapter(handler)
    check_adapter(lambda *a: asgi_call(app, *a), handled)
    small = ASGIAdapter(handler, max_body_size=10)
    assert asgi_call(small, "POST", "/wecom/x", b"x" * 11, {})[0] == 413


def test_raw_asgi_lifespan(handler: Split) -> None:
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(ASGIAdapter(handler)({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def wsgi_call(
    app: WSGIAdapter, method: str, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    path, _, query = url.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if "content-type" in headers:
        environ["CONTENT_TYPE"] = headers["content-type"]
    for k, v in headers.items():
        if k != "content-type":
            environ["HTTP_" + k.upper().replace("-", "_")] = v
    wsgiref.util.setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, response_headers
        return lambda data: None

    result: Iterator[bytes] = iter(wsgiref.validate.validator(app)(environ, start_response))
    data = b"".join(result)
    getattr(result, "close", lambda: None)()
    return int(captured["status"].split()[0]), data, {k.lower(): v for k, v in captured["headers"]}


def test_raw_wsgi(handler: Split, handled: list[str]) -> None:
    app = WSGIAdapter(handler)
    check_adapter(lambda *a: wsgi_call(app, *a), handled)
    assert wsgi_call(WSGIAdapter(handler, max_body_size=10), "POST", "/wecom/x", b"x" * 11, {})[0] == 413
