"""Several replicas on one PostgreSQL, as behind a load balancer: no state only in memory."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.keys.keyring import Keyring
from bot.store.database import Database
from bot.store.models import StoredKey
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.app_process import ROOT, AppProcess
from tests.support.blocks import all_text

KEY = FakeOpenAI.key_for("valid", "replicas")


@pytest.fixture
def replicas(
    slack: FakeSlack, fake_openai: FakeOpenAI, postgres_url: str, tmp_path: Path
) -> Iterator[tuple[AppProcess, AppProcess]]:
    keyring = tmp_path / "keyring.json"
    Keyring.generate().save(keyring)
    environment = {
        "KEYRING_FILE": str(keyring),
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_TIMEOUT_SECONDS": "3",
    }
    first = AppProcess(
        slack,
        database_url=postgres_url,
        data_dir=tmp_path / "a",
        log_file=tmp_path / "a.log",
        **environment,
    )
    try:
        second = AppProcess(
            slack,
            database_url=postgres_url,
            data_dir=tmp_path / "b",
            log_file=tmp_path / "b.log",
            **environment,
        )
    except BaseException:
        first.kill()
        raise
    yield first, second
    for process in (first, second):
        process.kill()


def test_a_retried_event_is_processed_once_across_replicas(
    replicas: tuple[AppProcess, AppProcess], slack: FakeSlack
) -> None:
    first, second = replicas
    event = payloads.message_im("billing hard limit reached", user_id="U0ALICE")
    assert first.event(event, event_id="Ev0REPLICA1").status == 200
    assert second.event(event, event_id="Ev0REPLICA1", retry_num=1).status == 200
    assert first.event(event, event_id="Ev0REPLICA1", retry_num=2).status == 200
    second.event(payloads.message_im("phone", user_id="U0ALICE"), event_id="Ev0REPLICA2")
    assert len(slack.wait_for("chat.postMessage", 2)) == 2


def test_progress_and_keys_written_through_one_are_read_through_the_other(
    replicas: tuple[AppProcess, AppProcess], slack: FakeSlack
) -> None:
    first, second = replicas
    first.action(actions.MARK_DONE, "3")
    slack.wait_for("views.publish")
    assert "1 of 7" in all_text(second.command("").json()["blocks"])

    first.submit_key("prod", KEY)
    slack.wait_for("views.update", timeout=20)
    listing = second.command("keys")
    assert "prod" in all_text(listing.json()["blocks"]) and KEY not in listing.text


def test_key_rotation_while_both_serve(
    replicas: tuple[AppProcess, AppProcess], slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> None:
    first, second = replicas
    first.submit_key("prod", KEY)
    slack.wait_for("views.update", timeout=20)
    env = {
        "DATABASE_URL": postgres_url,
        "KEYRING_FILE": str(tmp_path / "keyring.json"),
        "PATH": "/usr/bin:/bin",
    }
    for command in (["keyring", "add"], ["keys", "rotate"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert "rotated 1" in done.stdout

    database = Database(postgres_url)
    with database.session() as session:
        (row,) = session.scalars(select(StoredKey))
        project_id = row.project_id
        assert row.keyring_key_id == Keyring.load(tmp_path / "keyring.json").active_id
    database.dispose()
    # The replica still holding the old keyring reads the rotated row (it reloads the file).
    second.action(actions.KEYS_TEST, str(project_id))
    (call,) = slack.wait_for("response_url", timeout=20)
    assert "Hello" in all_text(call.blocks())


def test_sigterm_lets_a_running_key_check_finish(
    slack: FakeSlack, sqlite_url: str, tmp_path: Path
) -> None:
    with FakeOpenAI(slow_seconds=1.5) as openai:
        app = AppProcess(
            slack,
            database_url=sqlite_url,
            data_dir=tmp_path / "data",
            log_file=tmp_path / "app.log",
            OPENAI_BASE_URL=openai.base_url,
            OPENAI_TIMEOUT_SECONDS="10",
        )
        try:
            ack = app.submit_key("prod", FakeOpenAI.key_for("slow"))
            assert ack.json()["response_action"] == "update"
            assert app.terminate() == 0, app.log()
        finally:
            app.kill()
    (update,) = slack.calls_to("views.update")
    assert "prod" in update.text_content()
    database = Database(sqlite_url)
    with database.session() as session:
        assert [row.status for row in session.scalars(select(StoredKey))] == ["valid"]
    database.dispose()
