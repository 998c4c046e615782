"""Plan versions on disk: `facts` and `plan` compressed (plans.fields), the migration that
converted the JSON columns (plans 0004), and the database guards of signed versions after it."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from kyphoplan.plans.engine import run_engine
from kyphoplan.plans.fields import FORMAT_ZLIB, CompressedFormatError, pack, unpack
from kyphoplan.plans.models import PlanOverlay, PlanVersion, Reason
from tests.pathway.fixtures import NOW

ROOT = Path(__file__).resolve().parents[2]
BEFORE = [("plans", "0003_overrides_by_target")]
FACTS = json.loads((ROOT / "examples/rosa-warfarina-insulina-es.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine_plan() -> dict[str, Any]:
    return run_engine(FACTS)


def _raw(column: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM plans_planversion WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


def test_it_stores_a_plan_compressed_and_gives_back_the_same_object(maria_case: Any, engine_plan: Any) -> None:
    version = PlanVersion.objects.create(case=maria_case, number=1, created_at=NOW, reason=Reason.INTAKE,
                                         facts=FACTS, plan=engine_plan, ruleset_version="test")
    stored = _raw("plan", version.pk)
    text = json.dumps(engine_plan, ensure_ascii=False, separators=(",", ":")).encode()
    assert stored[0] == FORMAT_ZLIB and len(stored) < len(text) / 3
    assert unpack(_raw("facts", version.pk)) == FACTS
    again = PlanVersion.objects.get(pk=version.pk)
    # The same object, in the engine's key order (what the API answers are written from).
    assert json.dumps(again.plan) == json.dumps(engine_plan) and json.dumps(again.facts) == json.dumps(FACTS)
    assert PlanVersion.objects.values("plan").get(pk=version.pk)["plan"] == engine_plan
    assert PlanVersion.objects.values_list("facts", flat=True).get(pk=version.pk) == FACTS


def test_it_refuses_what_it_cannot_store_or_read(db: None) -> None:
    with pytest.raises(TypeError, match="JSON object"):
        pack([1, 2])  # type: ignore[arg-type]
    for raw in (b"", b"\x00" + pack({})[1:], b"\x01not zlib", b"\x01" + zlib.compress(b"[1, 2]")):
        with pytest.raises(CompressedFormatError):
            unpack(raw)
    with pytest.raises(FieldError):  # no JSON lookups into a compressed column
        list(PlanVersion.objects.filter(plan__actions__0__code="x"))


def _migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    wanted = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(wanted)
    executor.loader.build_graph()
    return executor.loader.project_state(wanted).apps


def _refused(sql: str, params: list[Any]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def _assert_guarded(signed_pk: int, draft_pk: int, by_pk: int) -> None:
    """What 0002 promised, checked in the database itself (no ORM)."""
    assert _refused("UPDATE plans_planversion SET note = 'changed' WHERE id = %s", [signed_pk])
    assert _refused("DELETE FROM plans_planversion WHERE id = %s", [signed_pk])
    assert _refused("INSERT INTO plans_planoverlay (version_id, kind, text, target_code, target_drug, "
                    "target_occurrence, texts, applies, reason, by_id, at) "
                    "VALUES (%s, 'add', 'x', '', '', 0, '{}', true, 'r', %s, %s)", [signed_pk, by_pk, NOW])
    assert _refused("UPDATE plans_planoverlay SET reason = 'changed'", [])
    # ... and only that: a draft still takes its signature.
    assert not _refused("UPDATE plans_planversion SET note = 'still a draft' WHERE id = %s", [draft_pk])


@pytest.mark.django_db(transaction=True)
def test_it_converts_existing_versions_and_keeps_signed_ones_guarded(
        maria_case: Any, nora: Any, engine_plan: Any) -> None:
    draft_plan = {"actions": [{"code": "bring-medication-list", "texts": {"en": "Bring", "es": "Traiga"}}],
                  "flags": [], "medications": [], "note": "señal ✓"}
    try:
        old = _migrate(BEFORE).get_model("plans", "PlanVersion")
        signed = old.objects.create(case_id=maria_case.pk, number=1, created_at=NOW, reason="intake", facts=FACTS,
                                    plan=engine_plan, ruleset_version="r1", signed_at=NOW, signed_by_id=nora.pk)
        draft = old.objects.create(case_id=maria_case.pk, number=2, created_at=NOW, reason="change",
                                   facts={**FACTS, "as_of": "later"}, plan=draft_plan, ruleset_version="r1")
        overlay = _migrate(BEFORE).get_model("plans", "PlanOverlay").objects.create(
            version_id=draft.pk, kind="add", texts={"en": "Extra"}, reason="r", by_id=nora.pk, at=NOW)
        assert _refused("UPDATE plans_planversion SET note = 'changed' WHERE id = %s", [signed.pk])

        _migrate()
        assert _raw("plan", signed.pk)[0] == FORMAT_ZLIB and _raw("facts", draft.pk)[0] == FORMAT_ZLIB
        got = {v.pk: v for v in PlanVersion.objects.all()}
        assert (got[signed.pk].plan, got[signed.pk].facts) == (engine_plan, FACTS)
        assert (got[draft.pk].plan, got[draft.pk].facts) == (draft_plan, {**FACTS, "as_of": "later"})
        assert got[signed.pk].signed_at == NOW and got[signed.pk].signed_by_id == nora.pk
        assert PlanOverlay.objects.get(pk=overlay.pk).version_id == draft.pk
        _assert_guarded(signed.pk, draft.pk, nora.pk)

        # And back: the JSON columns again, with the same values and the same guards.
        old = _migrate(BEFORE).get_model("plans", "PlanVersion")
        back = {v.pk: v for v in old.objects.all()}
        assert (back[signed.pk].plan, back[draft.pk].plan) == (engine_plan, draft_plan)
        assert _refused("UPDATE plans_planversion SET note = 'changed' WHERE id = %s", [signed.pk])
    finally:
        _migrate()
    _assert_guarded(signed.pk, draft.pk, nora.pk)
