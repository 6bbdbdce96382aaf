"""The questionnaire in a real browser, with and without JavaScript."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def group(page: Page, question: str):
    return page.get_by_role("group", name=question)


def answer_order_api(page: Page) -> None:
    """An order API whose orders are charged in the background by a flaky payment provider."""
    group(page, "What starts one unit of work?").get_by_label(re.compile("^An HTTP request")).check()
    group(page, "Does the caller wait for the result?").get_by_label("No", exact=True).check()
    group(page, "Do you call third-party services that fail now and then?").get_by_label("Yes", exact=True).check()


def ranked_names(page: Page) -> list[str]:
    return page.locator("#panel .ranked-name").all_inner_texts()


def test_a_workload_answered_end_to_end(page: Page, live_server, screenshot):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Describe your workload").first.click()
    expect(page.get_by_role("heading", name="Describe your workload")).to_be_visible()

    answer_order_api(page)

    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    poison = page.locator("#panel .risk", has=page.locator(".risk-pattern", has_text="Lambda + SQS worker"))
    expect(poison.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/questionnaire/\?client_waits=false&unreliable_downstream=true$"))
    expect(page.locator("#panel")).to_contain_text("Monthly cost")
    page.locator("#panel").get_by_text("How it goes wrong, and the fix").first.click()
    expect(page.locator("#panel .flow-bad").first).to_be_visible()
    page.locator("#panel").evaluate("element => element.closest('.q-side').scrollTop = 0")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "questionnaire-with-panel")


def test_the_poison_message_warning_is_shown_for_the_sqs_worker(page: Page, live_server):
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    warning = page.locator("#panel .risk", has=page.locator(".risk-pattern", has_text="Lambda + SQS worker"))
    expect(warning.first).to_be_visible()
    expect(warning.first.locator(".severity")).to_have_text(re.compile("High|Critical"))


def test_the_panel_changes_after_an_answer(page: Page, live_server):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/questionnaire/")
    expect(page.locator("#panel .ranked-name").first).to_have_text("API Gateway + Lambda")
    expect(page.locator("#q-writes_back_to_source")).to_be_hidden()

    group(page, "What starts one unit of work?").get_by_label("A file arriving in storage").check()

    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + S3 file processing")
    expect(page.locator("#q-writes_back_to_source")).to_be_visible()  # a follow-up question appeared
    expect(page.locator("#q-latency_ms")).to_be_visible()

    group(page, "Does the caller wait for the result?").get_by_label("No", exact=True).check()
    expect(page.locator("#q-latency_ms")).to_be_hidden()  # and one went away

    page.get_by_label("Typical processing time of one unit of work").fill("1200")
    page.keyboard.press("Tab")
    timeout = page.locator("#panel tr.is-broken", has_text="Lambda maximum function timeout")
    expect(timeout).to_contain_text("1,200")
    expect(timeout).to_contain_text("900")


def test_an_invalid_value_is_explained_next_to_its_field(page: Page, live_server):
    page.goto(live_server.url + "/questionnaire/")
    page.get_by_label("Response time the caller accepts (p99)").fill("0")
    page.keyboard.press("Tab")
    expect(page.locator("#error-latency_ms")).to_have_text("Must be between 1 and 3,600,000 ms; got 0.")
    expect(page.locator("#panel .notice-error")).to_contain_text("1 answer needs fixing")
    page.get_by_label("Response time the caller accepts (p99)").fill("250")
    page.keyboard.press("Tab")
    expect(page.locator("#error-latency_ms")).to_be_empty()
    expect(page.locator("#panel .notice-error")).to_have_count(0)


def test_the_questionnaire_works_from_the_keyboard(page: Page, live_server):
    page.goto(live_server.url + "/questionnaire/")
    group(page, "What starts one unit of work?").get_by_label(re.compile("^An HTTP request")).focus()
    page.keyboard.press("ArrowRight")  # radio groups move the choice with the arrow keys
    expect(group(page, "What starts one unit of work?").get_by_label("A message or job put on a queue")).to_be_checked()
    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    expect(page).to_have_url(re.compile(r"\?trigger=queue$"))


def test_a_pattern_link_leads_to_its_catalogue_page(page: Page, live_server, screenshot):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    page.locator("#panel .ranked-name").first.click()

    expect(page).to_have_url(re.compile(r"/patterns/sqs-worker/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lambda + SQS worker")
    for heading in ("Rule of thumb", "When to use it", "Trade-offs", "Risks to plan for", "Better alternatives"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    screenshot(page, "pattern-page", full_page=True)

    page.locator(".alternatives a").first.click()
    expect(page).to_have_url(re.compile(r"/patterns/[a-z0-9-]+/$"))
    page.get_by_role("link", name="Patterns").first.click()
    expect(page.get_by_role("table")).to_contain_text("Main risk")
    screenshot(page, "pattern-list", full_page=True)


def test_reloading_a_shared_url_gives_the_same_result(page: Page, live_server, browser):
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    page.get_by_label("Peak units of work per second").fill("250")
    page.keyboard.press("Tab")
    expect(page).to_have_url(re.compile(r"peak_rps=250"))
    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    before = (ranked_names(page), page.locator("#panel .proposal-stats").inner_text(),
              page.locator("#panel .risk h4").all_inner_texts())
    shared = page.url
    assert page.locator("#share-url").input_value() == shared

    other_browser = browser.new_context()  # someone else, opening the link
    colleague = other_browser.new_page()
    colleague.goto(shared)
    after = (ranked_names(colleague), colleague.locator("#panel .proposal-stats").inner_text(),
             colleague.locator("#panel .risk h4").all_inner_texts())
    assert after == before
    expect(colleague.get_by_label("Peak units of work per second")).to_have_value("250")
    expect(group(colleague, "Does the caller wait for the result?").get_by_label("No", exact=True)).to_be_checked()
    other_browser.close()


def test_the_same_flow_without_javascript(browser, live_server, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport=WIDE)
    page = context.new_page()
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    page.get_by_role("button", name="Show the recommendation").click()

    expect(page).to_have_url(re.compile(r"/questionnaire/\?client_waits=false&unreliable_downstream=true#recommendation$"))
    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    warning = page.locator("#panel .risk", has=page.locator(".risk-pattern", has_text="Lambda + SQS worker"))
    expect(warning.first).to_be_visible()
    result = ranked_names(page)

    page.reload()
    assert ranked_names(page) == result

    # A follow-up question shows up after the next submit, and a mistake is shown in place.
    page.get_by_label("Dependent steps in the business process").fill("4")
    page.get_by_role("button", name="Show the recommendation").click()
    expect(page.locator("#q-compensation")).to_be_visible()
    page.get_by_label("Peak units of work per second").fill("-5")
    page.get_by_role("button", name="Show the recommendation").click()
    expect(page.locator("#error-peak_rps")).to_contain_text("Must be between 0 and")
    expect(page.locator("#panel")).to_contain_text("1 answer needs fixing")

    page.locator("#panel .ranked-name").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lambda + SQS worker")
    context.close()


def test_the_catalogue_pages_and_a_phone_sized_screen(page: Page, live_server, screenshot):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/checklist/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Production checklist")
    screenshot(page, "checklist", full_page=True)
    page.goto(live_server.url + "/")
    screenshot(page, "home", full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/questionnaire/?client_waits=false&unreliable_downstream=true")
    expect(page.locator("#panel .ranked-name").first).to_have_text("Lambda + SQS worker")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out sideways
    screenshot(page, "mobile-questionnaire")
    page.locator(".panel-peek").click()
    expect(page.get_by_role("heading", name="Recommendation")).to_be_in_viewport()
    screenshot(page, "mobile-recommendation")
    page.goto(live_server.url + "/patterns/sqs-worker/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "mobile-pattern-page")
