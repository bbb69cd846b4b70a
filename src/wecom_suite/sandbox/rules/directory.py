"""Simulated authorising companies (授权企业) and their small contact directories (通讯录)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...redaction import redact
from .id_space import CustomerDirectory, sample_customers

__all__ = [
    "Authorization",
    "SimCompany",
    "SimDepartment",
    "SimEdition",
    "SimUser",
    "default_companies",
    "open_userid_for",
]


def open_userid_for(provider_corp_id: str, corp_id: str, userid: str) -> str:
    """A stable provider-scoped id (open_userid): the same for every app of one provider, as in WeCom."""
    digest = hashlib.sha256(f"{provider_corp_id}/{corp_id}/{userid}".encode()).hexdigest()
    return "wo" + digest[:30]


@dataclass
class SimDepartment:
    id: int
    name: str
    parentid: int = 0
    order: int = 100

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "parentid": self.parentid, "order": self.order}


@dataclass
class SimUser:
    userid: str
    name: str
    department: list[int]
    open_userid: str = ""
    position: str = ""
    gender: str = "1"
    status: int = 1
    is_admin: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "userid": self.userid,
            "open_userid": self.open_userid,
            "name": self.name,
            "department": list(self.department),
            "main_department": self.department[0] if self.department else 1,
            "position": self.position,
            "gender": self.gender,
            "status": self.status,
            "avatar": f"https://sandbox.invalid/avatar/{self.open_userid}",
        }


@dataclass
class Authorization:
    """One company's authorisation of the suite (or of the 代开发 template when ``customized``)."""

    permanent_code: str = field(repr=False)
    state: str = ""
    auth_type: int = 0  # 0 formal, 1 test authorisation (测试授权), from set_session_info
    auth_mode: int = 0  # 0 admin authorisation (管理员授权), 1 member authorisation (成员授权)
    customized: bool = False
    installer_userid: str = ""
    cancelled: bool = False

    def __repr__(self) -> str:
        return (
            f"Authorization(permanent_code={redact(self.permanent_code)}, state={self.state!r}, "
            f"customized={self.customized}, cancelled={self.cancelled})"
        )


@dataclass
class SimEdition:
    """The paid edition (付费版本) a company runs: one agent's ``edition_info`` in get_auth_info's answer.

    ``app_status``: 1 limited trial, 3 paid and in term, 5 unlimited trial, ... (see
    https://developer.work.weixin.qq.com/document/path/91912); ``expired_time`` in Unix seconds."""

    edition_id: str
    edition_name: str
    app_status: int
    user_limit: int
    expired_time: int

    def as_json(self, agent_id: int) -> dict[str, Any]:
        return {
            "agentid": agent_id,
            "edition_id": self.edition_id,
            "edition_name": self.edition_name,
            "app_status": self.app_status,
            "user_limit": self.user_limit,
            "expired_time": self.expired_time,
            "is_virtual_version": False,
            "is_shared_from_other_corp": False,
        }


@dataclass
class SimCompany:
    """A company that can install the suite: its directory, its agent id and its current authorisation."""

    corp_id: str
    corp_name: str
    agent_id: int
    departments: dict[int, SimDepartment] = field(default_factory=dict)
    users: dict[str, SimUser] = field(default_factory=dict)
    authorization: Authorization | None = None
    customers: CustomerDirectory = field(default_factory=CustomerDirectory)  # 外部联系人, tags, 微信客服
    edition: SimEdition | None = None  # None: the sandbox's default trial edition

    @property
    def authorized(self) -> bool:
        return self.authorization is not None and not self.authorization.cancelled

    @property
    def admins(self) -> list[SimUser]:
        return [u for u in self.users.values() if u.is_admin]

    def corp_info(self) -> dict[str, Any]:
        return {
            "corpid": self.corp_id,
            "corp_name": self.corp_name,
            "corp_type": "verified",
            "corp_square_logo_url": f"https://sandbox.invalid/logo/{self.corp_id}",
            "corp_user_max": 200,
            "corp_full_name": f"{self.corp_name}有限公司",
            "verified_end_time": 4102444800,
            "subject_type": 1,
            "corp_wxqrcode": f"https://sandbox.invalid/qrcode/{self.corp_id}",
            "corp_scale": "1-50人",
            "corp_industry": "IT服务",
            "corp_sub_industry": "计算机软件/硬件/信息服务",
            "location": "广东省深圳市",
        }

    def summary(self) -> dict[str, Any]:
        """For the admin API and the consent page (no secrets)."""
        return {
            "corp_id": self.corp_id,
            "corp_name": self.corp_name,
            "agent_id": self.agent_id,
            "authorized": self.authorized,
            "cancelled": self.authorization is not None and self.authorization.cancelled,
            "customized": self.authorization is not None and self.authorization.customized,
            "departments": [d.as_json() for d in self.departments.values()],
            "users": [u.as_json() for u in self.users.values()],
        }


_SAMPLES: list[tuple[str, list[tuple[int, str, int]], list[tuple[str, str, list[int], str]]]] = [
    (
        "Acme 示例科技",
        [(1, "Acme 示例科技", 0), (2, "研发部", 1), (3, "销售部", 1)],
        [("zhangsan", "张三", [1], "CEO"), ("lisi", "李四", [2], "工程师"), ("wangwu", "王五", [3], "销售")],
    ),
    (
        "Globex 环球贸易",
        [(1, "Globex 环球贸易", 0), (2, "财务部", 1)],
        [("alice", "Alice", [1], "Owner"), ("bob", "Bob", [2], "Accountant")],
    ),
    (
        "Initech 初创工作室",
        [(1, "Initech 初创工作室", 0)],
        [("peter", "Peter", [1], "Founder")],
    ),
]


def default_companies(provider_corp_id: str, corp_ids: Sequence[str] = ()) -> list[SimCompany]:
    """Three companies with fresh random corp ids (or ``corp_ids``, in order, to keep them across runs);
    the first user of each is its admin (the installer)."""
    companies: list[SimCompany] = []
    for index, (name, departments, users) in enumerate(_SAMPLES):
        corp_id = corp_ids[index] if index < len(corp_ids) else "ww" + secrets.token_hex(8)
        company = SimCompany(corp_id=corp_id, corp_name=name, agent_id=1000002 + index,
                             customers=sample_customers(corp_id))
        for dep_id, dep_name, parent in departments:
            company.departments[dep_id] = SimDepartment(dep_id, dep_name, parent)
        for position, (userid, user_name, deps, title) in enumerate(users):
            company.users[userid] = SimUser(
                userid=userid,
                name=user_name,
                department=deps,
                open_userid=open_userid_for(provider_corp_id, corp_id, userid),
                position=title,
                is_admin=position == 0,
            )
        companies.append(company)
    return companies
