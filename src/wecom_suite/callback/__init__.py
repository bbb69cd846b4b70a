"""Receiving WeCom callbacks: verify, decrypt, parse (sans-I/O), then route to handlers."""

from .context import CallbackContext
from .envelope import Envelope, parse_envelope
from .receive_id import ReceiveIdSpec, receive_id_matcher
from .receiver import CallbackReceiver
from .replay import ReplayCache
from .router import EventRouter, Handler

__all__ = [
    "CallbackContext",
    "CallbackReceiver",
    "Envelope",
    "EventRouter",
    "Handler",
    "ReceiveIdSpec",
    "ReplayCache",
    "parse_envelope",
    "receive_id_matcher",
]
