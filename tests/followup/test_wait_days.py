"""The wait from a call-back request to the procedure, kept on the follow-up for the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pathway.fixtures import NOW, START


@pytest.mark.django_db
def test_it_counts_the_wait_from_marias_call_back_request_to_her_procedure(maria_request: Any, sam: Any) -> None:
    from kyphoplan.cases.services import case_from_callback
    from kyphoplan.followup.schedule_service import sync_followup

    case = case_from_callback(sam, maria_request, ip=None, now=NOW)
    followup = sync_followup(case, procedure_at=START, levels=2, now=NOW)
    expected = (START - maria_request.created_at).total_seconds() / 86400
    assert expected > 0 and followup.callback_wait_days == pytest.approx(expected)


@pytest.mark.django_db
def test_it_leaves_the_wait_empty_when_sam_opened_the_case_himself(maria_case: Any) -> None:
    from kyphoplan.followup.schedule_service import sync_followup

    assert maria_case.callback_id is None
    assert sync_followup(maria_case, procedure_at=START, levels=2, now=NOW).callback_wait_days is None
