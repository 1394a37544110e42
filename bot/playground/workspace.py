"""The playground's pretend workspace: what each person sees, and what they do to the app.

What a person does on the page becomes a Slack request, signed with the run's secret and sent
to the real app over loopback (:meth:`Workspace.send`); what the app does back arrives two
ways, as in Slack: in the HTTP answer (a slash command's or a modal's ack) and as Web API
calls to the stand-in, which tells :meth:`Workspace.on_slack_call` before answering.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bot.playground import payloads
from bot.playground.slack_api import BOT_USER_ID, FakeSlack, SlackCall
from bot.rules.secrets import REDACTION_PATTERN

log = logging.getLogger(__name__)

GENERAL = "C0GENERAL"
BOT_NAME = "openai-setup"
MAX_TEXT = 4000  # what a person may type in the message box
MAX_LOG = 300  # Web API calls kept for the log panel
MAX_MESSAGES = 500  # the oldest messages go first
REDACTED = "[redacted]"


@dataclass(frozen=True)
class PersonInfo:
    user_id: str
    name: str
    is_admin: bool

    @property
    def dm(self) -> str:
        return "D" + self.user_id[1:]


PEOPLE = (
    PersonInfo("U0ADMIN", "Avery (workspace admin)", True),
    PersonInfo("U0MEMBER", "Max (member)", False),
)


@dataclass
class Message:
    id: int
    channel: str
    author: str
    text: str
    blocks: list[dict[str, Any]]
    ts: str
    ephemeral_to: str | None = None
    thread_ts: str | None = None


@dataclass
class Reply:
    """Where a ``response_url`` answers: the conversation, and the message it may replace."""

    channel: str
    user_id: str
    message_id: int | None = None


@dataclass
class PersonState:
    home: dict[str, Any] | None = None
    modals: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # the top modal's inline errors


def redact(text: str) -> str:
    """Key-shaped text replaced, for everything the page shows that the app did not write."""
    return REDACTION_PATTERN.sub(REDACTED, text)


class Workspace:
    def __init__(self, slack: FakeSlack, signing_secret: str) -> None:
        self.slack = slack
        self.signer = SignatureVerifier(signing_secret)
        self.app_url = ""  # set once the app listens
        self.people = {person.user_id: person for person in PEOPLE}
        for person in PEOPLE:
            slack.add_user(person.user_id, is_admin=person.is_admin)
        self.messages: list[Message] = []
        self.states = {person.user_id: PersonState() for person in PEOPLE}
        self.replies: dict[str, Reply] = {}
        self.triggers: dict[str, str] = {}  # trigger_id -> user id
        self.view_updates: dict[str, int] = {}  # view id -> version of its last views.update
        self.version = 0
        self._ids = 0
        self._lock = threading.RLock()
        # The app's scheduled jobs, run once when the page asks (set by ``run.start``).
        self.run_jobs: Callable[[], list[str]] | None = None
        slack.observe(self.on_slack_call)

    # --- what the page reads ---------------------------------------------------------------
    def snapshot(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            state = self.states[user_id]
            person = self.people[user_id]
            visible = [
                message
                for message in self.messages
                if message.channel in (GENERAL, person.dm)
                and message.ephemeral_to in (None, user_id)
            ]
            modal = state.modals[-1] if state.modals else None
            return {
                "version": self.version,
                "me": user_id,
                "dm": person.dm,
                "people": [{"id": p.user_id, "name": p.name, "admin": p.is_admin} for p in PEOPLE],
                "channels": [{"id": GENERAL, "name": "general"}],
                "messages": [self._message_json(message) for message in visible],
                "home": state.home,
                "modal": modal,
                "modal_depth": len(state.modals),
                "modal_errors": dict(state.errors),
                "log": self.web_api_log(),
            }

    def _message_json(self, message: Message) -> dict[str, Any]:
        author = self.people.get(message.author)
        return {
            "id": message.id,
            "channel": message.channel,
            "author": author.name if author else BOT_NAME,
            "from_app": message.author == BOT_USER_ID,
            "text": message.text,
            "blocks": message.blocks,
            "ts": message.ts,
            "ephemeral": message.ephemeral_to is not None,
            "thread": message.thread_ts is not None,
        }

    def web_api_log(self) -> list[dict[str, Any]]:
        """Every Web API call the app made (method and arguments), keys and tokens redacted."""
        with self.slack._lock:
            calls = list(self.slack.calls[-MAX_LOG:])
        entries = []
        for call in calls:
            params = {name: value for name, value in call.params.items() if name != "token"}
            entries.append(
                {"method": call.method, "arguments": redact(json.dumps(params, ensure_ascii=False))}
            )
        return entries

    # --- what a person does ----------------------------------------------------------------
    def type_message(self, user_id: str, channel: str, text: str) -> str | None:
        """The message box: a slash command, a DM to the app, or a channel message (an
        @mention of the app when it names it). Returns a problem to show, or None."""
        text = text.strip()
        person = self.people[user_id]
        if channel not in (GENERAL, person.dm):
            return "unknown conversation"
        if not text:
            return None
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            if command != payloads.COMMAND:
                return f"Only {payloads.COMMAND} is installed in this playground."
            self._slash_command(user_id, channel, rest.strip())
            return None
        event_text = text.replace(f"@{BOT_NAME}", f"<@{BOT_USER_ID}>")
        message = self._add(channel, user_id, redact(text), [])
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "user": user_id,
            "text": event_text,
            "ts": message.ts,
            "event_ts": message.ts,
            "channel_type": "im" if channel == person.dm else "channel",
        }
        if channel == GENERAL and f"<@{BOT_USER_ID}>" in event_text:
            event = {key: event[key] for key in ("user", "text", "ts", "channel", "event_ts")}
            event["type"] = "app_mention"
        self.send(payloads.event_callback(event), "application/json")
        return None

    def _slash_command(self, user_id: str, channel: str, text: str) -> None:
        name = self._new_reply(Reply(channel, user_id))
        body = payloads.slash_command(
            text,
            user_id=user_id,
            channel_id=channel,
            response_url=self.slack.response_url(name),
            trigger=self._trigger(user_id),
        )
        answer = self.send(body, "application/x-www-form-urlencoded")
        if isinstance(answer, dict) and (answer.get("blocks") or answer.get("text")):
            in_channel = answer.get("response_type") == "in_channel"
            message = self._add(
                channel,
                BOT_USER_ID,
                str(answer.get("text") or ""),
                list(answer.get("blocks") or []),
                ephemeral_to=None if in_channel else user_id,
            )
            self.replies[name].message_id = message.id

    def open_home(self, user_id: str) -> None:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.people[user_id].dm,
            "tab": "home",
            "event_ts": payloads.now_ts(),
        }
        if self.states[user_id].home is not None:
            event["view"] = self.states[user_id].home
        self.send(payloads.event_callback(event), "application/json")

    def click(self, user_id: str, where: str, target: str, action: dict[str, Any]) -> str | None:
        """A button: on a message (``target`` its id), the Home tab, or the open modal."""
        action = _action_payload(action)
        trigger = self._trigger(user_id)
        with self._lock:
            state = self.states[user_id]
            if where == "message":
                found = self._visible_message(user_id, target)
                if found is None:
                    return "That message is gone."
                name = self._new_reply(Reply(found.channel, user_id, found.id))
                body = payloads.message_action(
                    action,
                    user_id=user_id,
                    trigger=trigger,
                    channel_id=found.channel,
                    message=self._as_slack_message(found),
                    ephemeral=found.ephemeral_to is not None,
                    response_url=self.slack.response_url(name),
                )
            elif where == "home" and state.home is not None:
                body = payloads.view_action(
                    action, user_id=user_id, trigger=trigger, view=state.home
                )
            elif where == "modal" and state.modals:
                view = dict(state.modals[-1], state={"values": self._values(target)})
                body = payloads.view_action(action, user_id=user_id, trigger=trigger, view=view)
            else:
                return "Nothing to click there."
        self.send(body, "application/x-www-form-urlencoded")
        return None

    def submit(self, user_id: str, values_json: str) -> None:
        with self._lock:
            state = self.states[user_id]
            if not state.modals:
                return
            view = dict(state.modals[-1], state={"values": self._values(values_json)})
            sent_at = self.version
        answer = self.send(
            payloads.view_submission(view, user_id=user_id, trigger=self._trigger(user_id)),
            "application/x-www-form-urlencoded",
        )
        with self._lock:
            if self.view_updates.get(str(view.get("id")), -1) > sent_at:
                # The app's lazy work already updated this view past the ack's answer.
                answer = {"response_action": "update", "view": None}
            self._after_submission(state, view, answer if isinstance(answer, dict) else {})
            self._changed()

    def _after_submission(
        self, state: PersonState, submitted: dict[str, Any], answer: dict[str, Any]
    ) -> None:
        action = answer.get("response_action")
        state.errors = {}
        if action == "errors":
            errors = answer.get("errors")
            state.errors = {str(k): str(v) for k, v in (errors or {}).items()}
        elif action == "update":
            if isinstance(answer.get("view"), dict):
                self._replace_view(state, submitted.get("id"), answer["view"])
        elif action == "push" and isinstance(answer.get("view"), dict):
            state.modals.append(self._with_id(answer["view"]))
        elif action == "clear":
            state.modals.clear()
        elif state.modals and state.modals[-1].get("id") == submitted.get("id"):
            state.modals.pop()

    def close_modal(self, user_id: str) -> None:
        with self._lock:
            state = self.states[user_id]
            if not state.modals:
                return
            view = state.modals.pop()
            state.errors = {}
            self._changed()
        if view.get("notify_on_close"):
            self.send(
                payloads.view_closed(view, user_id=user_id), "application/x-www-form-urlencoded"
            )

    # --- what the app does (the stand-in tells us each Web API call) -------------------------
    def on_slack_call(self, call: SlackCall, answer: dict[str, Any]) -> None:
        params = call.params
        with self._lock:
            if call.method == "response_url":
                self._on_response_url(call.path.rsplit("/", 1)[-1], params)
            elif call.method in ("chat.postMessage", "chat.postEphemeral"):
                channel = self._channel_of(str(params.get("channel") or ""))
                user = params.get("user") if call.method == "chat.postEphemeral" else None
                if channel is not None:
                    message = self._add(
                        channel,
                        BOT_USER_ID,
                        str(params.get("text") or ""),
                        _blocks(params.get("blocks")),
                        ephemeral_to=str(user) if user else None,
                        # chat.update finds a message by the ts Slack handed out for it.
                        ts=str(answer.get("ts") or answer.get("message_ts") or "") or None,
                    )
                    message.thread_ts = params.get("thread_ts") or None
            elif call.method == "chat.update":
                self._on_update(params)
            elif call.method == "views.publish":
                user_id = str(params.get("user_id") or "")
                if user_id in self.states:
                    self.states[user_id].home = answer.get("view")
            elif call.method in ("views.open", "views.push"):
                user_id = self.triggers.get(str(params.get("trigger_id") or ""), "")
                if user_id in self.states:
                    state = self.states[user_id]
                    if call.method == "views.open":
                        state.modals.clear()
                    state.modals.append(answer["view"])
                    state.errors = {}
            elif call.method == "views.update":
                self.view_updates[str(answer["view"].get("id"))] = self.version + 1
                for state in self.states.values():
                    self._replace_view(state, answer["view"].get("id"), answer["view"])
            self._changed()  # every call at least adds a line to the log panel

    def _on_update(self, params: dict[str, Any]) -> None:
        channel = self._channel_of(str(params.get("channel") or ""))
        ts = str(params.get("ts") or "")
        for message in self.messages:
            if message.channel == channel and message.ts == ts and message.author == BOT_USER_ID:
                message.text = str(params.get("text") or "")
                if "blocks" in params:
                    message.blocks = _blocks(params.get("blocks"))

    def _on_response_url(self, name: str, params: dict[str, Any]) -> None:
        reply = self.replies.get(name)
        if reply is None:
            return
        original = next((m for m in self.messages if m.id == reply.message_id), None)
        if _true(params.get("delete_original")) and original is not None:
            self.messages.remove(original)
            return
        blocks = _blocks(params.get("blocks"))
        text = str(params.get("text") or "")
        if _true(params.get("replace_original")) and original is not None:
            original.blocks, original.text = blocks, text
            return
        in_channel = params.get("response_type") == "in_channel"
        message = self._add(
            reply.channel,
            BOT_USER_ID,
            text,
            blocks,
            ephemeral_to=None if in_channel else reply.user_id,
        )
        if reply.message_id is None:
            reply.message_id = message.id

    # --- helpers ---------------------------------------------------------------------------
    def send(self, body: bytes, content_type: str) -> Any:
        """POST to the app's ``/slack/events``, signed like Slack; the answer's JSON or None."""
        timestamp = str(int(time.time()))
        signature = self.signer.generate_signature(timestamp=timestamp, body=body)
        request = urllib.request.Request(  # noqa: S310 - the app on loopback
            f"{self.app_url}/slack/events",
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature or "",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                raw = response.read()
        except (urllib.error.URLError, TimeoutError) as error:
            log.warning("the app did not answer: %s", error)
            return None
        try:
            return json.loads(raw) if raw.strip() else None
        except ValueError:
            return None

    def _add(
        self,
        channel: str,
        author: str,
        text: str,
        blocks: list[dict[str, Any]],
        *,
        ephemeral_to: str | None = None,
        ts: str | None = None,
    ) -> Message:
        with self._lock:
            self._ids += 1
            message = Message(self._ids, channel, author, text, blocks, ts or payloads.now_ts())
            message.ephemeral_to = ephemeral_to
            self.messages.append(message)
            del self.messages[:-MAX_MESSAGES]
            self._changed()
            return message

    def _visible_message(self, user_id: str, message_id: str) -> Message | None:
        person = self.people[user_id]
        for message in self.messages:
            if (
                str(message.id) == message_id
                and message.channel in (GENERAL, person.dm)
                and message.ephemeral_to in (None, user_id)
            ):
                return message
        return None

    def _as_slack_message(self, message: Message) -> dict[str, Any]:
        return {
            "type": "message",
            "user": message.author,
            "text": message.text,
            "ts": message.ts,
            "blocks": message.blocks,
        }

    def _channel_of(self, channel: str) -> str | None:
        """``chat.postMessage`` to a user id goes to their DM with the app, as in Slack."""
        if channel == GENERAL:
            return GENERAL
        for person in PEOPLE:
            if channel in (person.user_id, person.dm):
                return person.dm
        return None

    def _replace_view(self, state: PersonState, view_id: Any, view: dict[str, Any]) -> None:
        for index, shown in enumerate(state.modals):
            if shown.get("id") == view_id:
                state.modals[index] = {**view, "id": view_id}
                if index == len(state.modals) - 1:
                    state.errors = {}
        if state.home is not None and state.home.get("id") == view_id:
            state.home = {**view, "id": view_id}

    def _with_id(self, view: dict[str, Any]) -> dict[str, Any]:
        self._ids += 1
        return {**view, "id": f"VPLAY{self._ids:05d}"}

    def _values(self, values_json: str) -> dict[str, Any]:
        try:
            values = json.loads(values_json or "{}")
        except ValueError:
            return {}
        return values if isinstance(values, dict) else {}

    def _new_reply(self, reply: Reply) -> str:
        with self._lock:
            self._ids += 1
            name = f"r{self._ids}"
            self.replies[name] = reply
            return name

    def _trigger(self, user_id: str) -> str:
        trigger = payloads.trigger_id()
        with self._lock:
            self.triggers[trigger] = user_id
        return trigger

    def _changed(self) -> None:
        self.version += 1


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [block for block in value or [] if isinstance(block, dict)]


def _true(value: Any) -> bool:
    return value is True or value == "true"


def _action_payload(given: dict[str, Any]) -> dict[str, Any]:
    """What the page says was clicked or chosen, as Slack's ``block_actions`` action: a
    button, a ``static_select`` option or a ``conversations_select`` channel."""
    kind = str(given.get("type") or "button")
    action: dict[str, Any] = {
        "action_id": str(given.get("action_id") or ""),
        "block_id": str(given.get("block_id") or ""),
        "action_ts": payloads.now_ts(),
    }
    if kind == "static_select":
        option = given.get("selected_option")
        if isinstance(option, dict):
            action["selected_option"] = {
                "text": {"type": "plain_text", "text": str(option.get("text") or "")},
                "value": str(option.get("value") or ""),
            }
        action["type"] = kind
        return action
    if kind == "conversations_select":
        action["type"] = kind
        action["selected_conversation"] = str(given.get("selected_conversation") or "") or None
        return action
    action["type"] = "button"
    action["text"] = {"type": "plain_text", "text": str(given.get("text") or ""), "emoji": True}
    if given.get("value"):
        action["value"] = str(given["value"])
    return action
