"""The files around the code a newcomer meets first, checked without a Docker engine: the
build context ``.dockerignore`` leaves, ``docker-compose.yml``, ``.env.example``, the
Python version of CI and the image, the licence, and the README's table of settings."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETTINGS = [name.upper() for name in Settings.model_fields]


# --- .dockerignore, with Docker's rules ------------------------------------------------------


def _pattern(text: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: ``**`` any number of folders, ``*`` and
    ``?`` within one path element, a leading ``/`` ignored."""
    text = os.path.normpath(text.strip().lstrip("/"))
    out = ""
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif text.startswith("**", i):
            out += ".*"
            i += 2
        elif text[i] == "*":
            out += "[^/]*"
            i += 1
        elif text[i] == "?":
            out += "[^/]"
            i += 1
        elif text[i] == "[":
            end = text.index("]", i)
            out += text[i : end + 1]
            i = end + 1
        else:
            out += re.escape(text[i])
            i += 1
    return re.compile(out + r"\Z")


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, _pattern(line.removeprefix("!"))))
    return rules


def in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's matching: the last rule that matches the path or one of its parent folders
    decides; a ``!`` rule lets it back in."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negated, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            excluded = not negated
    return not excluded


RULES = dockerignore_rules((ROOT / ".dockerignore").read_text())


def test_the_matcher_reads_patterns_as_docker_does() -> None:
    rules = dockerignore_rules("*.md\n!README.md\n**/cache\n/build\n")
    assert not in_context("notes.md", rules)
    assert in_context("README.md", rules)
    assert in_context("docs/notes.md", rules)  # `*` stays within the top folder
    assert not in_context("a/b/cache/x", rules)
    assert not in_context("cache/x", rules)
    assert not in_context("build/lib/x.py", rules)
    assert in_context("src/build", rules)


def test_secrets_environments_and_caches_stay_out_of_the_build_context() -> None:
    for path in (
        ".venv/bin/python",
        ".venv/lib/python3.11/site-packages/slack_bolt/app/app.py",
        "data/keyring.json",
        "data/openai-setup.sqlite3",
        "data/openai-setup.sqlite3-wal",
        ".env",
        ".env.local",
        ".git/config",
        ".git",
        "keyring.json",
        "prod-keyring.json",
        "openai-setup.sqlite3",
        "bot/__pycache__/app.cpython-311.pyc",
        "bot/keys/__pycache__/keyring.cpython-311.pyc",
        "bot/data/openai-setup.sqlite3",
        "bot/keyring.json",
        "bot/.env",
        ".mypy_cache/3.11/bot/app.data.json",
        ".pytest_cache/v/cache/lastfailed",
        "tests/conftest.py",
        "benchmarks/run_all.sh",
        "screenshots/home.png",
    ):
        assert not in_context(path, RULES), path


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    copied = []
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            copied.extend(line.split()[1:-1])
    assert copied
    for source in copied:
        paths = (
            [str(p.relative_to(ROOT)) for p in (ROOT / source).rglob("*") if p.is_file()]
            if (ROOT / source).is_dir()
            else [source]
        )
        wanted = [p for p in paths if "__pycache__" not in p]
        assert wanted, source
        for path in wanted:
            assert in_context(path, RULES), path
    assert in_context("bot/ui/messages.toml", RULES)
    assert in_context("bot/store/migrations/versions/0001_guide_progress.py", RULES)


def test_the_build_context_of_this_checkout_is_small() -> None:
    """What `docker build .` would send from this very checkout (a .venv and data/ included,
    when a developer has them)."""
    total = 0
    for folder, folders, files in os.walk(ROOT):
        relative = os.path.relpath(folder, ROOT)
        relative = "" if relative == "." else relative + "/"
        folders[:] = [f for f in folders if in_context(relative + f, RULES)]
        for name in files:
            if in_context(relative + name, RULES):
                total += (Path(folder) / name).stat().st_size
    assert total < 5 * 1024 * 1024, total


# --- Dockerfile: layers, pinned base, Python version --------------------------------------


def _bases() -> list[str]:
    return [line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("FROM ")]


def test_the_base_image_is_pinned_to_a_patch_release() -> None:
    bases = _bases()
    assert len(bases) == 2 and len(set(bases)) == 1
    # An exact release (no floating "3.11" or "latest"); a digest may follow once verified.
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", bases[0])


def test_dependencies_are_installed_in_a_layer_before_the_code_is_copied() -> None:
    lines = DOCKERFILE.splitlines()
    code = next(i for i, line in enumerate(lines) if line.startswith("COPY bot"))
    first_install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert first_install < code
    before_install = [line for line in lines[:first_install] if line.startswith("COPY ")]
    assert before_install == ["COPY pyproject.toml ./"]  # only the dependency list


def test_the_image_ci_and_the_project_use_one_python_minor() -> None:
    """``.python-version`` names it; the image, pyproject's floor, mypy, ruff and the
    interpreter running these tests (CI's, installed by scripts/test) must all agree."""
    minor = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", minor)
    image = re.match(r"python:(\d+\.\d+)\.", _bases()[0])
    assert image and image.group(1) == minor
    assert PYPROJECT["project"]["requires-python"] == f">={minor}"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == minor
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + minor.replace(".", "")
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == minor


def test_the_license_file_matches_pyproject() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_runs_the_app_on_a_healthy_postgresql_with_settings_from_env() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app, db = compose["services"]["app"], compose["services"]["db"]

    assert app["build"] == "."
    assert app["env_file"] == [{"path": ".env", "required": False}]
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://openai_setup:")
    assert "@db:5432/openai_setup" in app["environment"]["DATABASE_URL"]
    assert set(app["environment"]) <= set(SETTINGS)
    assert any(volume.endswith(":/data") for volume in app["volumes"])

    assert db["image"].startswith("postgres:") and re.search(r":\d+\.\d+", db["image"])
    assert "pg_isready" in db["healthcheck"]["test"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert {v.split(":")[0] for v in app["volumes"] + db["volumes"]} <= set(compose["volumes"])


# --- .env.example and the README's table ---------------------------------------------------


def test_env_example_lists_every_setting_commented_out() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    named = {m.group(1) for line in lines if (m := re.match(r"# ([A-Z_]+)=", line))}
    assert set(SETTINGS) <= named, set(SETTINGS) - named
    assert all(not line or line.startswith("#") for line in lines)


def test_env_example_values_are_valid_settings(tmp_path: Path) -> None:
    """Uncommented, every example value (empty ones left out) is a setting the app takes."""
    example = (ROOT / ".env.example").read_text()
    values = [
        m.group(1)
        for line in example.splitlines()
        if (m := re.match(r"# ([A-Z_]+=\S+)$", line)) and m.group(1).split("=")[0] in SETTINGS
    ]
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(values) + "\n")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.port == 3000
    assert settings.slack_app_token is not None


def test_readme_table_names_every_setting_and_its_limits() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    for name in [*SETTINGS, "ENV_FILE"]:
        assert f"`{name}`" in table, name
    for limit in ("1–65535", "more than 0, at most 60", "1–64", "1–256", "1–100000"):
        assert limit in table, limit
