"""Request builders for the suite- and provider-level ID conversions (ID 转换) and the contact id
translation job (通讯录ID转译); :class:`~wecom_suite.api.suite_calls.SuiteCalls` inherits them. The
conversions that use a company's own token live in :mod:`.corp_calls`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import endpoints as ep
from .endpoint_spec import ApiCall, builds
from .models import ApiResult, BatchJobResult, ContactIdTranslateJob, ExternalUserIdInfo3rd

__all__ = ["IdConvertCalls"]


class IdConvertCalls:
    """A mixin of ``SuiteCalls``; needs no state of its own."""

    __slots__ = ()

    @builds(ep.UNIONID_TO_EXTERNAL_USERID_3RD)
    def unionid_to_external_userid_3rd(
        self, unionid: str, openid: str, *, corp_id: str | None = None
    ) -> ApiCall[ExternalUserIdInfo3rd]:
        """第三方主体unionid转换为第三方external_userid (suite token): the WeChat user's external_userid in every
        authorising company that has them as a customer, or only in ``corp_id`` (faster; required for group
        chats). Rate-limited per provider, so call it on a user's action, never in bulk."""
        body = {"unionid": unionid, "openid": openid}
        if corp_id is not None:
            body["corpid"] = corp_id
        return ApiCall(ep.UNIONID_TO_EXTERNAL_USERID_3RD, body=body)

    @builds(ep.FINISH_EXTERNAL_USERID_MIGRATION)
    def finish_external_userid_migration(self, corp_id: str) -> ApiCall[ApiResult]:
        """设置迁移完成 (provider token): from now on the company's customers are known to the provider only
        by provider-subject external_userids, and ``get_new_external_userid`` is refused for it."""
        return ApiCall(ep.FINISH_EXTERNAL_USERID_MIGRATION, body={"corpid": corp_id})

    @builds(ep.FINISH_OPENID_MIGRATION)
    def finish_openid_migration(
        self, corp_id: str, openid_types: Iterable[int], *, agent_id: int | None = None
    ) -> ApiCall[ApiResult]:
        """ID迁移完成状态的设置 (provider token): the company's apps get the upgraded ids from now on.
        ``openid_types``: 1 = userid and corpid (always together), 3 = external ids (external_userid; for
        代开发 also external_tagid, kfid and msgid). Without ``agent_id`` it applies to every third-party app
        of this provider in the company; with it, to that 代开发 app only. Not needed for a company that
        authorised the app after the upgrade (代开发: see docs/protocol.md)."""
        body: dict[str, Any] = {"corpid": corp_id, "openid_type": list(openid_types)}
        if agent_id is not None:
            body["agentid"] = agent_id
        return ApiCall(ep.FINISH_OPENID_MIGRATION, body=body)

    @builds(ep.CONTACT_ID_TRANSLATE)
    def contact_id_translate(
        self, corp_id: str, media_ids: Iterable[str], *, output_file_name: str | None = None,
        output_file_format: str | None = None,
    ) -> ApiCall[ContactIdTranslateJob]:
        """异步通讯录id转译 (provider token): files uploaded with ``service/media/upload`` (≤ 20; xls/xlsx,
        doc/docx, csv, txt) get the company's userids and department ids replaced by names. Name the output
        (no suffix) when sending more than one file; ``output_file_format="pdf"`` converts. The job's
        end is pushed as ``batch_job_result``; read it with :meth:`get_batch_result`."""
        body: dict[str, object] = {"auth_corpid": corp_id, "media_id_list": list(media_ids)}
        if output_file_name is not None:
            body["output_file_name"] = output_file_name
        if output_file_format is not None:
            body["output_file_format"] = output_file_format
        return ApiCall(ep.CONTACT_ID_TRANSLATE, body=body)

    @builds(ep.SERVICE_BATCH_GETRESULT)
    def get_batch_result(self, jobid: str) -> ApiCall[BatchJobResult]:
        """获取异步任务结果 (provider token, GET): ``status`` 3 and ``url`` once the translation is done."""
        return ApiCall(ep.SERVICE_BATCH_GETRESULT, params={"jobid": jobid})
