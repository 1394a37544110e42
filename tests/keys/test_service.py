"""KeyService end to end against the fake OpenAI, on a real SQLite file and PostgreSQL:
what is stored, who may change it, what teams can see, races, revocation, shredding, and
that no plaintext key ever reaches the database outside its ciphertext."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.identity import Actor, Workspace
from bot.keys.crypto import fingerprint, mask
from bot.keys.keyring import Keyring
from bot.keys.probe import OpenAIProbe
from bot.keys.results import KeyResult, Verdict
from bot.keys.service import KeyService
from bot.keys.validation import KeyOutcome
from bot.store import key_records as records
from bot.store.database import Database
from bot.store.key_records import ProjectRow
from bot.store.models import AuditEvent, KeyProject, ProjectMaintainer, StoredKey
from bot.store.progress import ProgressStore
from bot.store.schema import ensure_schema
from bot.workspace_removal import Removal, WorkspaceRemoval
from tests.fakes.openai_server import FakeOpenAI
from tests.support.exports import export_key

KEY_ADMIN = "UKEYADMIN"  # in KEY_ADMINS (see conftest.py)
CREATOR = Actor("", "T1", "UCREATOR")
OTHER = Actor("", "T1", "UOTHER")
WORKSPACE_ADMIN = Actor("", "T1", "UADMIN", is_workspace_admin=True)
LISTED_ADMIN = Actor("", "T1", KEY_ADMIN)
IN_T2 = Actor("", "T2", "UT2")
ADMIN_IN_T2 = Actor("", "T2", "UADMIN2", is_workspace_admin=True)
IN_E1 = Actor("E1", "T1", "UE1")

# Scenario -> the stored status (per DESIGN.md 4); scenarios not here are never stored.
STORED_STATUS = {
    "valid": "valid",
    "restricted": "restricted",
    "read_only": "restricted",
    "no_quota": "needs_credit",
    "credit_exhausted": "needs_credit",
    "billing_hard_limit": "needs_credit",
    "spend_cap": "spend_capped",
}
NOT_STORED = {
    "invalid": KeyOutcome.INVALID,
    "revoked": KeyOutcome.INVALID,
    "deactivated": KeyOutcome.ACCOUNT_PROBLEM,
    "ip_not_authorized": KeyOutcome.ACCOUNT_PROBLEM,
    "no_org": KeyOutcome.ACCOUNT_PROBLEM,
    "mismatched_org": KeyOutcome.MISMATCH,
    "mismatched_project": KeyOutcome.MISMATCH,
    "region": KeyOutcome.REGION,
    "rate_limited": KeyOutcome.TRY_LATER,
    "server_error": KeyOutcome.TRY_LATER,
    "overloaded": KeyOutcome.TRY_LATER,
    "html_502": KeyOutcome.TRY_LATER,
    "slow": KeyOutcome.TRY_LATER,
}
# The mismatch scenarios only mismatch when the person names the organization / project.
HINTS: dict[str, dict[str, str]] = {
    "mismatched_org": {"organization": FakeOpenAI.ORGANIZATION},
    "mismatched_project": {"openai_project": FakeOpenAI.PROJECT},
}


def _key(variant: str, scenario: str = "valid") -> str:
    return FakeOpenAI.key_for(scenario, variant)


def _project(service: KeyService, workspace: Workspace, name: str) -> ProjectRow | None:
    return next((p for p in service.list_projects(workspace) if p.name == name), None)


def _project_id(service: KeyService, actor: Actor, name: str) -> int:
    project = _project(service, actor.workspace, name)
    assert project is not None, f"no project {name!r}"
    return project.id


def _audit(database: Database, **where: str) -> list[AuditEvent]:
    with database.session() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return list(session.scalars(query))


def _count(database: Database, model: Any, *conditions: Any) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def _row(database: Database, project_id: int) -> StoredKey | None:
    with database.session() as session:
        return session.get(StoredKey, project_id)


def _set(service: KeyService, actor: Actor, name: str, key: str) -> KeyResult:
    result = service.submit(actor, name, key)
    assert (result.verdict, result.stored) == (Verdict.DONE, True), result
    return result


# --- every scenario ------------------------------------------------------------------------
def test_every_scenario_is_classified_here() -> None:
    assert set(STORED_STATUS) | set(NOT_STORED) == set(FakeOpenAI.scenarios())
    assert not set(STORED_STATUS) & set(NOT_STORED)


def test_every_scenario_through_submit(
    service: KeyService,
    database: Database,
    make_service: Callable[..., KeyService],
) -> None:
    quick = make_service(timeout=0.5)  # the "slow" scenario times out instead of waiting
    problems: list[str] = []
    for scenario in FakeOpenAI.scenarios():
        name = f"Scenario {scenario}"
        key = _key("s1", scenario)
        before = _count(database, AuditEvent)
        used = quick if scenario == "slow" else service
        hints = HINTS.get(scenario, {})
        result = used.submit(
            CREATOR,
            name,
            key,
            organization=hints.get("organization"),
            openai_project=hints.get("openai_project"),
        )
        audit = _audit(database, project_name=name)
        project = _project(service, CREATOR.workspace, name)
        if _count(database, AuditEvent) != before + 1 or len(audit) != 1:
            problems.append(f"{scenario}: {len(audit)} audit rows")
        assert result.validation is not None
        outcome = result.validation.outcome
        if scenario in STORED_STATUS:
            status = project.key.status if project and project.key else None
            if not result.stored or status != STORED_STATUS[scenario]:
                problems.append(f"{scenario}: stored={result.stored} status={status}")
            elif export_key(service, CREATOR.workspace, name) != key:
                problems.append(f"{scenario}: exports another key")
            if audit and (audit[0].action, audit[0].outcome) != ("set", str(outcome)):
                problems.append(f"{scenario}: audit {audit[0].action}/{audit[0].outcome}")
        else:
            if result.stored or outcome is not NOT_STORED[scenario] or project is not None:
                problems.append(f"{scenario}: stored={result.stored} outcome={outcome}")
            expected = ("set", f"rejected:{NOT_STORED[scenario]}")
            if audit and (audit[0].action, audit[0].outcome) != expected:
                problems.append(f"{scenario}: audit {audit[0].action}/{audit[0].outcome}")
        # A key OpenAI accepted is DONE; one it rejected (or could not check) is REJECTED.
        expected_verdict = Verdict.DONE if scenario in STORED_STATUS else Verdict.REJECTED
        if result.verdict is not expected_verdict:
            problems.append(f"{scenario}: verdict {result.verdict}")
    assert problems == []
    # OpenAI's own ids, read from the response headers, are kept for the valid key.
    valid = _project(service, CREATOR.workspace, "Scenario valid")
    assert valid is not None and valid.key is not None
    assert valid.key.openai_organization == FakeOpenAI.ORGANIZATION
    assert valid.key.openai_project == FakeOpenAI.PROJECT
    assert _count(database, StoredKey) == len(STORED_STATUS)


# --- who may change a key ----------------------------------------------------------------
def test_a_non_maintainer_cannot_change_another_persons_project(
    service: KeyService, database: Database, fake_openai: FakeOpenAI
) -> None:
    original = _key("original")
    _set(service, CREATOR, "Shared", original)
    project_id = _project_id(service, CREATOR, "Shared")
    before = _row(database, project_id)
    assert before is not None
    intruder_key = _key("intruder")

    assert service.submit(OTHER, "Shared", intruder_key).verdict is Verdict.REFUSED
    assert service.submit(OTHER, "  shared ", intruder_key).verdict is Verdict.REFUSED
    assert service.test_key(OTHER, project_id).verdict is Verdict.REFUSED
    assert service.revoke(OTHER, project_id).verdict is Verdict.REFUSED
    assert service.audit.trail(OTHER).verdict is Verdict.REFUSED

    refused = _audit(database, actor=OTHER.user_id)
    assert [(e.action, e.outcome) for e in refused] == [
        ("set", "refused"),
        ("set", "refused"),
        ("test", "refused"),
        ("revoke", "refused"),
        ("audit", "refused"),
    ]
    assert all(e.fingerprint_id for e in refused[:4])
    after = _row(database, project_id)
    assert after is not None
    assert (after.ciphertext, after.fingerprint, after.version, after.set_by) == (
        before.ciphertext,
        before.fingerprint,
        before.version,
        CREATOR.user_id,
    )
    assert export_key(service, CREATOR.workspace, "Shared") == original
    # A refused submission is not even sent to OpenAI.
    assert intruder_key not in fake_openai.seen_keys


@pytest.mark.parametrize(
    "actor",
    [WORKSPACE_ADMIN, LISTED_ADMIN, CREATOR],
    ids=["workspace-admin", "key-admin", "creator"],
)
def test_admins_and_the_creator_may_replace_test_and_revoke(
    service: KeyService, database: Database, actor: Actor
) -> None:
    _set(service, CREATOR, "Shared", _key("original"))
    project_id = _project_id(service, CREATOR, "Shared")

    replacement = _key("replacement")
    replaced = service.submit(actor, "Shared", replacement)
    assert (replaced.verdict, replaced.stored, replaced.replaced) == (Verdict.DONE, True, True)
    assert export_key(service, CREATOR.workspace, "Shared") == replacement
    tested = service.test_key(actor, project_id)
    assert tested.verdict is Verdict.DONE
    assert tested.validation is not None and tested.validation.outcome is KeyOutcome.VALID
    assert service.revoke(actor, project_id).verdict is Verdict.DONE
    assert _row(database, project_id) is None
    actions = [(e.action, e.outcome) for e in _audit(database, actor=actor.user_id)]
    assert actions[-3:] == [("replace", "valid"), ("test", "valid"), ("revoke", "revoked")]
    if actor is not CREATOR:
        assert service.audit.trail(actor).verdict is Verdict.DONE


# --- teams never see each other ----------------------------------------------------------
def test_teams_never_see_each_others_projects(service: KeyService, database: Database) -> None:
    t1_key = _key("t1")
    _set(service, CREATOR, "Alpha", t1_key)
    _set(service, CREATOR, "Beta", _key("t1b"))
    _set(service, IN_T2, "Gamma", _key("t2"))
    alpha = _project_id(service, CREATOR, "Alpha")

    assert [p.name for p in service.list_projects(IN_T2.workspace)] == ["Gamma"]
    assert service.list_projects(IN_E1.workspace) == []  # same team id, other enterprise
    assert {p.name for p in service.list_projects(CREATOR.workspace)} == {"Alpha", "Beta"}
    for intruder in (IN_T2, ADMIN_IN_T2, Actor("E1", "T1", "UADMIN", is_workspace_admin=True)):
        assert service.test_key(intruder, alpha).verdict is Verdict.NOT_FOUND
        assert service.revoke(intruder, alpha).verdict is Verdict.NOT_FOUND
        assert service.project(intruder.workspace, alpha) is None
    with pytest.raises(LookupError):
        export_key(service, IN_T2.workspace, "Alpha")
    # The same name in T2 is T2's own, separate project; T1's key is untouched.
    _set(service, IN_T2, "Alpha", _key("t2alpha"))
    assert _project_id(service, IN_T2, "Alpha") != alpha
    assert export_key(service, CREATOR.workspace, "Alpha") == t1_key
    assert export_key(service, IN_T2.workspace, "Alpha") == _key("t2alpha")
    trail = service.audit.trail(ADMIN_IN_T2)
    assert trail.verdict is Verdict.DONE and {e.team_id for e in trail.rows} == {"T2"}
    not_found = _audit(database, actor=IN_T2.user_id, outcome="not_found")
    assert [e.action for e in not_found] == ["test", "revoke"]


# --- races --------------------------------------------------------------------------------
def _at_once(calls: list[Callable[[], KeyResult]]) -> list[KeyResult | BaseException]:
    """Run ``calls`` on threads released together by a barrier; results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[KeyResult | BaseException] = [RuntimeError("did not run")] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(5)
            results[index] = calls[index]()
        except BaseException as error:  # reported by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@contextlib.contextmanager
def _meeting_after_key_lookup(timeout: float = 1.0) -> Iterator[None]:
    """Make two submissions meet right after each has looked up the project's stored key, so
    both have seen "no key yet" before either writes: the race, every time. A submission that
    cannot get there (blocked by the other's uncommitted project row on PostgreSQL) lets the
    first one go on after ``timeout``."""
    barrier = threading.Barrier(2)
    original = records.stored_key

    def stored_key(session: Session, project_id: int) -> StoredKey | None:
        row = original(session, project_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout)
        return row

    records.stored_key = stored_key
    try:
        yield
    finally:
        records.stored_key = original


def test_two_submissions_for_a_new_project_at_once_leave_one_key(
    service: KeyService, database: Database, request: pytest.FixtureRequest
) -> None:
    keys = [_key("racea"), _key("raceb")]
    with _meeting_after_key_lookup():
        results = _at_once([partial(service.submit, CREATOR, "Race", k) for k in keys])
    assert all(isinstance(r, KeyResult) and r.stored for r in results), results
    project_id = _project_id(service, CREATOR, "Race")
    assert _count(database, KeyProject, KeyProject.name == "Race") == 1
    assert _count(database, StoredKey, StoredKey.project_id == project_id) == 1
    current = export_key(service, CREATOR.workspace, "Race")
    assert current in keys
    actions = sorted(e.action for e in _audit(database, project_name="Race", outcome="valid"))
    assert actions in (["replace", "set"], ["set", "set"])
    # The surviving row is whole: its fingerprint and mask are those of the key it holds.
    project = _project(service, CREATOR.workspace, "Race")
    assert project is not None and project.key is not None
    assert project.key.fingerprint == fingerprint(service.keyring, current)
    assert project.key.masked == mask(current)


def test_two_first_keys_for_an_existing_project_at_once(
    service: KeyService, database: Database
) -> None:
    _set(service, CREATOR, "Existing", _key("first"))
    project_id = _project_id(service, CREATOR, "Existing")
    assert service.revoke(CREATOR, project_id).verdict is Verdict.DONE
    keys = [_key("existinga"), _key("existingb")]
    with _meeting_after_key_lookup():
        results = _at_once([partial(service.submit, CREATOR, "Existing", k) for k in keys])
    assert all(isinstance(r, KeyResult) and r.stored for r in results), results
    assert _count(database, StoredKey, StoredKey.project_id == project_id) == 1
    assert export_key(service, CREATOR.workspace, "Existing") in keys


def test_two_people_creating_the_same_project_at_once(
    service: KeyService, database: Database
) -> None:
    """Observed rule: the first to create the project owns it (its only maintainer); the other
    is refused at the second check inside the write, with a "refused" audit row."""
    for round_ in range(3):
        name = f"Contested {round_}"
        people = {CREATOR.user_id: _key(f"c{round_}"), OTHER.user_id: _key(f"o{round_}")}
        actors = [CREATOR, OTHER]
        results = _at_once([partial(service.submit, a, name, people[a.user_id]) for a in actors])
        verdicts = [r.verdict if isinstance(r, KeyResult) else r for r in results]
        assert sorted(map(str, verdicts)) == ["done", "refused"], results
        winner = actors[verdicts.index(Verdict.DONE)]
        project = _project(service, CREATOR.workspace, name)
        assert project is not None and project.key is not None
        assert project.created_by == winner.user_id == project.key.set_by
        assert project.maintainers == frozenset({winner.user_id})
        assert export_key(service, CREATOR.workspace, name) == people[winner.user_id]
        outcomes = sorted(e.outcome for e in _audit(database, project_name=name, action="set"))
        assert outcomes == ["refused", "valid"]


class _EncryptionFails(Keyring):
    """Fingerprints keys but cannot encrypt: the failure lands inside the store's transaction."""

    def cipher(self, key_id: str) -> AESGCM:
        raise RuntimeError("encryption failed")


def test_a_failed_store_leaves_no_half_created_project(
    make_service: Callable[..., KeyService], database: Database
) -> None:
    """``_store`` creates the project and its key in one transaction: all or nothing."""
    service = make_service(keyring=_EncryptionFails.generate())
    with pytest.raises(RuntimeError):
        service.submit(CREATOR, "Half", _key("half"))
    assert _count(database, StoredKey) == 0
    assert _count(database, KeyProject, KeyProject.name == "Half") == 0
    assert _count(database, ProjectMaintainer) == 0


# --- revoke and shred ---------------------------------------------------------------------
def test_revoke_deletes_the_ciphertext_and_keeps_the_audit_trail(
    service: KeyService, database: Database
) -> None:
    key = _key("revoked")
    _set(service, CREATOR, "Gone", key)
    project_id = _project_id(service, CREATOR, "Gone")
    fingerprint_id = _audit(database, project_name="Gone")[0].fingerprint_id
    result = service.revoke(CREATOR, project_id)
    assert (result.verdict, result.masked) == (Verdict.DONE, "sk-proj-…" + key[-4:])
    assert _count(database, StoredKey, StoredKey.project_id == project_id) == 0
    project = _project(service, CREATOR.workspace, "Gone")
    assert project is not None and project.key is None  # the project itself stays
    with pytest.raises(LookupError):
        export_key(service, CREATOR.workspace, "Gone")
    assert service.test_key(CREATOR, project_id).verdict is Verdict.NOT_FOUND
    assert service.revoke(CREATOR, project_id).verdict is Verdict.NOT_FOUND
    trail = [(e.action, e.outcome, e.fingerprint_id) for e in _audit(database, project_name="Gone")]
    assert trail[:2] == [("set", "valid", fingerprint_id), ("revoke", "revoked", fingerprint_id)]


def test_forget_workspace_shreds_only_that_workspace(
    service: KeyService, database: Database
) -> None:
    _set(service, CREATOR, "Alpha", _key("a"))
    _set(service, CREATOR, "Beta", _key("b"))
    _set(service, IN_T2, "Gamma", _key("c"))
    _set(service, IN_E1, "Delta", _key("d"))
    t1_ids = [p.id for p in service.list_projects(CREATOR.workspace)]

    removal = Removal(CREATOR.workspace, org_wide=False, reason="app_uninstalled")
    WorkspaceRemoval(database, ProgressStore(database)).forget(removal)
    assert service.list_projects(CREATOR.workspace) == []
    assert _count(database, StoredKey, StoredKey.project_id.in_(t1_ids)) == 0
    assert _count(database, ProjectMaintainer, ProjectMaintainer.project_id.in_(t1_ids)) == 0
    assert _count(database, KeyProject, KeyProject.id.in_(t1_ids)) == 0
    assert export_key(service, IN_T2.workspace, "Gamma") == _key("c")
    assert export_key(service, IN_E1.workspace, "Delta") == _key("d")
    shred = _audit(database, team_id="T1", enterprise_id="", action="shred")
    assert [(e.outcome, e.detail, e.actor) for e in shred] == [
        ("app_uninstalled", "2 projects", "slack")
    ]
    # The workspace's earlier audit rows are kept.
    assert len(_audit(database, team_id="T1", enterprise_id="", action="set")) == 2
    assert _audit(database, team_id="T1", enterprise_id="E1", action="shred") == []


# --- no plaintext outside the ciphertext -------------------------------------------------
def _exercise(service: KeyService) -> list[str]:
    """Several sets, replacements, tests, exports, a rejection and a revoke; the keys used."""
    keys = [
        _key(f"leak{n}x9Qz", scenario)
        for n, scenario in enumerate(
            ["valid", "no_quota", "restricted", "valid", "spend_cap", "invalid", "valid"]
        )
    ]
    _set(service, CREATOR, "One", keys[0])
    _set(service, CREATOR, "Two", keys[1])
    _set(service, CREATOR, "One", keys[2])  # replacement
    _set(service, IN_T2, "Three", keys[3])
    _set(service, IN_E1, "Four", keys[4])
    assert not service.submit(CREATOR, "Five", keys[5]).stored
    _set(service, CREATOR, "Six", keys[6])
    for actor, name in ((CREATOR, "One"), (CREATOR, "Two"), (IN_T2, "Three")):
        assert service.test_key(actor, _project_id(service, actor, name)).verdict is Verdict.DONE
        export_key(service, actor.workspace, name)
    assert service.revoke(CREATOR, _project_id(service, CREATOR, "Six")).verdict is Verdict.DONE
    return keys


def _needles(keys: list[str]) -> list[bytes]:
    """The whole key, the key without its public prefix, and its last 16 characters (the mask
    shows only the last four)."""
    return [part.encode() for key in keys for part in (key, key[len("sk-proj-") :], key[-16:])]


def test_no_plaintext_key_in_any_column(service: KeyService, database: Database) -> None:
    keys = _exercise(service)
    needles = [n.decode() for n in _needles(keys)]
    with database.engine.connect() as connection:
        for table in ("audit_events", "stored_keys", "key_projects", "project_maintainers"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
            assert rows, table
            for row in rows:
                for value in row:
                    assert not any(n in str(value) for n in needles), (table, value)
    assert len(_audit(database)) >= 14


def test_no_plaintext_key_in_the_sqlite_files(
    sqlite_url: str, keyring: Keyring, fake_openai: FakeOpenAI
) -> None:
    database = Database(sqlite_url)
    ensure_schema(database)
    service = KeyService(
        database,
        keyring,
        OpenAIProbe(base_url=fake_openai.base_url, timeout=2),
        key_admins=frozenset({KEY_ADMIN}),
    )
    directory = Path(database.engine.url.database or "").parent
    keys = _exercise(service)
    needles = _needles(keys)

    def scan(when: str) -> list[str]:
        files = [p for p in directory.iterdir() if p.is_file()]
        names = {p.name for p in files}
        assert "app.sqlite3" in names, names
        found = []
        for path in files:
            data = path.read_bytes()
            found += [f"{when}: {path.name}" for n in needles if n in data]
        return found

    # While the engine is open the WAL holds the latest pages; after dispose they are
    # checkpointed into the main file.
    assert any(p.name.endswith("-wal") for p in directory.iterdir())
    found = scan("open")
    database.dispose()
    found += scan("closed")
    assert found == []
    # The ciphertexts themselves are in there (the scan would have seen a plaintext).
    assert b"v1." + keyring.active_id.encode() in (directory / "app.sqlite3").read_bytes()
