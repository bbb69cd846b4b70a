"""The framework-neutral HTTP response every web adapter converts from (slack_bolt's BoltResponse)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["WebResponse"]


@dataclass(slots=True)
class WebResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, text: str, status: int = 200) -> WebResponse:
        return cls(status, text.encode("utf-8"), {"content-type": "text/plain; charset=utf-8"})

    @classmethod
    def html(cls, html: str, status: int = 200) -> WebResponse:
        return cls(status, html.encode("utf-8"), {"content-type": "text/html; charset=utf-8"})

    @classmethod
    def xml(cls, xml: str, status: int = 200) -> WebResponse:
        return cls(status, xml.encode("utf-8"), {"content-type": "application/xml; charset=utf-8"})

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> WebResponse:
        return cls(status, b"", {"location": location})
