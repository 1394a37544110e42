"""Print how well the troubleshooting search answers the labelled questions.

Usage: python benchmarks/troubleshooting_accuracy.py [questions.toml]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.guide.evaluation import evaluate, format_report, load_questions
from bot.guide.search import default_index

QUESTIONS = (
    Path(__file__).resolve().parents[1] / "tests" / "guide" / "troubleshooting_questions.toml"
)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else QUESTIONS
    report = evaluate(default_index(), load_questions(path))
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
