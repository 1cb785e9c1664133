"""Branch settings (validated, audited), R63 exemplary cases, and the Excel exports (values read
back with openpyxl, formula injection neutralised, every export audited)."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contacts.models import Assignment
from inspections.exports import neutralise
from inspections.models import ExemplaryCase
from members.models import AuditLog, Branch
from talks.models import Opinion
from tests.factories import TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english_and_frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def _settings_data(branch, **changes):
    data = {
        "musttalk_deadline_days": branch.musttalk_deadline_days,
        "musttalk_due_soon_days": branch.musttalk_due_soon_days,
        "opinion_deadline_days": branch.opinion_deadline_days,
        "pairing_ratio": str(branch.pairing_ratio),
        "reminder_day": branch.reminder_day,
        "report_deadline_days": branch.report_deadline_days,
        "resubmission_days": branch.resubmission_days,
        "symposium_target": branch.symposium_target,
        "leader_visit_target": branch.leader_visit_target,
        "inspection_months": [1, 7],
        "weight_months": 50,
        "weight_musttalks": 20,
        "weight_opinions": 10,
        "weight_leads": 10,
        "weight_report": 10,
        "weight_confirmations": 0,
        "confirmation_valid_days": branch.confirmation_valid_days,
    }
    data.update(changes)
    return data


def test_settings_are_saved_with_exempt_months_and_audited(client_for, secretary, branch):
    url = reverse("inspections:branch_settings", args=[branch.pk])
    response = client_for(secretary).post(
        url, _settings_data(branch, exempt_months=[8, 2], opinion_deadline_days=10)
    )
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.exempt_months, branch.opinion_deadline_days) == ([2, 8], 10)
    row = AuditLog.objects.get(object_type="members.branch", action="update")
    assert set(row.details) == {"exempt_months", "opinion_deadline_days"}
    form = client_for(secretary).get(url).context["form"]
    assert form["exempt_months"].value() == [2, 8]
    assert 'name="exempt_months"' in str(form["exempt_months"])


def test_settings_weights_must_add_up_to_100(client_for, secretary, branch):
    response = client_for(secretary).post(
        reverse("inspections:branch_settings", args=[branch.pk]),
        _settings_data(branch, weight_report=30),
    )
    assert response.context["form"].errors["weight_report"] == [
        "The weights must add up to 100 (now 120)."
    ]
    branch.refresh_from_db()
    assert branch.weight_report == 10
    assert not AuditLog.objects.filter(object_type="members.branch").exists()


def test_settings_out_of_range_is_refused(client_for, secretary, branch):
    response = client_for(secretary).post(
        reverse("inspections:branch_settings", args=[branch.pk]),
        _settings_data(branch, musttalk_deadline_days=0, reminder_day=31),
    )
    errors = response.context["form"].errors
    assert "musttalk_deadline_days" in errors and "reminder_day" in errors
    assert Branch.objects.get(pk=branch.pk).musttalk_deadline_days == 7


def test_r63_secretary_records_a_case_members_read_it_once_published(
    client_for, secretary, member_a, member_b, other_branch_secretary, branch
):
    client = client_for(secretary)
    data = {
        "kind": "person",
        "title": "李老师坚持每月谈心",
        "person_name": "",
        "member": member_a.pk,
        "occurred_on": "2026-10-01",
        "description": "一学期谈心二十次。",
    }
    assert client.post(reverse("inspections:exemplary_create"), data).status_code == 302
    case = ExemplaryCase.objects.get()
    assert (case.branch, case.published, case.recorded_by) == (branch, False, secretary.user)
    detail = reverse("inspections:exemplary_detail", args=[case.pk])
    assert client_for(member_b).get(detail).status_code == 404  # a draft
    client.post(reverse("inspections:exemplary_edit", args=[case.pk]), {**data, "published": "on"})
    case.refresh_from_db()
    assert case.published
    for reader in (member_b, other_branch_secretary):
        assert client_for(reader).get(detail).status_code == 200
        listed = client_for(reader).get(reverse("inspections:exemplary_list")).context["cases"]
        assert listed == [case]
    # Only the branch's secretary changes it.
    edit = reverse("inspections:exemplary_edit", args=[case.pk])
    assert client_for(other_branch_secretary).get(edit).status_code == 404
    assert client_for(member_b).get(reverse("inspections:exemplary_create")).status_code == 403


def test_r63_future_date_is_refused(client_for, secretary):
    response = client_for(secretary).post(
        reverse("inspections:exemplary_create"),
        {"kind": "case", "title": "t", "occurred_on": "2027-01-01", "description": "d"},
    )
    assert response.context["form"].errors["occurred_on"] == ["The date cannot be in the future."]
    assert not ExemplaryCase.objects.exists()


def _book(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def test_matrix_export_reads_back_with_the_states_and_is_audited(
    client_for, secretary, member_a, teacher_a, branch
):
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 2))
    member_a.name = "=HYPERLINK(1)"
    member_a.save()
    response = client_for(secretary).get(reverse("inspections:matrix_export", args=[branch.pk]))
    rows = list(_book(response).values)
    assert rows[0] == ("Member", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
    assert (
        "'=HYPERLINK(1)",
        "Missing",
        "Missing",
        "Missing",
        "Missing",
        "Missing",
        "Complete",
    ) in (rows)
    assert AuditLog.objects.filter(action="export", branch_id=branch.pk).count() == 1


def test_opinion_export_neutralises_formula_injection(client_for, secretary, branch):
    for text in ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\ry", "普通意见"):
        Opinion.objects.create(
            branch=branch,
            source="box",
            content=text,
            received_on=D(2026, 10, 1),
            due_on=D(2026, 10, 15),
        )
    response = client_for(secretary).get(reverse("inspections:opinion_export", args=[branch.pk]))
    sheet = _book(response)
    contents = [row[4] for row in list(sheet.values)[1:]]
    # (XML stores a lone CR as a line break: the apostrophe is what matters.)
    assert contents == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\ny",
        "普通意见",
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert list(sheet.values)[1][7] == 19  # days open
    assert AuditLog.objects.filter(action="export", object_repr="opinion queue").count() == 1


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert (neutralise(5), neutralise("abc"), neutralise(None)) == (5, "abc", None)
    assert neutralise("-") == "'-"
