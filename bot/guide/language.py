"""Tell which language a question is written in, from its script and its function words.

Enough to report (``ask --json``) and to pick a translation later; it never changes matching,
which meets every language on the same index terms. Codes are ISO 639-1 ("en", "zh", ...).
"""

from __future__ import annotations

import re

from bot.guide.text_normalise import fold

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN_WORD = re.compile(r"[a-z]+")

# Words frequent in one language and rare in the others (after folding accents away).
_MARKER_TEXT = {
    "es": "el los las del una por para como que pero esta tengo puedo cuenta clave donde mi mis "
    "hay tiene dice funciona",
    "pt": "nao uma para com meu minha voce estou conta chave nos isso esta",
    "fr": "le les des une est pour avec mon mais je pas cle compte vous",
    "de": "der die das und ist nicht ich mein ein eine mit fur schlussel",
    "id": "tidak yang dan saya ini untuk dengan sudah bisa apa kunci ada",
    "tr": "bir ve bu icin ile degil ben cok hata neden nasil anahtar",
    "en": "the is and my to it not with for of in this have i key",
}
_MARKERS = {lang: frozenset(words.split()) for lang, words in _MARKER_TEXT.items()}


def detect_language(text: str) -> str:
    """The question's language: by script first (CJK, Cyrillic, Arabic), else the most marker
    words, else "en"."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    if _ARABIC.search(text):
        return "ar"
    words = _LATIN_WORD.findall(fold(text))
    counts = {lang: sum(word in markers for word in words) for lang, markers in _MARKERS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > counts["en"] else "en"
