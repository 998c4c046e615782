"""Bytes per stored plan version: the JSON columns (before plans migration 0004) against the
compressed ones (after), on SQLite and PostgreSQL, with full engine plans from varied facts.

    uv run python bench/bench_plan_storage.py [--versions 1000]
        [--database-url postgresql://postgres@127.0.0.1:5432/kyphoplan_storage_bench]

Each database (a fresh SQLite file; the PostgreSQL database is dropped, made again and dropped
at the end) is migrated to plans 0003, filled with --versions versions (half of them signed)
whose facts are varied from the vignettes and examples (a random pick of their medicine and
allergy lines, language, dates), and measured; then migration 0004 converts them (timed), the
table is compacted (VACUUM FULL / VACUUM) and measured again. Per version: the stored size of
the `plan` and `facts` values (pg_column_size: after TOAST's own compression; on SQLite
length()), and the whole table with its indexes and TOAST (pg_total_relation_size; SQLite's
dbstat pages) divided by the number of versions. It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
BEFORE = ("plans", "0003_overrides_by_target")
AFTER = ("plans", "0004_compressed_plans")


def varied_facts(seed: int) -> Iterator[dict[str, Any]]:
    paths = sorted((ROOT / "tests/clinical/vignettes").glob("*.json")) + sorted((ROOT / "examples").glob("*.json"))
    bases = [(lambda d: d.get("facts", d))(json.loads(p.read_text(encoding="utf-8"))) for p in paths]
    lines = sorted({m if isinstance(m, str) else json.dumps(m) for b in bases for m in b.get("medications", [])})
    allergies = sorted({a if isinstance(a, str) else json.dumps(a) for b in bases for a in b.get("allergies", [])})
    rng = random.Random(seed)
    while True:
        facts = copy.deepcopy(rng.choice(bases))
        facts.pop("indications", None)  # they name lines of their own vignette
        facts["medications"] = [json.loads(x) if x.startswith("{") else x
                                for x in rng.sample(lines, rng.randint(2, 14))]
        facts["allergies"] = [json.loads(x) if x.startswith("{") else x
                              for x in rng.sample(allergies, rng.randint(0, 3))]
        facts["language"] = rng.choice(["en", "es"])
        shift = timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 6))
        facts["as_of"] = (datetime.fromisoformat(facts["as_of"]) + shift).isoformat()
        facts["procedure"]["start"] = (datetime.fromisoformat(facts["procedure"]["start"]) + shift).isoformat()
        yield facts


# ---------------------------------------------------------------- driver (no Django)

def _recreate(url: str, drop_only: bool = False) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _one(database: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--one", "--versions", str(args.versions), "--seed",
                          str(args.seed)], env=env, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["database"] = database
    return result


def driver(args: argparse.Namespace) -> None:
    results = []
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        results.append(_one("SQLite", {**env, "KYPHOPLAN_DATA_DIR": data_dir}, args))
    if args.database_url:
        _recreate(args.database_url)
        try:
            results.append(_one("PostgreSQL", {**os.environ, "DATABASE_URL": args.database_url,
                                               "KYPHOPLAN_DATA_DIR": tempfile.gettempdir()}, args))
        finally:
            _recreate(args.database_url, drop_only=True)
    first = results[0]
    print(f"\n{first['versions']} versions from varied facts; the engine's JSON: plan {first['json_plan']:,.0f} B, "
          f"facts {first['json_facts']:,.0f} B per version (compact UTF-8); zlib level 9: "
          f"{first['zlib_plan']:,.0f} B and {first['zlib_facts']:,.0f} B (level 6: plan {first['zlib6_plan']:,.0f} B); "
          f"pack {first['pack_us']:,.0f} µs, unpack {first['unpack_us']:,.0f} µs per plan.\n")
    print("| database | stored plan + facts, JSON → compressed | table with indexes (and TOAST) per version "
          "| at 300,000 versions | migration 0004 |")
    print("|---|---|---|---|---|")
    for r in results:
        old, new = r["old"], r["new"]
        print(f"| {r['database']} | {old['plan'] + old['facts']:,.0f} B → {new['plan'] + new['facts']:,.0f} B "
              f"(plan {old['plan']:,.0f} → {new['plan']:,.0f}, facts {old['facts']:,.0f} → {new['facts']:,.0f}) "
              f"| {old['table']:,.0f} B → {new['table']:,.0f} B ({old['table'] / new['table']:.1f}×) "
              f"| {old['table'] * 3e5 / 1e9:.2f} GB → {new['table'] * 3e5 / 1e9:.2f} GB "
              f"| {r['migrate_seconds']:.1f} s for {r['versions']} versions |")


# ---------------------------------------------------------------- one database (Django)

def _setup() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kyphoplan.web.settings", KYPHOPLAN_SECRET_KEY=secrets.token_urlsafe(50),
        KYPHOPLAN_ALLOWED_HOSTS="testserver", KYPHOPLAN_HTTPS="0", KYPHOPLAN_LOG_LEVEL="ERROR")
    import django

    django.setup()


def _measure(versions: int) -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("VACUUM FULL ANALYZE plans_planversion")
            c.execute("SELECT avg(pg_column_size(plan)), avg(pg_column_size(facts)), "
                      "pg_total_relation_size('plans_planversion') FROM plans_planversion")
        else:
            c.execute("VACUUM")
            c.execute("SELECT avg(length(plan)), avg(length(facts)), "
                      "(SELECT sum(pgsize) FROM dbstat WHERE name = 'plans_planversion' "
                      "OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'plans_planversion' "
                      "AND type = 'index')) FROM plans_planversion")
        plan, facts, table = c.fetchone()
    return {"plan": float(plan), "facts": float(facts), "table": float(table) / versions}


def one(args: argparse.Namespace) -> None:
    _setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from kyphoplan.clinical.facts import FactsError
    from kyphoplan.plans.engine import run_engine
    from kyphoplan.plans.fields import pack, unpack

    facts, plans, refused = [], [], 0
    for candidate in varied_facts(args.seed):
        try:
            plans.append(run_engine(candidate))
        except FactsError:
            refused += 1  # a date or lab that no longer fits after the shift: draw another
            continue
        facts.append(candidate)
        if len(plans) == args.versions:
            break
    texts = [json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode() for p in plans]
    started = time.perf_counter()
    packed = [pack(p) for p in plans]
    pack_us = (time.perf_counter() - started) / len(plans) * 1e6
    started = time.perf_counter()
    for b in packed:
        unpack(b)
    unpack_us = (time.perf_counter() - started) / len(plans) * 1e6
    figures: dict[str, Any] = {
        "versions": len(plans), "refused_facts": refused,
        "json_plan": sum(map(len, texts)) / len(texts),
        "json_facts": sum(len(json.dumps(f, ensure_ascii=False, separators=(",", ":")).encode())
                          for f in facts) / len(facts),
        "zlib_plan": sum(len(zlib.compress(t, 9)) for t in texts) / len(texts),
        "zlib6_plan": sum(len(zlib.compress(t, 6)) for t in texts) / len(texts),
        "zlib_facts": sum(len(pack(f)) - 1 for f in facts) / len(facts),
        "pack_us": pack_us, "unpack_us": unpack_us,
    }

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    now = datetime.now().astimezone()
    case = apps.get_model("cases", "Case").objects.create(
        reference="KC-BENC-H001", created_at=now, updated_at=now, patient_name="Bench Patient")
    version = apps.get_model("plans", "PlanVersion")
    version.objects.bulk_create([
        version(case_id=case.pk, number=i + 1, created_at=now, reason="intake", facts=f, plan=p,
                ruleset_version=p["ruleset_version"], signed_at=now if i % 2 else None)
        for i, (f, p) in enumerate(zip(facts, plans, strict=True))], batch_size=200)
    figures["old"] = _measure(len(plans))

    executor = MigrationExecutor(connection)
    started = time.perf_counter()
    executor.migrate([AFTER])
    figures["migrate_seconds"] = time.perf_counter() - started
    figures["new"] = _measure(len(plans))
    from kyphoplan.plans.models import PlanVersion

    stored = {v.number: v for v in PlanVersion.objects.all()}
    assert all(stored[i + 1].plan == p and stored[i + 1].facts == f
               for i, (f, p) in enumerate(zip(facts, plans, strict=True))), "a version changed in migration"
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args)
    else:
        driver(args)


if __name__ == "__main__":
    main()
