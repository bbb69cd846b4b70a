"""``wecom-suite inbox``: see the callbacks waiting and the dead letters, retry or drop them.

Every callback WeCom delivered is in the inbox until it is processed (and then for the dedup window);
one that failed on every attempt, or can never succeed, is a dead letter until an operator retries or
drops it (docs/delivery.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..app.config import SuiteConfig, open_configured_store
from ..clock import DEFAULT_CLOCK
from ..errors import CallbackError, ConfigError
from ..events.base import seal_secret_fields
from ..stores.records import InboxItem, ItemState
from ..stores.store import Store
from ..xml import parse_xml, to_xml
from .inspect_commands import when
from .loading import load_all

__all__ = ["inbox"]

_SEARCHED = (ItemState.PENDING, ItemState.DEAD, ItemState.DONE)


@contextmanager
def _opened(ctx: click.Context, suite: str | None) -> Iterator[tuple[SuiteConfig, Store]]:
    configs = load_all(ctx)
    if suite:
        configs = [c for c in configs if suite in (c.name, c.suite_id)]
        if not configs:
            raise ConfigError("--suite", f"no suite named {suite!r}")
    if len(configs) > 1:
        raise ConfigError("--suite", "the configuration has several suites",
                          hint="choose one with --suite NAME: " + ", ".join(c.name for c in configs))
    config = configs[0]
    store = open_configured_store(config)
    try:
        yield config, store
    finally:
        store.close()


def _find(store: Store, suite_id: str, item_id: str) -> InboxItem:
    """An item by its id or a unique prefix of it (``inbox list`` shows the first 12 characters)."""
    found = store.inbox.get_item(item_id)
    if found is not None and found.suite_id == suite_id:
        return found
    matches = [
        item for state in _SEARCHED for item in store.inbox.list_items(suite_id, state=state, limit=100_000)
        if item.id.startswith(item_id)
    ] if len(item_id) >= 6 else []
    if len(matches) == 1:
        return matches[0]
    problem = "matches several callbacks; give more characters" if matches else "is not in this suite's inbox"
    raise click.ClickException(f"callback {item_id!r} {problem}")


def _line(item: InboxItem) -> str:
    queue = item.queue or "(suite)"
    error = f"  {item.last_error[:90]}" if item.last_error else ""
    return (f"{item.id[:12]}  {item.state.value:<7}  {item.source.value:<11}  {queue:<24}  "
            f"{when(item.received_at)}  attempts={item.attempts}{error}")


suite_option = click.option("--suite", "suite", help="Which suite (name or suite id), with several in the config.")


@click.group()
def inbox() -> None:
    """Recorded callbacks: pending, dead letters; retry or drop them."""


@inbox.command("list")
@click.option("--dead", is_flag=True, help="Dead letters instead of pending callbacks.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@suite_option
@click.pass_context
def inbox_list(ctx: click.Context, dead: bool, limit: int, suite: str | None) -> None:
    """One line per callback, oldest first (WeCom's order), with the counts."""
    with _opened(ctx, suite) as (config, store):
        stats = store.inbox.stats(config.suite_id)
        oldest = f", oldest from {when(stats.oldest_pending_at)}" if stats.oldest_pending_at else ""
        click.echo(f"suite {config.name}: {stats.pending} pending ({stats.in_progress} in progress, "
                   f"{stats.queues} companies{oldest}), {stats.dead} dead letters, {stats.done} done (kept for dedup)")
        state = ItemState.DEAD if dead else ItemState.PENDING
        for item in store.inbox.list_items(config.suite_id, state=state, limit=limit):
            click.echo(_line(item))


@inbox.command("show")
@click.argument("item_id")
@click.option("--reveal", is_flag=True, help="Show the credentials in the payload (suite_ticket, auth code, ...).")
@suite_option
@click.pass_context
def inbox_show(ctx: click.Context, item_id: str, reveal: bool, suite: str | None) -> None:
    """Everything about one callback, its decrypted payload included (credentials redacted)."""
    with _opened(ctx, suite) as (config, store):
        item = _find(store, config.suite_id, item_id)
        for label, value in (
            ("id", item.id), ("state", item.state.value), ("source", item.source.value),
            ("queue", item.queue or "(suite)"), ("WeCom TimeStamp", when(item.event_time)),
            ("received", when(item.received_at)), ("attempts", str(item.attempts)),
            ("not before", when(item.not_before)), ("finished", when(item.finished_at)),
            ("last error", item.last_error or "-"),
        ):
            click.echo(f"{label:>16}  {value}")
        if not item.payload:
            click.echo("(payload dropped: done)")
        elif reveal:
            click.echo(item.payload.decode("utf-8", errors="replace"))
        else:
            click.echo(shown_payload(item.payload))


def shown_payload(payload: bytes) -> str:
    """A stored payload as ``inbox show`` prints it: read by the one safe parser, every credential the
    events know of (``SECRET_FIELDS``, at any depth, however the tags are spelled) redacted, written back
    as XML. A payload that does not parse is summarised (length, SHA-256 prefix, the parser's reason):
    its text could hold a credential that no parse found."""
    try:
        fields = parse_xml(payload)
    except CallbackError as exc:
        digest = hashlib.sha256(payload).hexdigest()[:12]
        return f"(not shown: {len(payload)} bytes, sha256 {digest}…, {exc.reason.value}; --reveal shows the bytes)"
    sealed = seal_secret_fields(fields)
    assert isinstance(sealed, dict)  # a dict in, a dict out
    return to_xml(sealed)


@inbox.command("retry")
@click.argument("item_id", required=False)
@click.option("--all-dead", is_flag=True, help="Every dead letter of the suite.")
@suite_option
@click.pass_context
def inbox_retry(ctx: click.Context, item_id: str | None, all_dead: bool, suite: str | None) -> None:
    """Put a dead letter back at the front of its company's queue (attempts start again at 0)."""
    if bool(item_id) == all_dead:
        raise click.UsageError("give one callback id, or --all-dead")
    with _opened(ctx, suite) as (config, store):
        now = DEFAULT_CLOCK.now()
        if all_dead:
            items = list(store.inbox.list_items(config.suite_id, state=ItemState.DEAD, limit=100_000))
        else:
            items = [_find(store, config.suite_id, str(item_id))]
        revived = sum(1 for item in items if store.inbox.revive(item.id, now=now))
        if not all_dead and not revived:
            raise click.ClickException(f"callback {items[0].id[:12]} is {items[0].state.value}, not a dead letter")
        click.echo(f"{revived} callback(s) put back in the queue; a running service processes them now")


@inbox.command("drop")
@click.argument("item_id")
@suite_option
@click.pass_context
def inbox_drop(ctx: click.Context, item_id: str, suite: str | None) -> None:
    """Delete a dead letter for good (only dead letters can be dropped)."""
    with _opened(ctx, suite) as (config, store):
        item = _find(store, config.suite_id, item_id)
        if not store.inbox.drop(item.id):
            raise click.ClickException(f"callback {item.id[:12]} is {item.state.value}, not a dead letter")
        click.echo(f"dropped {item.id[:12]}")

