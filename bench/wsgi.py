"""gunicorn entry point for the throughput bench: the app plus bench/urls.py's minimal POST."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_liaison.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
# DEBUG=1 only loads settings without production secrets; don't log every query.
settings.DEBUG = False
