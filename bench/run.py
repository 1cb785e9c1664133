"""`make bench`: build the two PostgreSQL databases once, measure, print one table.

    python -m bench.run            (BENCH_PG=postgres://postgres@127.0.0.1:5432 by default)

Databases bl_bench_1 and bl_bench_40 are built by `seed_demo --scale N --force`; a marker
var/bench/.built-scale<N>-<hash> (hash of every migration and of the demo builder) says a build
is current, so a second run only measures. Each measurement section runs in its own process
(bench/measure.py) at each scale; the talk POST throughput runs under gunicorn (bench/load.py).
Results: bench/results.json (median/min/max of every figure) and the table on stdout.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SCALES = (1, 40)
MARKERS = ROOT / "var" / "bench"
SECTIONS = ("pages", "obligations", "reminders", "pdf-inspection", "pdf-school")
PAGES = ("my_page", "talk_create", "branch_dashboard", "school_home", "contact_detail", "handbook")
GOALS = {
    "my_page": (2, 5),
    "talk_create": (2, None),
    "branch_dashboard": (2, 5),
    "school_home": (3, None),
    "contact_detail": (2, None),
    "handbook": (2, None),
}


def db_url(scale: int) -> str:
    return f"{PG}/bl_bench_{scale}"


def env_for(scale: int, **extra) -> dict:
    return {**os.environ, "DEBUG": "1", "DATABASE_URL": db_url(scale), **extra}


def build_hash() -> str:
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*.py")) + [ROOT / "demo" / "builder.py"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build(scale: int) -> None:
    marker = MARKERS / f".built-scale{scale}-{build_hash()}"
    if marker.exists():
        print(f"bl_bench_{scale}: current ({marker.name})", file=sys.stderr)
        return
    MARKERS.mkdir(parents=True, exist_ok=True)
    for old in MARKERS.glob(f".built-scale{scale}-*"):
        old.unlink()
    print(f"bl_bench_{scale}: building (seed_demo --scale {scale})", file=sys.stderr)
    began = time.perf_counter()
    load.admin(PG, f"DROP DATABASE IF EXISTS bl_bench_{scale} WITH (FORCE)")
    load.admin(PG, f"CREATE DATABASE bl_bench_{scale}")
    manage = [PY, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], env=env_for(scale), cwd=ROOT, check=True
    )
    subprocess.run(
        [*manage, "seed_demo", "--scale", str(scale), "--force"],
        env=env_for(scale),
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text(f"built in {time.perf_counter() - began:.0f} s\n")


def measure(section: str, scale: int) -> dict:
    done = subprocess.run(
        [PY, "-m", "bench.measure", section],
        env=env_for(scale),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"bench: section {section} at scale {scale} failed")
    return json.loads(done.stdout)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import psycopg2

    connection = psycopg2.connect(f"{PG}/postgres")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgres": postgres,
        "kernel": platform.release(),
        "loadavg_start": os.getloadavg(),
    }


def ms(figure: dict) -> str:
    return f"{figure['median'] * 1000:.1f}"


def spread(figure: dict) -> str:
    return f"{figure['min'] * 1000:.0f}–{figure['max'] * 1000:.0f}"


def verdict(value: float | None, goal: float | None, at_most: bool = True) -> str:
    if goal is None or value is None:
        return ""
    ok = value <= goal if at_most else value >= goal
    return f"{'ok' if ok else 'MISS'} ({'≤' if at_most else '≥'}{goal:g})"


def table(results: dict) -> str:
    r1, r40 = results["scale"]["1"], results["scale"]["40"]
    lines = []
    add = lines.append
    add(
        f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"Python {results['machine']['python']}, PostgreSQL {results['machine']['postgres']}; "
        f"load {results['machine']['loadavg_start'][0]:.2f} → "
        f"{results['machine']['loadavg_end'][0]:.2f} (1-min average at start → end)"
    )
    add("")
    add(
        f"{'page':<18}{'s1 ms':>8}{'s40 ms':>9}{'s40 min–max':>13}{'q1':>4}{'q40':>5}"
        f"{'40/1':>7}{'min':>6}  {'goal':<11}{'÷empty':>8}  goal"
    )
    add(
        "(40/1: ratio of medians; min: ratio of fastest runs, less sensitive to load; "
        "÷empty: s40, against the empty page requested alternately with it)"
    )
    for page in ("baseline", *PAGES):
        a, b = r1["pages"][page], r40["pages"][page]
        ratio = b["time"]["median"] / a["time"]["median"]
        best = b["time"]["min"] / a["time"]["min"]
        over = b["time"]["median"] / b["empty_beside"]["median"]
        scale_goal, empty_goal = GOALS.get(page, (None, None))
        q = f"{a['queries']:>4}{b['queries']:>5}"
        add(
            f"{page:<18}{ms(a['time']):>8}{ms(b['time']):>9}{spread(b['time']):>13}{q}"
            f"{ratio:>7.2f}{best:>6.2f}  {verdict(ratio, scale_goal):<11}{over:>8.1f}  "
            f"{verdict(over, empty_goal)}"
        )
    alone = r40["pages"]["baseline"]["time"]["median"]
    add(
        f"(the empty page alone: {alone * 1000:.1f} ms; beside the pages it is slower, its caches "
        "shared with them; ÷ the empty page alone: "
        + ", ".join(f"{page} {r40['pages'][page]['time']['median'] / alone:.1f}" for page in PAGES)
        + ")"
    )
    add("")
    for scale, r in (("1", r1), ("40", r40)):
        o = r["obligations"]
        engine, raw = o["branch_semester_engine"], o["branch_semester_raw_sql"]
        school = o["school_semester_engine"]
        ratio = engine["time"]["median"] / raw["time"]["median"]
        add(
            f"obligations s{scale}: branch-semester ({o['branch_members']} members) engine "
            f"{ms(engine['time'])} ms ({engine['queries']} q) ÷ raw SQL {ms(raw['time'])} ms "
            f"= {ratio:.2f} {verdict(ratio, 2)}; member_figures "
            f"{ms(o['branch_semester_figures']['time'])} ms; whole school "
            f"({school['members']}) {ms(school['time'])} ms"
        )
    for scale, r in (("1", r1), ("40", r40)):
        m = r["reminders"]
        add(
            f"monthly reminders s{scale}: {m['members']} members, {m['emails']} emails, "
            f"{ms(m['time'])} ms (min–max {spread(m['time'])}), {m['queries']} queries, "
            f"{m['emails_per_s']:.0f} emails/s"
        )
    for scale, r in (("1", r1), ("40", r40)):
        for key, label in (
            ("pdf-inspection", "inspection PDF (1 branch)"),
            ("pdf-school", "school assessment PDF"),
        ):
            p = r[key]
            ratio = p["time"]["median"] / p["weasyprint_alone"]["median"]
            memory_goal = verdict(p["peak_rss_mib"], 1024) if key == "pdf-school" else ""
            add(
                f"{label} s{scale}: {ms(p['time'])} ms, {p['pages']} pages, peak RSS "
                f"{p['peak_rss_mib']:.0f} MiB {memory_goal}; ÷ WeasyPrint alone "
                f"{ms(p['weasyprint_alone'])} ms = {ratio:.2f} {verdict(ratio, 1.3)}"
            )
    load = results.get("throughput")
    if load and "skipped" not in load:
        ratio = load["talk_post"]["rps"]["median"] / load["minimal_post"]["rps"]["median"]
        add(
            f"talk POST under gunicorn (2 workers, {load['tool']}, s40 copy): "
            f"{load['talk_post']['rps']['median']:.0f} req/s ÷ minimal POST "
            f"{load['minimal_post']['rps']['median']:.0f} req/s = {ratio:.2f} "
            f"{verdict(ratio, 0.3, False)}; {load['talks_written']} talks written"
        )
    else:
        add(f"talk POST throughput: skipped ({(load or {}).get('skipped', 'not run')})")
    return "\n".join(lines)


def main() -> None:
    began = time.perf_counter()
    for scale in SCALES:
        build(scale)
        # The previous run's rolled-back writes (reminders, PDFs) left dead rows behind; measure
        # a database as autovacuum keeps it, whenever the last run was.
        load.admin(PG, "VACUUM ANALYZE", database=f"bl_bench_{scale}")
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    results["scale"] = {}
    for scale in SCALES:
        results["scale"][str(scale)] = {}
        for section in SECTIONS:
            print(f"measuring {section} at scale {scale}", file=sys.stderr)
            results["scale"][str(scale)][section] = measure(section, scale)
    if os.environ.get("BENCH_SKIP_LOAD"):
        results["throughput"] = {"skipped": "BENCH_SKIP_LOAD set"}
    else:
        print("measuring talk POST throughput under gunicorn", file=sys.stderr)
        results["throughput"] = load.run(PG, source="bl_bench_40")
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - began)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))
    print(f"\n({results['seconds']} s; bench/results.json)")


if __name__ == "__main__":
    main()
