"""Errors raised by the stores and the token layer."""

from __future__ import annotations

from .base import WeComSuiteError

__all__ = ["CompanyNotFound", "LockTimeout", "StoreError", "TicketExpired", "TicketNotFound"]


class StoreError(WeComSuiteError):
    """A store backend failed or was misconfigured."""


class TicketNotFound(StoreError, LookupError):
    """No suite_ticket has been received for a suite (the seed's ``ErrNotFound``)."""

    def __init__(self, suite_id: str) -> None:
        self.suite_id = suite_id
        super().__init__(
            f"no suite_ticket received yet for suite {suite_id}",
            hint=(
                "WeCom pushes a suite_ticket to the instruction callback URL every 10 minutes; check that the "
                "URL is reachable and verified, or press 'refresh ticket' (刷新Ticket) in the provider console"
            ),
        )


class TicketExpired(TicketNotFound):
    """The newest suite_ticket is older than its 30-minute validity."""

    def __init__(self, suite_id: str, age_seconds: float) -> None:
        super().__init__(suite_id)
        self.age_seconds = age_seconds
        self.args = (
            f"the newest suite_ticket for suite {suite_id} is {int(age_seconds)} s old; "
            "a ticket is valid for 30 minutes",
        )
        self.hint = (
            "no push has arrived for over 30 minutes: check the instruction callback URL and its logs, "
            "or press 'refresh ticket' (刷新Ticket) in the provider console"
        )


class CompanyNotFound(StoreError, LookupError):
    """An authorising company (auth corp) is not in the registry, or has revoked the suite."""

    def __init__(self, suite_id: str, corp_id: str, *, revoked: bool = False) -> None:
        self.suite_id = suite_id
        self.corp_id = corp_id
        self.revoked = revoked
        what = "has cancelled its authorisation of" if revoked else "has not installed"
        super().__init__(
            f"company {corp_id} {what} suite {suite_id}",
            hint="the company must install (authorise) the app again" if revoked
            else "install the app in that company first, or check the corp id",
        )


class LockTimeout(StoreError, TimeoutError):
    """Waiting for another process's refresh took longer than allowed."""
