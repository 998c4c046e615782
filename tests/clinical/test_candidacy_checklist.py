"""The candidacy checklist from REFERENCE §12."""

from __future__ import annotations

from kyphoplan.clinical.candidacy import Answer, ItemKind, checklist, review

ALL_ABSENT = {i.id: Answer.ABSENT.value for i in checklist().items if i.kind is not ItemKind.INDICATION}
INDICATED = {i.id: Answer.PRESENT.value for i in checklist().items if i.kind is ItemKind.INDICATION}


def test_it_lists_the_sources_absolute_and_relative_contraindications() -> None:
    kinds = {i.id: i.kind for i in checklist().items}
    assert [k for k, v in kinds.items() if v is ItemKind.ABSOLUTE] == [
        "abs.infection", "abs.coagulopathy", "abs.cement-contrast-allergy", "abs.asymptomatic", "abs.improving"]
    assert [k for k, v in kinds.items() if v is ItemKind.RELATIVE] == [
        "rel.radiculopathy", "rel.retropulsion", "rel.myelopathy", "rel.vertebra-plana", "rel.pregnancy"]
    assert all(i.source for i in checklist().items)


def test_it_blocks_on_an_absolute_contraindication_until_overridden() -> None:
    answers = {**ALL_ABSENT, **INDICATED, "abs.coagulopathy": "present"}
    assert [ln.item.id for ln in review(answers, {}).blocking] == ["abs.coagulopathy"]
    assert review(answers, {}, frozenset({"abs.coagulopathy"})).blocking == []


def test_it_only_flags_a_relative_contraindication() -> None:
    r = review({**ALL_ABSENT, **INDICATED, "rel.pregnancy": "present"}, {})
    assert r.blocking == [] and [ln.item.id for ln in r.flags] == ["rel.pregnancy"]


def test_it_takes_vertebra_plana_and_retropulsion_from_the_imaging() -> None:
    r = review({**ALL_ABSENT, **INDICATED}, {"vertebra_plana": True, "retropulsion": True})
    assert {ln.item.id for ln in r.flags} == {"rel.vertebra-plana", "rel.retropulsion"}
    assert all(ln.computed for ln in r.flags)


def test_it_never_reads_unanswered_as_absent() -> None:
    r = review({}, {})
    assert not r.signable and len(r.unassessed) == len(checklist().items)
    assert r.blocking == []  # unknown is not "present" either: it stops the signature, not the booking


def test_it_reads_no_oedema_as_not_acute_only_when_unanswered() -> None:
    r = review({}, {"acute_on_imaging": False})
    acute = next(ln for ln in r.lines if ln.item.id == "ind.acute-on-imaging")
    assert acute.answer is Answer.ABSENT and acute.computed
    assert "ind.acute-on-imaging" in {ln.item.id for ln in r.indications_missing}
