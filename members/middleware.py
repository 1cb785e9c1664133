import functools
import ipaddress
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

from . import access
from .audit import request_context

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,40}$")


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address (finding 7; django-axes, rate limits and the audit log use it).

    Only a request from a trusted proxy (TRUSTED_PROXIES, default the shipped nginx on this
    host) is believed about the client: then X-Real-IP, which deploy/nginx sets to the address
    it saw (overwriting anything the client sent), or else the last address in X-Forwarded-For
    not itself a trusted proxy. From anyone else it is REMOTE_ADDR, whatever headers they send.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or not _trusted(_address(remote), networks):
        return remote
    real = _address(request.META.get("HTTP_X_REAL_IP", ""))
    if real is not None:
        return str(real)
    hops = [_address(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            break
        if not _trusted(hop, networks):
            return str(hop)
    return remote


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
