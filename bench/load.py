"""Talk POST throughput under gunicorn (2 sync workers) with wrk, ÷ a minimal POST view's.

Runs against a throwaway copy of bl_bench_40 (CREATE DATABASE ... TEMPLATE) so the talks it
writes never change the measured database; the copy is dropped afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8113"))
RUNS = int(os.environ.get("BENCH_LOAD_RUNS", "5"))
SECONDS = os.environ.get("BENCH_LOAD_SECONDS", "5")
COPY = "bl_bench_load"
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret

LOGIN = """
from django.test import Client
from django.contrib.auth import get_user_model
from django.utils import timezone
from contacts.models import Assignment
from talks.models import TalkLog
user = get_user_model().objects.get(username="demo-member")
client = Client()
client.force_login(user)
contact = (Assignment.objects.current(timezone.localdate()).filter(member__user=user)
           .order_by("pk").values_list("contact_id", flat=True).first())
print(client.cookies["sessionid"].value, contact, timezone.localdate(), TalkLog.objects.count())
"""


def admin(pg: str, sql: str, database: str = "postgres") -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE, VACUUM)."""
    import psycopg2

    connection = psycopg2.connect(f"{pg}/{database}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def _django(env: dict, code: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")[-2]


def _wrk(path: str, cookie: str, body: str) -> tuple[float, int]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{SECONDS}s",
            "-s",
            str(ROOT / "bench" / "post.lua"),
            f"http://127.0.0.1:{PORT}",
            "--",
            path,
            cookie,
            CSRF,
            body,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx" in out:
        raise SystemExit(f"wrk: error responses on {path}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), requests


def run(pg: str, source: str) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed"}
    admin(pg, f"DROP DATABASE IF EXISTS {COPY} WITH (FORCE)")
    admin(pg, f"CREATE DATABASE {COPY} TEMPLATE {source}")
    # The copy carries the dead rows the bench's rolled-back sections left in the source (100k
    # notifications, a thousand versions of each branch row), and none of its statistics, so
    # autovacuum would not clean it during the run: vacuumed first, as autovacuum keeps a live
    # database. Unvacuumed, the talk POST measured 15-20 % slower (docs/performance.md).
    admin(pg, "VACUUM ANALYZE", database=COPY)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"{pg}/{COPY}"}
    server = None
    try:
        session, contact, today, before = _django(env, LOGIN).split()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "bench.wsgi:application",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookie = f"sessionid={session}; csrftoken={CSRF}"
        talk_body = (
            # Each talk's text differs (the token): the same talk typed twice is refused (issue 14).
            f"contact={contact}&date={today}&place=&kind=both&content=bench+talk+{{token}}&aspects=thought"
            f"&observation=&must_talk_event=&opinions=&submission_token={{token}}"
        )
        result = {"tool": "wrk -t2 -c8", "seconds_per_run": int(SECONDS)}
        for name, path, body in (
            ("minimal_post", "/__bench__/post/", "x=1"),
            ("talk_post", "/talks/log/", talk_body),
        ):
            sent = _wrk(path, cookie, body)[1]  # warm-up
            runs = [_wrk(path, cookie, body) for _ in range(RUNS)]
            rates = [rate for rate, _n in runs]
            sent += sum(n for _rate, n in runs)
            result[name] = {
                "rps": {
                    "median": statistics.median(rates),
                    "min": min(rates),
                    "max": max(rates),
                    "runs": len(rates),
                }
            }
        after = int(
            _django(env, "from talks.models import TalkLog; print(TalkLog.objects.count())")
        )
        # Every talk POST must have written a talk (a 200 would be a form error, not a save).
        result["talks_written"] = after - int(before)
        if result["talks_written"] < sent:
            raise SystemExit(
                f"wrk: {sent} talk POSTs wrote {result['talks_written']} talks (form errors?)"
            )
        return result
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        admin(pg, f"DROP DATABASE IF EXISTS {COPY} WITH (FORCE)")
