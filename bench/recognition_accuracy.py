"""Precision and recall of medicine-line recognition on the labelled list.

Run: uv run python bench/recognition_accuracy.py [path/to/lines.tsv]

A line counts as right only when its ingredient list is exactly the label
(order included). Precision: right / lines recognised. Recall: right / lines
that should be recognised. The antithrombotic + diabetes subset is reported on
its own, and so is every antithrombotic the recogniser reported that the label
does not have (the figure that must stay zero).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kyphoplan.clinical.drugs import (
    ANTITHROMBOTIC_CLASSES,
    DIABETES_CLASSES,
    PseudoIngredient,
    load_drug_knowledge,
)
from kyphoplan.clinical.model import RecognizedMedication
from kyphoplan.clinical.recognition import recognize

DEFAULT_LINES = Path(__file__).resolve().parent.parent / "tests/clinical/data/medication_lines.tsv"


@dataclass(frozen=True)
class LabelledLine:
    line: str
    expected: tuple[str, ...]  # () when the line must stay unrecognised


@dataclass
class Score:
    lines: int = 0
    should_recognise: int = 0
    recognised: int = 0
    right: int = 0
    misses: list[tuple[LabelledLine, RecognizedMedication]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.recognised if self.recognised else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.should_recognise if self.should_recognise else 1.0


@dataclass
class Report:
    overall: Score
    sensitive: Score  # lines labelled or read as an antithrombotic or diabetes medicine
    antithrombotic: Score  # lines labelled or read as an antithrombotic
    diabetes: Score  # lines labelled or read as a diabetes medicine
    antithrombotic_false_positives: list[tuple[LabelledLine, RecognizedMedication]]
    false_antithrombotics: dict[str, set[str]]  # line -> antithrombotic ingredients the label lacks
    milliseconds_per_line: float


def read_labelled_lines(path: Path = DEFAULT_LINES) -> list[LabelledLine]:
    labelled: list[LabelledLine] = []
    rows = path.read_text(encoding="utf-8").splitlines()
    for number, row in enumerate(rows, start=1):
        if not row.strip() or row.startswith("#") or row == "line\texpected":
            continue
        parts = row.split("\t")
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 2 tab-separated columns, got {len(parts)}")
        line, expected = parts
        labelled.append(LabelledLine(line, () if expected == "-" else tuple(expected.split("+"))))
    return labelled


def _count(score: Score, item: LabelledLine, result: RecognizedMedication) -> None:
    score.lines += 1
    score.should_recognise += bool(item.expected)
    score.recognised += result.recognized
    right = result.recognized and result.ingredients == item.expected
    score.right += right
    if right != bool(item.expected) or (result.recognized and not right):
        score.misses.append((item, result))


def evaluate(labelled: Sequence[LabelledLine]) -> Report:
    knowledge = load_drug_knowledge()
    recognize("warm-up plavics", knowledge)  # first use loads the spelling index
    started = time.perf_counter()
    results = [recognize(item.line, knowledge) for item in labelled]
    elapsed = time.perf_counter() - started

    def classes(names: Sequence[str]) -> set[str]:
        return {knowledge.ingredient(n).drug_class for n in names if n in knowledge.ingredients}

    overall, sensitive, antithrombotic, diabetes = Score(), Score(), Score(), Score()
    false_antithrombotic: list[tuple[LabelledLine, RecognizedMedication]] = []
    false_names: dict[str, set[str]] = {}
    for item, result in zip(labelled, results, strict=True):
        _count(overall, item, result)
        plan_changing = ANTITHROMBOTIC_CLASSES | DIABETES_CLASSES
        both = classes(item.expected) | classes(result.ingredients)
        if both & plan_changing:
            _count(sensitive, item, result)
        if both & ANTITHROMBOTIC_CLASSES:
            _count(antithrombotic, item, result)
        if both & DIABETES_CLASSES:
            _count(diabetes, item, result)
        reported = {n for n in result.ingredients if classes([n]) & ANTITHROMBOTIC_CLASSES}
        if reported - set(item.expected):
            false_antithrombotic.append((item, result))
            false_names[item.line] = reported - set(item.expected)
    per_line = elapsed / len(labelled) * 1000 if labelled else 0.0
    return Report(overall, sensitive, antithrombotic, diabetes, false_antithrombotic, false_names, per_line)


def _describe(score: Score, title: str) -> list[str]:
    out = [
        f"{title}: {score.lines} lines, {score.should_recognise} to recognise, "
        f"{score.recognised} recognised, {score.right} right",
        f"  precision {score.precision:.3f}   recall {score.recall:.3f}",
    ]
    for item, result in score.misses:
        got = "+".join(result.ingredients) if result.recognized else "-"
        out.append(f"  miss: {item.line!r}: expected {'+'.join(item.expected) or '-'}, got {got}")
    return out


def main(argv: Sequence[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_LINES
    report = evaluate(read_labelled_lines(path))
    print(f"labelled lines: {path}")
    print("\n".join(_describe(report.overall, "all lines")))
    print("\n".join(_describe(report.sensitive, "antithrombotic + diabetes subset")))
    for score, title in ((report.antithrombotic, "blood thinners"), (report.diabetes, "diabetes medicines")):
        print(f"{title}: {score.lines} lines, precision {score.precision:.3f}, recall {score.recall:.3f}")
    named = [
        (item, result)
        for item, result in report.antithrombotic_false_positives
        if any(name != PseudoIngredient.BLOOD_THINNER for name in report.false_antithrombotics[item.line])
    ]
    print(f"antithrombotic false positives: {len(report.antithrombotic_false_positives)}")
    print(f"  of which name a drug (a possible false 'stop'): {len(named)}")
    for item, result in report.antithrombotic_false_positives:
        print(f"  {item.line!r} read as {'+'.join(result.ingredients)}")
    print(f"time: {report.milliseconds_per_line:.3f} ms per line")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
