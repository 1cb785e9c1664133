"""gunicorn settings for branch-liaison (used by deploy/systemd/branch-liaison-web.service).

    gunicorn -c deploy/gunicorn.conf.py branch_liaison.wsgi

Every value can be overridden from the environment, so one file serves every host.
"""

import multiprocessing
import os

# Only nginx on the same host talks to gunicorn; it is never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: pages are short database-bound requests. Default 2 per core plus 1.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# The longest request is one branch's assessment PDF (a few pages, a few seconds); long
# documents are Celery jobs. A worker stuck longer than this is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Must be longer than nginx's keepalive to the upstream would keep an idle connection.
keepalive = 5

# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200

# X-Forwarded-Proto / X-Forwarded-For are trusted only from nginx on this host; Django reads
# X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER and the client address from X-Real-IP.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# Logs go to stdout/stderr, i.e. to the journal under systemd.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The request id is set by the app (X-Request-ID) and appears in the access log next to the
# error page's number, so a user's report can be found.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
