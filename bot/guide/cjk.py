"""Cut Chinese, Japanese and Korean runs of text into words: they are written without spaces.

Chinese goes through jieba's dictionary segmenter (its dictionary ships in the package, so it
loads offline). Measured on the tuning part of benchmarks/questions/real_questions.jsonl against
overlapping character bigrams: see benchmarks/README.md. jieba is loaded only when a text holds
CJK characters, so English questions never pay its start-up.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from typing import Any

# Han (with extension A and compatibility ideographs), kana and Hangul syllables.
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
HAS_CJK = re.compile(CJK_RUN.pattern[:-1])

_lock = threading.Lock()
_extra_words: set[str] = set()


def add_words(words: set[str]) -> None:
    """Words the segmenter must keep whole (the synonym variants), before or after it loads."""
    with _lock:
        _extra_words.update(words)
        if _segmenter.cache_info().currsize:
            tokenizer = _segmenter()
            for word in words:
                tokenizer.add_word(word)


def segment(run: str, mode: str = "jieba") -> list[str]:
    """The words of one CJK run (as matched by ``CJK_RUN``)."""
    if mode == "bigram":
        if len(run) <= 2:
            return [run]
        return [run[i : i + 2] for i in range(len(run) - 1)]
    return [word for word in _segmenter().lcut(run, HMM=True) if word.strip()]


def warm_up() -> float:
    """Load the segmenter's dictionary now (seconds taken): a server does it once at start,
    before it forks workers, so the first Chinese question is answered inside Slack's 3 s."""
    started = time.perf_counter()
    segment("预热")
    return time.perf_counter() - started


@functools.cache
def _segmenter() -> Any:
    import jieba  # a dictionary of ~350,000 words: loaded on the first CJK text only

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _lock:
        for word in _extra_words:
            tokenizer.add_word(word)
    return tokenizer
