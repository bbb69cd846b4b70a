"""pytest plugin shipped with wecom-suite (registered through the ``pytest11`` entry point).

Fixtures for users' own tests live here (the sandbox work adds ``wecom_sandbox``).
"""

from __future__ import annotations
