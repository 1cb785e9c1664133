"""Bench-only URLconf (never the app's): the real URLs plus two minimal views as baselines.

Used in-process by bench/measure.py (override_settings) and by gunicorn through bench/wsgi.py.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

EMPTY = engines["django"].from_string("")


def empty_page(request):
    # The same framework cost as a page: middleware, session, user, context processors.
    return HttpResponse(EMPTY.render({}, request))


def minimal_post(request):
    # A POST through the same middleware (session, CSRF) that writes nothing.
    return HttpResponse("ok" if request.method == "POST" else "")


urlpatterns = [
    path("__bench__/empty/", empty_page),
    path("__bench__/post/", minimal_post),
    path("", include("branch_liaison.urls")),
]
