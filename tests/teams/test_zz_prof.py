import time
from test_access import *  # noqa

def test_prof(world, client):
    route = ROUTES["architectures:revision"]
    t0 = time.perf_counter(); client.force_login(world.users["victor"]); t1 = time.perf_counter()
    before = db_state(); t2 = time.perf_counter()
    r = send(client, "POST", reverse("architectures:revision", kwargs=route.kwargs(world)), route, world); t3 = time.perf_counter()
    r = send(client, "GET", reverse("architectures:detail", kwargs={"pk": world.architecture.pk}), route, world); t4 = time.perf_counter()
    t5 = time.perf_counter(); r = send(client, "POST", reverse("architectures:revision", kwargs=route.kwargs(world)), route, world); t6 = time.perf_counter()
    t7 = time.perf_counter(); r = send(client, "GET", reverse("architectures:detail", kwargs={"pk": world.architecture.pk}), route, world); t8 = time.perf_counter()
    print(f"405 again {t6-t5:.3f} detail again {t8-t7:.3f}")
    print(f"\nlogin {t1-t0:.3f} state {t2-t1:.3f} 405 {t3-t2:.3f} detail {t4-t3:.3f}")
