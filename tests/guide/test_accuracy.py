"""Search quality on the labelled questions: the same measure as the benchmark script."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.guide.evaluation import OUT_OF_SCOPE, AccuracyReport, evaluate, load_questions
from bot.guide.knowledge import load_entries
from bot.guide.search import default_index

QUESTIONS = Path(__file__).resolve().parent / "troubleshooting_questions.toml"

TOP1_TARGET = 0.90
OUT_OF_SCOPE_REJECTION_TARGET = 0.80


@pytest.fixture(scope="module")
def report() -> AccuracyReport:
    return evaluate(default_index(), load_questions(QUESTIONS))


def test_question_set_is_large_varied_and_labelled_with_real_entries() -> None:
    questions = load_questions(QUESTIONS)
    labels = Counter(question.expected for question in questions)
    ids = {entry.id for entry in load_entries()}

    assert len(questions) >= 100
    assert 0.08 <= labels[OUT_OF_SCOPE] / len(questions) <= 0.15
    assert set(labels) - {OUT_OF_SCOPE} <= ids
    assert len({question.text for question in questions}) == len(questions)


def test_top1_accuracy_meets_the_target(report: AccuracyReport) -> None:
    assert report.top1_accuracy >= TOP1_TARGET, [m.question.text for m in report.misses]


def test_out_of_scope_questions_are_rejected(report: AccuracyReport) -> None:
    assert report.out_of_scope_rejection >= OUT_OF_SCOPE_REJECTION_TARGET


def test_report_counts_add_up(report: AccuracyReport) -> None:
    assert report.in_scope + report.out_of_scope == report.questions
    assert report.top1_hits <= report.top3_hits <= report.in_scope
    assert report.confident_top1_hits <= report.top1_hits
