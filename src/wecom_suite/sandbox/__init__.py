"""A local WeCom (企业微信) for one suite: service API, install page, encrypted callbacks, fault injection.

``from wecom_suite.sandbox import Sandbox``; see ``docs/sandbox.md``. This package imports only the
pure layers (crypto, xml, clock, redaction) so that it can stand in for WeCom under any of them.

Layout, by concern:

- ``sandbox.py`` (:class:`Sandbox`: serve, push, admin actions), ``settings.py`` (the suite's ids and
  keys), ``identity_file.py`` (one identity per checkout), ``run.py`` (the long-running process);
- ``rules/``: WeCom's state and rules, sans-I/O (the emulator, companies, credentials and their
  lifetimes, licenses, orders, faults, throttle, counters);
- ``endpoints/``: one function per ``/cgi-bin/`` path and the table that routes to them, sans-I/O;
- ``http/``: the ASGI app, the consent and login pages, the ``/sandbox/`` admin API;
- ``pushes/``: the callbacks WeCom sends (notification XML, sealing, delivery with retries).
"""

from .endpoints.answer import Answer, BinaryAnswer
from .endpoints.api_failure import ApiFailure
from .endpoints.endpoint_table import ENDPOINTS
from .pushes.pusher import Attempt, Delivery, PushLog
from .rules.counters import Counters
from .rules.directory import Authorization, SimCompany, SimDepartment, SimUser, default_companies
from .rules.emulator import Emulator
from .rules.faults import Fault, FaultKind, Faults
from .rules.lifetimes import LIFETIMES
from .rules.order_book import Order
from .rules.throttle import Throttle
from .run import run_forever
from .sandbox import InstallDelivery, Sandbox
from .settings import SandboxSettings, new_settings

__all__ = [
    "ENDPOINTS",
    "LIFETIMES",
    "Answer",
    "ApiFailure",
    "Attempt",
    "Authorization",
    "BinaryAnswer",
    "Counters",
    "Delivery",
    "Emulator",
    "Fault",
    "FaultKind",
    "Faults",
    "InstallDelivery",
    "Order",
    "PushLog",
    "Sandbox",
    "SandboxSettings",
    "SimCompany",
    "SimDepartment",
    "SimUser",
    "Throttle",
    "default_companies",
    "new_settings",
    "run_forever",
]
