"""The helpers every layer shares, tested once: backoff, the background loop, the store-URL redactor, flows,
the secret value types (the uvicorn server thread, which serves over loopback: tests/test_serving.py)."""

from __future__ import annotations

import ast
import copy
import pickle
import pprint
import threading
from pathlib import Path

import pytest

import wecom_suite
from wecom_suite.background import BackgroundLoop
from wecom_suite.backoff import Backoff
from wecom_suite.flow import Pause, run
from wecom_suite.redaction import RedactedBytes, SecretText, redact_store_url

pytestmark = pytest.mark.timeout(30)


# -- Backoff ------------------------------------------------------------------------------------------


def test_backoff_counts_retries_from_one_grows_and_is_capped() -> None:
    backoff = Backoff(base=2, factor=2, max_delay=60, jitter=0.0)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 10, 500)] == [2, 4, 8, 16, 60, 60]
    assert backoff.delay(0) == 2  # "before the first retry" either way


def test_backoff_jitter_only_shortens_the_wait() -> None:
    assert Backoff(base=10, jitter=0.5, random=lambda: 0.0).delay(1) == 10
    assert Backoff(base=10, jitter=0.5, random=lambda: 1.0).delay(1) == pytest.approx(5.0)
    draws = iter([0.1, 0.9, 0.5])
    delays = [Backoff(base=10, jitter=0.5, random=lambda: next(draws)).delay(1) for _ in range(3)]
    assert all(5.0 <= d <= 10.0 for d in delays)
    assert len(set(delays)) == 3


@pytest.mark.parametrize("bad", [{"jitter": 1.5}, {"factor": 0.5}, {"base": -1.0}, {"max_delay": -1.0}])
def test_backoff_rejects_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**bad)  # type: ignore[arg-type]


# -- BackgroundLoop -----------------------------------------------------------------------------------


def test_background_loop_runs_passes_survives_errors_and_stops() -> None:
    passes: list[int] = []
    errors: list[BaseException] = []
    second_pass = threading.Event()

    def step() -> float:
        passes.append(len(passes))
        if len(passes) == 1:
            raise RuntimeError("a bad pass")
        second_pass.set()
        return 3600.0  # wait long: only wake() or stop() ends it

    loop = BackgroundLoop("test-loop", step, error_wait=0.0, on_error=errors.append)
    loop.start()
    try:
        assert second_pass.wait(10)
        assert loop.running
        assert [type(e) for e in errors] == [RuntimeError]
    finally:
        loop.stop(timeout=10)
    assert not loop.running
    assert loop.stopping
    assert len(passes) == 2  # stop() ended the long wait without another pass


def test_background_loop_wake_runs_the_next_pass_now() -> None:
    count = 0
    woke = threading.Event()

    def step() -> float:
        nonlocal count
        count += 1
        if count == 2:
            woke.set()
        return 3600.0

    loop = BackgroundLoop("test-wake", step)
    loop.start()
    try:
        for _ in range(1000):  # bounded: the first pass has begun once count is 1
            if count >= 1:
                break
            woke.wait(0.01)
        loop.wake()
        assert woke.wait(10)
    finally:
        loop.stop(timeout=10)


# Threads that are not a "pass, then wait" loop: uvicorn's server thread, the SQLite writer (one thread owns
# the connection and takes writes from a queue), and the store contract's deliberate contention threads.
_OWN_THREADS = {"background.py", "serving.py", "stores/sqlite/db.py", "testing/store_contract.py"}


def test_background_work_runs_on_the_one_background_loop() -> None:
    """No module starts its own daemon loop beside BackgroundLoop (the sandbox once had two)."""
    root = Path(wecom_suite.__file__).parent
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in _OWN_THREADS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in {"threading.Thread", "Thread"}:
                found.append(f"{name}:{node.lineno}")
    assert found == []


# -- redact_store_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://user:hunter2@h:6379/0", "redis://user:***@h:6379/0"),
        ("redis://:hunter2@h:6379/0", "redis://:***@h:6379/0"),
        ("rediss://user@h:6380/1", "rediss://user@h:6380/1"),  # a user name alone is not secret
        ("redis://h:6379/0?password=hunter2&db=1", "redis://h:6379/0?password=***&db=1"),
        ("unix://:hunter2@/run/redis.sock?db=0", "unix://:***@/run/redis.sock?db=0"),
        ("sqlite:///./data@home.db", "sqlite:///./data@home.db"),  # an @ in the path is not a password
        ("memory://", "memory://"),
        ("not a url", "not a url"),
        # a password written raw: it ends at the last "@" before the host, whatever it holds
        ("redis://user:hun/ter2@host", "redis://user:***@host"),
        ("redis://user:hun@ter/2@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://user:hun:ter2@host/0", "redis://user:***@host/0"),
        ("redis://user:hun?ter2@host:6379/0?db=1", "redis://user:***@host:6379/0?db=1"),
        ("postgresql://u:hun/ter@2@h:5432/db?sslmode=require", "postgresql://u:***@h:5432/db?sslmode=require"),
        # password-like query parameters, whatever the driver calls them
        (
            "postgresql://u@h/db?sslmode=verify-full&sslpassword=hunter2&application_name=a@b",
            "postgresql://u@h/db?sslmode=verify-full&sslpassword=***&application_name=a@b",
        ),
        ("postgresql://h/db?user=u&PASSWORD=hunter2", "postgresql://h/db?user=u&PASSWORD=***"),
        ("redis://h/0?db_passwd=hunter2&auth_token=hunter2x", "redis://h/0?db_passwd=***&auth_token=***"),
    ],
)
def test_redact_store_url(url: str, shown: str) -> None:
    assert redact_store_url(url) == shown
    assert "hunter2" not in redact_store_url(url)
    assert "ter" not in redact_store_url(url).replace("postgresql", "")  # no piece of a raw password either


# -- flows --------------------------------------------------------------------------------------------


def test_run_carries_out_steps_and_throws_failures_back_into_the_flow() -> None:
    cleaned_up: list[str] = []

    def flow():  # type: ignore[no-untyped-def]
        got = yield "ask"
        assert got == "answer"
        try:
            yield Pause(1.0)
            yield "explode"
        finally:
            cleaned_up.append("released")
        return "unreachable"

    def execute(step: object) -> object:
        if step == "ask":
            return "answer"
        if isinstance(step, Pause):
            return None
        raise ConnectionError(step)

    with pytest.raises(ConnectionError):
        run(flow(), execute)
    assert cleaned_up == ["released"]


# -- SecretText, RedactedBytes ----------------------------------------------------------------------

SECRET = "a-credential-never-printed-0123456789"


def test_secret_text_is_opaque_but_survives_copies_and_pickling() -> None:
    secret = SecretText(SECRET)
    for text in (repr(secret), str(secret), f"{secret}", "%s" % secret, pprint.pformat({"k": secret})):  # noqa: UP031
        assert SECRET not in text
    assert "…(37)#" in repr(secret)  # tells two values apart, like redact()
    assert secret.reveal() == SECRET
    assert secret == SecretText(SECRET)
    assert hash(secret) == hash(SecretText(SECRET))
    assert secret != SecretText(SECRET + "x")
    assert secret == SECRET  # as the plain text compared: a dict holding it equals the one parsed
    assert hash(secret) == hash(SECRET)
    assert {SECRET: 1}[secret] == 1
    assert copy.deepcopy(secret) is secret
    assert pickle.loads(pickle.dumps(secret)).reveal() == SECRET  # noqa: S301 - our own bytes


def test_redacted_bytes_print_as_their_length_and_are_bytes_otherwise() -> None:
    value = RedactedBytes(f"<xml><SuiteTicket>{SECRET}</SuiteTicket></xml>".encode())
    for text in (repr(value), str(value), f"{value}", "%s %r" % (value, value), pprint.pformat([value])):  # noqa: UP031
        assert SECRET not in text
        assert "RedactedBytes(<" in text
    assert isinstance(value, bytes)
    assert SECRET.encode() in value
    assert value.decode().startswith("<xml>")
    assert value == f"<xml><SuiteTicket>{SECRET}</SuiteTicket></xml>".encode()
    assert copy.copy(value) is value
    assert copy.deepcopy(value) is value
    again = pickle.loads(pickle.dumps(value))  # noqa: S301
    assert type(again) is RedactedBytes
    assert again == value
    assert type(value[:5]) is bytes  # a slice is plain bytes: reading on purpose

