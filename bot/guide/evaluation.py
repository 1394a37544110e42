"""Measure the troubleshooting search against a labelled set of questions.

Shared by ``benchmarks/troubleshooting_accuracy.py`` (prints the report) and the accuracy test
(asserts the targets), so both always measure the same thing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.guide.model import Answer

OUT_OF_SCOPE = "none"


class Searcher(Protocol):
    def search(self, query: str, limit: int = 3) -> Answer: ...


@dataclass(frozen=True)
class LabelledQuestion:
    """A question as people ask it, and the entry id that answers it (or ``"none"``)."""

    text: str
    expected: str


@dataclass(frozen=True)
class Miss:
    """A question the search got wrong: what it expected and what came back."""

    question: LabelledQuestion
    returned: tuple[str, ...]
    confident: bool


@dataclass(frozen=True)
class AccuracyReport:
    """Counts over one run; rates are fractions in [0, 1]."""

    questions: int
    in_scope: int
    out_of_scope: int
    top1_hits: int
    top3_hits: int
    confident_top1_hits: int
    rejected_out_of_scope: int
    falsely_rejected: int
    misses: tuple[Miss, ...]

    @property
    def top1_accuracy(self) -> float:
        return _rate(self.top1_hits, self.in_scope)

    @property
    def top3_accuracy(self) -> float:
        return _rate(self.top3_hits, self.in_scope)

    @property
    def answered_correctly(self) -> float:
        """In-scope questions answered confidently with the right entry first."""
        return _rate(self.confident_top1_hits, self.in_scope)

    @property
    def out_of_scope_rejection(self) -> float:
        return _rate(self.rejected_out_of_scope, self.out_of_scope)

    @property
    def false_rejection(self) -> float:
        return _rate(self.falsely_rejected, self.in_scope)


def load_questions(path: Path) -> tuple[LabelledQuestion, ...]:
    """The ``[[question]]`` tables (``text``, ``expected``) of a TOML file."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle).get("question", [])
    questions = []
    for position, item in enumerate(raw, 1):
        text, expected = item.get("text"), item.get("expected")
        if not isinstance(text, str) or not isinstance(expected, str):
            raise ValueError(f"{path.name}: question #{position} needs text and expected")
        questions.append(LabelledQuestion(text=text, expected=expected))
    return tuple(questions)


def evaluate(searcher: Searcher, questions: Iterable[LabelledQuestion]) -> AccuracyReport:
    """Run every question through ``searcher`` and count hits, rejections and misses.

    Top-1/top-3 count the ranking of in-scope questions whatever the confidence; rejection
    rates count ``confident`` alone. A miss is any question whose first result is wrong or
    whose confidence is wrong.
    """
    counts = dict.fromkeys(("in", "out", "top1", "top3", "confident1", "rejected", "false"), 0)
    misses: list[Miss] = []
    total = 0
    for question in questions:
        total += 1
        answer = searcher.search(question.text, limit=3)
        returned = tuple(match.entry.id for match in answer.matches)
        if question.expected == OUT_OF_SCOPE:
            counts["out"] += 1
            counts["rejected"] += not answer.confident
            correct = not answer.confident
        else:
            counts["in"] += 1
            first = returned[:1] == (question.expected,)
            counts["top1"] += first
            counts["top3"] += question.expected in returned
            counts["confident1"] += first and answer.confident
            counts["false"] += not answer.confident
            correct = first and answer.confident
        if not correct:
            misses.append(Miss(question, returned, answer.confident))
    return AccuracyReport(
        questions=total,
        in_scope=counts["in"],
        out_of_scope=counts["out"],
        top1_hits=counts["top1"],
        top3_hits=counts["top3"],
        confident_top1_hits=counts["confident1"],
        rejected_out_of_scope=counts["rejected"],
        falsely_rejected=counts["false"],
        misses=tuple(misses),
    )


def format_report(report: AccuracyReport) -> str:
    """The report as plain text lines, misses last."""
    rows = [
        (
            "questions",
            f"{report.questions} ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        ),
        ("top-1 accuracy", f"{report.top1_accuracy:.1%} ({report.top1_hits})"),
        ("top-3 accuracy", f"{report.top3_accuracy:.1%} ({report.top3_hits})"),
        (
            "answered right, confident",
            f"{report.answered_correctly:.1%} ({report.confident_top1_hits})",
        ),
        (
            "out-of-scope rejection rate",
            f"{report.out_of_scope_rejection:.1%} ({report.rejected_out_of_scope})",
        ),
        ("in-scope false rejection", f"{report.false_rejection:.1%} ({report.falsely_rejected})"),
        ("misses", str(len(report.misses))),
    ]
    lines = [f"{label + ':':<29}{value}" for label, value in rows]
    for miss in report.misses:
        flag = "confident" if miss.confident else "not confident"
        got = ", ".join(miss.returned) or "(nothing)"
        lines.append(f"  - {miss.question.text.strip()[:90]!r}")
        lines.append(f"      expected {miss.question.expected}; got {got} [{flag}]")
    return "\n".join(lines)


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 1.0
