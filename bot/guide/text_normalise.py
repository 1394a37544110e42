"""Turn free text into search terms: fold case and accents, drop noise, map synonyms, stem.

Entries and questions go through the same ``Normaliser``, so "Clé API invalide", "invalid API
keys" and "Incorrect API key" all meet on the terms ``invalid``, ``api``, ``key``.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.guide import cjk

# Pasted error messages carry URLs, host names, masked keys and request/organization ids: none
# of them says anything about the problem, and they would dilute the words that do. Every
# pattern here is linear (no nested or overlapping repeats): people paste huge blobs.
_URL = re.compile(r"https?://\S+")
_CHUNK_SEPARATORS = re.compile(r"[\s=\"'`()\[\]{}<>,;|]+")
# Latin (folded to a-z), Cyrillic (folded: "й" reads "и", "ё" reads "е") and Turkish's dotless
# "ı", else a CJK run.
_WORD = re.compile(rf"[a-z0-9\u0430-\u044f\u0131]+|{cjk.CJK_RUN.pattern}")
_CYRILLIC = re.compile(r"[\u0430-\u044f]")
# Japanese runs: katakana words (loanwords such as "キー", "アカウント") are kept whole, hiragana
# runs (particles and endings) likewise; only the rest goes to the segmenter, which splits kana
# it does not know letter by letter.
_HAS_KANA = re.compile(r"[\u3040-\u30ff]")
_KANA_OR_OTHER = re.compile(r"[\u30a0-\u30ff]+|[\u3040-\u309f]+|[^\u3040-\u30ff]+")
# Korean writes particles onto the word before them ("키가", "계정이", "결제를"). A word the
# synonyms do not know is looked up again without them; only a known word is taken, since
# nouns end in the same syllables ("초과" is not "초" + "과").
_PARTICLE_TEXT = "이 가 은 는 을 를 에 의 도 로 으로 에서 와 과 만 까지 부터 이나 나 에게 한테 랑"
_KOREAN_PARTICLES = tuple(sorted(_PARTICLE_TEXT.split(" "), key=len, reverse=True))
_HOST_SUFFIXES = frozenset(("com", "org", "net", "io"))
_KEY_PREFIX = "sk-"  # OpenAI secret keys, masked or not
_UNMASKED_SECRET_LENGTH = 24
_CACHE_SIZE = 100_000
_MAX_NUMBER_DIGITS = 3  # keeps HTTP statuses ("429") and "$5", drops limits and timestamps

# Function words and chat filler in English, French, Spanish and German.
_STOPWORD_TEXT = """
    a about again all also am an and any anyone anything are as at be been being but by can
    cannot cant could d did didn do does doesn doing don done during each either else even ever
    every for from get gets getting got had has have having hello help hey hi how i if im in
    issue issues problem problems
    into is isn it its just keep keeps know let like ll m many may me might mine more most much
    my need needs never no nor not now of off ok okay on or other our out please re really s
    said say says seem seems should so some someone something such t than thank thanks that the
    their them then there these they thing this those through to too try trying tried up us ve
    very want wanted was wasn way we were what whats when where which while who why will with
    won would yet you your
    au aux ce ces cet cette comment dans de des du elle en est et il je la le les ma mes mon ne
    nous on ou où par pas pour pourquoi que quel quelle qui sa ses son sur ta tes ton un une vos
    votre vous
    al como cómo con cuando del donde dónde el es esta está lo los las mi mis muy para pero por
    porque qué se si sin son su sus tu tus una unos unas ya
    bei bin dem den der des die das du ein eine einem einen einer er es für hat ich ihr im ist
    kann kein keine mein meine mit nicht oder sie sind und von warum was wie wird wo zu
    o os um uma uns umas eu não nao meu minha com em no na nos nas
    的 了 是 我 你 他 她 它 们 我们 在 和 与 都 也 就 还 吗 呢 吧 啊 呀 么 这 那 这个 那个 一个 有
    没 没有 不 把 被 给 让 用 使用 会 能 可以 要 想 请问 请 如何 怎么 怎么办 怎样 为什么 什么
    问题 解决 求助 帮忙 一下 一直 但是 但 而且 还是 已经 自己 如题 之后 后 时候 时 显示 提示
    出现 报错 错误 情况 这样 所以 因为 如果 或者 可能 应该 需要 我的 该 该如何 个 下 上 中
    です ます した して いる ない この その ので から まで など について ください が を に は で と
    の も へ や よ ね か な でした ません ましたが けど けれど たら 의 을 를 이 가
    은 는 에 에서 하고 합니다
"""


# How CJK runs are cut into words: "jieba" or "bigram" (measured; see benchmarks/README.md).
CJK_MODE = "jieba"


def fold(text: str) -> str:
    """Lowercase and strip accents: "Clé" -> "cle", "Schlüssel" -> "schlussel"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    if not cjk.HAS_CJK.search(text):
        return stripped
    # Kana voicing marks and Hangul jamo are part of the letter, not accents: recompose them.
    return unicodedata.normalize("NFC", _keep_cjk_marks(decomposed))


def _keep_cjk_marks(decomposed: str) -> str:
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and not (kept and kept[-1] >= "\u1100"):
            continue
        kept.append(char)
    return "".join(kept)


STOPWORDS = frozenset(fold(word) for word in _STOPWORD_TEXT.split())


def surface_words(text: str) -> list[str]:
    """The folded words of ``text`` without URLs, host names, keys, ids and long numbers."""
    words: list[str] = []
    for chunk in _CHUNK_SEPARATORS.split(_URL.sub(" ", fold(text))):
        chunk = chunk.strip(".:")
        if _is_secret(chunk):
            words.append("key")
        elif not _is_host_name(chunk):
            for word in _WORD.findall(chunk):
                if "\uac00" <= word[0] <= "\ud7af":  # Korean puts spaces between words
                    words.append(word)
                elif word[0] >= "\u3040":
                    words.extend(_cjk_words(word))
                elif _is_meaningful(word):
                    words.append(word)
    return words


def _cjk_words(run: str) -> list[str]:
    """The words of a CJK run: kana runs whole, the rest (Han) through the segmenter."""
    if not _HAS_KANA.search(run):
        return cjk.segment(run, CJK_MODE)
    words: list[str] = []
    for part in _KANA_OR_OTHER.findall(run):
        if "\u3040" <= part[0] <= "\u30ff":
            words.append(part)
        else:
            words.extend(cjk.segment(part, CJK_MODE))
    return words


def _without_particles(word: str) -> list[str]:
    """A Korean word with each particle it may end in removed, longest particle first."""
    return [
        word[: -len(particle)]
        for particle in _KOREAN_PARTICLES
        if word.endswith(particle) and len(word) > len(particle)
    ]


def _variant_words(variant: str) -> list[str]:
    """A synonym variant's words, without loading the segmenter: a CJK run stays whole and
    becomes a segmenter word, so a question cut by the segmenter meets it whole."""
    if CJK_MODE != "jieba" or not cjk.HAS_CJK.search(variant):
        return surface_words(variant)
    words: list[str] = []
    for word in _WORD.findall(fold(variant)):
        if word[0] < "\u3040":
            if _is_meaningful(word):
                words.append(word)
        elif _HAS_KANA.search(word):
            # Kana are cut out of a question's runs before segmenting: a variant that mixes
            # them in ("使えない") is cut the same way and matches as a phrase.
            parts = _KANA_OR_OTHER.findall(word)
            cjk.add_words({part for part in parts if not _HAS_KANA.search(part)})
            words.extend(parts)
        else:
            cjk.add_words({word})
            words.append(word)
    return words


def _is_secret(chunk: str) -> bool:
    return chunk.startswith(_KEY_PREFIX) and (
        "*" in chunk or len(chunk) >= len(_KEY_PREFIX) + _UNMASKED_SECRET_LENGTH
    )


def _is_host_name(chunk: str) -> bool:
    host = chunk.split("/", 1)[0]
    return "." in host and host.rsplit(".", 1)[1] in _HOST_SUFFIXES


def _is_meaningful(word: str) -> bool:
    if word.isdigit():
        return len(word) <= _MAX_NUMBER_DIGITS
    # Hashes and ids ("1332ed8a813a", "abc123") mix letters and digits; model names stay short.
    return len(word) >= 2 and (word.isalpha() or len(word) <= 5)


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ed, -ing, a few derivations, a final -e.

    It only has to be consistent, since entries and questions share it: "revoked", "revoke"
    and "revoking" all become "revok".
    """
    if len(word) <= 3 or word.isdigit():
        return word
    if _CYRILLIC.match(word):
        with _RUSSIAN_LOCK:  # a Snowball stemmer keeps its state in the object
            return str(_russian_stemmer().stemWord(word))
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ed") and not word.endswith("eed"):
        base = word[:-2]
        word = _undouble(base) if len(base) >= 3 else word[:-1]
    elif word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    for suffix, replacement in (("ization", "iz"), ("isation", "iz"), ("ification", "ify")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


_RUSSIAN_LOCK = threading.Lock()


@functools.cache
def _russian_stemmer() -> Any:
    import snowballstemmer  # ~25 ms, when the index is built: the synonyms hold Russian words

    return snowballstemmer.stemmer("russian")


def _undouble(word: str) -> str:
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


class Normaliser:
    """Text -> terms, with a synonym map applied before stemming.

    ``synonyms`` maps a variant ("téléphone", "top up") to its canonical words ("phone",
    "add credit"). Variants of several words are matched as phrases, longest first.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None) -> None:
        self._single: dict[str, tuple[str, ...]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        # A CJK variant is one word to the segmenter, so "额度" is never cut into "额" "度".
        cjk.add_words({v for v in (synonyms or {}) if cjk.HAS_CJK.search(v)})
        for variant, canonical in (synonyms or {}).items():
            self._add_synonym(_variant_words(variant), self._plain_terms(canonical))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda phrase: len(phrase[0]), reverse=True)
        # Words repeat a lot across entries and questions: remember them, within a bound.
        self._cache: dict[str, tuple[str, ...]] = {}

    def _add_synonym(self, variant: list[str], canonical: tuple[str, ...]) -> None:
        if len(variant) == 1:
            self._single[variant[0]] = canonical
            self._single.setdefault(stem(variant[0]), canonical)
        elif variant:
            self._phrases.setdefault(variant[0], []).append((tuple(variant), canonical))

    @staticmethod
    def _plain_terms(text: str) -> tuple[str, ...]:
        return tuple(stem(word) for word in surface_words(text) if word not in STOPWORDS)

    def variants(self) -> frozenset[str]:
        """The single-word synonym variants, so typo correction can also land on them."""
        return frozenset(self._single)

    def terms(self, text: str) -> list[str]:
        """All search terms of ``text`` in order (repeats kept: they count as term frequency)."""
        return [term for _, terms in self.analyse(text) for term in terms]

    def analyse(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each surface word (or matched phrase) of ``text`` with the terms it stands for.

        A stopword stands for no term; a synonym for its canonical words; any other word for
        its stem. The index uses the surface word to correct typos.
        """
        words = surface_words(text)
        analysed: list[tuple[str, tuple[str, ...]]] = []
        position = 0
        while position < len(words):
            word = words[position]
            phrase = self._phrase_at(words, position)
            if phrase is not None:
                length, canonical = phrase
                analysed.append((" ".join(words[position : position + length]), canonical))
                position += length
                continue
            analysed.append((word, self.word_terms(word)))
            position += 1
        return analysed

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms one folded word stands for."""
        terms = self._cache.get(word)
        if terms is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            terms = self._cache[word] = self._lookup(word)
        return terms

    def _lookup(self, word: str) -> tuple[str, ...]:
        if word in STOPWORDS:
            return ()
        if word in self._single:
            return self._single[word]
        if "\uac00" <= word[0] <= "\ud7af":
            for bare in _without_particles(word):
                if bare in self._single:
                    return self._single[bare]
        stemmed = stem(word)
        return self._single.get(stemmed, (stemmed,))

    def _phrase_at(self, words: list[str], position: int) -> tuple[int, tuple[str, ...]] | None:
        for variant, canonical in self._phrases.get(words[position], ()):
            if tuple(words[position : position + len(variant)]) == variant:
                return len(variant), canonical
        return None
