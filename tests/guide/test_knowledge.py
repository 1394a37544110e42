"""The troubleshooting content: the packaged files are complete, and bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guide.knowledge import TROUBLESHOOTING_DIR, load_entries, load_synonyms

# Codes people hit on the guide's steps; each must be answered by an entry.
REQUIRED_CODES = {
    "invalid_api_key",
    "insufficient_quota",
    "credit_balance_exhausted",
    "billing_hard_limit_reached",
    "project_spend_limit_exceeded",
    "organization_spend_limit_exceeded",
    "mismatched_organization",
    "mismatched_project",
    "no_organization",
    "account_deactivated",
    "ip_not_authorized",
    "unsupported_country_region_territory",
    "missing_scope",
    "api.model.read",
    "api.responses.write",
    "model.request",
    "model_not_found",
    "rate_limit_exceeded",
    "slow_down",
    "server_error",
    "server_is_overloaded",
}

VALID_ENTRY = """
[[entry]]
id = "{id}"
title = "A title"
cause = "A cause."
fix = "A fix."
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_entries_load_with_unique_ids() -> None:
    entries = load_entries()

    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids))
    assert 35 <= len(entries) <= 80


def test_packaged_entries_cover_the_codes_people_hit() -> None:
    codes = {code for entry in load_entries() for code in entry.codes}

    assert codes >= REQUIRED_CODES


def test_packaged_entries_are_complete_and_link_to_https_pages() -> None:
    for entry in load_entries():
        assert entry.symptoms, entry.id
        assert entry.keywords, entry.id
        assert entry.links, entry.id
        assert entry.step is None or 1 <= entry.step <= 7
        assert len(entry.fix) < 1500, f"{entry.id}: keep fixes short for a Slack section"
        assert all(link.url.startswith("https://") for link in entry.links)


def test_content_is_split_into_topic_files() -> None:
    stems = {path.stem for path in TROUBLESHOOTING_DIR.glob("*.toml")}

    assert stems >= {"billing", "keys", "phone", "account", "errors", "synonyms"}


def test_synonyms_map_variants_to_canonical_words() -> None:
    synonyms = load_synonyms()

    assert synonyms["sms"] == "phone"
    assert synonyms["clé"] == "key"
    assert synonyms["facturación"] == "billing"


def test_loads_a_directory_in_file_order(tmp_path: Path) -> None:
    write(tmp_path, "b.toml", VALID_ENTRY.format(id="second"))
    write(tmp_path, "a.toml", VALID_ENTRY.format(id="first") + 'step = 5\ncodes = ["x_y"]\n')
    write(tmp_path, "synonyms.toml", '[terms]\nphone = ["sms"]\n')

    entries = load_entries(tmp_path)

    assert [entry.id for entry in entries] == ["first", "second"]
    assert entries[0].step == 5
    assert entries[0].codes == ("x_y",)


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID_ENTRY.format(id="same"))
    write(tmp_path, "b.toml", VALID_ENTRY.format(id="same"))

    with pytest.raises(ValueError, match=r"b\.toml: entry 'same' duplicates .* a\.toml"):
        load_entries(tmp_path)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("step = 0\n", "step must be a whole number from 1 to 7"),
        ("step = 8\n", "step must be a whole number from 1 to 7"),
        ('step = "3"\n', "step must be a whole number from 1 to 7"),
        ("step = true\n", "step must be a whole number from 1 to 7"),
        ("colour = 'red'\n", "unknown field"),
        ("codes = 'insufficient_quota'\n", "'codes' must be a list of strings"),
        ("symptoms = [1, 2]\n", "'symptoms' must be a list of strings"),
        ("links = [{ label = 'x', url = 'http://example.com' }]\n", "https:// url"),
        ("links = [{ label = 'x' }]\n", "needs exactly a label and a url"),
    ],
)
def test_bad_field_names_the_file_and_entry(tmp_path: Path, extra: str, message: str) -> None:
    write(tmp_path, "billing.toml", VALID_ENTRY.format(id="no-credit") + extra)

    with pytest.raises(ValueError, match=r"billing\.toml: entry 'no-credit'") as caught:
        load_entries(tmp_path)
    assert message in str(caught.value)


@pytest.mark.parametrize("missing", ["title", "cause", "fix"])
def test_missing_required_field_is_refused(tmp_path: Path, missing: str) -> None:
    lines = VALID_ENTRY.format(id="no-credit").splitlines()
    write(tmp_path, "billing.toml", "\n".join(x for x in lines if not x.startswith(missing)))

    with pytest.raises(ValueError, match=rf"billing\.toml: entry 'no-credit': field '{missing}'"):
        load_entries(tmp_path)


def test_empty_required_field_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "billing.toml", VALID_ENTRY.format(id="no-credit").replace("A fix.", "  "))

    with pytest.raises(ValueError, match="'fix' is required and must be non-empty text"):
        load_entries(tmp_path)


def test_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    write(tmp_path, "keys.toml", VALID_ENTRY.format(id="ok") + '[[entry]]\ntitle = "No id"\n')

    with pytest.raises(ValueError, match=r"keys\.toml: entry #2: field 'id'"):
        load_entries(tmp_path)


def test_id_must_be_a_slug(tmp_path: Path) -> None:
    write(tmp_path, "keys.toml", VALID_ENTRY.format(id="Not A Slug"))

    with pytest.raises(ValueError, match="lowercase slug"):
        load_entries(tmp_path)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "broken.toml", "[[entry]\nid = ")

    with pytest.raises(ValueError, match=r"broken\.toml: not valid TOML"):
        load_entries(tmp_path)


def test_file_without_entries_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "empty.toml", "# nothing yet\n")

    with pytest.raises(ValueError, match=r"empty\.toml: expected one or more \[\[entry\]\]"):
        load_entries(tmp_path)


def test_directory_without_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no troubleshooting"):
        load_entries(tmp_path)


def test_bad_synonyms_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "synonyms.toml", '[terms]\nphone = "sms"\n')

    with pytest.raises(ValueError, match=r"synonyms\.toml: 'phone' must list its variants"):
        load_synonyms(path)
