"""Micro-benchmark of the at-rest encryption path, with bare AES-GCM and HMAC as baselines.

Run: ``python benchmarks/crypto_bench.py [--iterations N] [--repeats R]``. Prints µs per
operation, the median of R timed runs of N operations each (time.perf_counter_ns). Target:
encrypt and decrypt of an API key ≤ 10 µs each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.keys.crypto import BindingContext, decrypt, encrypt, fingerprint
from bot.keys.keyring import Keyring

# A realistic sk-proj- key length (132 characters); not a real key.
API_KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 3 + "Q7r-T0u_W3x6"
CONTEXT = BindingContext("openai_api_key", "E0123456789", "T0123456789", "12345")


def time_per_operation(operation: Callable[[], object], iterations: int, repeats: int) -> float:
    """Median microseconds per call over ``repeats`` runs of ``iterations`` calls."""
    for _ in range(min(iterations, 1000)):  # warm up caches (the AESGCM object, allocators)
        operation()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        for _ in range(iterations):
            operation()
        runs.append((time.perf_counter_ns() - started) / iterations / 1000)
    return statistics.median(runs)


def measure(iterations: int, repeats: int) -> list[tuple[str, float]]:
    """(name, µs/op) for our wrapper and its baselines, measured in this same run."""
    keyring = Keyring.generate()
    stored = encrypt(keyring, API_KEY, CONTEXT)
    plaintext = API_KEY.encode()
    associated_data = CONTEXT.associated_data(keyring.active_id)
    bare = AESGCM(os.urandom(32))
    nonce = os.urandom(12)
    sealed = bare.encrypt(nonce, plaintext, associated_data)
    assert decrypt(keyring, stored, CONTEXT) == API_KEY
    cases: list[tuple[str, Callable[[], object]]] = [
        ("encrypt (ours)", lambda: encrypt(keyring, API_KEY, CONTEXT)),
        ("decrypt (ours)", lambda: decrypt(keyring, stored, CONTEXT)),
        (
            "AESGCM.encrypt + urandom (bare)",
            lambda: bare.encrypt(os.urandom(12), plaintext, associated_data),
        ),
        ("AESGCM.decrypt (bare)", lambda: bare.decrypt(nonce, sealed, associated_data)),
        ("fingerprint (HMAC-SHA256)", lambda: fingerprint(keyring, API_KEY)),
        ("BindingContext(...) (build AD)", lambda: BindingContext("p", "E1", "T1", "42")),
    ]
    return [(name, time_per_operation(call, iterations, repeats)) for name, call in cases]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    arguments = parser.parse_args(argv)
    results = measure(arguments.iterations, arguments.repeats)
    width = max(len(name) for name, _ in results)
    print(f"{'operation':<{width}}  µs/op (median of {arguments.repeats} x {arguments.iterations})")
    for name, microseconds in results:
        print(f"{name:<{width}}  {microseconds:8.2f}")


if __name__ == "__main__":
    main()
