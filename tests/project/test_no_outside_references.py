"""No file in the repository points outside it: protocol facts live in docs/protocol.md."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelt in pieces so that this file does not match itself.
FORBIDDEN = ["../" + "shared", "wecom-api" + ".md", "protocol " + "reference"]
# The project's tracker is outside the repository too: an issue's number, in any of its spellings.
TRACKER = re.compile(r"\b[Ii]ssues? ?#?\d+\b")


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_no_file_points_outside_the_repository() -> None:
    files = _tracked_text_files()
    assert len(files) > 50  # the listing worked
    offenders = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for needle in FORBIDDEN:
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
        offenders += [f"{path.relative_to(ROOT)}: {m.group()}" for m in TRACKER.finditer(text)]
    assert offenders == []


def test_the_tracker_pattern_catches_its_spellings() -> None:
    spelt = ["issue " + "12", "Issue " + "10's", "(issue " + "9)", "issue #" + "15", "issues " + "3"]
    assert all(TRACKER.search(text) for text in spelt)
    assert not TRACKER.search("the issued token 12")
    assert not TRACKER.search("an issue with 3 parts")


def test_every_protocol_citation_names_a_section_that_exists() -> None:
    sections = set(
        re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", (ROOT / "docs/protocol.md").read_text(encoding="utf-8"), re.M)
    )
    unconfirmed = (ROOT / "docs/protocol.md").read_text(encoding="utf-8").split("## 6.")[1]
    sections |= {f"6.{n}" for n in re.findall(r"^(\d+)\. ", unconfirmed, re.M)}
    cited: set[str] = set()
    for path in _tracked_text_files():
        if path.suffix not in (".py", ".md") or path.name == "protocol.md":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"protocol\.md §([\d.]+)", text):
            cited.add(match.group(1).rstrip("."))
    assert cited  # the citations are found at all
    assert cited <= sections, sorted(cited - sections)
