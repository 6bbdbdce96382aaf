"""axe-core on every page type, in the light and the dark theme: no serious or critical
violation. The same walk invites someone with no account, who signs up through the mailed
link and lands in the team, and saves screenshots of the team, sign-up, invitation,
generate and job pages in both themes."""

import re

import pytest
from django.core import mail

from advisor.celery import app
from advisor.teams import actions
from advisor.teams.models import Role
from tests.factories import (
    PASSWORD, ArchitectureFactory, MembershipFactory, RevisionFactory, TeamFactory, UserFactory,
)

from axe import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def tasks_in_process(monkeypatch, settings, tmp_path):
    # The live server runs in this process; without a worker here, tasks run where they are queued.
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def world(db):
    maria = UserFactory(username="maria")
    team = TeamFactory(name="Payments", owner=maria)
    MembershipFactory(team=team, user=UserFactory(username="tomasz"), role=Role.VIEWER)
    orders = ArchitectureFactory(team=team, created_by=maria, name="Order pipeline")
    RevisionFactory(architecture=orders, author=maria, note="Longer jobs",
                    answers={"trigger": "queue", "client_waits": False, "duration_s": 600})
    thumbnails = ArchitectureFactory(team=team, created_by=maria, name="Thumbnails",
                                     answers={"trigger": "file_upload", "client_waits": False})
    return {"maria": maria, "team": team, "orders": orders, "thumbnails": thumbnails}


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


class Walk:
    """Checks each page it is shown with axe in both themes and keeps what fails."""

    def __init__(self, screenshot):
        self.failures: dict[str, list[str]] = {}
        self.checked: list[str] = []
        self.screenshot = screenshot

    def check(self, page, name: str, shots: bool = False) -> None:
        page.wait_for_load_state("networkidle")
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            found = blocking_violations(page)
            if found:
                self.failures[f"{name} ({scheme})"] = found
            if shots:
                self.screenshot(page, f"a11y-{name}-{scheme}", full_page=True)
        page.emulate_media(color_scheme="light")
        self.checked.append(name)


def test_every_page_type_passes_axe_and_a_new_user_joins_through_an_invitation(
        browser, live_server, world, screenshot, tasks_in_process):
    base = live_server.url
    walk = Walk(screenshot)
    orders, thumbnails = world["orders"], world["thumbnails"]

    anonymous = browser.new_context(bypass_csp=True, viewport=DESKTOP).new_page()
    for name, path in {
        "home": "/",
        "questionnaire": "/questionnaire/?trigger=queue&client_waits=false&peak_rps=50",
        "patterns": "/patterns/",
        "pattern": "/patterns/sqs-worker/",
        "checklist": "/checklist/",
        "analyzer": "/analyze/",
        "login": "/accounts/login/",
    }.items():
        anonymous.goto(base + path)
        walk.check(anonymous, name)
    anonymous.get_by_role("link", name="Sign up").first.click()
    walk.check(anonymous, "signup", shots=True)

    owner = browser.new_context(bypass_csp=True, viewport=DESKTOP).new_page()
    log_in(owner, base, "maria")
    for name, path in {
        "architectures": "/architectures/",
        "architecture": f"/architectures/{orders.pk}/",
        "revision": f"/architectures/{orders.pk}/revisions/2/",
        "diff": f"/architectures/{orders.pk}/diff?from=1&to=2",
        "compare": f"/architectures/compare?ids={orders.pk}&ids={thumbnails.pk}",
        "diagram": f"/architectures/{orders.pk}/revisions/2/diagram/",
        "teams": "/teams/",
        "team": f"/teams/{world['team'].pk}/",
    }.items():
        owner.goto(base + path)
        walk.check(owner, name, shots=name in ("teams", "team"))

    # Maria invites an address with no account behind it, as an editor.
    owner.get_by_label("Username or email address").fill("nadia@example.org")
    owner.locator("#id_role").select_option("editor")
    owner.get_by_role("button", name="Invite").click()
    owner.wait_for_load_state()
    (message,) = mail.outbox
    link = re.search(r"http://\S+/teams/join/\S+/", message.body).group(0)

    # Nadia opens the link, signs up through it and lands in the team as an editor.
    nadia = browser.new_context(bypass_csp=True, viewport=DESKTOP).new_page()
    nadia.goto(link)
    assert nadia.get_by_text("maria invites you to the team Payments as editor").is_visible()
    walk.check(nadia, "invitation", shots=True)
    nadia.get_by_role("link", name="Create an account and join").click()
    assert nadia.get_by_label("Email").input_value() == "nadia@example.org"
    nadia.get_by_label("Username").fill("nadia")
    nadia.locator("#id_password1").fill(PASSWORD)
    nadia.locator("#id_password2").fill(PASSWORD)
    nadia.get_by_role("button", name="Sign up").click()
    nadia.wait_for_url(f"{base}/teams/{world['team'].pk}/")
    assert nadia.get_by_text("You joined Payments as editor.").is_visible()
    assert nadia.get_by_role("cell", name="nadia (you)").is_visible()
    walk.check(nadia, "team-joined", shots=True)
    used = browser.new_context(bypass_csp=True, viewport=DESKTOP).new_page()
    assert used.goto(link).status == 410
    walk.check(used, "invitation-used", shots=True)

    # The new editor generates a project from the latest revision.
    nadia.goto(f"{base}/architectures/{orders.pk}/")
    nadia.get_by_role("link", name="Generate a SAM project").click()
    walk.check(nadia, "generate", shots=True)
    nadia.get_by_label("Name").fill("orders")
    nadia.get_by_role("button", name="Generate").click()
    nadia.wait_for_selector('[data-status="succeeded"]', timeout=60_000)
    walk.check(nadia, "job", shots=True)

    assert len(walk.checked) >= 15
    assert walk.failures == {}, "\n".join(f"{page}: {line}" for page, lines in walk.failures.items() for line in lines)


def test_the_check_finds_what_it_should(browser):
    """The walk above can fail: a page with an unlabelled button, an image without text and
    pale text on white is reported."""
    page = browser.new_context(bypass_csp=True).new_page()
    page.set_content('<html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>'
                     '<button></button><img src="data:,"><p style="color:#ddd">Pale words</p></main></body></html>')
    found = " ".join(blocking_violations(page))
    for rule in ("button-name", "image-alt", "color-contrast"):
        assert rule in found, found
