"""Web benchmark: the production server setup (gunicorn + production settings) under
concurrent load, and a crash check.

    uv run python bench/bench_web.py [--seconds 10] [--clients 16] [--database-url URL]

1. Throughput and p50/p99 latency of GET /en/ (home page) and POST /en/request-a-call/,
   each printed beside GET /hello (a bare view) served by the same server in the same run.
2. Crash check: SIGKILL the whole server (master and workers) in the middle of a POST
   load, then confirm every request the server acknowledged (302 to the thanks page)
   is in the database.

It is not a test: it prints figures. The load generator runs on the same machine, so
on a small machine it competes with the server for CPU: compare the rows with each
other (and with /hello), not with other machines.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYPHOPLAN_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="kyphoplan.web.settings",  # production settings
        KYPHOPLAN_SECRET_KEY=secrets.token_urlsafe(50),
        KYPHOPLAN_ALLOWED_HOSTS="127.0.0.1",
        # TLS ends at the proxy in production; here the client talks plain HTTP directly.
        KYPHOPLAN_HTTPS="0",
        KYPHOPLAN_DATA_DIR=data_dir,
        KYPHOPLAN_CALLBACK_RATE_LIMIT="100000000",  # one client address sends everything
        KYPHOPLAN_CALLBACK_PHONE_RATE_LIMIT="100000000",  # and every form has one phone number
        KYPHOPLAN_LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "kyphoplan.web.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--keep-alive",
        "5",
    ]
    # Own process group, so one killpg reaches the master and every worker.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/hello")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive connection with its own cookies, like one phone."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers: dict[str, str] = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.headers.get("Location", ""), data

    def prepare_form(self) -> None:
        _, _, html = self.request("GET", "/en/request-a-call/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the form"
        self.csrf = match.group(1)

    def post_request(self, token: str) -> tuple[int, str]:
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.csrf,
                "form_token": token,
                "name": "Bench Patient",
                "phone": "415 555 0100",
                "reason": "other",
                "language": "en",
                "consent_call": "on",
                "website": "",
            }
        )
        status, location, _ = self.request("POST", "/en/request-a-call/", body)
        return status, location


def run_load(
    port: int, kind: str, seconds: float, clients: int, stop: threading.Event | None = None
) -> Result:
    result = Result()
    end = time.perf_counter() + seconds

    def worker() -> None:
        client = Client(port)
        try:
            if kind == "post":
                client.prepare_form()
        except Exception:
            with result.lock:
                result.errors += 1
            return
        while time.perf_counter() < end and not (stop and stop.is_set()):
            token = secrets.token_urlsafe(24)
            t0 = time.perf_counter()
            try:
                if kind == "post":
                    status, _ = client.post_request(token)
                    ok = status == 302
                else:
                    status, _, _ = client.request("GET", "/hello" if kind == "hello" else "/en/")
                    ok = status == 200
            except Exception:
                ok = False
                if stop and stop.is_set():
                    return
            elapsed = time.perf_counter() - t0
            with result.lock:
                if ok:
                    result.latencies.append(elapsed)
                    if kind == "post":
                        result.acknowledged.append(token)  # the server said "saved"
                else:
                    result.errors += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def summarise(name: str, r: Result, seconds: float) -> str:
    lat = sorted(r.latencies)
    if not lat:
        return f"{name:<28} no successful requests ({r.errors} errors)"
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    return (
        f"{name:<28} {len(lat) / seconds:>8.0f} req/s   p50 {p50:>7.1f} ms   "
        f"p99 {p99:>7.1f} ms   ok {len(lat):>6}   errors {r.errors}"
    )


def count_saved(env: dict[str, str], tokens: list[str]) -> int:
    code = (
        "import sys, django; django.setup()\n"
        "from kyphoplan.callbacks.models import CallbackRequest\n"
        "tokens = sys.stdin.read().split()\n"
        "found = set()\n"
        "for i in range(0, len(tokens), 500):\n"
        "    found |= set(CallbackRequest.objects.filter(form_token__in=tokens[i:i+500])"
        ".values_list('form_token', flat=True))\n"
        "print(len(found))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        input="\n".join(tokens),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


@contextlib.contextmanager
def scratch_database(server_url: str | None) -> Iterator[str | None]:
    """A fresh database on the given PostgreSQL server, dropped afterwards."""
    if not server_url:
        yield None
        return
    import psycopg

    name = f"kyphoplan_bench_{secrets.token_hex(4)}"
    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server (the bench makes and drops its own database there); SQLite (WAL) if absent",
    )
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="kyphoplan-bench-") as data_dir,
        scratch_database(args.database_url) as database_url,
    ):
        env = server_env(data_dir, database_url)
        subprocess.run(
            [sys.executable, "-m", "kyphoplan.web.manage", "migrate", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        db = "PostgreSQL" if args.database_url else "SQLite (WAL)"
        print(
            f"gunicorn gthread, {args.workers} workers x {args.threads} threads, {db}, "
            f"{args.clients} concurrent keep-alive clients, {args.seconds:.0f} s per row, "
            f"{os.cpu_count()} CPUs shared by server and load generator; "
            f"load average before: {os.getloadavg()[0]:.1f}\n"
        )
        port = free_port()
        proc = start_server(env, port, args.workers, args.threads)
        try:
            run_load(port, "home", 1, args.clients)  # warm up every worker
            rows = [
                ("GET /hello (baseline)", "hello"),
                ("GET /en/ (home page)", "home"),
                ("POST /en/request-a-call/", "post"),
                ("GET /hello (baseline, again)", "hello"),
            ]
            for name, kind in rows:
                r = run_load(port, kind, args.seconds, args.clients)
                print(summarise(name, r, args.seconds))
        finally:
            stop_server(proc)

        print("\nCrash check: SIGKILL the server during a POST load")
        port = free_port()
        proc = start_server(env, port, args.workers, args.threads)
        stop = threading.Event()
        holder: dict[str, Result] = {}
        loader = threading.Thread(
            target=lambda: holder.setdefault("r", run_load(port, "post", 60, args.clients, stop))
        )
        loader.start()
        time.sleep(max(2.0, args.seconds / 3))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        stop.set()
        loader.join()
        acked = holder["r"].acknowledged
        saved = count_saved(env, acked)
        print(
            f"acknowledged before the kill: {len(acked)}; found in the database: {saved}; "
            f"missing: {len(acked) - saved}"
        )
        return 0 if saved == len(acked) else 1


if __name__ == "__main__":
    raise SystemExit(main())
