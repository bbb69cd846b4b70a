"""A child process for the single-flight tests: many threads (or asyncio tasks) ask one manager for the
suite token at the same moment, fetching from the sandbox's real ``get_suite_token`` over loopback.

Protocol on stdin/stdout (one JSON object per line):
  parent -> child: the config ({"store_url", "api_base_url", "suite_id", "suite_secret", "suite_ticket",
                   "mode": "sync"|"async", "callers", "lease_seconds"})
  child -> parent: {"ready": true} once every caller is waiting
  parent -> child: "go"
  child -> parent: {"tokens": [...distinct tokens seen...], "errors": [...], "seconds": elapsed}
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Any

import httpx

from wecom_suite.stores import open_store
from wecom_suite.tokens import AsyncTokenManager, RefreshPolicy, TokenGrant, TokenManager, suite_token_key


def _body(cfg: dict[str, Any]) -> dict[str, str]:
    return {"suite_id": cfg["suite_id"], "suite_secret": cfg["suite_secret"], "suite_ticket": cfg["suite_ticket"]}


def _grant(answer: dict[str, Any]) -> TokenGrant:
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"get_suite_token failed: {answer.get('errcode')}")
    return TokenGrant(answer["suite_access_token"], float(answer["expires_in"]))


def main() -> None:
    cfg = json.loads(sys.stdin.readline())
    store = open_store(cfg["store_url"])
    policy = RefreshPolicy(lease_seconds=cfg["lease_seconds"], wait_timeout=cfg["lease_seconds"] + 20)
    key = suite_token_key(cfg["suite_id"])
    url = cfg["api_base_url"] + "/cgi-bin/service/get_suite_token"
    tokens: set[str] = set()
    errors: list[str] = []
    out_lock = threading.Lock()

    def report(token: str | None, error: BaseException | None) -> None:
        with out_lock:
            if token is not None:
                tokens.add(token)
            if error is not None:
                errors.append(f"{type(error).__name__}: {error}")

    if cfg["mode"] == "sync":

        def fetch() -> TokenGrant:
            return _grant(httpx.post(url, json=_body(cfg), timeout=60).json())

        manager = TokenManager(store, key, fetch, policy=policy)
        go = threading.Event()

        def caller() -> None:
            go.wait()
            try:
                report(manager.token(), None)
            except Exception as exc:
                report(None, exc)

        threads = [threading.Thread(target=caller) for _ in range(cfg["callers"])]
        for t in threads:
            t.start()
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
        started = time.monotonic()
        go.set()
        for t in threads:
            t.join()
    else:

        async def run() -> float:
            async with httpx.AsyncClient(timeout=60) as client:

                async def fetch() -> TokenGrant:
                    return _grant((await client.post(url, json=_body(cfg))).json())

                manager = AsyncTokenManager(store, key, fetch, policy=policy)
                go = asyncio.Event()

                async def caller() -> None:
                    await go.wait()
                    try:
                        report(await manager.token(), None)
                    except Exception as exc:
                        report(None, exc)

                tasks = [asyncio.create_task(caller()) for _ in range(cfg["callers"])]
                await asyncio.sleep(0)  # let every task reach go.wait()
                print(json.dumps({"ready": True}), flush=True)
                await asyncio.to_thread(sys.stdin.readline)
                begun = time.monotonic()
                go.set()
                await asyncio.gather(*tasks)
                return begun

        started = asyncio.run(run())
    print(json.dumps({"tokens": sorted(tokens), "errors": errors, "seconds": time.monotonic() - started}), flush=True)
    store.close()


if __name__ == "__main__":
    main()
