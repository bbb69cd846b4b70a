"""Safe parsing of WeCom's small XML documents into dicts: one expat pass, no DTDs, no entities.

The one parser is the standard library's expat, driven directly (``xml.parsers.expat``), with handlers
that refuse what WeCom never sends, as soon as expat meets it:

* a document type declaration (``<!DOCTYPE``): so no entity can be declared, hence no XXE and no
  billion laughs; a reference to an undeclared entity is a well-formedness error in expat itself;
* a processing instruction (``<?php ...?>``); the ``<?xml ...?>`` declaration is allowed;
* any encoding but UTF-8: the input is always decoded as UTF-8, and a declaration naming another
  encoding, or NUL bytes (UTF-16/32 spell ASCII with them), is refused.

Lenient text, strict structure: characters that XML 1.0 forbids (C0 controls other than tab, LF and
CR; U+FFFE and U+FFFF; surrogate code points encoded as UTF-8 bytes) are replaced with U+FFFD, one
for one, so their presence and position stay visible and nothing else changes. U+FFFD is never
markup, so the replacement cannot change the document's structure; everything else is parsed as
strictly as before. See docs/callbacks.md, "Characters XML forbids".
"""

from __future__ import annotations

import re
from typing import NoReturn, Union
from xml.etree import ElementTree
from xml.parsers import expat

from ..errors import CallbackError, CallbackReason

__all__ = ["MAX_DEPTH", "REPLACEMENT", "XmlDict", "XmlValue", "as_list", "parse_xml", "replace_forbidden"]

XmlValue = Union[str, "XmlDict", list["XmlValue"]]
XmlDict = dict[str, XmlValue]

MAX_DEPTH = 16  # WeCom documents nest 3-4 levels; anything deeper is an attack or garbage
REPLACEMENT = "\ufffd"

# NUL is not here: it is refused outright (see module docstring).
_FORBIDDEN = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def _forbidden(reason: CallbackReason, message: str) -> NoReturn:
    raise CallbackError(reason, message)


def _refuse_doctype(name: str, *_: object) -> None:
    _forbidden(CallbackReason.FORBIDDEN_XML, "<!DOCTYPE is not allowed (no DTDs or entities)")


def _refuse_pi(target: str, data: str) -> None:
    _forbidden(CallbackReason.FORBIDDEN_XML, "processing instructions are not allowed")


def _check_declaration(version: str | None, encoding: str | None, standalone: int) -> None:
    if encoding is not None and encoding.lower() not in _UTF8_NAMES:
        _forbidden(CallbackReason.FORBIDDEN_XML, f"only UTF-8 XML is accepted, not {encoding[:20]!r}")


def _parse(raw: bytes) -> tuple[str, XmlValue]:
    """One expat pass into an ElementTree, then the tree into dicts: ``(root tag, value)``.

    Expat calls ElementTree's C ``TreeBuilder`` directly for elements and text (no Python code per
    element); only the refusals above are Python handlers, and they run only when expat meets a
    construct WeCom never sends.
    """
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate("utf-8")  # the document's own encoding declaration is not obeyed
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.ProcessingInstructionHandler = _refuse_pi
    parser.XmlDeclHandler = _check_declaration
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"not well-formed XML ({exc})") from None
    root = builder.close()
    return root.tag, _value(root, 1) if len(root) else (root.text or "")


def _value(element: ElementTree.Element, depth: int) -> XmlDict:
    """An element with children as a dict: leaves as their text, nested elements as dicts, repeats as lists.

    The text between child elements is only indentation and is dropped. ``depth`` is the element's own
    (the root is 1); children deeper than ``MAX_DEPTH`` are refused.
    """
    if depth >= MAX_DEPTH:
        _forbidden(CallbackReason.MALFORMED_XML, f"XML nested deeper than {MAX_DEPTH} levels")
    out: XmlDict = {}
    for child in element:
        value: XmlValue = _value(child, depth + 1) if len(child) else (child.text or "")
        tag = child.tag
        previous = out.get(tag)
        if previous is None:
            out[tag] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            out[tag] = [previous, value]
    return out


def replace_forbidden(raw: bytes) -> bytes:
    """``raw`` with every character XML 1.0 forbids replaced by U+FFFD (``raw`` itself if there is none).

    Raises ``CallbackError(malformed_xml)`` if ``raw`` is not UTF-8 (surrogates aside, which are replaced).
    """
    try:
        decoded = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"XML is not valid UTF-8 (byte {exc.start})") from None
    replaced, count = _FORBIDDEN.subn(REPLACEMENT, decoded)
    return replaced.encode("utf-8") if count else raw


def parse_xml(data: bytes | str, *, root: str | None = "xml") -> XmlDict:
    """Parse a WeCom XML document into nested dicts.

    Leaves become ``str`` (CDATA or plain text alike, ``""`` when empty), elements with children
    become ``dict``, repeated tags become ``list``. Attributes are not used by WeCom and are ignored.
    ``root`` is the required root tag (``None``: any). Raises ``CallbackError`` with reason
    ``forbidden_xml`` (DTD, processing instruction, not UTF-8) or ``malformed_xml``; nothing else.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if b"\x00" in raw:
        raise CallbackError(CallbackReason.FORBIDDEN_XML, "only UTF-8 XML is accepted (NUL bytes: UTF-16/32?)")
    try:
        tag, value = _parse(raw)
    except CallbackError as exc:
        # Expat stops at the first forbidden character; replace them all (docstring) and parse again.
        if exc.reason is not CallbackReason.MALFORMED_XML:
            raise
        cleaned = replace_forbidden(raw)
        if cleaned is raw:
            raise
        tag, value = _parse(cleaned)
    if root is not None and tag != root:
        raise CallbackError(CallbackReason.MALFORMED_XML, f"root element is <{tag[:40]}>, expected <{root}>")
    return value if isinstance(value, dict) else {}


def as_list(value: XmlValue | None) -> list[XmlValue]:
    """A repeated element as a list whether it occurred zero, one or many times."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]
