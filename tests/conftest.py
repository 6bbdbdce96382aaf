import time
import uuid

import pytest


@pytest.fixture(autouse=True)
def fresh_catalogue_check():
    """Each test asks the database for the catalogue version again: a test that edited
    the catalogue inside its (rolled back) transaction must not leave its engine behind."""
    try:
        from patterns import store
    except Exception:  # the generator's tests also run without Django
        yield
        return
    store._live["checked"] = 0.0
    yield
    store._live["checked"] = 0.0


@pytest.fixture(autouse=True)
def own_throttle_counters(monkeypatch):
    """Each test counts requests against the throttles from zero: its counters get keys of
    their own, so the other test process (which shares Redis) and earlier runs cannot have
    used up its budget, and it cannot use up theirs."""
    try:
        from advisor.throttling import ClientRateThrottle
    except Exception:  # the generator's tests also run without Django
        yield
        return
    monkeypatch.setattr(ClientRateThrottle, "cache_format", f"throttle_{uuid.uuid4().hex}_%(scope)s_%(ident)s")
    # One instant for the whole test: on a busy machine a test's twenty requests can take
    # longer than the window, and the first ones would age out before the limit is reached.
    now = time.time()
    monkeypatch.setattr(ClientRateThrottle, "timer", staticmethod(lambda: now))
    yield
