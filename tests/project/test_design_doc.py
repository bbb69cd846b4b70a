"""docs/design.md walks a callback from the adapter to the store in the order the code runs."""

from __future__ import annotations

import inspect
from pathlib import Path

import wecom_suite
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.callback.receiver import CallbackReceiver

DESIGN = Path(wecom_suite.__file__).parents[2] / "docs" / "design.md"
# What the code calls on the way to the store, as the design names it and as the source spells the call.
STEPS = [
    ("parse_envelope", "parse_envelope("),
    ("_decrypt", "self._decrypt("),  # the receive id is checked in there, before the parse
    ("parse_xml", "parse_xml("),
    ("_check_inner", "self._check_inner("),
    ("store_ticket", "store_ticket("),  # before the InboxItem is built; a failure answers 503
    ("InboxItem", "InboxItem("),
    ("inbox.put", "inbox.put("),
]


def test_the_callback_walk_follows_the_code() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## A callback, from the socket", 1)[1].split("\n## ", 1)[0]
    code = inspect.getsource(CallbackReceiver.open) + inspect.getsource(SuiteApp._receive)
    in_doc = sorted(STEPS, key=lambda step: section.index(step[0]))
    in_code = sorted(STEPS, key=lambda step: code.index(step[1]))
    assert [name for name, _ in in_doc] == [name for name, _ in in_code] == [name for name, _ in STEPS]
    assert "503" in section.split("store_ticket", 1)[1].split("InboxItem", 1)[0]
