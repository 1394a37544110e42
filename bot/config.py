"""Every setting of the app, read once from the environment (pydantic-settings)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """The app's configuration. Secrets are ``SecretStr`` so they never print by accident."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    openai_base_url: str | None = None
    openai_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    openai_test_model: str = "gpt-4o-mini"

    database_url: str | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    keyring_file: Path | None = None
    key_admins: str = ""

    host: str = "0.0.0.0"  # noqa: S104 - a server in a container listens on every interface
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: str = "INFO"
    listener_threads: int = Field(default=16, ge=1, le=256)
    slow_work_threads: int = Field(default=16, ge=1, le=256)
    http_threads: int = Field(default=16, ge=1, le=256)  # per worker process in HTTP mode
    # HTTP mode's worker processes (gunicorn's usual variable); None: one per usable core.
    web_concurrency: int | None = Field(default=None, ge=1, le=64)
    # Abuse limits over a rolling hour (README: "Limits"): new projects, and live key checks,
    # each of which sends a request to OpenAI with a key someone typed.
    projects_per_person_per_hour: int = Field(default=5, ge=1, le=100_000)
    projects_per_workspace_per_hour: int = Field(default=25, ge=1, le=100_000)
    key_checks_per_person_per_hour: int = Field(default=20, ge=1, le=100_000)
    key_checks_per_workspace_per_hour: int = Field(default=100, ge=1, le=100_000)
    # Scheduled work (README: "Connected OpenAI organization"): the in-app scheduler polls
    # every SCHEDULER_POLL_SECONDS (0 turns it off: run `python -m bot jobs run-due` from cron),
    # re-checks stored keys every KEY_CHECK_INTERVAL_HOURS, and spaces OpenAI requests of one
    # workspace by OPENAI_REQUESTS_INTERVAL_SECONDS.
    scheduler_poll_seconds: float = Field(default=60.0, ge=0, le=3600)
    key_check_interval_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    openai_requests_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    # A channel id (C…) that also hears budget alerts; the bot must be a member.
    alert_channel: str | None = Field(default=None, pattern=r"^[CG][A-Z0-9]{2,20}$")
    # Slack's own payloads (a view with 100 blocks included) stay well under 1 MiB.
    max_request_bytes: int = Field(default=1024 * 1024, ge=16 * 1024, le=16 * 1024 * 1024)

    @cached_property
    def resolved_database_url(self) -> str:
        """``DATABASE_URL``, or a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'openai-setup.sqlite3').resolve()}"

    @cached_property
    def key_admin_ids(self) -> frozenset[str]:
        """Slack user ids from ``KEY_ADMINS`` (comma or space separated)."""
        return frozenset(part for part in self.key_admins.replace(",", " ").split() if part)

    @property
    def http_workers(self) -> int:
        """``WEB_CONCURRENCY``, or the cores this process may run on (a container's cpuset)."""
        if self.web_concurrency is not None:
            return self.web_concurrency
        if hasattr(os, "sched_getaffinity"):
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def missing_credentials(self) -> list[str]:
        """The variables still needed to talk to Slack; empty when the app can start."""
        if self.oauth_enabled:
            return [] if self.slack_signing_secret else ["SLACK_SIGNING_SECRET"]
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN")
        return missing
