"""The flat-document fast path of ``parse_xml`` must agree with the general parser on every input.

``_parse_flat`` may only *accept less*: whenever it returns a dict, the general parser (tokenising fast
path, else screened expat) must return the same dict; whenever the general parser raises, the flat
path must decline. ``parse_xml`` as a whole must behave exactly like the general parser.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite.errors import CallbackError
from wecom_suite.xml import parse_xml
from wecom_suite.xml.safe_parser import _parse_flat, _parse_general

NAMES = st.sampled_from(["A", "SuiteId", "InfoType", "x.y", "_t-1", "xml", "Item", "1bad", "a b", ""])
PIECES = [*"ab 中\t\n\r<>&]![CDATA\x00\x1f\ufffe\x85é", "]]>", "&amp;"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@st.composite
def leaf(draw: st.DrawFn) -> str:
    name, close = draw(NAMES), draw(st.one_of(st.just(None), NAMES))
    value = draw(TEXT)
    body = f"<![CDATA[{value}]]>" if draw(st.booleans()) else value
    return f"<{name}>{body}</{name if close is None else close}>"


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2 or draw(st.integers(0, 3)):
        return draw(leaf())
    name = draw(NAMES)
    children = draw(st.lists(element(depth + 1), max_size=3))
    return f"<{name}>{''.join(children)}</{name}>"


@st.composite
def document(draw: st.DrawFn) -> bytes:
    sep = st.sampled_from(["", "", "\n", " \t", "junk", "<!-- c -->", "\r\n", "<?pi x?>", "&lt;"])
    items = draw(st.lists(st.one_of(leaf(), element()), max_size=6))
    inner = "".join(draw(sep) + item for item in items) + draw(sep)
    head = draw(st.sampled_from(["<xml>", "<xml>", "<xml >", "<?xml version='1.0'?><xml>", "<!DOCTYPE x><xml>"]))
    tail = draw(st.sampled_from(["</xml>", "</xml>", "</xml>\n", "</xm>", ""]))
    text = head + inner + tail
    if draw(st.integers(0, 9)) == 0:  # garbage: cut or mangle the bytes
        raw = text.encode("utf-8")
        cut = draw(st.integers(0, len(raw)))
        return raw[:cut] + draw(st.binary(max_size=4)) + raw[cut:]
    return text.encode("utf-8")


def _general(raw: bytes) -> object:
    try:
        return _parse_general(raw, "xml")
    except CallbackError as exc:
        return ("error", exc.reason)


@settings(max_examples=600, deadline=None)
@given(document())
def test_flat_path_accepts_only_what_the_general_parser_parses_identically(raw: bytes) -> None:
    general = _general(raw)
    flat = _parse_flat(raw)
    if flat is not None:
        assert flat == general
    try:
        whole: object = parse_xml(raw)
    except CallbackError as exc:
        whole = ("error", exc.reason)
    assert whole == general


def test_flat_path_takes_the_common_shapes() -> None:
    raw = b"<xml><SuiteId><![CDATA[ww1]]></SuiteId>\n<TimeStamp>17</TimeStamp><Empty></Empty></xml>"
    assert _parse_flat(raw) == {"SuiteId": "ww1", "TimeStamp": "17", "Empty": ""}
    assert _parse_flat(raw) == _parse_general(raw, "xml")


def test_flat_path_declines_repeats_nesting_and_junk() -> None:
    for raw in (
        b"<xml><A>1</A><A>2</A></xml>",  # a repeat is a list: general path
        b"<xml><A><B>1</B></A></xml>",
        b"<xml>text<A>1</A></xml>",
        b"<xml><A>1</B></xml>",
        b"<xml><A>a\rb</A></xml>",
        b"<xml><A>\x01</A></xml>",
        b"<xml><A>\xef\xbf\xbe</A></xml>",
        b"<xml><A>\xff</A></xml>",
    ):
        assert _parse_flat(raw) is None, raw
    assert _parse_general(b"<xml><A>1</A><A>2</A></xml>", "xml") == {"A": ["1", "2"]}
