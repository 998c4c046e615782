from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.cases import services
from kyphoplan.cases.models import Channel, LinkPurpose, PatientLink
from kyphoplan.cases.workflow import CaseStatus, CaseWorkflowError, allowed_next, check_transition
from kyphoplan.pathway.services import send_link
from tests.pathway.fixtures import NOW


def test_it_moves_forward_back_one_step_or_cancels_with_a_reason():
    assert CaseStatus.REVIEW in allowed_next(CaseStatus.REFERRED)
    assert allowed_next(CaseStatus.REVIEW)[-2:] == [CaseStatus.INTAKE, CaseStatus.CANCELLED]
    assert allowed_next(CaseStatus.CANCELLED) == []
    assert CaseStatus.CANCELLED not in allowed_next(CaseStatus.DONE)
    with pytest.raises(CaseWorkflowError, match="reason"):
        check_transition(CaseStatus.INTAKE, CaseStatus.CANCELLED)
    with pytest.raises(CaseWorkflowError):
        check_transition(CaseStatus.REVIEW, CaseStatus.REFERRED)


def test_it_makes_one_case_from_a_call_back_request_in_one_step(maria_request, sam):
    case = services.case_from_callback(sam, maria_request, ip="10.0.0.1", now=NOW)
    again = services.case_from_callback(sam, maria_request, ip="10.0.0.1", now=NOW)
    assert again.pk == case.pk
    assert case.patient_name == "Maria Testpatient" and case.language == "es" and case.sms_reminders
    assert case.status == CaseStatus.REFERRED and case.reference.startswith("KC-")
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action=Action.CREATE).count() == 1


def test_it_lets_only_the_care_team_open_cases(maria_request, rita):
    with pytest.raises(PermissionDenied):
        services.case_from_callback(rita, maria_request, ip=None, now=NOW)
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_username="rita").exists()


def test_it_stores_only_the_hash_of_a_patient_link(maria_case, sam):
    link, token = services.issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN,
                                      ip=None, now=NOW)
    assert token not in link.token_hash and len(token) >= 40
    assert services.open_link(token, LinkPurpose.INTAKE, ip=None, now=NOW + timedelta(days=1)).pk == link.pk
    # The same token does not open the plan page, and a guess opens nothing.
    assert services.open_link(token, LinkPurpose.PLAN, ip=None, now=NOW) is None
    assert services.open_link("guess" * 9, LinkPurpose.INTAKE, ip=None, now=NOW) is None
    maria_case.refresh_from_db()
    assert maria_case.status == CaseStatus.INTAKE


def test_it_keeps_earlier_links_live_and_stops_one_when_it_expires_or_is_revoked(maria_case, sam):
    first, t1 = services.issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN,
                                    ip=None, now=NOW)
    assert services.open_link(t1, LinkPurpose.INTAKE, ip=None, now=NOW + timedelta(days=15)) is None
    second, t2 = services.issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN,
                                     ip=None, now=NOW)
    # Maria may tap the text after the email: both open until one is revoked on purpose.
    assert services.open_link(t1, LinkPurpose.INTAKE, ip=None, now=NOW) is not None
    assert services.open_link(t2, LinkPurpose.INTAKE, ip=None, now=NOW) is not None
    services.revoke_link(sam, second, ip=None, now=NOW)
    assert services.open_link(t2, LinkPurpose.INTAKE, ip=None, now=NOW) is None
    assert services.open_link(t1, LinkPurpose.INTAKE, ip=None, now=NOW) is not None
    second.refresh_from_db()
    assert second.state(NOW, intake_submitted=False) == "Revoked by staff: it no longer opens"
    assert first.state(NOW, intake_submitted=False) == "Live: it opens"
    assert first.state(NOW, intake_submitted=True) == "Answers sent: it no longer opens the form"
    assert first.state(NOW + timedelta(days=15), intake_submitted=False) == "Expired: it no longer opens"


def test_it_audits_every_open_of_a_link_good_or_bad(maria_case, sam):
    _, token = services.issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN,
                                   ip=None, now=NOW)
    services.open_link(token, LinkPurpose.INTAKE, ip="10.1.1.1", now=NOW)
    services.open_link(token, LinkPurpose.INTAKE, ip="10.1.1.1", now=NOW)
    services.open_link("nope" * 11, LinkPurpose.INTAKE, ip="10.9.9.9", now=NOW)
    rows = AuditEvent.objects.filter(object_type="patientlink")
    assert rows.filter(action=Action.VIEW).count() == 2
    assert rows.filter(action=Action.DENIED, ip="10.9.9.9").count() == 1
    assert PatientLink.objects.get(case=maria_case).opens == 2


def test_it_sends_the_intake_link_by_email_without_keeping_the_token(maria_case, sam):
    from kyphoplan.reminders.models import Reminder

    _link, token = send_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.EMAIL, ip=None, now=NOW)
    message = Reminder.objects.get(case=maria_case, kind="intake-link")
    assert message.to == "maria@example.org" and message.language == "es"
    assert f"/es/p/intake/{token}/" in message.body
    assert "Preguntas" in message.subject
