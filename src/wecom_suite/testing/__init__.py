"""Test helpers for users of wecom-suite: the ``wecom_sandbox`` pytest fixture (see ``plugin``)."""
