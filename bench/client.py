"""API client overhead per call, against the sandbox, beside a bare httpx call to the same endpoint.

Floor (measured in the same run, same server, same connection reuse): ``httpx.Client.get(url)`` with
the token already in the URL, then ``response.json()``. Ours: ``SuiteClient.get_pre_auth_code()``,
which also takes the token from its manager, builds the request through the sans-I/O call flow,
checks errcode and validates the answer into a pydantic model. Same for asyncio. Target: <= 1.3x.
Calls run in short alternating blocks so that drift on the shared machine hits both sides alike.

    .venv/bin/python bench/client.py [--calls 50] [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx

from wecom_suite.api import AsyncSuiteClient, CorpCalls, RetryPolicy, SuiteCalls, SuiteClient
from wecom_suite.api.call_flow import NeedToken, Send, call_flow
from wecom_suite.api.transport_outcome import HttpAnswer
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import MemoryStore, SuiteTicket
from wecom_suite.tokens import suite_token_key

PATH = "/cgi-bin/service/get_pre_auth_code"
TARGET = 1.3


def per_call_sync(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


async def per_call_async(fn: Callable[[], Awaitable[object]], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls


def core_only(calls: int) -> tuple[float, float]:
    """The sans-I/O part alone (no socket): call flow + JSON + model, versus json.loads of the same bytes."""
    suite = SuiteCalls("wwsuite", "secret")
    body = json.dumps({"errcode": 0, "errmsg": "ok", "pre_auth_code": "P" * 64, "expires_in": 1200}).encode()
    answer = HttpAnswer(200, "application/json", body)
    policy = RetryPolicy()

    def ours() -> None:
        flow = call_flow(suite.get_pre_auth_code(), policy)
        step = next(flow)
        assert isinstance(step, NeedToken)
        step = flow.send("TOKEN")
        assert isinstance(step, Send)
        try:
            flow.send(answer)
        except StopIteration:
            return

    _ = CorpCalls  # (corp calls share the same flow)
    return per_call_sync(ours, calls), per_call_sync(lambda: json.loads(body), calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    with Sandbox(ticket_interval=None) as sandbox:
        settings = sandbox.settings
        store = MemoryStore()
        store.tickets.save_ticket(SuiteTicket(settings.suite_id, sandbox.issue_ticket(), time.time()))
        client = SuiteClient(settings.suite_id, settings.suite_secret, store=store, base_url=settings.api_base_url)
        client.get_pre_auth_code()  # fetch and cache the suite token (not part of the per-call cost)
        stored = store.tokens.get_token(suite_token_key(settings.suite_id))
        assert stored is not None
        bare = httpx.Client(base_url=settings.api_base_url)
        params = {"suite_access_token": stored.token}

        def bare_call() -> object:
            return bare.get(PATH, params=params).json()

        samples: dict[str, list[float]] = {"sync bare": [], "sync client": [], "async bare": [], "async client": []}

        # Short blocks, alternating which side goes first, so that load from other processes on the
        # shared machine lands on both sides alike; the median block is reported.
        bare_call()
        for block in range(args.rounds):
            pair = [("sync bare", bare_call), ("sync client", client.get_pre_auth_code)]
            for name, fn in pair if block % 2 == 0 else reversed(pair):
                samples[name].append(per_call_sync(fn, args.calls))

        async def async_blocks() -> None:
            aclient = AsyncSuiteClient(
                settings.suite_id, settings.suite_secret, store=store, base_url=settings.api_base_url
            )
            abare = httpx.AsyncClient(base_url=settings.api_base_url)

            async def abare_call() -> object:
                return (await abare.get(PATH, params=params)).json()

            await aclient.get_pre_auth_code()  # warm the connection and the async manager's cache
            await abare_call()
            for block in range(args.rounds):
                pair = [("async bare", abare_call), ("async client", aclient.get_pre_auth_code)]
                for name, fn in pair if block % 2 == 0 else reversed(pair):
                    samples[name].append(await per_call_async(fn, args.calls))
            await aclient.aclose()
            await abare.aclose()

        asyncio.run(async_blocks())
        client.close()
        bare.close()
        core, floor = core_only(20_000)

    med = {name: statistics.median(values) * 1e6 for name, values in samples.items()}
    print(
        f"API client overhead: get_pre_auth_code against the sandbox, median of {args.rounds} blocks x {args.calls} calls"
    )
    print(f"{'path':<14}{'bare httpx µs':>15}{'client µs':>12}{'ratio':>8}{'target':>8}")
    worst = 0.0
    for flavour in ("sync", "async"):
        ratio = med[f"{flavour} client"] / med[f"{flavour} bare"]
        worst = max(worst, ratio)
        print(
            f"{flavour:<14}{med[f'{flavour} bare']:>15.1f}{med[f'{flavour} client']:>12.1f}{ratio:>7.2f}x"
            f"{TARGET:>7.1f}x"
        )
    print(f"sans-I/O core alone: {core * 1e6:.1f} µs per call (json.loads of the same answer: {floor * 1e6:.1f} µs)")
    print("PASS" if worst <= TARGET else "FAIL", f"(worst ratio {worst:.2f}x, target <= {TARGET}x)")


if __name__ == "__main__":
    main()
