"""Driving the connected-organization surfaces: the admin key dialog and the link select."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.support import payloads
from tests.support.running_app import HttpResponse, RunningApp

ADMIN = "U0BOSS"


def submit_admin_key(
    app: RunningApp, admin_key: str, *, user_id: str = ADMIN, view_id: str = "V0ORGMODAL"
) -> HttpResponse:
    values = {"admin_key": {"value": {"type": "plain_text_input", "value": admin_key or None}}}
    body = payloads.view_submission(
        values, user_id=user_id, callback_id="org_connect_modal", view_id=view_id
    )
    return app.post(body, "application/x-www-form-urlencoded")


def choose_link(
    app: RunningApp,
    project_id: int,
    openai_project_id: str,
    *,
    user_id: str = ADMIN,
    in_home: bool = False,
) -> HttpResponse:
    """Pick ``openai_project_id`` in the select of ``project_id``, in the dialog or on Home."""
    body = payloads.block_actions(
        f"org_link_project:{project_id}",
        "",
        user_id=user_id,
        response_url=app.next_response_url(),
        container="view",
        view=(
            {"type": "home", "blocks": []}
            if in_home
            else {"id": "V0ORGMODAL", "type": "modal", "callback_id": "org_connect_result"}
        ),
    )
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    action = payload["actions"][0]
    action.update(
        type="static_select",
        selected_option={
            "text": {"type": "plain_text", "text": openai_project_id},
            "value": openai_project_id,
        },
    )
    action.pop("value", None)
    action.pop("text", None)
    return app.post(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )


def submit_rotation(
    app: RunningApp, project_id: int, grace: str, *, user_id: str = ADMIN, expiry: str = "none"
) -> HttpResponse:
    values: dict[str, Any] = {
        "expiry": {
            "value": {
                "type": "radio_buttons",
                "selected_option": {
                    "text": {"type": "plain_text", "text": expiry},
                    "value": expiry,
                },
            }
        },
        "grace": {
            "value": {
                "type": "radio_buttons",
                "selected_option": {"text": {"type": "plain_text", "text": grace}, "value": grace},
            }
        },
    }
    body = payloads.view_submission(
        values,
        user_id=user_id,
        callback_id="org_rotate_modal",
        view_id="V0ROTATE",
        private_metadata=str(project_id),
    )
    return app.post(body, "application/x-www-form-urlencoded")
