"""The Slack stand-in answers each Web API method the app uses as Slack does, through
slack-sdk's real client, and tells its observers about each call before answering."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playground.slack_api import BOT_USER_ID, FakeSlack, SlackCall

VIEW = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}


def test_the_methods_the_app_uses_answer_in_slacks_shapes() -> None:
    slack = FakeSlack(team_id="T0PLAY")
    seen: list[tuple[str, dict[str, Any]]] = []
    slack.observe(lambda call, answer: seen.append((call.method, answer)))
    try:
        slack.add_user("U0ADMIN", is_admin=True)
        client = WebClient(token="xoxb-1-2-playground", base_url=slack.api_url)

        auth = client.auth_test()
        assert (auth["team_id"], auth["user_id"]) == ("T0PLAY", BOT_USER_ID)
        user = client.users_info(user="U0ADMIN")["user"]
        assert user["is_admin"] is True and user["team_id"] == "T0PLAY"
        try:
            client.users_info(user="U0NOBODY")
        except SlackApiError as error:
            assert error.response["error"] == "user_not_found"
        else:
            raise AssertionError("an unknown user must be an error")

        posted = client.chat_postMessage(channel="U0ADMIN", text="hi", blocks=[])
        assert posted["message"]["user"] == BOT_USER_ID and float(posted["ts"]) > 0
        assert client.chat_postEphemeral(channel="C1", user="U0ADMIN", text="x")["message_ts"]

        opened = client.views_open(trigger_id="1.2.abc", view=VIEW)["view"]
        assert opened["id"].startswith("V") and opened["hash"] and opened["team_id"] == "T0PLAY"
        updated = client.views_update(view_id=opened["id"], view=VIEW)["view"]
        assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
        pushed = client.views_push(trigger_id="1.2.abc", view=VIEW)["view"]
        assert pushed["id"] != opened["id"]
        home = client.views_publish(user_id="U0ADMIN", view={"type": "home", "blocks": []})
        assert home["view"]["type"] == "home"
    finally:
        slack.close()
    methods = [method for method, _answer in seen]
    assert methods == [
        "auth.test",
        "users.info",
        "chat.postMessage",
        "chat.postEphemeral",
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
    ]  # an ok: false answer (the unknown user) is not passed on


def test_an_observer_that_fails_does_not_change_slacks_answer() -> None:
    slack = FakeSlack()

    def broken(call: SlackCall, answer: dict[str, Any]) -> None:
        raise RuntimeError("observer bug")

    slack.observe(broken)
    try:
        client = WebClient(token="xoxb-1-2-playground", base_url=slack.api_url)
        assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    finally:
        slack.close()


def test_users_list_pages_with_slacks_cursors() -> None:
    slack = FakeSlack(team_id="T0PLAY")
    try:
        for number in range(5):
            slack.add_user(f"U0P{number}", is_owner=number == 4)
        client = WebClient(token="xoxb-1-2-playground", base_url=slack.api_url)
        first = client.users_list(limit=2)
        assert [m["id"] for m in first["members"]] == ["U0P0", "U0P1"]
        assert first["members"][0]["is_admin"] is False and "deleted" in first["members"][0]
        cursor = first["response_metadata"]["next_cursor"]
        second = client.users_list(limit=2, cursor=cursor)
        assert [m["id"] for m in second["members"]] == ["U0P2", "U0P3"]
        last = client.users_list(limit=2, cursor=second["response_metadata"]["next_cursor"])
        assert [m["id"] for m in last["members"]] == ["U0P4"]
        assert last["members"][0]["is_owner"] is True
        assert last["response_metadata"]["next_cursor"] == ""
        assert len(client.users_list()["members"]) == 5  # no limit: everyone at once
        try:
            client.users_list(limit=2, cursor="not-a-cursor")
        except SlackApiError as error:
            assert error.response["error"] == "invalid_cursor"
        else:
            raise AssertionError("a made-up cursor must be an error")
    finally:
        slack.close()
