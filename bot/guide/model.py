"""Plain data types shared by the guide's loaders, its search and the Block Kit builders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A labelled link to an OpenAI page (or any page the guide points to)."""

    label: str
    url: str


@dataclass(frozen=True)
class Step:
    """One of the seven onboarding steps of the guide."""

    number: int
    key: str
    title: str
    summary: str
    body: str
    aliases: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One troubleshooting entry: a symptom people hit, its cause, and the fix."""

    id: str
    title: str
    cause: str
    fix: str
    step: int | None = None
    codes: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Match:
    """An entry found for a query, with its score and why it matched ("code" or "text")."""

    entry: Entry
    score: float
    reason: str = "text"


@dataclass(frozen=True)
class Answer:
    """The result of a troubleshooting search.

    ``confident`` is False when nothing matched well enough: the UI then says so honestly and
    lists the topics instead of guessing.
    """

    query: str
    matches: tuple[Match, ...] = field(default_factory=tuple)
    confident: bool = False
    matched_codes: tuple[str, ...] = ()
    language: str = "en"  # the question's language (ISO 639-1), as bot.guide.language reads it
