"""Thin adapters turning any ``WebHandler`` into a Flask, Django or FastAPI/Starlette route.

Import the one you need (``wecom_suite.adapter.flask`` ...); each imports its framework lazily so
that the others stay optional extras.
"""
