"""Imports point down the layers docs/design.md lists, in every module of the package: function-level and
typing-only imports included (``metrics.py`` once reached up into ``api`` inside a function, and
``stores/rekey.py`` into ``tokens``; the one older check covered the sandbox alone)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wecom_suite

ROOT = Path(wecom_suite.__file__).parent
DESIGN = ROOT.parents[1] / "docs" / "design.md"


def layers_from_design() -> dict[str, int]:
    """``{"clock": 0, "redaction": 0, ..., "errors": 3, ...}``: the rank of each layer, read from the code block
    under "## Layers" in docs/design.md (a row of top-level modules shares one rank)."""
    text = DESIGN.read_text(encoding="utf-8")
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    ranks: dict[str, int] = {}
    rank = 0
    for line in block.splitlines():
        names = []
        for cell in re.split(r"\s{2,}", line.strip()):  # names first, then two spaces and the description
            match = re.fullmatch(r"([a-z_]+)(?:\.py|/)", cell)
            if match is None:
                break
            names.append(match.group(1))
        if not names:
            continue
        for name in names:
            ranks[name] = rank
        rank += 1
    return ranks


def _layer(module: str) -> str:
    """``wecom_suite.stores.sqlite.db`` -> ``stores``; ``wecom_suite.metrics`` -> ``metrics``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``wecom_suite`` module ``path`` imports, at any depth of the file, with its line."""
    package = ["wecom_suite", *path.relative_to(ROOT).with_suffix("").parts]
    if package[-1] == "__init__":
        package.pop()
    else:
        package.pop()  # a module's own package
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
                targets = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            else:
                targets = [node.module or ""]
            found += [(node.lineno, t) for t in targets if t.startswith("wecom_suite.")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("wecom_suite.")]
    return found


def test_design_md_lists_every_layer_in_the_package() -> None:
    ranks = layers_from_design()
    present = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert present - set(ranks) == set(), "add the module to the layer list in docs/design.md"
    assert ranks["clock"] < ranks["errors"] < ranks["stores"] < ranks["tokens"] < ranks["api"] < ranks["app"]


def test_every_import_points_down_the_layers() -> None:
    ranks = layers_from_design()
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == ROOT / "__init__.py":
            continue  # the public API's lazy map names every layer
        own = _layer("wecom_suite." + ".".join(path.relative_to(ROOT).with_suffix("").parts))
        for line, target in _imports(path):
            layer = _layer(target)
            if layer and layer != own and ranks[layer] > ranks[own]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {target} ({layer})")
    assert upward == []
