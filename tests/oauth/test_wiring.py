"""``python -m bot`` with SLACK_CLIENT_ID/SECRET: the OAuth app, wired to SLACK_API_URL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bot import runner
from bot.app import build_wsgi_app
from bot.config import Settings
from tests.fakes.slack import FakeSlack
from tests.support.oauth_app import RunningOAuthApp


def _call(app: Any, method: str, path: str) -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "CONTENT_LENGTH": "0",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "3000",
    }
    body = b"".join(app(environ, start_response))
    return seen["status"], body


def test_every_slack_call_goes_to_slack_api_url(oauth_app: RunningOAuthApp) -> None:
    bolt = oauth_app.bolt
    api_url = oauth_app.slack.api_url
    assert bolt.client.base_url == api_url
    assert bolt.oauth_flow is not None
    assert bolt.oauth_flow.client.base_url == api_url
    authorize = bolt.oauth_flow.settings.authorize
    assert authorize.token_rotator.client.base_url == api_url  # type: ignore[attr-defined]
    assert bolt.oauth_flow.install_path == "/slack/install"
    assert bolt.oauth_flow.redirect_uri_path == "/slack/oauth_redirect"


def test_socket_mode_wsgi_app_refuses_events_over_http(oauth_app: RunningOAuthApp) -> None:
    application = build_wsgi_app(oauth_app.bolt, oauth_app.services, events=False)
    assert _call(application, "POST", "/slack/events")[0].startswith("404")
    assert _call(application, "GET", "/slack/install")[0].startswith("302")
    assert _call(application, "GET", "/healthz")[0].startswith("200")


def test_runner_serves_the_oauth_app_when_client_credentials_are_set(
    slack: FakeSlack, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    class FakeServer:
        """Stands in for PreforkServer: builds one worker's app and keeps it, serving nothing."""

        def __init__(self, build: Any, **options: Any) -> None:
            served["build"], served["options"] = build, options

        def run(self) -> None:
            served["worker"] = served["build"]()

    monkeypatch.setattr("bot.prefork_server.PreforkServer", FakeServer)
    settings = Settings(
        slack_client_id=slack.client_id,
        slack_client_secret=slack.client_secret,
        slack_signing_secret="test-signing-secret",
        slack_api_url=slack.api_url,
        database_url=sqlite_url,
        data_dir=tmp_path / "data",
    )
    assert runner.run(settings) == 0
    worker = served["worker"]
    try:
        status, _body = _call(worker.wsgi, "GET", "/slack/install")
        assert status.startswith("302")
        assert _call(worker.wsgi, "GET", "/healthz")[0].startswith("200")
    finally:
        worker.finish()


def test_oauth_needs_the_signing_secret(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(slack_client_id="1.2", slack_client_secret="secret")
    assert runner.run(settings) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err
