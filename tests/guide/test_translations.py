"""The shipped translations: complete, checked at load time, and safe to render."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.guide.knowledge import load_entries
from bot.guide.model import Answer, Match
from bot.guide.steps import default_steps
from bot.guide.translations import (
    ENTRY_TEXT_FIELDS,
    LOCALES_DIR,
    SHIPPED,
    STEP_TEXT_FIELDS,
    answer_locale,
    default_translations,
    load_translations,
    slack_locale_to_shipped,
)
from bot.ui.answers import render_answer, render_help
from bot.ui.guide import render_home, render_overview, render_step
from bot.ui.messages import all_templates, locale_templates, text_in
from bot.ui.mrkdwn import (
    MAX_BUTTON_TEXT,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    sanitize,
)
from tests.support.block_kit import all_strings, block_kit_problems
from tests.support.blocks import all_text

STEPS = default_steps()
ENTRIES = load_entries()
CODE_SPAN = re.compile(r"`[^`\n]+`")
FENCED = re.compile(r"```.*?```", re.DOTALL)
URL = re.compile(r"https://[A-Za-z0-9/_?=&%#:~+.-]*[A-Za-z0-9/_=&%#~+-]")
# The labels a person sees around a step or an answer; each shipped locale translates them.
AROUND_STEPS_AND_ANSWERS = (
    "step.header",
    "step.back_button",
    "step.next_button",
    "step.mark_done_button",
    "step.mark_undone_button",
    "answer.cause_label",
    "answer.fix_label",
    "overview.title",
    "home.title",
)


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_step_has_every_field_in_each_shipped_locale(locale: str) -> None:
    catalog = default_translations().catalog(locale)
    assert catalog is not None
    assert sorted(catalog.steps) == [step.number for step in STEPS]
    for step in STEPS:
        texts = catalog.steps[step.number]
        for field in STEP_TEXT_FIELDS:
            assert getattr(texts, field), f"{locale} step {step.number}: no {field}"
        assert texts.warnings is not None and len(texts.warnings) == len(step.warnings)
        assert texts.link_labels is not None and len(texts.link_labels) == len(step.links)


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_entry_has_every_field_in_each_shipped_locale(locale: str) -> None:
    catalog = default_translations().catalog(locale)
    assert catalog is not None
    assert set(catalog.entries) == {entry.id for entry in ENTRIES}
    for entry in ENTRIES:
        for field in ENTRY_TEXT_FIELDS:
            assert getattr(catalog.entries[entry.id], field), f"{locale} {entry.id}: no {field}"


@pytest.mark.parametrize("locale", SHIPPED)
def test_labels_around_steps_and_answers_are_translated(locale: str) -> None:
    translated = locale_templates(locale)
    for key in AROUND_STEPS_AND_ANSWERS:
        assert key in translated
        assert translated[key] != all_templates()[key]


@pytest.mark.parametrize("locale", SHIPPED)
def test_translations_keep_links_code_and_error_codes(locale: str) -> None:
    translations = default_translations()
    for step in STEPS:
        shown = translations.step(step, locale)
        assert shown.title != step.title
        assert [link.url for link in shown.links] == [link.url for link in step.links]
        english = [step.body, *step.warnings]
        translated = [shown.body, *shown.warnings]
        assert FENCED.findall(step.body) == FENCED.findall(shown.body), step.key
        assert _code(english) <= _code(translated), step.key
        assert set(URL.findall(" ".join(english))) == set(URL.findall(" ".join(translated)))
    for entry in ENTRIES:
        shown = translations.entries([entry], locale)[0]
        assert shown.title != entry.title
        english = [entry.title, entry.cause, entry.fix]
        translated = [shown.title, shown.cause, shown.fix]
        assert _code(english) <= _code(translated), entry.id
        assert set(URL.findall(" ".join(english))) == set(URL.findall(" ".join(translated)))
        for code in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[45]\d\d\b", entry.title):
            assert code in shown.title, (entry.id, code)


@pytest.mark.parametrize("locale", SHIPPED)
def test_translated_steps_fit_block_kit_without_being_cut(locale: str) -> None:
    steps = default_translations().steps(STEPS, locale)
    completed = frozenset({1, 2})
    for step in steps:
        assert len(sanitize(step.body)) <= MAX_SECTION_TEXT  # characters, also for Chinese
        header = text_in(locale, "step.header", number=7, total=7, title=step.title)
        assert len(header) <= MAX_HEADER_TEXT
        for done in (False, True):
            blocks = render_step(step, steps, done=done, locale=locale)
            assert block_kit_problems(blocks) == []
            assert sanitize(step.body) in all_text(blocks)  # shown whole, not truncated
            for button in _buttons(blocks):
                assert len(button["text"]["text"]) <= MAX_BUTTON_TEXT
    assert block_kit_problems(render_overview(steps, completed, locale=locale)) == []
    home = render_home(steps, completed, locale=locale)
    assert block_kit_problems(home["blocks"], max_blocks=100) == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_translated_answers_fit_block_kit_without_being_cut(locale: str) -> None:
    translations = default_translations()
    steps = translations.steps(STEPS, locale)
    entries = translations.entries(ENTRIES, locale)
    for entry in entries:
        answer = Answer(query="", matches=(Match(entry, 1.0),), confident=True)
        blocks = render_answer(answer, steps, locale=locale)
        assert block_kit_problems(blocks) == []
        assert sanitize(entry.fix) in all_text(blocks)
    assert block_kit_problems(render_help(entries, steps=steps, locale=locale)) == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_translated_mrkdwn_cannot_ping_or_fake_a_link(locale: str) -> None:
    translations = default_translations()
    steps = translations.steps(STEPS, locale)
    rendered = [render_step(step, steps, done=False, locale=locale) for step in steps]
    rendered += [
        render_answer(Answer(query="", matches=(Match(e, 1.0),), confident=True), steps)
        for e in translations.entries(ENTRIES, locale)
    ]
    for blocks in rendered:
        for string in all_strings(blocks):
            assert "<!" not in string and "<@" not in string and "<#" not in string
            for found in re.finditer(r"<([^>]*)>", string):
                assert found.group(1).startswith("https://"), found.group(0)


def test_fallback_is_per_field(tmp_path: Path) -> None:
    root = _copy_of_shipped(tmp_path)
    (root / "es" / "troubleshooting" / "billing.toml").write_text(
        '[[entry]]\nid = "insufficient-quota"\ntitle = "Sin cuota"\n', encoding="utf-8"
    )
    translations = load_translations(root, STEPS, ENTRIES)
    entry = next(e for e in ENTRIES if e.id == "insufficient-quota")
    shown = translations.entries([entry], "es")[0]
    assert shown.title == "Sin cuota"
    assert (shown.cause, shown.fix) == (entry.cause, entry.fix)
    other = next(e for e in ENTRIES if e.id == "must-add-funds-first")
    assert translations.entries([other], "es")[0] == other


@pytest.mark.parametrize(
    ("file", "content", "error"),
    [
        ("es/troubleshooting/keys.toml", '[[entry]]\nid = "no-such-entry"\ntitle = "x"\n', "not"),
        ("es/troubleshooting/keys.toml", '[[entry]]\nid = "insufficient-quota"\n', "belongs"),
        ("es/troubleshooting/nope.toml", '[[entry]]\nid = "key-leaked"\n', "no English"),
        ("es/troubleshooting/keys.toml", '[[entry]]\nid = "key-leaked"\nsteps = 4\n', "unknown"),
        ("es/steps.toml", '[[steps]]\nnumber = 9\ntitle = "x"\n', "number"),
        ("es/steps.toml", '[[steps]]\nnumber = 1\nkey = "x"\n', "unknown field"),
        ("es/steps.toml", '[[steps]]\nnumber = 1\nwarnings = ["solo una"]\n', "English has 2"),
        ("es/steps.toml", '[[steps]]\nnumber = 4\nlink_labels = ["a", "b"]\n', "English has 1"),
        ("es/steps.toml", '[[steps]]\nnumber = 2\ntitle = ""\n', "non-empty"),
        ("es/steps.toml", "[[steps]]\nnumber = 2\n[[steps]]\nnumber = 2\n", "twice"),
    ],
)
def test_load_refuses_what_does_not_fit_the_english(
    tmp_path: Path, file: str, content: str, error: str
) -> None:
    root = _copy_of_shipped(tmp_path)
    (root / file).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        load_translations(root, STEPS, ENTRIES)


def test_locale_labels_must_use_the_english_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.ui.messages as messages

    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "messages.toml").write_text('[step]\nheader = "Paso {n}"\n', "utf-8")
    (tmp_path / "yy").mkdir()
    (tmp_path / "yy" / "messages.toml").write_text('[step]\nnope = "x"\n', "utf-8")
    monkeypatch.setattr(messages, "LOCALES_DIR", tmp_path)
    messages.locale_templates.cache_clear()
    try:
        with pytest.raises(ValueError, match="placeholders"):
            messages.locale_templates("xx")
        with pytest.raises(ValueError, match="not a message"):
            messages.locale_templates("yy")
    finally:
        messages.locale_templates.cache_clear()


def test_shipped_label_tables_load() -> None:
    for locale in SHIPPED:
        assert locale_templates(locale)  # validated against messages.toml on load
    assert text_in("zh-Hans", "step.next_button") == "下一步 →"
    assert text_in("es", "step.next_button") == "Siguiente →"
    assert text_in("fr", "step.next_button") == "Next →"  # no translation: English
    assert text_in("es", "errors.generic") == all_templates()["errors.generic"]  # fallback


@pytest.mark.parametrize(
    ("slack", "shipped"),
    [
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh_CN", "zh-Hans"),
        ("zh-TW", "en"),  # no Traditional Chinese yet
        ("zh-HK", "en"),
        ("es-ES", "es"),
        ("es-LA", "es"),
        ("es-419", "es"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
        (42, "en"),
    ],
)
def test_slack_locales_map_to_shipped_ones(slack: object, shipped: str) -> None:
    assert slack_locale_to_shipped(slack) == shipped


@pytest.mark.parametrize(
    ("question", "person", "shown"),
    [
        ("zh", "en", "zh-Hans"),  # the question's language wins for answers
        ("es", "zh-Hans", "es"),
        ("en", "zh-Hans", "zh-Hans"),  # English (or undetected) question: the person's
        ("en", "en", "en"),
        ("ja", "es", "es"),  # no Japanese translation: the person's
        ("pt", "en", "en"),
    ],
)
def test_answer_locale(question: str, person: str, shown: str) -> None:
    assert answer_locale(question, person) == shown


def test_shipped_directories_are_exactly_the_shipped_locales() -> None:
    assert sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir()) == sorted(SHIPPED)


def _code(texts: list[str]) -> set[str]:
    """Inline code spans (`like_this`) outside fenced blocks."""
    return {span for text in texts for span in CODE_SPAN.findall(FENCED.sub("", text))}


def _copy_of_shipped(tmp_path: Path) -> Path:
    root = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, root)
    return root


def _buttons(blocks: list[dict[str, object]]) -> list[dict[str, dict[str, str]]]:
    found = []
    for block in blocks:
        elements = block.get("elements") if block.get("type") == "actions" else None
        for element in elements if isinstance(elements, list) else []:
            if element.get("type") == "button":
                found.append(element)
    return found
