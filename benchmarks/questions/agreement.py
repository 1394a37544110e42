"""How often a second person, labelling the same questions blind, agrees with the corpus labels.

Usage: python benchmarks/questions/agreement.py

``second_labels.jsonl`` holds labels a second annotator gave 160 questions of the tuning part
(drawn at random with a fixed seed), reading only the questions and the entries' descriptions,
never the corpus labels. The figure that compares with the engine's top-1 is the share of
in-scope questions whose second label is one the corpus accepts (its label or an ``also``): a
person who knows the entries as well as the engine should reach it, so it bounds what a top-1
goal can ask for. The held-out part is not used.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "real_questions.jsonl"
SECOND = HERE / "second_labels.jsonl"


def kind(label: str) -> str:
    if label == "none":
        return "none"
    return "gap" if label.startswith("gap:") else "entry"


def main() -> int:
    corpus = {row["id"]: row for row in map(json.loads, CORPUS.read_text("utf-8").splitlines())}
    second = [json.loads(line) for line in SECOND.read_text("utf-8").splitlines() if line]
    if any(corpus[row["id"]]["split"] != "tune" for row in second):
        print("a second label names a held-out question", file=sys.stderr)
        return 1
    exact = accepted = in_scope = in_scope_exact = declined_both = declined = 0
    kinds: Counter[tuple[str, str]] = Counter()
    for row in second:
        first = corpus[row["id"]]
        acceptable = {first["label"], *first.get("also", [])}
        exact += row["label"] == first["label"]
        kinds[(kind(first["label"]), kind(row["label"]))] += 1
        if kind(first["label"]) == "entry":
            in_scope += 1
            in_scope_exact += row["label"] == first["label"]
            accepted += row["label"] in acceptable
        if first["label"] == "none":
            declined += 1
            declined_both += row["label"] == "none"
    print(f"{len(second)} tuning questions labelled twice; same label {exact / len(second):.1%}")
    print(
        f"in scope by the corpus ({in_scope}): same entry {in_scope_exact / in_scope:.1%}, "
        f"second label accepted by the corpus (top-1 as the benchmark counts it) "
        f"{accepted / in_scope:.1%}"
    )
    print(
        f"out of scope by the corpus ({declined}): second annotator also declines "
        f"{declined_both / declined:.1%}"
    )
    print("corpus kind -> second kind:", dict(sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
