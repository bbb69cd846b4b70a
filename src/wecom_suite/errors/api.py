"""Errors from WeCom's HTTP APIs: one class per kind of failure, each with a hint that says what to do.

WeCom answers HTTP 200 with a non-zero ``errcode`` when a call fails (全局错误码). :func:`error_for` turns
an ``errcode`` into the matching :class:`WeComError` subclass and attaches the hint from
:data:`ERRCODE_HINTS`. Transport-level failures (no answer, HTTP 5xx, unreadable answer) have their own
classes, and :class:`RequestMayHaveReachedWeCom` marks the one case the client must never paper over:
a one-time code that may already have been consumed.
"""

from __future__ import annotations

from ..redaction import redact_url
from .base import WeComSuiteError

__all__ = [
    "ERRCODE_HINTS",
    "AuthorizationRevoked",
    "IPNotWhitelisted",
    "InvalidCredential",
    "InvalidParameter",
    "MalformedResponse",
    "NotAllowed",
    "OneTimeCodeInvalid",
    "RateLimited",
    "RequestMayHaveReachedWeCom",
    "SystemBusy",
    "TokenExpired",
    "WeComError",
    "WeComHTTPError",
    "WeComUnreachable",
    "error_for",
]


class WeComError(WeComSuiteError):
    """WeCom answered with a non-zero ``errcode``; ``api`` names the endpoint that was called."""

    def __init__(self, errcode: int, errmsg: str = "", *, hint: str | None = None, api: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = redact_url(errmsg)
        self.api = api
        where = f" from {api}" if api else ""
        super().__init__(
            f"WeCom error {errcode}{where}: {self.errmsg}",
            hint=hint if hint is not None else ERRCODE_HINTS.get(errcode, _DEFAULT_HINT.format(errcode=errcode)),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.errcode!r}, {self.errmsg!r}, api={self.api!r})"


class TokenExpired(WeComError):
    """The access token was rejected as expired/invalid even after one refresh and retry
    (40014, 40082, 42001, 42009)."""


class InvalidCredential(WeComError):
    """A secret, ticket, id or permanent code is wrong: fix configuration, retrying will not help."""


class AuthorizationRevoked(InvalidCredential):
    """The company's permanent code no longer works (cancel_auth or reset): it must install again."""


class RateLimited(WeComError):
    """WeCom throttled the caller (45009 frequency, 45033 concurrency); retried with back-off, still limited."""


class SystemBusy(WeComError):
    """WeCom reported ``-1`` (system busy) or a conflict (6000) on every attempt."""


class NotAllowed(WeComError):
    """The app lacks the permission, scope or trusted domain for this call."""


class IPNotWhitelisted(NotAllowed):
    """The calling IP is not in the app's trusted IP list (可信IP, 60020)."""


class OneTimeCodeInvalid(WeComError):
    """A single-use or short-lived code (auth_code, pre_auth_code, oauth code, user_ticket) is used or expired."""


class InvalidParameter(WeComError):
    """The request itself is wrong (a missing or malformed parameter)."""


class WeComHTTPError(WeComSuiteError):
    """WeCom (or a proxy in front of it) answered with an HTTP status other than 200."""

    def __init__(self, status: int, *, api: str, attempts: int = 1) -> None:
        self.status = status
        self.api = api
        self.attempts = attempts
        retried = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(
            f"HTTP {status} from {api}{retried}",
            hint="WeCom or a proxy on the way is failing; the call was retried with back-off where safe. "
            "Check the network path / base_url and try again later",
        )


class WeComUnreachable(WeComSuiteError):
    """No answer at all (connection refused, reset, timed out), on every attempt."""

    def __init__(self, detail: str, *, api: str, attempts: int = 1) -> None:
        self.detail = redact_url(detail)
        self.api = api
        self.attempts = attempts
        super().__init__(
            f"could not reach WeCom for {api} after {attempts} attempt(s): {self.detail}",
            hint="check DNS, proxy and firewall settings, the configured base_url, and the timeout",
        )


class MalformedResponse(WeComSuiteError):
    """WeCom's answer could not be read (not JSON, or missing a documented field)."""

    def __init__(self, detail: str, *, api: str) -> None:
        self.detail = redact_url(detail)
        self.api = api
        super().__init__(
            f"unreadable answer from {api}: {self.detail}",
            hint="check that base_url points at WeCom (or the sandbox) and not at a proxy's error page",
        )


class RequestMayHaveReachedWeCom(WeComSuiteError):
    """A call that spends a one-time code (or changes state) failed in a way that leaves it unknown
    whether WeCom processed it, so it was deliberately NOT retried.

    ``errcode`` is set when WeCom answered ``-1``; ``status`` when it answered HTTP 5xx; otherwise
    ``detail`` describes the transport failure (timeout, reset).
    """

    def __init__(
        self,
        *,
        api: str,
        detail: str,
        errcode: int | None = None,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.api = api
        self.detail = redact_url(detail)
        self.errcode = errcode
        self.status = status
        super().__init__(
            f"{api} may have reached WeCom and was not retried: {self.detail}",
            hint=hint
            or (
                "the one-time code may already be consumed: do not resend it. For an install, look up the "
                "company (a create_auth callback or get_auth_info) or ask the admin to authorise again"
            ),
        )


_DEFAULT_HINT = "look the code up at https://open.work.weixin.qq.com/devtool/query?e={errcode}"

_RETRIED_ONCE_ADVICE = (
    "the access token was refreshed and the call retried once; it was rejected again: check that no other "
    "system uses the same secret, and that the token belongs to this suite/company"
)

# errcode -> what to do (docs/protocol.md §5). Hints are short and actionable.
ERRCODE_HINTS: dict[int, str] = {
    -1: "WeCom is busy; the call was retried with back-off. Try again later",
    6000: "concurrent modification of the same data; retry later",
    40001: "invalid secret: check suite_secret / provider_secret / corpsecret in the configuration",
    40003: "invalid UserID: check the userid (it may be an encrypted open_userid for this suite)",
    40013: "invalid CorpID: check the corp id (third-party apps may see encrypted corp ids)",
    40014: "invalid access_token (often an expired one); " + _RETRIED_ONCE_ADVICE,
    40029: "invalid oauth code (used, expired after 5 minutes, or issued to another app): restart the login",
    40031: "at least one UserID is not in the company's contacts",
    40056: "invalid agentid: use the agentid from auth_info.agent[] of this company",
    40057: "invalid callback URL or URL verification failed: check the URL in the console",
    40058: "invalid parameter: the errmsg names the field (an auth_code must be at least 64 bytes)",
    40063: "a required parameter is empty",
    40077: "invalid pre_auth_code: get a new one with get_pre_auth_code",
    40078: "invalid auth_code (expired after 10 minutes or already used): start the install again",
    40080: "invalid suite_secret: check the suite's secret in the provider console",
    40082: "invalid suite_access_token / provider_access_token; " + _RETRIED_ONCE_ADVICE,
    40083: "invalid suite_id: check the suite id in the configuration",
    40084: "invalid permanent_code: the company cancelled or re-issued its authorisation; it must install again",
    40085: "invalid suite_ticket (older than 30 minutes or of another suite): wait for the next push (every 10 "
    "minutes) or press 'refresh ticket' (刷新Ticket) in the provider console",
    40086: "an app id in the request does not exist in this suite",
    40091: "invalid secret (for example another company's secret)",
    40093: "invalid jsapi_ticket: fetch a new one",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "secret missing",
    41025: "permanent_code missing",
    42001: "access_token expired; " + _RETRIED_ONCE_ADVICE,
    42007: "pre_auth_code expired (20 minutes): get a new one with get_pre_auth_code",
    42009: "suite_access_token expired; " + _RETRIED_ONCE_ADVICE,
    45009: "API call frequency limit reached; retried with back-off. WeCom blocks for 60 s (minute limit) or "
    "60 min (hour limit): cache tokens and tickets and spread calls",
    45033: "too many concurrent calls; retried with back-off. Lower the concurrency",
    47001: "WeCom could not parse the JSON body",
    48001: "this API is not authorised for the app",
    48002: "this API has no permission to be called: grant the permission in the console / by the admin",
    48003: "invalid suite_id (the suite_access_token was not issued for this suite)",
    48004: "the authorisation is invalid (not installed or cancelled): the company must install again",
    48005: "this API is deprecated: use its replacement",
    50001: "redirect_uri is not within the app's trusted domain (可信域名): fix the domain in the console",
    50002: "the member is outside the app's visible range (可见范围)",
    50003: "the app is disabled in this company",
    60011: "no privilege to access or modify this data (outside the visible range)",
    60020: "the calling IP is not in the trusted IP list (可信IP): add it in the provider console",
    84014: "user_ticket expired: the user must log in again",
    84015: "invalid user_ticket: the user must log in again",
    84019: "templateid_list is missing",
    84020: "a template id does not exist",
    84021: "register_code is missing",
    84022: "invalid register_code",
    84023: "not allowed to call the contact-sync-finished API",
    84024: "no registration information for this register_code",
    84025: "invalid state: use [a-zA-Z0-9] only, at most 128 bytes",
    301002: "no permission to operate this app (agent)",
}

_KINDS: dict[int, type[WeComError]] = {
    **dict.fromkeys((40014, 40082, 42001, 42009), TokenExpired),
    **dict.fromkeys((40001, 40013, 40080, 40083, 40085, 40091, 48003), InvalidCredential),
    **dict.fromkeys((40084, 48004), AuthorizationRevoked),
    **dict.fromkeys((45009, 45033), RateLimited),
    **dict.fromkeys((-1, 6000), SystemBusy),
    **dict.fromkeys((48001, 48002, 48005, 50001, 50002, 50003, 60011, 301002), NotAllowed),
    60020: IPNotWhitelisted,
    **dict.fromkeys((40029, 40077, 40078, 42007, 84014, 84015, 40093), OneTimeCodeInvalid),
    **dict.fromkeys(
        (40003, 40031, 40056, 40057, 40058, 40063, 40086, 41001, 41002, 41004, 41025, 47001,
         84019, 84020, 84021, 84022, 84023, 84024, 84025),
        InvalidParameter,
    ),
}


def error_for(errcode: int, errmsg: str = "", *, api: str | None = None, hint: str | None = None) -> WeComError:
    """The :class:`WeComError` subclass for ``errcode``, with the hint from :data:`ERRCODE_HINTS`."""
    return _KINDS.get(errcode, WeComError)(errcode, errmsg, hint=hint, api=api)
