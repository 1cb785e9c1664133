"""Issue 18, on a slow phone link: pages gzipped by Django (with its BREACH padding), only text;
static files precompressed by collectstatic and served so by the shipped nginx site."""

import gzip
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from branch_liaison.compression import TextGZipMiddleware

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "deploy" / "nginx" / "branch-liaison.conf"
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_issue18_the_talk_form_is_sent_gzipped_with_random_padding(client, member_a):
    client.force_login(member_a.user)
    url = reverse("talks:talk_create")
    plain = client.get(url)
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert first["Content-Encoding"] == "gzip"
    assert int(first["Content-Length"]) == len(first.content) < len(plain.content) / 3
    html = gzip.decompress(first.content).decode()
    assert 'id="talk-form"' in html and 'name="csrfmiddlewaretoken"' in html
    # Heal the Breach: the gzip header carries a file name of random bytes (FNAME flag), so
    # the length of the same page changes from one response to the next.
    assert first.content[3] & 0x08 and second.content[3] & 0x08
    lengths = {len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)}
    assert len(lengths) > 1


def test_issue18_files_are_not_compressed_only_text_is():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    pdf = HttpResponse(b"%PDF-1.7 " * 100, content_type="application/pdf")
    xlsx = FileResponse(
        iter([b"PK" * 500]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    data = HttpResponse(b'{"progress": 1}' * 50, content_type="application/json")
    assert TextGZipMiddleware(lambda r: pdf)(request).get("Content-Encoding") is None
    assert TextGZipMiddleware(lambda r: xlsx)(request).get("Content-Encoding") is None
    assert TextGZipMiddleware(lambda r: data)(request)["Content-Encoding"] == "gzip"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as production runs it (settings: CompressedManifestStaticFilesStorage)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def test_issue18_collectstatic_writes_brotli_and_gzip_beside_every_text_file(collected):
    for name in ("bootstrap.min.css", "bootstrap.bundle.min.js"):
        hashed = [
            p
            for p in collected.rglob(name.replace(".min.", ".min.*."))
            if p.suffix in {".css", ".js"}
        ]
        assert len(hashed) == 1, hashed
        original = hashed[0].stat().st_size
        br = hashed[0].with_name(hashed[0].name + ".br").stat().st_size
        gz = hashed[0].with_name(hashed[0].name + ".gz").stat().st_size
        assert br < gz < original / 3
    for own in ("css/app.*.css", "js/talks.*.js"):
        (path,) = [p for p in collected.glob(own) if p.suffix in {".css", ".js"}]
        assert path.with_name(path.name + ".gz").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_issue18_the_shipped_nginx_site_serves_static_precompressed_and_leaves_pages_to_django(
    collected, tmp_path
):
    """The site file as shipped (ports, certificate and paths moved into tmp_path) passes
    `nginx -t` on this machine's nginx and answers /static/ with the .br or .gz file."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            tmp_path / "key.pem",
            "-out",
            tmp_path / "cert.pem",
        ],
        check=True,
        capture_output=True,
    )
    https, http = _free_port(), _free_port()
    site = (
        NGINX_SITE.read_text()
        .replace("/etc/ssl/branch-liaison/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/branch-liaison/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/srv/branch-liaison/staticfiles/", f"{collected}/")
        .replace("listen 443", f"listen {https}")
        .replace("listen [::]:443", f"listen [::]:{https}")
        .replace("listen 80;", f"listen {http};")
        .replace("listen [::]:80;", f"listen [::]:{http};")
    )
    assert "gzip off;" in site.split("location / {")[1].split("}")[0]
    (tmp_path / "site.conf").write_text(site)
    modules = "include /etc/nginx/modules-enabled/*.conf;" if Path("/etc/nginx").exists() else ""
    # As root, the workers would otherwise run as nobody and not read the 0700 tmp_path.
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(f"""{modules}
{user}
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    gzip on;
    include {tmp_path}/site.conf;
}}
""")
    conf = ["nginx", "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    checked = subprocess.run([*conf, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run(conf, check=True)
    try:
        (css,) = [p for p in collected.rglob("bootstrap.min.*.css") if p.suffix == ".css"]
        url = f"https://127.0.0.1:{https}/static/{css.relative_to(collected)}"
        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        answers = {}
        for _ in range(50):
            try:
                for accept in ("br, gzip", "gzip", "identity"):
                    request = urllib.request.Request(url, headers={"Accept-Encoding": accept})
                    with urllib.request.urlopen(request, context=insecure) as response:
                        answers[accept] = (response.headers, len(response.read()))
                break
            except OSError:
                time.sleep(0.1)
        brotli, gzipped, plain = answers["br, gzip"], answers["gzip"], answers["identity"]
        assert brotli[0]["Content-Encoding"] == "br"
        assert brotli[1] == css.with_name(css.name + ".br").stat().st_size
        assert gzipped[0]["Content-Encoding"] == "gzip"
        assert gzipped[1] == css.with_name(css.name + ".gz").stat().st_size
        assert plain[0]["Content-Encoding"] is None and plain[1] == css.stat().st_size
        assert (
            "immutable" in ", ".join(plain[0].get_all("Cache-Control"))
            and plain[0]["Vary"] == "Accept-Encoding"
        )
    finally:
        subprocess.run([*conf, "-s", "stop"], capture_output=True)
