"""The base of every response/parameter model: snake_case names, WeCom's JSON names as aliases,
unknown fields kept (WeCom adds fields often), and secrets redacted in ``repr``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from ...redaction import redact

__all__ = ["ApiResult", "WeComModel"]


class WeComModel(BaseModel):
    """Documented fields are typed; anything else WeCom sends is kept in ``model_extra``.

    ``model_dump(by_alias=True)`` gives back WeCom's JSON names. Fields listed in ``_secret_fields``
    (tokens, permanent codes, tickets) show only a redacted prefix in ``repr`` and ``str``.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)

    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in self._secret_fields and isinstance(value, str):
                yield name, redact(value)
            else:
                yield name, value


class ApiResult(WeComModel):
    """Every WeCom answer carries ``errcode`` (0 = success) and ``errmsg``; by the time a model is
    returned the call succeeded, so these are mostly informational."""

    errcode: int = 0
    errmsg: str = ""
