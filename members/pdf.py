"""The one function that renders every PDF (WeasyPrint, A4, Chinese font embedded).

The fetcher serves only the app's own static files: nothing named in user text (an <img src>,
a CSS url(), a file:// path) is ever fetched.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_BASE_URL = "https://pdf.invalid/"


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            prefix = settings.STATIC_URL
            if f"{parsed.scheme}://{parsed.netloc}/" == PDF_BASE_URL and parsed.path.startswith(
                prefix
            ):
                path = finders.find(parsed.path[len(prefix) :])
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
                    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": content_type}, 200)
            raise ValueError(f"PDF rendering does not fetch {url[:80]!r}")

    return StaticOnlyFetcher()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template of templates/pdf/ (extending pdf/base.html) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {"school_name": settings.SCHOOL_NAME, **context})
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher()).write_pdf()


def render_pdf_parts(template_name: str, contexts: list[dict], on_part=None) -> bytes:
    """Render one document per context and join them (a long export, with progress).

    `on_part(n)` is called after each part is laid out, so a job can store its progress.
    Each part is laid out on its own (the progress counts parts, the layout of one part is what
    takes the time); `page_offset` (the pages of the parts before) lets pdf/base.html number the
    pages continuously, each page also naming its part (an element of class part-name) and its
    page within that part. One FontConfiguration serves every part: each part with its own
    held its own copy of the font maps, about 3 MB a part (1 GiB for a school, docs/performance.md).
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    documents = []
    offset = 0
    for number, context in enumerate(contexts, start=1):
        html = render_to_string(
            template_name,
            {"school_name": settings.SCHOOL_NAME, **context, "page_offset": offset},
        )
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
        documents.append(document.render(font_config=font_config))
        offset += len(documents[-1].pages)
        if on_part:
            on_part(number)
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A download (never shown inline), with a UTF-8 file name."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
