"""The endpoint paths a ``SuiteApp`` serves, relative to its URL prefix."""

from __future__ import annotations

__all__ = [
    "CONSOLE_PATH",
    "DATA_PATH",
    "HEALTHZ_PATH",
    "INSTALL_CALLBACK_PATH",
    "INSTALL_PATH",
    "INSTRUCTION_PATH",
    "LOGIN_CALLBACK_PATH",
    "LOGIN_PATH",
    "METRICS_PATH",
    "READYZ_PATH",
    "SYSTEM_PATH",
    "SYSTEM_URL_LABEL",
    "console_urls",
]

INSTRUCTION_PATH = "/callback/instruction"  # 指令回调URL
DATA_PATH = "/callback/data"  # 数据回调URL
SYSTEM_PATH = "/callback/system"  # 系统事件接收URL: provider-level events keyed by ServiceCorpId
INSTALL_PATH = "/install"  # where an admin starts an install from the provider's site
INSTALL_CALLBACK_PATH = "/install/callback"  # 授权完成回调: WeCom redirects here with the auth_code
LOGIN_PATH = "/login"  # where a member starts signing in (docs/signin.md)
LOGIN_CALLBACK_PATH = "/login/callback"  # WeCom redirects here with the sign-in code (a 可信域名 URL)

HEALTHZ_PATH = "/healthz"  # liveness probe (JSON)
READYZ_PATH = "/readyz"  # readiness probe (JSON): store, suite_ticket age, inbox
METRICS_PATH = "/metrics"  # Prometheus text format, when metrics are on (also served at the root)
CONSOLE_PATH = "/console"  # the operator console, when console_token is set

SYSTEM_URL_LABEL = "system event URL (系统事件接收URL)"


def console_urls(base_url: str, url_prefix: str, *, system_events: bool = False) -> dict[str, str]:
    """What to enter in the provider console (服务商管理后台), and the page admins start installs from.

    The system-event URL is listed only with ``system_events=True``: it needs ``provider_corp_id``.
    """
    root = base_url.rstrip("/") + url_prefix
    urls = {
        "instruction callback URL (指令回调URL)": root + INSTRUCTION_PATH,
        "data callback URL (数据回调URL)": root + DATA_PATH,
    }
    if system_events:
        urls[SYSTEM_URL_LABEL] = root + SYSTEM_PATH
    urls["install redirect (授权完成回调)"] = root + INSTALL_CALLBACK_PATH
    urls["install page for admins"] = root + INSTALL_PATH
    urls["sign-in page for members (its domain: 可信域名)"] = root + LOGIN_PATH
    return urls
