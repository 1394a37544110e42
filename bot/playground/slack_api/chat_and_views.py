"""``chat.postMessage``, ``chat.postEphemeral``, ``chat.update``, ``chat.getPermalink`` and the
``views.*`` methods: what the app posts and shows answers as Slack does, with the ids and
timestamps it hands out."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

from bot.playground.slack_api.defaults import BOT_ID, BOT_USER_ID


class ChatAndViewsAPI:
    team_id: str
    _ids: Iterator[int]

    def _init_chat_and_views(self) -> None:
        self._ids = itertools.count(1)

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def chat_post_message(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        ts = f"{time.time():.6f}"
        return {
            "ok": True,
            "channel": params.get("channel"),
            "ts": ts,
            "message": {
                "type": "message",
                "text": params.get("text", ""),
                "ts": ts,
                "bot_id": BOT_ID,
                "user": BOT_USER_ID,
            },
        }

    def chat_post_ephemeral(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"ok": True, "message_ts": f"{time.time():.6f}"}

    def chat_update(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": params.get("text", ""),
            "message": {"type": "message", "text": params.get("text", ""), "bot_id": BOT_ID},
        }

    def chat_get_permalink(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Slack's link form: the ts without its dot, after a "p"."""
        channel, ts = params.get("channel"), str(params.get("message_ts") or "")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def views_answer(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """``views.publish``/``open``/``update``/``push``: the view back, with its id and hash."""
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else dict(view or {})
        view_id = params.get("view_id") or self._next_id("V")
        return {
            "ok": True,
            "view": {
                **view,
                "id": view_id,
                "team_id": self.team_id,
                "hash": f"{int(time.time())}.{self._next_id('h')}",
            },
        }


ROUTES = {
    "chat.postMessage": ChatAndViewsAPI.chat_post_message,
    "chat.postEphemeral": ChatAndViewsAPI.chat_post_ephemeral,
    "chat.update": ChatAndViewsAPI.chat_update,
    "chat.getPermalink": ChatAndViewsAPI.chat_get_permalink,
    **dict.fromkeys(
        ("views.publish", "views.open", "views.update", "views.push"),
        ChatAndViewsAPI.views_answer,
    ),
}
