"""Finding 7: every error page is the app's own, in Chinese, also under DEBUG=0 (400, 403,
CSRF failure, 404, 429, 500). Wired in branch_liaison/urls.py (handler400…) and settings
(CSRF_FAILURE_VIEW); tests/security/test_finding7_error_pages.py renders each."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django_ratelimit.exceptions import Ratelimited


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if isinstance(exception, Ratelimited):
        return too_many_requests(request)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    # The reason (Django's English words) stays in the log, not on the page.
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """No context processors (they read the database, which may be what failed) and no
    traceback: the request id to give the administrator."""
    html = loader.get_template("500.html").render({"request": request})
    return HttpResponseServerError(html)
