"""Legacy 企业号 suite agent APIs (``service/get_agent`` / ``service/set_agent``), as in the seed."""

from __future__ import annotations

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = ["AgentAllowParties", "AgentAllowTags", "AgentAllowUsers", "AgentInfo", "AgentInfoUser",
           "SetAgentParameters"]


class AgentInfoUser(WeComModel):
    user_id: str = Field(validation_alias="userid", serialization_alias="userid")
    status: int = 0


class AgentAllowUsers(WeComModel):
    users: list[AgentInfoUser] = Field(default_factory=list, validation_alias="user", serialization_alias="user")


class AgentAllowParties(WeComModel):
    party_ids: list[int] = Field(default_factory=list, validation_alias="partyid", serialization_alias="partyid")


class AgentAllowTags(WeComModel):
    tag_ids: list[int] = Field(default_factory=list, validation_alias="tagid", serialization_alias="tagid")


class AgentInfo(ApiResult):
    """``service/get_agent`` (the seed's AgentInfo)."""

    agent_id: int = Field(validation_alias="agentid", serialization_alias="agentid")
    name: str = ""
    square_logo_url: str = ""
    round_logo_url: str = ""
    description: str = ""
    allow_userinfos: AgentAllowUsers = Field(default_factory=AgentAllowUsers)
    allow_partys: AgentAllowParties = Field(default_factory=AgentAllowParties)
    allow_tags: AgentAllowTags = Field(default_factory=AgentAllowTags)
    close: int = 0
    redirect_domain: str = ""
    report_location_flag: int = 0
    is_report_user: int = Field(default=0, validation_alias="isreportuser", serialization_alias="isreportuser")
    is_report_enter: int = Field(default=0, validation_alias="isreportenter", serialization_alias="isreportenter")


class SetAgentParameters(WeComModel):
    """The ``agent`` object of ``service/set_agent`` (the seed's SetAgentParameters); unset fields are
    not sent."""

    agent_id: int = Field(validation_alias="agentid", serialization_alias="agentid")
    report_location_flag: int | None = None
    logo_media_id: str | None = Field(default=None, validation_alias="logo_mediaid", serialization_alias="logo_mediaid")
    name: str | None = None
    description: str | None = None
    redirect_domain: str | None = None
    is_report_user: int | None = Field(
        default=None, validation_alias="isreportuser", serialization_alias="isreportuser"
    )
    is_report_enter: int | None = Field(
        default=None, validation_alias="isreportenter", serialization_alias="isreportenter"
    )
    home_url: str | None = None

    def to_json(self) -> dict[str, object]:
        return self.model_dump(by_alias=True, exclude_none=True)
