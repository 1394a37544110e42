"""A person's configuration mistake is one line naming the variable and the fix, never a
traceback: ``python -m bot`` run as a real process with bad settings, an unreachable database,
an unreachable Slack and a token Slack refuses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.slack import FakeSlack
from tests.support.app_process import AppProcess, free_port
from tests.support.running_app import BOT_TOKEN, SIGNING_SECRET
from tests.support.socket_mode_app import APP_TOKEN

ROOT = Path(__file__).resolve().parents[1]
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|WARNING) bot\.")


def start(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL", "KEYRING_", "LOG_LEVEL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "ENV_FILE": "",
            "DATA_DIR": str(tmp_path / "data"),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
            **env,
        },
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error: one line, and nothing else but timestamped log lines (a first start logs
    that it made a keyring)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not LOG_LINE.match(line)]
    assert len(errors) == 1, result.stderr
    assert errors == lines[-1:]
    return errors[0]


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("PORT", "abc", "a whole number from 1 to 65535"),
        ("PORT", "70000", "a whole number from 1 to 65535"),
        ("LOG_LEVEL", "VERBOSE", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("OPENAI_TIMEOUT_SECONDS", "100", "a number more than 0 and at most 60"),
        ("OPENAI_TIMEOUT_SECONDS", "0", "a number more than 0 and at most 60"),
        ("WEB_CONCURRENCY", "lots", "a whole number from 1 to 64"),
        ("MAX_REQUEST_BYTES", "10", "a whole number from 16384 to 16777216"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_its_limits(
    tmp_path: Path, variable: str, value: str, rule: str
) -> None:
    result = start({variable: value}, tmp_path)

    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith(f"openai-setup cannot start: {variable}={value} is not valid")
    assert rule in line
    assert f"Fix {variable}" in line
    defaults = {"PORT": "3000", "LOG_LEVEL": "INFO", "OPENAI_TIMEOUT_SECONDS": "10"}
    defaults["MAX_REQUEST_BYTES"] = "1048576"
    if variable in defaults:
        assert line.endswith(f"unset it to use the default ({defaults[variable]}).")
    assert not (tmp_path / "data").exists()  # nothing was made before the settings were read


def test_every_bad_setting_gets_its_own_line(tmp_path: Path) -> None:
    result = start({"PORT": "abc", "LOG_LEVEL": "LOUD"}, tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert {line.split(":", 1)[1].split("=")[0].strip() for line in lines} == {"PORT", "LOG_LEVEL"}


def test_a_key_pasted_into_a_setting_is_not_echoed(tmp_path: Path) -> None:
    key = "sk-proj-" + "A1b2C3d4" * 6
    result = start({"PORT": key}, tmp_path)

    assert result.returncode == 2
    assert key not in result.stderr
    assert "PORT=" in one_line(result)


def test_log_level_is_read_in_any_case(tmp_path: Path) -> None:
    # Valid (lower case), so start-up goes on and stops at the next problem: Slack is down.
    result = start({"LOG_LEVEL": "warning"}, tmp_path)
    assert "LOG_LEVEL" not in result.stderr
    assert "SLACK_API_URL" in result.stderr


def test_an_unreachable_postgresql_names_database_url_without_its_password(
    tmp_path: Path,
) -> None:
    url = f"postgresql://someone:hunter2secret@127.0.0.1:{free_port()}/openai_setup"
    result = start({"DATABASE_URL": url}, tmp_path)

    assert result.returncode == 3
    line = one_line(result)
    assert "DATABASE_URL=postgresql://someone:***@127.0.0.1" in line
    assert "hunter2secret" not in result.stderr
    assert "Start the database, or fix DATABASE_URL" in line


def test_a_database_url_that_is_no_url_says_what_one_looks_like(tmp_path: Path) -> None:
    result = start({"DATABASE_URL": "localhost:5432"}, tmp_path)

    assert result.returncode == 3
    assert "DATABASE_URL is not a database URL" in one_line(result)


def test_a_data_dir_that_cannot_be_made_names_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = start({"DATA_DIR": str(blocker / "data")}, tmp_path)

    assert result.returncode == 3
    assert "Set DATA_DIR" in one_line(result)


def test_an_unreachable_slack_names_slack_api_url(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    result = start({"SLACK_API_URL": closed}, tmp_path)

    assert result.returncode == 5
    line = one_line(result)
    assert f"cannot reach Slack at SLACK_API_URL={closed}" in line
    assert BOT_TOKEN not in result.stderr


def test_a_bot_token_slack_refuses_names_slack_bot_token(tmp_path: Path, slack: FakeSlack) -> None:
    slack.fail("auth.test", 200, {"ok": False, "error": "invalid_auth"})
    result = start({"SLACK_API_URL": slack.api_url}, tmp_path)

    assert result.returncode == 5
    line = one_line(result)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in line
    assert "OAuth & Permissions" in line
    assert BOT_TOKEN not in result.stderr


def test_an_app_token_slack_refuses_names_slack_app_token(tmp_path: Path, slack: FakeSlack) -> None:
    slack.fail("apps.connections.open", 200, {"ok": False, "error": "invalid_auth"})
    result = start(
        {"SLACK_API_URL": slack.api_url, "SLACK_APP_TOKEN": APP_TOKEN, "PORT": str(free_port())},
        tmp_path,
    )

    assert result.returncode == 5
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("openai-setup cannot start: Slack refused SLACK_APP_TOKEN")
    assert APP_TOKEN not in result.stderr


def test_no_warning_that_the_token_will_be_unused(
    tmp_path: Path, slack: FakeSlack, database_url: str
) -> None:
    """Bolt used to read SLACK_BOT_TOKEN itself beside the client the app gives it, and warn
    "As you gave `client` as well, `token` will be unused" at every start."""
    app = AppProcess(
        slack,
        database_url=database_url,
        data_dir=tmp_path / "data",
        log_file=tmp_path / "app.log",
        WEB_CONCURRENCY="1",
        ENV_FILE="",
    )
    try:
        log = app.log()
    finally:
        app.terminate()
    assert "starting in HTTP mode" in log
    assert "will be unused" not in log


def test_the_env_file_is_read_and_the_real_environment_wins(tmp_path: Path) -> None:
    database = tmp_path / "from-dotenv.sqlite3"
    (tmp_path / ".env").write_text(
        f"# settings for this checkout\nDATABASE_URL=sqlite:///{database}\nLOG_LEVEL=VERBOSE\n"
    )
    read = start({"ENV_FILE": ".env"}, tmp_path, "db", "upgrade")
    assert read.returncode == 2
    assert "LOG_LEVEL=VERBOSE" in one_line(read)

    upgraded = start({"ENV_FILE": ".env", "LOG_LEVEL": "INFO"}, tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert database.exists()
    assert not (tmp_path / "data").exists()


def test_env_file_names_another_file_or_none(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=abc\n")
    (tmp_path / "staging.env").write_text("PORT=nope\n")

    assert "PORT=nope" in one_line(start({"ENV_FILE": "staging.env"}, tmp_path))
    assert "PORT=abc" in one_line(start({"ENV_FILE": ".env"}, tmp_path))
    ignored = start({"ENV_FILE": ""}, tmp_path)
    assert "PORT" not in ignored.stderr


def test_without_env_file_setting_dotenv_is_the_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OPENAI_TIMEOUT_SECONDS=100\n")
    env = {k: v for k, v in os.environ.items() if k != "ENV_FILE"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "OPENAI_TIMEOUT_SECONDS=100" in one_line(result)
