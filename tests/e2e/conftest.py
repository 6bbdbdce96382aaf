import os
import shutil

import pytest

from .stack import create_stack, destroy_stack

NEEDS = "end-to-end tests need DATABASE_URL (PostgreSQL) and REDIS_URL, as CI sets them"


def pytest_collection_modifyitems(config, items):
    ready = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL") \
        and shutil.which("psql") and shutil.which("redis-cli")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)
            if not ready:
                item.add_marker(pytest.mark.skip(reason=NEEDS))


@pytest.fixture
def stack_factory(tmp_path):
    made = []

    def make(extra_env=None):
        stack = create_stack(tmp_path, extra_env)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        destroy_stack(stack)
