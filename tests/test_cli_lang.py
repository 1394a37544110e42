"""``python -m bot ask`` answers in the question's language, or the one ``--lang`` names."""

from __future__ import annotations

import json

from tests.test_cli import run_bot


def test_ask_answers_a_spanish_question_in_spanish() -> None:
    result = run_bot("ask", "no me llega el código SMS de verificación")
    assert result.returncode == 0
    assert "No llega el código de verificación por SMS" in result.stdout
    assert "Solución:" in result.stdout


def test_ask_lang_names_the_language_of_the_answer() -> None:
    chinese = run_bot("ask", "--lang", "zh-Hans", "429 insufficient_quota")
    assert "解决办法：" in chinese.stdout and "insufficient_quota" in chinese.stdout
    english = run_bot("ask", "--lang", "en", "no me llega el código SMS de verificación")
    assert "The SMS verification code does not arrive" in english.stdout
    refused = run_bot("ask", "--lang", "fr", "429")
    assert refused.returncode != 0


def test_ask_json_keeps_english_titles_unless_a_language_is_asked() -> None:
    question = "no me llega el código SMS de verificación"
    default = json.loads(run_bot("ask", "--json", question).stdout)
    assert default["matches"][0]["title"] == "The SMS verification code does not arrive"
    spanish = json.loads(run_bot("ask", "--json", "--lang", "es", question).stdout)
    assert spanish["matches"][0]["title"] == "No llega el código de verificación por SMS"
    assert set(spanish) == set(default)
