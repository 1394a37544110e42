"""``python -m bot.healthcheck``: the container's HEALTHCHECK (exit 0 when healthy).

HTTP mode: ``GET http://127.0.0.1:$PORT/healthz`` must answer 200. Socket Mode serves no
HTTP, so a running process is all there is to check.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    if os.environ.get("SLACK_APP_TOKEN") and not os.environ.get("SLACK_CLIENT_ID"):
        return 0
    port = os.environ.get("PORT", "3000")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
