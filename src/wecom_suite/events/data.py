"""Data-callback (数据回调) events, keyed by ``Event`` like internal apps' events.

Every class names the page it follows. Events WeCom sends on both the data URL and the instruction
URL with the same fields (``change_contact``, ``batch_job_result``, the customer-contact events,
``share_agent_change``) are not here: they parse into their instruction-event classes whatever the
URL (see ``parser.DUAL_SHAPE_EVENTS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..xml import XmlDict, XmlValue, as_list
from .base import DataEvent, Field, as_enum, decimal, integer, items, node, text
from .data_types import EventType
from .wire_enum import WireEnum

__all__ = [
    "ActiveRestoredEvent",
    "CalendarEvent",
    "ChangeAppAdminEvent",
    "CloseInactiveAgentEvent",
    "DataEvent",
    "DeleteCalendarEvent",
    "DeleteScheduleEvent",
    "DeviceAccess",
    "DeviceAccessControlDataReportEvent",
    "DeviceCheckin",
    "DeviceCheckinDataReportEvent",
    "DeviceDataReportEvent",
    "DeviceTemperature",
    "DeviceTemperatureDataReportEvent",
    "DocChangeEvent",
    "DocChangeType",
    "EnterAgentEvent",
    "InactiveAlertEvent",
    "KfAccountAuthChangeEvent",
    "KfMsgOrEvent",
    "LivingStatusChangeEvent",
    "LocationReportEvent",
    "LocationSelectEvent",
    "LowActiveAlertEvent",
    "LowActiveEvent",
    "MenuClickEvent",
    "MenuEvent",
    "MenuViewEvent",
    "MenuViewMiniprogramEvent",
    "ModifyCalendarEvent",
    "ModifyScheduleEvent",
    "OpenApprovalChangeEvent",
    "PicEvent",
    "PicPhotoOrAlbumEvent",
    "PicSysphotoEvent",
    "PicWeixinEvent",
    "ProgramNotifyEvent",
    "ReopenInactiveAgentEvent",
    "RespondScheduleEvent",
    "ScancodeEvent",
    "ScancodePushEvent",
    "ScancodeWaitmsgEvent",
    "ScheduleEvent",
    "SmartSheetChangeEvent",
    "SmartSheetChangeType",
    "SubscribeEvent",
    "SysApprovalChangeEvent",
    "TemplateCardEvent",
    "TemplateCardMenuEvent",
    "UnlicensedNotifyEvent",
    "UnsubscribeEvent",
]

_KEY: tuple[Field, ...] = (("event_key", "EventKey", text),)


class SubscribeEvent(DataEvent):
    """subscribe (成员关注): the member joined the app's visible range (or the company).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.SUBSCRIBE


class UnsubscribeEvent(DataEvent):
    """unsubscribe (取消关注): the member left the app's visible range (or was disabled).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.UNSUBSCRIBE


class EnterAgentEvent(DataEvent):
    """enter_agent (进入应用): a member opened the app; ``event_key`` is empty.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("event_key",)
    EVENT = EventType.ENTER_AGENT
    FIELDS = _KEY
    event_key: str


class LocationReportEvent(DataEvent):
    """LOCATION (上报地理位置): sent when a member who agreed enters the app session.

    ``latitude``/``longitude`` in degrees, ``precision`` in metres, ``app_type`` ``wxwork`` or ``wx``.
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("app_type", "latitude", "longitude", "precision")
    EVENT = EventType.LOCATION
    FIELDS = (
        ("latitude", "Latitude", decimal),
        ("longitude", "Longitude", decimal),
        ("precision", "Precision", decimal),
        ("app_type", "AppType", text),
    )
    latitude: float | None
    longitude: float | None
    precision: float | None
    app_type: str


class MenuEvent(DataEvent):
    """Base of the menu events (菜单事件): ``event_key`` is the menu item's key (or its URL / path)."""

    __slots__ = ("event_key",)
    FIELDS: ClassVar[tuple[Field, ...]] = _KEY
    event_key: str


class MenuClickEvent(MenuEvent):
    """click (点击菜单拉取消息): ``event_key`` is the clicked item's key; a passive reply may follow.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.CLICK


class MenuViewEvent(MenuEvent):
    """view (点击菜单跳转链接): ``event_key`` is the URL opened.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.VIEW


class MenuViewMiniprogramEvent(MenuEvent):
    """view_miniprogram (点击菜单跳转小程序): ``event_key`` is the mini-program page path.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.VIEW_MINIPROGRAM


class ScancodeEvent(MenuEvent):
    """Base of the scan-code menu events: ``scan_type`` (e.g. ``qrcode``) and ``scan_result`` (the text)."""

    __slots__ = ("scan_result", "scan_type")
    scan_type: str
    scan_result: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        info = node(raw.get("ScanCodeInfo"))
        self.scan_type = text(info.get("ScanType"))
        self.scan_result = text(info.get("ScanResult"))


class ScancodePushEvent(ScancodeEvent):
    """scancode_push (扫码推事件).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.SCANCODE_PUSH


class ScancodeWaitmsgEvent(ScancodeEvent):
    """scancode_waitmsg (扫码推事件且弹出“消息接收中”): the app may answer with a passive reply.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.SCANCODE_WAITMSG


class PicEvent(MenuEvent):
    """Base of the picture menu events: ``count`` pictures sent, ``pic_md5_sums`` one MD5 per picture."""

    __slots__ = ("count", "pic_md5_sums")
    count: int | None
    pic_md5_sums: tuple[str, ...]

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        info = node(raw.get("SendPicsInfo"))
        self.count = integer(info.get("Count"))
        sums: list[str] = []
        for entry in items(info.get("PicList")):
            md5 = text(node(entry).get("PicMd5Sum"))
            if md5:
                sums.append(md5)
        self.pic_md5_sums = tuple(sums)


class PicSysphotoEvent(PicEvent):
    """pic_sysphoto (弹出系统拍照发图).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.PIC_SYSPHOTO


class PicPhotoOrAlbumEvent(PicEvent):
    """pic_photo_or_album (弹出拍照或者相册发图).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.PIC_PHOTO_OR_ALBUM


class PicWeixinEvent(PicEvent):
    """pic_weixin (弹出微信相册发图器).

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.PIC_WEIXIN


class LocationSelectEvent(MenuEvent):
    """location_select (弹出地理位置选择器): the place the member picked.

    ``latitude``/``longitude`` in degrees (``Location_X``/``Location_Y``), ``scale`` the zoom,
    ``label`` the address, ``poiname`` the point of interest's name.
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("label", "latitude", "longitude", "poiname", "scale")
    EVENT = EventType.LOCATION_SELECT
    latitude: float | None
    longitude: float | None
    scale: int | None
    label: str
    poiname: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        info = node(raw.get("SendLocationInfo"))
        self.latitude = decimal(info.get("Location_X"))
        self.longitude = decimal(info.get("Location_Y"))
        self.scale = integer(info.get("Scale"))
        self.label = text(info.get("Label"))
        self.poiname = text(info.get("Poiname"))


class OpenApprovalChangeEvent(DataEvent):
    """open_approval_change (审批状态通知, 审批流程引擎): an approval the app started changed state.

    ``open_sp_status``: 1 审批中, 2 已通过, 3 已驳回, 4 已取消; ``approval_info`` is the whole
    ``ApprovalInfo`` element (nodes, notifiers) for what is not flattened here.
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = (
        "apply_time",
        "apply_user_id",
        "approval_info",
        "open_sp_name",
        "open_sp_status",
        "open_template_id",
        "third_no",
    )
    EVENT = EventType.OPEN_APPROVAL_CHANGE
    FIELDS = (("approval_info", "ApprovalInfo", node),)
    approval_info: XmlDict
    third_no: str
    open_sp_name: str
    open_template_id: str
    open_sp_status: int | None
    apply_time: int | None
    apply_user_id: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        info = self.approval_info
        self.third_no = text(info.get("ThirdNo"))
        self.open_sp_name = text(info.get("OpenSpName"))
        self.open_template_id = text(info.get("OpenTemplateId"))
        self.open_sp_status = integer(info.get("OpenSpStatus"))
        self.apply_time = integer(info.get("ApplyTime"))
        self.apply_user_id = text(info.get("ApplyUserId"))


class SysApprovalChangeEvent(DataEvent):
    """sys_approval_change (审批申请状态变化回调通知): an approval in WeCom's own 审批 app changed.

    Comes on the data URL (``MsgType=event``) and, for apps with approval permission, also on the
    instruction URL without an InfoType (``ToUserName``/``Event`` only): both shapes parse into this class.
    ``sp_status``: 1 审批中, 2 已通过, 3 已驳回, 4 已撤销, 6 通过后撤销, 7 已删除, 10 已支付;
    ``statu_change_event`` (sic) says what happened (1 提单, 2 同意, 3 驳回, ...).
    https://developer.work.weixin.qq.com/document/path/92633
    """

    __slots__ = (
        "apply_time",
        "applyer_user_id",
        "approval_info",
        "sp_name",
        "sp_no",
        "sp_status",
        "statu_change_event",
        "template_id",
    )
    EVENT = EventType.SYS_APPROVAL_CHANGE
    FIELDS = (("approval_info", "ApprovalInfo", node),)
    approval_info: XmlDict
    sp_no: str
    sp_name: str
    sp_status: int | None
    template_id: str
    apply_time: int | None
    applyer_user_id: str
    statu_change_event: int | None

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        info = self.approval_info
        self.sp_no = text(info.get("SpNo"))
        self.sp_name = text(info.get("SpName"))
        self.sp_status = integer(info.get("SpStatus"))
        self.template_id = text(info.get("TemplateId"))
        self.apply_time = integer(info.get("ApplyTime"))
        self.applyer_user_id = text(node(info.get("Applyer")).get("UserId"))
        self.statu_change_event = integer(info.get("StatuChangeEvent"))


def _selected(value: XmlValue | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``<SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>..`` -> ((key, (ids..)), ..)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for entry in items(value):
        item = node(entry)
        # The page's example spells it "OpitonIds"/"OpitonId" in places; accept both spellings.
        options = node(item.get("OptionIds") if "OptionIds" in item else item.get("OpitonIds"))
        ids = [v for v in items(options) if isinstance(v, str)]
        out.append((text(item.get("QuestionKey")), tuple(ids)))
    return tuple(out)


class TemplateCardEvent(DataEvent):
    """template_card_event (模板卡片事件): a member clicked a button of a template card the app sent.

    ``event_key`` is the button's key, ``task_id`` the card's, ``response_code`` lets the app update the
    card once (update_template_card, or a passive ``update_button`` reply); ``selected_items`` are the
    (question_key, option ids) choices of vote / multiple-choice cards.
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("card_type", "event_key", "response_code", "selected_items", "task_id")
    EVENT = EventType.TEMPLATE_CARD_EVENT
    FIELDS = (
        *_KEY,
        ("task_id", "TaskId", text),
        ("card_type", "CardType", text),
        ("response_code", "ResponseCode", text),
        ("selected_items", "SelectedItems", _selected),
    )
    event_key: str
    task_id: str
    card_type: str
    response_code: str
    selected_items: tuple[tuple[str, tuple[str, ...]], ...]


class TemplateCardMenuEvent(DataEvent):
    """template_card_menu_event (通用模板卡片右上角菜单事件): a member picked an item of a card's menu.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("card_type", "event_key", "response_code", "task_id")
    EVENT = EventType.TEMPLATE_CARD_MENU_EVENT
    FIELDS = (
        *_KEY,
        ("task_id", "TaskId", text),
        ("card_type", "CardType", text),
        ("response_code", "ResponseCode", text),
    )
    event_key: str
    task_id: str
    card_type: str
    response_code: str


class CloseInactiveAgentEvent(DataEvent):
    """close_inactive_agent (长期未使用应用临时停用): the company's app was paused for disuse.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.CLOSE_INACTIVE_AGENT


class ReopenInactiveAgentEvent(DataEvent):
    """reopen_inactive_agent (长期未使用应用重新启用): an admin re-enabled the paused app.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.REOPEN_INACTIVE_AGENT


# The four activity events below are listed on the third-party event page (事件格式, 90376) beside
# close_inactive_agent / reopen_inactive_agent. The copy of the official pages we could read shows their
# titles only; the Event values and the EffectTime element follow two independent transcriptions of the
# internal-app page (https://developer.work.weixin.qq.com/document/path/90240), see docs/callbacks.md.


class InactiveAlertEvent(DataEvent):
    """inactive_alert (长期未使用应用停用预警): the app will be paused for disuse at ``effect_time``.

    ``effect_time``: Unix seconds (``None`` when absent).
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("effect_time",)
    EVENT = EventType.INACTIVE_ALERT
    FIELDS = (("effect_time", "EffectTime", integer),)
    effect_time: int | None


class LowActiveAlertEvent(DataEvent):
    """low_active_alert (应用低活跃预警): the app will count as low-activity at ``effect_time``.

    ``effect_time``: Unix seconds (``None`` when absent).
    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ("effect_time",)
    EVENT = EventType.LOW_ACTIVE_ALERT
    FIELDS = (("effect_time", "EffectTime", integer),)
    effect_time: int | None


class LowActiveEvent(DataEvent):
    """low_active (低活跃应用): the app now counts as low-activity in this company.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.LOW_ACTIVE


class ActiveRestoredEvent(DataEvent):
    """active_restored (低活跃应用活跃恢复): the app is no longer low-activity.

    https://developer.work.weixin.qq.com/document/path/90376
    """

    __slots__ = ()
    EVENT = EventType.ACTIVE_RESTORED


class ChangeAppAdminEvent(DataEvent):
    """change_app_admin (应用管理员变更): call get_admin_list for the new list.

    https://developer.work.weixin.qq.com/document/path/95038
    """

    __slots__ = ()
    EVENT = EventType.CHANGE_APP_ADMIN


class UnlicensedNotifyEvent(DataEvent):
    """unlicensed_notify (接口许可失效通知): a member without an active interface license used the app.

    https://developer.work.weixin.qq.com/document/path/95716
    """

    __slots__ = ()
    EVENT = EventType.UNLICENSED_NOTIFY


class KfMsgOrEvent(DataEvent):
    """kf_msg_or_event (微信客服 接收消息和事件): new messages wait for ``open_kf_id``.

    Fetch them with kf/sync_msg, passing ``token`` (valid 10 minutes). The token is a credential: it is
    not in the repr.
    https://developer.work.weixin.qq.com/document/path/94699
    """

    __slots__ = ("open_kf_id", "token")
    EVENT = EventType.KF_MSG_OR_EVENT
    FIELDS = (("token", "Token", text), ("open_kf_id", "OpenKfId", text))
    token: str
    open_kf_id: str


def _strs(value: XmlValue | None) -> tuple[str, ...]:
    return tuple(v for v in as_list(value) if isinstance(v, str) and v)


class KfAccountAuthChangeEvent(DataEvent):
    """kf_account_auth_change (客服账号授权变更): customer-service accounts granted to / taken from the app.

    The element repeats once per account, so both attributes are tuples of open_kfid.
    https://developer.work.weixin.qq.com/document/path/97302
    """

    __slots__ = ("auth_add_open_kf_ids", "auth_del_open_kf_ids")
    EVENT = EventType.KF_ACCOUNT_AUTH_CHANGE
    FIELDS = (
        ("auth_add_open_kf_ids", "AuthAddOpenKfId", _strs),
        ("auth_del_open_kf_ids", "AuthDelOpenKfId", _strs),
    )
    auth_add_open_kf_ids: tuple[str, ...]
    auth_del_open_kf_ids: tuple[str, ...]


class LivingStatusChangeEvent(DataEvent):
    """living_status_change (直播回调事件): a live stream the app created changed state.

    ``status``: 0 预约中, 1 直播中, 2 已结束, 3 已过期, 4 已取消.
    https://developer.work.weixin.qq.com/document/path/94308
    """

    __slots__ = ("living_id", "status")
    EVENT = EventType.LIVING_STATUS_CHANGE
    FIELDS = (("living_id", "LivingId", text), ("status", "Status", integer))
    living_id: str
    status: int | None


# -- 日程 (calendar and schedule) events: only for calendars the app created through the oa/calendar API.
# Third-party and 代开发 apps receive them like internal apps do
# (https://developer.work.weixin.qq.com/document/path/96825), with the ids to read back with
# oa/calendar/get or oa/schedule/get.


class CalendarEvent(DataEvent):
    """Base of the 日程 events: ``cal_id`` is the calendar (日历ID) the app created.

    https://developer.work.weixin.qq.com/document/path/96825
    """

    __slots__ = ("cal_id",)
    FIELDS: ClassVar[tuple[Field, ...]] = (("cal_id", "CalId", text),)
    cal_id: str


class ModifyCalendarEvent(CalendarEvent):
    """modify_calendar (修改日历事件): an admin of the calendar changed it; read it again with its ``cal_id``.

    https://developer.work.weixin.qq.com/document/path/97730
    """

    __slots__ = ()
    EVENT = EventType.MODIFY_CALENDAR


class DeleteCalendarEvent(CalendarEvent):
    """delete_calendar (删除日历事件): an admin deleted a calendar the app created; forget its ``cal_id``.

    The calendar callbacks' overview lists it beside modify_calendar with the same fields (its own
    example page was not readable here; wechatpy parses it the same way).
    https://developer.work.weixin.qq.com/document/path/96825
    """

    __slots__ = ()
    EVENT = EventType.DELETE_CALENDAR


class ScheduleEvent(CalendarEvent):
    """Base of the events about one schedule (日程) in the app's calendar: ``cal_id`` and ``schedule_id``.

    https://developer.work.weixin.qq.com/document/path/96825
    """

    __slots__ = ("schedule_id",)
    FIELDS: ClassVar[tuple[Field, ...]] = (*CalendarEvent.FIELDS, ("schedule_id", "ScheduleId", text))
    schedule_id: str


class ModifyScheduleEvent(ScheduleEvent):
    """modify_schedule (修改日程事件): the schedule's admin changed a schedule the app created.

    ``from_user_name`` is the member who changed it.
    https://developer.work.weixin.qq.com/document/path/97731
    """

    __slots__ = ()
    EVENT = EventType.MODIFY_SCHEDULE


class DeleteScheduleEvent(ScheduleEvent):
    """delete_schedule (删除日程事件): a schedule was deleted from a calendar the app created.

    https://developer.work.weixin.qq.com/document/path/97732
    """

    __slots__ = ()
    EVENT = EventType.DELETE_SCHEDULE


class RespondScheduleEvent(ScheduleEvent):
    """respond_schedule (日程回执事件): an attendee accepted, marked tentative or declined the schedule.

    ``from_user_name`` is the attendee; the answer itself is read with oa/schedule/get.
    https://developer.work.weixin.qq.com/document/path/98111
    """

    __slots__ = ()
    EVENT = EventType.RESPOND_SCHEDULE


# -- 文档 (documents): changes to documents, forms and smart sheets the app created through the wedoc API.


class SmartSheetChangeType(WireEnum):
    """``ChangeType`` of smart_sheet_change; later kinds stay plain strings.

    ``add_filed`` / ``update_filed`` are WeCom's spelling (sic) of "field".
    https://developer.work.weixin.qq.com/document/path/101016 (fields) and /101019 (records)
    """

    ADD_RECORD = "add_record"
    UPDATE_RECORD = "update_record"
    ADD_FILED = "add_filed"
    UPDATE_FILED = "update_filed"


def _repeated(value: XmlValue | None) -> tuple[str, ...]:
    """A repeated sibling element (``<RecordId>a</RecordId><RecordId>b</RecordId>``) as a tuple."""
    return tuple(v for v in as_list(value) if isinstance(v, str) and v)


class SmartSheetChangeEvent(DataEvent):
    """smart_sheet_change (智能表格变更): a member changed records or fields of a smart sheet the app created.

    ``change_type`` tells which (``add_record``, ``update_record``, ``add_filed``, ...); ``doc_id`` and
    ``sheet_id`` name the sheet; ``record_ids`` / ``field_ids`` are the changed ids (at most 1000 per
    callback: WeCom splits larger changes). ``from_user_name`` is a userid, or a tmp_external_userid for
    someone outside the company.
    https://developer.work.weixin.qq.com/document/path/101016 (fields) and
    https://developer.work.weixin.qq.com/document/path/101019 (records)
    """

    __slots__ = ("doc_id", "field_ids", "record_ids", "sheet_id")
    EVENT = EventType.SMART_SHEET_CHANGE
    FIELDS = (
        ("doc_id", "DocId", text),
        ("sheet_id", "SheetId", text),
        ("record_ids", "RecordId", _repeated),
        ("field_ids", "FieldId", _repeated),
    )
    doc_id: str
    sheet_id: str
    record_ids: tuple[str, ...]
    field_ids: tuple[str, ...]

    @property
    def change_type(self) -> SmartSheetChangeType | str:
        return as_enum(SmartSheetChangeType, text(self.raw.get("ChangeType")))


class DocChangeType(WireEnum):
    """``ChangeType`` of doc_change, one per page of the 文档 callbacks; other kinds stay plain strings.

    https://developer.work.weixin.qq.com/document/path/97837 (``delete_doc``), /97835 (``form_complete``),
    /98095 (``delete_form``) and /98096 (``form_settings_change``). The member-change event
    (修改文档成员事件) shares the Event, but its example was not readable, so its kind is not listed.
    """

    DELETE_DOC = "delete_doc"
    FORM_COMPLETE = "form_complete"
    DELETE_FORM = "delete_form"
    FORM_SETTINGS_CHANGE = "form_settings_change"


class DocChangeEvent(DataEvent):
    """doc_change (文档变更): a document, table or 收集表 (form) the app created through the API changed.

    ``change_type`` says what happened: ``delete_doc`` (an admin deleted documents or tables: ``doc_ids``),
    ``form_complete`` (a member filled in a form), ``delete_form`` and ``form_settings_change`` (an admin
    deleted a form, or changed its admins, collection range or other settings): ``form_ids``. Each id
    element repeats once per id without a wrapper; an absent one gives an empty tuple. ``from_user_name``
    is the member who acted.
    https://developer.work.weixin.qq.com/document/path/97837 (删除文档事件),
    https://developer.work.weixin.qq.com/document/path/97835 (收集表完成事件),
    https://developer.work.weixin.qq.com/document/path/98095 (删除收集表事件),
    https://developer.work.weixin.qq.com/document/path/98096 (修改收集表设置事件)
    """

    __slots__ = ("doc_ids", "form_ids")
    EVENT = EventType.DOC_CHANGE
    FIELDS = (("doc_ids", "DocId", _repeated), ("form_ids", "FormId", _repeated))
    doc_ids: tuple[str, ...]
    form_ids: tuple[str, ...]

    @property
    def change_type(self) -> DocChangeType | str:
        return as_enum(DocChangeType, text(self.raw.get("ChangeType")))


class ProgramNotifyEvent(DataEvent):
    """program_notify (应用接收专区通知): a program in the data zone (数据与智能专区) called the app.

    Comes on the data URL (``from_user_name`` is ``sys``). ``notify_id`` (≤ 128 bytes, valid 10 minutes)
    is passed back when the app calls the zone program; ``notify_scene`` is the scene the program named.
    https://developer.work.weixin.qq.com/document/path/101389
    """

    __slots__ = ("notify_id", "notify_scene")
    EVENT = EventType.PROGRAM_NOTIFY
    FIELDS = (("notify_id", "NotifyId", text), ("notify_scene", "NotifyScene", integer))
    notify_id: str
    notify_scene: int | None


# -- 智慧硬件 (smart hardware): raw data from devices a company let the app read, on the data URL.
# https://developer.work.weixin.qq.com/document/path/97214 (clock-ins), /97215 (door access), /97216 (temperature)


@dataclass(frozen=True, slots=True)
class DeviceCheckin:
    """One clock-in of a device_checkin_data_report.

    ``user_type`` 0 = member, 1 = visitor, 2 = student; ``checkin_time`` in Unix seconds. Integers that
    are missing or not numbers are ``None``.
    """

    open_userid: str
    user_type: int | None
    checkin_time: int | None


@dataclass(frozen=True, slots=True)
class DeviceAccess:
    """One pass through a door of a device_accesscontrol_data_report.

    ``user_type`` 0 = member, 1 = visitor, 2 = student; ``timestamp`` in Unix seconds; ``pass_type``
    1 = in, 2 = out, 3 = direction unknown; ``pass_method`` 1 = face, 2 = QR code, 3 = remote opening,
    4 = fingerprint.
    """

    open_userid: str
    user_type: int | None
    timestamp: int | None
    pass_type: int | None
    pass_method: int | None


@dataclass(frozen=True, slots=True)
class DeviceTemperature:
    """One measurement of a device_temperature_data_report.

    ``temperature`` in degrees Celsius (sent as text, ``None`` when not a number); ``status`` 0 = normal,
    1 = fever, 2 = too low (the values of the device's upload API,
    https://developer.work.weixin.qq.com/document/path/95986); ``timestamp`` in Unix seconds.
    """

    open_userid: str
    user_type: int | None
    timestamp: int | None
    temperature: float | None
    status: int | None


def _records(raw: XmlDict, *tags: str) -> list[XmlDict]:
    """The ``<Item>`` dicts of the first list element present among ``tags`` (in order), else none."""
    for tag in tags:
        if tag in raw:
            return [node(entry) for entry in items(raw[tag])]
    return []


class DeviceDataReportEvent(DataEvent):
    """Base of the raw device-data reports (智慧硬件 原始数据回调): ``device_sn`` and the records.

    WeCom sends them to the data URL when the company granted the app a device's raw data, for the
    members in the app's visible range; ``from_user_name`` is ``sys``. The envelope carries ``TimeStamp``
    (``timestamp``) instead of ``CreateTime``, so ``create_time`` is 0. Answer within 1000 ms.
    https://developer.work.weixin.qq.com/document/path/97214
    """

    __slots__ = ("device_sn",)
    FIELDS: ClassVar[tuple[Field, ...]] = (("device_sn", "DeviceSn", text),)
    device_sn: str


class DeviceCheckinDataReportEvent(DeviceDataReportEvent):
    """device_checkin_data_report (考勤打卡原始数据回调): an attendance device reported clock-ins.

    ``checkins`` in the order sent. The page's example spells the list ``CheckInDataList`` and its field
    table ``CheckinDataList``: both are read.
    https://developer.work.weixin.qq.com/document/path/97214
    """

    __slots__ = ("checkins",)
    EVENT = EventType.DEVICE_CHECKIN_DATA_REPORT
    checkins: tuple[DeviceCheckin, ...]

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        self.checkins = tuple(
            DeviceCheckin(
                open_userid=text(record.get("OpenUserId")),
                user_type=integer(record.get("UserType")),
                checkin_time=integer(record.get("CheckinTime")),
            )
            for record in _records(raw, "CheckInDataList", "CheckinDataList")
        )


class DeviceAccessControlDataReportEvent(DeviceDataReportEvent):
    """device_accesscontrol_data_report (门禁通行原始数据回调): a door-access device reported passes.

    ``accesses`` in the order sent (``AccessDataList``).
    https://developer.work.weixin.qq.com/document/path/97215
    """

    __slots__ = ("accesses",)
    EVENT = EventType.DEVICE_ACCESSCONTROL_DATA_REPORT
    accesses: tuple[DeviceAccess, ...]

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        self.accesses = tuple(
            DeviceAccess(
                open_userid=text(record.get("OpenUserId")),
                user_type=integer(record.get("UserType")),
                timestamp=integer(record.get("TimeStamp")),
                pass_type=integer(record.get("PassType")),
                pass_method=integer(record.get("PassMethod")),
            )
            for record in _records(raw, "AccessDataList")
        )


class DeviceTemperatureDataReportEvent(DeviceDataReportEvent):
    """device_temperature_data_report (体温检测原始数据回调): a thermometer device reported measurements.

    ``temperatures`` in the order sent (``TemperatureDataList``).
    https://developer.work.weixin.qq.com/document/path/97216
    """

    __slots__ = ("temperatures",)
    EVENT = EventType.DEVICE_TEMPERATURE_DATA_REPORT
    temperatures: tuple[DeviceTemperature, ...]

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        self.temperatures = tuple(
            DeviceTemperature(
                open_userid=text(record.get("OpenUserId")),
                user_type=integer(record.get("UserType")),
                timestamp=integer(record.get("TimeStamp")),
                temperature=decimal(record.get("Temperature")),
                status=integer(record.get("Status")),
            )
            for record in _records(raw, "TemperatureDataList")
        )
