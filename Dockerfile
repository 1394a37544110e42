# syntax=docker/dockerfile:1
# openai-setup: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode on $PORT otherwise.

FROM python:3.12-slim AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN /opt/venv/bin/pip install .

FROM python:3.12-slim AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    PORT=3000
RUN groupadd --system app && useradd --system --gid app --home-dir /data app \
    && mkdir -p /data && chown app:app /data
COPY --from=build /opt/venv /opt/venv
USER app
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if os.environ.get('SLACK_APP_TOKEN') else urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["python", "-m", "bot"]
