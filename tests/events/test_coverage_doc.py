"""docs/callbacks.md's coverage table is the code's: generated from the registries, compared here."""

from __future__ import annotations

from pathlib import Path

import pytest

from wecom_suite import events as ev
from wecom_suite.events import coverage_rows, coverage_table, parse_event
from wecom_suite.events.coverage import UNTYPED_ROWS
from wecom_suite.xml import to_xml

DOC = Path(__file__).resolve().parents[2] / "docs" / "callbacks.md"
START, END = "<!-- coverage:start -->\n", "<!-- coverage:end -->"


def documented_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert text.count(START) == 1, "the coverage start marker must appear once"
    assert text.count(END) == 1, "the coverage end marker must appear once"
    return text[text.index(START) + len(START) : text.index(END)]


def test_the_documented_table_is_the_generated_one() -> None:
    assert documented_table() == coverage_table(), (
        "docs/callbacks.md is stale: paste wecom_suite.events.coverage_table() between the coverage markers"
    )


def test_every_typed_row_parses_into_its_class() -> None:
    """Each row is checked against parse_event, not only against the registries it was built from."""
    rows = [row for row in coverage_rows() if row[2]]
    assert len({(key, value) for key, value, _typed, _cls, _page in rows}) == len(rows)
    for key, value, _typed, name, page in rows:
        cls = getattr(ev, name)  # exported from wecom_suite.events
        if key == "InfoType":
            fields = {"SuiteId": "ww1", "InfoType": value, "TimeStamp": 1}
        elif key == "Event":
            fields = {"ToUserName": "ww2", "CreateTime": 1, "MsgType": "event", "Event": value}
        else:
            fields = {"ToUserName": "ww2", "CreateTime": 1, "MsgType": value}
        event = parse_event(to_xml(fields))
        assert isinstance(event, cls), (key, value)
        assert event.info_type == value
        assert page.startswith("https://developer.work.weixin.qq.com/document/path/") or not page


def test_every_untyped_row_parses_without_loss() -> None:
    """An untyped row lands in the generic class it names (exactly that class), every field kept in raw."""
    untyped = [row for row in coverage_rows() if not row[2]]
    assert [(key, value, name) for key, value, _t, name, _p in untyped] == [
        (row.key, row.value, row.parses_as) for row in UNTYPED_ROWS
    ]
    assert {row.key for row in UNTYPED_ROWS} <= {"InfoType", "Event", "MsgType", "ChangeType"}
    for row in UNTYPED_ROWS:
        assert row.page.startswith("https://developer.work.weixin.qq.com/document/path/"), row
        if row.key == "InfoType":
            fields = {"ServiceCorpId": "wwprov", "InfoType": row.sample, "TimeStamp": 5, "AuthCorpId": "wwc",
                      "AuthType": "3"}
        elif row.key == "Event":
            fields = {"ToUserName": "ww2", "FromUserName": "sys", "CreateTime": 5, "MsgType": "event",
                      "Event": row.sample, "JobId": "job-1"}
        elif row.key == "ChangeType":
            fields = {"ToUserName": "ww2", "FromUserName": "sys", "CreateTime": 5, "MsgType": "event",
                      "Event": "doc_change", "ChangeType": row.sample, "DocId": "doc-1"}
        else:
            fields = {"ToUserName": "ww2", "CreateTime": 5, "MsgType": row.sample, "Content": "hi"}
        event = parse_event(to_xml(fields))
        assert type(event) is getattr(ev, row.parses_as), row
        assert {k: str(v) for k, v in event.raw.items()} == {k: str(v) for k, v in fields.items()}
        if row.key == "ChangeType":
            assert isinstance(event, ev.DocChangeEvent)
            assert (event.change_type, type(event.change_type)) == (row.sample, str)
            assert event.doc_ids == ("doc-1",)
        else:
            assert event.info_type == row.sample


def test_untyped_samples_are_not_typed_values() -> None:
    """A sample that became typed (an enum member) must move from UNTYPED_ROWS to the typed rows."""
    typed = {value for _key, value, is_typed, _name, _page in coverage_rows() if is_typed}
    assert not {row.sample for row in UNTYPED_ROWS} & typed
    assert "upload_media_job_finish" in {row.sample for row in UNTYPED_ROWS}  # listed as a gap, not typed


def test_new_classes_cite_their_page() -> None:
    """Every newer event class (and most older ones) names its official page."""
    missing = [name for _key, _value, _typed, name, page in coverage_rows() if not page]
    assert missing == [], missing


@pytest.mark.parametrize("key", ["InfoType", "Event", "MsgType"])
def test_every_enum_member_has_a_row(key: str) -> None:
    enum = {"InfoType": ev.InfoType, "Event": ev.EventType, "MsgType": ev.MsgType}[key]
    values = {value for k, value, typed, _name, _page in coverage_rows() if k == key and typed}
    assert values == {m.value for m in enum} - {"event"}


def test_readme_counts_match_the_table() -> None:
    """The README's coverage claim is worded from the table: the counts it states are the table's counts."""
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    rows = coverage_rows()
    kinds = ("InfoType", "Event", "MsgType")
    counts = {key: sum(1 for k, _v, typed, *_rest in rows if k == key and typed) for key in kinds}
    untyped = sum(1 for row in rows if not row[2])
    assert f"{counts['InfoType']} InfoTypes (instruction and" in readme
    assert f"{counts['Event']} data-URL Events and {counts['MsgType']} member message types" in readme
    assert f"the {untyped} known untyped callbacks" in readme
    zh = f"{counts['InfoType']} 种 InfoType、{counts['Event']} 种数据回调 Event 与 {counts['MsgType']} 种消息"
    assert zh in readme
    assert f"另列出 {untyped} 种尚未类型化的回调" in readme
    assert "覆盖全部 InfoType" not in readme  # not every InfoType of the official docs is typed (see the gaps)
