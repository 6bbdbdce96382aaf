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
    """The full recommendation's ranking, below the form."""
    return page.locator("#recommendation .ranked-name").all_inner_texts()


def best_fit(page: Page):
    """The best fit's name in the short panel beside the form."""
    return page.locator("#panel .glance-best a")


def test_a_workload_answered_end_to_end(page: Page, live_server, screenshot):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Describe your workload").first.click()
    expect(page.get_by_role("heading", name="Describe your workload")).to_be_visible()

    answer_order_api(page)

    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    expect(page.locator("#panel .glance-risks li", has_text="Unprocessable messages are retried")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/questionnaire/\?client_waits=false&unreliable_downstream=true$"))
    expect(page.locator("#panel")).to_contain_text("Per month")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "questionnaire-with-panel")

    # The whole recommendation is below the form, fetched for these answers once it is reached.
    page.locator("#panel").get_by_role("link", name="Full recommendation").click()
    expect(page.locator("#recommendation .ranked-name").first).to_have_text("Lambda + SQS worker")
    poison = page.locator("#recommendation .risk", has=page.locator(".risk-pattern", has_text="Lambda + SQS worker"))
    expect(poison.first).to_be_visible()
    expect(page.locator("#recommendation")).to_contain_text("Monthly cost")
    page.locator("#recommendation").get_by_text("How it goes wrong, and the fix").first.click()
    expect(page.locator("#recommendation .flow-bad").first).to_be_visible()


def test_the_poison_message_warning_is_shown_for_the_sqs_worker(page: Page, live_server):
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    warning = page.locator("#panel .glance-risks li", has_text="Unprocessable messages are retried over and over")
    expect(warning).to_contain_text("in Lambda + SQS worker")
    expect(warning.locator(".severity")).to_have_text(re.compile("High|Critical"))


def test_the_panel_changes_after_an_answer(page: Page, live_server):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/questionnaire/")
    expect(best_fit(page)).to_have_text("API Gateway + Lambda")
    expect(page.locator("#q-writes_back_to_source")).to_be_hidden()

    group(page, "What starts one unit of work?").get_by_label("A file arriving in storage").check()

    expect(best_fit(page)).to_have_text("Lambda + S3 file processing")
    expect(page.locator("#panel .changes")).to_contain_text("Best fit is now Lambda + S3 file processing")
    expect(page.locator("#q-writes_back_to_source")).to_be_visible()  # a follow-up question appeared
    # and two went away: nobody waits for a file arriving in storage
    expect(page.locator("#q-client_waits")).to_be_hidden()
    expect(page.locator("#q-latency_ms")).to_be_hidden()

    page.get_by_label("Typical processing time of one unit of work").fill("1200")
    page.keyboard.press("Tab")
    timeout = page.locator("#panel .limit-line", has_text="Lambda maximum function timeout")
    expect(timeout).to_contain_text("1,200 s")
    expect(timeout).to_contain_text("(AWS: 900 s)")


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
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    expect(page).to_have_url(re.compile(r"\?trigger=queue$"))


def test_a_pattern_link_leads_to_its_catalogue_page(page: Page, live_server, screenshot):
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/questionnaire/")
    answer_order_api(page)
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    best_fit(page).click()

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
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    before = (best_fit(page).inner_text(), page.locator("#panel .proposal-stats").inner_text(),
              page.locator("#panel .glance-risks").inner_text())
    shared = page.url
    page.locator("#recommendation").scroll_into_view_if_needed()
    expect(page.locator("#share-url")).to_have_value(shared)
    full = ranked_names(page)

    other_browser = browser.new_context()  # someone else, opening the link
    colleague = other_browser.new_page()
    colleague.goto(shared)
    after = (best_fit(colleague).inner_text(), colleague.locator("#panel .proposal-stats").inner_text(),
             colleague.locator("#panel .glance-risks").inner_text())
    assert after == before
    assert ranked_names(colleague) == full
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
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    expect(page.locator("#recommendation .ranked-name").first).to_have_text("Lambda + SQS worker")
    warning = page.locator("#recommendation .risk", has=page.locator(".risk-pattern", has_text="Lambda + SQS worker"))
    expect(warning.first).to_be_visible()
    expect(page.locator("#panel .glance-changes")).to_be_hidden()  # nothing to compare with without the script
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

    page.locator("#recommendation .ranked-name").first.click()
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
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out sideways
    screenshot(page, "mobile-questionnaire")
    page.locator(".panel-peek").click()
    expect(page.get_by_role("heading", name="Recommendation", exact=True)).to_be_in_viewport()
    screenshot(page, "mobile-recommendation")
    page.goto(live_server.url + "/patterns/sqs-worker/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "mobile-pattern-page")


def test_on_a_phone_the_bar_says_when_lambda_is_not_the_answer(page: Page, live_server):
    """The bar kept at the bottom of a phone's screen is all of the advice in view while
    answering: when the core work belongs elsewhere it names that, not a Lambda price."""
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/questionnaire/")
    group(page, "What starts one unit of work?").get_by_label("A file arriving in storage").check()
    page.get_by_label("Typical processing time of one unit of work").fill("1200")
    peek = page.locator(".panel-peek")
    expect(peek).to_contain_text("Instead of Lambda")
    expect(peek).to_contain_text("MediaConvert")
    expect(peek).not_to_contain_text("/mo")
    expect(peek).to_be_in_viewport()
    named = peek.locator("strong")
    assert named.evaluate("e => e.scrollWidth <= e.clientWidth")  # shown whole, not cut short
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Typical processing time of one unit of work").fill("20")
    expect(peek).to_contain_text("Best fit")
    expect(peek).to_contain_text("Lambda + S3 file processing")
    expect(peek).to_contain_text("/mo")


def test_answers_the_browser_puts_back_on_return_are_the_ones_advised_on(page: Page, live_server):
    """Leaving the page before a typed answer was sent, then coming back: the browser puts the
    typed value back in its field, and the panel and the page's address follow it."""
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/questionnaire/?trigger=file_upload")
    expect(best_fit(page)).to_have_text("Lambda + S3 file processing")
    # Typed, but gone before the pause that sends it: nothing was sent.
    page.get_by_label("Typical processing time of one unit of work").evaluate("field => { field.value = '1200'; }")
    page.goto(live_server.url + "/patterns/")
    page.go_back()
    expect(page.get_by_label("Typical processing time of one unit of work")).to_have_value("1200")
    expect(page.locator("#panel .glance-instead")).to_contain_text("MediaConvert")
    expect(page).to_have_url(re.compile(r"duration_s=1200"))


LAPTOP = {"width": 1366, "height": 768}
# Many risks and broken limits, and work too long for Lambda: the most the short panel has to hold.
BUSY = ("/questionnaire/?trigger=event&client_waits=false&consumers=3&content_routing=true&unreliable_downstream=true"
        "&payload_kb=300&peak_rps=2000&downstream_max_rps=50&steps=4&duration_s=1200&max_duration_s=3000")


def panel_fits(page: Page) -> None:
    """The short panel is wholly inside the window and nothing in it or around it scrolls."""
    box = page.locator("#panel").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box
    for selector in (".q-side", "#panel"):
        overflow = page.locator(selector).evaluate(
            "el => ({style: getComputedStyle(el).overflowY, inner: el.scrollHeight - el.clientHeight})")
        assert overflow["style"] == "visible" and overflow["inner"] <= 1, (selector, overflow)


def test_the_panel_updates_while_typing_after_a_pause(page: Page, live_server):
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/questionnaire/?trigger=schedule&client_waits=false")
    expect(page.locator("#panel .proposal-stats")).to_contain_text("Limits broken0")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    field = page.get_by_label("Typical processing time of one unit of work")
    field.fill("")
    field.press_sequentially("1200")  # typed, still in the field: no change event, no blur

    timeout = page.locator("#panel .limit-line", has_text="Lambda maximum function timeout")
    expect(timeout).to_contain_text("1,200 s")
    expect(page.locator("#panel .changes")).to_contain_text("Lambda maximum function timeout")
    expect(page).to_have_url(re.compile(r"duration_s=1200"))
    assert field.evaluate("el => el === document.activeElement")  # the cursor stayed where it was
    assert len(posts) < 5  # one update after the typing paused, not one per keystroke
    expect(page.locator("#panel-announcer")).to_contain_text("Lambda maximum function timeout")


def test_the_panel_fits_beside_the_form_on_a_laptop_without_scrolling_inside(page: Page, live_server, screenshot):
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + BUSY)
    expect(best_fit(page)).to_be_visible()
    panel_fits(page)
    screenshot(page, "questionnaire-panel-laptop")

    # Further down the form it stays beside it, and still fits with a mistake to fix and what changed.
    page.get_by_label("Peak units of work per second").fill("-5")
    expect(page.locator("#panel .notice-error")).to_contain_text("1 answer needs fixing")
    expect(page.locator("#panel .changes li").first).to_be_visible()
    expect(page.locator("#panel .glance-instead")).to_be_visible()
    page.mouse.wheel(0, 900)
    expect(page.locator("#panel")).to_be_in_viewport()
    panel_fits(page)
    screenshot(page, "questionnaire-panel-laptop-changes")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + BUSY)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#panel").scroll_into_view_if_needed()
    screenshot(page, "questionnaire-panel-phone")


def test_the_full_recommendation_below_loads_the_latest_answers_when_reached(page: Page, live_server):
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/questionnaire/")
    expect(page.locator("#recommendation .ranked-name").first).to_have_text("API Gateway + Lambda")
    answer_order_api(page)
    expect(best_fit(page)).to_have_text("Lambda + SQS worker")
    expect(page.locator("#recommendation .ranked-name")).to_have_count(0)  # left until it is looked at
    page.locator("#below-the-form").scroll_into_view_if_needed()
    expect(page.locator("#recommendation .ranked-name").first).to_have_text("Lambda + SQS worker")
    expect(page.locator("#share-url")).to_have_value(page.url)


def test_the_full_recommendation_has_a_url_that_works_without_javascript(browser, live_server, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport=WIDE)
    page = context.new_page()
    page.goto(live_server.url + "/questionnaire/?client_waits=false&unreliable_downstream=true")
    page.get_by_role("link", name="The full recommendation on a page of its own").click()

    expect(page).to_have_url(re.compile(r"/questionnaire/recommendation/\?client_waits=false&unreliable_downstream=true$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The recommendation for your workload")
    expect(page.locator(".answer-list")).to_contain_text("Does the caller wait for the result? No")
    expect(page.locator("#recommendation .ranked-name").first).to_have_text("Lambda + SQS worker")
    expect(page.locator("#recommendation .cost tfoot")).to_contain_text("Total per month")
    page.locator("#recommendation").get_by_text("How it goes wrong, and the fix").first.click()
    expect(page.locator("#recommendation .flow-bad").first).to_be_visible()
    screenshot(page, "recommendation-page", full_page=True)

    page.get_by_role("link", name="← Change these answers").first.click()
    expect(group(page, "Does the caller wait for the result?").get_by_label("No", exact=True)).to_be_checked()
    context.close()
