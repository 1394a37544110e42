"""The leak watch's cost: detector throughput per core, and the ack latency of channel
message events into the app with the watch and without it, side by side.

Run from the repository root: ``.venv/bin/python benchmarks/leak_watch_bench.py``
(``--messages N`` in the corpus, ``--events N`` per app and level, ``--levels 1,8``).

(a) A seeded corpus of realistic channel messages: short chat lines (with words such as
    "task-1234", "risk-based", "sk-learn"), code blocks (with ``sk-...`` placeholders and
    ``os.environ["OPENAI_API_KEY"]``), pasted logs up to Slack's 40,000-character maximum,
    masked forms (``sk-proj-…abcd``, ``sk-***``), and 1 % with a key-shaped secret. One
    thread (one core) runs, over the whole corpus, median of 5 passes:
    - the watch's path as the app runs it: ``contains_key`` on the ack path, then
      ``find_keys`` after the ack for the messages that hold a key;
    - ``find_keys`` on every message (as if every message passed the ack test);
    - baseline: the bare ``"sk-" in text`` scan alone.
(b) Two ``python -m bot`` processes in HTTP mode (as ``tests/support/app_process.py`` starts
    them; FakeSlack, fake OpenAI, SQLite files): one with the watch, one with
    ``LEAK_WATCH=false`` (channel messages only acknowledged). The same signed
    ``message.channels`` events drawn from the corpus (each with its own event id) go to
    both, interleaved in rounds of 20 (alternating which goes first), at 1 and 8 concurrent
    clients; p50/p99 of the HTTP answer (the ack). The watch's work after the ack
    (database, Slack, OpenAI) runs in the app's slow-work pool and is not in the ack time;
    it does share the CPU.

Goals: ≥ 20,000 messages/s per core for the watch's path; ack p50 with the watch ≤ 1.1 x
without it at every level.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import string
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.keys.keyring import Keyring  # noqa: E402
from bot.rules.secrets import KEY_START, contains_key, find_keys  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.app_process import AppProcess  # noqa: E402
from tests.support.running_app import SIGNING_SECRET  # noqa: E402

GOAL_RATE = 20_000
GOAL_P50_RATIO = 1.1
ROUND = 20  # events per app in a row, before the other app's turn
MAX_CHARS = 40_000
_WORD_TEXT = (
    "the deploy is done can someone review my PR for the billing service we should rotate "
    "logs tomorrow task-1234 risk-based sk-learn pipeline staging prod api latency p99 quota "
    "429 retry backoff openai model gpt-4o-mini embeddings vector index cache ok thanks lunch "
    "meeting standup blocked on review merged reverted hotfix rollout"
)
WORDS = tuple(_WORD_TEXT.split(" "))
MASKED = ("sk-proj-…abcd", "sk-***", "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX", "sk-...", "sk-…9wxy")
KEY_CHARS = string.ascii_letters + string.digits + "_-"


def fake_secret(rng: random.Random) -> str:
    body = "".join(rng.choice(KEY_CHARS) for _ in range(64))
    return f"sk-proj-{body[:32]}T3BlbkFJ{body[32:]}"


def chat(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40)))


def code_block(rng: random.Random) -> str:
    lines = [
        "```",
        "import os",
        "from openai import OpenAI",
        'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])  # sk-... from the vault',
    ]
    for number in range(rng.randint(5, 80)):
        lines.append(f"    result_{number} = client.chat.completions.create(model='gpt-4o-mini')")
    lines.append("```")
    return "\n".join(lines)


def pasted_log(rng: random.Random, limit: int) -> str:
    lines: list[str] = []
    size = 0
    while size < limit:
        line = (
            f"2026-11-29T01:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z INFO "
            f"request_id=req_{rng.getrandbits(64):016x} path=/v1/chat/completions "
            f"status={rng.choice((200, 200, 200, 429, 500))} latency_ms={rng.randint(80, 4000)} "
            f"task-{rng.randint(1, 9999)} key={rng.choice(MASKED)}"
        )
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:limit]


def corpus(count: int, seed: int = 11) -> list[str]:
    """Mostly short chat, some code and logs, a few at the 40,000 maximum; 1 % with a key."""
    rng = random.Random(seed)
    messages = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.80:
            text = chat(rng)
        elif roll < 0.90:
            text = code_block(rng)
        elif roll < 0.99:
            text = pasted_log(rng, rng.choice((1_000, 4_000, 12_000)))
        else:
            text = pasted_log(rng, MAX_CHARS)
        if rng.random() < 0.05:
            text += f" ({rng.choice(MASKED)})"
        if number % 100 == 50:
            text = f"{text[: MAX_CHARS - 200]} here you go {fake_secret(rng)}"
        messages.append(text[:MAX_CHARS])
    return messages


def watch_path(messages: list[str]) -> int:
    """What the app runs per channel message: ``contains_key`` on the ack path, and
    ``find_keys`` again after the ack for the few that hold a key."""
    found = 0
    for text in messages:
        if contains_key(text):
            found += len(find_keys(text))
    return found


def detector_everywhere(messages: list[str]) -> int:
    return sum(len(find_keys(text)) for text in messages)


def bare_scan(messages: list[str]) -> int:
    return sum(KEY_START in text for text in messages)


def rate(function: object, messages: list[str], passes: int = 5) -> tuple[float, int]:
    timings = []
    result = 0
    for _ in range(passes):
        started = time.perf_counter()
        result = function(messages)  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return len(messages) / statistics.median(timings), result


# --- (b) ack latency ----------------------------------------------------------------------
def event_body(text: str, number: int, tag: str) -> bytes:
    event = payloads.message_channel(text, user_id=f"U0BENCH{number % 50:02d}")
    return payloads.event_callback(event, event_id=f"Ev{tag}{number:08d}")


def send_all(port: int, bodies: list[bytes], clients: int) -> list[float]:
    """``clients`` threads with a keep-alive connection each; the ms of every answer."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    verifier = SignatureVerifier(SIGNING_SECRET)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body in bodies[number::clients]:
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": verifier.generate_signature(timestamp=timestamp, body=body)
                or "",
            }
            started = time.perf_counter()
            connection.request("POST", "/slack/events", body, headers)
            response = connection.getresponse()
            response.read()
            latencies[number].append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"the app answered {response.status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [value for values in latencies for value in values]


def start_app(slack: FakeSlack, fake_openai: FakeOpenAI, folder: Path, watch: bool) -> AppProcess:
    data = folder / ("watch" if watch else "nowatch")
    data.mkdir(mode=0o700)
    keyring_file = data / "keyring.json"
    Keyring.generate().save(keyring_file)
    return AppProcess(
        slack,
        database_url=f"sqlite:///{data / 'app.sqlite3'}",
        data_dir=data,
        log_file=folder / f"{data.name}.log",
        KEYRING_FILE=str(keyring_file),
        OPENAI_BASE_URL=fake_openai.base_url,
        LEAK_WATCH="true" if watch else "false",
        LOG_LEVEL="WARNING",
    )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000, help="messages in the corpus")
    parser.add_argument("--events", type=int, default=1000, help="events per app and level")
    parser.add_argument("--levels", default="1,8", help="concurrent clients, comma separated")
    arguments = parser.parse_args(argv)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"leak watch benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}"
    )
    print(
        f"goals: watch path ≥ {GOAL_RATE:,} messages/s per core; ack p50 with the watch ≤ "
        f"{GOAL_P50_RATIO}x without"
    )
    messages = corpus(arguments.messages)
    sizes = sorted(len(text) for text in messages)
    with_key = sum(1 for text in messages if find_keys(text))
    print(
        f"\n(a) corpus: {len(messages):,} messages, {sum(sizes) / 1e6:.1f} M characters, median "
        f"{sizes[len(sizes) // 2]:,}, max {sizes[-1]:,}; {with_key} hold a key; one thread"
    )
    print(f"{'path':<44} {'messages/s':>11} {'MB/s':>7} {'keys':>5}  goal")
    total_mb = sum(sizes) / 1e6
    all_met = True
    for label, function, goal in (
        ("bare 'sk-' in text (baseline)", bare_scan, None),
        ("watch path (contains_key, then find_keys)", watch_path, GOAL_RATE),
        ("find_keys on every message", detector_everywhere, None),
    ):
        per_second, keys = rate(function, messages)
        seconds = len(messages) / per_second
        verdict = "baseline" if function is bare_scan else "reference"
        if goal is not None:
            met = per_second >= goal
            all_met &= met
            verdict = "met" if met else "MISSED"
        shown_keys = "-" if function is bare_scan else str(keys)
        print(
            f"{label:<44} {per_second:11,.0f} {total_mb / seconds:7.0f} {shown_keys:>5}  {verdict}"
        )

    print(
        f"\n(b) ack of signed message.channels events, {arguments.events} per app and level, "
        f"python -m bot (HTTP mode, defaults), SQLite, interleaved in rounds of {ROUND}"
    )
    print(f"{'app':<22} {'clients':>7} {'p50 ms':>7} {'p99 ms':>7} {'p50/without':>11}  goal")
    slack = FakeSlack()
    fake_openai = FakeOpenAI()
    with tempfile.TemporaryDirectory(prefix="leak-watch-") as temporary:
        folder = Path(temporary)
        apps = {
            "without the watch": start_app(slack, fake_openai, folder, watch=False),
            "with the watch": start_app(slack, fake_openai, folder, watch=True),
        }
        try:
            rng = random.Random(5)
            for clients in [int(level) for level in arguments.levels.split(",")]:
                timings: dict[str, list[float]] = {name: [] for name in apps}
                # Warm-up, with one key: the first live check imports the openai SDK (once
                # per worker process, a few hundred ms of CPU), which is not steady state.
                warm_texts = [chat(rng) for _ in range(19)] + [f"key {fake_secret(rng)}"]
                warm = [event_body(text, n, f"W{clients}") for n, text in enumerate(warm_texts)]
                for app in apps.values():
                    send_all(app.port, warm, clients)
                for start in range(0, arguments.events, ROUND):
                    texts = [rng.choice(messages) for _ in range(ROUND)]
                    # Alternate which app goes first, so neither always follows the other.
                    order = list(apps.items())
                    if (start // ROUND) % 2:
                        order.reverse()
                    for name, app in order:
                        tag = f"{name[:4].upper()}{clients}"
                        bodies = [event_body(t, start + n, tag) for n, t in enumerate(texts)]
                        timings[name] += send_all(app.port, bodies, clients)
                base = statistics.median(timings["without the watch"])
                for name, values in timings.items():
                    p50 = statistics.median(values)
                    verdict = "baseline"
                    if name == "with the watch":
                        met = p50 <= GOAL_P50_RATIO * base
                        all_met &= met
                        verdict = "met" if met else "MISSED"
                    print(
                        f"{name:<22} {clients:>7} {p50:7.2f} {percentile(values, 99):7.2f} "
                        f"{p50 / base:10.2f}x  {verdict}"
                    )
            alerts = len(slack.calls_to("chat.postEphemeral"))
            print(f"\nephemeral messages (nudges, live-check answers) during (b): {alerts}")
        finally:
            for app in apps.values():
                app.terminate()
            fake_openai.close()
            slack.close()
    print("\nall goals met" if all_met else "\nsome goals MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
