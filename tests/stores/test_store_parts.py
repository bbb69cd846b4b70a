"""Store protocols live in the stores layer, one per job: no other layer declares its own bundle of parts."""

from __future__ import annotations

import ast
from pathlib import Path

import wecom_suite
from wecom_suite.api import ClientStore as ApiClientStore
from wecom_suite.app.auth_code_redemption import AuthCodeRedemption
from wecom_suite.stores import PART_NAMES, ClientStore, MemoryStore, TokenStoreWithLocks
from wecom_suite.tokens import TokenStoreWithLocks as TokensTokenStoreWithLocks


def _protocols_naming_parts(path: Path) -> list[str]:
    """Protocol classes in ``path`` that declare a store part (``tokens``, ``leases``, ...) as a member."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(ast.unparse(base).split("[")[0].endswith("Protocol") for base in node.bases):
            continue
        members = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
        members |= {
            item.target.id
            for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }
        if members & set(PART_NAMES):
            found.append(f"{node.name} ({sorted(members & set(PART_NAMES))})")
    return found


def test_only_the_stores_layer_declares_protocols_over_store_parts() -> None:
    root = Path(wecom_suite.__file__).parent
    outside = {
        f"{path.relative_to(root)}: {found}"
        for path in sorted(root.rglob("*.py"))
        if path.relative_to(root).parts[0] != "stores"
        for found in _protocols_naming_parts(path)
    }
    assert outside == set()


def test_the_clients_the_redemption_and_the_token_managers_share_the_stores_protocols() -> None:
    assert ApiClientStore is ClientStore
    assert TokensTokenStoreWithLocks is TokenStoreWithLocks
    assert AuthCodeRedemption.__init__.__annotations__["store"] in {"ClientStore", ClientStore}
    store = MemoryStore()
    for part in ("tickets", "tokens", "leases", "companies"):
        assert hasattr(store, part)
    assert ClientStore.__doc__
