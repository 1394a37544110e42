"""``python -m bot.healthcheck``: the container's HEALTHCHECK (exit 0 when healthy).

Both modes serve ``GET /healthz`` on ``$PORT``: it answers 200 when the database answers and,
in Socket Mode, the socket to Slack is connected; anything else (503, no answer) is unhealthy.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "3000")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
