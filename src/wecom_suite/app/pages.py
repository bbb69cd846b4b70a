"""The few HTML pages the install flow shows a human: start, success, and what went wrong."""

from __future__ import annotations

from html import escape

from ..web.response import WebResponse

__all__ = ["error_page", "install_page", "signed_in_page", "success_page"]

_STYLE = (
    "body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;"
    "max-width:40em;margin:4em auto;padding:0 1em;color:#222;line-height:1.5}"
    "a.button{display:inline-block;padding:.6em 1.4em;background:#0082ef;color:#fff;border-radius:4px;"
    "text-decoration:none}h1{font-size:1.5em}.hint{color:#555}code{background:#f3f3f3;padding:0 .2em}"
)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def install_page(install_url: str, *, suite_name: str) -> WebResponse:
    """A page with a link to WeCom's install page.

    WeCom opens its install page only when the browser arrives from a link on the provider's own
    domain (it checks the Referer), so a link is more reliable than a bare redirect.
    """
    body = (
        f'<h1 id="title">Install {escape(suite_name)} / 安装应用</h1>'
        f"<p>You will be taken to WeCom (企业微信) to choose your company and approve the app.</p>"
        f'<p><a class="button" id="install" href="{escape(install_url)}">Install into WeCom / 添加到企业微信</a></p>'
    )
    response = WebResponse.html(_page(f"Install {suite_name}", body))
    response.headers["cache-control"] = "no-store"
    response.headers["referrer-policy"] = "origin"
    return response


def success_page(*, corp_name: str, corp_id: str, suite_name: str) -> WebResponse:
    shown = corp_name or corp_id
    body = (
        f'<h1 id="title">Installed / 安装成功</h1>'
        f'<p id="message">{escape(suite_name)} is now installed in '
        f'<strong id="corp-name">{escape(shown)}</strong> (<code id="corp-id">{escape(corp_id)}</code>).</p>'
        f"<p>You can close this page and open the app from the WeCom workbench (工作台).</p>"
    )
    response = WebResponse.html(_page("Installed", body))
    response.headers["cache-control"] = "no-store"
    return response


def signed_in_page(*, userid: str, corp_id: str, suite_name: str) -> WebResponse:
    """After a sign-in when the provider configured nowhere to go (no handler, no login_redirect_url)."""
    body = (
        f'<h1 id="title">Signed in / 登录成功</h1>'
        f'<p id="message">Signed in to {escape(suite_name)} as <strong id="userid">{escape(userid)}</strong> '
        f'(<code id="corp-id">{escape(corp_id)}</code>).</p>'
    )
    response = WebResponse.html(_page("Signed in", body))
    response.headers["cache-control"] = "no-store"
    return response


def error_page(title: str, detail: str, *, hint: str = "", status: int = 400) -> WebResponse:
    """Say what went wrong and what to do, without any secret (callers pass redacted text)."""
    hint_html = f'<p class="hint" id="hint">{escape(hint)}</p>' if hint else ""
    body = f'<h1 id="title">{escape(title)}</h1><p id="detail">{escape(detail)}</p>{hint_html}'
    response = WebResponse.html(_page(title, body), status=status)
    response.headers["cache-control"] = "no-store"
    return response
