"""HTML compression for slow phone links (issue 18).

Why Django compresses the pages and nginx does not (deploy/nginx/branch-liaison.conf has
`gzip off` for the proxied pages): compressing a page that holds a secret next to text an
attacker can choose opens it to BREACH (a length side channel over TLS). Django's
GZipMiddleware (4.2+) pads every compressed body with 0-100 random bytes in the gzip header
("Heal the Breach"), nginx's gzip has no such mitigation. On top of that:

- the CSRF token in every form is masked with a fresh random salt on each response, so it is
  never the same secret twice and cannot be guessed byte by byte;
- the session cookie is `SameSite=Lax` (Django's default, kept here): a page on another site
  cannot make the member's browser send the thousands of authenticated requests the attack
  needs (images, scripts and fetches from another site carry no session cookie).

The page then goes over a slow 3G link as ~2.5 KB instead of ~12 KB (docs/performance.md).

Only text is compressed: PDFs, spreadsheets (already zip) and uploaded evidence are passed on
untouched, which also keeps their Content-Length. Static files never reach this middleware:
WhiteNoise (above it) or nginx serve the precompressed .br/.gz files of collectstatic.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").lower()
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
