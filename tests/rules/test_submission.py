"""What a key submission may contain: project names, the key's shape, the OpenAI ids."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.secrets import contains_key
from bot.rules.submission import (
    KEY_IN_FIELD,
    MAX_PROJECT_NAME,
    Field,
    Problem,
    ProjectName,
    check_key,
    check_submission,
    fold_name,
    parse_project_name,
    visible,
)
from bot.ui.keys import render_input_errors
from bot.ui.messages import all_templates

LEGACY_KEY = "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"
URL_SAFE = "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r"
REAL_KEYS = [
    LEGACY_KEY,
    "sk-proj-" + URL_SAFE * 3 + "T3BlbkFJ" + URL_SAFE,
    "sk-svcacct-" + URL_SAFE * 3 + "T3BlbkFJ" + URL_SAFE,
    "sk-admin-" + URL_SAFE * 3 + "T3BlbkFJ" + URL_SAFE,
]
# Shapes the format hint accepts (the live check has the last word).
GOOD_KEYS = [
    "sk-proj-" + "Ab3_" * 30 + "x-Yz",
    "sk-svcacct-" + "Q9w-" * 20,
    LEGACY_KEY,
    "sk-None-" + "z" * 40,
]


def _name(raw: str) -> ProjectName:
    parsed = parse_project_name(raw)
    assert isinstance(parsed, ProjectName), parsed
    return parsed


def _problem(raw: str) -> str:
    parsed = parse_project_name(raw)
    assert isinstance(parsed, Problem), parsed
    return parsed.code


# --- project names ----------------------------------------------------------------------------
def test_names_are_compared_case_width_and_space_insensitively() -> None:
    plain = _name("Victim Proj")
    assert _name("  victim   PROJ ").key == plain.key
    assert _name("ｖｉｃｔｉｍ　ｐｒｏｊ").key == plain.key  # full-width letters, ideographic space
    assert _name("Victim\u00a0Proj").key == plain.key  # no-break space
    assert _name("  victim   PROJ ").shown == "victim PROJ"


def test_composed_and_decomposed_accents_are_one_name() -> None:
    assert _name("Caf\u00e9").key == _name("Cafe\u0301").key == "café"


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u200d",  # zero-width joiner
        "\u200e",  # left-to-right mark
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
        "\u3164",  # Hangul filler
        "\ufe00",  # variation selector 1
        "\U000e0041",  # tag letter A
        "\x00",  # NUL
        "\x07",  # bell
        "\x1b",  # escape
        "\x7f",  # delete
        "\x85",  # next line (C1)
        "\x9b",  # control sequence introducer (C1)
        "\ud800",  # lone surrogate
        "\ue000",  # private use
        "\U000f0000",  # supplementary private use
        "\u0378",  # unassigned
    ],
)
def test_invisible_and_control_characters_are_refused(invisible: str) -> None:
    assert _problem("victim-proj" + invisible) == "name_characters"
    assert _problem(invisible + "victim-proj") == "name_characters"


def test_typed_whitespace_folds() -> None:
    assert _name("a\tb\nc\r d").shown == "a b c d"


def test_an_emoji_keeps_its_presentation_selector_but_compares_without_it() -> None:
    assert _name("\u2708\ufe0f travel").key == _name("\u2708 travel").key
    assert _name("\u2708\ufe0f travel").shown == "\u2708\ufe0f travel"


def test_length_is_checked_after_normalising_and_folding() -> None:
    assert len(_name("a" * MAX_PROJECT_NAME).key) == MAX_PROJECT_NAME
    assert _problem("a" * (MAX_PROJECT_NAME + 1)) == "name_too_long"
    forty = _name("ß" * 40)
    assert forty.key == "ss" * 40
    assert _problem("ß" * 41) == "name_too_long"  # 41 characters, 82 once folded
    # One character that NFKC spells as 18 cannot sneak past the limit either.
    assert _problem("\ufdfa" * 5) == "name_too_long"


def test_a_long_raw_name_is_refused_before_normalising() -> None:
    assert _problem("x" * 100_000) == "name_too_long"


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\u3000"])
def test_blank_names_are_refused(blank: str) -> None:
    assert _problem(blank) == "name_empty"


def test_a_key_as_a_name_is_refused_as_leaked() -> None:
    for key in REAL_KEYS:
        assert parse_project_name(key) == KEY_IN_FIELD
        assert parse_project_name(f"prod {key}") == KEY_IN_FIELD
    full_width = "".join(chr(ord(character) + 0xFEE0) for character in LEGACY_KEY)
    assert parse_project_name(full_width) == KEY_IN_FIELD


def test_links_mentions_and_markup_are_ordinary_characters_in_a_name() -> None:
    """They are escaped and shown verbatim wherever names appear (item 5), not refused."""
    assert _name("x https://evil.example/login <!channel>").shown == (
        "x https://evil.example/login <!channel>"
    )


def test_visible_spells_out_refused_characters() -> None:
    assert visible("victim\u200bproj\x1b[31m") == "victim\\u200bproj\\x1b[31m"
    assert visible("plain café ✈️") == "plain café ✈️"


@given(st.text(max_size=120))
def test_every_accepted_name_is_clean_short_and_stable(raw: str) -> None:
    parsed = parse_project_name(raw)
    if isinstance(parsed, Problem):
        return
    assert 0 < len(parsed.shown) <= MAX_PROJECT_NAME
    assert 0 < len(parsed.key) <= MAX_PROJECT_NAME
    assert parsed.shown == " ".join(parsed.shown.split())
    assert parsed.shown == unicodedata.normalize("NFKC", parsed.shown)
    assert visible(parsed.shown) == parsed.shown
    assert not contains_key(parsed.shown)
    assert parsed.key == fold_name(parsed.shown)
    again = parse_project_name(parsed.shown)
    assert again == parsed, "parsing the shown form again must change nothing"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_case_variants_of_a_name_are_the_same_project(raw: str) -> None:
    parsed = parse_project_name(raw)
    upper = parse_project_name(raw.upper())
    if isinstance(parsed, ProjectName) and isinstance(upper, ProjectName):
        assert fold_name(parsed.shown) == parsed.key
        assert upper.key == fold_name(upper.shown)


# --- the key field ----------------------------------------------------------------------------
@pytest.mark.parametrize("key", GOOD_KEYS)
def test_good_shapes_pass(key: str) -> None:
    assert check_key(key) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "key_empty"),
        ("xoxb-1234-5678-abcdefghijklmnop", "key_slack_token"),
        ("xoxp-1234-5678-abcdefghijklmnop", "key_slack_token"),
        ("xapp-1-A0123-456-abcdef", "key_slack_token"),
        ("xoxe.xoxp-1-abc", "key_slack_token"),
        ("xoxe-1-abcdef", "key_slack_token"),
        ("SLACK_BOT_TOKEN=xoxb-123-456-abc", "key_slack_token"),
        ("sk-proj-abc def0123456789012345", "key_whitespace"),
        ("sk-proj-abc\ndef0123456789012345", "key_whitespace"),
        ("OPENAI_API_KEY=sk-proj-abcdef0123456789abcdef", "key_wrapped"),
        ('"sk-proj-abcdef0123456789abcdef"', "key_wrapped"),
        ("sk\u2011proj-abcdef0123456789abcdef", "key_typographic_dash"),
        ("sk-proj\u2013abcdef0123456789abcdef", "key_typographic_dash"),
        ("pk-live-abcdef0123456789abcdef", "key_no_prefix"),
        ("hello", "key_no_prefix"),
        ("sk-admin-abcdef0123456789abcdef0123", "key_admin"),
        ("sk-proj-abc$def0123456789012345", "key_characters"),
        ("sk-proj-abcé0123456789012345", "key_characters"),
        ("sk-proj-abc", "key_too_short"),
        ("sk-" + "a" * 16, "key_too_short"),
        ("sk-" + "a" * 400, "key_too_long"),
    ],
)
def test_key_shape_problems(text: str, code: str) -> None:
    problem = check_key(text)
    assert problem is not None and problem.code == code
    assert problem.message_key in all_templates()


def test_other_vendors_are_named() -> None:
    problem = check_key("sk-ant-api03-" + "a" * 40)
    assert problem is not None and problem.values == {"vendor": "Anthropic"}


# --- a whole submission -----------------------------------------------------------------------
def test_a_key_in_any_other_field_is_refused_as_leaked_and_named() -> None:
    submission = check_submission(
        project=LEGACY_KEY,
        api_key=REAL_KEYS[1],
        organization=f"org-{LEGACY_KEY}",
        openai_project=REAL_KEYS[2],
    )
    assert submission.project is None and submission.leaked
    assert submission.problems == {
        Field.PROJECT: KEY_IN_FIELD,
        Field.ORGANIZATION: KEY_IN_FIELD,
        Field.OPENAI_PROJECT: KEY_IN_FIELD,
    }
    errors = render_input_errors(submission.problems)
    assert "“Project”" in errors["project"] and "revoke" in errors["project"]
    assert "“Organization ID”" in errors["organization"]
    assert "“OpenAI project ID”" in errors["openai_project"]
    for message in errors.values():
        assert "sk-" + "Xq7" not in message


def test_a_clean_submission_has_a_name_and_no_problems() -> None:
    submission = check_submission(
        project=" Prod ",
        api_key=GOOD_KEYS[0],
        organization="org-ABC123def",
        openai_project="proj_ABC123def",
    )
    assert submission.problems == {}
    assert submission.project == ProjectName("Prod", "prod")


def test_bad_ids_are_problems_of_their_fields() -> None:
    submission = check_submission(
        project="p", api_key=GOOD_KEYS[0], organization="acme", openai_project="proj-1"
    )
    assert {field: problem.code for field, problem in submission.problems.items()} == {
        Field.ORGANIZATION: "organization",
        Field.OPENAI_PROJECT: "openai_project",
    }


@given(st.text(min_size=1, max_size=80), st.text(max_size=80), st.text(max_size=80))
def test_error_messages_never_echo_the_input(project: str, api_key: str, other: str) -> None:
    submission = check_submission(
        project=project, api_key=api_key, organization=other, openai_project=other
    )
    ours = " ".join(all_templates().values())
    for message in render_input_errors(submission.problems).values():
        for typed in (project, api_key, other):
            if len(typed) >= 4 and typed not in ours:
                assert typed not in message
