"""Benchmark of the preparation engine (not a test: it prints figures).

    uv run python bench/bench_engine.py [--seconds 2]

Prints, for one patient with 15 medicine lines:
- the baseline: parsing and serialising the same facts JSON (json.loads + json.dumps);
- full plans per second: JSON text → facts → plan → contract JSON text;
and for the labelled list of medicine lines (tests/clinical/data/medication_lines.tsv):
- the baseline: a JSON round trip of the list;
- recognition lines per second.
Each figure is printed with its ratio to the baseline measured in the same run.
Goal (issue 2): a full plan costs under 50x the baseline JSON round trip.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.plan import build_plan
from kyphoplan.clinical.recognition import clear_recognition_cache, recognize

ROOT = Path(__file__).resolve().parents[1]

FIFTEEN_MEDICINES = {
    "as_of": "2026-12-01T10:00:00-08:00",
    "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles",
                  "levels": ["T12", "L1"], "sedation": "moderate"},
    "patient": {"age": 78, "sex": "female", "weight_kg": 52, "smoker": True, "diabetes": "type2"},
    "medications": [
        "Plavix 75 mg once daily", "Eliquis 5mg twice a day", "metformin 1000 mg BID",
        "Lantus 30 units at bedtime", "Humalog sliding scale with meals", "atorvastatin 40 mg qhs",
        "lisinopril 20mg daily", "metoprolol succinate 50 mg", "levothyroxine 88 mcg every morning",
        "alendronate 70 mg weekly", "calcium 600 mg + D3", "omeprazole 20 mg", "gabapentin 300 mg tid",
        "prednisone 5 mg daily", "Ozempic 0.5 mg weekly",
    ],
    "allergies": ["iodinated contrast - hives 2019", "shellfish", "penicillin"],
    "labs": {"egfr": 42, "serum_creatinine_mg_dl": 1.3, "inr": 1.0, "platelets_10e9_per_l": 210},
    "protocol": "sir-2019",
}  # fmt: skip


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of `work`, run repeatedly for about `seconds`."""
    work()  # warm caches and imports outside the timed loop
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        work()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    text = json.dumps(FIFTEEN_MEDICINES)

    def full_plan() -> str:
        return json.dumps(plan_to_dict(build_plan(parse_facts(json.loads(text)))))

    def cold_plan() -> str:
        clear_recognition_cache()  # as if no line had been seen before
        return full_plan()

    baseline = rate(lambda: json.dumps(json.loads(text)), args.seconds)
    cold = rate(cold_plan, args.seconds)
    warm = rate(full_plan, args.seconds)
    print(f"patient with {len(FIFTEEN_MEDICINES['medications'])} medicines")
    print(f"  baseline JSON round trip         : {baseline:10,.0f} /s")
    print(f"  full plan, lines not seen before : {cold:10,.0f} /s   cost = {baseline / cold:6.1f}x baseline")
    print(f"  full plan, lines seen before     : {warm:10,.0f} /s   cost = {baseline / warm:6.1f}x baseline")
    output = plan_to_dict(build_plan(parse_facts(json.loads(text))))
    writing = rate(lambda: json.dumps(output), args.seconds)
    print(
        f"  of which writing the plan JSON   : {writing:10,.0f} /s   cost = {baseline / writing:6.1f}x baseline"
    )
    print(f"  sizes: facts {len(text):,} bytes in, plan {len(json.dumps(output)):,} bytes out")
    print("  goal: a full plan under 50x the baseline")

    with (ROOT / "tests/clinical/data/medication_lines.tsv").open(encoding="utf-8") as handle:
        lines = [row[0] for row in csv.reader(handle, delimiter="\t") if row and not row[0].startswith("#")]
    lines_text = json.dumps(lines)
    base_lines = rate(lambda: json.dumps(json.loads(lines_text)), args.seconds) * len(lines)

    def recognise_all() -> None:
        clear_recognition_cache()  # measure recognition itself, not the cache
        for line in lines:
            recognize(line)

    recognised = rate(recognise_all, args.seconds) * len(lines)
    print(f"labelled medicine lines: {len(lines)}")
    print(f"  baseline JSON round trip : {base_lines:12,.0f} lines/s")
    print(
        f"  recognition              : {recognised:12,.0f} lines/s   cost = {base_lines / recognised:6.1f}x baseline"
    )


if __name__ == "__main__":
    main()
