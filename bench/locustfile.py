"""Load test (issue 6): members at month-end logging talks and opening their pages.

A locustfile, run headless by bench/run-load.sh (`make load`) against gunicorn on a PostgreSQL
database seeded with `seed_demo --scale 4`. Each simulated member logs in once (the login is
slow on purpose, and failed logins would lock accounts), then loops: open the talk form and
save a valid talk (CSRF token from the form), open their page, their handbook, their
notifications. At the end it prints error rate, p50/p95/p99 per request type and checks that
the talks in the database grew by exactly the number of successful saves.

Environment: DATABASE_URL (the database gunicorn uses; read for the logins and the row count),
LOAD_PASSWORD (default liaison-demo), LOAD_THINK ("5-15": seconds a member spends reading and
typing between two pages; "1-5" makes a stress test). Requests carry X-Forwarded-Proto: https
as nginx would add it, so the production settings (secure cookies, HTTPS-only CSRF) are the
ones measured.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg2
from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("LOAD_PASSWORD", "liaison-demo")
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "5-15").split("-")]
POST_P95_GOAL_MS = 800
POST = ("talk save (POST)", "POST")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONTACTS = re.compile(r'<select[^>]*name="contact"[^>]*>.*?</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
# Counted over the whole run (locust's own stats may be reset once all members are in).
state = {"talks_before": 0, "saved": 0, "failed": 0}
logins = iter(())


class TlsEndsAtNginx(RequestsCookieJar):
    """Send the Secure (__Host-) cookies over the plain HTTP hop to gunicorn, as nginx would."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def _db():
    url = os.environ["DATABASE_URL"]
    return psycopg2.connect(re.sub(r"^(pgsql|postgresql)://", "postgres://", url))


def _talk_count() -> int:
    with _db() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM talks_talklog")
        return cursor.fetchone()[0]


def _usernames() -> list[str]:
    """Seeded ordinary members who have contacts, spread over the branches (fixed order)."""
    with _db() as conn, conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT u.username, md5(u.username) FROM auth_user u
            JOIN members_member m ON m.user_id = u.id
            JOIN contacts_assignment a ON a.member_id = m.id AND a.ended_on IS NULL
            WHERE u.is_active AND m.role = 'member' AND u.username ~ '^m[0-9]{3}-[0-9]{2}$'
            ORDER BY md5(u.username)
            """
        )
        return [row[0] for row in cursor.fetchall()]


@events.test_start.add_listener
def _start(environment, **kwargs):
    global logins
    names = _usernames()
    users = environment.parsed_options.num_users if environment.parsed_options else 100
    if len(names) < users:
        sys.exit(f"only {len(names)} seeded members with contacts; run seed_demo --scale 4")
    logins = itertools.cycle(names[:users])
    state["talks_before"] = _talk_count()


class Member(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Referer": self._origin() + "/"})
        self.client.cookies = TlsEndsAtNginx()
        self.username = next(logins)
        page = self._get("/accounts/login/", name="login form")
        with self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self._token(page.text),
            },
            headers={"Origin": self._origin()},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username} answered {response.status_code}")

    @task(4)
    def log_a_talk(self):
        form = self._get("/talks/log/", name="talk form")
        select = CONTACTS.search(form.text) if form.ok else None
        contacts = OPTION.findall(select.group(0)) if select else []
        if not contacts:
            return
        data = {
            "csrfmiddlewaretoken": self._token(form.text),
            "contact": contacts[hash(self.username) % len(contacts)],
            "date": datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(),
            "place": "办公室",
            "kind": "both",
            "content": "月底谈心：了解近期教学和生活情况，听取对支部工作的意见。",
            "aspects": ["work", "life"],
            # Required for activists (R31); harmless for the other categories.
            "observation": "积极参加支部活动，思想上要求进步。",
            "must_talk_event": "",
            "opinions": "",
            "submission_token": str(uuid.uuid4()),
        }
        with self.client.post(
            "/talks/log/",
            data,
            headers={"Origin": self._origin()},
            allow_redirects=False,
            name=POST[0],
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/talks/log/" not in location:
                response.failure(f"talk save answered {response.status_code}")
                return
            state["saved"] += 1
        self._get(location, name="talk detail")

    @task(2)
    def my_page(self):
        self._get("/talks/", name="my page")

    @task(1)
    def handbook(self):
        self._get("/talks/handbook/", name="handbook")

    @task(1)
    def notifications(self):
        self._get("/members/notifications/", name="notifications")

    def _get(self, path: str, name: str):
        # A redirect (to the login page: the session was lost) is an error, not a page.
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
        return response

    def _origin(self) -> str:
        return self.host.replace("http://", "https://", 1)

    @staticmethod
    def _token(html: str) -> str:
        match = TOKEN.search(html)
        return match.group(1) if match else ""


@events.request.add_listener
def _count_failures(exception, **kwargs):
    if exception is not None:
        state["failed"] += 1


@events.quitting.add_listener
def _report(environment, **kwargs):
    stats = environment.stats
    lines = [
        "",
        f"{'request':<22}{'count':>7}{'errors':>8}{'err %':>7}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}",
    ]
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        lines.append(_row(entry.name, entry))
    lines.append(_row("ALL", stats.total))
    created = _talk_count() - state["talks_before"]
    lines.append(f"whole run: talks saved (302) {state['saved']}, errors {state['failed']}")
    lines.append(f"new rows in talks_talklog: {created}")
    print("\n".join(lines))
    problems = []
    if created != state["saved"]:
        problems.append(f"rows {created} != successful POSTs {state['saved']}")
    if state["failed"]:
        problems.append(f"{state['failed']} errors")
    post = stats.entries.get(POST)
    if post and post.get_response_time_percentile(0.95) >= POST_P95_GOAL_MS:
        problems.append(f"POST p95 {post.get_response_time_percentile(0.95)} ms >= goal")
    print("RESULT: " + ("; ".join(problems) if problems else "ok (0 errors, rows match, goal met)"))
    environment.process_exit_code = 1 if problems else 0


def _row(name, entry) -> str:
    count, errors = entry.num_requests, entry.num_failures
    rate = 100 * errors / count if count else 0
    pct = entry.get_response_time_percentile
    return (
        f"{name:<22}{count:>7}{errors:>8}{rate:>7.2f}"
        f"{pct(0.5):>8.0f}{pct(0.95):>8.0f}{pct(0.99):>8.0f}{entry.max_response_time or 0:>8.0f}"
    )
