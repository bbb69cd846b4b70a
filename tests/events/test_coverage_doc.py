"""docs/callbacks.md's coverage table is the code's: generated from the registries, compared here."""

from __future__ import annotations

from pathlib import Path

import pytest

from wecom_suite import events as ev
from wecom_suite.events import coverage_rows, coverage_table, parse_event
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


def test_every_documented_row_parses_into_its_class() -> None:
    """Each row is checked against parse_event, not only against the registries it was built from."""
    rows = coverage_rows()
    assert len({(key, value) for key, value, _cls, _page in rows}) == len(rows)
    for key, value, name, page in rows:
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


def test_new_classes_cite_their_page() -> None:
    """Every class added for issue 12 (and most older ones) names its official page."""
    missing = [name for _key, _value, name, page in coverage_rows() if not page]
    assert missing == [], missing


@pytest.mark.parametrize("key", ["InfoType", "Event", "MsgType"])
def test_every_enum_member_has_a_row(key: str) -> None:
    enum = {"InfoType": ev.InfoType, "Event": ev.EventType, "MsgType": ev.MsgType}[key]
    values = {value for k, value, _name, _page in coverage_rows() if k == key}
    assert values == {m.value for m in enum} - {"event"}


def test_readme_counts_match_the_table() -> None:
    """The README's coverage claim is worded from the table: the counts it states are the table's counts."""
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    counts = {key: sum(1 for k, *_rest in coverage_rows() if k == key) for key in ("InfoType", "Event", "MsgType")}
    assert f"{counts['InfoType']} InfoTypes (instruction and" in readme
    assert f"{counts['Event']} data-URL Events and {counts['MsgType']} member message types" in readme
    zh = f"{counts['InfoType']} 种 InfoType、{counts['Event']} 种数据回调 Event 与 {counts['MsgType']} 种消息"
    assert zh in readme
    assert "覆盖全部 InfoType" not in readme  # not every InfoType of the official docs is typed (see the gaps)
