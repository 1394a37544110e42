"""Find the troubleshooting entries that answer a question or a pasted error.

Two passes. Error codes first: a code found in a pasted JSON body, a Python exception repr or
plain text ("insufficient_quota") names its entry exactly. Then words: BM25 over each entry's
title, symptoms, keywords and cause, after folding, synonyms, stemming and typo correction.
Both passes read an inverted index, so a query costs what its terms' postings cost, however
many entries there are.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.guide.cjk import HAS_CJK
from bot.guide.knowledge import load_entries, load_synonyms
from bot.guide.language import detect_language
from bot.guide.learned import LearnedRanker, load_learned_ranker
from bot.guide.model import Answer, Entry, Match
from bot.guide.text_normalise import STOPWORDS, Normaliser

# BM25 constants (the usual ones) and the weight of each field of an entry.
_K1 = 1.2
_B = 0.75
_FIELD_WEIGHTS = (("title", 2.0), ("symptoms", 1.0), ("keywords", 1.0), ("cause", 0.5))

# Confidence for word matches, chosen on tests/guide/troubleshooting_questions.toml: the best
# entry must hold at least this share of the query's informative weight (idf), and score at
# least this fraction of the best BM25 score such a query could reach.
MIN_COVERAGE = 0.5
MIN_RELEVANCE = 0.2
# Long questions and pasted messages carry words no entry uses; several distinct informative
# terms hitting the same entry is then evidence enough, at a lower coverage.
MIN_TERMS_FOR_LOW_COVERAGE = 3
MIN_LOW_COVERAGE = 0.3
# The best word match must lead the runner-up by this factor: two entries scoring alike means
# the words did not tell them apart, so neither is a confident answer. Chosen on the tuning part
# of benchmarks/questions/real_questions.jsonl: it removed most confident wrong answers there.
MIN_MARGIN = 1.2
# ...unless the best entry holds most of the query's informative weight: then a small lead is
# enough (short questions often share their words with a sibling entry).
STRONG_COVERAGE = 0.6
MIN_STRONG_MARGIN = 1.05
# Words most entries share ("api", "key", "use") are no evidence of which entry answers: the best
# entry must share at least one term with an idf this high (a term in at most ~20% of entries).
MIN_SPECIFIC_IDF = 1.6
# ...and when it shares none, the entry that helps find out what is wrong is offered first.
DIAGNOSTIC_ENTRY = "test-your-key"
# Entries scoring below this fraction of the best one are noise, not alternatives.
_RELATIVE_CUTOFF = 0.25
# With a learned ranker (bot/guide/learned.py), the entries BM25 found are ordered by
# (1 - share) * BM25 / best BM25 + share * learned probability. Chosen by 5-fold cross-validation
# on the tuning part (`train_ranker.py --cv`, 478 questions, four shuffles): top-1 76.5% with
# BM25 alone, 81.1-81.3% at 0.5, 81.8-82.6% at 0.7, 82.8-83.6% at 0.9, 82.6-82.8% at 1.0. The
# words keep a small say, which breaks the model's ties and holds where it knows little.
LEARNED_SHARE = 0.9
# A term the asker repeats weighs 1 + 0.5 ln(count): chosen on the tuning part (0, 0.3, 0.5, 1).
_REPEAT_BOOST = 0.5
# Chosen on the tuning part (1.0, 0.6, 0.5, 0.4, 0.25): 0.5 made more Chinese answers confident
# (zh confident right 43.9% -> 58.5%) with no more confident wrong, gap or out-of-scope answers.
_UNKNOWN_CJK_SHARE = 0.5
_TYPO_WEIGHT = 0.8  # a corrected word is a guess: trust it a little less
_MIN_TYPO_LENGTH = 5
_MIN_PART = 3  # shortest word a glued compound may be split into
_MAX_WORD = 40  # longer "words" are ids or noise: no typo or compound handling
_MAX_QUERY_CHARS = 20_000  # tracebacks end with the error: keep the end of huge pastes

# How sure a found code is: from a "code" field, a scope list or the bare text (2), or only
# from the broader "type" field (1). Code matches score strength + relevance, so they always
# rank above word matches, and a code beats a type.
_CODE_FIELD = re.compile(r"""\b(code|type)["']?\s*[:=]\s*["']?([a-z0-9_.]+)""")
_SCOPES = re.compile(r"missing scopes?:\s*([a-z0-9_.]+(?:\s*,\s*[a-z0-9_.]+)*)")
_NOT_IN_CODE = re.compile(r"[^a-z0-9_.]+")
_STATUS = re.compile(r"\b(?:error code|status(?: code)?|http/[\d.]+)\W{0,3}([1-5]\d\d)\b")
_GENERIC_SCOPE_CODE = "missing_scope"
CUE_PREFIX = "~"  # marks a function word among the ranker's terms; no search term starts with it
# Field names of a pasted error body ("code": ..., 'message': ...) are structure, not words the
# asker chose: left in, a repeated "code" or "message" would weigh like a repeated symptom.
_JSON_KEY = re.compile(r"""["'](?:code|type|param|message|error)["']\s*:""", re.IGNORECASE)


@dataclass(frozen=True)
class _Query:
    weights: dict[str, float]  # term -> weight in the query
    ideal_idf: float  # sum of weight * idf over all terms, unknown ones included
    # Function words the question uses ("where", "how", "why"...), as ranker-only terms. BM25
    # drops them (every entry would match), yet they say what kind of answer is wanted: "where
    # do I get a key" asks for the API keys page, "why does my key fail" for a diagnosis.
    cues: dict[str, float]

    def ranker_terms(self) -> dict[str, float]:
        """What the learned ranker reads, in training and in search alike."""
        return self.weights | self.cues


@dataclass(frozen=True)
class _WordScores:
    """BM25 per entry hit; what confidence needs (idf weight covered, terms matched) is read
    from the postings for the few entries it is asked about, not kept for every entry hit."""

    bm25: dict[int, float]
    ideal_idf: float
    terms: tuple[tuple[float, float, dict[int, float]], ...]  # (weight, idf, postings) per term

    def relevance(self, number: int) -> float:
        """BM25 as a share of the best score this query could reach, in [0, 1)."""
        ideal = self.ideal_idf * (_K1 + 1)
        return self.bm25.get(number, 0.0) / ideal if ideal else 0.0

    def coverage(self, number: int) -> float:
        covered = sum(weight * idf for weight, idf, postings in self.terms if number in postings)
        return covered / self.ideal_idf if self.ideal_idf else 0.0

    def hits(self, number: int) -> int:
        return sum(number in postings for _, _, postings in self.terms)

    def specific(self, number: int) -> float:
        """The highest idf among the query terms the entry shares."""
        return max((idf for _, idf, postings in self.terms if number in postings), default=0.0)


class TroubleshootingIndex:
    """An inverted index over troubleshooting entries, searched by code and by words."""

    def __init__(
        self,
        entries: Iterable[Entry],
        normaliser: Normaliser | None = None,
        ranker: LearnedRanker | None = None,
        learned_share: float = LEARNED_SHARE,
    ) -> None:
        self._entries = tuple(entries)
        self._ranker = ranker
        self._learned_share = learned_share
        self._normaliser = normaliser if normaliser is not None else Normaliser(load_synonyms())
        # term -> {entry number: BM25 term-frequency part}, computed once at build time.
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        frequencies_by_entry: list[dict[str, float]] = []
        self._by_code: dict[str, list[int]] = defaultdict(list)
        self._surface: set[str] = set(self._normaliser.variants())
        self._numbers_by_id: dict[str, list[int]] = defaultdict(list)
        for number, entry in enumerate(self._entries):
            self._numbers_by_id[entry.id].append(number)
        self._diagnostic = next(iter(self._numbers_by_id.get(DIAGNOSTIC_ENTRY, ())), None)
        lengths = []
        for number, entry in enumerate(self._entries):
            frequencies: dict[str, float] = defaultdict(float)
            for field, weight in _FIELD_WEIGHTS:
                value = getattr(entry, field)
                text = value if isinstance(value, str) else "\n".join(value)
                for surface, terms in self._normaliser.analyse(text):
                    self._surface.update(surface.split())
                    for term in terms:
                        frequencies[term] += weight
            frequencies_by_entry.append(frequencies)
            lengths.append(sum(frequencies.values()))
            for code in entry.codes:
                self._by_code[code.lower()].append(number)
        average_length = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0
        for number, frequencies in enumerate(frequencies_by_entry):
            norm = _K1 * (1 - _B + _B * lengths[number] / average_length)
            for term, frequency in frequencies.items():
                self._postings[term][number] = frequency * (_K1 + 1) / (frequency + norm)

    def topics(self) -> tuple[Entry, ...]:
        """Every entry, in the order of the content files: the list shown when unsure."""
        return self._entries

    def search(self, query: str, limit: int = 3) -> Answer:
        """The best entries for ``query`` (at most ``limit``), code matches first."""
        text = query[-_MAX_QUERY_CHARS:]
        lowered = text.lower()
        found_codes = self._find_codes(lowered)
        parsed = self._parse_question(text, lowered)
        words = self._bm25(parsed)

        strengths: dict[int, int] = {}
        for code, strength in found_codes:
            for number in self._by_code.get(code, ()):
                strengths[number] = max(strengths.get(number, 0), strength)
        code_matches = sorted(
            (Match(self._entries[n], s + words.relevance(n), "code") for n, s in strengths.items()),
            key=lambda match: match.score,
            reverse=True,
        )
        # One pass over the scores finds the options and the runner-up that confidence needs.
        ranked = heapq.nlargest(
            max(limit, 2),
            (number for number in words.bm25 if number not in strengths),
            key=words.bm25.__getitem__,
        )
        confident = bool(code_matches) or (bool(ranked) and _is_convincing(words, ranked))
        if code_matches and max(strengths.values()) == 1:
            code_matches = self._type_yields_to_words(words, code_matches, strengths)
        blended = None if strengths or not ranked else self._blend(words, parsed, ranked)
        if blended:
            order = heapq.nlargest(max(limit, 0), blended, key=blended.__getitem__)
            # Confidence rests on BM25's evidence: when the learned order disagrees with the
            # words, the honest answer is "Is it one of these?".
            confident = confident and bool(order) and order[0] == ranked[0]
            # An option stays when either signal rates it: the learned one is peaked, and an
            # entry the words rate well is still worth a button.
            best = [
                n
                for n in order
                if blended[n] >= blended[order[0]] * _RELATIVE_CUTOFF
                or words.bm25[n] >= words.bm25[ranked[0]] * _RELATIVE_CUTOFF
            ]
            if limit > 1 and ranked[0] not in best:  # the words' own best stays an option
                best = [*best[: limit - 1], ranked[0]]
        else:
            best = _without_noise(words, ranked[: max(limit, 0)])
        if best and not strengths and words.specific(best[0]) < MIN_SPECIFIC_IDF:
            best = self._lead_with_diagnostic(words, best, limit)
        scores = blended if blended else {n: words.relevance(n) for n in best}
        text_matches = [Match(self._entries[n], scores[n], "text") for n in best]
        if text_matches:  # a promoted lead keeps the order of scores that callers rely on
            top = max(match.score for match in text_matches)
            text_matches[0] = Match(text_matches[0].entry, top, "text")
        if code_matches:  # beside an exact code, only clearly related entries are worth showing
            text_matches = [match for match in text_matches if match.score >= MIN_RELEVANCE]
        matched_codes = tuple(dict.fromkeys(code for code, _ in found_codes))
        return Answer(
            query,
            tuple((code_matches + text_matches)[: max(limit, 0)]),
            confident,
            matched_codes,
            detect_language(text),
        )

    def question_terms(self, query: str) -> dict[str, float]:
        """The weighted terms a question is searched with: what the learned ranker is trained
        on and applied to, read by the same code as ``search``."""
        text = query[-_MAX_QUERY_CHARS:]
        return self._parse_question(text, text.lower()).ranker_terms()

    def _parse_question(self, text: str, lowered: str) -> _Query:
        """``text`` (cut to its last ``_MAX_QUERY_CHARS``; ``lowered`` is it in lower case) as
        weighted query terms."""
        return self._parse(_JSON_KEY.sub(" ", text), _STATUS.findall(lowered))

    def _blend(self, words: _WordScores, query: _Query, ranked: list[int]) -> dict[int, float]:
        """Entry number -> blended score, empty without a ranker. Only two kinds of entry can
        reach the top: the best by BM25 (``ranked``) and those the ranker knows; an entry of
        neither kind scores (1 - share) * its BM25 share, below the best BM25 ones. So those
        are all that get scored, whatever the number of entries BM25 found."""
        if self._ranker is None or not words.bm25:
            return {}
        learned = self._ranker.probabilities(query.ranker_terms())
        candidates = set(ranked)
        candidates.update(n for n in self._learned_numbers(learned) if n in words.bm25)
        top = words.bm25[ranked[0]] or 1.0
        share = self._learned_share
        return {
            number: (1 - share) * words.bm25[number] / top
            + share * learned.get(self._entries[number].id, 0.0)
            for number in candidates
        }

    def _learned_numbers(self, learned: dict[str, float]) -> list[int]:
        return [n for entry_id in learned for n in self._numbers_by_id.get(entry_id, ())]

    def _type_yields_to_words(
        self, words: _WordScores, code_matches: list[Match], strengths: dict[int, int]
    ) -> list[Match]:
        """A bare "type" is a broad class ("server_error" is also what an overloaded model
        sends): when the words alone convincingly name another entry, that entry goes first."""
        ranked = heapq.nlargest(2, words.bm25, key=words.bm25.__getitem__)
        if not ranked or ranked[0] in strengths or not _is_convincing(words, ranked):
            return code_matches
        lead = Match(self._entries[ranked[0]], code_matches[0].score, "text")
        return [lead, *code_matches]

    def _lead_with_diagnostic(self, words: _WordScores, best: list[int], limit: int) -> list[int]:
        """A question whose words only name the API and the key ("my API key does not work")
        says nothing that tells entries apart; the entry that helps find out what is wrong is
        then the honest first suggestion, when it shares a word with the question."""
        number = self._diagnostic
        if number is None or number not in words.bm25:
            return best
        return [number, *(n for n in best if n != number)][: max(limit, 0)]

    def _find_codes(self, text: str) -> list[tuple[str, int]]:
        """Known codes in ``text`` (already lowercased) with their strength, strongest first."""
        found: list[tuple[str, int]] = []
        for kind, value in _CODE_FIELD.findall(text):
            found.append((value.strip("."), 2 if kind == "code" else 1))
        for scopes in _SCOPES.findall(text):
            found.extend((scope.strip("."), 2) for scope in re.split(r"\s*,\s*", scopes))
            found.append((_GENERIC_SCOPE_CODE, 1))
        remainder = _CODE_FIELD.sub(" ", text)
        found.extend((token.strip("."), 2) for token in _NOT_IN_CODE.split(remainder))
        known = [(code, strength) for code, strength in found if code in self._by_code]
        return sorted(known, key=lambda item: -item[1])

    def _parse(self, query: str, statuses: list[str]) -> _Query:
        weights: dict[str, float] = {}
        counts: dict[str, int] = {}
        cues: dict[str, float] = {}
        for word, terms in self._normaliser.analyse(query):
            if not terms and word in STOPWORDS:
                cues[CUE_PREFIX + word] = 1.0
                continue
            weight = 1.0
            if terms and not any(term in self._postings for term in terms):
                parts = self._split_compound(word)
                corrected = None if parts else self._correct(word)
                if parts:
                    terms = tuple(t for part in parts for t in self._normaliser.word_terms(part))
                elif corrected is not None:
                    terms, weight = self._normaliser.word_terms(corrected), _TYPO_WEIGHT
            for term in terms:
                if term in statuses:
                    weight = 1.5  # "Error code: 429" says more than a stray number
                if weight > weights.get(term, 0.0):
                    weights[term] = weight
                counts[term] = counts.get(term, 0) + 1
        # A term the asker repeats matters more to them, with diminishing returns.
        weights = {t: w * (1 + _REPEAT_BOOST * math.log(counts[t])) for t, w in weights.items()}
        ideal = sum(w * self._idf(t) * self._unknown_share(t) for t, w in weights.items())
        return _Query(weights, ideal, cues)

    def _unknown_share(self, term: str) -> float:
        """How much a term no entry uses still counts against coverage. A CJK word the index
        does not know is usually one the cross-lingual vocabulary does not translate yet, not
        a sign that the question is about something else."""
        if term in self._postings or not HAS_CJK.match(term):
            return 1.0
        return _UNKNOWN_CJK_SHARE

    def _idf(self, term: str) -> float:
        frequency = len(self._postings.get(term, ()))
        return math.log(1 + (len(self._entries) - frequency + 0.5) / (frequency + 0.5))

    def _bm25(self, query: _Query) -> _WordScores:
        """Score every entry that shares a term with the query, walking only those postings."""
        scores: dict[int, float] = defaultdict(float)
        terms = []
        for term, weight in query.weights.items():
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self._idf(term)
            terms.append((weight, idf, postings))
            factor = weight * idf
            for number, saturation in postings.items():
                scores[number] += factor * saturation
        return _WordScores(scores, query.ideal_idf, tuple(terms))

    def _split_compound(self, word: str) -> list[str]:
        """Known words that glued together make ``word`` ("connecttimeout"), fewest first."""
        if not (2 * _MIN_PART <= len(word) <= _MAX_WORD) or not word.isalpha():
            return []
        # fewest[i]: the shortest list of known words spelling word[:i], if any.
        fewest: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(_MIN_PART, len(word) + 1):
            for start in range(end - _MIN_PART + 1):
                before = fewest[start]
                if before is None or word[start:end] not in self._surface:
                    continue
                current = fewest[end]
                if current is None or len(before) + 1 < len(current):
                    fewest[end] = [*before, word[start:end]]
        parts = fewest[-1]
        return parts if parts is not None and len(parts) > 1 else []

    def _correct(self, word: str) -> str | None:
        """The known word one edit (insert, delete, substitute, swap) away, if any.

        A correctly spelled English word the entries happen not to use ("solve", "issue") is
        left alone: "correcting" it to a rare index word ("solde", "issuer") invents evidence.
        """
        if not (_MIN_TYPO_LENGTH <= len(word) <= _MAX_WORD) or not word.isalpha():
            return None
        if _is_english_word(word):
            return None
        candidates: set[str] = set()
        for key in (word, *_deletions(word)):
            candidates.update(self._typo_index.get(key, ()))
        close = [c for c in candidates if _within_one_edit(word, c)]
        if not close:
            return None

        def popularity(candidate: str) -> tuple[int, str]:
            terms = self._normaliser.word_terms(candidate)
            return (sum(len(self._postings.get(t, ())) for t in terms), candidate)

        return max(close, key=popularity)

    @functools.cached_property
    def _typo_index(self) -> dict[str, set[str]]:
        """Known words by themselves and by each one-letter deletion (built on first typo)."""
        index: dict[str, set[str]] = defaultdict(set)
        for word in self._surface:
            if len(word) >= _MIN_TYPO_LENGTH and word.isalpha():
                index[word].add(word)
                for deletion in _deletions(word):
                    index[deletion].add(word)
        return index


def _without_noise(words: _WordScores, best: list[int]) -> list[int]:
    """The top entries, dropping those far below the best (noise, not options)."""
    if not best:
        return []
    floor = words.bm25[best[0]] * _RELATIVE_CUTOFF
    return [number for number in best if words.bm25[number] >= floor]


def _is_convincing(words: _WordScores, ranked: list[int]) -> bool:
    """Whether the best word match (``ranked``: entries by BM25, the best two at least) is
    good enough to answer rather than say "not sure"."""
    number = ranked[0]
    if words.specific(number) < MIN_SPECIFIC_IDF:
        return False
    runner_up = words.bm25[ranked[1]] if len(ranked) > 1 else 0.0
    coverage = words.coverage(number)
    margin = words.bm25[number] / runner_up if runner_up else float("inf")
    if coverage >= STRONG_COVERAGE and margin >= MIN_STRONG_MARGIN:
        return words.relevance(number) >= MIN_RELEVANCE
    if margin < MIN_MARGIN:
        return False
    if words.hits(number) >= MIN_TERMS_FOR_LOW_COVERAGE:
        return coverage >= MIN_LOW_COVERAGE
    return coverage >= MIN_COVERAGE and words.relevance(number) >= MIN_RELEVANCE


def _is_english_word(word: str) -> bool:
    """Whether ``word`` (folded) is in pyspellchecker's English word list."""
    return word in _english_words()


@functools.cache
def _english_words() -> Any:
    from spellchecker import SpellChecker  # ~0.15 s: loaded on the first unknown word only

    return SpellChecker(language="en", distance=1).word_frequency


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau distance <= 1: one insertion, deletion, substitution or adjacent swap."""
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) <= 1:
            return True
        first, second = diffs[0], diffs[-1]
        swapped = a[first] == b[second] and a[second] == b[first]
        return len(diffs) == 2 and second == first + 1 and swapped
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    if len(longer) - len(shorter) != 1:
        return False
    i = 0
    while i < len(shorter) and shorter[i] == longer[i]:
        i += 1
    return shorter[i:] == longer[i + 1 :]


@functools.cache
def default_index() -> TroubleshootingIndex:
    """The index of the packaged troubleshooting files, built once per process."""
    return TroubleshootingIndex(load_entries(), Normaliser(load_synonyms()), load_learned_ranker())
