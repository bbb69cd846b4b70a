"""Writing WeCom-style XML (CDATA for text, bare integers), for replies and the sandbox's pushes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["cdata", "to_xml"]


def cdata(text: str) -> str:
    """Wrap text in CDATA; a ``]]>`` inside is split across two sections so it cannot break out."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _write(parts: list[str], tag: str, value: Any) -> None:
    if isinstance(value, Mapping):
        parts.append(f"<{tag}>")
        for k, v in value.items():
            _write(parts, str(k), v)
        parts.append(f"</{tag}>")
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        for item in value:
            _write(parts, tag, item)
    elif isinstance(value, bool):
        parts.append(f"<{tag}>{int(value)}</{tag}>")
    elif isinstance(value, int):
        parts.append(f"<{tag}>{value}</{tag}>")
    elif value is None:
        parts.append(f"<{tag}></{tag}>")
    else:
        parts.append(f"<{tag}>{cdata(str(value))}</{tag}>")


def to_xml(fields: Mapping[str, Any], *, root: str = "xml") -> str:
    """``{"SuiteId": "ww1", "TimeStamp": 1}`` -> ``<xml><SuiteId><![CDATA[ww1]]></SuiteId>...``.

    Nested mappings become nested elements and sequences become repeated elements, mirroring
    :func:`~wecom_suite.xml.safe_parser.parse_xml`.
    """
    parts: list[str] = []
    _write(parts, root, fields)
    return "".join(parts)
