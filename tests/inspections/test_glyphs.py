"""Every symbol the pages, PDFs and translations use has a glyph in an installed font.

A character no font has draws as an empty box (⏳ did, on the member's page and the dashboards).
CJK characters are covered by the embedded-font tests of the PDFs; this checks the rest.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _symbols() -> set[str]:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.html")]
    texts.append((ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    chars = set("".join(texts))
    # ASCII, CJK ideographs and CJK punctuation / full-width forms are the text fonts' business.
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
    return {c for c in chars if ord(c) > 0x7F and not cjk.match(c) and c.isprintable()}


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_every_symbol_has_a_glyph_in_an_installed_font():
    missing = [
        f"{c} U+{ord(c):04X}"
        for c in sorted(_symbols())
        if not subprocess.run(
            ["fc-list", f":charset={ord(c):x}", "family"], capture_output=True, text=True
        ).stdout.strip()
    ]
    assert not missing, f"no installed font draws: {missing}"
