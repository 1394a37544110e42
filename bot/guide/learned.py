"""A ranking signal learned from real questions, read from a data file at run time.

BM25 knows only the words the entries use. People who ask use other words: "my key is right
but it says error" names no entry's words, yet such questions recur and have an answer. A
multinomial logistic regression over the same terms the search uses (plus the question's
function words, "where", "how", "why"..., which BM25 ignores but which say what kind of answer
is wanted), trained on the tuning part of ``benchmarks/questions/real_questions.jsonl`` and
the entries' own text (``benchmarks/questions/train_ranker.py``, scikit-learn, a development
dependency), learns which terms point to which entry. Only its weights ship, in
``learned_ranker.json``; applying them is a sum over the question's terms and a softmax, so the
app needs no numerical library.

The search blends these probabilities with BM25 to order the entries that share a term with
the question; it never adds an entry BM25 did not find, and confidence still rests on BM25's
evidence (see ``bot.guide.search``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LEARNED_RANKER_FILE = Path(__file__).resolve().parent / "learned_ranker.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LearnedRanker:
    """Class log-odds: ``bias[c] + sum(weight(term) * coefficient[term][c])``."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    coefficients: Mapping[str, tuple[tuple[int, float], ...]]  # term -> ((class, coef), ...)

    def probabilities(self, term_weights: Mapping[str, float]) -> dict[str, float]:
        """Entry id -> probability for a question given as term -> weight."""
        logits = list(self.bias)
        for term, weight in term_weights.items():
            for number, coefficient in self.coefficients.get(term, ()):
                logits[number] += weight * coefficient
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        return {name: value / total for name, value in zip(self.classes, exps, strict=True)}

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> LearnedRanker:
        """Build from the data file's object, refusing a file of another shape."""
        if raw.get("version") != FORMAT_VERSION:
            raise ValueError(f"learned ranker: expected version {FORMAT_VERSION}")
        classes = raw.get("classes")
        bias = raw.get("bias")
        coefficients = raw.get("coefficients")
        if not (isinstance(classes, list) and isinstance(bias, list) and len(classes) == len(bias)):
            raise ValueError("learned ranker: classes and bias must be lists of one length")
        if not isinstance(coefficients, dict):
            raise ValueError("learned ranker: coefficients must map terms to lists")
        table: dict[str, tuple[tuple[int, float], ...]] = {}
        for term, pairs in coefficients.items():
            row = tuple((int(number), float(value)) for number, value in pairs)
            if any(not 0 <= number < len(classes) for number, _ in row):
                raise ValueError(f"learned ranker: term {term!r} names an unknown class")
            table[str(term)] = row
        return cls(tuple(map(str, classes)), tuple(map(float, bias)), table)


@functools.cache
def load_learned_ranker(path: Path = LEARNED_RANKER_FILE) -> LearnedRanker | None:
    """The packaged ranker, or None when the file is absent (BM25 alone then)."""
    if not path.exists():
        return None
    return LearnedRanker.from_json(json.loads(path.read_text(encoding="utf-8")))
