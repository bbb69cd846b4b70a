"""Odd values never make a data-URL event raise: every typed attribute is set, the original stays in raw."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite.events import DATA_EVENT_CLASSES, DUAL_SHAPE_EVENTS, MESSAGE_CLASSES, event_from_dict

NESTED = ["ScanCodeInfo", "SendPicsInfo", "SendLocationInfo", "ApprovalInfo", "SelectedItems", "ChatArchiveApi"]
TAGS = sorted(
    {tag for cls in [*DATA_EVENT_CLASSES.values(), *MESSAGE_CLASSES.values()] for _attr, tag, _conv in cls.FIELDS}
    | {"ToUserName", "FromUserName", "CreateTime", "AgentID", *NESTED}
)

leaf = st.one_of(st.text(max_size=20), st.from_regex(r"-?[0-9.]{0,12}", fullmatch=True), st.just("1e999"))
value: st.SearchStrategy[Any] = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["item", "Item", "PicMd5Sum", "SpNo", "UserId", "OptionIds", "Count"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(sorted(DATA_EVENT_CLASSES) + sorted(DUAL_SHAPE_EVENTS) + sorted(MESSAGE_CLASSES) + ["x"]),
    values=st.dictionaries(st.sampled_from(TAGS), value, max_size=len(TAGS)),
    msg_type_missing=st.booleans(),
)
def test_random_values_never_raise(key: str, values: dict[str, Any], msg_type_missing: bool) -> None:
    raw: dict[str, Any] = dict(values)
    if key in MESSAGE_CLASSES:
        raw["MsgType"] = key
    else:
        raw["Event"] = key
        if not msg_type_missing:
            raw["MsgType"] = "event"
    event = event_from_dict(raw)
    assert event.raw == raw  # every field as received (credentials sealed as SecretText, equal to their text)
    assert event.info_type == key
    for cls in type(event).__mro__:
        for attr in getattr(cls, "__slots__", ()):
            getattr(event, attr)  # every typed attribute was set
    repr(event)
    _ = event.change_type
