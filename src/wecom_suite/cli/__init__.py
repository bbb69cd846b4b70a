"""The ``wecom-suite`` command line: serve, sandbox, keygen, and store inspection."""
