"""ID conversion answers (ID 转换): corp, user, customer, tag and 微信客服 ids as a provider sees them, and
the contact id translation job (通讯录ID转译)."""

from __future__ import annotations

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = [
    "BatchJobOutput",
    "BatchJobResult",
    "ContactIdTranslateJob",
    "CorpExternalUserId",
    "ExternalTagIdList",
    "ExternalTagIdMapping",
    "ExternalUserIdInfo3rd",
    "NewExternalUserId",
    "NewExternalUserIdList",
    "OpenCorpId",
    "OpenKfIdList",
    "OpenKfIdMapping",
    "OpenUserIdList",
    "OpenUserIdMapping",
    "PendingIdList",
    "PendingIdMapping",
    "ServiceExternalUserId",
    "TmpExternalUserIdList",
    "TmpExternalUserIdMapping",
    "TranslatedFile",
    "UnionIdConversion",
    "UserIdList",
    "UserIdMapping",
]


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


class UserIdMapping(WeComModel):
    open_userid: str
    user_id: str = Field(validation_alias="userid", serialization_alias="userid")


class UserIdList(ApiResult):
    """``batch/openuserid_to_userid``: open_userid back to the company's own userid
    (https://developer.work.weixin.qq.com/document/path/95884)."""

    user_id_list: list[UserIdMapping] = Field(
        default_factory=list, validation_alias="userid_list", serialization_alias="userid_list"
    )
    invalid_open_userid_list: list[str] = Field(default_factory=list)


class NewExternalUserId(WeComModel):
    external_userid: str
    new_external_userid: str


class NewExternalUserIdList(ApiResult):
    """``externalcontact/get_new_external_userid`` and its group-chat variant: the company-subject
    external_userid → the provider-subject one; an id already provider-subject comes back unchanged
    (https://developer.work.weixin.qq.com/document/path/97107)."""

    items: list[NewExternalUserId] = Field(default_factory=list)


class CorpExternalUserId(WeComModel):
    corp_id: str = Field(validation_alias="corpid", serialization_alias="corpid")
    external_userid: str


class ExternalUserIdInfo3rd(ApiResult):
    """``service/externalcontact/unionid_to_external_userid_3rd``: the external_userid of a WeChat user in
    each company that has them as a customer (https://developer.work.weixin.qq.com/document/path/95878)."""

    external_userid_info: list[CorpExternalUserId] = Field(default_factory=list)


class UnionIdConversion(ApiResult):
    """``idconvert/unionid_to_external_userid``: ``external_userid`` when the WeChat user is already the
    company's customer, else a ``pending_id`` valid 90 days (https://developer.work.weixin.qq.com/document/path/97108)."""

    external_userid: str = ""
    pending_id: str = ""


class PendingIdMapping(WeComModel):
    external_userid: str
    pending_id: str = ""


class PendingIdList(ApiResult):
    """``idconvert/batch/external_userid_to_pending_id``: ties new customers back to unionids asked about
    earlier (https://developer.work.weixin.qq.com/document/path/97108)."""

    result: list[PendingIdMapping] = Field(default_factory=list)


class ExternalTagIdMapping(WeComModel):
    external_tagid: str
    open_external_tagid: str


class ExternalTagIdList(ApiResult):
    """``idconvert/external_tagid``: customer tag (group) ids, company subject → provider subject
    (https://developer.work.weixin.qq.com/document/path/96169)."""

    items: list[ExternalTagIdMapping] = Field(default_factory=list)
    invalid_external_tagid_list: list[str] = Field(default_factory=list)


class OpenKfIdMapping(WeComModel):
    open_kfid: str
    new_open_kfid: str


class OpenKfIdList(ApiResult):
    """``idconvert/open_kfid``: 微信客服 account ids, company subject → provider subject
    (https://developer.work.weixin.qq.com/document/path/97110)."""

    items: list[OpenKfIdMapping] = Field(default_factory=list)
    invalid_open_kfid_list: list[str] = Field(default_factory=list)


class ContactIdTranslateJob(ApiResult):
    """``service/contact/id_translate``: the asynchronous job's id (≤ 64 bytes) for ``service/batch/getresult``
    (https://developer.work.weixin.qq.com/document/path/91846)."""

    jobid: str


class TranslatedFile(WeComModel):
    url: str = ""


class BatchJobOutput(WeComModel):
    contact_id_translate: TranslatedFile | None = None


class BatchJobResult(ApiResult):
    """``service/batch/getresult``. ``status``: 1 started, 2 running, 3 done; when done, ``url`` is the
    translated file, valid 24 hours and opened by a signed-in member (https://developer.work.weixin.qq.com/document/path/91882)."""

    status: int = 0
    type: str = ""
    result: BatchJobOutput = Field(default_factory=BatchJobOutput)

    @property
    def url(self) -> str:
        """The translated file's URL once ``status`` is 3, else ""."""
        return self.result.contact_id_translate.url if self.result.contact_id_translate else ""


class TmpExternalUserIdMapping(WeComModel):
    """One converted temporary id: ``external_userid`` for a customer (user_type 1); ``corp_id`` +
    ``user_id`` for members of linked companies (user_type 2-4)."""

    tmp_external_userid: str
    external_userid: str = ""
    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")


class TmpExternalUserIdList(ApiResult):
    """``idconvert/convert_tmp_external_userid``: temporary ids from meetings (business_type 1), forms (2)
    or smart sheets (3) turned into lasting ones (https://developer.work.weixin.qq.com/document/path/98729)."""

    results: list[TmpExternalUserIdMapping] = Field(default_factory=list)
    invalid_tmp_external_userid_list: list[str] = Field(default_factory=list)


class ServiceExternalUserId(ApiResult):
    """``externalcontact/to_service_external_userid`` (代开发 token): the third-party app's external_userid
    of the same customer (https://developer.work.weixin.qq.com/document/path/95195)."""

    external_userid: str
