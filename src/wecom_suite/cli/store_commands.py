"""``wecom-suite store``: maintenance of the store itself (``store rekey`` after a key rotation).

Rotating ``WECOM_SECRET_KEY``: put the new key first and keep the old one after it
(``WECOM_SECRET_KEY="new,old"``), restart every instance, run ``wecom-suite store rekey``, and remove
the old key once it reports that nothing is left under it (docs/deployment.md, "Secrets at rest").
"""

from __future__ import annotations

import click

from ..app.config import reveal
from ..stores.rekey import rekey_store
from ..stores.sealing import Sealer
from ..stores.url import open_store
from .loading import load_all

__all__ = ["store"]

_EXIT_LEFT = 3  # some values are still plain or under an older key


@click.group()
def store() -> None:
    """Maintain the store: re-seal secrets at rest after a key rotation."""


@store.command("rekey")
@click.pass_context
def rekey(ctx: click.Context) -> None:
    """Seal every permanent code, token and suite_ticket under the current WECOM_SECRET_KEY.

    Exit status 0 when every value is under the current key (older keys can be removed), 3 when some
    are left (listed), 1 on an error.
    """
    complete = True
    for config in load_all(ctx):
        if not config.secret_keys:
            raise click.ClickException(
                f"suite {config.name}: no secret_key is set; set WECOM_SECRET_KEY (current key first) to rekey"
            )
        sealer = Sealer(config.secret_keys)
        opened = open_store(  # the backend as it is: rekey seals
            reveal(config.store_url), cache_url=reveal(config.cache_url) if config.cache_url else None
        )
        try:
            report = rekey_store(opened, sealer, [config.suite_id], provider_corp_ids=[config.provider_corp_id])
        finally:
            opened.close()
        parts = sorted({*report.resealed, *report.current, *report.left, *report.dropped})
        click.echo(f"suite {config.name}: current key {report.key_id}")
        for part in parts:
            dropped = f" dropped={report.dropped[part]}" if part in report.dropped else ""
            click.echo(
                f"  {part:<15} resealed={report.resealed.get(part, 0)} already={report.current.get(part, 0)}"
                f" left={report.left.get(part, 0)}{dropped}"
            )
        for problem in report.problems[:50]:
            click.echo(f"  left: {problem}")
        if len(report.problems) > 50:
            click.echo(f"  … and {len(report.problems) - 50} more")
        complete = complete and report.complete
    if complete:
        click.echo("everything is sealed under the current key: older keys can be removed from WECOM_SECRET_KEY")
    else:
        click.echo("some values are not under the current key yet: keep the older keys listed and run rekey again")
        ctx.exit(_EXIT_LEFT)
