from __future__ import annotations

import pytest
from callback_helpers import KEY, NOW, PROVIDER, SUITE, TOKEN

from wecom_suite.callback import CallbackReceiver
from wecom_suite.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def receiver(clock: ManualClock) -> CallbackReceiver:
    return CallbackReceiver(TOKEN, KEY, {SUITE, PROVIDER}, clock=clock, suite_id=SUITE)
