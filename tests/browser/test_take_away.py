"""Taking advice away: Markdown and PDF downloads read back, a read-only link opened logged out
and again after it is revoked, and three architectures compared side by side."""

import io
import re

import pypdf
import pytest

from advisor.teams.models import Team
from tests.factories import make_architecture

from test_sharing import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def alice(browser, live_server):
    """Alice's signed-in page and her team, with one saved architecture."""
    page = browser.new_context(accept_downloads=True).new_page()
    sign_up(page, live_server.url, "alice")
    team = Team.objects.get(memberships__user__username="alice")
    make_architecture(team, team.memberships.get().user, name="Order pipeline")
    return page, team


def download(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).first.click()
    file = info.value
    return file.suggested_filename, open(file.path(), "rb").read()


def test_exports_and_a_read_only_link(browser, live_server, alice, screenshot):
    page, team = alice
    base = live_server.url
    architecture = team.architectures.get()
    page.goto(f"{base}/architectures/{architecture.pk}/revisions/1/")

    name, content = download(page, "Markdown")
    assert name == "order-pipeline-revision-1.md"
    assert content.decode().startswith("# Order pipeline, revision 1\n")
    assert "## Risks" in content.decode()
    name, content = download(page, "PDF")
    assert name == "order-pipeline-revision-1.pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Order pipeline, revision 1" in text

    # A link that works for a week, made from the architecture page and listed there.
    page.goto(f"{base}/architectures/{architecture.pk}/")
    page.get_by_label("The link stops working").select_option(label="after a week")
    page.get_by_role("button", name="Make a read-only link to revision 1").click()
    page.wait_for_url(re.compile(r"#sharing$"))
    shared_url = page.locator("#sharing table a").first.get_attribute("href")
    assert shared_url.startswith("/shared/")

    stranger = browser.new_context().new_page()
    response = stranger.goto(base + shared_url)
    assert response.status == 200
    assert stranger.get_by_role("heading", name="Order pipeline", level=1).is_visible()
    assert stranger.get_by_role("link", name="Edit").count() == 0
    assert stranger.get_by_role("link", name=re.compile("Generate")).count() == 0
    assert stranger.get_by_text("alice").count() == 0
    stranger.wait_for_load_state("networkidle")
    screenshot(stranger, "shared-revision", full_page=True)

    page.get_by_role("button", name="Revoke").click()
    page.wait_for_url(re.compile(r"#sharing$"))
    assert page.get_by_text("No links open now.").is_visible()
    assert stranger.goto(base + shared_url).status == 404


def test_three_architectures_side_by_side(live_server, alice, screenshot):
    page, team = alice
    base = live_server.url
    owner = team.memberships.get().user
    make_architecture(team, owner, name="Thumbnails", answers={"trigger": "file_upload", "client_waits": False})
    make_architecture(team, owner, name="Orders API", answers={"trigger": "http", "client_waits": True,
                                                                "duration_s": 1200})
    page.goto(f"{base}/architectures/")
    for name in ("Order pipeline", "Thumbnails", "Orders API"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name=re.compile("Compare the ticked")).click()
    page.wait_for_url(re.compile(r"/architectures/compare\?"))
    assert page.get_by_role("heading", name="Comparing 3 architectures", level=1).is_visible()
    assert page.get_by_role("heading", name="AWS limits broken", level=2).is_visible()
    best_fit = page.get_by_role("row", name=re.compile("^Best fit"))
    assert "differs" in best_fit.text_content()
    assert best_fit.get_by_role("cell").count() == 3
    page.wait_for_load_state("networkidle")
    screenshot(page, "compare-three", full_page=True)
