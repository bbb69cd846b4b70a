"""Contact events (通讯录): change_contact with one class per ChangeType, batch jobs, school contacts."""

from __future__ import annotations

from typing import ClassVar

from ..xml import XmlDict, XmlValue, as_list
from .base import Field, InstructionEvent, as_enum, csv_ints, csv_strs, integer, node, text
from .info_type import InfoType
from .wire_enum import WireEnum

__all__ = [
    "BatchJobResultEvent",
    "ChangeContactEvent",
    "ChangeSchoolContactBatchEvent",
    "ChangeSchoolContactEvent",
    "ContactChangeType",
    "CreatePartyEvent",
    "CreateUserEvent",
    "DeletePartyEvent",
    "DeleteUserEvent",
    "UpdatePartyEvent",
    "UpdateTagEvent",
    "UpdateUserEvent",
]


class ContactChangeType(WireEnum):
    """``ChangeType`` of change_contact (通讯录变更)."""

    CREATE_USER = "create_user"
    UPDATE_USER = "update_user"
    DELETE_USER = "delete_user"
    CREATE_PARTY = "create_party"
    UPDATE_PARTY = "update_party"
    DELETE_PARTY = "delete_party"
    UPDATE_TAG = "update_tag"



def _changes(value: XmlValue | None) -> tuple[XmlDict, ...]:
    return tuple(entry for entry in as_list(value) if isinstance(entry, dict))


def _ext_attr(value: XmlValue | None) -> list[XmlValue]:
    return as_list(node(value).get("Item"))


class ChangeContactEvent(InstructionEvent):
    """change_contact (通讯录变更). Only changed (and visible) fields are present; parsed into the
    subclass for its ChangeType, or this class itself for a ChangeType added later.

    https://developer.work.weixin.qq.com/document/path/90639
    """

    __slots__ = ()
    INFO_TYPE = InfoType.CHANGE_CONTACT
    CHANGE_TYPE: ClassVar[str] = ""

    @property
    def change_type(self) -> ContactChangeType | str:
        return as_enum(ContactChangeType, text(self.raw.get("ChangeType")))


_USER_FIELDS: tuple[Field, ...] = (
    ("user_id", "UserID", text),
    ("open_user_id", "OpenUserID", text),
    ("name", "Name", text),
    ("department", "Department", csv_ints),
    ("main_department", "MainDepartment", integer),
    ("is_leader_in_dept", "IsLeaderInDept", csv_ints),
    ("direct_leader", "DirectLeader", csv_strs),
    ("mobile", "Mobile", text),
    ("position", "Position", text),
    ("gender", "Gender", integer),
    ("email", "Email", text),
    ("biz_mail", "BizMail", text),
    ("status", "Status", integer),
    ("avatar", "Avatar", text),
    ("alias", "Alias", text),
    ("telephone", "Telephone", text),
    ("address", "Address", text),
    ("ext_attr", "ExtAttr", _ext_attr),
)


class CreateUserEvent(ChangeContactEvent):
    """change_contact / create_user (新增成员). ``ext_attr`` is the list of ``<ExtAttr><Item>`` dicts.

    https://developer.work.weixin.qq.com/document/path/90639
    """

    __slots__ = tuple(f[0] for f in _USER_FIELDS)
    CHANGE_TYPE = ContactChangeType.CREATE_USER
    FIELDS = _USER_FIELDS
    user_id: str
    open_user_id: str
    name: str
    department: tuple[int, ...]
    main_department: int | None
    is_leader_in_dept: tuple[int, ...]
    direct_leader: tuple[str, ...]
    mobile: str
    position: str
    gender: int | None
    email: str
    biz_mail: str
    status: int | None
    avatar: str
    alias: str
    telephone: str
    address: str
    ext_attr: list[XmlValue]


class UpdateUserEvent(CreateUserEvent):
    """change_contact / update_user (更新成员); ``new_user_id`` is set when the userid changed.

    https://developer.work.weixin.qq.com/document/path/90639
    """

    __slots__ = ("new_user_id",)
    CHANGE_TYPE = ContactChangeType.UPDATE_USER
    FIELDS = (*_USER_FIELDS, ("new_user_id", "NewUserID", text))
    new_user_id: str


class DeleteUserEvent(ChangeContactEvent):
    """change_contact / delete_user (删除成员).

    https://developer.work.weixin.qq.com/document/path/90639
    """

    __slots__ = ("open_user_id", "user_id")
    CHANGE_TYPE = ContactChangeType.DELETE_USER
    FIELDS = (("user_id", "UserID", text), ("open_user_id", "OpenUserID", text))
    user_id: str
    open_user_id: str


class CreatePartyEvent(ChangeContactEvent):
    """change_contact / create_party (新增部门)."""

    __slots__ = ("id", "name", "order", "parent_id")
    CHANGE_TYPE = ContactChangeType.CREATE_PARTY
    FIELDS = (
        ("id", "Id", integer),
        ("name", "Name", text),
        ("parent_id", "ParentId", integer),
        ("order", "Order", integer),
    )
    id: int | None
    name: str
    parent_id: int | None
    order: int | None


class UpdatePartyEvent(ChangeContactEvent):
    """change_contact / update_party (更新部门)."""

    __slots__ = ("id", "name", "parent_id")
    CHANGE_TYPE = ContactChangeType.UPDATE_PARTY
    FIELDS = (("id", "Id", integer), ("name", "Name", text), ("parent_id", "ParentId", integer))
    id: int | None
    name: str
    parent_id: int | None


class DeletePartyEvent(ChangeContactEvent):
    """change_contact / delete_party (删除部门)."""

    __slots__ = ("id",)
    CHANGE_TYPE = ContactChangeType.DELETE_PARTY
    FIELDS = (("id", "Id", integer),)
    id: int | None


class UpdateTagEvent(ChangeContactEvent):
    """change_contact / update_tag (标签成员变更): comma lists become tuples."""

    __slots__ = ("add_party_items", "add_user_items", "del_party_items", "del_user_items", "tag_id")
    CHANGE_TYPE = ContactChangeType.UPDATE_TAG
    FIELDS = (
        ("tag_id", "TagId", integer),
        ("add_user_items", "AddUserItems", csv_strs),
        ("del_user_items", "DelUserItems", csv_strs),
        ("add_party_items", "AddPartyItems", csv_ints),
        ("del_party_items", "DelPartyItems", csv_ints),
    )
    tag_id: int | None
    add_user_items: tuple[str, ...]
    del_user_items: tuple[str, ...]
    add_party_items: tuple[int, ...]
    del_party_items: tuple[int, ...]


class BatchJobResultEvent(InstructionEvent):
    """batch_job_result (异步任务完成).

    As an InfoType on the system-event URL it ends the provider's 通讯录ID转译 job (``job_type``
    ``contact_id_translate``; no ``ErrCode``: read the result with ``service/batch/getresult``),
    https://developer.work.weixin.qq.com/document/path/91875. As ``MsgType=event`` on the data URL it ends a
    company's own asynchronous contact job (``sync_user``, ``replace_user``, ``invite_user``, ``replace_party``)
    with ``err_code`` / ``err_msg``: ``DATA_URL_PAGE``.
    """

    DATA_URL_PAGE: ClassVar[str] = "https://developer.work.weixin.qq.com/document/path/96305"

    __slots__ = ("batch_job", "err_code", "err_msg", "job_id", "job_type")
    INFO_TYPE = InfoType.BATCH_JOB_RESULT
    FIELDS = (("batch_job", "BatchJob", node),)
    batch_job: XmlDict
    job_id: str
    job_type: str
    err_code: int | None
    err_msg: str

    def __init__(self, raw: XmlDict) -> None:
        super().__init__(raw)
        job = self.batch_job
        self.job_id = text(job.get("JobId"))
        self.job_type = text(job.get("JobType"))
        self.err_code = integer(job.get("ErrCode"))
        self.err_msg = text(job.get("ErrMsg"))


class ChangeSchoolContactEvent(InstructionEvent):
    """change_school_contact (家校通讯录变更): ``change_type`` says what changed (``create_student``,
    ``update_parent``, ``create_department``, ...); ``id`` is the student's / parent's userid or the
    department id, ``new_id`` the new userid when it changed. Other fields stay in ``raw``.

    https://developer.work.weixin.qq.com/document/path/92051
    """

    __slots__ = ("id", "new_id")
    INFO_TYPE = InfoType.CHANGE_SCHOOL_CONTACT
    FIELDS = (("id", "Id", text), ("new_id", "NewId", text))
    id: str
    new_id: str


class ChangeSchoolContactBatchEvent(InstructionEvent):
    """change_school_contact_batch (家校通讯录批量变更): several school-contact changes in one callback.

    ``changes`` are the ``ChangeList`` elements as dicts (``TimeStamp``, ``ChangeType``, ``Id``, ``NewId``).
    https://developer.work.weixin.qq.com/document/path/97281
    """

    __slots__ = ("changes",)
    INFO_TYPE = InfoType.CHANGE_SCHOOL_CONTACT_BATCH
    FIELDS = (("changes", "ChangeList", _changes),)
    changes: tuple[XmlDict, ...]
