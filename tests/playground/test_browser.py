"""The playground in headless Chromium, driven by accessible names as a person with a screen
reader would (DESIGN.md §5): the real app answers through the Slack stand-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.playground.openai_sim import FakeOpenAI
from bot.playground.run import Playground

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

Shot = Callable[[str], Path]

# The first line of the result dialog for each simulated OpenAI outcome (no organization or
# project id typed, billing check on), as bot/ui/messages.toml words it.
RESULT_TITLES = {
    "valid": "Key works",
    "restricted": "Key works, with limited permissions",
    "read_only": "Key works, with limited permissions",
    "invalid": "Key not accepted",
    "revoked": "Key not accepted",
    "deactivated": "Problem with the OpenAI account",
    "ip_not_authorized": "Problem with the OpenAI account",
    "no_org": "Problem with the OpenAI account",
    "mismatched_org": "Key works",
    "mismatched_project": "Key works",
    "region": "Region not supported",
    "no_quota": "Key works, but there is no credit",
    "credit_exhausted": "Key works, but there is no credit",
    "billing_hard_limit": "Key works, but there is no credit",
    "spend_cap": "Key works, but the spending limit is reached",
    "rate_limited": "OpenAI could not be reached",
    "server_error": "OpenAI could not be reached",
    "overloaded": "OpenAI could not be reached",
    "html_502": "OpenAI could not be reached",
    "slow": "OpenAI could not be reached",
}


def expect(locator: Locator):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def send(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def feed(page: Page, tab: str = "messages") -> Locator:
    return page.locator(f"#panel-{tab} li.message")


def open_key_dialog(page: Page, project: str = "demo") -> Locator:
    send(page, f"/openai-setup key {project}")
    dialog = page.get_by_role("dialog", name="OpenAI API key")
    expect(dialog).to_be_visible()
    return dialog


def submit_key(page: Page, key: str, project: str = "demo") -> Locator:
    dialog = open_key_dialog(page, project)
    dialog.get_by_role("textbox", name="OpenAI API key").fill(key)
    dialog.get_by_role("button", name="Check and save").click()
    return dialog


def test_overview_step_next_and_mark_done_replace_the_message_in_place(
    page: Page, screenshot: Shot
) -> None:
    send(page, "/openai-setup")
    message = feed(page).last
    expect(message).to_contain_text("0 of 7 steps done")
    expect(message).to_contain_text("Only visible to you")
    screenshot("overview")

    step_3 = message.locator(".block.section", has_text="3. Verify your phone number")
    step_3.get_by_role("button", name="Open").click()
    expect(message.get_by_role("heading")).to_contain_text("Verify your phone number")
    screenshot("step-3")

    message.get_by_role("button", name="Next →").click()
    expect(message.get_by_role("heading")).to_contain_text("Create an API key")
    expect(feed(page)).to_have_count(1)  # replaced in place, not a new message
    message.get_by_role("button", name="Mark done").click()
    expect(message).to_contain_text("You marked this step as done.")
    expect(message.get_by_role("button", name="Mark not done")).to_be_visible()
    screenshot("step-4-done")

    message.get_by_role("button", name="Overview").click()
    expect(message).to_contain_text("1 of 7 steps done")
    expect(feed(page)).to_have_count(1)
    screenshot("overview-with-progress")


def test_a_troubleshooting_question_in_a_direct_message(page: Page, screenshot: Shot) -> None:
    send(page, "Error 429: You exceeded your current quota, please check your plan")
    expect(feed(page)).to_have_count(2)
    question, answer = feed(page).nth(0), feed(page).nth(1)
    expect(question).to_contain_text("You exceeded your current quota")
    expect(answer).to_contain_text("openai-setup")
    expect(answer.locator(".blocks")).to_contain_text(re.compile("quota|credit", re.I))
    screenshot("answer")


def test_a_chinese_question_gets_a_round_4_entry_in_chinese(page: Page, screenshot: Shot) -> None:
    # A pasted HTML page instead of JSON: the wrong-base-url entry, in the asker's language,
    # with its code spans, bullets and the English UI name kept as written.
    send(page, "接口返回 invalid character '<' looking for beginning of value，中转地址有问题吗？")
    expect(feed(page)).to_have_count(2)
    answer = feed(page).nth(1).locator(".blocks")
    expect(answer).to_contain_text("base URL 填错了")
    expect(answer).to_contain_text("https://api.openai.com/v1")
    expect(answer).not_to_contain_text("`")  # code spans are drawn as code, not as backticks
    screenshot("wrong-base-url-zh")


def test_a_spanish_question_with_a_pasted_error_gets_the_billing_entry_in_spanish(
    page: Page, screenshot: Shot
) -> None:
    # A round-6 entry: the error pasted in English inside a Spanish question is answered with
    # the billing_not_active entry, in Spanish, with the dashboard names kept in English.
    send(
        page,
        "me sale este error: Your account is not active, please check your billing details "
        "on our website. ¿Qué tengo que hacer?",
    )
    expect(feed(page)).to_have_count(2)
    answer = feed(page).nth(1).locator(".blocks")
    expect(answer).to_contain_text("billing_not_active")
    expect(answer).to_contain_text("Payment methods")
    expect(answer).to_contain_text("Actualiza la tarjeta")
    screenshot("billing-not-active-es")


def test_a_mention_in_a_channel_is_answered_there(page: Page, screenshot: Shot) -> None:
    page.get_by_role("tab", name="#general").click()
    send(page, "@openai-setup my key says invalid_api_key")
    expect(feed(page, "general")).to_have_count(2)
    expect(feed(page, "general").nth(1)).to_contain_text("openai-setup")
    expect(feed(page, "messages")).to_have_count(0)
    screenshot("mention")


def test_admin_checks_a_test_key_for_each_outcome(
    page: Page, playground: Playground, screenshot: Shot
) -> None:
    dialog = open_key_dialog(page)
    expect(dialog.get_by_role("textbox", name="Project", exact=True)).to_have_value("demo")
    expect(dialog.get_by_role("checkbox")).to_be_checked()
    dialog.get_by_role("button", name="Check and save").click()  # no key typed
    key_box = dialog.get_by_role("textbox", name="OpenAI API key")
    expect(key_box).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator(".error")).not_to_have_count(0)
    screenshot("inline-error")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    page.get_by_text("Test keys (simulated OpenAI)").click()
    for scenario, title in RESULT_TITLES.items():
        key = FakeOpenAI.key_for(scenario)
        expect(page.locator("#test-keys")).to_contain_text(key)
        dialog = submit_key(page, key)
        expect(dialog.locator(".block").first).to_contain_text(title, timeout=15_000)
        expect(dialog).to_contain_text("sk-proj-…GHIJ")
        screenshot(f"result-{scenario}")
        dialog.get_by_role("button", name="Close").click()
        expect(dialog).to_have_count(0)
    assert len(playground.openai.seen_keys if playground.openai else []) >= len(RESULT_TITLES)


def test_a_member_sees_masked_keys_only(page: Page, screenshot: Shot) -> None:
    key = FakeOpenAI.key_for("valid")
    dialog = submit_key(page, key, project="chatbot")
    expect(dialog).to_contain_text("Key works", timeout=15_000)
    dialog.get_by_role("button", name="Close").click()

    send(page, "/openai-setup keys")
    admin_list = feed(page).last
    expect(admin_list).to_contain_text("chatbot")
    revoke = admin_list.get_by_role("button", name="Revoke")
    revoke.click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_be_visible()
    screenshot("admin-revoke-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)

    page.get_by_role("combobox", name="Person").select_option(label="Max (member)")
    expect(feed(page)).to_have_count(0)  # the admin's private replies are not theirs
    send(page, "/openai-setup keys")
    member_list = feed(page).last
    expect(member_list).to_contain_text("chatbot")
    expect(member_list).to_contain_text("sk-proj-…GHIJ")
    expect(member_list.get_by_role("button", name="Revoke")).to_have_count(0)
    expect(member_list.get_by_role("button", name="Replace")).to_have_count(0)
    screenshot("member-keys")
    # Only the list of test keys shows keys whole; conversations and the log never do.
    page.get_by_text("Web API calls").click()
    for part in ("main", "#log", "#modal-layer"):
        assert key not in page.locator(part).inner_html()


def test_the_home_tab(page: Page, screenshot: Shot) -> None:
    page.get_by_role("tab", name="Home").click()
    home = page.locator("#panel-home")
    expect(home.get_by_role("heading").first).to_be_visible()
    expect(home).to_contain_text("0 of 7 steps done")
    expect(page.get_by_role("textbox", name="Message")).to_be_hidden()
    screenshot("home")
    home.locator(".block.section", has_text="1. Check what you need").get_by_role(
        "button", name="Open"
    ).click()
    expect(home.get_by_role("button", name="Mark done")).to_be_visible()
    home.get_by_role("button", name="Mark done").click()
    expect(home).to_contain_text("1 of 7 steps done")
    screenshot("home-step-done")


@pytest.mark.parametrize("person", ["Avery (workspace admin)", "Max (member)"])
def test_every_control_has_an_accessible_name(page: Page, person: str) -> None:
    page.get_by_role("combobox", name="Person").select_option(label=person)
    send(page, "/openai-setup")
    expect(feed(page)).to_have_count(1)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, textarea, [role=tab]')]
            .filter((node) => !node.closest('[hidden]'))
            .filter((node) => {
              const label = node.labels && node.labels.length ? node.labels[0].textContent : '';
              const name = (node.getAttribute('aria-label') || label || node.textContent || '');
              return name.trim() === '';
            }).map((node) => node.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_hostile_text_is_shown_as_text(page: Page, screenshot: Shot) -> None:
    hostile = (
        '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> '
        "<https://evil.example|click me> &amp; *bold* why 429?"
    )
    send(page, hostile)
    expect(feed(page)).to_have_count(2)
    question = feed(page).nth(0)
    expect(question).to_contain_text('<img src=x onerror="window.pwned=1">')
    answer = feed(page).nth(1)
    expect(answer).to_contain_text("openai-setup")
    page.get_by_text("Web API calls").click()
    screenshot("hostile-text-and-log")
    assert page.evaluate("() => window.pwned") is None
    for part in ("main", "#log"):
        area = page.locator(part)
        assert area.locator("img, script").count() == 0
        assert area.locator('a[href*="evil.example"]').count() == 0
