"""The one module that renders every PDF (WeasyPrint, A4, Chinese font embedded).

The fetcher serves only the app's own static files: nothing named in user text (an <img src>,
a CSS url(), a file:// path) is ever fetched.

Every PDF says when and by whom it was generated (a full name, never a login) and numbers its
pages 「第 3 页 / 共 240 页」. The same input gives the same bytes: the creation date is the
generation time the caller passes (stored with the record), and the file identifier is a hash
of the rendered HTML, so a stored PDF can be checked against a regeneration.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .web import download_response

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


def person_name(user) -> str:
    """The full name a document names its author by: the member's name, the account's full
    name, else a role word. Never the login."""
    if user is None:
        return _("the system (scheduled)")
    member = getattr(user, "member", None) if getattr(user, "pk", None) else None
    if member is not None and member.name:
        return member.name
    return user.get_full_name() or _("school administrator")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_number_css() -> str:
    """The footer's CSS `content`: 「"第 " counter(page) " 页 / 共 " counter(pages) " 页"」."""
    pattern = _("Page %(page)s of %(pages)s")
    css = _css_string(pattern)
    css = css.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    return css.replace('"" ', "").replace(' ""', "")


def _context(context: dict, generated_by, generated_at: datetime | None) -> dict:
    generated_at = timezone.localtime(generated_at or timezone.now())
    return {
        "school_name": settings.SCHOOL_NAME,
        "generated_at": generated_at.replace(microsecond=0),
        "generated_by_name": person_name(generated_by),
        "page_number_css": page_number_css(),
        **context,
    }


def _identifier(html: str) -> bytes:
    return hashlib.sha256(html.encode()).hexdigest()[:32].encode()


def render_pdf(
    template_name: str,
    context: dict,
    *,
    generated_by=None,
    generated_at: datetime | None = None,
) -> bytes:
    """Render a template of templates/pdf/ (extending pdf/base.html) to PDF bytes.

    `generated_at` (default: now) is printed, and is the PDF's creation date: pass the stored
    time to regenerate a stored document byte for byte."""
    from weasyprint import HTML

    html = render_to_string(template_name, _context(context, generated_by, generated_at))
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf(pdf_identifier=_identifier(html))


def render_pdf_parts(
    template_name: str,
    contexts: list[dict],
    *,
    cover: tuple[str, dict],
    part_names: list[str],
    cover_title: str = "",
    generated_by=None,
    generated_at: datetime | None = None,
    on_part=None,
) -> bytes:
    """A cover (its own template: the document's title and first pages), then one part per
    context, joined into one PDF (a long export, with progress).

    `on_part(n)` is called after each part is laid out, so a job can store its progress: each
    part is laid out on its own, as that is what takes the time. The page header (the part's
    name, `part_names`) and the footer 「第 3 页 / 共 240 页」 need the whole document's page
    count, known only at the end: they come from a document of empty pages laid out last (about
    200 pages a second), whose margin boxes replace the parts'. One FontConfiguration serves
    every part: each part with its own held its own copy of the font maps, about 3 MB a part
    (1 GiB for a school, docs/performance.md).
    """
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import MarginBox
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    base = _context({}, generated_by, generated_at)
    htmls = []

    def layout(name: str, context: dict):
        html = render_to_string(name, {**base, **context})
        htmls.append(html)
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
        return document.render(font_config=font_config)

    documents = [layout(*cover)]
    for number, context in enumerate(contexts, start=1):
        documents.append(layout(template_name, context))
        if on_part:
            on_part(number)
    cover_name = f"{settings.SCHOOL_NAME} · {cover_title}" if cover_title else settings.SCHOOL_NAME
    sheets = [cover_name] * len(documents[0].pages)
    for name, document in zip(part_names, documents[1:], strict=True):
        sheets += [name] * len(document.pages)
    frame = layout("pdf/_page_frame.html", {"sheets": sheets})
    pages = [page for document in documents for page in document.pages]
    for page, framed in zip(pages, frame.pages, strict=True):
        box = page._page_box  # WeasyPrint 70 (pinned): a page box's children, margin boxes last
        box.children = tuple(c for c in box.children if not isinstance(c, MarginBox)) + tuple(
            c for c in framed._page_box.children if isinstance(c, MarginBox)
        )
    return documents[0].copy(pages).write_pdf(pdf_identifier=_identifier("".join(htmls)))


def pdf_response(pdf: bytes, filename: str):
    """A PDF download (never shown inline), with the file name in Chinese (RFC 5987)."""
    return download_response(pdf, filename=filename, content_type="application/pdf")
