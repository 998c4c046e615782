"""Alex the admin sets the practice's clinical policy; Sam the scheduler may not.

Each change is a new version with a reason and an audit row; the next plan
carries it, and past plan versions keep the facts they were made with."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.cases.config import get_config
from kyphoplan.pathway.services import recompute
from kyphoplan.plans.services import facts_for, latest
from kyphoplan.policy.models import AppendOnlyError, ClinicalPolicy
from kyphoplan.policy.services import change_policy, current_policy, current_values
from tests.pathway.fixtures import NOW

URL = "/staff/policy/"
FORM = {
    "protocol": "asra-2018", "range_bound": "upper", "fasting": "asa-2017-2023", "glp1": "multisociety-2024",
    "metformin": "acr", "contrast": "acr-manual", "consult_lead_days": "7", "radiologist_notice_days": "3",
    "reason": "Anaesthesia adopted ASA fasting; pain clinic follows ASRA.",
}


def test_it_uses_the_engine_defaults_and_the_env_protocol_without_rows(maria_case):
    assert current_policy() == (get_config().protocol, {})
    facts = facts_for(maria_case, NOW)
    assert facts["protocol"] == get_config().protocol and "policies" not in facts
    assert current_values()["fasting"] == "midnight" and current_values()["consult_lead_days"] == 7


def test_it_lets_alex_change_the_protocol_and_fasting_and_the_next_plan_carries_them(maria_submitted, alex, nora):
    v1 = latest(maria_submitted)
    row = change_policy(alex, values={"protocol": "asra-2018", "fasting": "asa-2017-2023"},
                        reason="Anaesthesia adopted ASA fasting", ip="10.0.0.5", now=NOW)
    assert ClinicalPolicy.objects.count() == 1 and row.changed_by == alex
    assert row.glp1 == "multisociety-2024" and row.consult_lead_days == 7  # the rest kept
    audit = AuditEvent.objects.get(action=Action.UPDATE, object_type="clinicalpolicy")
    assert audit.actor_username == "alex" and audit.object_id == str(row.pk)
    assert audit.detail["changed"]["fasting"] == ["midnight", "asa-2017-2023"]
    assert audit.detail["reason"] == "Anaesthesia adopted ASA fasting"
    assert current_policy() == ("asra-2018", {"fasting": "asa-2017-2023"})

    v2 = recompute(nora, maria_submitted, now=NOW + timedelta(hours=1), ip=None)
    assert v2 is not None and v2.number == v1.number + 1
    assert v2.facts["protocol"] == "asra-2018" and v2.facts["policies"] == {"fasting": "asa-2017-2023"}
    assert "asra-2018" in v2.ruleset_version
    v1.refresh_from_db()
    assert "policies" not in v1.facts and v1.facts["protocol"] == get_config().protocol  # the past stays


def test_it_makes_each_change_a_new_version_and_never_edits_one(alex):
    first = change_policy(alex, values={"range_bound": "lower"}, reason="r1", ip=None, now=NOW)
    change_policy(alex, values={"range_bound": "upper"}, reason="back to the default", ip=None,
                  now=NOW + timedelta(minutes=1))
    assert ClinicalPolicy.objects.count() == 2 and current_policy()[1] == {}
    first.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        ClinicalPolicy.objects.update(reason="x")
    with pytest.raises(AppendOnlyError):
        ClinicalPolicy.objects.all().delete()


def test_it_refuses_a_change_without_a_reason(alex, verified):
    with pytest.raises(ValueError, match="reason"):
        change_policy(alex, values={"fasting": "asa-2017-2023"}, reason="   ", ip=None, now=NOW)
    response = verified(alex).post(URL, {**FORM, "reason": "  "})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not ClinicalPolicy.objects.exists()
    assert not AuditEvent.objects.filter(object_type="clinicalpolicy", action=Action.UPDATE).exists()


def test_it_refuses_a_value_the_engine_would_not_take(alex):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        change_policy(alex, values={"consult_lead_days": 0}, reason="r", ip=None, now=NOW)
    with pytest.raises(ValidationError):
        change_policy(alex, values={"fasting": "whenever"}, reason="r", ip=None, now=NOW)
    assert not ClinicalPolicy.objects.exists()


def test_it_gives_sam_the_scheduler_403_and_writes_no_row(sam, verified):
    with pytest.raises(PermissionDenied):
        change_policy(sam, values={"fasting": "asa-2017-2023"}, reason="r", ip=None, now=NOW)
    client = verified(sam)
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not ClinicalPolicy.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_username="sam").count() == 3
    cases = client.get("/staff/cases/")
    assert cases.status_code == 200 and b"Clinical policy" not in cases.content


def test_it_shows_alex_the_current_values_a_form_and_the_history(alex, verified):
    client = verified(alex)
    page = client.get(URL).content.decode()
    assert "No change has been made yet" in page and "Range bound:</strong> upper (plan 3–5 days as 5" in page
    assert "REFERENCE §6" in page and 'href="/staff/policy/"' in page  # the nav link, for admins

    response = client.post(URL, FORM)
    assert response.status_code == 302 and response.headers["Location"] == URL
    row = ClinicalPolicy.objects.get()
    assert (row.protocol, row.fasting, row.changed_by) == ("asra-2018", "asa-2017-2023", alex)
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="clinicalpolicy").count() == 1

    page = client.get(URL).content.decode()
    assert "Fasting:</strong> asa-2017-2023" in page and "changed from the default" in page
    assert "Anaesthesia adopted ASA fasting; pain clinic follows ASRA." in page
    assert "No changes yet" not in page
