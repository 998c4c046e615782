"""Benchmark of the pure candidacy core (not a test: it prints figures).

    uv run python bench/bench_candidacy.py [--seconds 2]

For Maria's two levels (T12, L1): the baseline is a JSON round trip of her measured
facts; the figure is one full evaluation — two Genant gradings, the CPT and ICD-10-CM
codes, the checklist review and all three shipped payer records parsed and evaluated —
printed as a ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from fractions import Fraction

from kyphoplan.clinical.candidacy import review
from kyphoplan.clinical.coding import Encounter, Osteoporosis, cpt_codes, icd10
from kyphoplan.clinical.grading import Heights, assess
from kyphoplan.clinical.payer_criteria import Evidence, Setting, evaluate, parse_record, shipped_records

FACTS = {"levels": {"T12": ["17.5", "24", "27", "28"], "L1": ["29", "23", "30", "30"]},
         "pain_nrs": 7, "setting": "outpatient", "weeks": 6, "answers": {"abs.infection": "absent"}}


def _rate(fn: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def baseline() -> object:
    return json.dumps(json.loads(json.dumps(FACTS)))


def evaluate_case() -> object:
    assessments = [assess(Heights.of(*h)) for h in FACTS["levels"].values()]  # type: ignore[attr-defined]
    codes = cpt_codes(list(FACTS["levels"]))  # type: ignore[arg-type]
    diagnosis = icd10(Osteoporosis.AGE_RELATED, Encounter.INITIAL)
    checked = review(FACTS["answers"], {"vertebra_plana": any(a.vertebra_plana for a in assessments)})  # type: ignore[arg-type]
    evidence = Evidence(pain_nrs=7, setting=Setting.OUTPATIENT, conservative_care_weeks=6, acute_on_imaging=True,
                        max_height_loss=max(a.max_loss for a in assessments) or Fraction(0),
                        levels=tuple(FACTS["levels"]))  # type: ignore[arg-type]
    results = [evaluate(parse_record(raw), evidence) for raw in shipped_records().values()]
    return codes, diagnosis, checked, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    evaluate_case()  # warm: data files read once
    base = _rate(baseline, seconds)
    full = _rate(evaluate_case, seconds)
    print(f"baseline JSON round trip of the facts: {base:,.0f}/s")
    print(f"full candidacy evaluation (2 levels, codes, checklist, 3 payers): {full:,.0f}/s "
          f"= {base / full:.1f}x the baseline's cost")


if __name__ == "__main__":
    main()
