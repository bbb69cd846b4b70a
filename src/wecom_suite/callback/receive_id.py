"""Which receive ids (receiveid) a callback URL accepts: one id, a set of them, or a predicate.

The id at the end of the plaintext depends on the URL and the step (docs/protocol.md §1.7): the
suite id on instruction POSTs, the provider corp id on GET verification, the authorising corp's id on
the data URL (so the allowed set is only known at run time: pass a callable), ``""`` for apps whose
subject is a person.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Union

__all__ = ["ReceiveIdSpec", "receive_id_matcher"]

ReceiveIdSpec = Union[str, Collection[str], Callable[[str], bool]]


def receive_id_matcher(spec: ReceiveIdSpec) -> Callable[[str], bool]:
    """Normalise a receive-id spec into a predicate. ``""`` matches only the empty receive id."""
    if isinstance(spec, str):
        return frozenset((spec,)).__contains__  # a C-level predicate: it runs twice per callback
    if callable(spec):
        return spec
    if isinstance(spec, Collection):
        allowed = frozenset(spec)
        if not all(isinstance(x, str) for x in allowed):
            raise TypeError("receive_id collections must hold only str")
        return allowed.__contains__
    raise TypeError(f"receive_id must be a str, a collection of str or a callable, not {type(spec).__name__}")
