"""``receiver``: the CallbackReceiver the helpers' signed requests are built for, on the test's clock."""

from __future__ import annotations

import pytest

from tests.callback.callback_helpers import new_receiver
from wecom_suite.callback import CallbackReceiver
from wecom_suite.clock import ManualClock


@pytest.fixture
def receiver(clock: ManualClock) -> CallbackReceiver:
    return new_receiver(clock)
