"""The ceiling for the load benchmark: an ASGI app that reads the request and answers ``success``,
served exactly as ``wecom-suite serve`` serves the suite (the same listening socket, uvicorn settings
and logging setup), so the ratio between the two is the cost of the suite service alone.

    python bench/_bare_app.py [--workers N]      # prints "bare app on port NNNN"
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn

from wecom_suite.cli.listening import bind_listening_socket, run_workers
from wecom_suite.cli.log_setup import configure_logging

BODY = b"success"
HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sock = bind_listening_socket("127.0.0.1", 0)
    print(f"bare app on port {sock.getsockname()[1]}", flush=True)
    configure_logging(False)
    if args.workers == 1:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="info", lifespan="off")
        uvicorn.Server(config).run(sockets=[sock])
    else:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        config = uvicorn.Config(
            "_bare_app:app", host="127.0.0.1", port=0, workers=args.workers, log_level="info", lifespan="off"
        )
        run_workers(config, sock)
    sock.close()


if __name__ == "__main__":
    main()
