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
    """Each test counts requests against the throttles from zero, in a cache of its own: the
    shared cache (Redis, for both test processes) is emptied by other tests at moments no
    test controls, and earlier runs or the other process must not use up its budget."""
    try:
        from advisor.throttling import ClientRateThrottle
    except Exception:  # the generator's tests also run without Django
        yield
        return
    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr(ClientRateThrottle, "cache_format", f"throttle_{uuid.uuid4().hex}_%(scope)s_%(ident)s")
    # Counters in a cache of the test's own: the shared one is emptied by other tests, in
    # this process or the other, at moments no test controls.
    monkeypatch.setattr(ClientRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4().hex}", {}))
    # One instant for the whole test: on a busy machine a test's twenty requests can take
    # longer than the window, and the first ones would age out before the limit is reached.
    now = time.time()
    monkeypatch.setattr(ClientRateThrottle, "timer", staticmethod(lambda: now))
    yield
