"""Readability of the plan's patient instructions (not a test: it prints figures).

    uv run python bench/plan_readability.py

Every patient-audience instruction of every vignette and example plan, once
each, measured with textstat offline: Flesch-Kincaid grade for English,
Fernández-Huerta and Szigriszt-Pazos for Spanish. Drug names are included,
which only makes the scores worse. tests/clinical/test_wording.py holds the bars.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import textstat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.clinical.vector_matching import plan_json  # noqa: E402


def main() -> None:
    paths = sorted((ROOT / "tests/clinical/vignettes").glob("*.json")) + sorted(
        (ROOT / "examples").glob("*.json")
    )
    english: set[str] = set()
    spanish: set[str] = set()
    for path in paths:
        document = json.loads(path.read_text(encoding="utf-8"))
        for action in plan_json(document.get("facts", document))["actions"]:
            if action["audience"] == "patient":
                english.add(action["texts"]["en"])
                spanish.add(action["texts"]["es"])
    en_text, es_text = " ".join(sorted(english)), " ".join(sorted(spanish))
    textstat.set_lang("en")
    print(f"{len(paths)} plans, {len(english)} distinct English and {len(spanish)} Spanish instructions")
    print(
        f"  English Flesch-Kincaid grade : {textstat.flesch_kincaid_grade(en_text):5.1f}  (bar: 8 or lower)"
    )
    textstat.set_lang("es")
    print(f"  Spanish Fernández-Huerta     : {textstat.fernandez_huerta(es_text):5.1f}  (bar: 60 or higher)")
    print(f"  Spanish Szigriszt-Pazos      : {textstat.szigriszt_pazos(es_text):5.1f}")


if __name__ == "__main__":
    main()
