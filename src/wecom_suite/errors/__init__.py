"""All exceptions raised deliberately by wecom-suite."""

from .api import *  # noqa: F403
from .api import __all__ as _api_all
from .base import WeComSuiteError
from .callback import CallbackError, CallbackReason
from .config import ConfigError
from .delivery import DeadLetter, DeadLetterReason, NotReadyYet
from .store import CompanyNotFound, LockTimeout, StoreError, TicketExpired, TicketNotFound

__all__ = [
    "CallbackError",
    "CallbackReason",
    "CompanyNotFound",
    "ConfigError",
    "DeadLetter",
    "DeadLetterReason",
    "NotReadyYet",
    "LockTimeout",
    "StoreError",
    "TicketExpired",
    "TicketNotFound",
    "WeComSuiteError",
    *_api_all,
]
