"""Interface licenses (接口许可, ``/cgi-bin/license/*``): the answers of every license API, typed.

Shapes follow the official pages, https://developer.work.weixin.qq.com/document/path/NNNNN with the
number each class names (95644 is the first of them, 下单购买账号). Times are Unix seconds, prices
fen (分). Unknown fields are kept in ``model_extra``; items of batch answers carry their own
``errcode`` (0 = that item succeeded).
"""

from __future__ import annotations

from pydantic import Field

from .base import ApiResult, WeComModel

__all__ = [
    "AccountBalance",
    "ActiveCodeResult",
    "ActiveInfo",
    "ActiveInfoByCode",
    "ActiveInfoByUser",
    "ActiveInfoList",
    "ActivedAccount",
    "ActivedAccountList",
    "AppLicenseInfo",
    "AutoActiveStatus",
    "BatchActiveResult",
    "CorpFailure",
    "InvalidRenewAccount",
    "LicenseAccountCount",
    "LicenseDuration",
    "LicenseJob",
    "LicenseOrderAccount",
    "LicenseOrderAccounts",
    "LicenseOrderCreated",
    "LicenseOrderDetail",
    "LicenseOrderInfo",
    "LicenseOrderList",
    "LicenseOrderSummary",
    "NewOrderJob",
    "NewOrderJobResult",
    "PayJobFailure",
    "PayJobResult",
    "RenewOrderJob",
    "ShareActiveCodeResult",
    "ShareResult",
    "TransferResult",
    "TransferResults",
    "TrialInfo",
    "UnionBuyInfo",
    "UnionOrder",
    "UnionOrderDetail",
]


class LicenseAccountCount(WeComModel):
    """``account_count``: how many base (基础账号) and external-contact (互通账号) accounts."""

    base_count: int = 0
    external_contact_count: int = 0


class LicenseDuration(WeComModel):
    """``account_duration``: total days = months × 31 + days."""

    months: int = 0
    days: int = 0
    new_expire_time: int = 0  # renewals to a fixed date (指定过期时间续期) only


class CorpFailure(WeComModel):
    """One company a multi-company job refused, with the reason."""

    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    errcode: int = 0
    errmsg: str = ""


# ---------------------------------------------------------------------- orders
class LicenseOrderCreated(ApiResult):
    """``create_new_order`` / ``submit_order_job``: the new unpaid order (docs 95644, 95646)."""

    order_id: str


class InvalidRenewAccount(WeComModel):
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    type: int = 0
    errcode: int = 0
    errmsg: str = ""


class RenewOrderJob(ApiResult):
    """``create_renew_order_job``: the renewal job and the accounts it refused (doc 95646)."""

    jobid: str
    invalid_account_list: list[InvalidRenewAccount] = Field(default_factory=list)


class LicenseOrderSummary(WeComModel):
    order_id: str
    order_type: int = 0  # 1 new purchase, 2 renewal, 8 multi-company new purchase (多企业新购)


class LicenseOrderList(ApiResult):
    """``list_order``: one page of orders (doc 95647)."""

    next_cursor: str = ""
    has_more: int = 0
    order_list: list[LicenseOrderSummary] = Field(default_factory=list)


class LicenseOrderDetail(WeComModel):
    """``order`` of ``get_order``. ``order_status``: 0 unpaid, 1 paid, 2 cancelled (unpaid, closed),
    3 unpaid and expired; WeCom documents further refund states (doc 95648)."""

    order_id: str
    order_type: int = 0
    order_status: int = 0
    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    price: int = 0
    account_count: LicenseAccountCount = Field(default_factory=LicenseAccountCount)
    account_duration: LicenseDuration = Field(default_factory=LicenseDuration)
    create_time: int = 0
    pay_time: int = 0


class LicenseOrderInfo(ApiResult):
    """``get_order`` (doc 95648)."""

    order: LicenseOrderDetail


class LicenseOrderAccount(WeComModel):
    active_code: str
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    type: int = 0  # 1 base (基础账号), 2 external contact (互通账号)


class LicenseOrderAccounts(ApiResult):
    """``list_order_account``: the active codes an order bought (empty until paid; doc 95649)."""

    next_cursor: str = ""
    has_more: int = 0
    account_list: list[LicenseOrderAccount] = Field(default_factory=list)


class NewOrderJob(ApiResult):
    """``create_new_order_job`` / ``submit_new_order_job``: the multi-company purchase job (doc 98887)."""

    jobid: str
    invalid_list: list[CorpFailure] = Field(default_factory=list)


class NewOrderJobResult(ApiResult):
    """``new_order_job_result``. ``status``: 1 order created, 2 still creating (ask again), 3 failed."""

    status: int = 0
    order_id: str = ""
    fail_list: list[CorpFailure] = Field(default_factory=list)


class UnionOrderDetail(WeComModel):
    order_id: str
    order_type: int = 8
    order_status: int = 0
    price: int = 0
    create_time: int = 0
    pay_time: int = 0


class UnionBuyInfo(WeComModel):
    """One company of a multi-company order; ``sub_order_id`` works with ``list_order_account``."""

    sub_order_id: str
    corp_id: str = Field(default="", validation_alias="corpid", serialization_alias="corpid")
    account_count: LicenseAccountCount = Field(default_factory=LicenseAccountCount)
    account_duration: LicenseDuration = Field(default_factory=LicenseDuration)


class UnionOrder(ApiResult):
    """``get_union_order``: a multi-company order and one page of its companies (doc 98888)."""

    order: UnionOrderDetail
    has_more: int = 0
    next_cursor: str = ""
    buy_list: list[UnionBuyInfo] = Field(default_factory=list)


class LicenseJob(ApiResult):
    """``submit_pay_job``: the id of the asynchronous balance payment (余额支付, doc 99420)."""

    jobid: str


class PayJobFailure(WeComModel):
    errcode: int = 0
    errmsg: str = ""
    fail_corp_list: list[CorpFailure] = Field(default_factory=list)


class PayJobResult(ApiResult):
    """``pay_job_result``. ``status``: 1 paid, 2 still paying (ask again), 3 failed — the top-level
    errcode is 0 even when the payment failed; ``pay_job_result`` says why (doc 99420)."""

    status: int = 0
    pay_job_result: PayJobFailure | None = None

    @property
    def paid(self) -> bool:
        return self.status == 1


# ---------------------------------------------------------------------- accounts
class ActiveCodeResult(WeComModel):
    active_code: str
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    errcode: int = 0


class BatchActiveResult(ApiResult):
    """``batch_active_account``: one errcode per code (doc 95553)."""

    active_result: list[ActiveCodeResult] = Field(default_factory=list)


class ActiveInfo(WeComModel):
    """An account behind an active code. ``status``: 1 unbound, 2 bound and valid, 3 expired; WeCom
    documents further states (transfer, merge, sharing) that the sandbox does not produce (doc 95552)."""

    active_code: str
    type: int = 0
    status: int = 0
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    create_time: int = 0
    active_time: int = 0
    expire_time: int = 0


class ActiveInfoByCode(ApiResult):
    """``get_active_info_by_code`` (doc 95552)."""

    active_info: ActiveInfo


class ActiveInfoList(ApiResult):
    """``batch_get_active_info_by_code`` (doc 95552)."""

    active_info_list: list[ActiveInfo] = Field(default_factory=list)
    invalid_active_code_list: list[str] = Field(default_factory=list)


class ActivedAccount(WeComModel):
    user_id: str = Field(default="", validation_alias="userid", serialization_alias="userid")
    type: int = 0
    active_time: int = 0
    expire_time: int = 0


class ActivedAccountList(ApiResult):
    """``list_actived_account``: one page of a company's active accounts (doc 95544)."""

    next_cursor: str = ""
    has_more: int = 0
    account_list: list[ActivedAccount] = Field(default_factory=list)


class ActiveInfoByUser(ApiResult):
    """``get_active_info_by_user``: ``active_status`` 1 when the member holds an account (doc 95555)."""

    active_status: int = 0
    active_info_list: list[ActiveInfo] = Field(default_factory=list)


class TransferResult(WeComModel):
    handover_userid: str = ""
    takeover_userid: str = ""
    errcode: int = 0


class TransferResults(ApiResult):
    """``batch_transfer_license`` (帐号继承): one errcode per handover (doc 95673)."""

    transfer_result: list[TransferResult] = Field(default_factory=list)


class ShareResult(WeComModel):
    active_code: str
    errcode: int = 0
    errmsg: str = ""


class ShareActiveCodeResult(ApiResult):
    """``batch_share_active_code``: only the codes that could not be given to the downstream company, one
    errcode each; an empty ``share_result`` means every code moved (doc 96059 / 97193)."""

    share_result: list[ShareResult] = Field(default_factory=list)


class AccountBalance(ApiResult):
    """``service/get_account_balance`` (充值账户余额查询): the provider's prepaid balance, in fen (分),
    which balance payment (``submit_pay_job``) draws from (doc 100137)."""

    balance: int = 0


# ---------------------------------------------------------------------- app state
class TrialInfo(WeComModel):
    start_time: int = 0
    end_time: int = 0


class AppLicenseInfo(ApiResult):
    """``get_app_license_info``. ``license_status``: 0 license checks off (an unmigrated historic
    authorisation), 1 on — past the trial, members need accounts (doc 95844).
    WeCom spells the trial field ``trail_info``; ``trial_info`` reads it."""

    license_status: int = 0
    trial_info: TrialInfo = Field(
        default_factory=TrialInfo, validation_alias="trail_info", serialization_alias="trail_info"
    )
    license_check_time: int = 0


class AutoActiveStatus(ApiResult):
    """``get_auto_active_status``: 1 when new members get an account automatically (doc 95874)."""

    auto_active_status: int = 0
