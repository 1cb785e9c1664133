"""Issue 18, on a slow phone link: the member's talk form over throttled "Slow 3G" (Chromium
DevTools' preset through CDP), first on a cold cache, then again with the static files cached.

The server is not pytest-django's live_server, whose handler serves /static/ from the finders
uncompressed: it is a LiveServerThread without that handler, with static files collected as
production collects them (CompressedManifestStaticFilesStorage: hashed names, .br and .gz
beside each file) and served by WhiteNoise from the middleware, with the very headers (encoding,
immutable caching) the shipped nginx site sends. The page itself comes gzipped by Django
(branch_liaison/compression.py), as in production. The figures go to docs/performance.md.
"""

import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, modify_settings, override_settings
from django.test.testcases import LiveServerThread
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# DevTools' "Slow 3G": 400 kbit/s each way (50 kB/s), 2 s of latency added to every request.
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
    "connectionType": "cellular3g",
}
FIRST_VISIT_GOAL = 60 * 1024
REPEAT_VISIT_GOAL = 6 * 1024


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_server(production_static, transactional_db):
    """A live server answering /static/ through WhiteNoise, as production does (no finders)."""
    overrides = override_settings(
        STATIC_ROOT=production_static,
        STORAGES=PRODUCTION_STATIC,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    hosts = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
    overrides.enable()
    hosts.enable()
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread(
        "127.0.0.1", static_handler=lambda app: app, connections_override=shared
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()
        hosts.disable()
        overrides.disable()


class Wire:
    """Bytes Chromium received per request (headers included), from the CDP Network domain."""

    def __init__(self, cdp):
        self.requests = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        response = event["response"]
        if not response["url"].startswith("http"):
            return  # data: URLs (the icon, Bootstrap's inline SVGs) never travel
        self.requests[event["requestId"]] = {
            "url": response["url"],
            "encoding": {k.lower(): v for k, v in response["headers"].items()}.get(
                "content-encoding", ""
            ),
            "from_cache": response.get("fromDiskCache") or response.get("fromPrefetchCache"),
            "bytes": 0,
        }

    def _finished(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def total(self) -> int:
        return sum(r["bytes"] for r in self.requests.values())


def visit(page, url: str) -> dict:
    """Open the form; time until the text box is painted and takes typing."""
    started = time.monotonic()
    page.goto(url, wait_until="commit")
    page.locator("textarea[name=content]").press_sequentially("谈", timeout=60_000)
    # Playwright can type before the first paint; the member cannot: take the later of the two.
    # (polled from here: wait_for_function would evaluate a string, which the CSP forbids)
    while not page.evaluate("performance.getEntriesByName('first-contentful-paint').length"):
        assert time.monotonic() - started < 60, "no first paint after 60 s"
        time.sleep(0.02)
    typed = time.monotonic() - started
    page.wait_for_load_state("load", timeout=60_000)
    timing = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return {paint: paint.startTime, load: nav.loadEventEnd};
        }"""
    )
    return {"typed_s": max(typed, timing["paint"] / 1000), **timing}


def test_issue18_talk_form_over_slow_3g_first_and_repeat_visit(
    production_server, browser, member_a, teacher_a
):
    client = Client()
    client.force_login(member_a.user)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": production_server,
            }
        ]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    url = production_server + reverse("talks:talk_create")

    first_wire = Wire(cdp)
    first = visit(page, url)
    first_bytes = first_wire.total()
    first_requests = list(first_wire.requests.values())
    cdp.remove_listener("Network.responseReceived", first_wire._response)
    cdp.remove_listener("Network.loadingFinished", first_wire._finished)

    repeat_wire = Wire(cdp)
    repeat = visit(page, url)
    repeat_bytes = repeat_wire.total()
    repeat_requests = [r for r in repeat_wire.requests.values() if r["bytes"]]
    context.close()

    report = (
        f"first visit {first_bytes / 1024:.1f} KB in {len(first_requests)} requests, "
        f"typeable after {first['typed_s']:.1f} s (first paint {first['paint'] / 1000:.1f} s, "
        f"load {first['load'] / 1000:.1f} s); repeat visit {repeat_bytes / 1024:.1f} KB in "
        f"{len(repeat_requests)} requests, typeable after {repeat['typed_s']:.1f} s"
    )
    print("\nslow 3G:", report)
    for r in first_requests:
        print(f"  {r['bytes']:>7} B  {r['encoding'] or '-':<5} {r['url'].split('/', 3)[-1]}")
    # The page and its static files (Bootstrap's CSS and JS, the app's screen and print CSS and
    # two scripts), every one compressed: the page by Django, the static files precompressed.
    assert [r["url"] for r in first_requests if "/static/" not in r["url"]] == [url]
    assert len(first_requests) == 7, first_requests
    assert all(r["encoding"] in {"br", "gzip"} for r in first_requests), first_requests
    assert first_bytes <= FIRST_VISIT_GOAL, report
    # Second visit: only the page travels, the hashed static files come from the cache.
    assert [r["url"] for r in repeat_requests] == [url], repeat_requests
    assert repeat_bytes <= REPEAT_VISIT_GOAL, report
