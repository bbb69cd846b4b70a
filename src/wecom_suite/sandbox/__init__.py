"""A local WeCom (企业微信) for one suite: service API, install page, encrypted callbacks, fault injection.

``from wecom_suite.sandbox import Sandbox``; see ``docs/sandbox.md``. This package imports only the
pure layers (crypto, xml, clock, redaction) so that it can stand in for WeCom under any of them.
"""

from .answer import Answer, BinaryAnswer
from .counters import Counters
from .directory import Authorization, SimCompany, SimDepartment, SimUser, default_companies
from .emulator import Emulator
from .endpoint_table import ENDPOINTS
from .failure import ApiFailure
from .faults import Fault, FaultKind, Faults
from .lifetimes import LIFETIMES
from .orders import Order
from .pusher import Attempt, Delivery, PushLog
from .run import run_forever
from .sandbox import InstallDelivery, Sandbox
from .settings import SandboxSettings, new_settings
from .throttle import Throttle

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
