"""Block Kit of the leak watch: within Slack's limits, the key only masked, hostile values
inert."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.keys.leak_watch import ACTIVE, REJECTED, UNKNOWN, AlertRef, Sighting
from bot.store.leaks import WatchSetting
from bot.ui import actions
from bot.ui.leak_watch import (
    compromised_line,
    render_alert,
    render_nudge,
    render_watch_setting,
)
from tests.support.block_kit import block_kit_problems
from tests.support.blocks import all_text, find_button

WHEN = datetime(2026, 11, 29, 1, 2, tzinfo=UTC)


def sighting(**changes: object) -> Sighting:
    values: dict[str, object] = {
        "id": 1,
        "masked": "sk-proj-…abcd",
        "fingerprint_id": "0123456789ab",
        "first": True,
        "seen_count": 1,
        "posted_by": "U0BOB",
        "channel_id": "C0GENERAL",
        "message_ts": "1700000000.000100",
        "created_at": WHEN,
        "project_id": 7,
        "project_name": "prod",
        "permalink": "https://example.slack.com/archives/C0GENERAL/p1700000000000100",
        "live_status": ACTIVE,
        "alerts": (AlertRef("D0ALICE", "1.2"),),
    }
    values.update(changes)
    return Sighting(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("live", [ACTIVE, REJECTED, UNKNOWN, None])
@pytest.mark.parametrize("project", ["prod", None])
def test_the_nudge_is_valid_block_kit_and_says_what_to_do(
    live: str | None, project: str | None
) -> None:
    blocks = render_nudge("sk-proj-…abcd", project, live)
    assert block_kit_problems(blocks) == []
    text = all_text(blocks)
    assert "sk-proj-…abcd" in text and "platform.openai.com/api-keys" in text
    assert "Delete message" in text
    assert find_button(blocks, actions.OPEN_KEY_MODAL).get("value") == project
    assert ("still accepts" in text) is (live == ACTIVE)
    assert ("already rejects" in text) is (live == REJECTED)


def test_the_alert_says_who_where_when_with_a_link_never_the_text() -> None:
    blocks = render_alert(sighting(seen_count=3))
    assert block_kit_problems(blocks) == []
    text = all_text(blocks)
    assert "<@U0BOB>" in text and "<#C0GENERAL>" in text and "<!date^" in text
    assert "<https://example.slack.com/archives/C0GENERAL/p1700000000000100|" in text
    assert "seen 3 times today" in text and "still accepts" in text


def test_the_replaced_alert_names_who_replaced_it() -> None:
    blocks = render_alert(sighting(), replaced=("U0ALICE", WHEN))
    assert block_kit_problems(blocks) == []
    text = all_text(blocks)
    assert "Replaced" in text and "<@U0ALICE>" in text
    assert "still accepts" not in text


@pytest.mark.parametrize(
    "permalink",
    [
        "https://evil.example.com/phish",
        "https://example.slack.com/archives/C1/p1|click <!channel>",
        "javascript:alert(1)",
    ],
)
def test_a_permalink_that_is_not_slacks_is_left_out(permalink: str) -> None:
    text = all_text(render_alert(sighting(permalink=permalink)))
    assert "evil" not in text and "<!channel>" not in text and "javascript" not in text


def test_hostile_project_names_and_ids_stay_inert() -> None:
    hostile = sighting(project_name="<!channel> & <https://x.test|y>", channel_id="<!here>")
    text = all_text(render_alert(hostile)) + compromised_line(hostile)
    assert "<!channel>" not in text and "<!here>" not in text and "<https://x.test" not in text
    shown = [
        element["text"]
        for block in render_nudge("sk-…abcd", "<!channel>", None)
        for element in [block.get("text"), *block.get("elements", [])]
        if isinstance(element, dict) and element.get("type") == "mrkdwn"
    ]
    assert any("&lt;!channel&gt;" in line for line in shown)
    assert not any("<!channel>" in line for line in shown)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("live", [True, False])
@pytest.mark.parametrize("channel", [None, "C0SECURITY"])
def test_the_watch_setting_is_valid_block_kit(
    enabled: bool, live: bool, channel: str | None
) -> None:
    blocks = render_watch_setting(WatchSetting(enabled, live, channel))
    assert block_kit_problems(blocks) == []
    toggle = find_button(blocks, actions.LEAK_WATCH)
    assert toggle["value"] == (actions.SETTING_OFF if enabled else actions.SETTING_ON)
    assert find_button(blocks, actions.LEAK_LIVE_CHECK)["value"] == (
        actions.SETTING_OFF if live else actions.SETTING_ON
    )
    if channel:
        assert f"<#{channel}>" in all_text(blocks)
        find_button(blocks, actions.LEAK_ALERT_DM)
