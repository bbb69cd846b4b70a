"""Receiving WeCom callbacks: verify, decrypt, parse (sans-I/O), then route to handlers."""

from .context import CallbackContext, EventContext, InboxContext
from .delivery import DeliveryOutcome, dispatch_once
from .envelope import Envelope, parse_envelope
from .in_flight import InFlight
from .receive_id import ReceiveIdSpec, receive_id_matcher
from .receiver import CallbackReceiver
from .replay import ReplayCache
from .router import EventRouter, Handler

__all__ = [
    "CallbackContext",
    "CallbackReceiver",
    "DeliveryOutcome",
    "Envelope",
    "EventContext",
    "EventRouter",
    "Handler",
    "InFlight",
    "InboxContext",
    "ReceiveIdSpec",
    "ReplayCache",
    "dispatch_once",
    "parse_envelope",
    "receive_id_matcher",
]
