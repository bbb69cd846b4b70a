"""A company's customers (外部联系人) and the ids WeCom gives them, for the ID-conversion endpoints.

WeCom shows each id in two "subjects": the company's own (企业主体, what the company's self-built apps
see) and the provider's (服务商主体, what a provider's apps see after the ID upgrade). The sandbox derives
every provider-subject id from the company-subject one with a keyed hash, so a conversion is stable
across calls and two providers never see the same id. ``pending_id`` s (unionid → future customer)
are remembered per company and live 90 days.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["PENDING_ID_LIFETIME", "CustomerDirectory", "SimCustomer", "provider_id", "sample_customers"]

PENDING_ID_LIFETIME = 90 * 86400  # seconds


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def provider_id(provider_corp_id: str, corp_id: str, company_subject_id: str, prefix: str) -> str:
    """The provider-subject twin of a company-subject id (external_userid, tag id, 微信客服 id)."""
    return prefix + _digest("provider", provider_corp_id, corp_id, company_subject_id)[:30]


@dataclass
class SimCustomer:
    """A WeChat user who is the company's customer: their unionid/openid (as the provider's mini program
    sees them), the company-subject external_userid, and the group chats they are in."""

    unionid: str
    openid: str
    external_userid: str
    chats: list[str] = field(default_factory=list)


@dataclass
class CustomerDirectory:
    """Customers, customer tags (客户标签) and 微信客服 accounts of one company, by company-subject id."""

    customers: dict[str, SimCustomer] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    kf_accounts: list[str] = field(default_factory=list)
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)  # unionid -> (pending_id, expires at)
    migration_finished: bool = False  # service/externalcontact/finish_external_userid_migration was called
    # service/finish_openid_migration: (agentid, openid_type) pairs set to 迁移完成; agentid 0 = the provider's
    # third-party apps, else one 代开发 app
    openid_migrated: set[tuple[int, int]] = field(default_factory=set)
    temporary: dict[str, tuple[str, int]] = field(default_factory=dict)  # tmp id -> (external_userid, business)

    def by_unionid(self, unionid: str, openid: str) -> SimCustomer | None:
        return next((c for c in self.customers.values() if c.unionid == unionid and c.openid == openid), None)

    def tmp_external_userid(self, corp_id: str, external_userid: str, business_type: int) -> str:
        """The temporary id a meeting (1), form (2) or smart sheet (3) shows for a customer."""
        tmp = "tmp" + _digest("tmp", corp_id, external_userid, str(business_type))[:29]
        self.temporary[tmp] = (external_userid, business_type)
        return tmp

    def add(self, corp_id: str, unionid: str, openid: str, *, chats: list[str] | None = None) -> SimCustomer:
        """Admin action: a WeChat user became a customer (added a member, or joined a group chat)."""
        external_userid = "wm" + _digest("customer", corp_id, unionid)[:30]
        customer = SimCustomer(unionid, openid, external_userid, list(chats or []))
        self.customers[external_userid] = customer
        return customer


def sample_customers(corp_id: str) -> CustomerDirectory:
    """Two customers (one only in the company's group chat), two tags and one 微信客服 account."""
    directory = CustomerDirectory()
    chat = "wr" + _digest("chat", corp_id)[:30]
    for index in range(2):
        unionid = "oU" + _digest("unionid", corp_id, str(index))[:26]
        openid = "oP" + _digest("openid", corp_id, str(index))[:26]
        directory.add(corp_id, unionid, openid, chats=[chat] if index else [])
    directory.tags = ["et" + _digest("tag", corp_id, str(i))[:28] for i in range(2)]
    directory.kf_accounts = ["wk" + _digest("kf", corp_id)[:28]]
    return directory
