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

A second, instance-based signal sits beside the regression: the tuning questions themselves,
each as a unit vector of idf-weighted terms (not its text) with the entry it was labelled
with, in the same file. The entries of the ``count`` questions most like a new one (cosine
similarity, read through an inverted index) form a distribution that is mixed into the
regression's probabilities with a small weight. Real questions recur almost word for word (the
same pasted error, the same setting that is hard to find), and a near neighbour can name its
entry where weights averaged over every question hesitate; kept small, because look-alikes
can differ in the one word that matters ("didn't provide" against "incorrect ... provided").

The search blends these probabilities with BM25 to order the entries that share a term with
the question; it never adds an entry BM25 did not find, and confidence still rests on BM25's
evidence (see ``bot.guide.search``).
"""

from __future__ import annotations

import functools
import heapq
import json
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEARNED_RANKER_FILE = Path(__file__).resolve().parent / "learned_ranker.json"
FORMAT_VERSION = 2
NOT_AN_ENTRY = -1  # the class of a tuning question labelled out of scope or as a gap


@dataclass(frozen=True)
class NearestQuestions:
    """Tuning questions as unit vectors of idf-weighted terms, each with its class number."""

    idf: Mapping[str, float]
    postings: Mapping[str, tuple[tuple[int, float], ...]]  # term -> ((question, weight), ...)
    classes: tuple[int, ...]  # per question: its class, or NOT_AN_ENTRY
    count: int  # how many nearest questions vote
    share: float  # the vote's weight beside the regression's probabilities

    def vote(self, term_weights: Mapping[str, float]) -> dict[int, float]:
        """Class number -> share of the similarity of the ``count`` nearest questions that
        name an entry; empty when no tuning question shares a term, or when the nearest ones
        were all out of scope or gaps (the regression then decides alone)."""
        similarity: dict[int, float] = defaultdict(float)
        for term, weight in term_weights.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            for question, value in self.postings.get(term, ()):
                similarity[question] += weight * idf * value
        nearest = heapq.nlargest(self.count, similarity.items(), key=lambda item: item[1])
        votes: dict[int, float] = defaultdict(float)
        for question, value in nearest:
            if self.classes[question] != NOT_AN_ENTRY and value > 0:
                votes[self.classes[question]] += value
        total = sum(votes.values())
        return {number: value / total for number, value in votes.items()} if total else {}

    @classmethod
    def from_json(cls, raw: Any, class_count: int) -> NearestQuestions:
        """Build from the file's ``neighbours`` object, refusing one of another shape."""
        if not isinstance(raw, dict):
            raise ValueError("learned ranker: neighbours must be an object")
        idf, questions = raw.get("idf"), raw.get("questions")
        count, share = raw.get("count"), raw.get("share")
        if not (isinstance(idf, dict) and isinstance(questions, list)):
            raise ValueError("learned ranker: neighbours need idf and questions")
        if not (isinstance(count, int) and count > 0 and isinstance(share, int | float)):
            raise ValueError("learned ranker: neighbours need a count and a share")
        if not 0.0 <= share <= 1.0:
            raise ValueError("learned ranker: the neighbours' share must lie in [0, 1]")
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        classes = []
        for number, question in enumerate(questions):
            if not (isinstance(question, list) and len(question) == 2):
                raise ValueError("learned ranker: a neighbour must be [class, terms]")
            label, vector = question
            if not (isinstance(label, int) and NOT_AN_ENTRY <= label < class_count):
                raise ValueError("learned ranker: a neighbour names an unknown class")
            if not isinstance(vector, list):
                raise ValueError("learned ranker: a neighbour's terms must be a list")
            classes.append(label)
            for term, value in vector:
                if term not in idf:
                    raise ValueError(f"learned ranker: neighbour term {term!r} has no idf")
                postings[str(term)].append((number, float(value)))
        return cls(
            {str(term): float(value) for term, value in idf.items()},
            {term: tuple(pairs) for term, pairs in postings.items()},
            tuple(classes),
            count,
            float(share),
        )


@dataclass(frozen=True)
class LearnedRanker:
    """Class log-odds: ``bias[c] + sum(weight(term) * coefficient[term][c])``."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    coefficients: Mapping[str, tuple[tuple[int, float], ...]]  # term -> ((class, coef), ...)
    neighbours: NearestQuestions | None = None

    def probabilities(self, term_weights: Mapping[str, float]) -> dict[str, float]:
        """Entry id -> probability for a question given as term -> weight."""
        logits = list(self.bias)
        for term, weight in term_weights.items():
            for number, coefficient in self.coefficients.get(term, ()):
                logits[number] += weight * coefficient
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        probabilities = [value / total for value in exps]
        if self.neighbours is not None and (votes := self.neighbours.vote(term_weights)):
            share = self.neighbours.share
            probabilities = [
                (1 - share) * value + share * votes.get(number, 0.0)
                for number, value in enumerate(probabilities)
            ]
        return dict(zip(self.classes, probabilities, strict=True))

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
        raw_neighbours = raw.get("neighbours")
        neighbours = (
            None
            if raw_neighbours is None
            else NearestQuestions.from_json(raw_neighbours, len(classes))
        )
        return cls(tuple(map(str, classes)), tuple(map(float, bias)), table, neighbours)


@functools.cache
def load_learned_ranker(path: Path = LEARNED_RANKER_FILE) -> LearnedRanker | None:
    """The packaged ranker, or None when the file is absent (BM25 alone then)."""
    if not path.exists():
        return None
    return LearnedRanker.from_json(json.loads(path.read_text(encoding="utf-8")))
