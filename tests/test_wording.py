"""Issue 18 "Wording and what users see": what a reader meets, rendered in Chinese (zh-hans), holds
no internal identifier and reads as Chinese is written.

Walked: every page each role reaches in the demo college (`seed_demo`: demo member, secretary,
leader, school admin, and the public pages of the masses' side), by following the links of the
pages from each role's home; every URL pattern of the access matrix for each role it answers 200
(tests/security/test_access_matrix.py, its test users), and the error pages others meet there;
every kind of notification email (templates/email/), made by the code that sends it, with its
attachments, and the password emails; the text, title and author of every PDF, the cells of
every spreadsheet and CSV reached, and every download's file name; every string of the zh_Hans
catalog (error messages and help texts no walk renders) and, for rule codes, its English source.

A finding is: a login name (`demo-secretary`, a test user's username), an `app.model` label
(`contacts.contact`), a rule code (R33, R45 …: they stay in code and tests), a half-width
「:」「(」「)」 next to a CJK character or a space beside a full-width mark, a half-year code
(「2026H2」: 「2026年下半年」), a number like 「2.0 名」, a slash between CJK words (「起/止」:
「起止日期」), English left untranslated, and a column header that reads as a status (「已收到」
over a column of dates). Only visible text counts: tags, scripts, styles and attribute values
are stripped, except `title`, `aria-label`, `placeholder`, `alt`, the value of buttons, a
cell's header on a phone (`data-label`) and the labels of JSON a page's script shows. Each test
lists every finding of its walk (page + snippet) before it fails, so one run shows them all.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from .security.test_access_matrix import MATRIX, PATTERNS, ROLES, world  # noqa: F401

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
APPS = ("contacts", "talks", "members", "inspections", "auth", "admin", "sessions")

# English a Chinese reader meets as such: names of products and formats, units, the language
# switcher's own name for English.
ENGLISH_ALLOWED = {
    "pdf",
    "excel",
    "xlsx",
    "csv",
    "png",
    "jpg",
    "jpeg",
    "doc",
    "docx",
    "wps",
    "english",
    "email",
    "e-mail",
    "url",
    "id",
    "kb",
    "mb",
    "ok",
    "wecom",
    "qq",
    "app",
    "a4",
    # Names of the settings a secretary copies from WeCom's and DingTalk's consoles, as shown there.
    "agentid",
    "secret",
    "webhook",
    "userid",
    "access_token",
    "key",
    "sec",
    "ip",
    "utf-8",
    "gbk",
    # The roster template's example login name (a login name the secretary types in).
    "zhangming",
}

# Written as they are on purpose: the roster file's column header, matched by name on import
# (contacts/services/roster.py), which schools' own spreadsheets already use.
AS_WRITTEN = ("院系/教研室",)

CHECKS = [
    ("app.model label", re.compile(rf"(?<![\w.])(?:{'|'.join(APPS)})\.[a-z][a-z_]*\b")),
    ("rule code", re.compile(r"(?<![A-Za-z0-9_])R\d{2,3}(?![0-9])")),
    ("half-width punctuation next to CJK", re.compile(rf"{CJK}\s?[:()]|[:()]\s?{CJK}")),
    ("half-year code", re.compile(r"(?<![A-Za-z0-9])(?:\d{4}\s*-?\s*)?H[12](?![0-9A-Za-z])")),
    # 「余芳 （答复于…）」, 「状态： 草稿」: a full-width mark carries its own spacing.
    ("space next to a full-width mark", re.compile(r"(?<=\S) [（）]|[（：] (?=\S)| ）")),
    ("decimal count", re.compile(r"(?<![\d.])\d+\.0+\s*[名人次个位条项件篇]")),
    # 「起/止」, 「完成/率」; a list of choices 「教师 / 困难职工」 is spaced and reads as such.
    ("slash between Chinese words", re.compile(rf"{HAN}/{HAN}")),
]
WORD = re.compile(r"(?<![A-Za-z0-9@._/-])[A-Za-z][A-Za-z'-]*[A-Za-z](?![A-Za-z0-9@_/-]|\.\w)")
# Addresses, links and file names are not words a reader is meant to read as text.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|(?<![\w/])/[\w./?=&%-]+|\b[\w-]+\.(?:pdf|xlsx|csv|png|jpg|docx?)\b",
    re.I,
)


# --- visible text -------------------------------------------------------------------------

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
    "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul",
    "label", "button", "a", "details", "optgroup", "svg", "body", "html", "head",
}  # fmt: skip
HIDDEN = {"script", "style", "template"}
# data-label: a table cell's header on a phone (CSS content: attr(data-label)); data-copied:
# what a copy button reads once clicked.
VISIBLE_ATTRS = ("title", "aria-label", "placeholder", "alt", "data-label", "data-copied")


class Visible(HTMLParser):
    """The text a reader sees (and hears from a screen reader): text nodes outside scripts and
    styles, plus the attributes shown as text; each block on a line of its own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.headers: list[str] = []  # the text of each <th>
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
            return
        if tag in BLOCKS:
            self.parts.append("\n")
        attrs = dict(attrs)
        if tag == "th" and attrs.get("scope") != "row":  # a row's header may name its state
            self._th = []
        for name in VISIBLE_ATTRS:
            if attrs.get(name):
                self.parts.append(f"\n{attrs[name]}\n")
        if (
            tag == "input"
            and attrs.get("type") in ("submit", "button", "reset")
            and attrs.get("value")
        ):
            self.parts.append(f"\n{attrs['value']}\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")
        if tag == "th" and self._th is not None:
            self.headers.append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
            if self._th is not None:
                self._th.append(data)


def visible_text(html: str) -> str:
    return _parse(html)[0]


def column_headers(html: str) -> list[str]:
    return _parse(html)[1]


def _parse(html: str) -> tuple[str, list[str]]:
    parser = Visible()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line), parser.headers


def status_labels() -> set[str]:
    """Every state or status a page shows, in Chinese: a column header must not read as one
    (「已收到」 over a column of dates)."""
    from inspections.models import ExportStatus, ReportStatus
    from members.models import EmailState
    from talks import obligations
    from talks.models import ConfirmationState, OpinionStatus

    with translation.override("zh-hans"):
        labels = {
            str(label)
            for choices in (
                ExportStatus,
                ReportStatus,
                EmailState,
                ConfirmationState,
                OpinionStatus,
            )
            for label in choices.labels
        }
        labels |= {str(state.label) for state in obligations.MonthState}
        labels |= {str(state.label) for state in obligations.EventState}
    return labels


def pdf_text(content: bytes) -> str:
    """The PDF's text; "" for a file that is not one the app made (a stand-in upload)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        # -raw: the text in the order it was set, spaces kept (「第 1 页 / 共 2 页」).
        done = subprocess.run(
            ["pdftotext", "-raw", handle.name, "-"], capture_output=True, text=True
        )
    if done.returncode != 0:
        return ""
    # The document's title and author, shown by every PDF reader.
    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(content)).metadata or {}
    shown = [str(info.get(key) or "") for key in ("/Title", "/Author", "/Subject")]
    return "\n".join([*shown, done.stdout])


def xlsx_text(content: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    lines = []
    for sheet in book.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            lines.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(lines)


# --- the checks ---------------------------------------------------------------------------


def _snippet(text: str, start: int, end: int, width: int = 18) -> str:
    snippet = text[max(0, start - width) : end + width]
    if len(snippet) > 120:
        snippet = f"{snippet[:80]} … {snippet[-30:]}"
    return snippet.replace("\n", " ⏎ ")


class Finding(str):
    """「kind: …snippet…」; `core` (the match with a few characters around it) tells repeats of
    one finding (a menu's on every page) from others."""

    core: str


def _finding(kind: str, text: str, span: tuple[int, int]) -> Finding:
    finding = Finding(f"{kind}: {_snippet(text, *span)}")
    finding.core = f"{kind}: {_snippet(text, *span, width=6)}"
    return finding


def findings(text: str, usernames: set[str], english: bool = True) -> list[Finding]:
    """Every finding of `text` as 「kind: …snippet…」."""
    found = []
    for written in AS_WRITTEN:
        text = text.replace(written, " ")
    for name in usernames:
        # An email address holds the login name: the address is shown as such.
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w@-])", text):
            found.append(_finding(f"login name {name!r}", text, match.span()))
    for kind, pattern in CHECKS:
        for match in pattern.finditer(text):
            found.append(_finding(kind, text, match.span()))
    if not english:
        return found
    words = NOT_WORDS.sub(" ", text)
    run: list[tuple[int, int]] = []  # a run of English words is one finding
    for match in [*WORD.finditer(words), None]:
        if match is not None:
            word = match.group()
            if word.lower() in ENGLISH_ALLOWED or word in usernames:
                continue
            if run and not re.fullmatch(r"[\s,.;:!?'()\-]*", words[run[-1][1] : match.start()]):
                match_starts_new_run = True
            else:
                match_starts_new_run = False
        if run and (match is None or match_starts_new_run):
            found.append(_finding("English", words, (run[0][0], run[-1][1])))
            run = []
        if match is not None:
            run.append(match.span())
    return found


def filename_of(response) -> str:
    disposition = response.get("Content-Disposition", "")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition) or re.search(
        r'filename="?([^";]+)"?', disposition
    )
    return unquote(match.group(1)) if match else ""


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


SHOWN_KEYS = re.compile(r"label|message|error|text|title")


def _strings(value, shown=False):
    """The strings of a JSON answer a script puts on the page (`status_label`, not `status`)."""
    if isinstance(value, str) and shown:
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, shown or bool(SHOWN_KEYS.search(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, shown)


def response_text(response) -> tuple[str, str]:
    """(kind, visible text) of an answer: a page, a PDF, a spreadsheet; ("", "") otherwise."""
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "text/html":
        return "page", visible_text(body(response).decode())
    if kind == "application/pdf":
        return "pdf", pdf_text(body(response))
    if kind.endswith("spreadsheetml.sheet"):
        return "xlsx", xlsx_text(body(response))
    if kind == "text/csv":
        return "csv", body(response).decode("utf-8-sig")
    if kind == "application/json":  # what a page's script shows (the export's progress)
        return "json", "\n".join(_strings(json.loads(body(response))))
    return "", ""


class Report:
    """Findings by where they were met, deduplicated (a menu's finding is one line per page)."""

    def __init__(self, usernames):
        self.usernames = set(usernames)
        self.statuses = status_labels()
        self.by_place: dict[str, list[str]] = defaultdict(list)
        self.seen: set[tuple[str, str]] = set()

    def check(self, place: str, text: str):
        for finding in findings(text, self.usernames):
            key = (place.split(" ")[0], finding.core)
            if key not in self.seen:
                self.seen.add(key)
                self.by_place[place].append(finding)

    def check_response(self, place: str, response):
        kind, text = response_text(response)
        if text:
            self.check(f"{place} [{kind}]", text)
        if kind == "page":
            for header in column_headers(body(response).decode()):
                if header in self.statuses and ("header", header) not in self.seen:
                    self.seen.add(("header", header))
                    self.by_place[f"{place} [page]"].append(
                        f"column header reads as a status: {header}"
                    )
        name = filename_of(response)
        if name:
            self.check(f"{place} [file name]", name)

    def assert_clean(self):
        lines = []
        for place, items in sorted(self.by_place.items()):
            lines.append(place)
            lines.extend(f"    {item}" for item in items)
        count = sum(len(v) for v in self.by_place.values())
        assert not lines, f"{count} wording findings:\n" + "\n".join(lines)


# --- unit tests of the checker ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "联系人：demo-secretary",
        "记录 contacts.contact",
        "每月一次（R45）",
        "姓名: 王",
        "完成率(%)",
        "2026H2 半年检查",
        "2.0 名",
        "起/止",
        "Save changes",
    ],
)
def test_the_checker_finds(text):
    assert findings(text, {"demo-secretary"}), text


@pytest.mark.parametrize(
    "text",
    [
        "联系人：王书记",
        "2026年下半年",
        "2 名",
        "下载 PDF、Excel",
        "起止日期 2026-09-01 至 2026-12-31，10:00",
        "数学组党支部-2026年秋季学期-考核结果.pdf",
        "wang@school.test",
    ],
)
def test_the_checker_passes(text):
    assert not findings(text, {"demo-secretary"}), findings(text, {"demo-secretary"})


def test_column_headers_are_read_apart():
    html = (
        "<table><tr><th scope='col'> 收到<br>日期 </th><th>状态</th></tr><tr><td>已收到</td></tr>"
    )
    assert column_headers(html) == ["收到日期", "状态"]
    assert "已收到" in status_labels() and "收到日期" not in status_labels()


def test_visible_text_keeps_what_is_shown_and_drops_the_rest():
    html = (
        '<html><head><title>标题</title><script>var a = "R45";</script></head><body>'
        '<a href="/contacts.contact/" class="R33" title="提示" aria-label="说明">链接</a>'
        '<input placeholder="搜索" value="secret"><input type="submit" value="保存">'
        '<img alt="图片" src="x.png"><style>.x{}</style><p>甲</p><p>乙</p></body></html>'
    )
    text = visible_text(html)
    for shown in ("标题", "提示", "说明", "链接", "搜索", "保存", "图片"):
        assert shown in text
    for hidden in ("R45", "R33", "contacts.contact", "secret", ".x"):
        assert hidden not in text
    assert "甲\n乙" in text


def test_wording_of_every_translation():
    """Every Chinese string of the catalog, also those no walk renders (error messages, help
    texts of fields, states a page seldom shows): no rule code, half-width 「:」「(」 next to
    CJK, half-year code, 「2.0 名」 or 「起/止」 (English names in them, AgentId, are the
    consoles'); and no rule code in their English source either (the English pages)."""
    import gettext
    from pathlib import Path

    from django.conf import settings

    wrong = []
    for folder in settings.LOCALE_PATHS:
        mo = Path(folder) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        rule_code = dict(CHECKS)["rule code"]
        for msgid, msgstr in catalog.items():
            if msgid:
                wrong += [f"{msgid!r}: {f}" for f in findings(msgstr, set(), english=False)]
                # The English source is what the English pages show: no rule code there either.
                source = msgid if isinstance(msgid, str) else msgid[0]
                if rule_code.search(source):
                    wrong.append(f"{source!r}: rule code in the English text")
    assert not wrong, f"{len(wrong)} translations:\n" + "\n".join(wrong)


# --- the walks ----------------------------------------------------------------------------

SKIP_PREFIXES = ("/admin/", "/static/", "/i18n/", "/logout")
PER_PATTERN = 3  # distinct URLs of one pattern (other months, pages, records)
PER_ROLE = 400


def _crawl(client: Client, start: list[str], report: Report, who: str) -> set[str]:
    seen: set[str] = set()
    per_pattern: dict[str, int] = defaultdict(int)
    queue = list(start)
    opened = 0
    while queue and opened < PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        name = match.view_name
        if per_pattern[name] >= PER_PATTERN:
            continue
        per_pattern[name] += 1
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
        opened += 1
        if response.status_code != 200:
            continue
        final = response.request["PATH_INFO"]
        report.check_response(
            f"{who} GET {url}" + (f" → {final}" if final != url else ""), response
        )
        if response.get("Content-Type", "").startswith("text/html"):
            for href in re.findall(r'href="([^"#]*)', body(response).decode()):
                href = urljoin(final, href.replace("&amp;", "&"))
                parts = urlsplit(href)
                if parts.netloc and parts.netloc != "testserver":
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local and not local.startswith(SKIP_PREFIXES) and local not in seen:
                    queue.append(local)
    return set(per_pattern)


def _demo_emails(report: Report, people: dict):
    """Every notification of the demo (and of the reminders run today), as emailed, and the
    password emails."""
    from members import notify, services
    from members.models import Notification, NotificationKind

    _every_kind_of_notification(people)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == set(NotificationKind.values), set(NotificationKind.values) - kinds
    with translation.override("zh-hans"):
        for notification in Notification.objects.select_related("recipient"):
            link = f"http://testserver{notification.link}" if notification.link else ""
            context = {"notification": notification, "link": link, "school_name": "示范学校"}
            place = f"email {notification.kind} to {notification.recipient.username}"
            report.check(f"{place} subject", notification.subject)
            for template in ("email/notification.txt", "email/notification.html"):
                rendered = render_to_string(template, context)
                text = visible_text(rendered) if template.endswith("html") else rendered
                report.check(f"{place} {template}", NOT_WORDS.sub(" ", text))
            attach = notify.ATTACHMENTS.get(notification.kind)
            for filename, content, mimetype in attach(notification) if attach else []:
                report.check(f"{place} attachment name", filename)
                if mimetype == "application/pdf":
                    report.check(f"{place} attachment {filename}", pdf_text(content))
        member = people["demo-member"]
        mail.outbox.clear()
        services.email_password_link(member=member, url="http://testserver/set/x/y/")
        Client().post(reverse("password_reset"), {"email": member.user.email})
        for message in mail.outbox:
            report.check(f"email {message.subject!r} subject", message.subject)
            report.check(f"email {message.subject!r} body", NOT_WORDS.sub(" ", message.body))


def _every_kind_of_notification(people):
    """Each kind of notification, made by the code that sends it: the scheduled reminders on a
    day each is due, and the notices of an opinion, a denied talk, a reviewed report and an
    export."""
    from datetime import date, timedelta

    from inspections.models import ReportStatus, Semester, SemesterReport
    from inspections.services import assessments as assessment_services
    from inspections.services import reminders as reminder_services
    from inspections.services import reports as report_services
    from members.models import Branch
    from talks.models import Opinion, OpinionStatus, TalkConfirmation, TalkLog
    from talks.services import confirmation
    from talks.services import opinions as opinion_services

    today = timezone.localdate()
    for run in reminder_services.KINDS.values():
        run(today)
    day = today.replace(day=28)
    for _month in range(12):  # an exempt month (August) sends none: the next one
        if reminder_services.monthly_member_reminders(day):
            break
        day = (day + timedelta(days=10)).replace(day=28)
    branches = list(Branch.objects.all())
    for semester in Semester.objects.filter(start_on__lte=today):
        for branch in branches:
            deadline = report_services.report_deadline(semester=semester, branch=branch)
            reminder_services.report_reminders(deadline - timedelta(days=3))
    month = min(branches[0].inspection_months or [1])
    reminder_services.scheduled_inspections(
        date(today.year if month <= today.month else today.year - 1, month, 1)
    )
    secretary = people["demo-secretary"]
    opinion = Opinion.objects.filter(branch=secretary.branch, conveyed_by__isnull=False).first()
    opinion_services.new_opinion(opinion)
    opinion_services.status_changed(opinion, OpinionStatus.FORWARDED, secretary.user)
    answer = TalkConfirmation.objects.filter(talk__member__branch=secretary.branch).first()
    if answer is None:  # the demo of another day: a member asks for a confirmation
        talk = TalkLog.objects.filter(
            member__branch=secretary.branch, confirmations__isnull=True
        ).select_related("member")[0]
        answer = confirmation.confirmation_request(talk=talk, by=talk.member.user)
    confirmation._flag_denial(answer, secretary.branch)
    report = SemesterReport.objects.filter(
        member__branch=secretary.branch, status=ReportStatus.SUBMITTED
    ).first()
    if report is None:  # the demo of another day: a member submits the running semester's
        semester = Semester.objects.filter(start_on__lte=today).order_by("-start_on").first()
        member = secretary.branch.members.exclude(reports__semester=semester).first()
        report = report_services.semester_report_submit(
            report=report_services.semester_report_save(
                member=member, semester=semester, text="本学期联系工作汇报。", by=member.user
            ),
            by=member.user,
        )
    report_services.semester_report_review(
        report=report, accept=False, comment="请补充本学期的谈话情况。", by=secretary.user
    )
    ended = Semester.objects.filter(end_on__lt=today).order_by("-end_on").first()
    export = assessment_services.assessment_export_request(
        semester=ended, branch=secretary.branch, by=secretary.user
    )
    assessment_services.assessment_export_run(export_id=export.pk)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from members.models import Member

    return {m.user.username: m for m in Member.objects.select_related("user")}


def _public_start(people) -> list[str]:
    from members.models import Branch

    urls = [reverse("login"), reverse("password_reset"), reverse("public:school_box")]
    urls += [reverse("public:box_status")]
    urls += [reverse("public:branch_box", args=[b.pk]) for b in Branch.objects.all()]
    return urls


def _role_start(member) -> list[str]:
    """Each role's home, and every pattern without arguments (what its menu may not link)."""
    urls = [reverse("home")]
    for name, _route in PATTERNS:
        row = MATRIX.get(name)
        if row is not None and row.kwargs is None:
            urls.append(reverse(name))
    return urls


def test_wording_of_every_page_email_and_pdf_of_the_demo(demo):
    """The demo college as its four users and the public see it, and its emails."""
    report = Report(get_user_model().objects.values_list("username", flat=True))
    for username in ("demo-member", "demo-secretary", "demo-leader", "demo-admin"):
        client = Client()
        client.force_login(demo[username].user)
        _crawl(client, _role_start(demo[username]), report, username)
    _crawl(Client(), _public_start(demo), report, "public")
    _demo_emails(report, demo)
    report.assert_clean()


def test_wording_of_every_url_pattern_for_each_role(world, request):  # noqa: F811
    """Every URL of the access matrix, for each role it answers 200 for (the test users)."""
    report = Report(get_user_model().objects.values_list("username", flat=True))
    errors_seen: set[tuple[str, object]] = set()
    for name, _route in PATTERNS:
        row = MATRIX.get(name)
        if row is None:
            continue
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        url += row.query(world) if row.query else ""
        for role in ROLES:
            expected = row.expected(role)
            # The pages a role reaches, and the error pages (403, 404, 405) others meet.
            if expected != 200 and (
                expected not in (403, 404, 405) or (role, expected) in errors_seen
            ):
                continue
            client = Client(raise_request_exception=False)
            member = request.getfixturevalue(role)
            if member is not None:
                client.force_login(member.user)
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code == 200 or response.status_code in (403, 404, 405):
                report.check_response(f"{role} GET {url} ({response.status_code})", response)
            if expected != 200:
                errors_seen.add((role, expected))
    report.assert_clean()
