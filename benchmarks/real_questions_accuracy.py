"""Measure the troubleshooting search on real questions, beside the written regression set.

Usage: python benchmarks/real_questions_accuracy.py [--tune-only] [--tune-misses]

Prints top-1, top-3 and declined for the tuning part, the held-out part, each language and each
collection round of the held-out part, and the regression set
(tests/guide/troubleshooting_questions.toml). The held-out part is only ever printed as
aggregate figures: ``--tune-misses`` lists the misses of the tuning part alone, so the held-out
questions stay unseen while the engine is tuned.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.guide.evaluation import Searcher, evaluate, load_questions
from bot.guide.knowledge import load_entries
from bot.guide.search import LEARNED_SHARE, default_index
from bot.ui.answers import entries_on_screen

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "questions" / "real_questions.jsonl"
REGRESSION_SET = ROOT / "tests" / "guide" / "troubleshooting_questions.toml"
OUT_OF_SCOPE = "none"
GAP_PREFIX = "gap:"


@dataclass(frozen=True)
class RealQuestion:
    id: str
    text: str
    language: str
    label: str
    also: tuple[str, ...]
    split: str
    round: int = 1

    @property
    def acceptable(self) -> frozenset[str]:
        return frozenset((self.label, *self.also))


@dataclass
class Score:
    """Counts for one group of questions; in-scope means labelled with an existing entry."""

    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    shown: int = 0
    confident_right: int = 0
    confident_wrong: int = 0
    gaps: int = 0
    gaps_declined: int = 0
    out_of_scope: int = 0
    declined: int = 0
    misses: list[str] = field(default_factory=list)

    def row(self) -> str:
        return (
            f"{_pct(self.top1, self.in_scope):>7} {_pct(self.top3, self.in_scope):>7} "
            f"{_pct(self.shown, self.in_scope):>7} "
            f"{_pct(self.confident_right, self.in_scope):>7} "
            f"{_pct(self.confident_wrong, self.in_scope):>7} "
            f"{_pct(self.gaps_declined, self.gaps):>7} {_pct(self.declined, self.out_of_scope):>7}"
            f"   n={self.in_scope}/{self.gaps}/{self.out_of_scope}"
        )

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 1.0


def load_corpus(path: Path = CORPUS) -> tuple[RealQuestion, ...]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            items.append(
                RealQuestion(
                    id=raw["id"],
                    text=raw["text"],
                    language=raw["language"],
                    label=raw["label"],
                    also=tuple(raw.get("also", ())),
                    split=raw["split"],
                    round=raw.get("round", 1),
                )
            )
    return tuple(items)


def score(searcher: Searcher, questions: Iterable[RealQuestion], keep_misses: bool) -> Score:
    """Top-1/top-3 rank in-scope questions whatever the confidence; declined counts only
    ``confident`` being False (the honest answer for gap and out-of-scope questions)."""
    result = Score()
    for question in questions:
        answer = searcher.search(question.text, limit=3)
        returned = [match.entry.id for match in answer.matches]
        if question.label == OUT_OF_SCOPE:
            result.out_of_scope += 1
            result.declined += not answer.confident
            wrong = answer.confident
        elif question.label.startswith(GAP_PREFIX):
            result.gaps += 1
            result.gaps_declined += not answer.confident
            wrong = answer.confident
        else:
            result.in_scope += 1
            first = bool(returned) and returned[0] in question.acceptable
            result.top1 += first
            result.top3 += bool(question.acceptable & set(returned))
            result.shown += bool(question.acceptable & set(entries_on_screen(answer)))
            result.confident_right += first and answer.confident
            result.confident_wrong += (not first) and answer.confident
            wrong = not (first and answer.confident)
        if wrong and keep_misses:
            flag = "confident" if answer.confident else "unsure"
            result.misses.append(
                f"{question.id} [{question.language}] want {question.label}"
                f"{'|' + '|'.join(question.also) if question.also else ''}; "
                f"got {', '.join(returned) or '-'} [{flag}]\n      {question.text[:160]!r}"
            )
    return result


def groups(corpus: tuple[RealQuestion, ...]) -> list[tuple[str, list[RealQuestion]]]:
    """(name, questions) per split, then per split and language: English, Chinese, the other
    languages together, all non-English, then each other language on its own."""
    rows: list[tuple[str, list[RealQuestion]]] = []
    for split in ("tune", "heldout"):
        part = [q for q in corpus if q.split == split]
        rows.append((split, part))
        rows.append((f"{split} en", [q for q in part if q.language == "en"]))
        rows.append((f"{split} zh", [q for q in part if q.language == "zh"]))
        rows.append((f"{split} other", [q for q in part if q.language not in ("en", "zh")]))
        rows.append((f"{split} non-en", [q for q in part if q.language != "en"]))
        others = sorted({q.language for q in part} - {"en", "zh"})
        for lang in others:
            rows.append((f"{split}  {lang}", [q for q in part if q.language == lang]))
        if split == "heldout":  # each round's held-out questions: the newest were never scored
            for number in sorted({q.round for q in part}):
                rows.append((f"{split} r{number}", [q for q in part if q.round == number]))
    return rows


def main(argv: list[str]) -> int:
    index = default_index()
    corpus = load_corpus()
    print(
        f"{'group':<15}{'top-1':>7} {'top-3':>7} {'shown':>7} {'conf ok':>7} {'conf no':>7} "
        f"{'gap dec':>7} {'decline':>7}   n=entry/gap/none"
    )
    for name, questions in groups(corpus):
        if "--tune-only" in argv and not name.startswith("tune"):
            continue
        result = score(index, questions, keep_misses=False)
        print(f"{name:<15}{result.row()}")
    cross_validated()
    regression = evaluate(index, load_questions(REGRESSION_SET))
    print(
        f"{'regression':<15}{regression.top1_accuracy:>7.1%} {regression.top3_accuracy:>7.1%} "
        f"{'':>7} {regression.answered_correctly:>7.1%} {'':>7} {'':>7} "
        f"{regression.out_of_scope_rejection:>7.1%}   n={regression.in_scope}/0/"
        f"{regression.out_of_scope}"
    )
    if "--tune-misses" in argv:
        tune = score(index, [q for q in corpus if q.split == "tune"], keep_misses=True)
        print("\ntune misses:")
        print("\n".join(tune.misses))
    return 0


def cross_validated() -> None:
    """The tuning part out of fold: the rows above ask the shipped ranker about questions it
    was trained on, so this is the tuning figure to compare with the held-out part."""
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.questions.train_ranker import FOLDS, cross_validate, tuning_questions
    except ImportError:  # scikit-learn is a development dependency
        print(f"{'tune cv':<15}{'-':>7}   (needs scikit-learn: pip install -e '.[dev]')")
        return
    share = LEARNED_SHARE
    counted, hits, wrong, shown = cross_validate(load_entries(), tuning_questions(), (0.0, share))
    print(
        f"{'tune cv':<15}{hits[share] / counted:>7.1%} {'':>7} {shown[share] / counted:>7.1%} "
        f"{'':>7} {wrong[share] / counted:>7.1%}   {FOLDS}-fold, out of fold; BM25 alone "
        f"{hits[0.0] / counted:.1%} top-1, {shown[0.0] / counted:.1%} shown, "
        f"{wrong[0.0] / counted:.1%} confident wrong"
    )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
