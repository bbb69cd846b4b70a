"""The suite service: ``SuiteApp`` (callbacks, install flow, company registry, lifecycle) and its configuration."""

from .company import Company
from .config import SETTINGS, SuiteConfig, load_configs
from .suite_app import SuiteApp
from .suite_group import SuiteGroup

__all__ = ["SETTINGS", "Company", "SuiteApp", "SuiteConfig", "SuiteGroup", "load_configs"]
