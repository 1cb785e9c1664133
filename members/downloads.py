"""Every file the app hands out goes through `download_response`: an attachment whose name is
in Chinese, with the branch's name and the period (「数学组党支部-2026年秋季学期-考核结果.pdf」).

Django's `content_disposition_header` (the one FileResponse uses) writes a non-ASCII name as
RFC 5987 `filename*=utf-8''…`, which every browser in use reads.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

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
