"""The official WXBizMsgCrypt vectors from docs/protocol.md §1.9, against our crypto core."""

from wecom_suite.crypto import MsgCrypt, compute_signature

KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def test_official_get_vector() -> None:
    echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    assert compute_signature("QDG6eK", "1409659589", "263014780", echostr) == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
    out = MsgCrypt(KEY).decrypt(echostr)
    assert out.message == b"1616140317555161061"
    assert out.receive_id == "wx5823bf96d3bd56c7"
    assert out.random == b"c41b64491c2468d0"


def test_deterministic_suite_ticket_vector() -> None:
    msg = (
        "<xml><SuiteId><![CDATA[ww4asffe99e54c0f4c]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType>"
        "<TimeStamp>1403610513</TimeStamp><SuiteTicket><![CDATA[asdfasfdasdfasdf]]></SuiteTicket></xml>"
    )
    enc = MsgCrypt(KEY).encrypt(msg, "ww4asffe99e54c0f4c", random=b"0123456789abcdef")
    assert enc.startswith("sKqRbbiSUnDhFHOvPjtUMaaogxpwTBv7Wl+jZyBBqkErFQ+KUsAHG3RDddmrDiHnVnjQ/TW1Jhl")
    assert compute_signature("QDG6eK", "1403610513", "1320562132", enc) == "d843424f4b49a1cedbcd1a3cf8a59e03c18d76a2"
    ok = MsgCrypt(KEY).encrypt("success", "ww4asffe99e54c0f4c", random=b"0123456789abcdef")
    assert ok == "sKqRbbiSUnDhFHOvPjtUMfWoGSmNrjJigfQCcvpCgnVU/PFWxjBo+R7xROnpCZKktoUluX/n2X4ajihjHx3i2g=="
