"""Reading the install, consent and success pages in tests (shared by tests/app and tests/cli)."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["LinkAndForm", "parse_page"]


class LinkAndForm(HTMLParser):
    """Links by id, the form's action and hidden fields, and its radio choices."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.action = ""
        self.fields: dict[str, str] = {}
        self.radios: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "id" in a:
            self.links[a["id"]] = a.get("href", "")
        elif tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio":
            self.radios.append(a.get("value", ""))


def parse_page(html: str) -> LinkAndForm:
    parser = LinkAndForm()
    parser.feed(html)
    return parser
