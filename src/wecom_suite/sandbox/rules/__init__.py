"""The sandbox's WeCom, sans-I/O: the state and rules behind the service API.

The :class:`~wecom_suite.sandbox.rules.emulator.Emulator` holds the companies (``directory``, their
customers in ``id_space``), the issued tokens and codes (``credentials``, ``lifetimes``), interface
licenses (``license_book``) and paid-edition orders (``order_book``). ``faults``, ``throttle`` and
``counters`` are the knobs and meters tests turn and read. Nothing here opens a socket.
"""
