"""The few HTML pages the install flow shows a human: start, success, and what went wrong.

They are Jinja2 templates (``install.html``, ``success.html``, ``signed_in.html``, ``error.html``, all extending
``base.html``) with autoescaping, in 简体中文 and English, chosen by the browser's ``Accept-Language``
(简体中文 when it names neither). A provider replaces any of them by putting a file of the same name in
a folder named by ``WECOM_TEMPLATE_DIR`` (``wecom-suite serve --templates DIR``) or
:func:`use_template_folder`; the defaults fill in the rest.

The pages are for a company's administrator, not for the provider: an error page shows a plain
message and a reference id, and the details (WeCom's answer, the hint for the provider) go to the
``wecom_suite.app`` log under that reference.
"""

from __future__ import annotations

import contextvars
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2

from ..web.request import WebRequest
from ..web.response import WebResponse

__all__ = [
    "TEMPLATE_DIR_ENV",
    "choose_language",
    "error_page",
    "install_page",
    "page_request",
    "render_page",
    "signed_in_page",
    "success_page",
    "use_template_folder",
]

logger = logging.getLogger("wecom_suite.app")

TEMPLATE_DIR_ENV = "WECOM_TEMPLATE_DIR"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_folder: str | None = None  # set by use_template_folder(); else the environment variable
_environments: dict[str | None, jinja2.Environment] = {}
_request: contextvars.ContextVar[WebRequest | None] = contextvars.ContextVar("wecom_page_request", default=None)


def use_template_folder(folder: str | os.PathLike[str] | None) -> None:
    """Templates in ``folder`` shadow the defaults of the same name (None: back to the environment variable).

    Raises ``NotADirectoryError`` if ``folder`` is not a directory.
    """
    global _folder
    if folder is not None and not Path(folder).is_dir():
        raise NotADirectoryError(f"template folder {os.fspath(folder)!r} is not a directory")
    _folder = os.fspath(folder) if folder is not None else None


def _environment() -> jinja2.Environment:
    folder = _folder or os.environ.get(TEMPLATE_DIR_ENV) or None
    env = _environments.get(folder)
    if env is None:
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))]
        if folder:
            loaders.insert(0, jinja2.FileSystemLoader(folder))
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,  # every page, whatever its file name: values come from WeCom and the store
            undefined=jinja2.StrictUndefined,
            auto_reload=False,
        )
        _environments[folder] = env
    return env


@contextmanager
def page_request(request: WebRequest) -> Iterator[None]:
    """While handling ``request``: pages take its language (and the install URL) from it."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def choose_language(accept_language: str | None) -> str:
    """``"zh"`` or ``"en"``: the first of them the ``Accept-Language`` header prefers; ``"zh"`` otherwise.

    >>> choose_language("en-US,en;q=0.9,zh-CN;q=0.8")
    'en'
    """
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _language(language: str | None) -> str:
    if language in LANGUAGES:
        return language
    if language is not None:
        return choose_language(language)
    request = _request.get()
    return choose_language(request.headers.get("accept-language") if request is not None else None)


def render_page(template: str, *, language: str | None = None, status: int = 200, **context: Any) -> WebResponse:
    """Render ``template`` (provider folder first, then the defaults) as an uncached HTML response.

    ``language``: ``"zh"``, ``"en"``, an ``Accept-Language`` value, or None for the current request's.
    """
    lang = _language(language)
    html = _environment().get_template(template).render(lang=lang, **context)
    response = WebResponse.html(html, status=status)
    response.headers["cache-control"] = "no-store"
    response.headers["content-language"] = "zh-CN" if lang == "zh" else "en"
    return response


def _display_name(suite_name: str, suite_id: str | None) -> str:
    """The suite's name for a customer; "" when none was set (the name then defaults to the suite id)."""
    if suite_id and suite_name == suite_id:
        return ""
    if suite_name.startswith(("ww", "wx")) and len(suite_name) == 18 and suite_name[2:].isalnum():
        return ""  # a suite id: means nothing to a company's administrator
    return suite_name


def install_page(
    install_url: str, *, suite_name: str, suite_id: str | None = None, language: str | None = None
) -> WebResponse:
    """A page with a link to WeCom's install page.

    WeCom opens its install page only when the browser arrives from a link on the provider's own
    domain (it checks the Referer), so a link is more reliable than a bare redirect.
    """
    response = render_page(
        "install.html", language=language, install_url=install_url, suite_name=_display_name(suite_name, suite_id)
    )
    response.headers["referrer-policy"] = "origin"
    return response


def success_page(
    *, corp_name: str, corp_id: str, suite_name: str, suite_id: str | None = None, language: str | None = None
) -> WebResponse:
    """The install is done: which company now has the app."""
    return render_page(
        "success.html",
        language=language,
        corp_name=corp_name,
        corp_id=corp_id,
        suite_name=_display_name(suite_name, suite_id),
    )


def signed_in_page(
    *, userid: str, corp_id: str, suite_name: str, suite_id: str | None = None, language: str | None = None
) -> WebResponse:
    """After a sign-in when the provider configured nowhere to go (no handler, no login_redirect_url)."""
    return render_page(
        "signed_in.html",
        language=language,
        userid=userid,
        corp_id=corp_id,
        suite_name=_display_name(suite_name, suite_id),
    )


def _flow() -> tuple[str, str]:
    """``(flow, start_url)`` of the current request: ``install`` or ``login``, and where it starts again
    (``…/install/callback`` -> ``…/install``); ``("install", "")`` outside a request."""
    request = _request.get()
    if request is None:
        return "install", ""
    path = request.path.rstrip("/")
    start = path[: -len("/callback")] if path.endswith("/callback") else path
    flow = "login" if start.endswith("/login") else "install"
    return flow, start if start.endswith(("/install", "/login")) else ""


def error_page(
    title: str,
    detail: str,
    *,
    hint: str = "",
    status: int = 400,
    language: str | None = None,
    show_title: bool = False,
) -> WebResponse:
    """A plain message and a reference id for the customer; ``title``, ``detail`` and ``hint`` go to the log.

    Callers still pass redacted text: the log is read by people too. The reference (``E-`` and 8 hex
    digits) is in the page and in the log line, so a customer's report finds the details.
    ``show_title=True`` puts ``title`` on the page as its heading: for titles written for the person in
    front of the browser that name nothing of the provider's (a used link, another browser).
    """
    reference = "E-" + secrets.token_hex(4).upper()
    logger.warning(
        "error page %s (HTTP %d): %s: %s%s", reference, status, title, detail, f" (hint: {hint})" if hint else ""
    )
    flow, start_url = _flow()
    response = render_page(
        "error.html",
        language=language,
        status=status,
        server_side=status >= 500,
        reference=reference,
        flow=flow,
        start_url=start_url,
        shown_title=title if show_title else "",
    )
    response.headers["x-wecom-reference"] = reference
    return response
