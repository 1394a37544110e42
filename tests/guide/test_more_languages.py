"""Questions in Russian, Japanese kana, Korean with particles, Indonesian and Turkish reach the
same index terms as English ones: the script handling in bot/guide/text_normalise.py and the
vocabulary in synonyms.toml."""

from __future__ import annotations

import pytest

from bot.guide.knowledge import load_synonyms
from bot.guide.language import detect_language
from bot.guide.search import default_index
from bot.guide.text_normalise import Normaliser, surface_words


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(load_synonyms())


def test_cyrillic_words_are_words() -> None:
    assert surface_words("Ошибка: ключ API недействителен") == [
        "ошибка",
        "ключ",
        "api",
        "недеиствителен",  # "й" folds to "и", the same on both sides
    ]


def test_russian_inflections_meet_on_one_term(normaliser: Normaliser) -> None:
    forms = ("ключ", "ключа", "ключом", "ключи")

    assert {normaliser.terms(form)[0] for form in forms} == {"key"}
    assert normaliser.terms("превышена квота") == ["exceed", "quota"]


def test_katakana_words_stay_whole_and_particles_are_no_terms(normaliser: Normaliser) -> None:
    words = surface_words("APIキーが無効です")

    assert "キー" in words
    assert "が" in words  # a function word: the ranker may read it, the search does not
    assert normaliser.terms("APIキーが無効です") == ["api", "key", "invalid"]


def test_a_synonym_mixing_kanji_and_kana_matches_as_a_phrase(normaliser: Normaliser) -> None:
    assert "work" in normaliser.terms("APIが使えない")
    assert "expir" in normaliser.terms("クレジットが期限切れ")


def test_korean_particles_come_off_known_words_only(normaliser: Normaliser) -> None:
    assert normaliser.terms("키가") == ["key"]
    assert normaliser.terms("계정이") == normaliser.terms("계정")
    # "초과" (exceeded) ends in the particle "과" but is a word of its own.
    assert normaliser.terms("초과") == ["exceed"]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("ключ API недействителен", "invalid-api-key"),
        ("Ошибка: превышена квота", "insufficient-quota"),
        ("APIキーが無効です", "invalid-api-key"),
        ("APIのクォータを超えました", "insufficient-quota"),
        ("API 키가 유효하지 않습니다", "invalid-api-key"),
        ("할당량 초과 오류", "insufficient-quota"),
        ("kunci API tidak valid", "invalid-api-key"),
        ("API anahtarı geçersiz", "invalid-api-key"),
    ],
)
def test_questions_in_more_languages_find_their_entry(question: str, entry_id: str) -> None:
    assert default_index().search(question).matches[0].entry.id == entry_id


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("ключ API недействителен", "ru"),
        ("مفتاح API غير صالح", "ar"),
        ("kunci API saya tidak bisa dipakai, sudah ada saldo", "id"),
        ("API anahtarı neden çalışmıyor, bir hata var", "tr"),
        ("my API key does not work", "en"),
        ("mi clave de API no funciona para la cuenta", "es"),
    ],
)
def test_the_language_is_told_by_script_then_by_words(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_russian_stems_are_right_from_many_threads_at_once() -> None:
    # The server answers on many threads; a Snowball stemmer object keeps per-call state.
    from concurrent.futures import ThreadPoolExecutor

    from bot.guide.text_normalise import stem

    words = ["ключа", "квоту", "превышена", "подключение", "недействителен"] * 400
    expected = [stem(word) for word in words]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(stem, words)) == expected
