"""The endpoint paths a ``SuiteApp`` serves, relative to its URL prefix."""

from __future__ import annotations

__all__ = ["DATA_PATH", "INSTALL_CALLBACK_PATH", "INSTALL_PATH", "INSTRUCTION_PATH", "console_urls"]

INSTRUCTION_PATH = "/callback/instruction"  # 指令回调URL
DATA_PATH = "/callback/data"  # 数据回调URL
INSTALL_PATH = "/install"  # where an admin starts an install from the provider's site
INSTALL_CALLBACK_PATH = "/install/callback"  # 授权完成回调: WeCom redirects here with the auth_code


def console_urls(base_url: str, url_prefix: str) -> dict[str, str]:
    """What to enter in the provider console (服务商管理后台), and the page admins start installs from."""
    root = base_url.rstrip("/") + url_prefix
    return {
        "instruction callback URL (指令回调URL)": root + INSTRUCTION_PATH,
        "data callback URL (数据回调URL)": root + DATA_PATH,
        "install redirect (授权完成回调)": root + INSTALL_CALLBACK_PATH,
        "install page for admins": root + INSTALL_PATH,
    }
