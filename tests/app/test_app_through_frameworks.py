"""The full callback path through each framework adapter's own test client (Flask, Django, Starlette/FastAPI).

The framework sees signed, encrypted requests exactly as WeCom sends them (sealed by the sandbox's
own envelope code); the SuiteApp behind it talks to the sandbox over loopback for the API calls.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.app.suite_world import config_for, parse_page
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.callback.context import CallbackContext
from wecom_suite.clock import ManualClock
from wecom_suite.crypto import MsgCrypt
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.pushes.callback_sealing import seal_post, seal_verification
from wecom_suite.sandbox.pushes.notifications import create_auth_xml, suite_ticket_xml
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import SuiteTicket
from wecom_suite.xml import parse_xml, to_xml

Get = Callable[[str], tuple[int, str]]
Post = Callable[[str, bytes], tuple[int, str]]


@dataclass
class Client:
    get: Get
    post: Post


def flask_client(app: SuiteApp) -> Client:
    from flask import Flask

    from wecom_suite.adapter.flask import register

    web = Flask("wecom_test")
    register(web, app, prefix="/wecom")
    test = web.test_client()

    def get(url: str) -> tuple[int, str]:
        r = test.get(url)
        return r.status_code, r.get_data(as_text=True)

    def post(url: str, body: bytes) -> tuple[int, str]:
        r = test.post(url, data=body, content_type="text/xml")
        return r.status_code, r.get_data(as_text=True)

    return Client(get, post)


def django_client(app: SuiteApp) -> Client:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, SECRET_KEY="test-only", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=None)
        django.setup()
    from django.test import Client as DjangoClient
    from django.test.utils import override_settings

    from wecom_suite.adapter.django import wecom_urlpatterns

    urls = types.ModuleType("wecom_suite_test_urls")
    urls.urlpatterns = wecom_urlpatterns(app, prefix="wecom/")  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    test = DjangoClient()

    def get(url: str) -> tuple[int, str]:
        with override_settings(ROOT_URLCONF=urls.__name__, ALLOWED_HOSTS=["testserver"]):
            r = test.get(url)
        return r.status_code, r.content.decode()

    def post(url: str, body: bytes) -> tuple[int, str]:
        with override_settings(ROOT_URLCONF=urls.__name__, ALLOWED_HOSTS=["testserver"]):
            r = test.generic("POST", url, body, content_type="text/xml")
        return r.status_code, r.content.decode()

    return Client(get, post)


def fastapi_client(app: SuiteApp) -> Client:
    from fastapi import FastAPI
    from starlette.testclient import TestClient

    from wecom_suite.adapter.fastapi import add_routes

    web = FastAPI()
    add_routes(web, app, prefix="/wecom")
    test = TestClient(web)

    def get(url: str) -> tuple[int, str]:
        r = test.get(url, follow_redirects=False)
        return r.status_code, r.text

    def post(url: str, body: bytes) -> tuple[int, str]:
        r = test.post(url, content=body, headers={"content-type": "text/xml"})
        return r.status_code, r.text

    return Client(get, post)


def wsgi_client(app: SuiteApp) -> Client:
    from werkzeug.test import Client as WerkzeugClient

    test = WerkzeugClient(app.wsgi())

    def get(url: str) -> tuple[int, str]:
        r = test.get(url)
        return r.status_code, r.get_data(as_text=True)

    def post(url: str, body: bytes) -> tuple[int, str]:
        r = test.post(url, data=body, content_type="text/xml")
        return r.status_code, r.get_data(as_text=True)

    return Client(get, post)


@pytest.fixture
def suite(wecom_sandbox: Sandbox, clock: ManualClock) -> Iterator[tuple[Sandbox, SuiteApp, ManualClock]]:
    app = SuiteApp(config_for(wecom_sandbox), store=MemoryStore(clock), clock=clock, start_worker=False)
    try:
        yield wecom_sandbox, app, clock
    finally:
        app.close()


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
@pytest.mark.parametrize(
    "make_client",
    [flask_client, django_client, fastapi_client, wsgi_client],
    ids=["flask", "django", "fastapi", "plain-wsgi"],
)
def test_full_callback_path_through_the_adapter(
    make_client: Callable[[SuiteApp], Client], suite: tuple[Sandbox, SuiteApp, ManualClock]
) -> None:
    sandbox, app, clock = suite
    s = sandbox.settings
    client = make_client(app)
    instruction = "/wecom/callback/instruction"
    ts = int(clock.now())

    # URL verification (GET, provider corp id), as the console does when the URL is saved.
    check = seal_verification(
        instruction, token=s.token, encoding_aes_key=s.encoding_aes_key, receive_id=s.provider_corp_id, timestamp=ts
    )
    assert client.get(check.url) == (200, check.expected_echo)

    def push(plaintext: str) -> tuple[int, str]:
        sealed = seal_post(
            instruction,
            token=s.token,
            encoding_aes_key=s.encoding_aes_key,
            receive_id=s.suite_id,
            to_user_name=s.suite_id,
            agent_id="",
            plaintext=plaintext,
            timestamp=ts,
        )
        return client.post(sealed.url, sealed.body)

    assert push(suite_ticket_xml(s.suite_id, sandbox.issue_ticket(), ts)) == (200, "success")
    corp_id = sandbox.company().corp_id
    assert push(create_auth_xml(s.suite_id, sandbox.install(corp_id, push=False), "", ts)) == (200, "success")
    assert app.process_pending() == 2
    assert app.corp(corp_id).client.access_token()

    # A data callback from that company, answered with an encrypted passive reply.
    @app.on("text", reply=True)
    def reply(ctx: CallbackContext) -> str:
        return to_xml({"MsgType": "text", "Content": "re: " + str(ctx.event.raw["Content"])})

    message = to_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": "lisi",
            "CreateTime": ts,
            "MsgType": "text",
            "Content": "ping",
            "MsgId": 7,
            "AgentID": 1000002,
        }
    )
    sealed = seal_post(
        "/wecom/callback/data",
        token=s.token,
        encoding_aes_key=s.encoding_aes_key,
        receive_id=corp_id,
        to_user_name=corp_id,
        agent_id="1000002",
        plaintext=message,
        timestamp=ts,
    )
    status, body = client.post(sealed.url, sealed.body)
    assert status == 200
    plain = MsgCrypt(s.encoding_aes_key).decrypt(str(parse_xml(body)["Encrypt"]))
    assert parse_xml(plain.message)["Content"] == "re: ping"

    # A tampered callback is refused with the reason, never a 5xx; the install page is served too.
    bad = seal_post(
        instruction,
        token="wrong",
        encoding_aes_key=s.encoding_aes_key,
        receive_id=s.suite_id,
        to_user_name=s.suite_id,
        agent_id="",
        plaintext=suite_ticket_xml(s.suite_id, "t", ts),
        timestamp=ts,
    )
    status, body = client.post(bad.url, bad.body)
    assert status == 400
    assert body.startswith("validate_signature")
    status, body = client.get("/wecom/install")
    assert status == 200
    assert "/3rdapp/install?" in body


def test_install_callback_through_the_flask_adapter(suite: tuple[Sandbox, SuiteApp, ManualClock]) -> None:
    """/install and /install/callback behind Flask: state issued, WeCom's consent page, redirect back, redeemed."""
    import httpx
    from flask import Flask

    from wecom_suite.adapter.flask import register

    sandbox, app, clock = suite
    s = sandbox.settings
    web = Flask("wecom_install_test")
    register(web, app, prefix="/wecom")
    test = web.test_client()
    app.store.tickets.save_ticket(SuiteTicket(s.suite_id, sandbox.issue_ticket(), clock.now()))

    start = test.get("/wecom/install")
    assert start.status_code == 200
    link = parse_page(start.get_data(as_text=True)).links["install"]
    with httpx.Client(timeout=10, trust_env=False) as http:
        consent = http.get(link)
        form = parse_page(consent.text)
        corp_id = sandbox.company().corp_id
        authorised = http.post(sandbox.base_url + form.action, data={**form.fields, "corp_id": corp_id})
    assert authorised.status_code == 302, authorised.text
    back = urlsplit(authorised.headers["location"])
    assert back.path == "/wecom/install/callback"
    done = test.get(f"{back.path}?{back.query}", follow_redirects=True)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert corp_id in done.get_data(as_text=True)
    assert done.request.args.get("receipt")  # landed on the reloadable receipt URL (303 See Other)
    record = app.store.companies.get_company(s.suite_id, corp_id)
    assert record is not None
    assert record.active
    reloaded = test.get(done.request.full_path)  # a reload of the success page shows it again
    assert reloaded.status_code == 200
    assert corp_id in reloaded.get_data(as_text=True)
    again = test.get(f"{back.path}?{back.query}")  # the state itself is single use
    assert again.status_code == 400
    assert again.headers["x-wecom-reference"] in again.get_data(as_text=True)
