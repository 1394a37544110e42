"""The troubleshooting search with the knowledge base grown to 10,000 entries, against the real one.

Run from the repository root: ``.venv/bin/python benchmarks/search_scale.py``
(``--entries N`` total, ``--passes N`` over the questions, ``--seed N``).

Synthetic entries are generated from a seeded vocabulary: each copies the shape of a random
real entry (number of symptoms and keywords, words per field, whether it has codes) and fills
it with words drawn from the real entries' own text (so common words such as "api" or "key"
get long postings lists, as they would in a real larger guide) mixed with random made-up
words (Zipf-distributed, so some are frequent and most are rare). The real entries stay in.

Measured, the real knowledge base (baseline) beside the grown one:
- build time of ``TroubleshootingIndex`` (a fresh ``Normaliser`` each time, median of runs);
- latency per query (p50/p99/max) over every question of
  ``tests/guide/troubleshooting_questions.toml`` (field ``text``) and the non-English questions
  of the tuning part of ``benchmarks/questions/real_questions.jsonl``, several passes after a
  warm-up pass;
- memory: bytes allocated and still held by the index (tracemalloc) after the build and after
  the queries (the typo index is built lazily on the first typo), and the RSS growth;
- how often the grown index still puts the same entry first (a quality side note).

No goal was set for this one; the figures are for capacity planning.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import string
import sys
import time
import tomllib
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

from bot.guide.knowledge import load_entries, load_synonyms
from bot.guide.learned import load_learned_ranker
from bot.guide.model import Entry
from bot.guide.search import TroubleshootingIndex
from bot.guide.text_normalise import Normaliser

REAL_QUESTIONS = Path(__file__).resolve().parent / "questions" / "real_questions.jsonl"
QUESTIONS = (
    Path(__file__).resolve().parents[1] / "tests" / "guide" / "troubleshooting_questions.toml"
)
REAL_WORD_SHARE = 0.6  # the rest are made-up words
MADE_UP_WORDS = 30_000


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def load_questions() -> list[str]:
    """The written questions, plus the real non-English ones of the tuning part (multilingual
    queries: CJK segmentation and the cross-lingual vocabulary are on the timed path)."""
    with QUESTIONS.open("rb") as handle:
        written = [question["text"] for question in tomllib.load(handle)["question"]]
    real = [json.loads(line) for line in REAL_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return written + [q["text"] for q in real if q["split"] == "tune" and q["language"] != "en"]


class Vocabulary:
    """Words to build synthetic text from: the real entries' words and made-up ones."""

    def __init__(self, entries: Sequence[Entry], rng: random.Random) -> None:
        self.rng = rng
        self.real: list[str] = []  # with repeats: frequent words are drawn more often
        for entry in entries:
            for text in (entry.title, entry.cause, entry.fix, *entry.symptoms, *entry.keywords):
                self.real.extend(word.strip(".,:;()!?\"'") for word in text.split())
        self.real = [word for word in self.real if word]
        made_up: set[str] = set()
        while len(made_up) < MADE_UP_WORDS:
            length = rng.choice((3, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 12))
            made_up.add("".join(rng.choices(string.ascii_lowercase, k=length)))
        self.made_up = sorted(made_up)
        # Zipf-like weights: word k is drawn with probability proportional to 1 / (k + 1).
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.made_up))))

    def word(self) -> str:
        if self.rng.random() < REAL_WORD_SHARE:
            return self.rng.choice(self.real)
        return self.rng.choices(self.made_up, cum_weights=self.cumulative, k=1)[0]

    def text(self, like: str) -> str:
        """As many words as ``like`` has, give or take a quarter."""
        count = max(1, round(len(like.split()) * self.rng.uniform(0.75, 1.25)))
        return " ".join(self.word() for _ in range(count))

    def code(self) -> str:
        return "_".join(self.rng.choice(self.made_up) for _ in range(self.rng.choice((2, 3))))


def synthetic_entries(real: Sequence[Entry], total: int, seed: int) -> tuple[Entry, ...]:
    rng = random.Random(seed)
    vocabulary = Vocabulary(real, rng)
    grown = list(real)
    for number in range(total - len(real)):
        model = rng.choice(real)
        grown.append(
            Entry(
                id=f"synthetic-{number}",
                title=vocabulary.text(model.title),
                cause=vocabulary.text(model.cause),
                fix=vocabulary.text(model.fix),
                step=model.step,
                codes=tuple(vocabulary.code() for _ in model.codes),
                symptoms=tuple(vocabulary.text(symptom) for symptom in model.symptoms),
                keywords=tuple(vocabulary.text(keyword) for keyword in model.keywords),
                links=model.links,
            )
        )
    return tuple(grown)


def build(entries: Sequence[Entry], synonyms: dict[str, str]) -> TroubleshootingIndex:
    # With the learned ranker, as the app searches: it knows the real entries only, and its
    # blend touches every entry BM25 scored, so the grown base measures that cost too.
    return TroubleshootingIndex(entries, Normaliser(synonyms), load_learned_ranker())


def build_seconds(entries: Sequence[Entry], synonyms: dict[str, str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        build(entries, synonyms)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def memory(
    entries: Sequence[Entry], synonyms: dict[str, str], questions: list[str]
) -> tuple[int, int, int]:
    """(bytes held after build, bytes held after one pass of queries, RSS growth in KiB).

    RSS is read around an untraced build and pass (tracemalloc's own bookkeeping would count),
    then tracemalloc measures a second build.
    """
    gc.collect()
    rss_before = rss_kib()
    index = build(entries, synonyms)
    for question in questions:
        index.search(question)
    rss_growth = rss_kib() - rss_before
    del index
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = build(entries, synonyms)
    after_build = tracemalloc.get_traced_memory()[0] - before
    for question in questions:
        index.search(question)
    after_queries = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del index
    return after_build, after_queries, rss_growth


def query_latencies(
    index: TroubleshootingIndex, questions: list[str], passes: int
) -> tuple[list[float], list[str | None]]:
    """µs per query over ``passes`` passes (after a warm-up pass), and the top-1 entry ids."""
    top = [
        (answer.matches[0].entry.id if answer.matches else None)
        for answer in (index.search(question) for question in questions)
    ]
    latencies = []
    for _ in range(passes):
        for question in questions:
            started = time.perf_counter_ns()
            index.search(question)
            latencies.append((time.perf_counter_ns() - started) / 1000)
    return latencies, top


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the grown base")
    parser.add_argument("--passes", type=int, default=5, help="timed passes over the questions")
    parser.add_argument("--seed", type=int, default=20261126)
    arguments = parser.parse_args(argv)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"search scale benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}"
    )
    real = load_entries()
    synonyms = load_synonyms()
    questions = load_questions()
    started = time.perf_counter()
    grown = synthetic_entries(real, arguments.entries, arguments.seed)
    print(
        f"{len(questions)} questions; grown base: {len(real)} real + {len(grown) - len(real):,} "
        f"synthetic entries (seed {arguments.seed}, generated in "
        f"{time.perf_counter() - started:.1f} s); no goal set"
    )
    print()
    rows = []
    tops = []
    for label, entries, runs in (("real", real, 7), ("grown", grown, 3)):
        seconds = build_seconds(entries, synonyms, runs)
        held_build, held_queries, rss_growth = memory(entries, synonyms, questions)
        index = build(entries, synonyms)
        latencies, top = query_latencies(index, questions, arguments.passes)
        tops.append(top)
        rows.append(
            (
                f"{label} ({len(entries):,})",
                seconds * 1000,
                statistics.median(latencies),
                percentile(latencies, 99),
                max(latencies),
                held_build / 2**20,
                held_queries / 2**20,
                rss_growth / 1024,
            )
        )
        del index
    print(
        f"{'knowledge base':<16} {'build ms':>9} {'p50 µs':>8} {'p99 µs':>8} {'max µs':>8} "
        f"{'held MiB':>9} {'+queries':>9} {'RSS +MiB':>9}"
    )
    for name, build_ms, p50, p99, worst, held, held_q, rss in rows:
        print(
            f"{name:<16} {build_ms:9.1f} {p50:8.0f} {p99:8.0f} {worst:8.0f} "
            f"{held:9.2f} {held_q:9.2f} {rss:9.1f}"
        )
    base, big = rows
    print(
        f"{'grown / real':<16} {big[1] / base[1]:8.0f}x {big[2] / base[2]:7.1f}x "
        f"{big[3] / base[3]:7.1f}x {big[4] / base[4]:7.1f}x {big[5] / base[5]:8.0f}x"
    )
    same = sum(a == b for a, b in zip(*tops, strict=True))
    print()
    print(
        f"per query: {len(questions)} questions x {arguments.passes} passes; held: tracemalloc "
        "bytes still allocated by the build (index + normaliser caches); +queries: the same after "
        "one pass of queries (lazy typo index); RSS: growth over an untraced build + pass"
    )
    print(f"top-1 entry unchanged by the 10,000-entry base: {same}/{len(questions)} questions")
    print()
    ranker_cost(grown, synonyms, questions, arguments.passes)
    return 0


def ranker_cost(
    grown: Sequence[Entry], synonyms: dict[str, str], questions: list[str], passes: int
) -> None:
    """The learned ranker's share of a query on the grown base: the same index with and without
    it, one pass each in turn, so a busy machine slows both alike."""
    normaliser = Normaliser(synonyms)
    indexes = {
        "words only (BM25)": TroubleshootingIndex(grown, normaliser),
        "with the learned ranker": TroubleshootingIndex(grown, normaliser, load_learned_ranker()),
    }
    latencies: dict[str, list[float]] = {name: [] for name in indexes}
    for _ in range(passes):
        for name, index in indexes.items():
            latencies[name].extend(query_latencies(index, questions, 1)[0])
    print(f"grown base, interleaved passes    {'p50 µs':>8} {'p99 µs':>8}")
    for name, values in latencies.items():
        print(f"{name:<33} {statistics.median(values):8.0f} {percentile(values, 99):8.0f}")


if __name__ == "__main__":
    sys.exit(main())
