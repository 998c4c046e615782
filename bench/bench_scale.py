"""Scale benchmark: the staff pages, API lists, FHIR searches and CSV exports against a
PostgreSQL database seeded at the size of a large practice group.

    uv run python bench/bench_scale.py [--sizes 10000,100000,1000000] [--repeat 15]
        [--database-url postgresql://postgres@127.0.0.1:5432/kyphoplan_bench] [--keep]

For each size N (call-back requests) the database is dropped, migrated and seeded in SQL
(INSERT … SELECT generate_series): N call-backs, 0.3·N cases each with a signed plan version
(a real plan from examples/), 10·N audit rows. Each page is then timed in-process through
Django's test client (median of --repeat runs after a warm-up) and printed as a multiple of
GET /hello (the bare view) timed the same way in the same run; the last column compares the
figure with the smallest size's. Exports are read to the end as a client would; their peak
memory is the growth of the process's resident set while streaming (sampled every 20 ms).

It is not a test: it prints figures. Each size runs in its own process (Django connects
to one database per process). The machine is shared: compare rows with each other and with
/hello, not with other machines.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FACTS = ROOT / "examples" / "rosa-warfarina-insulina-es.json"
FIRST = ["María", "Ana", "Rosa", "Carmen", "Luz", "Dolores", "Elena", "Josefina", "Margaret", "Dorothy"]
LAST = ["González", "Hernández", "López", "Martínez", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores",
        "Rivera", "Smith", "Johnson", "Brown"]
RARE_NAME = "Zelinda Quintanilla Ñúñez"


# ---------------------------------------------------------------- driver (no Django)

def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate(url: str, drop_only: bool = False) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def driver(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Any]] = {}
    for size in sizes:
        recreate(args.database_url)
        env = {**os.environ, "DATABASE_URL": args.database_url}
        started = time.monotonic()
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat),
                              "--full-audit-export-max", str(args.full_audit_export_max)],
                             env=env, check=True, stdout=subprocess.PIPE, text=True)
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"# size {size:,}: seeded in {results[size]['seed_seconds']:.0f} s, "
              f"whole step {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        if not args.keep:
            recreate(args.database_url, drop_only=True)
    report(sizes, results)


def report(sizes: list[int], results: dict[int, dict[str, Any]]) -> None:
    first = sizes[0]
    print(f"\nPostgreSQL; N call-backs, 0.3·N cases with a signed plan version, 10·N audit rows; "
          f"median of {results[first]['repeat']} runs; ×bare = median over the runs of "
          f"(page time / time of GET /hello just before it); ×{first // 1000}k = ×bare / ×bare at {first:,}.\n")
    header = "| page | " + " | ".join(f"{s:,}: ms | ×bare | ×{first // 1000}k" for s in sizes) + " |"
    print(header)
    print("|" + "---|" * (1 + 3 * len(sizes)))
    for name in results[first]["pages"]:
        cells = []
        for s in sizes:
            ms, ratio = results[s]["pages"][name], results[s]["ratios"][name]
            cells.append(f"{ms:.1f} | {ratio:.1f} | {ratio / results[first]['ratios'][name]:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| export | " + " | ".join(f"{s:,}: s | MiB sent | peak MiB" for s in sizes) + " |")
    print("|" + "---|" * (1 + 3 * len(sizes)))
    for name in results[first]["exports"]:
        cells = []
        for s in sizes:
            e = results[s]["exports"].get(name)
            cells.append(f"{e['seconds']:.1f} | {e['mib_sent']:.0f} | {e['peak_mib']:.1f}" if e else "— | — | —")
        print(f"| {name} | " + " | ".join(cells) + " |")


# ---------------------------------------------------------------- one size (Django)

def django_setup() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kyphoplan.web.settings",  # production settings, DEBUG off
        KYPHOPLAN_SECRET_KEY=secrets.token_urlsafe(50),
        KYPHOPLAN_ALLOWED_HOSTS="testserver",
        KYPHOPLAN_HTTPS="0",
        KYPHOPLAN_LOG_LEVEL="ERROR",
        KYPHOPLAN_DATA_DIR=os.environ.get("KYPHOPLAN_DATA_DIR", "/tmp/kyphoplan-bench-scale"),
    )
    import django

    django.setup()


def _literal_list(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _search_sql(name: str, ref: str, phone: str) -> str:
    # web.textsearch.normalise for these names: lower case, accents off.
    return (f"translate(lower({name} || ' ' || {ref} || ' ' || replace({ref}, '-', '') || ' ' || "
            f"substr({phone}, 2)), 'áéíóúñü', 'aeiounu')")


def _text_literal(text: str) -> str:
    # Doubled quotes for SQL, doubled percent signs for the driver's placeholders.
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _packed_literal(value: Any) -> str:
    # A plan version's facts and plan are stored compressed (kyphoplan.plans.fields).
    from kyphoplan.plans.fields import pack

    return f"'\\x{pack(value).hex()}'::bytea"


def insert_select(cursor: Any, model: Any, exprs: dict[str, str], source: str) -> None:
    """INSERT every concrete column: `exprs` (SQL over `source`) or the field's default."""
    from django.db.models import JSONField

    cols, select, params = [], [], []
    for f in model._meta.concrete_fields:
        cols.append(f'"{f.column}"')
        if f.column in exprs:
            select.append(exprs[f.column])
        elif f.null:
            select.append("NULL")
        elif isinstance(f, JSONField):
            select.append("%s::jsonb")
            params.append(json.dumps(f.get_default()))
        else:
            select.append("%s")
            params.append(f.get_default())
    cursor.execute(f'INSERT INTO "{model._meta.db_table}" ({", ".join(cols)}) SELECT {", ".join(select)} '
                   f"FROM {source}", params)


def seed(n: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kyphoplan.audit.models import AuditEvent
    from kyphoplan.callbacks.models import CallbackRequest
    from kyphoplan.cases.models import Case
    from kyphoplan.plans.engine import run_engine
    from kyphoplan.plans.models import PlanVersion
    from kyphoplan.staff.roles import Role, ensure_roles

    cases, audit = n * 3 // 10, n * 10
    facts = json.loads(TEMPLATE_FACTS.read_text())
    plan = run_engine(facts)
    # A real plan, cut to its first actions and flags: 300,000 full copies would be most of
    # the seeding time and gigabytes, and no list page reads a plan.
    plan = {**plan, "actions": plan["actions"][:3], "flags": plan["flags"][:3]}
    first, last = _literal_list(FIRST), _literal_list(LAST)
    tables = [m._meta.db_table for m in (CallbackRequest, Case, PlanVersion, AuditEvent)]
    with connection.cursor() as c:
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '512MB'")
        # Bulk loads go faster without the secondary indexes; they are built again after.
        c.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                     WHERE i.tablename = ANY(%s) AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)""", [tables])
        secondary = c.fetchall()
        for name, _ in secondary:
            c.execute(f'DROP INDEX "{name}"')
        span = "interval '365 days'"
        c.execute(f"""CREATE TEMP TABLE seed_cb AS SELECT g,
            md5('cb' || g)::uuid AS id,
            'KP-' || substr(lpad(upper(to_hex(g)), 8, '0'), 1, 4) || '-' || substr(lpad(upper(to_hex(g)), 8, '0'), 5, 4)
                AS ref,
            ({first})[1 + mod(g, {len(FIRST)})] || ' ' || ({last})[1 + mod(g / {len(FIRST)}, {len(LAST)})] AS nm,
            '+1415' || lpad(mod(g, 10000000)::text, 7, '0') AS ph,
            now() - ((({n} - g)::float / {n}) * {span}) AS ts
            FROM generate_series(1, {n}) g""")
        insert_select(c, CallbackRequest, {
            "id": "id", "reference": "ref", "form_token": "'bench-' || g", "created_at": "ts",
            "due_by": "ts + interval '4 hours'", "updated_at": "ts", "name": "nm", "phone_e164": "ph",
            "language": "CASE WHEN mod(g, 3) = 0 THEN 'es' ELSE 'en' END", "reason": "'new_referral'",
            "consent_call": "true",
            "status": f"""CASE WHEN g > {n} - {n} / 50 THEN (CASE WHEN mod(g, 2) = 0 THEN 'new' ELSE 'attempted' END)
                          WHEN mod(g, 10) = 0 THEN 'reached' WHEN mod(g, 3) = 0 THEN 'scheduled' ELSE 'closed' END""",
            "search_text": _search_sql("nm", "ref", "ph"),
            # the cases below are made from every third request
            "has_case": f"mod(g, 3) = 0 AND g <= 3 * {cases}",
        }, "seed_cb")
        c.execute(f"""CREATE TEMP TABLE seed_case AS SELECT g,
            md5('case' || g)::uuid AS id, md5('cb' || (g * 3))::uuid AS cb,
            'KC-' || substr(lpad(upper(to_hex(g)), 8, '0'), 1, 4) || '-' || substr(lpad(upper(to_hex(g)), 8, '0'), 5, 4)
                AS ref,
            ({first})[1 + mod(g, {len(FIRST)})] || ' ' || ({last})[1 + mod(g / {len(FIRST)}, {len(LAST)})] AS nm,
            '+1415' || lpad(mod(g, 10000000)::text, 7, '0') AS ph,
            now() - ((({cases} - g)::float / {cases}) * {span}) AS ts
            FROM generate_series(1, {cases}) g""")
        insert_select(c, Case, {
            "id": "id", "reference": "ref", "created_at": "ts", "updated_at": "ts", "callback_id": "cb",
            "patient_name": "nm", "phone_e164": "ph",
            "status": "CASE WHEN mod(g, 5) = 0 THEN 'cancelled' WHEN mod(g, 7) = 0 THEN 'follow_up' ELSE 'scheduled' END",
            "search_text": _search_sql("nm", "ref", "ph"),
        }, "seed_case")
        insert_select(c, PlanVersion, {
            "id": "nextval(pg_get_serial_sequence('plans_planversion', 'id'))", "case_id": "id", "number": "1",
            "created_at": "ts", "reason": "'intake'", "facts": _packed_literal(facts), "plan": _packed_literal(plan),
            "ruleset_version": _text_literal(plan["ruleset_version"]), "signed_at": "ts",
        }, "seed_case")
        c.execute(f"""INSERT INTO audit_auditevent (at, actor_id, actor_username, action, object_type, object_id,
                      ip, detail)
            SELECT now() - ((({audit} - g)::float / {audit}) * interval '365 days'), 1000 + mod(g, 20),
                   'user' || mod(g, 20), (ARRAY['view','list','update','search'])[1 + mod(g, 4)],
                   'callbackrequest', md5('cb' || (1 + mod(g, {n})))::uuid::text, '10.0.0.1',
                   '{{"via": "bench"}}'::jsonb
            FROM generate_series(1, {audit}) g""")
        for _, definition in secondary:
            c.execute(definition)
        c.execute("ANALYZE")
    CallbackRequest.objects.create(
        reference="KP-RARE-ZZ99", form_token="bench-rare", created_at=_now(), updated_at=_now(),
        due_by=_now(), name=RARE_NAME, phone_e164="+14155559999", language="es", reason="new_referral",
        consent_call=True)
    groups = ensure_roles()
    user = get_user_model().objects.create_user(username="bench", is_superuser=True)
    user.groups.add(*[groups[r] for r in Role])
    return {"user": user, "cases": cases, "audit": audit}


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


class PeakRss:
    """Peak growth of this process's resident set while the block runs."""

    def __enter__(self) -> PeakRss:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.base = self.peak = self._rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self.page

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mib(self) -> float:
        return (self.peak - self.base) / 2**20


def measure(n: int, repeat: int, seeded: dict[str, Any], full_audit_max: int) -> dict[str, Any]:
    import gc

    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue
    from kyphoplan.callbacks.access import QUEUE_ORDER
    from kyphoplan.callbacks.models import CallbackRequest
    from kyphoplan.cases.access import LIST_ORDER
    from kyphoplan.cases.models import Case
    from kyphoplan.web import keyset

    user = seeded["user"]
    client = Client()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    _, token = issue(user, "bench", [Scope.CALLBACKS_READ, Scope.FHIR_READ, Scope.CASES_READ], now=_now())
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    mid_cb = CallbackRequest.objects.order_by(*QUEUE_ORDER)[n // 2]
    mid_case = Case.objects.order_by(*LIST_ORDER)[seeded["cases"] // 2]
    api_mid = CallbackRequest.objects.order_by("created_at", "reference")[n // 2]
    queue_deep = keyset.encode(mid_cb, QUEUE_ORDER)
    case_deep = keyset.encode(mid_case, LIST_ORDER)
    api_deep = keyset.encode(api_mid, ("created_at", "reference"))
    from kyphoplan.audit.models import AuditEvent

    audit_mid = AuditEvent.objects.order_by("-at", "-id")[seeded["audit"] // 2]
    audit_deep = keyset.encode(audit_mid, ("-at", "-id"))
    some_case = Case.objects.order_by("created_at").only("pk", "reference")[seeded["cases"] // 3]

    def search(path: str, term: str) -> None:
        client.post(path, {"q": term})

    pages: list[tuple[str, str, dict[str, str], Any]] = [
        ("GET /hello (bare view)", "/hello", {}, None),
        ("queue: open, first page", "/staff/requests/", {}, None),
        ("queue: all, deep page", f"/staff/requests/?status=all&after={queue_deep}", {}, None),
        ("queue: search 'gonzalez' (common)", "/staff/requests/", {}, lambda: search("/staff/requests/search/",
                                                                                       "gonzalez")),
        ("queue: search 'quintanilla' (rare)", "/staff/requests/", {},
         lambda: search("/staff/requests/search/", "quintanilla")),
        ("queue: search reference part", "/staff/requests/", {},
         lambda: search("/staff/requests/search/", mid_cb.reference[3:7])),
        ("cases: open, first page", "/staff/cases/", {}, lambda: search("/staff/cases/search/", "")),
        ("cases: all, deep page", f"/staff/cases/?status=all&after={case_deep}", {}, None),
        ("cases: search 'gonzalez'", "/staff/cases/", {}, lambda: search("/staff/cases/search/", "gonzalez")),
        ("new case page", "/staff/cases/new/", {}, None),
        ("audit: first page", "/staff/audit/", {}, None),
        ("audit: deep page", f"/staff/audit/?after={audit_deep}", {}, None),
        ("audit: ?who=user7", "/staff/audit/?who=user7", {}, None),
        ("audit: ?record=<id>", f"/staff/audit/?record={mid_cb.pk}", {}, None),
        ("audit: date range", "/staff/audit/?start=2026-01-01&end=2026-03-31", {}, None),
        ("API /callbacks first page", "/api/v1/callbacks", bearer, None),
        ("API /callbacks deep page", f"/api/v1/callbacks?cursor={api_deep}", bearer, None),
        ("API /callbacks?status=new", "/api/v1/callbacks?status=new", bearer, None),
        ("FHIR Task search", "/fhir/Task?_count=50", bearer, None),
        ("FHIR Task deep page", f"/fhir/Task?_count=50&_cursor={api_deep}", bearer, None),
        ("FHIR Task?status=requested", "/fhir/Task?status=requested&_count=50", bearer, None),
        ("FHIR Patient?identifier=", f"/fhir/Patient?identifier={some_case.reference}", bearer, None),
        ("FHIR CarePlan?patient=", f"/fhir/CarePlan?patient={some_case.pk}", bearer, None),
    ]
    timings: dict[str, float] = {}
    ratios: dict[str, float] = {}
    hello: list[float] = []

    def timed(url: str, headers: dict[str, str], name: str) -> float:
        started = time.perf_counter()
        response = client.get(url, **headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
        return elapsed

    # Each run of a page is paired with a run of the bare view just before it: on a shared
    # machine the load moves, and the ratio of a pair moves much less than either time.
    for name, url, headers, before in pages[1:]:
        if before:
            before()
        runs, pair_ratios = [], []
        for i in range(repeat + 2):
            bare = timed("/hello", {}, "bare")
            elapsed = timed(url, headers, name)
            if i >= 2:
                runs.append(elapsed)
                hello.append(bare)
                pair_ratios.append(elapsed / bare)
        timings[name] = statistics.median(runs) * 1000
        ratios[name] = statistics.median(pair_ratios)
    timings = {"GET /hello (bare view)": statistics.median(hello) * 1000, **timings}
    ratios = {"GET /hello (bare view)": 1.0, **ratios}
    exports = {}
    wanted = [("call-backs CSV (all)", "/staff/requests/export.csv"),
              ("audit CSV (?who=user7, 1/20 of the rows)", "/staff/audit/export.csv?who=user7")]
    if seeded["audit"] <= full_audit_max:
        wanted.append(("audit CSV (all)", "/staff/audit/export.csv"))
    for name, url in wanted:
        gc.collect()
        with PeakRss() as rss:
            started = time.perf_counter()
            response = client.get(url)
            sent = sum(len(chunk) for chunk in response.streaming_content)
            seconds = time.perf_counter() - started
        exports[name] = {"seconds": seconds, "mib_sent": sent / 2**20, "peak_mib": rss.mib}
    return {"pages": timings, "ratios": ratios, "exports": exports, "repeat": repeat}


def one_size(n: int, repeat: int, full_audit_max: int) -> None:
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    seeded = seed(n)
    seed_seconds = time.monotonic() - started
    out = measure(n, repeat, seeded, full_audit_max)
    print(json.dumps({**out, "seed_seconds": seed_seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="call-back counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/kyphoplan_bench",
                        help="a database this script may drop and recreate")
    parser.add_argument("--keep", action="store_true", help="keep the last database")
    parser.add_argument("--full-audit-export-max", type=int, default=1_000_000,
                        help="export the whole audit trail only up to this many rows (it takes minutes)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_size(args.one, args.repeat, args.full_audit_export_max)
    else:
        driver(args)


if __name__ == "__main__":
    main()
