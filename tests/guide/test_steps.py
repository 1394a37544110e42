"""The seven steps: the packaged file is complete and valid, and find_step understands people."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guide.model import Step
from bot.guide.steps import STEPS_FILE, default_steps, find_step, load_steps, normalize

KEYS = ("prereqs", "signup", "phone", "key", "credit", "test", "next")

# Names people may type, per step (from the brief; matching ignores case, spaces, hyphens).
ALIASES = {
    1: ["prerequisites", "requirements", "before", "start"],
    2: ["sign-up", "sign up", "signin", "login", "log-in", "account", "register", "email"],
    3: ["verify", "verification", "sms", "mobile"],
    4: ["api-key", "apikey", "create-key", "generate", "secret", "api key"],
    5: ["billing", "funds", "payment", "pay", "$5", "money", "add-credit"],
    6: ["playground", "try", "hello", "check"],
    7: ["next-steps", "integrate", "rotate", "revoke", "monitor", "usage"],
}

VALID_STEP = """
[[steps]]
number = {number}
key = "{key}"
title = "Title {number}"
summary = "Summary {number}"
body = "Body {number}"
aliases = {aliases}
"""


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "steps.toml"
    path.write_text(content, encoding="utf-8")
    return path


def _steps_file(tmp_path: Path, *specs: tuple[int, str, list[str]]) -> Path:
    content = "".join(
        VALID_STEP.format(number=number, key=key, aliases=str(aliases).replace("'", '"'))
        for number, key, aliases in specs
    )
    return _write(tmp_path, content)


def test_packaged_steps_are_the_seven_of_the_guide() -> None:
    steps = default_steps()
    assert [step.number for step in steps] == list(range(1, 8))
    assert tuple(step.key for step in steps) == KEYS
    assert default_steps() is steps  # read once


@pytest.mark.parametrize("step", default_steps(), ids=KEYS)
def test_every_step_is_complete(step: Step) -> None:
    assert step.title and step.body
    assert "\n" not in step.summary and len(step.summary) <= 100
    assert step.links, "every step points to at least one OpenAI page"
    assert all(link.url.startswith("https://") for link in step.links)


def test_the_key_steps_show_how_to_keep_the_key_out_of_code() -> None:
    steps = default_steps()
    assert "OPENAI_API_KEY=sk-..." in steps[3].body
    assert "process.env.OPENAI_API_KEY" in steps[6].body
    assert 'os.environ["OPENAI_API_KEY"]' in steps[6].body


@pytest.mark.parametrize("number", range(1, 8))
def test_find_step_by_number(number: int) -> None:
    for text in (
        str(number),
        f"step {number}",
        f"Step{number}",
        f"step-{number}",
        f" #{number} ",
        f"{number}.",
    ):
        found = find_step(text)
        assert found is not None and found.number == number, text


@pytest.mark.parametrize("number", range(1, 8))
def test_find_step_by_key_title_and_alias(number: int) -> None:
    step = default_steps()[number - 1]
    names = [step.key, step.key.upper(), f"  {step.title.lower()} ", *ALIASES[number]]
    for name in names:
        found = find_step(name)
        assert found is not None and found.number == number, name


@pytest.mark.parametrize("text", ["Sign Up", "SIGN-IN", "log_in", "api   key", "Next Steps"])
def test_find_step_ignores_case_spaces_and_hyphens(text: str) -> None:
    assert find_step(text) is not None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "0", "8", "step 0", "step 99", "1.5", "3 4", "step", "help", "keys",
     "why do I get 429", "billing hard limit reached", "<!channel>", "٣", "-1", "step -1", "3-4"],
)  # fmt: skip
def test_find_step_returns_none_for_anything_else(text: str) -> None:
    assert find_step(text) is None


def test_find_step_uses_the_steps_given(tmp_path: Path) -> None:
    steps = load_steps(_steps_file(tmp_path, (1, "first", ["alpha"]), (2, "second", [])))
    found = find_step("ALPHA", steps)
    assert found is not None and found.key == "first"
    assert find_step("phone", steps) is None
    assert find_step("3", steps) is None


def test_normalize() -> None:
    assert normalize(" Sign-Up_now ") == "signupnow"


def test_load_steps_reads_links_and_warnings(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        VALID_STEP.format(number=1, key="only", aliases="[]")
        + 'warnings = ["careful"]\n[[steps.links]]\nlabel = "Home"\nurl = "https://x.test"\n',
    )
    [step] = load_steps(path)
    assert step.warnings == ("careful",)
    assert step.links[0].url == "https://x.test"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "non-empty \\[\\[steps\\]\\]"),
        ("steps = 3", "non-empty \\[\\[steps\\]\\]"),
        ("[[steps]\n", "not valid TOML"),
        ('[[steps]]\nnumber = "1"', "'number' must be an integer"),
        ("[[steps]]\nnumber = 1", "'key' must be a non-empty string"),
        (
            VALID_STEP.format(number=1, key="a", aliases="[]").replace('body = "Body 1"', ""),
            "'body'",
        ),
        (VALID_STEP.format(number=1, key="a", aliases='["ok", 3]'), "'aliases' must hold"),
        (VALID_STEP.format(number=1, key="a", aliases='"nope"'), "'aliases' must be a list"),
        (
            VALID_STEP.format(number=1, key="a", aliases="[]")
            + '[[steps.links]]\nlabel = "x"\nurl = "http://insecure.test"\n',
            "https://",
        ),
    ],
)
def test_load_steps_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_steps(_write(tmp_path, content))


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([(1, "a", []), (3, "b", [])], "must run 1..2 in order"),
        ([(2, "a", []), (1, "b", [])], "must run 1..2 in order"),
        ([(0, "a", [])], "must run 1..1"),
        ([(1, "a", []), (2, "a", [])], "'a' is used by steps 1 and 2"),
        ([(1, "a", ["sign-up"]), (2, "b", ["Sign Up"])], "'signup' is used by steps 1 and 2"),
        ([(1, "a", []), (2, "b", ["A"])], "'a' is used by steps 1 and 2"),
        ([(1, "a", ["step 2"])], "looks like a number"),
    ],
)
def test_load_steps_rejects_ambiguous_steps(
    tmp_path: Path, specs: list[tuple[int, str, list[str]]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_steps(_steps_file(tmp_path, *specs))


def test_error_names_the_file(tmp_path: Path) -> None:
    path = _steps_file(tmp_path, (2, "a", []))
    with pytest.raises(ValueError, match=str(path)):
        load_steps(path)


def test_default_path_is_the_packaged_file() -> None:
    assert load_steps() == load_steps(STEPS_FILE) == default_steps()
