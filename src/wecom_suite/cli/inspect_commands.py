"""``corps``, ``ticket`` and ``token``: look into the store the service uses (read-only by default)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import click

from ..api.client import SuiteClient
from ..app.client_options import client_options
from ..app.config import SuiteConfig, open_configured_store
from ..errors import CompanyNotFound, StoreError
from ..redaction import redact, redact_url
from ..stores.records import CompanyState, StoredToken
from ..stores.store import Store
from ..stores.token_keys import corp_token_key, provider_token_key, suite_token_key
from ..tokens.manager import TokenManager
from .loading import load_one

__all__ = ["corps", "ticket", "token"]


def when(timestamp: float | None) -> str:
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def shown(secret: str, reveal: bool) -> str:
    return secret if reveal else redact(secret)


@contextmanager
def opened(ctx: click.Context) -> Iterator[tuple[SuiteConfig, Store]]:
    config = load_one(ctx)
    store = open_configured_store(config)
    try:
        yield config, store
    finally:
        store.close()


# -- corps ------------------------------------------------------------------------------------------


@click.group()
def corps() -> None:
    """The companies (授权企业) that installed the suite."""


@corps.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include companies that cancelled (revoked).")
@click.pass_context
def corps_list(ctx: click.Context, show_all: bool) -> None:
    """One line per company: corp id, state, install time, name."""
    with opened(ctx) as (config, store):
        state = None if show_all else CompanyState.ACTIVE
        records = sorted(store.companies.list_companies(config.suite_id, state=state), key=lambda r: r.installed_at)
        if not records:
            click.echo(f"no {'' if show_all else 'active '}companies for suite {config.suite_id}", err=True)
            return
        for record in records:
            click.echo(f"{record.corp_id}\t{record.state.value}\t{when(record.installed_at)}\t{record.corp_name}")


@corps.command("show")
@click.argument("corp_id")
@click.option("--reveal", is_flag=True, help="Print the permanent code in full.")
@click.pass_context
def corps_show(ctx: click.Context, corp_id: str, reveal: bool) -> None:
    """A company's record and the auth info WeCom sent (JSON)."""
    with opened(ctx) as (config, store):
        record = store.companies.get_company(config.suite_id, corp_id)
        if record is None:
            raise CompanyNotFound(config.suite_id, corp_id)
        summary = {
            "suite_id": record.suite_id,
            "corp_id": record.corp_id,
            "corp_name": record.corp_name,
            "state": record.state.value,
            "installed_at": when(record.installed_at),
            "updated_at": when(record.updated_at),
            "revoked_at": when(record.revoked_at),
            "permanent_code": shown(record.permanent_code, reveal),
            "auth_info": record.auth_info,
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))


# -- ticket -----------------------------------------------------------------------------------------


@click.group()
def ticket() -> None:
    """The suite_ticket (第三方应用票据) WeCom pushes every 10 minutes."""


@ticket.command("show")
@click.option("--reveal", is_flag=True, help="Print the ticket in full.")
@click.pass_context
def ticket_show(ctx: click.Context, reveal: bool) -> None:
    """The newest ticket, when it arrived and whether it is still valid (30 minutes)."""
    with opened(ctx) as (config, store):
        found = store.tickets.get_ticket(config.suite_id, allow_expired=True)
        now = datetime.now(tz=timezone.utc).timestamp()
        status = "EXPIRED" if found.is_expired(now) else "valid"
        click.echo(f"suite:     {found.suite_id}")
        click.echo(f"ticket:    {shown(found.ticket, reveal)}")
        click.echo(f"received:  {when(found.received_at)} ({found.age(now):.0f} s ago, {status})")


# -- token ------------------------------------------------------------------------------------------


@click.group()
def token() -> None:
    """Cached access tokens (redacted unless --reveal)."""


def _print_token(kind: str, subject: str, stored: StoredToken | None, reveal: bool) -> None:
    if stored is None:
        raise StoreError(
            f"no {kind} cached for {subject}",
            hint="the service fetches one on first use; or add --fetch to get one from WeCom now",
        )
    now = datetime.now(tz=timezone.utc).timestamp()
    left = stored.expires_at - now
    click.echo(f"{kind}: {shown(stored.token, reveal)}")
    click.echo(f"obtained:  {when(stored.obtained_at)}")
    click.echo(f"expires:   {when(stored.expires_at)} ({f'in {left:.0f} s' if left > 0 else 'EXPIRED'})")


_REVEAL = click.option("--reveal", is_flag=True, help="Print the token in full.")
_FETCH = click.option("--fetch", is_flag=True, help="Ask WeCom for one if none is cached (or it is due).")


def suite_client(config: SuiteConfig, store: Store) -> SuiteClient:
    """The client the service would build for ``config`` (the same factory as ``SuiteApp``'s), on ``store``."""
    return SuiteClient(**client_options(config, store))


def _fetch(config: SuiteConfig, store: Store, kind: str, which: Callable[[SuiteClient], TokenManager]) -> None:
    """Get a token through the same manager the service uses (single-flight, cached in the store).

    A progress line goes to stderr first: a network call can take seconds, and stdout stays the token."""
    click.echo(f"==> getting the {kind} (asking WeCom at {redact_url(config.api_base_url)} "
               "unless the store has a valid one)", err=True)
    with suite_client(config, store) as client:
        which(client).token()


@token.command("suite")
@_REVEAL
@_FETCH
@click.pass_context
def token_suite(ctx: click.Context, reveal: bool, fetch: bool) -> None:
    """The suite_access_token (第三方应用凭证)."""
    with opened(ctx) as (config, store):
        if fetch:
            _fetch(config, store, "suite_access_token", lambda client: client.suite_token)
        stored = store.tokens.get_token(suite_token_key(config.suite_id))
        _print_token("suite_access_token", f"suite {config.suite_id}", stored, reveal)


@token.command("provider")
@_REVEAL
@_FETCH
@click.pass_context
def token_provider(ctx: click.Context, reveal: bool, fetch: bool) -> None:
    """The provider_access_token (服务商凭证)."""
    with opened(ctx) as (config, store):
        if not config.provider_corp_id:
            raise StoreError("no provider corp id configured", hint="set WECOM_PROVIDER_CORP_ID / provider_corp_id")
        if fetch:
            _fetch(config, store, "provider_access_token", lambda client: client.provider_token)
        key = provider_token_key(config.provider_corp_id)
        stored = store.tokens.get_token(key)
        _print_token("provider_access_token", f"provider {config.provider_corp_id}", stored, reveal)


@token.command("corp")
@click.argument("corp_id")
@_REVEAL
@_FETCH
@click.pass_context
def token_corp(ctx: click.Context, corp_id: str, reveal: bool, fetch: bool) -> None:
    """A company's access_token (授权方 access_token)."""
    with opened(ctx) as (config, store):
        if store.companies.get_company(config.suite_id, corp_id) is None:
            raise CompanyNotFound(config.suite_id, corp_id)
        if fetch:
            _fetch(config, store, f"access_token of {corp_id}", lambda client: client.corp_token(corp_id))
        key = corp_token_key(config.suite_id, corp_id)
        _print_token("access_token", f"company {corp_id}", store.tokens.get_token(key), reveal)
