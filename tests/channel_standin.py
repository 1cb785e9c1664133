"""A local stand-in for the WeCom and DingTalk APIs (issue 17), on 127.0.0.1.

It records every request (method, path, query, JSON body) and answers from a plan per path:
`server.plan("/cgi-bin/message/send", [{"errcode": 42001, "errmsg": "expired"}, 502, "timeout"])`
answers the next three calls with that JSON, an HTTP 502, and silence longer than the client
waits; then success again. `server.on_request` (a function of the request) may run first, e.g. to
kill a worker before the answer. The fixture `standin` points both API bases at it.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TIMEOUT_SLEEP = 1.5


class Standin(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.plans: dict[str, deque] = defaultdict(deque)
        self.tokens = 0
        self.on_request = None
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def plan(self, path: str, answers: list) -> None:
        self.plans[path].extend(answers)

    def sent(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def answer_for(self, path: str):
        with self.lock:
            if self.plans[path]:
                return self.plans[path].popleft()
            if path == "/cgi-bin/gettoken":
                self.tokens += 1
                return {
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": f"TOKEN{self.tokens}",
                    "expires_in": 7200,
                }
            return {"errcode": 0, "errmsg": "ok"}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _handle(self):
        server: Standin = self.server
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = {
            "method": self.command,
            "path": url.path,
            "raw_query": url.query,
            "query": dict(urllib.parse.parse_qsl(url.query)),
            "body": json.loads(raw) if raw else None,
            "raw": raw.decode("utf-8", "replace"),
            "at": time.time(),
        }
        if server.on_request is not None and server.on_request(request) is False:
            return  # not recorded, not answered (the caller was killed)
        with server.lock:
            server.requests.append(request)
        answer = server.answer_for(url.path)
        if answer == "timeout":
            time.sleep(TIMEOUT_SLEEP)
            return
        if isinstance(answer, int):
            self.send_response(answer)
            self.end_headers()
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _handle
    do_POST = _handle


@pytest.fixture
def standin(settings):
    server = Standin()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WECOM_API_BASE = server.base
    settings.DINGTALK_API_BASE = server.base
    settings.CHANNEL_TIMEOUT = 0.5
    yield server
    server.shutdown()
    server.server_close()
