"""The seven onboarding steps, loaded from steps.toml and looked up by number or name."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.guide.model import Link, Step

STEPS_FILE = Path(__file__).with_name("steps.toml")

# "3", "step 3", "Step-3", "#3", "3." — the number is what counts. ASCII digits only.
_NUMBER = re.compile(r"^(?:step(?:\s+|-|_)?)?#?([0-9]{1,3})\.?$")
_IGNORED = re.compile(r"[\s\-_]+")


def load_steps(path: Path | None = None) -> tuple[Step, ...]:
    """Read and check the steps file (the packaged steps.toml by default).

    Raises ValueError, naming the file and the step, when a field is missing or mistyped,
    the numbers are not 1..n in order, or two steps share a key or an alias.
    """
    source = path or STEPS_FILE
    try:
        with source.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML: {error}") from error
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValueError(f"{source}: expected a non-empty [[steps]] array")
    steps = tuple(
        _parse_step(raw, f"{source}: step #{index}") for index, raw in enumerate(raw_steps, 1)
    )
    _check_numbers(steps, source)
    _check_names(steps, source)
    return steps


@functools.cache
def default_steps() -> tuple[Step, ...]:
    """The packaged steps, read once per process."""
    return load_steps()


def find_step(text: str, steps: Sequence[Step] | None = None) -> Step | None:
    """The step ``text`` names: "3", "step 3", a key ("phone"), a title or an alias.

    Case, spaces, hyphens and underscores do not matter. Anything else gives None.
    """
    candidates = default_steps() if steps is None else steps
    number = _NUMBER.match(text.strip().casefold())
    if number:
        return next((step for step in candidates if step.number == int(number.group(1))), None)
    wanted = normalize(text)
    if not wanted:
        return None
    return next((step for step in candidates if wanted in _names(step)), None)


def normalize(name: str) -> str:
    """Lower-case ``name`` and drop spaces, hyphens and underscores ("Sign-Up" -> "signup")."""
    return _IGNORED.sub("", name.casefold())


def _names(step: Step) -> set[str]:
    return {normalize(name) for name in (step.key, step.title, *step.aliases)}


def _parse_step(raw: Any, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a table")
    number = raw.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValueError(f"{where}: 'number' must be an integer")
    where = f"{where} (number {number})"
    return Step(
        number=number,
        key=_text(raw, "key", where),
        title=_text(raw, "title", where),
        summary=_text(raw, "summary", where),
        body=_text(raw, "body", where).strip(),
        aliases=_texts(raw, "aliases", where),
        warnings=_texts(raw, "warnings", where),
        links=tuple(_parse_link(item, f"{where} link") for item in _list(raw, "links", where)),
    )


def _parse_link(raw: Any, where: str) -> Link:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a table with 'label' and 'url'")
    url = _text(raw, "url", where)
    if not url.startswith("https://"):
        raise ValueError(f"{where}: url must start with https://, got {url!r}")
    return Link(label=_text(raw, "label", where), url=url)


def _text(raw: Mapping[str, Any], field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {field!r} must be a non-empty string")
    return value


def _list(raw: Mapping[str, Any], field: str, where: str) -> list[Any]:
    value = raw.get(field, [])
    if not isinstance(value, list):
        raise ValueError(f"{where}: {field!r} must be a list")
    return value


def _texts(raw: Mapping[str, Any], field: str, where: str) -> tuple[str, ...]:
    values = _list(raw, field, where)
    if not all(isinstance(value, str) and value.strip() for value in values):
        raise ValueError(f"{where}: {field!r} must hold non-empty strings")
    return tuple(values)


def _check_numbers(steps: Sequence[Step], source: Path) -> None:
    numbers = [step.number for step in steps]
    if numbers != list(range(1, len(steps) + 1)):
        raise ValueError(f"{source}: step numbers must run 1..{len(steps)} in order, got {numbers}")


def _check_names(steps: Iterable[Step], source: Path) -> None:
    owner: dict[str, int] = {}
    for step in steps:
        for name in _names(step):
            if _NUMBER.match(name) or name.isdigit():
                raise ValueError(f"{source}: step {step.number} name {name!r} looks like a number")
            if name in owner and owner[name] != step.number:
                raise ValueError(
                    f"{source}: name {name!r} is used by steps {owner[name]} and {step.number}"
                )
            owner[name] = step.number
