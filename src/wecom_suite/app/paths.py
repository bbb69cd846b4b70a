"""The endpoint paths a ``SuiteApp`` serves, relative to its URL prefix."""

from __future__ import annotations

__all__ = ["DATA_PATH", "INSTALL_CALLBACK_PATH", "INSTALL_PATH", "INSTRUCTION_PATH"]

INSTRUCTION_PATH = "/callback/instruction"  # 指令回调URL
DATA_PATH = "/callback/data"  # 数据回调URL
INSTALL_PATH = "/install"  # where an admin starts an install from the provider's site
INSTALL_CALLBACK_PATH = "/install/callback"  # 授权完成回调: WeCom redirects here with the auth_code
