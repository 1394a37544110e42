"""A question as the app keeps or repeats it: no secret-shaped text, one line, bounded."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.question_text import MAX_QUESTION, redact_question
from bot.rules.secrets import REDACTION_PATTERN, contains_key

KEY = "sk-proj-" + "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r" * 2 + "T3BlbkFJ" + "Xq7Lm2Pz9Rt4"


def test_keys_cut_keys_and_slack_tokens_are_replaced() -> None:
    kept = redact_question(f"my key {KEY} or {KEY[:20]} and xoxb-1234-abcdefgh fail")
    assert KEY[8:20] not in kept and "xoxb-1234" not in kept
    assert kept.startswith("my key [REDACTED]") and kept.endswith("fail")


def test_a_full_width_key_is_caught_too() -> None:
    wide = unicodedata.normalize("NFC", "".join(chr(ord(c) + 0xFEE0) for c in KEY[8:]))
    kept = redact_question(f"why does ｓｋ－ｐｒｏｊ－{wide} fail")
    assert "[REDACTED]" in kept and not contains_key(kept)
    assert KEY[8:30] not in kept


def test_one_line_and_cut() -> None:
    kept = redact_question("a\nb\t c" + " word" * 500)
    assert kept.startswith("a b c word")
    assert len(kept) == MAX_QUESTION and kept.endswith("…")
    assert len(redact_question("x" * 100_000, 200)) == 200


@given(st.text(alphabet=st.sampled_from("sk-proj_AZaz09 xob\n"), max_size=400))
def test_nothing_secret_shaped_survives(question: str) -> None:
    kept = redact_question(question, 10_000)
    assert REDACTION_PATTERN.search(kept) is None
    assert not contains_key(kept)
