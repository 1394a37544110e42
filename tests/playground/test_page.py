"""The playground without a browser: its page endpoints' guards, what it shows (never a key or
a token), and the start without Slack settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.playground.openai_sim import SCENARIO_NOTES, FakeOpenAI
from bot.playground.run import Playground
from tests.support.app_process import free_port
from tests.support.running_app import HttpResponse, http

ROOT = Path(__file__).resolve().parents[2]
# Shaped like a real project key (the marker of real keys included); made up.
REAL_LOOKING_KEY = "sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ" + "T3BlbkFJ" + "q2W4e6R8t0Y2u4I6o8P0"


def page_post(
    playground: Playground, action: str, data: dict[str, Any], **headers: str
) -> HttpResponse:
    origin = playground.url.rstrip("/")
    sent = {"Content-Type": "application/json", "Origin": origin, **headers}
    return http("POST", f"{origin}/api/{action}", json.dumps(data).encode(), sent)


def state(playground: Playground, user_id: str = "U0ADMIN") -> dict[str, Any]:
    response = http("GET", f"{playground.url}api/state?as={user_id}")
    assert response.status == 200
    return dict(response.json())


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_page_answers_on_loopback_with_a_strict_content_policy(
    playground: Playground,
) -> None:
    response = http("GET", playground.url)
    assert response.status == 200
    assert 'id="message"' in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    for static in ("/static/playground.js", "/static/playground.css"):
        assert http("GET", playground.url.rstrip("/") + static).status == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}"])
def test_a_foreign_host_name_is_refused_against_dns_rebinding(
    playground: Playground, host: str
) -> None:
    port = playground.page_server.port
    for path in ("/", "/api/state?as=U0ADMIN"):
        response = http(
            "GET", f"http://127.0.0.1:{port}{path}", headers={"Host": host.format(port=port)}
        )
        assert response.status == 403
        assert "U0ADMIN" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": ""},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ],
)
def test_a_cross_site_post_changes_nothing(playground: Playground, headers: dict[str, str]) -> None:
    message = {"as": "U0ADMIN", "channel": "D0ADMIN", "text": "/openai-setup"}
    refused = page_post(playground, "message", message, **headers)
    assert refused.status == 403
    assert state(playground)["messages"] == []
    assert playground.slack.calls_to("response_url") == []

    accepted = page_post(playground, "message", message)
    assert accepted.status == 200 and accepted.json() == {"ok": True, "problem": None}
    assert len(state(playground)["messages"]) == 1


def test_bad_requests_are_refused_plainly(playground: Playground) -> None:
    assert page_post(playground, "message", {"as": "U0NOBODY", "text": "hi"}).status == 400
    origin = playground.url.rstrip("/")
    headers = {"Content-Type": "application/json", "Origin": origin}
    assert http("POST", f"{origin}/api/message", b"[1, 2]", headers).status == 400
    assert http("POST", f"{origin}/api/message", b"{not json", headers).status == 400
    too_long = {"as": "U0ADMIN", "channel": "D0ADMIN", "text": "x" * 4001}
    assert page_post(playground, "message", too_long).json()["ok"] is False
    other = {"as": "U0ADMIN", "channel": "D0ADMIN", "text": "/giphy cats"}
    assert "Only /openai-setup" in page_post(playground, "message", other).json()["problem"]


def say(playground: Playground, text: str, user_id: str = "U0ADMIN") -> HttpResponse:
    channel = "D" + user_id[1:]
    return page_post(playground, "message", {"as": user_id, "channel": channel, "text": text})


def test_the_app_gets_signed_slack_requests_and_its_answers_show(playground: Playground) -> None:
    say(playground, "/openai-setup", "U0MEMBER")
    member = state(playground, "U0MEMBER")
    assert [m["ephemeral"] for m in member["messages"]] == [True]
    assert member["messages"][0]["blocks"][0]["type"] == "header"
    assert state(playground, "U0ADMIN")["messages"] == []  # only visible to the member

    page_post(playground, "home", {"as": "U0MEMBER"})
    wait_until(lambda: state(playground, "U0MEMBER")["home"] is not None)
    assert state(playground, "U0MEMBER")["home"]["type"] == "home"
    publish = playground.slack.calls_to("views.publish")[-1]
    assert publish.params["user_id"] == "U0MEMBER"


def test_keys_and_tokens_never_reach_the_page(playground: Playground) -> None:
    typed = f"is this ok? {REAL_LOOKING_KEY}"
    say(playground, typed)
    say(playground, "/openai-setup key p")
    wait_until(lambda: state(playground)["modal"] is not None)
    test_key = FakeOpenAI.key_for("valid")
    values = {
        "project": {"value": {"type": "plain_text_input", "value": "p"}},
        "api_key": {"value": {"type": "plain_text_input", "value": test_key}},
        "check_billing": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    page_post(playground, "submit", {"as": "U0ADMIN", "values": values})
    wait_until(lambda: "Key works" in json.dumps(state(playground)["modal"]))
    say(playground, "/openai-setup keys")

    shown = state(playground)
    everything = json.dumps(shown, ensure_ascii=False)
    assert REAL_LOOKING_KEY not in everything
    assert "[redacted]" in shown["messages"][0]["text"]
    assert test_key not in json.dumps({k: v for k, v in shown.items() if k != "test_keys"})
    assert "sk-proj-…GHIJ" in everything  # the app's own masked form is fine
    token = playground.slack.calls_to("views.open")[0].token
    assert token and token.startswith("xoxb-") and token not in everything
    methods = [entry["method"] for entry in shown["log"]]
    assert {"users.info", "views.open", "views.update", "chat.postMessage"} <= set(methods)
    assert all(REAL_LOOKING_KEY not in entry["arguments"] for entry in shown["log"])


def test_every_test_key_is_documented_and_picks_its_outcome() -> None:
    rows = FakeOpenAI.test_keys()
    assert {row["scenario"] for row in rows} == set(FakeOpenAI.scenarios()) == set(SCENARIO_NOTES)
    assert len({row["key"] for row in rows}) == len(rows)
    with FakeOpenAI(slow_seconds=0.1) as fake:
        for scenario, expected_status in (("valid", 200), ("invalid", 401), ("region", 403)):
            response = http(
                "GET",
                f"{fake.base_url}/models",
                headers={"Authorization": f"Bearer {FakeOpenAI.key_for(scenario)}"},
            )
            assert response.status == expected_status, scenario


def test_python_m_bot_without_slack_settings_opens_the_playground(tmp_path: Path) -> None:
    port = free_port()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL", "KEYRING_", "HOST", "PORT"))
    }
    env = {**clean, "PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path / "data"), "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        seen = ""
        deadline = time.monotonic() + 60
        while "Stop with Ctrl+C." not in seen:
            assert time.monotonic() < deadline and process.poll() is None, seen
            seen += process.stderr.readline()
        assert "No Slack credentials are set" in seen
        assert f"Open http://127.0.0.1:{port}/" in seen
        assert "manifest.yml" in seen and "SLACK_BOT_TOKEN" in seen
        assert "Traceback" not in seen
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/"), timeout=20)
        assert (tmp_path / "data" / "playground" / "openai-setup.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0


def _answers(url: str) -> bool:
    try:
        return http("GET", url, timeout=2).status == 200
    except OSError:
        return False


def test_the_page_listens_on_loopback_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.config import Settings
    from bot.playground.run import page_host

    monkeypatch.delenv("HOST", raising=False)
    assert page_host(Settings(), None) == "127.0.0.1"  # not Settings' 0.0.0.0 default
    assert page_host(Settings(), "192.0.2.7") == "192.0.2.7"
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104 - as the container image sets it
    assert page_host(Settings(), None) == "0.0.0.0"  # noqa: S104


def test_the_page_serves_only_png_files_the_app_uploaded(playground: Playground) -> None:
    slack = playground.slack
    png = b"\x89PNG\r\n\x1a\n" + b"chart bytes"
    slack.receive_upload("F000000901", png)  # uploaded, never completed: not a file yet
    slack.receive_upload("F000000902", b"<svg onload=alert(1)>")
    for file_id in ("F000000901", "F000000902"):
        slack.completed[file_id] = {"id": file_id}
    del slack.completed["F000000901"]
    base = playground.url.rstrip("/")
    assert http("GET", f"{base}/files/F000000901").status == 404
    assert http("GET", f"{base}/files/F000000902").status == 404  # not a PNG
    assert http("GET", f"{base}/files/F404").status == 404
    slack.completed["F000000901"] = {"id": "F000000901"}
    served = http("GET", f"{base}/files/F000000901")
    assert served.status == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.body == png


def test_run_jobs_now_runs_every_scheduled_job_each_time(playground: Playground) -> None:
    for _ in range(2):
        answer = page_post(playground, "jobs", {"as": "U0ADMIN"})
        assert answer.status == 200
        assert set(answer.json()["ran"]) == {
            "key_health",
            "rotation_reminders",
            "rotations",
            "costs",
        }


def test_the_offline_page_lists_the_demo_admin_key(playground: Playground) -> None:
    rows = state(playground)["test_keys"]
    admin = [row for row in rows if row["key"].startswith("sk-admin-test")]
    assert len(admin) == 1 and "/openai-setup connect" in admin[0]["outcome"]
    # The tests' fake OpenAI keeps an empty organization: only the playground seeds one.
    with FakeOpenAI() as fake:
        assert fake.admin.projects == {}
