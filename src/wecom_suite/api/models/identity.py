"""ID conversion answers (ID 升级 / 加密): corp ids and user ids as a provider sees them."""

from __future__ import annotations

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = ["OpenCorpId", "OpenUserIdList", "OpenUserIdMapping"]


class OpenCorpId(ApiResult):
    """``service/corpid_to_opencorpid``."""

    open_corp_id: str = Field(validation_alias="open_corpid", serialization_alias="open_corpid")


class OpenUserIdMapping(WeComModel):
    user_id: str = Field(validation_alias="userid", serialization_alias="userid")
    open_userid: str


class OpenUserIdList(ApiResult):
    """``batch/userid_to_openuserid`` (corp token); ``invalid_userid_list`` names ids not converted."""

    open_userid_list: list[OpenUserIdMapping] = Field(default_factory=list)
    invalid_userid_list: list[str] = Field(default_factory=list)
