"""Data-URL (数据回调) messages and events: each parsed from XML shaped like the official page's example.

The ids and values are made up; the element names, nesting and CDATA/bare-integer style follow
https://developer.work.weixin.qq.com/document/path/90375 (messages) and /90376 (events) and the pages
each event class cites.
"""

from __future__ import annotations

import pytest

from wecom_suite import events as ev
from wecom_suite.events import DATA_EVENT_CLASSES, MESSAGE_CLASSES, EventType, MsgType, parse_event

CORP = "wwcorp0000000001"
HEAD = (
    f"<ToUserName><![CDATA[{CORP}]]></ToUserName>"
    "<FromUserName><![CDATA[lily.chen]]></FromUserName>"
    "<CreateTime>1712000000</CreateTime>"
)


def doc(body: str, *, agent: bool = True) -> str:
    return f"<xml>{HEAD}{body}{'<AgentID>1000005</AgentID>' if agent else ''}</xml>"


def event_doc(name: str, body: str = "") -> str:
    return doc(f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>{body}")


def check_envelope(event: ev.DataEvent, key: str) -> None:
    assert event.info_type == key
    assert event.auth_corp_id == event.to_user_name == CORP
    assert event.from_user_name == "lily.chen"
    assert event.create_time == event.timestamp == 1712000000


# -- messages (https://developer.work.weixin.qq.com/document/path/90375) ----------------------------


def test_text_message() -> None:
    msg = parse_event(
        doc("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 <b>]]></Content><MsgId>9876543210123456</MsgId>")
    )
    assert type(msg) is ev.TextMessageEvent
    check_envelope(msg, "text")
    assert (msg.content, msg.msg_id, msg.agent_id) == ("你好 <b>", 9876543210123456, 1000005)


def test_image_message() -> None:
    msg = parse_event(
        doc(
            "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://pic.example/a.jpg]]></PicUrl>"
            "<MediaId><![CDATA[media-img-1]]></MediaId><MsgId>11</MsgId>"
        )
    )
    assert type(msg) is ev.ImageMessageEvent
    assert (msg.pic_url, msg.media_id, msg.msg_id) == ("https://pic.example/a.jpg", "media-img-1", 11)


def test_voice_message() -> None:
    msg = parse_event(
        doc(
            "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media-voice-2]]></MediaId>"
            "<Format><![CDATA[amr]]></Format><MsgId>12</MsgId>"
        )
    )
    assert type(msg) is ev.VoiceMessageEvent
    assert (msg.media_id, msg.format, msg.msg_id) == ("media-voice-2", "amr", 12)


def test_video_message() -> None:
    msg = parse_event(
        doc(
            "<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[media-vid-3]]></MediaId>"
            "<ThumbMediaId><![CDATA[media-thumb-3]]></ThumbMediaId><MsgId>13</MsgId>"
        )
    )
    assert type(msg) is ev.VideoMessageEvent
    assert (msg.media_id, msg.thumb_media_id) == ("media-vid-3", "media-thumb-3")


def test_location_message() -> None:
    msg = parse_event(
        doc(
            "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X>"
            "<Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[珠江新城]]></Label>"
            "<MsgId>14</MsgId><AppType><![CDATA[wxwork]]></AppType>"
        )
    )
    assert type(msg) is ev.LocationMessageEvent
    assert (msg.latitude, msg.longitude, msg.scale) == (23.134521, 113.358803, 20)
    assert (msg.label, msg.app_type) == ("珠江新城", "wxwork")


def test_link_message() -> None:
    msg = parse_event(
        doc(
            "<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[季度报告]]></Title>"
            "<Description><![CDATA[第二季度]]></Description><Url><![CDATA[https://r.example/q2]]></Url>"
            "<PicUrl><![CDATA[https://r.example/q2.png]]></PicUrl><MsgId>15</MsgId>"
        )
    )
    assert type(msg) is ev.LinkMessageEvent
    assert (msg.title, msg.description, msg.url, msg.pic_url) == (
        "季度报告",
        "第二季度",
        "https://r.example/q2",
        "https://r.example/q2.png",
    )


def test_bad_coordinates_become_none() -> None:
    msg = parse_event(doc("<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>nan</Location_Y>"))
    assert isinstance(msg, ev.LocationMessageEvent)
    assert (msg.latitude, msg.longitude) == (None, None)
    assert msg.raw["Location_X"] == "north"


# -- events (https://developer.work.weixin.qq.com/document/path/90376 unless noted) ----------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("subscribe", ev.SubscribeEvent),
        ("unsubscribe", ev.UnsubscribeEvent),
        ("close_inactive_agent", ev.CloseInactiveAgentEvent),
        ("reopen_inactive_agent", ev.ReopenInactiveAgentEvent),
        ("change_app_admin", ev.ChangeAppAdminEvent),
        ("unlicensed_notify", ev.UnlicensedNotifyEvent),
    ],
)
def test_events_without_fields(name: str, cls: type[ev.DataEvent]) -> None:
    event = parse_event(event_doc(name, "<EventKey><![CDATA[]]></EventKey>"))
    assert type(event) is cls
    check_envelope(event, name)
    assert event.agent_id == 1000005


def test_enter_agent() -> None:
    event = parse_event(event_doc("enter_agent", "<EventKey><![CDATA[]]></EventKey>"))
    assert type(event) is ev.EnterAgentEvent
    check_envelope(event, "enter_agent")
    assert event.event_key == ""


def test_location_report() -> None:
    event = parse_event(
        event_doc(
            "LOCATION",
            "<Latitude>23.104105</Latitude><Longitude>113.320107</Longitude><Precision>65.000000</Precision>"
            "<AppType><![CDATA[wx]]></AppType>",
        )
    )
    assert type(event) is ev.LocationReportEvent
    check_envelope(event, "LOCATION")
    assert (event.latitude, event.longitude, event.precision, event.app_type) == (23.104105, 113.320107, 65.0, "wx")


@pytest.mark.parametrize(
    ("name", "cls", "key"),
    [
        ("click", ev.MenuClickEvent, "MENU_REPORT"),
        ("view", ev.MenuViewEvent, "https://app.example/menu"),
        ("view_miniprogram", ev.MenuViewMiniprogramEvent, "pages/index/index"),
    ],
)
def test_menu_events(name: str, cls: type[ev.MenuEvent], key: str) -> None:
    event = parse_event(event_doc(name, f"<EventKey><![CDATA[{key}]]></EventKey>"))
    assert type(event) is cls
    assert isinstance(event, ev.MenuEvent)
    check_envelope(event, name)
    assert event.event_key == key


@pytest.mark.parametrize(
    ("name", "cls"), [("scancode_push", ev.ScancodePushEvent), ("scancode_waitmsg", ev.ScancodeWaitmsgEvent)]
)
def test_scancode_events(name: str, cls: type[ev.ScancodeEvent]) -> None:
    event = parse_event(
        event_doc(
            name,
            "<EventKey><![CDATA[SCAN_1]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType>"
            "<ScanResult><![CDATA[https://scan.example/x?y=1]]></ScanResult></ScanCodeInfo>",
        )
    )
    assert type(event) is cls
    assert (event.event_key, event.scan_type, event.scan_result) == ("SCAN_1", "qrcode", "https://scan.example/x?y=1")


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("pic_sysphoto", ev.PicSysphotoEvent),
        ("pic_photo_or_album", ev.PicPhotoOrAlbumEvent),
        ("pic_weixin", ev.PicWeixinEvent),
    ],
)
def test_picture_events(name: str, cls: type[ev.PicEvent]) -> None:
    event = parse_event(
        event_doc(
            name,
            "<EventKey><![CDATA[PIC_1]]></EventKey><SendPicsInfo><Count>2</Count><PicList>"
            "<item><PicMd5Sum><![CDATA[0a1b2c]]></PicMd5Sum></item>"
            "<item><PicMd5Sum><![CDATA[3d4e5f]]></PicMd5Sum></item>"
            "</PicList></SendPicsInfo>",
        )
    )
    assert type(event) is cls
    assert (event.event_key, event.count, event.pic_md5_sums) == ("PIC_1", 2, ("0a1b2c", "3d4e5f"))
    one = parse_event(
        event_doc(
            name,
            "<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>77</PicMd5Sum></item></PicList></SendPicsInfo>",
        )
    )
    assert isinstance(one, ev.PicEvent)
    assert one.pic_md5_sums == ("77",)


def test_location_select() -> None:
    event = parse_event(
        event_doc(
            "location_select",
            "<EventKey><![CDATA[LOC_1]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X>"
            "<Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale>"
            "<Label><![CDATA[广州市海珠区]]></Label><Poiname><![CDATA[广州塔]]></Poiname></SendLocationInfo>",
        )
    )
    assert type(event) is ev.LocationSelectEvent
    assert (event.latitude, event.longitude, event.scale) == (23.0, 113.0, 15)
    assert (event.label, event.poiname) == ("广州市海珠区", "广州塔")


def test_open_approval_change() -> None:
    event = parse_event(
        event_doc(
            "open_approval_change",
            "<ApprovalInfo><ThirdNo><![CDATA[third-2024-7]]></ThirdNo><OpenSpName><![CDATA[付款]]></OpenSpName>"
            "<OpenTemplateId><![CDATA[tpl-pay]]></OpenTemplateId><OpenSpStatus>2</OpenSpStatus>"
            "<ApplyTime>1711999000</ApplyTime><ApplyUserName><![CDATA[陈莉]]></ApplyUserName>"
            "<ApplyUserId><![CDATA[lily.chen]]></ApplyUserId><ApplyUserParty><![CDATA[财务部]]></ApplyUserParty>"
            "<ApprovalNodes><ApprovalNode><NodeStatus>2</NodeStatus><Items><Item><ItemUserId><![CDATA[boss]]></ItemUserId>"
            "</Item></Items></ApprovalNode></ApprovalNodes></ApprovalInfo>",
        )
    )
    assert type(event) is ev.OpenApprovalChangeEvent
    check_envelope(event, "open_approval_change")
    assert (event.third_no, event.open_sp_name, event.open_template_id) == ("third-2024-7", "付款", "tpl-pay")
    assert (event.open_sp_status, event.apply_time, event.apply_user_id) == (2, 1711999000, "lily.chen")
    assert event.approval_info["ApplyUserParty"] == "财务部"


SYS_APPROVAL_INFO = (
    "<ApprovalInfo><SpNo>202404010001</SpNo><SpName><![CDATA[请假]]></SpName><SpStatus>1</SpStatus>"
    "<TemplateId><![CDATA[tpl-leave]]></TemplateId><ApplyTime>1711990000</ApplyTime>"
    "<Applyer><UserId><![CDATA[lily.chen]]></UserId><Party><![CDATA[3]]></Party></Applyer>"
    "<SpRecord><SpStatus>1</SpStatus><ApproverAttr>1</ApproverAttr><Details><Approver><UserId><![CDATA[boss]]></UserId>"
    "</Approver><Speech><![CDATA[]]></Speech><SpStatus>1</SpStatus><SpTime>0</SpTime></Details></SpRecord>"
    "<StatuChangeEvent>1</StatuChangeEvent></ApprovalInfo>"
)


def check_sys_approval(event: ev.Event) -> None:
    assert type(event) is ev.SysApprovalChangeEvent
    assert event.info_type == "sys_approval_change"
    assert event.auth_corp_id == CORP
    assert (event.sp_no, event.sp_name, event.sp_status, event.template_id) == ("202404010001", "请假", 1, "tpl-leave")
    assert (event.apply_time, event.applyer_user_id, event.statu_change_event) == (1711990000, "lily.chen", 1)


def test_sys_approval_change_on_the_data_url() -> None:
    check_sys_approval(parse_event(event_doc("sys_approval_change", SYS_APPROVAL_INFO)))


def test_sys_approval_change_on_the_instruction_url_without_msg_type() -> None:
    """The instruction-URL shape: no InfoType and no MsgType, just ToUserName/Event and the approval."""
    xml = (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>1712000000</CreateTime><Event><![CDATA[sys_approval_change]]></Event>"
        f"<AgentID>3010040</AgentID>{SYS_APPROVAL_INFO}</xml>"
    )
    event = parse_event(xml)
    check_sys_approval(event)
    assert isinstance(event, ev.SysApprovalChangeEvent)
    assert (event.msg_type, event.timestamp, event.agent_id) == ("", 1712000000, 3010040)


def test_template_card_event() -> None:
    event = parse_event(
        event_doc(
            "template_card_event",
            "<EventKey><![CDATA[btn-approve]]></EventKey><TaskId><![CDATA[task-42]]></TaskId>"
            "<CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[rc-once]]></ResponseCode>"
            "<SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds>"
            "<OptionId><![CDATA[a]]></OptionId><OptionId><![CDATA[c]]></OptionId></OptionIds></SelectedItem>"
            "<SelectedItem><QuestionKey><![CDATA[q2]]></QuestionKey><OpitonIds><OpitonId><![CDATA[x]]></OpitonId>"
            "</OpitonIds></SelectedItem></SelectedItems>",
        )
    )
    assert type(event) is ev.TemplateCardEvent
    check_envelope(event, "template_card_event")
    assert (event.event_key, event.task_id, event.card_type, event.response_code) == (
        "btn-approve",
        "task-42",
        "vote_interaction",
        "rc-once",
    )
    assert event.selected_items == (("q1", ("a", "c")), ("q2", ("x",)))


def test_template_card_menu_event() -> None:
    event = parse_event(
        event_doc(
            "template_card_menu_event",
            "<EventKey><![CDATA[menu-mute]]></EventKey><TaskId><![CDATA[task-43]]></TaskId>"
            "<CardType><![CDATA[text_notice]]></CardType><ResponseCode><![CDATA[rc-2]]></ResponseCode>",
        )
    )
    assert type(event) is ev.TemplateCardMenuEvent
    assert (event.event_key, event.task_id, event.card_type, event.response_code) == (
        "menu-mute",
        "task-43",
        "text_notice",
        "rc-2",
    )


def test_kf_msg_or_event_keeps_its_token_out_of_the_repr() -> None:
    """https://developer.work.weixin.qq.com/document/path/94699: no FromUserName, no AgentID."""
    xml = (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><CreateTime>1712000000</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
        "<Token><![CDATA[ENCkfSyncToken77]]></Token><OpenKfId><![CDATA[wkAbCdEf]]></OpenKfId></xml>"
    )
    event = parse_event(xml)
    assert type(event) is ev.KfMsgOrEvent
    assert (event.token, event.open_kf_id, event.agent_id) == ("ENCkfSyncToken77", "wkAbCdEf", None)
    assert "ENCkfSyncToken77" not in repr(event)


def test_kf_account_auth_change_collects_repeated_ids() -> None:
    """https://developer.work.weixin.qq.com/document/path/97302: one element per account."""
    event = parse_event(
        event_doc(
            "kf_account_auth_change",
            "<AuthAddOpenKfId><![CDATA[wk1]]></AuthAddOpenKfId><AuthAddOpenKfId><![CDATA[wk2]]></AuthAddOpenKfId>"
            "<AuthDelOpenKfId><![CDATA[wk9]]></AuthDelOpenKfId>",
        )
    )
    assert type(event) is ev.KfAccountAuthChangeEvent
    assert (event.auth_add_open_kf_ids, event.auth_del_open_kf_ids) == (("wk1", "wk2"), ("wk9",))
    none = parse_event(event_doc("kf_account_auth_change"))
    assert isinstance(none, ev.KfAccountAuthChangeEvent)
    assert (none.auth_add_open_kf_ids, none.auth_del_open_kf_ids) == ((), ())


# -- events WeCom sends on both URLs parse into one class ------------------------------------------


def test_change_contact_on_the_data_url_is_the_instruction_class() -> None:
    """https://developer.work.weixin.qq.com/document/path/90376 (通讯录变更事件, data-URL shape)."""
    event = parse_event(
        event_doc(
            "change_contact",
            "<ChangeType>update_user</ChangeType><UserID><![CDATA[lily.chen]]></UserID>"
            "<NewUserID><![CDATA[lily]]></NewUserID><Department><![CDATA[1,4]]></Department>",
        )
    )
    assert type(event) is ev.UpdateUserEvent
    assert event.info_type == "change_contact"
    assert event.change_type is ev.ContactChangeType.UPDATE_USER
    assert (event.user_id, event.new_user_id, event.department) == ("lily.chen", "lily", (1, 4))
    assert (event.auth_corp_id, event.timestamp) == (CORP, 1712000000)


def test_batch_job_result_on_the_data_url() -> None:
    event = parse_event(
        event_doc(
            "batch_job_result",
            "<BatchJob><JobId><![CDATA[job-77]]></JobId><JobType><![CDATA[sync_user]]></JobType>"
            "<ErrCode>0</ErrCode><ErrMsg><![CDATA[ok]]></ErrMsg></BatchJob>",
        )
    )
    assert type(event) is ev.BatchJobResultEvent
    assert (event.info_type, event.job_id, event.job_type, event.err_code) == (
        "batch_job_result",
        "job-77",
        "sync_user",
        0,
    )
    assert event.auth_corp_id == CORP


def test_customer_events_on_the_data_url() -> None:
    contact = parse_event(
        event_doc(
            "change_external_contact",
            "<ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[lily.chen]]></UserID>"
            "<ExternalUserID><![CDATA[wmExt01]]></ExternalUserID><State><![CDATA[fair]]></State>"
            "<WelcomeCode><![CDATA[WC1]]></WelcomeCode>",
        )
    )
    assert type(contact) is ev.ChangeExternalContactEvent
    assert contact.change_type is ev.ExternalContactChangeType.ADD_EXTERNAL_CONTACT
    assert (contact.external_user_id, contact.state, contact.welcome_code) == ("wmExt01", "fair", "WC1")
    acq = parse_event(event_doc("customer_acquisition", "<ChangeType><![CDATA[balance_low]]></ChangeType>"))
    assert type(acq) is ev.CustomerAcquisitionEvent
    assert acq.change_type is ev.CustomerAcquisitionChangeType.BALANCE_LOW


def test_registries_cover_the_enums() -> None:
    assert {e.value for e in EventType} == set(DATA_EVENT_CLASSES) | set(ev.DUAL_SHAPE_EVENTS)
    assert not set(DATA_EVENT_CLASSES) & set(ev.DUAL_SHAPE_EVENTS)
    assert {m.value for m in MsgType} - {"event"} == set(MESSAGE_CLASSES)
    for cls in [*DATA_EVENT_CLASSES.values(), *MESSAGE_CLASSES.values()]:
        assert "__dict__" not in dir(cls), cls  # slotted, like the instruction events
        assert "https://developer.work.weixin.qq.com/document/path/" in (cls.__doc__ or ""), cls


def test_living_status_change() -> None:
    """https://developer.work.weixin.qq.com/document/path/94308."""
    event = parse_event(event_doc("living_status_change", "<LivingId><![CDATA[live-8]]></LivingId><Status>2</Status>"))
    assert type(event) is ev.LivingStatusChangeEvent
    check_envelope(event, "living_status_change")
    assert (event.living_id, event.status) == ("live-8", 2)


def test_change_school_contact_on_both_urls() -> None:
    """https://developer.work.weixin.qq.com/document/path/92051 (instruction URL) and /92032 (data-URL shape)."""
    data = parse_event(
        event_doc(
            "change_school_contact",
            "<ChangeType><![CDATA[update_student]]></ChangeType><Id><![CDATA[stu-1]]></Id><NewId><![CDATA[stu-2]]></NewId>",
        )
    )
    suite = parse_event(
        f"<xml><SuiteId><![CDATA[wwsuite1]]></SuiteId><AuthCorpId><![CDATA[{CORP}]]></AuthCorpId>"
        "<InfoType><![CDATA[change_school_contact]]></InfoType><TimeStamp>1712000000</TimeStamp>"
        "<ChangeType><![CDATA[update_student]]></ChangeType><Id><![CDATA[stu-1]]></Id><NewId><![CDATA[stu-2]]></NewId></xml>"
    )
    for event in (data, suite):
        assert type(event) is ev.ChangeSchoolContactEvent
        assert (event.info_type, event.change_type, event.id, event.new_id) == (
            "change_school_contact",
            "update_student",
            "stu-1",
            "stu-2",
        )
        assert (event.auth_corp_id, event.timestamp) == (CORP, 1712000000)


def test_change_school_contact_batch() -> None:
    """https://developer.work.weixin.qq.com/document/path/97281."""
    event = parse_event(
        f"<xml><SuiteId>wwsuite1</SuiteId><AuthCorpId>{CORP}</AuthCorpId><InfoType>change_school_contact_batch</InfoType>"
        "<TimeStamp>1712000000</TimeStamp>"
        "<ChangeList><TimeStamp>1712000000</TimeStamp><ChangeType>create_student</ChangeType><Id>stu-1</Id></ChangeList>"
        "<ChangeList><TimeStamp>1712000001</TimeStamp><ChangeType><![CDATA[delete_parent]]></ChangeType>"
        "<Id><![CDATA[par-1]]></Id></ChangeList></xml>"
    )
    assert isinstance(event, ev.ChangeSchoolContactBatchEvent)
    assert [(c["ChangeType"], c["Id"]) for c in event.changes] == [
        ("create_student", "stu-1"),
        ("delete_parent", "par-1"),
    ]


# -- 日程 events: XML shaped like each page's example, ids made up -----------------------------------


@pytest.mark.parametrize(
    ("name", "cls", "page"),
    [
        ("modify_schedule", ev.ModifyScheduleEvent, 97731),
        ("delete_schedule", ev.DeleteScheduleEvent, 97732),
        ("respond_schedule", ev.RespondScheduleEvent, 98111),
    ],
)
def test_schedule_events(name: str, cls: type[ev.ScheduleEvent], page: int) -> None:
    event = parse_event(
        doc(
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>"
            "<CalId><![CDATA[wcCalendar000001]]></CalId><ScheduleId><![CDATA[sched-77aa]]></ScheduleId>",
            agent=False,
        )
    )
    assert type(event) is cls
    assert f"/document/path/{page}" in (cls.__doc__ or "")
    check_envelope(event, name)
    assert (event.cal_id, event.schedule_id) == ("wcCalendar000001", "sched-77aa")
    assert event.agent_id is None  # the pages' examples carry no AgentID


def test_modify_calendar_event() -> None:
    """https://developer.work.weixin.qq.com/document/path/97730: only the calendar's id."""
    event = parse_event(event_doc("modify_calendar", "<CalId><![CDATA[wcCalendar000002]]></CalId>"))
    assert type(event) is ev.ModifyCalendarEvent
    check_envelope(event, "modify_calendar")
    assert event.cal_id == "wcCalendar000002"
    assert not hasattr(event, "schedule_id")


def test_delete_calendar_event() -> None:
    """delete_calendar carries only the calendar's id, like modify_calendar (https://developer.work.weixin.qq.com/document/path/96825)."""
    event = parse_event(event_doc("delete_calendar", "<CalId><![CDATA[wcCalendar000003]]></CalId>"))
    assert type(event) is ev.DeleteCalendarEvent
    check_envelope(event, "delete_calendar")
    assert event.cal_id == "wcCalendar000003"


def test_schedule_event_without_ids_keeps_empty_strings() -> None:
    event = parse_event(event_doc("delete_schedule"))
    assert type(event) is ev.DeleteScheduleEvent
    assert (event.cal_id, event.schedule_id) == ("", "")


# -- app activity events (https://developer.work.weixin.qq.com/document/path/90376) --------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [("inactive_alert", ev.InactiveAlertEvent), ("low_active_alert", ev.LowActiveAlertEvent)],
)
def test_activity_alerts_carry_their_effect_time(name: str, cls: type[ev.DataEvent]) -> None:
    event = parse_event(event_doc(name, "<EffectTime>1712600000</EffectTime>"))
    assert type(event) is cls
    check_envelope(event, name)
    assert isinstance(event, (ev.InactiveAlertEvent, ev.LowActiveAlertEvent))
    assert event.effect_time == 1712600000
    assert event.agent_id == 1000005
    bad = parse_event(event_doc(name, "<EffectTime><![CDATA[soon]]></EffectTime>"))
    assert isinstance(bad, (ev.InactiveAlertEvent, ev.LowActiveAlertEvent))
    assert bad.effect_time is None
    assert bad.raw["EffectTime"] == "soon"


@pytest.mark.parametrize(
    ("name", "cls"), [("low_active", ev.LowActiveEvent), ("active_restored", ev.ActiveRestoredEvent)]
)
def test_activity_state_events(name: str, cls: type[ev.DataEvent]) -> None:
    event = parse_event(event_doc(name))
    assert type(event) is cls
    check_envelope(event, name)
    assert event.agent_id == 1000005


# -- 智能表格 (smart sheet) events: XML shaped like the pages' examples, ids made up ----------------


def sheet_doc(change_type: str, ids: str) -> str:
    return doc(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[smart_sheet_change]]></Event>"
        f"<ChangeType><![CDATA[{change_type}]]></ChangeType>"
        "<DocId><![CDATA[dcDoc0000000001]]></DocId><SheetId><![CDATA[sheet-9]]></SheetId>" + ids,
        agent=False,
    )


def test_smart_sheet_records_changed() -> None:
    """https://developer.work.weixin.qq.com/document/path/101019: RecordId repeats, no wrapper element."""
    ids = "<RecordId><![CDATA[rA]]></RecordId><RecordId><![CDATA[rB]]></RecordId>"
    event = parse_event(sheet_doc("update_record", ids))
    assert type(event) is ev.SmartSheetChangeEvent
    check_envelope(event, "smart_sheet_change")
    assert event.change_type is ev.SmartSheetChangeType.UPDATE_RECORD
    assert (event.doc_id, event.sheet_id) == ("dcDoc0000000001", "sheet-9")
    assert (event.record_ids, event.field_ids) == (("rA", "rB"), ())


def test_smart_sheet_fields_changed() -> None:
    """https://developer.work.weixin.qq.com/document/path/101016: add_filed (sic) with one FieldId."""
    event = parse_event(sheet_doc("add_filed", "<FieldId><![CDATA[f1]]></FieldId>"))
    assert type(event) is ev.SmartSheetChangeEvent
    assert event.change_type is ev.SmartSheetChangeType.ADD_FILED
    assert (event.record_ids, event.field_ids) == ((), ("f1",))


def test_smart_sheet_unknown_change_type_stays_a_string() -> None:
    event = parse_event(sheet_doc("delete_sheet", ""))
    assert type(event) is ev.SmartSheetChangeEvent
    assert event.change_type == "delete_sheet"
    assert not isinstance(event.change_type, ev.SmartSheetChangeType)


# -- 文档 (document) doc_change events: XML shaped like the pages' examples, ids made up ----------------


def doc_change_doc(change_type: str, ids: str) -> str:
    return doc(
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[doc_change]]></Event>"
        f"<ChangeType><![CDATA[{change_type}]]></ChangeType>" + ids,
        agent=False,
    )


def doc_ids(*ids: str) -> str:
    return "".join(f"<DocId><![CDATA[{i}]]></DocId>" for i in ids)


def form_ids(*ids: str) -> str:
    return "".join(f"<FormId><![CDATA[{i}]]></FormId>" for i in ids)


def test_doc_change_documents_deleted() -> None:
    """https://developer.work.weixin.qq.com/document/path/97837: DocId repeats, no wrapper element."""
    event = parse_event(doc_change_doc("delete_doc", doc_ids("dcDocA0001", "dcDocB0002")))
    assert type(event) is ev.DocChangeEvent
    check_envelope(event, "doc_change")
    assert event.change_type is ev.DocChangeType.DELETE_DOC
    assert (event.doc_ids, event.form_ids) == (("dcDocA0001", "dcDocB0002"), ())


@pytest.mark.parametrize(
    ("change_type", "member"),
    [
        ("form_complete", ev.DocChangeType.FORM_COMPLETE),  # https://developer.work.weixin.qq.com/document/path/97835
        ("delete_form", ev.DocChangeType.DELETE_FORM),  # https://developer.work.weixin.qq.com/document/path/98095
        ("form_settings_change", ev.DocChangeType.FORM_SETTINGS_CHANGE),  # .../98096
    ],
)
def test_doc_change_form_events(change_type: str, member: ev.DocChangeType) -> None:
    event = parse_event(doc_change_doc(change_type, form_ids("fmForm01", "fmForm02", "fmForm03")))
    assert type(event) is ev.DocChangeEvent
    check_envelope(event, "doc_change")
    assert event.change_type is member
    assert (event.doc_ids, event.form_ids) == ((), ("fmForm01", "fmForm02", "fmForm03"))


def test_doc_change_single_id_is_a_one_element_tuple() -> None:
    deleted = parse_event(doc_change_doc("delete_doc", doc_ids("dcOnly")))
    completed = parse_event(doc_change_doc("form_complete", form_ids("fmOnly")))
    assert isinstance(deleted, ev.DocChangeEvent)
    assert isinstance(completed, ev.DocChangeEvent)
    assert (deleted.doc_ids, deleted.form_ids) == (("dcOnly",), ())
    assert (completed.doc_ids, completed.form_ids) == ((), ("fmOnly",))


def test_doc_change_unknown_change_type_stays_a_string() -> None:
    """The member-change event (修改文档成员事件) shares the Event; its kind is not in DocChangeType."""
    event = parse_event(doc_change_doc("some_later_kind", doc_ids("dcDocC0003")))
    assert type(event) is ev.DocChangeEvent
    assert event.change_type == "some_later_kind"
    assert not isinstance(event.change_type, ev.DocChangeType)
    assert (event.doc_ids, event.form_ids) == (("dcDocC0003",), ())
    assert event.raw["ChangeType"] == "some_later_kind"


def test_doc_change_without_ids_or_change_type() -> None:
    event = parse_event(event_doc("doc_change"))
    assert type(event) is ev.DocChangeEvent
    assert (event.change_type, event.doc_ids, event.form_ids) == ("", (), ())


def test_program_notify() -> None:
    """https://developer.work.weixin.qq.com/document/path/101389: a data-zone program notifies the app."""
    event = parse_event(
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        "<CreateTime>1712000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[program_notify]]></Event><NotifyId><![CDATA[notify-3f9]]></NotifyId>"
        "<NotifyScene>7</NotifyScene></xml>"
    )
    assert type(event) is ev.ProgramNotifyEvent
    assert (event.info_type, event.auth_corp_id, event.from_user_name) == ("program_notify", CORP, "sys")
    assert (event.notify_id, event.notify_scene) == ("notify-3f9", 7)


# -- 智慧硬件 (smart hardware): https://developer.work.weixin.qq.com/document/path/97214 ---------------


def device_doc(event: str, list_tag: str, records: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"<TimeStamp>1712000300</TimeStamp><{list_tag}>{records}</{list_tag}>"
        "<DeviceSn><![CDATA[SN-ATT-0042]]></DeviceSn></xml>"
    )


def checkin_doc(records: str, *, list_tag: str = "CheckInDataList") -> str:
    return device_doc("device_checkin_data_report", list_tag, records)


def checkin_item(open_userid: str, user_type: str, checkin_time: str) -> str:
    return (
        f"<Item><OpenUserId><![CDATA[{open_userid}]]></OpenUserId><UserType>{user_type}</UserType>"
        f"<CheckinTime>{checkin_time}</CheckinTime></Item>"
    )


def test_device_checkin_data_report_one_record() -> None:
    event = parse_event(checkin_doc(checkin_item("woOpenUser01", "0", "1712000299")))
    assert type(event) is ev.DeviceCheckinDataReportEvent
    assert (event.info_type, event.auth_corp_id, event.from_user_name) == ("device_checkin_data_report", CORP, "sys")
    assert (event.timestamp, event.create_time) == (1712000300, 0)
    assert event.device_sn == "SN-ATT-0042"
    assert event.checkins == (ev.DeviceCheckin("woOpenUser01", 0, 1712000299),)


def test_device_checkin_data_report_several_records_in_order() -> None:
    records = checkin_item("woOpenUser01", "0", "1712000100") + checkin_item("woVisitor02", "1", "1712000200")
    records += checkin_item("woStudent03", "2", "soon")
    event = parse_event(checkin_doc(records))
    assert isinstance(event, ev.DeviceCheckinDataReportEvent)
    assert [(c.open_userid, c.user_type, c.checkin_time) for c in event.checkins] == [
        ("woOpenUser01", 0, 1712000100),
        ("woVisitor02", 1, 1712000200),
        ("woStudent03", 2, None),
    ]


def test_device_checkin_data_report_field_table_spelling_and_empty_list() -> None:
    """The page's field table spells the list CheckinDataList; an empty or absent list gives no records."""
    event = parse_event(checkin_doc(checkin_item("woOpenUser09", "0", "1712000001"), list_tag="CheckinDataList"))
    assert isinstance(event, ev.DeviceCheckinDataReportEvent)
    assert [c.open_userid for c in event.checkins] == ["woOpenUser09"]
    empty = parse_event(checkin_doc(""))
    assert isinstance(empty, ev.DeviceCheckinDataReportEvent)
    assert (empty.checkins, empty.device_sn) == ((), "SN-ATT-0042")


def test_device_accesscontrol_data_report() -> None:
    """https://developer.work.weixin.qq.com/document/path/97215: each Item has its own TimeStamp."""
    records = (
        "<Item><OpenUserId><![CDATA[woOpenUser01]]></OpenUserId><UserType>0</UserType>"
        "<TimeStamp>1712000290</TimeStamp><PassType>1</PassType><PassMethod>1</PassMethod></Item>"
        "<Item><OpenUserId><![CDATA[woVisitor02]]></OpenUserId><UserType>1</UserType>"
        "<TimeStamp>1712000295</TimeStamp><PassType>2</PassType><PassMethod>4</PassMethod></Item>"
    )
    event = parse_event(device_doc("device_accesscontrol_data_report", "AccessDataList", records))
    assert type(event) is ev.DeviceAccessControlDataReportEvent
    assert isinstance(event, ev.DeviceDataReportEvent)
    assert (event.info_type, event.auth_corp_id, event.timestamp) == (
        "device_accesscontrol_data_report",
        CORP,
        1712000300,
    )
    assert event.device_sn == "SN-ATT-0042"
    assert event.accesses == (
        ev.DeviceAccess("woOpenUser01", 0, 1712000290, 1, 1),
        ev.DeviceAccess("woVisitor02", 1, 1712000295, 2, 4),
    )


def test_device_temperature_data_report() -> None:
    """https://developer.work.weixin.qq.com/document/path/97216: Temperature is text in CDATA."""
    records = (
        "<Item><OpenUserId><![CDATA[woStudent03]]></OpenUserId><UserType>2</UserType>"
        "<TimeStamp>1712000299</TimeStamp><Temperature><![CDATA[37.9]]></Temperature><Status>1</Status></Item>"
        "<Item><OpenUserId><![CDATA[woOpenUser01]]></OpenUserId><UserType>0</UserType>"
        "<TimeStamp>1712000298</TimeStamp><Temperature><![CDATA[n/a]]></Temperature><Status>0</Status></Item>"
    )
    event = parse_event(device_doc("device_temperature_data_report", "TemperatureDataList", records))
    assert type(event) is ev.DeviceTemperatureDataReportEvent
    assert (event.info_type, event.from_user_name, event.device_sn) == (
        "device_temperature_data_report",
        "sys",
        "SN-ATT-0042",
    )
    assert event.temperatures == (
        ev.DeviceTemperature("woStudent03", 2, 1712000299, 37.9, 1),
        ev.DeviceTemperature("woOpenUser01", 0, 1712000298, None, 0),
    )
