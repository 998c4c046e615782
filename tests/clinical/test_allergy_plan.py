"""Allergies before kyphoplasty (REFERENCE.md §8, §11): personas with hand-derived times.

The procedure is Monday 14 December 2026 at 08:00 in Los Angeles; the plan is
made on 1 December unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kyphoplan.clinical.allergy_plan import plan_allergies
from kyphoplan.clinical.context import PlanContext
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.model import (
    Action,
    ActionCode,
    AllergyAssessment,
    Audience,
    Flag,
    FlagCode,
    Severity,
)
from kyphoplan.clinical.preparation import load_preparation_rules
from kyphoplan.clinical.renal import creatinine_clearance


def allergy(
    line: str, category: str, reaction: str | None = None, recognized: bool = True
) -> AllergyAssessment:
    return AllergyAssessment(input=line, category=category, recognized=recognized, reaction=reaction)


CONTRAST_HIVES = allergy("iodinated contrast - hives 2019", "iodinated-contrast", "hives")
CONTRAST_ANAPHYLAXIS = allergy("CT dye - anaphylaxis", "iodinated-contrast", "anaphylaxis")
CONTRAST_MILD = allergy("contrast dye - mild itching", "iodinated-contrast", "mild itching")


def context(*allergies: AllergyAssessment, **extra: Any) -> PlanContext:
    facts = parse_facts(
        {
            "as_of": extra.pop("as_of", "2026-12-01T10:00:00-08:00"),
            "procedure": {
                "start": extra.pop("start", "2026-12-14T08:00:00-08:00"),
                "timezone": "America/Los_Angeles",
            },
            "allergies": [a.input for a in allergies],
            **extra,
        }
    )
    return PlanContext(
        facts=facts,
        medications=(),
        allergies=allergies,
        crcl=creatinine_clearance(facts),
        rules=load_preparation_rules(),
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def actions(ctx: PlanContext, code: ActionCode) -> list[Action]:
    return [a for a in plan_allergies(ctx).actions if a.code is code]


def flags(ctx: PlanContext, code: FlagCode) -> list[Flag]:
    return [f for f in plan_allergies(ctx).flags if f.code is code]


def test_it_proposes_the_acr_premedication_after_hives_from_contrast() -> None:
    ctx = context(CONTRAST_HIVES)
    doses = actions(ctx, ActionCode.TAKE_PREMEDICATION)
    assert [(a.drug, a.due) for a in doses] == [
        ("prednisone", at("2026-12-13T19:00:00-08:00")),  # 13 h before
        ("prednisone", at("2026-12-14T01:00:00-08:00")),  # 7 h before
        ("prednisone", at("2026-12-14T07:00:00-08:00")),  # 1 h before
        ("diphenhydramine", at("2026-12-14T07:00:00-08:00")),
    ]
    assert all(a.requires_review and a.audience is Audience.PATIENT for a in doses)
    assert all(a.rule == "acr-cm.contrast-premedication" for a in doses)
    assert "50 mg" in doses[0].text.en and "radiologist approves" in doses[0].text.en
    (history,) = flags(ctx, FlagCode.CONTRAST_REACTION_HISTORY)
    assert history.severity is Severity.HIGH
    for alternative in ("methylprednisolone 32 mg", "12 and 2 h", "hydrocortisone 200 mg IV", "every 4 h"):
        assert alternative in history.text.en
    assert "13, 7 y 1 h" in history.text.es


def test_it_times_premedication_across_the_spring_forward_night() -> None:
    # Sunday 8 March 2026 08:00 PDT; clocks jumped from 02:00 to 03:00 that night.
    ctx = context(CONTRAST_HIVES, start="2026-03-08T08:00:00-07:00", as_of="2026-03-01T10:00:00-08:00")
    dues = [a.due for a in actions(ctx, ActionCode.TAKE_PREMEDICATION)]
    assert dues[:3] == [
        at("2026-03-07T18:00:00-08:00"),
        at("2026-03-08T00:00:00-08:00"),
        at("2026-03-08T07:00:00-07:00"),
    ]


def test_it_flags_a_premedication_that_should_already_have_started() -> None:
    ctx = context(CONTRAST_HIVES, as_of="2026-12-13T20:00:00-08:00")
    (late,) = flags(ctx, FlagCode.INSUFFICIENT_LEAD_TIME)
    assert "accelerated" in late.text.en


def test_it_asks_staff_to_tell_the_radiologist_three_days_ahead() -> None:
    (notify,) = actions(context(CONTRAST_HIVES), ActionCode.NOTIFY_RADIOLOGIST)
    assert notify.due == at("2026-12-11T09:00:00-08:00")
    assert notify.audience is Audience.CLINICIAN
    assert notify.rule == "source.contrast-notify-radiologist"
    assert "iodinated contrast - hives 2019" in notify.text.en


def test_it_notifies_now_when_the_notice_date_has_passed() -> None:
    ctx = context(CONTRAST_HIVES, as_of="2026-12-12T10:00:00-08:00")
    (notify,) = actions(ctx, ActionCode.NOTIFY_RADIOLOGIST)
    assert notify.due == at("2026-12-12T10:00:00-08:00")


def test_it_switches_the_agent_without_premedication_after_a_mild_reaction_under_acr_aaaai() -> None:
    ctx = context(CONTRAST_MILD, policies={"contrast": "acr-aaaai-2025"})
    assert not actions(ctx, ActionCode.TAKE_PREMEDICATION)
    (history,) = flags(ctx, FlagCode.CONTRAST_REACTION_HISTORY)
    assert history.rule == "acr-aaaai-2025.prior-reaction"
    assert "different contrast agent" in history.text.en


def test_it_premedicates_and_switches_after_a_severe_reaction_under_acr_aaaai() -> None:
    ctx = context(CONTRAST_ANAPHYLAXIS, policies={"contrast": "acr-aaaai-2025"})
    assert len(actions(ctx, ActionCode.TAKE_PREMEDICATION)) == 4
    (history,) = flags(ctx, FlagCode.CONTRAST_REACTION_HISTORY)
    assert "switch" in history.text.en


def test_it_warns_when_the_patient_is_allergic_to_a_premedication_drug() -> None:
    ctx = context(CONTRAST_HIVES, allergy("prednisone - psychosis", "medication", "psychosis"))
    conflicts = [f for f in flags(ctx, FlagCode.CONTRAST_REACTION_HISTORY) if f.input]
    assert [f.input for f in conflicts] == ["prednisone - psychosis"]


def test_it_reassures_about_shellfish_without_premedication() -> None:
    ctx = context(allergy("shellfish", "shellfish"))
    (note,) = actions(ctx, ActionCode.INFORMATION)
    assert note.audience is Audience.PATIENT
    assert "not an allergy to the X-ray dye" in note.text.en
    assert not actions(ctx, ActionCode.TAKE_PREMEDICATION)
    assert not actions(ctx, ActionCode.NOTIFY_RADIOLOGIST)
    assert not plan_allergies(ctx).flags


def test_it_asks_what_an_iodine_allergy_really_was() -> None:
    ctx = context(allergy("iodine", "iodine"))
    (clarify,) = flags(ctx, FlagCode.IODINE_ALLERGY_CLARIFY)
    assert clarify.severity is Severity.LOW
    assert clarify.input == "iodine"
    assert actions(ctx, ActionCode.INFORMATION)
    assert actions(ctx, ActionCode.NOTIFY_RADIOLOGIST)
    assert not actions(ctx, ActionCode.TAKE_PREMEDICATION)


def test_it_does_not_question_a_povidone_iodine_allergy() -> None:
    ctx = context(allergy("Betadine - rash", "iodine", "rash"))
    assert not flags(ctx, FlagCode.IODINE_ALLERGY_CLARIFY)
    (note,) = actions(ctx, ActionCode.INFORMATION)
    assert "Betadine" in note.text.en


def test_it_explains_gadolinium_does_not_cross_react() -> None:
    ctx = context(allergy("gadolinium - hives", "gadolinium-contrast", "hives"))
    notes = actions(ctx, ActionCode.INFORMATION)
    assert {a.audience for a in notes} == {Audience.PATIENT, Audience.CLINICIAN}
    assert not actions(ctx, ActionCode.TAKE_PREMEDICATION)
    assert not flags(ctx, FlagCode.CONTRAST_REACTION_HISTORY)


def test_it_sends_a_cement_allergy_to_the_radiologist() -> None:
    ctx = context(allergy("PMMA bone cement", "bone-cement"))
    (cement,) = flags(ctx, FlagCode.CEMENT_ALLERGY)
    assert cement.severity is Severity.HIGH
    (notify,) = actions(ctx, ActionCode.NOTIFY_RADIOLOGIST)
    assert notify.rule == "lcd.cement-allergy"


def test_it_never_drops_an_allergy_line_it_does_not_understand() -> None:
    ctx = context(allergy("the purple stuff", "unknown", recognized=False))
    (unknown,) = flags(ctx, FlagCode.UNRECOGNIZED_ALLERGY)
    assert unknown.input == "the purple stuff"


def test_it_adds_nothing_for_ordinary_allergies_or_none() -> None:
    ctx = context(
        allergy("penicillin - rash", "medication", "rash"),
        allergy("latex", "latex"),
        allergy("peanuts", "food-other"),
        allergy("NKDA", "no-known-allergies"),
    )
    result = plan_allergies(ctx)
    assert not result.actions and not result.flags
