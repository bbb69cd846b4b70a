"""Credentials an event carries (suite_ticket, auth codes, one-fetch tokens) are in no repr or dict form of
it, survive copies and pickling, and stay readable as plain ``str`` through the typed attribute."""

from __future__ import annotations

import copy
import json
import pickle
import pprint

import pytest

from wecom_suite.events import DATA_EVENT_CLASSES, EVENT_CLASSES, Event, parse_event
from wecom_suite.events.base import SECRET_FIELDS
from wecom_suite.redaction import SecretText
from wecom_suite.xml import to_xml

SECRET = "CREDENTIAL-never-printed-0123456789abcdefgh"

# Every class, instruction and data URL alike, whose field table reads a credential element.
SECRET_BEARING = sorted(
    {
        (key, cls, attr, tag)
        for table in (EVENT_CLASSES, DATA_EVENT_CLASSES)
        for key, cls in table.items()
        for attr, tag, _convert in cls._ALL_FIELDS
        if tag in SECRET_FIELDS
    },
    key=lambda row: row[0],
)


def _document(key: str, cls: type[Event], tag: str, secret: str = SECRET) -> bytes:
    if key in EVENT_CLASSES and cls is EVENT_CLASSES[key]:
        fields = {"SuiteId": "ww1", "InfoType": key, "TimeStamp": 1_700_000_000, "AuthCorpId": "wwcorp"}
    else:
        fields = {"ToUserName": "wwcorp", "FromUserName": "sys", "CreateTime": 1_700_000_000, "MsgType": "event",
                  "Event": key}
    return to_xml({**fields, tag: secret, "Extra": "plain"}).encode()


def test_the_credentials_this_release_knows_are_covered() -> None:
    keys = {row[0] for row in SECRET_BEARING}
    assert {"suite_ticket", "create_auth", "reset_permanent_code", "conversation_new_message", "hit_keyword",
            "kf_msg_or_event", "customer_acquisition"} <= keys


def test_a_field_named_like_a_credential_is_declared_secret() -> None:
    """A new event whose attribute is a ticket, code, token or secret must list its element in SECRET_FIELDS."""
    words = ("ticket", "auth_code", "permanent_code", "token", "secret", "chat_key")
    for table in (EVENT_CLASSES, DATA_EVENT_CLASSES):
        for cls in table.values():
            for attr, tag, _convert in cls._ALL_FIELDS:
                if any(word in attr for word in words):
                    assert tag in SECRET_FIELDS, f"{cls.__name__}.{attr} ({tag}) is a credential"


@pytest.mark.parametrize(("key", "cls", "attr", "tag"), SECRET_BEARING, ids=[row[0] for row in SECRET_BEARING])
def test_no_form_of_the_event_shows_its_credential(key: str, cls: type[Event], attr: str, tag: str) -> None:
    event = parse_event(_document(key, cls, tag))
    assert type(event) is cls
    again = pickle.loads(pickle.dumps(event))  # noqa: S301 - our own bytes
    for same in (event, copy.copy(event), copy.deepcopy(event), again):
        texts = [repr(same), str(same), f"{same}", repr(same.raw), str(same.raw), pprint.pformat(same.raw),
                 json.dumps(same.raw, default=str), repr(copy.deepcopy(same.raw))]
        for text in texts:
            assert SECRET not in text
        assert getattr(same, attr) == SECRET  # the handler's way in: a plain str
        assert type(getattr(same, attr)) is str
        assert isinstance(same.raw[tag], SecretText)
        assert same.raw[tag].reveal() == SECRET  # type: ignore[union-attr]
        assert same.raw["Extra"] == "plain"  # the other fields are as received
        assert same == event
    assert parse_event(_document(key, cls, tag, secret=SECRET + "x")) != event  # equality still sees the value


def test_the_parsed_dict_handed_in_is_not_changed() -> None:
    raw = {"SuiteId": "ww1", "InfoType": "suite_ticket", "TimeStamp": "1", "SuiteTicket": SECRET}
    event = parse_event(raw)  # type: ignore[arg-type]
    assert raw["SuiteTicket"] == SECRET
    assert event.raw is not raw
    plain = parse_event({"SuiteId": "ww1", "InfoType": "change_auth", "TimeStamp": "1"})
    assert all(isinstance(value, str) for value in plain.raw.values())



def test_a_nested_credential_is_sealed_too() -> None:
    """register_corp carries an access token for the contact sync inside ``<ContactSync>``."""
    document = to_xml({
        "ServiceCorpId": "wwprovider", "InfoType": "register_corp", "TimeStamp": 1_700_000_000,
        "RegisterCode": "r1", "AuthCorpId": "wwcorp",
        "ContactSync": {"AccessToken": SECRET, "ExpiresIn": 7200},
        "AuthUserInfo": {"UserId": "zhangsan"},
    }).encode()
    event = parse_event(document)
    assert event.contact_sync_access_token == SECRET  # type: ignore[attr-defined]
    for text in (repr(event), repr(event.raw), json.dumps(event.raw, default=str), repr(copy.deepcopy(event).raw)):
        assert SECRET not in text
    sync = event.raw["ContactSync"]
    assert isinstance(sync, dict)
    assert isinstance(sync["AccessToken"], SecretText)
    assert sync["ExpiresIn"] == "7200"
    assert event.raw["AuthUserInfo"] == {"UserId": "zhangsan"}
    assert pickle.loads(pickle.dumps(event)).contact_sync_access_token == SECRET  # noqa: S301


def test_repeated_and_deeply_nested_credentials_are_sealed() -> None:
    raw = {"InfoType": "conversation_new_message", "TimeStamp": "1", "Token": [SECRET, SECRET + "2"],
           "Deep": {"List": [{"AuthCode": SECRET}, "plain"], "ChatKey": {"Inner": SECRET}}}
    event = parse_event(raw)  # type: ignore[arg-type]
    assert SECRET not in repr(event.raw)
    assert event.raw == raw  # equal to what was parsed, text for text
    assert event.raw["Deep"]["List"][1] == "plain"  # type: ignore[call-overload,index]
    assert type(event.raw["Deep"]["List"][1]) is str  # type: ignore[call-overload,index]
