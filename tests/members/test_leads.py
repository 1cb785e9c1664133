"""R46 five leads: record, list, edit; evidence files checked by content and served with care."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import AuditAction, AuditLog, FiveLeadActivity

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def post_lead(client, url=None, **overrides):
    data = {
        "kind": "open_class",
        "date": "2026-10-12",
        "title": "公开课：函数",
        "description": "",
        "outcome": "",
    }
    data.update(overrides)
    return client.post(url or reverse("members:lead_create"), data)


def test_r46_member_records_and_lists_an_activity(app, client_for, member_a):
    """The form as the page submits it (issue 14), with a file whose name and type lie."""
    client = client_for(member_a)
    form = app.get(reverse("members:lead_create"), user=member_a.user.username).forms["lead-form"]
    form["kind"], form["date"], form["title"] = "open_class", "2026-10-12", "公开课：函数"
    form["evidence"] = ("../../教案 final.pdf", PDF, "image/png")
    response = form.submit("save")
    assert response.status_code == 302
    activity = FiveLeadActivity.objects.get()
    assert activity.member == member_a and activity.kind == "open_class"
    assert activity.evidence_type == "application/pdf"
    assert activity.evidence_name == "教案 final.pdf"
    assert activity.evidence.name.startswith("evidence/") and activity.evidence.name.endswith(
        ".pdf"
    )
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type="members.fiveleadactivity"
    )
    page = client.get(reverse("members:leads")).content.decode()
    assert "公开课：函数" in page and "教案 final.pdf" in page


def test_r46_evidence_is_served_as_an_attachment_with_its_checked_type(client_for, member_a):
    client = client_for(member_a)
    post_lead(client, evidence=SimpleUploadedFile("photo.jpg", PNG, content_type="image/jpeg"))
    activity = FiveLeadActivity.objects.get()
    assert activity.evidence_name == "photo.png"
    response = client.get(reverse("members:lead_evidence", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"<html><script>alert(1)</script>", "evil.pdf"), (b"MZ\x90\x00", "tool.png"), (b"", "x.pdf")],
)
def test_r46_evidence_type_is_checked_from_the_content(client_for, member_a, content, name):
    response = post_lead(client_for(member_a), evidence=SimpleUploadedFile(name, content))
    errors = " ".join(response.context["form"].errors["evidence"])
    assert "PDF, PNG or JPEG" in errors or "empty" in errors
    assert not FiveLeadActivity.objects.exists()


def test_r46_evidence_over_the_size_limit_is_refused(client_for, member_a, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
    response = post_lead(client_for(member_a), evidence=upload)
    assert "too large" in " ".join(response.context["form"].errors["evidence"])
    assert not FiveLeadActivity.objects.exists()


def test_r46_investigation_and_suggestion_are_for_committee_members(
    client_for, member_a, committee
):
    response = post_lead(client_for(member_a), kind="investigation")
    assert "kind" in response.context["form"].errors
    assert not FiveLeadActivity.objects.exists()
    assert post_lead(client_for(committee), kind="suggestion", outcome="已采纳").status_code == 302
    assert FiveLeadActivity.objects.get().outcome == "已采纳"


def test_r46_bad_input_is_refused(client_for, member_a):
    response = post_lead(client_for(member_a), date="2026-10-21", title=" ")
    errors = response.context["form"].errors
    assert "cannot be in the future" in errors["date"][0] and "title" in errors
    assert not FiveLeadActivity.objects.exists()


def test_r46_member_edits_an_activity_and_replaces_the_file(
    client_for, member_a, django_capture_on_commit_callbacks
):
    client = client_for(member_a)
    post_lead(client, evidence=SimpleUploadedFile("a.pdf", PDF))
    activity = FiveLeadActivity.objects.get()
    old_name = activity.evidence.name
    url = reverse("members:lead_edit", args=[activity.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post_lead(client, url, title="新标题", evidence=SimpleUploadedFile("b.png", PNG))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.evidence_name) == ("新标题", "b.png")
    assert not activity.evidence.storage.exists(old_name)
    post_lead(client, url, title="新标题", remove_evidence="on")
    activity.refresh_from_db()
    assert not activity.evidence and activity.evidence_name == ""
    assert (
        AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(activity.pk)).count() == 2
    )


def test_r46_other_member_gets_404_on_my_activity_and_evidence(
    client_for, member_a, member_b, secretary, other_branch_secretary
):
    post_lead(client_for(member_a), evidence=SimpleUploadedFile("a.pdf", PDF))
    activity = FiveLeadActivity.objects.get()
    evidence = reverse("members:lead_evidence", args=[activity.pk])
    edit = reverse("members:lead_edit", args=[activity.pk])
    for other in (member_b, other_branch_secretary):
        assert client_for(other).get(evidence).status_code == 404
        assert client_for(other).get(edit).status_code == 404
        assert post_lead(client_for(other), edit, title="改").status_code == 404
    assert client_for(None).get(evidence).status_code == 302
    # The branch secretary may open the evidence (but not edit the member's record).
    assert client_for(secretary).get(evidence).status_code == 200
    assert client_for(secretary).get(edit).status_code == 404
    activity.refresh_from_db()
    assert activity.title == "公开课：函数"


def test_r46_leads_list_query_count_does_not_grow(
    client_for, member_a, django_assert_max_num_queries
):
    client = client_for(member_a)

    def add(n):
        FiveLeadActivity.objects.bulk_create(
            FiveLeadActivity(
                member=member_a, kind="paper", date=datetime.date(2026, 9, 1), title=f"论文{i}"
            )
            for i in range(n)
        )

    add(10)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("members:leads"))
    add(490)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("members:leads"))
    assert "论文489" in response.content.decode()
