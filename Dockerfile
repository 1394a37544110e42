# syntax=docker/dockerfile:1
# openai-setup: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode on $PORT otherwise.
# Build: docker build -t openai-setup .    Run: see README.md ("Container").
# The base image is pinned to an exact Python patch release and Debian release; its Python
# minor is .python-version's, the one CI tests with (tests/test_python_version.py compares
# them). Add the digest (`docker buildx imagetools inspect python:3.11.7-slim-bookworm`) where
# a registry can be asked; it could not be read from this build machine, and a wrong or
# single-platform digest would break every build.

FROM python:3.11.7-slim-bookworm AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
# The dependencies first, in their own layer: a change to the code alone reuses it.
# Only the runtime ones: the dev extras (pytest, ruff, ...) stay out of the image.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && /opt/venv/bin/pip install -r requirements.txt
COPY README.md LICENSE ./
COPY bot ./bot
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11.7-slim-bookworm AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home app \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# Healthy when /healthz on $PORT answers 200: the database is reachable and, in Socket Mode,
# the socket to Slack is connected (Socket Mode serves /healthz too, nothing else).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
