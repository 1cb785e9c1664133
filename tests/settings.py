"""Settings for the tests (pyproject.toml's DJANGO_SETTINGS_MODULE): the app's own settings,
read from the environment as in production, then what only the tests switch.

What the environment says still wins (a DATABASE_URL, REDIS_URL, SECRET_KEY...); the defaults
below only stand in for what a developer's shell does not set. The Celery workers the services
tests start inherit DJANGO_SETTINGS_MODULE, so they run with these settings too.
"""

import os
import tempfile
from pathlib import Path

# Tests run without a .env: a key and hosts that production must set (branch_liaison/settings.py
# refuses to start without them when DEBUG is off). The key is the development one, never used in
# production. Taken out of the environment again once read: a `manage.py` the tests start with
# the app's settings (tests/security/test_settings_and_headers.py) sees the shell's environment.
_DEFAULTS = {
    "SECRET_KEY": "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijk",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,[::1]",
}
_added = [name for name in _DEFAULTS if name not in os.environ]
for _name in _added:
    os.environ.setdefault(_name, _DEFAULTS[_name])
try:
    from branch_liaison.settings import *  # noqa: E402, F403
    from branch_liaison.settings import DATABASES, STORAGES  # noqa: E402
finally:
    for _name in _added:
        del os.environ[_name]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests get a file, not Django's default shared-cache memory database: there a second
    # connection (the embedded export's thread, a live server) meets a reader with
    # "database table is locked" at once, a lock the busy timeout does not wait for, so
    # those tests failed now and then. One file per test process (helpers run in
    # parallel); WAL and no fsync keep it about as fast as memory.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"branch-liaison-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Development and tests serve static files from the finders; production from collectstatic.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The embedded school export runs in a thread of the web process when there is no worker
# (EXPORTS_IN_THREAD in branch_liaison/settings.py). Tests keep it in the request unless they
# turn this on (a thread cannot see a test's open transaction).
EXPORTS_IN_THREAD = False

# Production behind nginx (DEBUG off) redirects to HTTPS and sends cookies over HTTPS only, under
# __Host- names; the test client and the live server speak plain HTTP, so Django's defaults.
SECURE_PROXY_SSL_HEADER = None
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
