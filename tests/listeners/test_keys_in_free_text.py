"""Every free-text surface refuses every key form with the same detector: command text,
the key/keys/audit sub-commands, questions, direct messages and mentions."""

from __future__ import annotations

import pytest

from tests.support import payloads
from tests.support.leaks import assert_nowhere, debug_logs
from tests.support.running_app import RunningApp

RANDOM = "Xq7Lm2Pz9Rt4Vb6Nc8Jk"
URL_SAFE = "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r"
FORMS = {
    "legacy": "sk-" + RANDOM + "T3BlbkFJ" + RANDOM[::-1],
    "project": "sk-proj-" + URL_SAFE * 3 + "T3BlbkFJ" + URL_SAFE,
    "service_account": "sk-svcacct-" + URL_SAFE * 3 + "T3BlbkFJ" + RANDOM,
    "admin": "sk-admin-" + RANDOM + URL_SAFE * 2 + "T3BlbkFJ" + URL_SAFE,
}
COMMANDS = ["{key}", "key {key}", "key prod {key}", "keys {key}", "audit {key}", "why {key}?"]


def _is_leak_warning(text: str) -> bool:
    return "treat it as leaked" in text and "Revoke it" in text


@pytest.mark.parametrize("form", sorted(FORMS))
def test_commands_refuse_every_key_form(app: RunningApp, form: str) -> None:
    key = FORMS[form]
    with debug_logs() as logs:
        for template in COMMANDS:
            response = app.command(template.format(key=key), user_id="U0KEYADMIN")
            assert response.status == 200
            assert _is_leak_warning(response.text), template
    assert not app.slack.calls_to("views.open")
    assert_nowhere(app, logs, key, key[3:], key[-24:])


@pytest.mark.parametrize("form", sorted(FORMS))
def test_direct_messages_and_mentions_refuse_every_key_form(app: RunningApp, form: str) -> None:
    key = FORMS[form]
    with debug_logs() as logs:
        app.event(payloads.message_im(f"is this right? {key}", user_id="U0ALICE"))
        app.event(payloads.app_mention(f"<@UBOT0001> help with {key}", user_id="U0ALICE"))
        calls = app.slack.wait_for("chat.postMessage", 2)
    for call in calls:
        assert _is_leak_warning(call.text_content())
    assert_nowhere(app, logs, key, key[3:], key[-24:])


def test_masked_keys_in_a_question_are_answered_not_refused(app: RunningApp) -> None:
    response = app.command("is sk-proj-…abcd the right key for sk-proj-XXXX?")
    assert not _is_leak_warning(response.text)
