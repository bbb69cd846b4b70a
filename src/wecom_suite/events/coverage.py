"""What this release types, as data: one row per InfoType, data-URL Event and MsgType, typed or not.

``docs/callbacks.md`` embeds :func:`coverage_table` between two markers and a test compares the two,
so the documented coverage cannot drift from the registries in :mod:`.parser`. Typed rows come from the
enums and registries; :data:`UNTYPED_ROWS` lists the callbacks of the official documentation that a
provider may meet but this release does not type (each parses without loss into the class it names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .data_types import EventType, MsgType
from .info_type import InfoType
from .parser import DATA_EVENT_CLASSES, DUAL_SHAPE_EVENTS, EVENT_CLASSES, MESSAGE_CLASSES

__all__ = ["UNTYPED_ROWS", "CoverageRow", "UntypedRow", "coverage_rows", "coverage_table"]

# (key: InfoType / Event / MsgType / ChangeType, value, typed, class name, official page)
CoverageRow = tuple[str, str, bool, str, str]

_PAGE = re.compile(r"https://developer\.work\.weixin\.qq\.com/document/path/\d+")


@dataclass(frozen=True, slots=True)
class UntypedRow:
    """A documented callback without a class of its own.

    ``value`` is the wire value when the official page shows it (``confirmed``), else a description;
    ``sample`` is what a test feeds the parser for it (the value itself, or a made-up one); ``parses_as``
    names the class it lands in with every field kept in ``raw``.
    """

    key: str
    value: str
    parses_as: str
    page: str
    sample: str
    confirmed: bool


UNTYPED_ROWS: tuple[UntypedRow, ...] = (
    # 数据权限到期: the third event of the page; its example (and so its InfoType) was not readable.
    UntypedRow("InfoType", "unconfirmed (数据权限到期, the data permission expired)", "UnknownEvent",
               "https://developer.work.weixin.qq.com/document/path/101587", "x_data_permission_expired", False),
    # 修改文档成员事件: comes as Event doc_change; its ChangeType value was not readable.
    UntypedRow("ChangeType", "unconfirmed (修改文档成员事件, of Event `doc_change`)", "DocChangeEvent",
               "https://developer.work.weixin.qq.com/document/path/97473", "x_doc_member_change", False),
    # 异步上传临时素材's 回调异步任务结果: the section of the page was not readable; WxJava and other
    # peers name the Event upload_media_job_finish (with JobId), which this release leaves untyped.
    UntypedRow("Event", "unconfirmed (异步上传临时素材 回调异步任务结果; peers: `upload_media_job_finish`)",
               "DataEvent", "https://developer.work.weixin.qq.com/document/path/97126", "upload_media_job_finish",
               False),
)


def _page(cls: type, key: str) -> str:
    """The official page of ``cls``: its ``DATA_URL_PAGE`` for a data-URL row when it has one, else the first
    page URL in its docstring ("" when it cites none)."""
    data_page = getattr(cls, "DATA_URL_PAGE", "")
    if key == "Event" and isinstance(data_page, str) and data_page:
        return data_page
    found = _PAGE.search(cls.__doc__ or "")
    return found.group(0) if found else ""


def coverage_rows() -> list[CoverageRow]:
    """Every InfoType, data-URL Event and MsgType this release types, with the class it parses into, then
    the known untyped ones (:data:`UNTYPED_ROWS`, ``typed`` False).

    Raises ``KeyError`` if an enum member has no class: the registries and the enums must agree.
    """
    rows: list[CoverageRow] = []
    for info_type in InfoType:
        cls: type = EVENT_CLASSES[info_type.value]
        rows.append(("InfoType", info_type.value, True, cls.__name__, _page(cls, "InfoType")))
    for event in EventType:
        cls = EVENT_CLASSES[event.value] if event.value in DUAL_SHAPE_EVENTS else DATA_EVENT_CLASSES[event.value]
        rows.append(("Event", event.value, True, cls.__name__, _page(cls, "Event")))
    for msg_type in MsgType:
        if msg_type is MsgType.EVENT:
            continue
        cls = MESSAGE_CLASSES[msg_type.value]
        rows.append(("MsgType", msg_type.value, True, cls.__name__, _page(cls, "MsgType")))
    rows += [(row.key, row.value, False, row.parses_as, row.page) for row in UNTYPED_ROWS]
    return rows


def coverage_table() -> str:
    """:func:`coverage_rows` as the Markdown table embedded in ``docs/callbacks.md``."""
    confirmed = {row.value: row.confirmed for row in UNTYPED_ROWS}
    lines = ["| Key | Value | Typed | Class | Official page |", "|---|---|---|---|---|"]
    for key, value, typed, name, page in coverage_rows():
        shown = f"`{value}`" if typed or confirmed.get(value, True) else value
        lines.append(f"| {key} | {shown} | {'yes' if typed else 'no'} | `{name}` | {page} |")
    return "\n".join(lines) + "\n"
