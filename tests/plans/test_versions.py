import pytest
from django.db import DatabaseError, connection, transaction

from kyphoplan.plans import services
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanOverlay, PlanVersion, Reason
from tests.pathway.fixtures import NOW

PLAN = {
    "procedure": {"start": "2026-12-14T08:00:00-08:00"}, "medications": [], "flags": [],
    "actions": [{"code": "bring-medication-list", "due": "2026-12-14T07:00:00-08:00", "text": "Bring",
                 "texts": {"en": "Bring", "es": "Traiga"}, "audience": "patient"}],
}


@pytest.fixture
def version(maria_case):
    return PlanVersion.objects.create(case=maria_case, number=1, created_at=NOW, reason=Reason.INTAKE,
                                      facts={"as_of": "x"}, plan=PLAN, ruleset_version="test")


def test_it_records_a_clinician_change_as_an_overlay_with_a_reason(version, nora):
    with pytest.raises(ValueError, match="reason"):
        services.add_override(nora, version, kind=OverlayKind.REPLACE, code="bring-medication-list",
                              texts={"es": "x"}, reason=" ", ip=None, now=NOW)
    services.add_override(nora, version, kind=OverlayKind.REPLACE, code="bring-medication-list",
                          texts={"es": "Bring all your boxes."}, reason="she forgets", ip=None, now=NOW)
    lines = services.lines_for(version, "es")
    assert lines[0].text == "Bring all your boxes." and lines[0].by == "nora"
    version.refresh_from_db()
    assert version.plan == PLAN  # the engine output is untouched


def test_it_lets_only_clinicians_edit_or_sign(version, sam):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.sign_version(sam, version, acknowledged=[], ip=None, now=NOW)


def test_it_never_changes_a_signed_version(version, nora):
    services.sign_version(nora, version, acknowledged=[], ip=None, now=NOW)
    assert version.signed and version.signed_by == nora
    version.plan = {"actions": []}
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()
    with pytest.raises(ImmutableError):
        PlanVersion.objects.filter(pk=version.pk).update(plan={})
    with pytest.raises(ImmutableError):
        services.add_override(nora, version, kind=OverlayKind.ADD, texts={"en": "Extra"}, reason="r", ip=None,
                              now=NOW)
    with pytest.raises(ImmutableError):
        services.sign_version(nora, version, acknowledged=[], ip=None, now=NOW)


def test_it_has_the_database_refuse_to_change_a_signed_version(version, nora):
    services.sign_version(nora, version, acknowledged=[], ip=None, now=NOW)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_planversion SET plan = %s WHERE id = %s", ['{"actions": []}', version.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO plans_planoverlay (version_id, kind, text, reason, by_id, at) VALUES (%s, 'add', 'x', 'r', %s, %s)",
            [version.pk, nora.pk, NOW])
    assert not PlanOverlay.objects.exists()
    version.refresh_from_db()
    assert version.plan == PLAN


PREMEDICATION = {**PLAN, "actions": [*PLAN["actions"], {
    "code": "take-premedication", "drug": "prednisone", "due": "2026-12-13T20:00:00-08:00", "audience": "patient",
    "text": "Only if your radiologist approves: take prednisone 50 mg.",
    "texts": {"en": "Only if your radiologist approves: take prednisone 50 mg.",
              "es": "Solo si su radiólogo lo aprueba: tome 50 mg de prednisona."}}]}


def test_it_leaves_a_plan_with_premedication_for_a_radiologist_to_sign(maria_case, nora, rita):
    """Premedication is a prescription: the signed plan tells Maria "your radiologist wants you to
    take this", so Nora may review it but Rita signs it (an outside tester saw a nurse sign it)."""
    from kyphoplan.audit.models import Action, AuditEvent

    version = PlanVersion.objects.create(case=maria_case, number=1, created_at=NOW, reason=Reason.INTAKE,
                                         facts={"as_of": "x"}, plan=PREMEDICATION, ruleset_version="test")
    with pytest.raises(services.NeedsRadiologist):
        services.sign_version(nora, version, acknowledged=[], ip=None, now=NOW)
    version.refresh_from_db()
    assert not version.signed
    assert AuditEvent.objects.filter(action=Action.DENIED, detail__needs="radiologist").exists()

    services.sign_version(rita, version, acknowledged=[], ip=None, now=NOW)
    version.refresh_from_db()
    assert version.signed and version.signed_by == rita
