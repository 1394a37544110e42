"""The language a person reads the app in, from their Slack locale, asked once and cached.

``users.info`` with ``include_locale=true`` (scope ``users:read``, already in the manifest)
answers ``user.locale`` such as "zh-CN", "es-ES" or "en-US". It is cached per
(enterprise, workspace, user) in a bounded LRU with a time to live, so a busy person costs
one Web API call per ten minutes, not one per message. Any failure (missing scope, rate
limit, network, a malformed answer) means English for a short while, never an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from cachetools import TLRUCache
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.guide.model import Answer, Entry, Step
from bot.guide.translations import (
    ENGLISH,
    answer_locale,
    default_translations,
    slack_locale_to_shipped,
)
from bot.identity import Person

log = logging.getLogger(__name__)

LOCALE_TTL_SECONDS = 600.0
FAILURE_TTL_SECONDS = 60.0  # after a failed lookup, retry soon, but not on every message
MAX_CACHED_PEOPLE = 10_000

_Key = tuple[str, str, str]


class LocaleCache:
    """Shipped locale per person, looked up with ``users.info`` at most once per TTL."""

    def __init__(
        self,
        *,
        ttl: float = LOCALE_TTL_SECONDS,
        failure_ttl: float = FAILURE_TTL_SECONDS,
        maxsize: int = MAX_CACHED_PEOPLE,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        def expires(_key: _Key, value: tuple[str, bool], now: float) -> float:
            return now + (ttl if value[1] else failure_ttl)

        self._cache: TLRUCache[_Key, tuple[str, bool]] = TLRUCache(
            maxsize=maxsize, ttu=expires, timer=timer
        )
        self._lock = threading.Lock()

    def locale_of(self, person: Person, client: WebClient) -> str:
        """The shipped locale ("zh-Hans", "es" or "en") for ``person``."""
        key = (person.enterprise_id, person.team_id, person.user_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached[0]
        found = _ask_slack(person, client)
        value = (found or ENGLISH, found is not None)
        with self._lock:
            self._cache[key] = value
        return value[0]


def _ask_slack(person: Person, client: WebClient) -> str | None:
    if not person.user_id:
        return None
    try:
        response = client.users_info(user=person.user_id, include_locale=True)
    except SlackApiError as error:
        log.info(
            "users.info (locale) failed for %s: %s; using English",
            person.user_id,
            error.response.get("error"),
        )
        return None
    except Exception as error:  # network trouble must not cost the person their answer
        log.info("users.info (locale) failed for %s: %s", person.user_id, type(error).__name__)
        return None
    user = response.get("user")
    if not isinstance(user, Mapping) or user.get("id") != person.user_id:
        return None
    return slack_locale_to_shipped(user.get("locale"))


def localized_steps(steps: tuple[Step, ...], locale: str) -> tuple[Step, ...]:
    return default_translations().steps(steps, locale)


def localized_step(step: Step, locale: str) -> Step:
    return default_translations().step(step, locale)


def localized_entries(entries: tuple[Entry, ...], locale: str) -> tuple[Entry, ...]:
    return default_translations().entries(entries, locale)


def localized_answer(answer: Answer, person_locale: str) -> tuple[Answer, str]:
    """``answer`` translated into the locale it should be shown in, and that locale."""
    locale = answer_locale(answer.language, person_locale)
    return default_translations().answer(answer, locale), locale
