"""pytest plugin shipped with wecom-suite (registered through the ``pytest11`` entry point).

``wecom_sandbox``: a running :class:`~wecom_suite.sandbox.Sandbox` on a free loopback port with a
:class:`~wecom_suite.clock.ManualClock`, immediate push retries, stopped after the test. The sandbox
is imported when the fixture is used, so merely installing the plugin costs a test session nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ..clock import ManualClock

if TYPE_CHECKING:
    from ..sandbox import Sandbox

__all__ = ["wecom_sandbox", "wecom_sandbox_clock"]


@pytest.fixture
def wecom_sandbox_clock() -> ManualClock:
    """The sandbox's clock: share it with the code under test so that tokens and timestamps agree."""
    return ManualClock(1_700_000_000)


@pytest.fixture
def wecom_sandbox(wecom_sandbox_clock: ManualClock) -> Iterator[Sandbox]:
    """A local WeCom for one test: ``wecom_sandbox.settings`` has the suite's ids, secrets and URLs."""
    from ..sandbox import Sandbox

    with Sandbox(clock=wecom_sandbox_clock) as sandbox:
        yield sandbox
