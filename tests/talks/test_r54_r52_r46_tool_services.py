"""Issue 14 everyday tools, the model and service side: R54 visit kinds, leader visit target,
briefing timeliness (decision → briefing lag) and edits of visits and briefings; R52 symposium
edits and attachments; R46 deletion of a five-leads activity. All changes stay within the one
editable window of records (members.editing): until the month after next begins."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from members.editing import editable_until, is_editable_on
from members.forms import checked_upload
from members.models import AuditAction, AuditLog, Branch, FiveLeadActivity
from members.services import five_lead_delete
from talks.forms.records import BriefingForm, SymposiumForm
from talks.models import Briefing, LeaderVisit, Opinion, Symposium, SymposiumAttachment, VisitKind
from talks.services import records as record_services

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def test_r54_visit_kinds_are_the_four_of_the_rule():
    """调查研究、接待群众、深入备课组/班级/科组/年级、谈心 (the stored value "visit" is kept)."""
    assert set(VisitKind.values) == {"investigation", "reception", "visit", "heart_talk"}


def test_r54_leader_visit_target_is_a_branch_setting_default_4(branch):
    from inspections.forms import SETTINGS_FIELDS

    assert Branch.objects.get(pk=branch.pk).leader_visit_target == 4
    assert "leader_visit_target" in SETTINGS_FIELDS


def test_r54_briefing_lag_is_days_from_decision_to_briefing(branch):
    briefing = Briefing(branch=branch, decided_on=D(2026, 10, 1), date=D(2026, 10, 8))
    assert briefing.lag_days == 7
    assert Briefing(branch=branch, date=D(2026, 10, 8)).lag_days is None


def test_r54_a_decision_after_its_briefing_is_refused_at_the_field():
    form = BriefingForm(
        {"decided_on": "2026-10-10", "date": "2026-10-08", "subject": "s", "audience": "a"}
    )
    assert not form.is_valid()
    assert form.errors["decided_on"] == ["A decision is briefed after it is taken, not before."]


def test_r54_decision_date_does_not_default_to_today():
    """Only the briefing's date defaults to today; an unknown decision date stays empty."""
    form = BriefingForm()
    assert form["decided_on"].value() is None
    assert form["date"].value() == D(2026, 10, 20)


def test_editable_window_is_until_the_month_after_next():
    assert editable_until(D(2026, 9, 30)) == D(2026, 11, 1)
    assert editable_until(D(2026, 12, 5)) == D(2027, 2, 1)
    assert is_editable_on(D(2026, 9, 1), D(2026, 10, 31))
    assert not is_editable_on(D(2026, 8, 31), D(2026, 10, 1))


@pytest.fixture
def visit(leader, branch):
    return LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 9), kind="visit", summary="听课"
    )


def test_r54_leader_changes_their_visit_in_window_audited_with_field_names(visit, leader):
    record_services.leader_visit_update(
        visit=visit,
        date=D(2026, 10, 10),
        kind=VisitKind.HEART_TALK,
        people_met="青年教师",
        summary="听课",
        by=leader.user,
    )
    visit.refresh_from_db()
    assert (visit.date, visit.kind, visit.people_met) == (D(2026, 10, 10), "heart_talk", "青年教师")
    row = AuditLog.objects.get(action=AuditAction.UPDATE, object_type="talks.leadervisit")
    assert sorted(row.details["fields"]) == ["date", "kind", "people_met"]


def test_r54_visit_of_a_closed_month_or_moved_into_one_is_refused(visit, leader, secretary):
    with pytest.raises(PermissionDenied):
        record_services.leader_visit_update(
            visit=visit,
            date=visit.date,
            kind="visit",
            people_met="",
            summary="x",
            by=secretary.user,
        )
    with pytest.raises(ValidationError):
        record_services.leader_visit_update(
            visit=visit,
            date=D(2026, 8, 31),
            kind="visit",
            people_met="",
            summary="x",
            by=leader.user,
        )
    assert LeaderVisit.objects.get().date == D(2026, 10, 9)
    old = LeaderVisit.objects.create(
        leader=leader, branch=visit.branch, date=D(2026, 8, 20), kind="visit", summary="旧"
    )
    with pytest.raises(ValidationError):
        record_services.leader_visit_update(
            visit=old, date=old.date, kind="visit", people_met="", summary="改", by=leader.user
        )
    assert LeaderVisit.objects.get(pk=old.pk).summary == "旧"


def test_r54_briefing_is_changed_by_its_giver_or_the_secretary_only(
    branch, leader, secretary, member_a
):
    briefing = Briefing.objects.create(
        branch=branch, given_by=leader, date=D(2026, 10, 9), subject="方案", audience="全体"
    )
    values = dict(
        decided_on=D(2026, 10, 2), date=D(2026, 10, 9), subject="方案", audience="全体", content=""
    )
    assert record_services.can_edit_briefing(briefing, leader.user)
    assert record_services.can_edit_briefing(briefing, secretary.user)
    assert not record_services.can_edit_briefing(briefing, member_a.user)
    with pytest.raises(PermissionDenied):
        record_services.briefing_update(briefing=briefing, by=member_a.user, **values)
    record_services.briefing_update(briefing=briefing, by=secretary.user, **values)
    briefing.refresh_from_db()
    assert briefing.lag_days == 7
    with pytest.raises(ValidationError):
        record_services.briefing_update(
            briefing=briefing, by=secretary.user, **{**values, "decided_on": D(2026, 10, 12)}
        )
    assert Briefing.objects.get().decided_on == D(2026, 10, 2)


def _upload(name="签到表.pdf", content=PDF, content_type="application/pdf"):
    return checked_upload(SimpleUploadedFile(name, content, content_type=content_type))


def test_r52_checked_upload_is_the_evidence_rule():
    upload = _upload("../../照片.png", PNG, "application/pdf")
    assert (upload.evidence_type, upload.evidence_name) == ("image/png", "照片.png")
    with pytest.raises(ValidationError):
        _upload("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")


@pytest.fixture
def symposium(branch, secretary):
    return record_services.symposium_record(
        branch=branch,
        held_on=D(2026, 10, 15),
        topic="教学改革座谈",
        party_representatives=1,
        masses_representatives=6,
        members_present=3,
        participants="",
        minutes="",
        opinions=["减少会议"],
        by=secretary.user,
        attachments=[_upload()],
    )


def test_r52_symposium_completed_after_the_meeting(symposium, secretary, member_a):
    """Minutes written later; new opinion lines join the queue, earlier ones stay; files add."""
    record_services.symposium_update(
        symposium=symposium,
        held_on=D(2026, 10, 15),
        topic="教学改革座谈",
        party_representatives=1,
        masses_representatives=7,
        members_present=3,
        participants="",
        minutes="会议纪要：……",
        members_attended=[member_a],
        opinions=["增加培训"],
        attachments=[_upload("合影.png", PNG, "image/png")],
        by=secretary.user,
    )
    symposium.refresh_from_db()
    assert (symposium.minutes, symposium.masses_representatives) == ("会议纪要：……", 7)
    assert list(symposium.members_attended.all()) == [member_a]
    assert sorted(
        Opinion.objects.filter(symposium=symposium).values_list("content", flat=True)
    ) == [
        "减少会议",
        "增加培训",
    ]
    assert [(a.name, a.content_type) for a in symposium.attachments.all()] == [
        ("签到表.pdf", "application/pdf"),
        ("合影.png", "image/png"),
    ]
    row = AuditLog.objects.get(action=AuditAction.UPDATE, object_type="talks.symposium")
    assert set(row.details["fields"]) >= {"minutes", "members_attended", "opinions", "attachments"}


def test_r52_only_the_branch_manager_edits_a_symposium(symposium, member_a, other_branch_secretary):
    for user in (member_a.user, other_branch_secretary.user):
        with pytest.raises(PermissionDenied):
            record_services.symposium_update(
                symposium=symposium,
                held_on=symposium.held_on,
                topic="x",
                party_representatives=0,
                masses_representatives=1,
                members_present=0,
                participants="",
                minutes="",
                by=user,
            )
    assert Symposium.objects.get().topic == "教学改革座谈"


def test_r52_attachment_deleted_in_window_file_goes_on_commit(
    symposium, secretary, django_capture_on_commit_callbacks
):
    attachment = symposium.attachments.get()
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        record_services.symposium_attachment_delete(attachment=attachment, by=secretary.user)
    assert not SymposiumAttachment.objects.exists()
    assert not storage.exists(name)
    assert AuditLog.objects.filter(
        action=AuditAction.DELETE, object_type="talks.symposiumattachment"
    ).exists()


def test_r52_attachment_of_a_closed_symposium_stays(symposium, secretary, frozen_time):
    attachment = symposium.attachments.get()
    with frozen_time(2026, 12, 2, 9):
        with pytest.raises(ValidationError):
            record_services.symposium_attachment_delete(attachment=attachment, by=secretary.user)
    assert SymposiumAttachment.objects.exists()


def test_r52_symposium_form_refuses_more_than_ten_files_and_says_to_choose_again(branch):
    from django.utils.datastructures import MultiValueDict

    data = {
        "held_on": "2026-10-15",
        "topic": "t",
        "party_representatives": "0",
        "masses_representatives": "3",
        "members_present": "0",
    }
    files = MultiValueDict(
        {"attachments": [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(11)]}
    )
    form = SymposiumForm(data, files, branch=branch)
    assert not form.is_valid() and "attachments" in form.errors
    files = MultiValueDict({"attachments": [SimpleUploadedFile("a.pdf", PDF)]})
    form = SymposiumForm({**data, "masses_representatives": "0"}, files, branch=branch)
    assert not form.is_valid()
    assert form.errors["attachments"] == [
        "The form has an error elsewhere, so the files were not kept: choose again."
    ]


@pytest.fixture
def activity(member_a):
    return FiveLeadActivity.objects.create(
        member=member_a, kind="open_class", date=D(2026, 10, 12), title="公开课"
    )


def test_r46_member_deletes_own_activity_in_window_audited(activity, member_a, member_b):
    with pytest.raises(PermissionDenied):
        five_lead_delete(activity=activity, by=member_b.user)
    five_lead_delete(activity=activity, by=member_a.user)
    assert not FiveLeadActivity.objects.exists()
    assert AuditLog.objects.filter(
        action=AuditAction.DELETE, object_type="members.fiveleadactivity"
    ).exists()


def test_r46_activity_of_a_closed_month_cannot_be_deleted(member_a):
    old = FiveLeadActivity.objects.create(
        member=member_a, kind="paper", date=D(2026, 8, 30), title="论文"
    )
    with pytest.raises(ValidationError):
        five_lead_delete(activity=old, by=member_a.user)
    assert FiveLeadActivity.objects.filter(pk=old.pk).exists()


def test_r52_symposium_whose_recorder_is_gone_can_still_be_completed(branch, secretary):
    symposium = Symposium.objects.create(
        branch=branch, held_on=D(2026, 10, 15), topic="座谈", masses_representatives=3
    )
    record_services.symposium_update(
        symposium=symposium,
        held_on=symposium.held_on,
        topic="座谈",
        party_representatives=0,
        masses_representatives=3,
        members_present=0,
        participants="",
        minutes="补写的纪要",
        by=secretary.user,
    )
    assert Symposium.objects.get().minutes == "补写的纪要"
