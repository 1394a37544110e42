"""The fake OpenAI server itself: keys, recording, error shapes and a prompt shutdown."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.fakes.openai_server import FakeOpenAI


def _request(
    fake: FakeOpenAI, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(fake.base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        body = json.dumps({"model": "gpt-4o-mini", "messages": []}) if method == "POST" else None
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("scenario", FakeOpenAI.scenarios())
def test_scenario_keys_look_real_but_are_not(scenario: str) -> None:
    key = FakeOpenAI.key_for(scenario)
    assert key.startswith("sk-proj-test") and len(key) >= 48
    assert "T3BlbkFJ" not in key


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(KeyError):
        FakeOpenAI.key_for("nope")


def test_base_url_is_loopback(fake_openai: FakeOpenAI) -> None:
    assert fake_openai.base_url.startswith("http://127.0.0.1:")
    assert fake_openai.base_url.endswith("/v1")


def test_missing_authorization(fake_openai: FakeOpenAI) -> None:
    status, headers, body = _request(fake_openai, "GET", "/v1/models")
    assert status == 401
    assert json.loads(body)["error"]["message"].startswith("You didn't provide an API key")
    assert headers["x-request-id"].startswith("req_")
    assert fake_openai.seen_keys == []


def test_unknown_key_is_invalid_and_masked_like_openai(fake_openai: FakeOpenAI) -> None:
    key = "sk-proj-" + "z" * 40 + "WXYZ"
    status, _, body = _request(fake_openai, "GET", "/v1/models", {"Authorization": f"Bearer {key}"})
    error = json.loads(body)["error"]
    assert status == 401 and error["code"] == "invalid_api_key"
    assert "sk-proj-" + "*" * 40 + "WXYZ" in error["message"]
    assert fake_openai.seen_keys == [key]
    assert fake_openai.requests[0].headers["authorization"] == "present"


def test_success_headers(fake_openai: FakeOpenAI) -> None:
    key = FakeOpenAI.key_for("valid")
    status, headers, body = _request(
        fake_openai, "GET", "/v1/models", {"Authorization": f"Bearer {key}"}
    )
    assert status == 200 and json.loads(body)["object"] == "list"
    assert headers["content-type"] == "application/json"
    assert headers["openai-organization"] == FakeOpenAI.ORGANIZATION
    assert headers["openai-project"] == FakeOpenAI.PROJECT
    assert int(headers["openai-processing-ms"]) > 0


def test_rate_limit_headers(fake_openai: FakeOpenAI) -> None:
    key = FakeOpenAI.key_for("rate_limited")
    status, headers, _ = _request(
        fake_openai, "POST", "/v1/chat/completions", {"Authorization": f"Bearer {key}"}
    )
    assert status == 429
    assert headers["retry-after"] == "20"
    assert headers["x-ratelimit-remaining-requests"] == "0"


def test_html_error_page(fake_openai: FakeOpenAI) -> None:
    key = FakeOpenAI.key_for("html_502")
    status, headers, body = _request(
        fake_openai, "GET", "/v1/models", {"Authorization": f"Bearer {key}"}
    )
    assert status == 502 and headers["content-type"] == "text/html"
    assert body.startswith(b"<html>")


def test_unknown_path(fake_openai: FakeOpenAI) -> None:
    status, _, body = _request(fake_openai, "GET", "/v1/nothing")
    assert status == 404
    assert json.loads(body)["error"]["message"] == "Invalid URL (GET /v1/nothing)"


def test_close_releases_slow_requests_at_once() -> None:
    fake = FakeOpenAI(slow_seconds=60)
    key = FakeOpenAI.key_for("slow")
    outcome: list[int] = []

    def call() -> None:
        try:
            outcome.append(
                _request(fake, "GET", "/v1/models", {"Authorization": f"Bearer {key}"})[0]
            )
        except OSError:
            outcome.append(-1)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    fake.close()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert time.monotonic() - started < 2
    fake.close()  # idempotent
