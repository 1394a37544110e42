"""A regression floor on real questions the engine was never tuned on (the held-out part).

The floor is the held-out top-1 reported in benchmarks/README.md minus 3 points: a guard
against a change that quietly makes real answers worse, not a target to tune to. Only the
aggregate is asserted; the held-out questions are never printed, so they stay held out.
"""

from __future__ import annotations

import re

import pytest

from benchmarks.real_questions_accuracy import Score, load_corpus, score
from bot.guide.search import default_index

REPORTED_HELDOUT_TOP1 = 0.746  # benchmarks/README.md, "Rounds 9 and 10: the nearest questions vote"
FLOOR = REPORTED_HELDOUT_TOP1 - 0.03


@pytest.fixture(scope="module")
def heldout() -> Score:
    questions = [question for question in load_corpus() if question.split == "heldout"]
    return score(default_index(), questions, keep_misses=False)


def test_heldout_top1_stays_above_the_reported_figure_minus_3_points(heldout: Score) -> None:
    assert heldout.misses == []  # never collected for the held-out part
    assert heldout.top1_rate >= FLOOR, f"held-out top-1 {heldout.top1_rate:.1%} < {FLOOR:.1%}"


def test_corpus_split_is_the_committed_one() -> None:
    corpus = load_corpus()
    heldout = [question for question in corpus if question.split == "heldout"]

    assert len(corpus) >= 2570
    assert len(heldout) == 1173  # never moved once drawn: a change here redraws the split
    assert len(heldout) / len(corpus) >= 0.4
    # Round 1's held-out part was retired into tuning after three scorings; round 2, collected
    # afterwards, is held out as a whole, and rounds 3 to 10 were drawn by split.py.
    assert {question.split for question in corpus if question.round == 1} == {"tune"}
    assert {question.split for question in corpus if question.round == 2} == {"heldout"}
    assert sum(question.round == 3 for question in heldout) == 112
    assert sum(question.round == 4 for question in heldout) == 130
    assert sum(question.round == 5 for question in heldout) == 90
    assert sum(question.round == 6 for question in heldout) == 92
    assert sum(question.round == 7 for question in heldout) == 70
    assert sum(question.round == 8 for question in heldout) == 63
    assert sum(question.round == 9 for question in heldout) == 169
    assert sum(question.round == 10 for question in heldout) == 158


def test_no_key_or_slack_token_sits_in_the_corpus_or_the_shipped_weights() -> None:
    # Questions are pasted from public threads with their keys masked; the ranker's terms come
    # from those texts. The project's own detector reads both as it reads a channel message.
    from benchmarks.real_questions_accuracy import CORPUS
    from bot.guide.learned import LEARNED_RANKER_FILE
    from bot.rules.secrets import contains_key

    for path in (CORPUS, LEARNED_RANKER_FILE):
        text = path.read_text(encoding="utf-8")
        assert not contains_key(text), path.name
        assert not re.search(r"xox[abposr]-[0-9A-Za-z-]{10,}", text), path.name
