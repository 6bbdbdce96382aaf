"""One look in a real browser: the dark theme follows the system setting, printing puts the
recommendation first without navigation, small screens get a menu button, and diagrams are
fitted to their box, zoomable and reachable by keyboard."""

import pytest

from advisor.teams.models import Team
from tests.factories import make_architecture

from test_sharing import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
ANSWERS = "?trigger=queue&client_waits=false&peak_rps=50"


@pytest.fixture
def saved(browser, live_server):
    """A signed-up user's browser context (cookies) and their saved architecture."""
    context = browser.new_context()
    page = context.new_page()
    sign_up(page, live_server.url, "alice")
    team = Team.objects.get(memberships__user__username="alice")
    architecture = make_architecture(team, team.memberships.get().user, name="Order pipeline")
    page.close()
    return context, architecture


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_pages_in_light_and_dark_on_desktop_and_mobile(browser, live_server, saved, screenshot):
    context, architecture = saved
    base = live_server.url
    pages = {
        "login": (f"{base}/accounts/login/", False),
        "questionnaire": (f"{base}/questionnaire/{ANSWERS}", False),
        "revision": (f"{base}/architectures/{architecture.pk}/revisions/1/", True),
        "diagram": (f"{base}/architectures/{architecture.pk}/revisions/1/diagram/", True),
    }
    colours = {}
    for scheme in ("light", "dark"):
        for size_name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
            for name, (url, signed_in) in pages.items():
                page = (context.new_page() if signed_in else browser.new_context().new_page())
                page.set_viewport_size(size)
                page.emulate_media(color_scheme=scheme)
                page.goto(url)
                page.wait_for_load_state("networkidle")
                colours[scheme, name] = background(page)
                screenshot(page, f"look-{name}-{scheme}-{size_name}")
                page.close()
    for name in pages:
        assert colours["light", name] != colours["dark", name], name
    assert colours["dark", "login"] == "rgb(15, 20, 32)"  # the dark page background


def test_print_puts_the_recommendation_first_and_hides_navigation(browser, live_server, screenshot):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{live_server.url}/questionnaire/{ANSWERS}")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".panel-peek", ".steps", "form#questionnaire"):
        assert not page.locator(hidden).first.is_visible(), hidden
    aside = page.locator("aside.q-side")
    assert aside.is_visible()
    assert aside.bounding_box()["y"] < 200  # first on the printed page, under nothing but the heading
    screenshot(page, "look-questionnaire-print", full_page=True)


def test_small_screens_get_a_menu_button(browser, live_server):
    page = browser.new_context(viewport=MOBILE).new_page()
    page.goto(f"{live_server.url}/patterns/")
    menu = page.get_by_role("button", name="Menu")
    nav_link = page.locator("#site-nav").get_by_role("link", name="Checklist")
    assert menu.is_visible() and not nav_link.is_visible()
    menu.click()
    assert nav_link.is_visible() and menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not nav_link.is_visible() and menu.get_attribute("aria-expanded") == "false"
    wide = browser.new_context(viewport=DESKTOP).new_page()
    wide.goto(f"{live_server.url}/patterns/")
    assert not wide.get_by_role("button", name="Menu").is_visible()
    assert wide.locator("#site-nav").get_by_role("link", name="Checklist").is_visible()


def test_cards_side_by_side_line_up(browser, live_server):
    """The workloads on the home page and the patterns on theirs sit in rows whose cards
    start at the same height (the first of a row used to sit higher than the rest)."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    for path in ("/", "/patterns/"):
        page.goto(live_server.url + path)
        for grid in page.locator(".card-grid").all():
            boxes = grid.locator(":scope > .card").evaluate_all(
                "cards => cards.map(c => [c.getBoundingClientRect().left, c.getBoundingClientRect().top])")
            # A card to the right of the one before it is in the same row: it starts at the same height.
            same_row = [(a, b) for a, b in zip(boxes, boxes[1:]) if b[0] > a[0]]
            assert same_row, path
            assert all(abs(a[1] - b[1]) < 1 for a, b in same_row), (path, boxes)
    page.close()


def test_the_account_links_and_log_out_sit_on_one_line(live_server, saved):
    context, _ = saved
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/teams/")
    tops = page.locator(".site-nav > a, .nav-account a, .nav-account button").evaluate_all(
        "items => items.map(e => [e.innerText, e.getBoundingClientRect().top])")
    assert "Log out" in [text for text, _ in tops]
    assert max(top for _, top in tops) - min(top for _, top in tops) < 1, tops
    page.close()


def test_the_diagram_fits_its_box_zooms_and_scrolls_by_keyboard(live_server, saved):
    context, architecture = saved
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/architectures/{architecture.pk}/revisions/1/")
    area = page.get_by_role("region", name="Architecture diagram of revision 1")
    image = area.locator("img")
    image.evaluate("img => img.decode()")
    box, drawn = area.bounding_box(), image.bounding_box()
    assert drawn["width"] <= box["width"]  # fitted: nothing cut off at the right
    assert area.evaluate("el => el.scrollWidth <= el.clientWidth")

    page.get_by_role("button", name="Actual size").click()
    assert area.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the box at actual size
    # Reached with the Tab key from the zoom button's neighbourhood, then scrolled with arrow keys.
    page.locator("h1").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if area.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the diagram's scroll area is not reachable with the Tab key")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    # Arrow keys scroll smoothly, so the position moves over the next frames: wait for it
    # (up to 5 s) rather than read it at once; a box that never scrolls still fails.
    page.wait_for_function("el => el.scrollLeft > 0", arg=area.element_handle(), timeout=5000)
    page.get_by_role("button", name="Fit to the box").click()
    assert area.evaluate("el => el.scrollWidth <= el.clientWidth")
