"""The sandbox over HTTP: the ASGI app (``asgi_app``) that serves WeCom's API (``api_app``), the
install consent page and login pages (``consent_page``, ``login_page``) and the sandbox's own admin
API under ``/sandbox/`` (``admin_api``). ``connection_registry`` lets the ``drop`` fault hang up."""
