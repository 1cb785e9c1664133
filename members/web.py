"""Helpers every app's views use: lists, query parameters, files handed out, the client's
address, rate limits, links and QR codes.

- Pagination of the lists that grow (issue 14): a page is a slice of the queryset
  (LIMIT/OFFSET) plus one COUNT, whatever the data: the query count of a list does not grow
  with its rows. Templates include `_pagination.html`, whose links use Django's
  {% querystring %} so the list's GET filters stay as they are.
- Finding 9, ids out of query strings and posted values: `str.isdigit()` is true for "²" or
  "①", which `int()` refuses (a 500); ASCII digits only, and no more of them than a database
  id can hold.
- Every file the app hands out goes through `download_response`: an attachment whose name is
  in Chinese, with the branch's name and the period (「数学组党支部-2026年秋季学期-考核结果.pdf」).
  Django's `content_disposition_header` (the one FileResponse uses) writes a non-ASCII name as
  RFC 5987 `filename*=utf-8''…`, which every browser in use reads.
- The pages without login (R42, R43) are rate limited by the client's address; when the shared
  cache (Redis) is down they stay open.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re

import segno
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.html import mark_safe
from django.utils.http import content_disposition_header
from django_ratelimit.core import is_ratelimited

PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE) -> Page:
    """The page named by ?page= (a bad or too high number gives the first or the last page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_text(params, name: str = "q", limit: int = 100) -> str:
    """The search box's text in these GET parameters, trimmed and bounded (never an error on a
    long or odd value)."""
    return (params.get(name) or "").replace("\x00", "").strip()[:limit]


_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def id_param(value) -> int | None:
    """The id in `value` ("12"), or None for anything else (empty, "²", "-1", "1e3", "9"*400)."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


# Characters no file system or browser keeps in a name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def download_name(*parts: object, ext: str) -> str:
    """The parts joined by 「-」, each stripped of what a file name cannot hold."""
    cleaned = [_UNSAFE.sub("_", str(part)).strip(" ._") for part in parts]
    return "-".join(part for part in cleaned if part) + f".{ext}"


def download_response(content, *, filename: str, content_type: str) -> HttpResponse:
    """An attachment: `content` is bytes or an open binary file (streamed)."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)


log = logging.getLogger(__name__)


def _ratelimit_key(group, request) -> str:
    return client_ip(request) or "unknown"


def rate_limited(request, group: str, rate: str) -> bool:
    try:
        return is_ratelimited(request, group=group, key=_ratelimit_key, rate=rate, increment=True)
    except Exception:  # the shared cache (Redis) is down: the page stays open
        log.warning("rate limit cache unavailable; %s not limited", group)
        return False


def too_many(request) -> HttpResponse:
    return render(request, "public/too_many.html", status=429)


def qr_svg(url: str, *, scale: int = 5, omitsize: bool = True) -> str:
    """A QR code as inline SVG, drawn on the server (no script; CSP allows it)."""
    return mark_safe(
        segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=omitsize)
    )


def absolute(path: str) -> str:
    """The link with the site's address (for QR codes, emails and chat messages)."""
    return f"{settings.SITE_URL}{path or '/'}"


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
