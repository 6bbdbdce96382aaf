"""Test fixtures live in tests/factories.py (factory-boy); these names stay importable from
here for the tests that still use them."""

from tests.factories import (  # noqa: F401
    PASSWORD, QUEUE_ANSWERS, BaseTestCase, fresh_address, make_architecture, make_user, password_hash,
)
