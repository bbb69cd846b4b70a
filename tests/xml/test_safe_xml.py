"""Safe XML: forbidden constructs are rejected; characters XML forbids in text become U+FFFD."""

from __future__ import annotations

import ast
import contextlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite.errors import CallbackError, CallbackReason
from wecom_suite.xml import as_list, parse_xml, to_xml

DECL = b'<?xml version="1.0" encoding="utf-8"?>'

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><xml><A>&lol3;</A></xml>'
)
XXE = b'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>'
# The same attacks in encodings expat detects by itself, where "<!" is not the bytes b"<!" (audit finding).
_ENTITY_DOC = '<!DOCTYPE xml [<!ENTITY a "AAAA"><!ENTITY b "&a;&a;&a;&a;">]><xml><SuiteId>&b;</SuiteId></xml>'
UTF16_DTD = ('<?xml version="1.0" encoding="UTF-16"?>' + _ENTITY_DOC).encode("utf-16")
UTF16LE_DTD_NO_BOM = ('<?xml version="1.0" encoding="UTF-16LE"?>' + _ENTITY_DOC).encode("utf-16-le")
UTF32_DTD = _ENTITY_DOC.encode("utf-32")
LATIN1_DECLARED = b'<?xml version="1.0" encoding="ISO-8859-1"?><xml><A>caf\xe9</A></xml>'


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (BILLION_LAUGHS, CallbackReason.FORBIDDEN_XML),
        (XXE, CallbackReason.FORBIDDEN_XML),
        (UTF16_DTD, CallbackReason.FORBIDDEN_XML),
        (UTF16LE_DTD_NO_BOM, CallbackReason.FORBIDDEN_XML),
        (UTF32_DTD, CallbackReason.FORBIDDEN_XML),
        (LATIN1_DECLARED, CallbackReason.FORBIDDEN_XML),
        (b"<xml><A>\x00</A></xml>", CallbackReason.FORBIDDEN_XML),
        (b"<xml><A>\xc3\x28</A></xml>", CallbackReason.MALFORMED_XML),
        (b"<xml><?php evil ?><A>1</A></xml>", CallbackReason.FORBIDDEN_XML),
        (b'<!ENTITY x "y"><xml/>', CallbackReason.MALFORMED_XML),  # a declaration outside a DTD is not XML
        (b"<!DOCTYPE xml><xml><A>1</A></xml>", CallbackReason.FORBIDDEN_XML),
        (b'<?xml version="1.0" encoding="utf-16"?><xml/>', CallbackReason.FORBIDDEN_XML),
        (b"<xml><A>&undefined;</A></xml>", CallbackReason.MALFORMED_XML),
        (b"<xml><A>1</B></xml>", CallbackReason.MALFORMED_XML),
        (b"<xml><A><![CDATA[never closed</A></xml>", CallbackReason.MALFORMED_XML),
        (b"<other><A>1</A></other>", CallbackReason.MALFORMED_XML),
        (b"<xml>" + b"<a>" * 40 + b"</a>" * 40 + b"</xml>", CallbackReason.MALFORMED_XML),
        (b"\xff\xfe<xml/>", CallbackReason.MALFORMED_XML),
        (b"", CallbackReason.MALFORMED_XML),
    ],
)
def test_rejections(doc: bytes, reason: CallbackReason) -> None:
    with pytest.raises(CallbackError) as info:
        parse_xml(doc)
    assert info.value.reason is reason


def test_declarations_hidden_in_cdata_are_inert_text() -> None:
    doc = b"<xml><A><![CDATA[<!DOCTYPE x [<!ENTITY y 'z'>]>&y;]]></A><!-- a comment --></xml>"
    assert parse_xml(doc) == {"A": "<!DOCTYPE x [<!ENTITY y 'z'>]>&y;"}


def test_shapes_and_lists() -> None:
    doc = "<xml><A>1</A><A><![CDATA[2]]></A><B><C>x</C></B><E></E></xml>"
    assert parse_xml(doc) == {"A": ["1", "2"], "B": {"C": "x"}, "E": ""}
    assert as_list(parse_xml(doc)["A"]) == ["1", "2"]
    assert as_list("") == []
    assert as_list(None) == []
    assert as_list("x") == ["x"]
    assert parse_xml(b"<xml><A>x</A></xml> \n") == {"A": "x"}
    assert parse_xml(b"<root><A>x</A></root>", root=None) == {"A": "x"}


def test_cdata_split_by_the_writer_round_trips() -> None:
    value = "a]]>b]]>"
    assert parse_xml(to_xml({"A": value})) == {"A": value}


_NAMES = st.sampled_from(["A", "B", "Item", "Name", "x_1", "Suite.Id", "Value-2"])
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), whitelist_characters="\n\t\r<>&]'\""),
    max_size=30,
)
_TREE: Any = st.recursive(
    _TEXT,
    lambda children: st.dictionaries(
        _NAMES, st.one_of(children, st.lists(children, min_size=2, max_size=3)), max_size=4
    ),
    max_leaves=12,
)


def _oracle(elem: ET.Element) -> Any:
    """ElementTree's reading of a document (fine for these, which have no DTD), in parse_xml's shapes."""
    if len(elem) == 0:
        return elem.text or ""
    out: dict[str, Any] = {}
    for child in elem:
        value = _oracle(child)
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    return out


@settings(max_examples=300, deadline=None)
@given(tree=st.dictionaries(_NAMES, _TREE, max_size=5))
def test_parse_xml_agrees_with_elementtree(tree: dict[str, Any]) -> None:
    doc = to_xml(tree).encode()
    expected = _oracle(ET.fromstring(doc))  # noqa: S314 - our own document, no DTD
    assert parse_xml(doc) == (expected or {})
    assert parse_xml(DECL + doc) == (expected or {})


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_garbage_raises_only_callback_error(data: bytes) -> None:
    with contextlib.suppress(CallbackError):
        parse_xml(data)
    with contextlib.suppress(CallbackError):
        parse_xml(b"<xml><A>" + data + b"</A></xml>")


# -- lenient text, strict structure: characters XML 1.0 forbids become U+FFFD -------------------------

FORBIDDEN_CHARS = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]


@pytest.mark.parametrize("char", FORBIDDEN_CHARS)
def test_a_forbidden_character_in_text_becomes_the_replacement_character(char: str) -> None:
    for doc in (f"<xml><A>hello{char}world</A></xml>", f"<xml><A><![CDATA[hello{char}world]]></A></xml>"):
        assert parse_xml(doc.encode("utf-8")) == {"A": "hello\ufffdworld"}


def test_every_forbidden_character_is_replaced_one_for_one() -> None:
    text = "a\x02b\x0b\x0cc\x1f\ufffe\uffffd"
    fields = parse_xml(f"<xml><A>{text}</A><B><C><![CDATA[\x01{text}]]></C></B></xml>".encode())
    assert fields == {"A": "a\ufffdb\ufffd\ufffdc\ufffd\ufffd\ufffdd", "B": {"C": "\ufffd" + fields["A"]}}  # type: ignore[operator]


def test_encoded_surrogates_are_replaced_and_other_bad_utf8_is_not() -> None:
    lone = "\ud800".encode("utf-8", "surrogatepass")  # b"\xed\xa0\x80": not UTF-8, but a recognisable character
    assert parse_xml(b"<xml><A>x" + lone + b"y</A></xml>") == {"A": "x\ufffdy"}
    with pytest.raises(CallbackError) as info:
        parse_xml(b"<xml><A>x\xc3y</A></xml>")
    assert info.value.reason is CallbackReason.MALFORMED_XML


def test_tab_newline_and_carriage_return_are_text_not_replaced() -> None:
    assert parse_xml(b"<xml><A>a\tb\nc</A></xml>") == {"A": "a\tb\nc"}


def test_structure_stays_strict_when_text_has_forbidden_characters() -> None:
    for doc, reason in (
        (b"<!DOCTYPE xml [<!ENTITY e 'x'>]><xml><A>\x02&e;</A></xml>", CallbackReason.FORBIDDEN_XML),
        (b"<xml><A>\x02</B></xml>", CallbackReason.MALFORMED_XML),
        (b"<xml><A>\x02&e;</A></xml>", CallbackReason.MALFORMED_XML),
        (b"<xml><?pi \x02?><A>1</A></xml>", CallbackReason.FORBIDDEN_XML),
        (b"<xml><A>\x00\x02</A></xml>", CallbackReason.FORBIDDEN_XML),  # NUL: UTF-16/32, never replaced
    ):
        with pytest.raises(CallbackError) as info:
            parse_xml(doc)
        assert info.value.reason is reason, doc


_SENTINEL = "EXPANDED"
_DTD_DOCS = st.sampled_from(
    [
        f'<!DOCTYPE xml [<!ENTITY e "{_SENTINEL}">]><xml><A>&e;</A></xml>',
        f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e "{_SENTINEL}">]><xml><A>&e;</A></xml>',
        f'<!DOCTYPE xml [<!ENTITY % p "{_SENTINEL}"> %p;]><xml><A>x</A></xml>',
        '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><A>x</A></xml>',
        f'<xml><A>&e;</A></xml><!DOCTYPE xml [<!ENTITY e "{_SENTINEL}">]>',
        "<xml><A>&e;</A></xml>",
    ]
)
_BAD = st.sampled_from([*FORBIDDEN_CHARS, "\ud800", "\udfff"])


@settings(max_examples=400, deadline=None)
@given(doc=_DTD_DOCS, inserts=st.lists(st.tuples(st.integers(0, 200), _BAD), max_size=4))
def test_the_replacement_rule_never_lets_a_dtd_or_entity_through(doc: str, inserts: list[tuple[int, str]]) -> None:
    """Forbidden characters anywhere, even inside the markup, never make a DTD or entity acceptable."""
    for position, char in inserts:
        cut = min(position, len(doc))
        doc = doc[:cut] + char + doc[cut:]
    with pytest.raises(CallbackError) as info:
        parse_xml(doc.encode("utf-8", "surrogatepass"))
    assert info.value.reason in (CallbackReason.FORBIDDEN_XML, CallbackReason.MALFORMED_XML)


@settings(max_examples=300, deadline=None)
@given(tree=st.dictionaries(_NAMES, _TEXT, min_size=1, max_size=5), bad=st.lists(_BAD, min_size=1, max_size=3))
def test_replacing_is_the_same_as_writing_the_replacement_character(tree: dict[str, str], bad: list[str]) -> None:
    dirty = {name: value + "".join(bad) for name, value in tree.items()}
    clean = {name: value + "\ufffd" * len(bad) for name, value in tree.items()}
    assert parse_xml(to_xml(dirty).encode("utf-8", "surrogatepass")) == parse_xml(to_xml(clean).encode())


# -- one XML reader -----------------------------------------------------------------------------------

_TAG_IN_PATTERN = re.compile(r"(?<!\?P)(?<!\(\?)<|CDATA")  # a "<" that is not a named group or a lookbehind
_REGEX_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}


def test_xml_is_read_only_by_the_safe_parser() -> None:
    """No module reads XML another way: no other XML library, no regular expression over tags (a regex once
    hid credentials in ``inbox show`` and missed ``<SuiteTicket >``)."""
    import wecom_suite

    root = Path(wecom_suite.__file__).parent
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name.startswith("xml/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if any(m.startswith(("xml.", "lxml", "defusedxml")) or m == "xml" for m in modules):
                    found.append(f"{name}:{node.lineno}: imports {modules}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "re"
                and node.func.attr in _REGEX_CALLS
                and node.args
            ):
                pattern = [c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant)]
                if any(isinstance(p, (str, bytes)) and _TAG_IN_PATTERN.search(str(p)) for p in pattern):
                    found.append(f"{name}:{node.lineno}: a regular expression over XML")
    assert found == []
