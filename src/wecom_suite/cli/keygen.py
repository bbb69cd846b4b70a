"""``wecom-suite keygen``: a random callback Token and EncodingAESKey for the provider console."""

from __future__ import annotations

import secrets
import string

import click

from ..crypto import generate_encoding_aes_key

__all__ = ["keygen", "random_token"]

_TOKEN_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 32) -> str:
    """Letters and digits only: what the console accepts for a Token (at most 32)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


@click.command()
@click.option("--env", "as_env", is_flag=True, help="Print as WECOM_TOKEN=… lines for a .env file.")
def keygen(as_env: bool) -> None:
    """Print a random Token and EncodingAESKey to paste into the provider console (回调配置)."""
    token_value, key = random_token(), generate_encoding_aes_key()
    if as_env:
        click.echo(f"WECOM_TOKEN={token_value}")
        click.echo(f"WECOM_ENCODING_AES_KEY={key}")
    else:
        click.echo(f"Token:          {token_value}")
        click.echo(f"EncodingAESKey: {key}")
