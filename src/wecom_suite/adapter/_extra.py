"""One error for an adapter whose web framework is not installed: which extra to install."""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(framework: str, extra: str, exc: ImportError) -> ModuleNotFoundError:
    """``ModuleNotFoundError`` naming the framework and the ``pip install`` line that brings it."""
    error = ModuleNotFoundError(
        f"wecom_suite.adapter.{extra} needs {framework}, which is not installed "
        f"(hint: pip install 'wecom-suite[{extra}]'; the import failed with: {exc})",
        name=exc.name,
    )
    return error
