"""Instruments are data. Only NRS and our own questions ship; a practice loads a licensed
instrument from its own directory (here a made-up one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kyphoplan.followup import instruments
from kyphoplan.followup.instruments import BUNDLED, InstrumentError, load_all, score_of
from kyphoplan.followup.timepoints import TimePoint

MADE_UP = {
    "schema": "kyphoplan.instrument/1",
    "licence": "Made up for this test; stands in for a practice's licensed file.",
    "timepoints": ["m3"],
    "questionnaire": {
        "resourceType": "Questionnaire", "id": "madeup-back-index", "url": "https://example.org/Questionnaire/madeup",
        "version": "0.1", "title": "Made-up Back Index", "status": "active",
        "item": [{"linkId": f"mbi{n}", "text": f"Made-up section {n}", "type": "choice", "required": True,
                  "answerOption": [{"valueCoding": {"system": "https://example.org/mbi", "code": str(v),
                                                    "display": f"level {v}"}} for v in range(6)]}
                 for n in (1, 2, 3)],
    },
    "scores": [{"id": "index", "label": {"en": "Made-up index (%)"}, "method": "percent_of_max",
                "items": ["mbi1", "mbi2", "mbi3"], "max_per_item": 5}],
    "red_flags": [],
}


def test_it_ships_only_nrs_and_our_own_questions() -> None:
    shipped = sorted(p.name for p in BUNDLED.glob("*.json"))
    assert shipped == ["kyphoplan-nrs-pain.json", "kyphoplan-recovery.json", "kyphoplan-safety.json"]
    import re

    text = " ".join(p.read_text(encoding="utf-8").lower() for p in BUNDLED.glob("*.json"))
    for licensed in ("oswestry", r"\bodi\b", "eq-5d", "euroqol", "promis", "roland", "rmdq", "sf-36"):
        assert not re.search(licensed, text), licensed


def test_it_scores_like_odi_and_rmdq_without_shipping_them() -> None:
    from kyphoplan.followup.instruments import Score

    percent = Score("x", {"en": "x"}, "percent_of_max", ("a", "b", "c"), 5)
    assert score_of(percent, {"a": 5, "b": 0}) == 50.0  # total ÷ (5 × sections answered) × 100
    count = Score("y", {"en": "y"}, "count_true", ("a", "b", "c"))
    assert score_of(count, {"a": True, "b": False, "c": True}) == 2.0


def test_it_loads_a_practice_instrument_from_its_own_directory(tmp_path: Path) -> None:
    (tmp_path / "madeup.json").write_text(json.dumps(MADE_UP), encoding="utf-8")
    found = load_all(str(tmp_path))
    inst = found["madeup-back-index"]
    assert not inst.bundled and inst.timepoints == {TimePoint.MONTH_3}
    assert inst.score({"mbi1": "4", "mbi2": "2", "mbi3": "3"}) == {"index": 60.0}
    assert found["kyphoplan-nrs-pain"].bundled


@pytest.mark.parametrize(("change", "message"), [
    ({"schema": "other/1"}, "schema"),
    ({"timepoints": ["m2"]}, "timepoints"),
    ({"scores": [{"id": "s", "method": "median", "items": ["mbi1"]}]}, "method"),
    ({"scores": [{"id": "s", "method": "sum", "items": ["nope"]}]}, "items must be linkIds"),
    ({"questionnaire": {**MADE_UP["questionnaire"], "status": "published"}}, "questionnaire"),
])
def test_it_names_what_is_wrong_in_a_broken_file(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    (tmp_path / "broken.json").write_text(json.dumps({**MADE_UP, **change}), encoding="utf-8")
    with pytest.raises(InstrumentError, match=message) as caught:
        load_all(str(tmp_path))
    assert "broken.json" in str(caught.value)


@pytest.mark.django_db
def test_it_asks_and_scores_the_practice_instrument_at_its_time_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, booked: Any, client: Any, clock: Any,
) -> None:
    from kyphoplan.followup.answers import answer_checkin
    from kyphoplan.followup.links import make_token
    from kyphoplan.followup.models import CheckIn

    (tmp_path / "madeup.json").write_text(json.dumps(MADE_UP), encoding="utf-8")
    monkeypatch.setenv("KYPHOPLAN_INSTRUMENTS_DIR", str(tmp_path))
    instruments.registry.cache_clear()
    try:
        row = CheckIn.objects.get(case=booked, timepoint=TimePoint.MONTH_3)
        clock.move_to(row.due_at)
        page = client.get(f"/en/f/{make_token(row.pk)}/").content.decode()
        assert "Made-up section 2" in page  # no Spanish in the file: English is shown
        answers = {"pain_now": "2", "pain_worst": "3", "new_pain": "no", "fall": "no", "fever": "no",
                   "leg_weakness": "no", "mbi1": "1", "mbi2": "2", "mbi3": "3"}
        done = answer_checkin(row, answers, now=row.due_at)
        assert done.scores["madeup-back-index/index"] == 40.0
    finally:
        monkeypatch.delenv("KYPHOPLAN_INSTRUMENTS_DIR")
        instruments.registry.cache_clear()
