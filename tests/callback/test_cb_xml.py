"""Safe XML: forbidden constructs are rejected, and the fast path agrees with the expat path."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite.errors import CallbackError, CallbackReason
from wecom_suite.xml import as_list, parse_xml, to_xml
from wecom_suite.xml.safe_parser import _parse_fast

DECL = b'<?xml version="1.0" encoding="utf-8"?>'  # the fast path declines it, the expat path accepts it

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
        (b'<!ENTITY x "y"><xml/>', CallbackReason.FORBIDDEN_XML),
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


@settings(max_examples=300, deadline=None)
@given(tree=st.dictionaries(_NAMES, _TREE, max_size=5))
def test_fast_path_equals_expat_path(tree: dict[str, Any]) -> None:
    doc = to_xml(tree).encode()
    slow = parse_xml(DECL + doc)
    assert parse_xml(doc) == slow
    fast = _parse_fast(doc)
    if fast is not None:
        assert fast == ("xml", slow)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_garbage_raises_only_callback_error(data: bytes) -> None:
    with contextlib.suppress(CallbackError):
        parse_xml(data)
    with contextlib.suppress(CallbackError):
        parse_xml(b"<xml><A>" + data + b"</A></xml>")
