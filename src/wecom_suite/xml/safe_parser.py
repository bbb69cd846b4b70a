"""Safe parsing of WeCom's small XML documents: no DTDs, no entities, no processing instructions.

WeCom's XML never needs a DTD, so the defence is simple and fast: before the C parser sees a byte,
a scan rejects any ``<!DOCTYPE``, ``<!ENTITY`` or other markup declaration and any processing
instruction except a leading ``<?xml ...?>`` declaration (CDATA sections and comments are skipped
over, not searched). With no DTD there can be no entity declarations, hence no XXE and no
billion-laughs; undefined entity references are then rejected by expat itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Union

from ..errors import CallbackError, CallbackReason

__all__ = ["MAX_DEPTH", "XmlDict", "XmlValue", "as_list", "parse_xml", "screen_xml"]

XmlValue = Union[str, "XmlDict", list["XmlValue"]]
XmlDict = dict[str, XmlValue]

MAX_DEPTH = 16  # WeCom documents nest 3-4 levels; anything deeper is an attack or garbage

_MARKUP = re.compile(rb"<[!?]")

# Fast path for the documents WeCom actually sends: elements, CDATA sections and plain text without
# markup, entities, CR or control characters, nothing else. One C-level ``findall`` tokenises the
# document and a small loop builds the dicts. Any other token (declarations, comments, processing
# instructions, attributes, entities, mixed content) is "junk" and sends the document to the screened
# expat path, so the fast path only accepts documents expat parses to the same dict, and no DTD can
# ever get through it.
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]{0,63}"
_NOT_XML = r"\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff"  # CR is legal but normalised by expat: leave it to expat
_TEXT = r"[^<&\]" + _NOT_XML + r"]"
_CDATA_TEXT = r"[^\]" + _NOT_XML + r"]"
_TOKENS = re.compile(
    r"<(" + _NAME + r")>(?:<!\[CDATA\[(" + _CDATA_TEXT + r"*(?:\](?!\]>)" + _CDATA_TEXT + r"*)*)\]\]>"
    r"|(" + _TEXT + r"*))</\1>"  # a leaf element: tag, CDATA text, plain text
    r"|<(" + _NAME + r")>"  # an opening tag
    r"|</(" + _NAME + r")>"  # a closing tag
    r"|[ \t\n]+"  # whitespace between elements
    r"|([\s\S])"  # anything else: junk
)
# The flattest fast path, for the tiny flat documents most instruction callbacks are (suite_ticket,
# create_auth, cancel_auth, ...): ``<xml>`` + leaves + ``</xml>``. One C-level ``split`` on the leaf
# pattern alone (the same leaf grammar as ``_TOKENS``) leaves, between the matches, only what no leaf
# covers; if that is whitespace and no tag repeats, the document is exactly what ``_parse_fast`` would
# accept, with the same dict. Capped in size: a nested document is only found out after the whole scan.
_LEAF = re.compile(
    r"<(" + _NAME + r")>(?:<!\[CDATA\[(" + _CDATA_TEXT + r"*(?:\](?!\]>)" + _CDATA_TEXT + r"*)*)\]\]>"
    r"|(" + _TEXT + r"*))</\1>"
)
_FLAT_MAX = 1024
_XML_DECL = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^<>]*\?>")


_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = frozenset({b"utf-8", b"utf8"})


def _require_utf8(data: bytes, decl: re.Match[bytes] | None) -> None:
    """Only UTF-8 is accepted. The byte-level scan below looks for ``<!`` and ``<?``; in UTF-16 or UTF-32
    those are spelt with NUL bytes in between, and expat detects such encodings by itself, so a DTD
    could otherwise be smuggled past the scan. WeCom only ever sends UTF-8."""
    if b"\x00" in data:
        raise CallbackError(CallbackReason.FORBIDDEN_XML, "only UTF-8 XML is accepted (NUL bytes: UTF-16/32?)")
    if decl is not None:
        declared = _DECLARED_ENCODING.search(decl.group())
        if declared is not None and declared.group(1).lower() not in _UTF8_NAMES:
            name = declared.group(1)[:20].decode("ascii", "replace")
            raise CallbackError(CallbackReason.FORBIDDEN_XML, f"only UTF-8 XML is accepted, not {name!r}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"XML is not valid UTF-8 (byte {exc.start})") from None


def screen_xml(data: bytes) -> None:
    """Raise ``CallbackError(forbidden_xml)`` if ``data`` holds a DTD, declaration or PI, or is not UTF-8."""
    decl = _XML_DECL.match(data)
    _require_utf8(data, decl)
    pos = decl.end() if decl else 0
    while True:
        m = _MARKUP.search(data, pos)
        if m is None:
            return
        i = m.start()
        if data.startswith(b"<![CDATA[", i):
            end = data.find(b"]]>", i + 9)
            if end < 0:
                raise CallbackError(CallbackReason.MALFORMED_XML, "unterminated CDATA section")
            pos = end + 3
        elif data.startswith(b"<!--", i):
            end = data.find(b"-->", i + 4)
            if end < 0:
                raise CallbackError(CallbackReason.MALFORMED_XML, "unterminated comment")
            pos = end + 3
        elif data[i + 1 : i + 2] == b"?":
            raise CallbackError(CallbackReason.FORBIDDEN_XML, "processing instructions are not allowed")
        else:
            word = data[i + 2 : i + 10].split(None, 1)[0] if data[i + 2 : i + 10].strip() else b""
            name = word.decode("ascii", "replace") or "declaration"
            raise CallbackError(CallbackReason.FORBIDDEN_XML, f"<!{name} is not allowed (no DTDs or entities)")


def _convert(elem: ET.Element, depth: int) -> XmlValue:
    if depth > MAX_DEPTH:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"XML nested deeper than {MAX_DEPTH} levels")
    if len(elem) == 0:
        return elem.text or ""
    out: XmlDict = {}
    for child in elem:
        value = _convert(child, depth + 1)
        tag = child.tag
        if tag in out:
            prev = out[tag]
            if isinstance(prev, list):
                prev.append(value)
            else:
                out[tag] = [prev, value]
        else:
            out[tag] = value
    return out


def _parse_flat(raw: bytes) -> XmlDict | None:
    """``<xml>`` with only leaf children (no attributes, declaration or repeats) as a dict, else None.

    ``split`` returns ``[between, tag, cdata, text, between, tag, ...]``; exactly one of cdata/text is
    None per leaf. Any non-whitespace between the leaves (a nested element, junk, an unclosed tag)
    sends the document on to the general parsers.
    """
    if len(raw) > _FLAT_MAX or len(raw) < 11 or not raw.startswith(b"<xml>") or not raw.endswith(b"</xml>"):
        return None
    try:
        parts = _LEAF.split(raw[5:-6].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if "".join(parts[::4]).strip(" \t\n"):
        return None
    fields: XmlDict = {}
    quads = iter(parts)
    next(quads)
    for tag, cdata, text, _ in zip(quads, quads, quads, quads):  # noqa: B905 - strict= costs a keyword call
        fields[tag] = text if cdata is None else cdata
    if len(fields) * 4 + 1 != len(parts):  # a repeated tag: a list, left to the general path
        return None
    return fields


def _parse_fast(raw: bytes) -> tuple[str, XmlDict] | None:
    """The fast path: ``(root tag, dict)``, or None to let the full parser decide.

    Works on the decoded text, so that every token arrives as ``str`` straight from the C regex engine.
    The loop does as little as it can per token (it runs ~100 times for a 3 KB document): the root is
    parsed as the only child of a scratch dict, so no token needs a "have we seen the root" test.
    """
    try:
        doc = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    top: XmlDict = {}
    current = top
    parents: list[XmlDict] = []
    names: list[str] = []
    for leaf, cdata, text, opening, closing, junk in _TOKENS.findall(doc):
        if leaf:
            if leaf in current:
                prev = current[leaf]
                if prev.__class__ is list:
                    prev.append(cdata or text)
                else:
                    current[leaf] = [prev, cdata or text]
            else:
                current[leaf] = cdata or text
        elif opening:
            if len(names) >= MAX_DEPTH:
                return None
            parents.append(current)
            names.append(opening)
            current = {}
        elif closing:
            if not names or names.pop() != closing:
                return None
            child = current
            current = parents.pop()
            if closing in current:
                prev = current[closing]
                if prev.__class__ is list:
                    prev.append(child)
                else:
                    current[closing] = [prev, child]
            else:
                current[closing] = child
        elif junk:
            return None
    if names or len(top) != 1:
        return None
    ((tag, value),) = top.items()
    if value.__class__ is dict:
        return tag, value
    if value.__class__ is str:  # the root itself is a leaf: ``<xml>text</xml>`` has no fields
        return tag, {}
    return None  # the root element repeated


def parse_xml(data: bytes | str, *, root: str | None = "xml") -> XmlDict:
    """Parse a WeCom XML document into nested dicts.

    Leaves become ``str`` (CDATA or plain text alike, ``""`` when empty), elements with children
    become ``dict``, repeated tags become ``list``. Attributes are not used by WeCom and are ignored.
    Raises ``CallbackError`` with reason ``forbidden_xml`` or ``malformed_xml``; nothing else.
    """
    if data.__class__ is bytes:
        raw: bytes = data
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if root == "xml":
        flat = _parse_flat(raw)
        if flat is not None:
            return flat
    return _parse_general(raw, root)


def _parse_general(raw: bytes, root: str | None) -> XmlDict:
    """``parse_xml`` without the flat fast path: the tokenising fast path, else screened expat."""
    fast = _parse_fast(raw)
    if fast is not None:
        if fast[0] == root or root is None:
            return fast[1]
        raise CallbackError(CallbackReason.MALFORMED_XML, f"root element is <{fast[0]}>, expected <{root}>")
    screen_xml(raw)
    try:
        parser = ET.XMLParser(encoding="utf-8")  # noqa: S314 - screened above (UTF-8 only, no DTD)
        parser.feed(raw)
        elem = parser.close()
    except ET.ParseError as exc:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"not well-formed XML ({exc})") from None
    except (ValueError, LookupError, RecursionError) as exc:  # odd encodings or absurd nesting
        raise CallbackError(CallbackReason.MALFORMED_XML, f"unreadable XML ({type(exc).__name__})") from None
    if root is not None and elem.tag != root:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"root element is <{elem.tag[:40]}>, expected <{root}>")
    value = _convert(elem, 1)
    return value if isinstance(value, dict) else {}


def as_list(value: XmlValue | None) -> list[XmlValue]:
    """A repeated element as a list whether it occurred zero, one or many times."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]
