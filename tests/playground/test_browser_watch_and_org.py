"""The leak watch (a key typed in #general) and a connected OpenAI organization (the simulated
one of ``--offline``), in headless Chromium, by accessible names (DESIGN.md §5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.playground.openai_admin import DEMO_ADMIN_KEY
from bot.playground.openai_sim import FakeOpenAI
from bot.playground.run import Playground
from bot.playground.slack_api.fake import ROUTES
from tests.playground.test_browser import expect, feed, send, submit_key

if TYPE_CHECKING:
    from playwright.sync_api import Page

Shot = Callable[[str], Path]


def as_person(page: Page, name: str) -> None:
    page.get_by_role("combobox", name="Person").select_option(label=name)


def assert_nowhere_on_the_page(page: Page, secret: str) -> None:
    """Conversations, Home, dialogs and the Web API log show no whole key."""
    page.get_by_text("Web API calls").click()
    for part in ("main", "#log", "#modal-layer"):
        assert secret not in page.locator(part).inner_html(), part
    page.get_by_text("Web API calls").click()


def assert_every_call_answered(playground: Playground, *expected: str) -> None:
    """The stand-in knows every Web API method the app called on this path."""
    # Posts to a response_url or to an upload URL are not Web API methods.
    called = {call.method for call in playground.slack.calls} - {"response_url", "upload"}
    assert set(expected) <= called
    assert called <= set(ROUTES), called - set(ROUTES)


def test_a_stored_key_typed_in_general_is_caught(
    page: Page, playground: Playground, screenshot: Shot
) -> None:
    key = FakeOpenAI.key_for("valid")
    dialog = submit_key(page, key, project="chatbot")
    expect(dialog).to_contain_text("Key works", timeout=15_000)
    dialog.get_by_role("button", name="Close").click()

    as_person(page, "Max (member)")
    page.get_by_role("tab", name="#general").click()
    send(page, f"try this one: {key} (works for me)")
    general = feed(page, "general")
    # The nudge at once; the live check's answer follows as a second private message
    # (Slack cannot update an ephemeral message in place).
    expect(general).to_have_count(3)
    nudge, live = general.nth(1), general.nth(2)
    expect(nudge).to_contain_text("Only visible to you")
    expect(nudge).to_contain_text("You just posted an OpenAI API key")
    expect(nudge).to_contain_text("sk-proj-…GHIJ")
    expect(nudge).to_contain_text("This is the stored key of chatbot")
    expect(nudge.get_by_role("button", name="Store the new key privately")).to_be_visible()
    expect(live).to_contain_text("Only visible to you")
    expect(live).to_contain_text("About the key you just posted")
    expect(live).to_contain_text("revoke it now")
    expect(general.nth(0)).to_contain_text("try this one: [redacted] (works for me)")
    screenshot("member-nudge-in-general")
    # The app got the key itself (the nudge names its last four), the page shows it nowhere.
    assert key in playground.openai.seen_keys if playground.openai else False
    assert_nowhere_on_the_page(page, key)

    as_person(page, "Avery (workspace admin)")
    page.get_by_role("tab", name="#general").click()
    expect(feed(page, "general")).to_have_count(1)  # the nudge was Max's alone
    page.get_by_role("tab", name="Messages").click()
    alert = feed(page).filter(has_text="was posted in a channel").last
    expect(alert).to_contain_text("The stored key of chatbot (sk-proj-…GHIJ)")
    expect(alert).to_contain_text("#general")
    expect(alert.get_by_role("link", name="open the message")).to_have_attribute(
        "href", re.compile(r"/archives/C0GENERAL/p\d+")
    )
    screenshot("maintainer-alert-by-dm")

    send(page, "/openai-setup keys")
    listing = feed(page).last
    expect(listing).to_contain_text("chatbot")
    expect(listing).to_contain_text("compromised")
    screenshot("keys-compromised")

    page.get_by_role("tab", name="Home").click()
    home = page.locator("#panel-home")
    expect(home).to_contain_text("compromised")
    screenshot("home-compromised")
    assert_nowhere_on_the_page(page, key)

    # The replacement clears the status and updates the alert in place (chat.update).
    page.get_by_role("tab", name="Messages").click()
    replacement = FakeOpenAI.key_for("valid", "new")
    dialog = submit_key(page, replacement, project="chatbot")
    expect(dialog).to_contain_text("Key works", timeout=15_000)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    expect(alert).to_contain_text("Replaced.")
    screenshot("alert-updated-in-place")
    send(page, "/openai-setup keys")
    expect(feed(page).last).not_to_contain_text("compromised")

    # Alerts may go to a channel instead: the Home tab's channel menu (conversations_select).
    page.get_by_role("tab", name="Home").click()
    expect(home).to_contain_text("sk-proj-…Jnew")  # the Home tab drawn afresh
    home.get_by_role("combobox", name="Alert channel").select_option(label="#general")
    expect(home).to_contain_text("Alerts go to: #general")
    expect(home.get_by_role("button", name="Send alerts by DM")).to_be_visible()
    home.get_by_role("heading", name="OpenAI organization").or_(
        home.get_by_text("Alerts go to")
    ).first.scroll_into_view_if_needed()
    screenshot("home-alert-channel")
    assert_every_call_answered(
        playground, "chat.postEphemeral", "chat.getPermalink", "chat.postMessage", "chat.update"
    )


def test_an_admin_connects_the_simulated_organization(
    page: Page, playground: Playground, screenshot: Shot
) -> None:
    # The valid test key belongs to the demo organization's first project; the other one to
    # a project OpenAI places elsewhere, so it is linked by hand.
    for project, scenario in (("chatbot", "valid"), ("pipeline", "mismatched_project")):
        dialog = submit_key(page, FakeOpenAI.key_for(scenario), project=project)
        expect(dialog).to_contain_text("Key works", timeout=15_000)
        dialog.get_by_role("button", name="Close").click()

    page.get_by_text("Test keys (simulated OpenAI)").click()
    keys = page.locator("#test-keys")
    expect(keys).to_contain_text(DEMO_ADMIN_KEY)
    expect(keys).to_contain_text("an admin key of a simulated organization")
    send(page, "/openai-setup connect")
    dialog = page.get_by_role("dialog", name="Connect OpenAI org")
    expect(dialog).to_be_visible()
    dialog.get_by_role("textbox", name="Admin key").fill(DEMO_ADMIN_KEY)
    screenshot("connect-dialog")
    dialog.get_by_role("button", name="Connect").click()
    expect(dialog).to_contain_text("Connected.", timeout=15_000)
    expect(dialog).to_contain_text("reads 3 projects")
    expect(dialog).to_contain_text("sk-admin-…6789")
    # The valid test key belongs to the demo's first project: linked by key at once.
    expect(dialog).to_contain_text("chatbot → Support chatbot")
    screenshot("connected")
    dialog.get_by_role("combobox", name="OpenAI project").select_option(label="Data pipeline")
    expect(dialog).to_contain_text(
        "pipeline is now linked to proj_FAKE0000000000000000000data", timeout=15_000
    )
    screenshot("linked")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    assert_nowhere_on_the_page(page, DEMO_ADMIN_KEY)

    page.get_by_role("button", name="Run scheduled jobs now").click()
    expect(page.locator("#jobs-status")).to_contain_text("costs")

    page.get_by_role("tab", name="Home").click()
    home = page.locator("#panel-home")
    expect(home.get_by_role("heading").first).to_be_visible()
    # The inventory: the keys OpenAI knows for each linked project, beside the stored one.
    expect(home).to_contain_text("Connected with the admin key sk-admin-…6789")
    expect(home).to_contain_text("production (owner1)")
    expect(home).to_contain_text("not stored here")
    expect(home).to_contain_text(re.compile(r"chatbot: \$[\d.]+ this month"))
    expect(home.get_by_role("combobox", name="Alert channel")).to_be_visible()
    home.get_by_role("heading", name="OpenAI organization").scroll_into_view_if_needed()
    screenshot("home-inventory")

    # Rotate now: a service-account key made in the linked project, checked, stored.
    home.locator(".block.section", has_text="chatbot (OpenAI project").get_by_role(
        "button", name="Rotate now"
    ).click()
    rotate = page.get_by_role("dialog", name="Rotate key")
    expect(rotate.get_by_role("radio", name="After 1 day")).to_be_checked()
    rotate.get_by_role("radio", name="Right away").check()
    screenshot("rotate-dialog")
    rotate.get_by_role("button", name="Rotate").click()
    expect(rotate).to_contain_text("was rotated", timeout=15_000)
    expect(rotate).to_contain_text("sk-svcacct-…")
    screenshot("rotated")
    rotate.get_by_role("button", name="Close").click()
    expect(rotate).to_have_count(0)

    page.get_by_role("tab", name="Messages").click()
    send(page, "/openai-setup usage")
    usage = feed(page).last
    expect(usage).to_contain_text("chatbot")
    chart = usage.get_by_role("img").first
    expect(chart).to_be_visible()
    loaded = chart.evaluate("(img) => img.complete && img.naturalWidth")
    assert loaded and loaded > 100
    screenshot("usage-with-chart")
    assert_every_call_answered(
        playground, "files.getUploadURLExternal", "files.completeUploadExternal"
    )
