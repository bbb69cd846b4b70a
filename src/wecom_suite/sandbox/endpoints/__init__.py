"""WeCom's service API paths, one function each, sans-I/O.

``endpoint_table.ENDPOINTS`` maps each ``/cgi-bin/`` path to a function in a ``*_endpoints`` module;
each function reads the request (``request_params``), applies the emulator's rules and returns an
``answer.Answer`` or raises ``api_failure.ApiFailure`` (an errcode and WeCom's errmsg).
"""
