"""Issue 6 backups: `make backup` dumps the DATABASE_URL database with pg_dump -Fc, and
`make restore` puts it into a fresh database where the records are found again."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from members.models import Branch

ROOT = Path(settings.BASE_DIR)


def database_url(name: str) -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def make(target: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_finds_the_records(tmp_path):
    name = f"备份测试支部-{uuid.uuid4().hex[:8]}"
    Branch.objects.create(name=name)
    source = database_url(connection.settings_dict["NAME"])

    backup = make("backup", DATABASE_URL=source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path and dump.suffix == ".dump" and dump.stat().st_size > 0
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    fresh = f"bl_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        restore = make("restore", DATABASE_URL=database_url(fresh), DUMP=str(dump))
        assert restore.returncode == 0, restore.stderr
        with psycopg2.connect(database_url(fresh)) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM members_branch WHERE name = %s", [name])
            assert cursor.fetchone() == (1,)
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert cursor.fetchone()[0] > 0
        restored.close()
        # Restoring again over the restored database is allowed (--clean --if-exists).
        again = make("restore", DATABASE_URL=database_url(fresh), DUMP=str(dump))
        assert again.returncode == 0, again.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = make("backup", DATABASE_URL="sqlite:///var/db.sqlite3", BACKUP_DIR=str(tmp_path))
    assert result.returncode != 0 and "must name the PostgreSQL database" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_restore_needs_an_existing_dump(tmp_path):
    result = make("restore", DATABASE_URL="postgres://postgres@127.0.0.1/x", DUMP="")
    assert result.returncode != 0 and "name an existing dump" in result.stderr
