"""Every setting of the app, read once from the environment (pydantic-settings)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
# `python -m bot` reads this file when it exists; the real environment wins over it.
# ENV_FILE names another file, or none when empty.
DEFAULT_ENV_FILE = ".env"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
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
    # How long troubleshooting questions are kept (README: "Questions I couldn't answer");
    # older ones are deleted as new ones are written or the list is read.
    unanswered_retention_days: int = Field(default=90, ge=1, le=3650)
    # The leak watch on channel messages (README: "Leak watch"); false: channel messages are
    # only acknowledged, whatever the workspace setting and the manifest say.
    leak_watch: bool = True
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

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

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

    def no_slack_settings(self) -> bool:
        """Nothing about Slack set at all: a first try, for which the playground starts."""
        return not any(
            (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_app_token,
                self.slack_client_id,
                self.slack_client_secret,
            )
        )

    def missing_credentials(self) -> list[str]:
        """The variables still needed to talk to Slack; empty when the app can start."""
        if self.oauth_enabled:
            return [] if self.slack_signing_secret else ["SLACK_SIGNING_SECRET"]
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN")
        return missing


class ConfigurationError(Exception):
    """A setting a person gave cannot be used. ``str()`` is one line per problem, each naming
    the variable, what it must be, and the fix; never a traceback, never a secret's value."""


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings of a ``python -m bot`` process: the environment, then the ``.env`` file
    (``ENV_FILE``) for what the environment does not set, then the defaults."""
    environ = dict(os.environ) if environ is None else environ
    env_file = environ.get("ENV_FILE", DEFAULT_ENV_FILE)
    try:
        return Settings(_env_file=env_file or None)  # type: ignore[call-arg]
    except ValidationError as error:
        raise ConfigurationError(
            "\n".join(describe_problem(problem) for problem in error.errors())
        ) from None


# Read by Slack's libraries from the process environment behind the app's back: Bolt's App()
# takes SLACK_BOT_TOKEN (and warns "As you gave `client` as well, `token` will be unused")
# and SLACK_SIGNING_SECRET when it is not given one, and with SLACK_CLIENT_ID and
# SLACK_CLIENT_SECRET both set it switches to OAuth with a file store of its own.
SLACK_LIBRARY_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


def forget_slack_variables(environ: Any = None) -> None:
    """Once ``Settings`` holds them, the Slack secrets leave the process environment: the app
    passes them explicitly, so no library reads them a second time and no child inherits them.
    """
    environ = os.environ if environ is None else environ
    for name in SLACK_LIBRARY_VARIABLES:
        environ.pop(name, None)


def describe_problem(problem: Any) -> str:
    """One line for one pydantic error: ``PORT=abc is not valid: ...; fix ...``."""
    name = str(problem["loc"][0]) if problem.get("loc") else "?"
    field = Settings.model_fields.get(name)
    variable = name.upper()
    secret = field is not None and "SecretStr" in str(field.annotation)
    shown = "(hidden)" if secret else _shown_value(problem.get("input"))
    rule = _rule(name)
    value = None if field is None else field.default
    default = ""
    if isinstance(value, float):
        default = f" ({value:g})"
    elif isinstance(value, int | str | Path):
        default = f" ({value})"
    return (
        f"openai-setup cannot start: {variable}={shown} is not valid: it must be {rule}. "
        f"Fix {variable} in the environment or the .env file, or unset it to use the default"
        f"{default}."
    )


def _shown_value(value: object) -> str:
    from bot.log_redaction import redact

    text = redact(str(value))
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 40 else text[:40] + "…"


def _rule(name: str) -> str:
    """What a setting accepts, from its type and bounds (the README's table says the same)."""
    if name == "log_level":
        return "one of " + ", ".join(LOG_LEVELS)
    field = Settings.model_fields.get(name)
    if field is None:
        return "a valid value"
    annotation = str(field.annotation)
    kind = "a whole number" if "int" in annotation else "a number"
    low = high = None
    low_word = "from"
    for bound in field.metadata:
        if getattr(bound, "ge", None) is not None:
            low = bound.ge
        if getattr(bound, "gt", None) is not None:
            low, low_word = bound.gt, "more than"
        if getattr(bound, "le", None) is not None:
            high = bound.le
    if low is not None and high is not None:
        if low_word == "from":
            return f"{kind} from {low} to {high}"
        return f"{kind} more than {low} and at most {high}"
    if low is not None:
        return f"{kind} of at least {low}" if low_word == "from" else f"{kind} more than {low}"
    if "Path" in annotation:
        return "a folder or file path"
    if "bool" in annotation:
        return "true or false"
    if "int" in annotation or "float" in annotation:
        return kind
    return "a valid value"
