"""Generated requests for fuzzing the callback endpoints, shared by tests/fuzz (short runs in
``make test``) and bench/fuzz_inprocess.py / bench/fuzz_http.py (a million in process, 50,000 over
HTTP, in ``make soak``).

Three families, drawn at random: raw requests (any method, path, query, headers and bytes); envelopes
correctly signed over a ciphertext that is not one; and envelopes correctly signed *and* encrypted
with the suite's keys whose plaintext is hostile (wrong types, missing fields, huge numbers, deep
nesting, unknown InfoTypes, entity tricks, not XML at all). The app must answer every one with a
status below 500 and never raise.
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from wecom_suite.crypto import MsgCrypt, compute_signature
from wecom_suite.xml import to_xml

TOKEN = "fuzzTOKEN42"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SUITE = "wwfuzzsuite000001"
PROVIDER = "wwfuzzprovider001"
CORP = "wwfuzzcorp0000001"
START = 1_700_000_000  # the ManualClock's time in process; over HTTP the real time is passed in
PREFIX = "/wecom"
ENDPOINTS = ["/callback/instruction", "/callback/data", "/callback/system", "/install", "/install/callback"]

INFO_TYPES = [
    "suite_ticket",
    "create_auth",
    "change_auth",
    "cancel_auth",
    "reset_permanent_code",
    "change_contact",
    "change_external_contact",
    "change_external_chat",
    "change_external_tag",
    "share_agent_change",
    "share_chain_change",
    "change_app_admin",
    "batch_job_result",
    "license_pay_success",
    "license_refund",
    "auto_activate",
    "register_corp",
    "open_order",
    "change_order",
    "pay_for_app_success",
    "change_editon",
    "corp_arch_auth",
    "approve_special_auth",
    "cancel_special_auth",
    "unlicensed_notify",
    "not_a_real_info_type",
    "",
]
CHANGE_TYPES = [
    "create_user",
    "update_user",
    "delete_user",
    "create_party",
    "update_party",
    "delete_party",
    "update_tag",
    "x",
]
FIELD_NAMES = [
    "SuiteId",
    "AuthCorpId",
    "ServiceCorpId",
    "InfoType",
    "TimeStamp",
    "SuiteTicket",
    "AuthCode",
    "ChangeType",
    "UserID",
    "OpenUserID",
    "NewUserID",
    "Department",
    "MainDepartment",
    "IsLeaderInDept",
    "Id",
    "ParentId",
    "Order",
    "TagId",
    "AddUserItems",
    "DelUserItems",
    "ExtAttr",
    "Item",
    "Gender",
    "Status",
    "Event",
    "MsgType",
    "AgentID",
    "CreateTime",
    "OrderId",
    "BuyerCorpId",
    "JobId",
    "JobType",
    "State",
    "FailReason",
]

# -- leaf values -------------------------------------------------------------------------------------------

_text = st.text(max_size=40)
huge_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["9" * 400, "-0", "1e309", "NaN", "inf", "0x10", " 12 ", "1,,2", ",", "٣"]),
)
leaf = st.one_of(_text, huge_numbers, st.sampled_from(["", SUITE, CORP, PROVIDER, "true", "null"]))


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dictionaries(st.sampled_from([*FIELD_NAMES, "Text", "Value", "Name"]), children, max_size=4),
        st.lists(children, max_size=4),
    )


values = st.recursive(leaf, _node, max_leaves=12)


_suite_ids = st.sampled_from([SUITE, SUITE, SUITE, PROVIDER, "wwother", ""])
_info_types = st.sampled_from(INFO_TYPES) | _text
_timestamps = st.sampled_from([START, str(START)]) | huge_numbers
_auth_corp_ids = st.sampled_from([CORP, "", "wx" + "a" * 200]) | _text
_service_corp_ids = st.sampled_from([PROVIDER, ""]) | _text
_change_types = st.sampled_from(CHANGE_TYPES)
_extra_fields = st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=8)
_one_in_ten = st.integers(0, 9)
_booleans = st.booleans()


@st.composite
def hostile_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A callback document: mostly plausible (SuiteId, InfoType, TimeStamp), then anything."""
    fields: dict[str, Any] = {}
    if draw(_one_in_ten):
        fields["SuiteId"] = draw(_suite_ids)
    if draw(_one_in_ten):
        fields["InfoType"] = draw(_info_types)
    if draw(_one_in_ten):
        fields["TimeStamp"] = draw(_timestamps)
    if draw(_booleans):
        fields["AuthCorpId"] = draw(_auth_corp_ids)
    if draw(_booleans):
        fields["ServiceCorpId"] = draw(_service_corp_ids)
    if draw(_booleans):
        fields["ChangeType"] = draw(_change_types)
    extra = draw(_extra_fields)
    for name, value in extra.items():
        fields.setdefault(name, value)
    return fields


def _safe_name(name: str) -> str:
    return name if name and name[0].isalpha() else "X" + name


_TRICKS = [
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    "<xml><InfoType>&b;</InfoType></xml>",
    '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><SuiteId>&xxe;</SuiteId></xml>',
    f"<xml><SuiteId>{SUITE}</SuiteId><InfoType>suite_ticket</InfoType><SuiteTicket><![CDATA[a]]]]><![CDATA[>]]></SuiteTicket></xml>",
    f"<xml><SuiteId>{SUITE}</SuiteId><SuiteId>{SUITE}</SuiteId><InfoType>suite_ticket</InfoType></xml>",
    "<xml><InfoType>suite_ticket</InfoType><TimeStamp>1</TimeStamp></xml>",
    "<xml></xml>",
    "<xml/>",
    "<xml>",
    "<?xml version='1.0' encoding='gbk'?><xml><a>\u4e2d</a></xml>",
    "<xml><a b='1'>x</a></xml>",
    "<xml>&lt;&#0;&#xD800;</xml>",
]
_kinds = st.integers(0, 9)
_depths = st.integers(1, 3000)
_deep_inner = st.sampled_from(["x", "", "<![CDATA[y]]>"])
_deep_tags = st.sampled_from(["a", "Item", "xml", "ExtAttr"])
_info_type_names = st.sampled_from(INFO_TYPES)
_tricks = st.sampled_from(_TRICKS)
_soup_names = st.lists(st.sampled_from(FIELD_NAMES), max_size=10)
_not_xml = st.text(max_size=200)


@st.composite
def hostile_plaintext(draw: st.DrawFn) -> str:
    """What goes inside the encryption: a hostile XML document, or something that is not one."""
    kind = draw(_kinds)
    if kind <= 5:
        try:
            return to_xml(draw(hostile_fields()))
        except (ValueError, TypeError):  # a value to_xml refuses (e.g. a control character): send it raw
            return "<xml>" + draw(_text) + "</xml>"
    if kind == 6:  # deep nesting
        depth = draw(_depths)
        inner = draw(_deep_inner)
        tag = draw(_deep_tags)
        head = f"<xml><InfoType>{draw(_info_type_names)}</InfoType><SuiteId>{SUITE}</SuiteId>"
        return head + f"<{tag}>" * depth + inner + f"</{tag}>" * depth + "</xml>"
    if kind == 7:  # entity and DOCTYPE tricks
        return draw(_tricks)
    if kind == 8:  # a tag soup of real field names
        names = draw(_soup_names)
        body = "".join(f"<{_safe_name(n)}>{draw(leaf)!s}</{_safe_name(n)}>" for n in names)
        return f"<xml>{body}</xml>"
    return draw(_not_xml)  # not XML


# -- requests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    kind: str = "raw"  # raw | signed | encrypted
    plaintext: str | None = field(default=None, repr=False)  # encrypted requests: what was encrypted
    receive_id: str = ""

    @property
    def query_string(self) -> str:
        return urlencode(self.query)


_CRYPTS: dict[str, MsgCrypt] = {}


def _crypt() -> MsgCrypt:
    if KEY not in _CRYPTS:
        _CRYPTS[KEY] = MsgCrypt(KEY)
    return _CRYPTS[KEY]


_query_value = st.one_of(
    _text,
    huge_numbers.map(str),
    st.sampled_from(["", "0", str(START), "a" * 5000]),
    st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
)
_query = st.dictionaries(
    st.sampled_from(["msg_signature", "timestamp", "nonce", "echostr", "auth_code", "state", "go", "expires_in"])
    | _text,
    _query_value,
    max_size=6,
)
_headers = st.dictionaries(
    st.sampled_from(["content-type", "x-forwarded-host", "x-forwarded-proto", "host", "x-odd"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    max_size=3,
)
_method = st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
_path = st.one_of(
    st.sampled_from([PREFIX + e for e in ENDPOINTS]),
    st.sampled_from(ENDPOINTS),
    st.sampled_from([PREFIX + e + "/" for e in ENDPOINTS]),
    st.text(string.ascii_letters + string.digits + "/._-%", max_size=40).map(lambda p: "/" + p),
)


_ts_offsets = st.sampled_from([0, -1000, 1000]) | st.integers(-(2**40), 2**40)
_nonces = st.text(string.ascii_letters + string.digits, max_size=12)
_nonces1 = st.text(string.ascii_letters + string.digits, min_size=1, max_size=12)
_callback_endpoints = st.sampled_from(ENDPOINTS[:3])
_to_users = st.sampled_from([SUITE, PROVIDER, CORP, ""])
_receive_ids = st.sampled_from([SUITE, SUITE, SUITE, PROVIDER, CORP, "", "wwunknown"])
_encrypted_endpoints = st.sampled_from(
    ["/callback/instruction", "/callback/instruction", "/callback/system", "/callback/data"]
)
_random16 = st.binary(min_size=16, max_size=16)
_suite_or_provider = st.sampled_from([SUITE, PROVIDER])
_agents = st.sampled_from(["", "1", "x" * 50])


def envelope_body(encrypted: str, to_user: str, agent: str = "") -> bytes:
    return to_xml({"ToUserName": to_user, "Encrypt": encrypted, "AgentID": agent}).encode()


@st.composite
def raw_requests(draw: st.DrawFn) -> FuzzRequest:
    body = draw(
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([b"", b"<xml></xml>", b"<xml><Encrypt>", b"\xff\xfe<\x00x\x00", b"<xml>" * 2000]),
            _text.map(lambda t: f"<xml><ToUserName>{t}</ToUserName><Encrypt><![CDATA[{t}]]></Encrypt></xml>".encode()),
        )
    )
    return FuzzRequest(draw(_method), draw(_path), draw(_query), draw(_headers), body, "raw")


def _signed_query(encrypted: str, timestamp: str, nonce: str) -> dict[str, str]:
    return {
        "msg_signature": compute_signature(TOKEN, timestamp, nonce, encrypted),
        "timestamp": timestamp,
        "nonce": nonce,
    }


@st.composite
def signed_requests(draw: st.DrawFn, now: int = START) -> FuzzRequest:
    """A correct signature over an ``Encrypt`` that is not a valid ciphertext (or a GET echostr)."""
    encrypted = draw(
        st.one_of(
            st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
            st.text(string.ascii_letters + string.digits + "+/=", max_size=120),
            st.binary(min_size=16, max_size=64).map(lambda b: base64.b64encode(b * 3).decode()),
        )
    )
    timestamp = str(now + draw(_ts_offsets))
    nonce = draw(_nonces)
    endpoint = draw(_callback_endpoints)
    query = _signed_query(encrypted, timestamp, nonce)
    if draw(_booleans):
        return FuzzRequest("GET", PREFIX + endpoint, {**query, "echostr": encrypted}, {}, b"", "signed")
    to_user = draw(_to_users)
    return FuzzRequest("POST", PREFIX + endpoint, query, {}, envelope_body(encrypted, to_user), "signed")


@st.composite
def encrypted_requests(draw: st.DrawFn, now: int = START) -> FuzzRequest:
    """Signed and encrypted with the suite's keys; the plaintext is hostile."""
    plaintext = draw(hostile_plaintext())
    receive_id = draw(_receive_ids)
    endpoint = draw(_encrypted_endpoints)
    random16 = draw(_random16)
    encrypted = _crypt().encrypt(plaintext, receive_id, random=random16)
    nonce = draw(_nonces1)
    query = _signed_query(encrypted, str(now), nonce)
    if draw(_one_in_ten) == 0:
        return FuzzRequest(
            "GET", PREFIX + endpoint, {**query, "echostr": encrypted}, {}, b"", "encrypted", plaintext, receive_id
        )
    to_user = draw(_suite_or_provider) if draw(_booleans) else receive_id
    agent = draw(_agents)
    return FuzzRequest(
        "POST",
        PREFIX + endpoint,
        query,
        {"content-type": "text/xml"},
        envelope_body(encrypted, to_user, agent),
        "encrypted",
        plaintext,
        receive_id,
    )


def requests(now: int = START) -> st.SearchStrategy[FuzzRequest]:
    """The mix: a fifth raw, a fifth signed, three fifths signed and encrypted."""
    return st.one_of(
        raw_requests(), signed_requests(now), encrypted_requests(now), encrypted_requests(now), encrypted_requests(now)
    )


def valid_suite_ticket(now: int, serial: int) -> FuzzRequest:
    """A correct suite_ticket callback: the service must still accept one after the fuzzing."""
    plain = to_xml(
        {"SuiteId": SUITE, "InfoType": "suite_ticket", "TimeStamp": now, "SuiteTicket": f"after-fuzz-{serial}"}
    )
    encrypted = _crypt().encrypt(plain, SUITE)
    query = _signed_query(encrypted, str(now), f"final{serial}")
    return FuzzRequest("POST", PREFIX + "/callback/instruction", query, {}, envelope_body(encrypted, SUITE), "valid")


def valid_callback(info_type: str, serial: int, now: int = START) -> tuple[FuzzRequest, str]:
    """A correct suite_ticket or change_contact callback, unique per ``serial``, and its inbox id
    (sha256 of receive id + plaintext, as ``CallbackContext.digest``)."""
    fields: dict[str, object] = {"SuiteId": SUITE, "InfoType": info_type, "TimeStamp": now}
    if info_type == "suite_ticket":
        fields["SuiteTicket"] = f"ticket-{serial}"
    else:
        fields.update(AuthCorpId=CORP, ChangeType="update_user", UserID=f"user{serial}", Name=f"成员{serial}")
    plain = to_xml(fields)
    encrypted = _crypt().encrypt(plain, SUITE)
    query = _signed_query(encrypted, str(now), f"v{serial}")
    request = FuzzRequest("POST", PREFIX + "/callback/instruction", query, {}, envelope_body(encrypted, SUITE), "valid")
    return request, hashlib.sha256(SUITE.encode() + plain.encode()).hexdigest()


def config_settings(store_url: str, api_base_url: str = "http://127.0.0.1:9") -> dict[str, str]:
    """The suite the fuzzer talks to (provider_corp_id set, so the system-event URL is on too)."""
    return {
        "suite_id": SUITE,
        "suite_secret": "fuzz-suite-secret-0123456789abcdef",
        "token": TOKEN,
        "encoding_aes_key": KEY,
        "provider_corp_id": PROVIDER,
        "store_url": store_url,
        "url_prefix": PREFIX,
        "api_base_url": api_base_url,  # nothing listens there: processing never leaves the machine
    }


# -- cheap variations ------------------------------------------------------------------------------------------
# Hypothesis spends ~4 ms choosing a structured request and the app ~0.06 ms answering it, so a long run
# derives further inputs from each drawn one with a seeded ``random.Random``: the plaintext of an
# encrypted request is mutated and encrypted and signed again (still a valid callback), other requests
# get their bytes and query values mutated.

_INTERESTING = [
    "",
    "0",
    "-1",
    "9" * 40,
    "1e999",
    "\x00",
    "<",
    "]]>",
    "&amp;",
    "<a>" * 50,
    "\u202e",
    "\ud7ff" * 3,
    "A" * 70000,
]


def _mutate_text(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(_INTERESTING)
    i = rng.randrange(len(text))
    j = min(len(text), i + rng.randint(0, 16))
    op = rng.randrange(6)
    if op == 0:  # delete a span
        return text[:i] + text[j:]
    if op == 1:  # duplicate a span
        return text[:j] + text[i:j] + text[j:]
    if op == 2:  # overwrite with an interesting value
        return text[:i] + rng.choice(_INTERESTING) + text[j:]
    if op == 3:  # flip a character
        return (
            text[:i]
            + chr(rng.choice([0x3C, 0x3E, 0x26, 0x22, 0x2F, 0x5D, 0x30, 0x4E2D, ord(text[i]) ^ 1]))
            + text[i + 1 :]
        )
    if op == 4:  # truncate
        return text[:i]
    return text[:i] + text[i:j] * rng.randint(2, 200) + text[j:]  # repeat a span many times


def derive(request: FuzzRequest, rng: random.Random, now: int = START) -> FuzzRequest:
    """A variation of ``request``; an encrypted one stays correctly encrypted and signed."""
    if request.plaintext is not None:
        plaintext = request.plaintext
        for _ in range(rng.randint(1, 3)):
            plaintext = _mutate_text(plaintext, rng)
        encrypted = _crypt().encrypt(plaintext, request.receive_id, random=rng.randbytes(16))
        query = _signed_query(encrypted, str(now), f"d{rng.getrandbits(40)}")
        if request.method == "GET":
            query["echostr"] = encrypted
            return FuzzRequest("GET", request.path, query, {}, b"", "encrypted", plaintext, request.receive_id)
        to_user = request.receive_id if rng.random() < 0.8 else SUITE
        body = envelope_body(encrypted, to_user)
        return FuzzRequest(
            "POST", request.path, query, request.headers, body, "encrypted", plaintext, request.receive_id
        )
    query = dict(request.query)
    body = request.body
    if query and rng.random() < 0.5:
        name = rng.choice(sorted(query))
        query[name] = _mutate_text(query[name], rng)
    if rng.random() < 0.7:
        body = _mutate_text(body.decode("latin-1"), rng).encode("latin-1", "replace")
    return FuzzRequest(request.method, request.path, query, request.headers, body, request.kind)
