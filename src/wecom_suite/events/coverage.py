"""What this release types, as data: one row per InfoType, data-URL Event and MsgType.

``docs/callbacks.md`` embeds :func:`coverage_table` between two markers and a test compares the two,
so the documented coverage cannot drift from the registries in :mod:`.parser`.
"""

from __future__ import annotations

import re

from .data_types import EventType, MsgType
from .info_type import InfoType
from .parser import DATA_EVENT_CLASSES, DUAL_SHAPE_EVENTS, EVENT_CLASSES, MESSAGE_CLASSES

__all__ = ["CoverageRow", "coverage_rows", "coverage_table"]

CoverageRow = tuple[str, str, str, str]  # (key: InfoType / Event / MsgType, value, class name, official page)

_PAGE = re.compile(r"https://developer\.work\.weixin\.qq\.com/document/path/\d+")


def _page(cls: type) -> str:
    """The first official page URL in the class docstring ("" when it cites none)."""
    found = _PAGE.search(cls.__doc__ or "")
    return found.group(0) if found else ""


def coverage_rows() -> list[CoverageRow]:
    """Every InfoType, data-URL Event and MsgType this release knows, with the class it parses into.

    Raises ``KeyError`` if an enum member has no class: the registries and the enums must agree.
    """
    rows: list[CoverageRow] = []
    for info_type in InfoType:
        cls: type = EVENT_CLASSES[info_type.value]
        rows.append(("InfoType", info_type.value, cls.__name__, _page(cls)))
    for event in EventType:
        cls = EVENT_CLASSES[event.value] if event.value in DUAL_SHAPE_EVENTS else DATA_EVENT_CLASSES[event.value]
        rows.append(("Event", event.value, cls.__name__, _page(cls)))
    for msg_type in MsgType:
        if msg_type is MsgType.EVENT:
            continue
        cls = MESSAGE_CLASSES[msg_type.value]
        rows.append(("MsgType", msg_type.value, cls.__name__, _page(cls)))
    return rows


def coverage_table() -> str:
    """:func:`coverage_rows` as the Markdown table embedded in ``docs/callbacks.md``."""
    lines = ["| Key | Value | Class | Official page |", "|---|---|---|---|"]
    lines += [f"| {key} | `{value}` | `{name}` | {page} |" for key, value, name, page in coverage_rows()]
    return "\n".join(lines) + "\n"
