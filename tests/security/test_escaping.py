"""Issue 6: HTML and script in user text stay text in emails and PDFs (pages: test_bad_input.py).

An email's HTML part shows it escaped (the mail client never runs or renders it), its plain
text part shows it as typed (not as &lt;...&gt;); a PDF shows it as literal characters (had it
been markup, WeasyPrint would have swallowed the tags and nothing of them would be printed).
"""

import datetime
import subprocess

from django.core import mail
from django.urls import reverse

from contacts.models import Assignment
from inspections.models import Semester
from inspections.services import reminders as reminder_services
from tests.factories import TalkLogFactory

SCRIPT = "<script>alert(1)</script>"
MARKUP = '<b>粗体</b><img src="x" onerror="alert(2)">'


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_script_in_a_semester_name_is_escaped_in_the_reminder_email(member_a):
    semester = Semester.objects.create(
        name=SCRIPT, start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 20)
    )
    deadline = semester.end_on + datetime.timedelta(days=member_a.branch.report_deadline_days)
    assert reminder_services.report_reminders(deadline - datetime.timedelta(days=7)) == 1

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    # The plain text part is not HTML: the name as typed, no entities.
    assert SCRIPT in message.body and "&lt;" not in message.body


def test_markup_in_a_contact_name_and_talk_is_literal_text_in_the_handbook_pdf(
    client_for, member_a, teacher_a, tmp_path, frozen_time
):
    teacher_a.name = SCRIPT
    teacher_a.save()
    TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=datetime.date(2026, 10, 15),
        content=MARKUP,
    )
    with frozen_time(2026, 11, 20, 9):
        response = client_for(member_a).get(reverse("talks:handbook_pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert SCRIPT in text
    assert "<b>粗体</b>" in text and 'onerror="alert(2)"' in text
