"""PUT /cases/{id}/intake with `indications`: an interface engine says why the blood thinner is taken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.pathway.test_rest_pathway import _open_case, api  # noqa: F401  (fixture)


def test_it_plans_a_recent_stent_from_the_indications_and_refuses_a_bad_one(api: Callable[..., Any]) -> None:  # noqa: F811
    case_id = _open_case(api, "en")
    body = {"medications": ["aspirin 81 mg daily", "Brilinta 90 mg twice daily"], "diabetes": "none",
            "indications": [{"kind": "coronary-stent", "stent": "drug-eluting", "date": "2026-10-20"}]}
    assert api("put", f"/cases/{case_id}/intake", body).status_code == 200
    plan = api("get", f"/cases/{case_id}/plan").json()["plan"]
    assert any(f["code"] == "recent-coronary-stent" and f["severity"] == "high" for f in plan["flags"])
    stops = {a["drug"] for a in plan["actions"] if a["code"] == "stop-medication"}
    assert not stops & {"aspirin", "ticagrelor"}
    body["indications"] = [{"kind": "pacemaker"}]
    refused = api("put", f"/cases/{case_id}/intake", body)
    assert refused.status_code == 422 and "indications" in refused.json()["error"]["field"]
