"""Who is visiting, for apps that call with the company's own token (自建 / 代开发): ``auth/getuserinfo``
and ``auth/getuserdetail``. Third-party suites use ``service/auth/getuserinfo3rd`` instead (login.py)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import ApiResult

__all__ = ["CorpUserDetail", "CorpUserInfo"]


class CorpUserInfo(ApiResult):
    """``auth/getuserinfo`` from an OAuth2 / web-login ``code`` (single use, 5 minutes). A member gets
    ``user_id`` (and ``user_ticket``, 1800 s, for snsapi_privateinfo); anyone else ``openid`` and, for a
    customer, ``external_userid`` (https://developer.work.weixin.qq.com/document/path/96442)."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"user_ticket"})

    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    user_ticket: str = Field(default="", repr=False)
    expires_in: int = 0
    openid: str = ""
    external_userid: str = ""

    @property
    def is_member(self) -> bool:
        return bool(self.user_id)


class CorpUserDetail(ApiResult):
    """``auth/getuserdetail`` with a ``user_ticket``: the fields the member agreed to share
    (https://developer.work.weixin.qq.com/document/path/96443)."""

    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    gender: str = ""  # "0" undefined, "1" male, "2" female
    avatar: str = ""
    qr_code: str = ""
    mobile: str = Field(default="", repr=False)
    email: str = Field(default="", repr=False)
    biz_mail: str = Field(default="", repr=False)
    address: str = Field(default="", repr=False)
