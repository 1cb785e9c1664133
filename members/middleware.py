import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from members import access

from .audit import request_context
from .web import client_ip

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,40}$")


class PasswordRequiredMiddleware:
    """Finding 8: a member who must choose a password (created by the roster import) is sent to
    the password page after logging in until they have chosen one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            member = access.profile(request.user)
            if member is not None and member.must_set_password:
                allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
                if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                    return redirect("password_change")
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives every request an id (shown on the error page, stored in the audit log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_context.set({"request_id": request.request_id, "ip": client_ip(request)})
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreForAuthenticatedMiddleware:
    """Personal pages must not stay in shared or browser caches; idle sessions end after 30 min."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            # Writing the session at most once a minute keeps reads from becoming writes.
            if now - last_seen >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose English with the language switch (a cookie).

    The browser's Accept-Language is ignored on purpose: the school works in Chinese, and a
    teacher's phone set to English should not turn the records into English.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
