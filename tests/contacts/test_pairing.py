"""R53 pairing proposal: a teacher first for every member (R44), same teaching group or department
preferred, existing pairs kept, balanced by the ratio, deterministic; applied in one transaction."""

import datetime
import math
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from contacts.models import Assignment, Category
from contacts.selectors import ContactData, MemberData, propose
from tests.factories import ContactFactory, DepartmentFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english_and_frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def test_r53_every_member_without_a_teacher_gets_one_first():
    members = [MemberData(1, 0, False), MemberData(2, 0, True), MemberData(3, 0, False)]
    contacts = [ContactData(10, "activist"), ContactData(11, "teacher"), ContactData(12, "teacher")]
    proposal = propose(members, contacts, Decimal("1.0"))
    teachers = {p.member_id: p.contact_id for p in proposal.pairs if p.contact_id in (11, 12)}
    assert teachers == {1: 11, 3: 12}
    assert all("no_teacher_yet" in p.reasons for p in proposal.pairs if p.contact_id in (11, 12))
    assert [(p.member_id, p.contact_id) for p in proposal.pairs if p.contact_id == 10] == [(2, 10)]


def test_r53_same_teaching_group_then_same_department_preferred():
    members = [
        MemberData(1, 0, False, department_id=5, teaching_group="高一数学"),
        MemberData(2, 0, False, department_id=6, teaching_group=""),
    ]
    contacts = [
        ContactData(20, "teacher", department_id=6),
        ContactData(21, "teacher", department_id=5, teaching_group="高一数学"),
    ]
    pairs = {p.member_id: p for p in propose(members, contacts, 1).pairs}
    assert (pairs[1].contact_id, pairs[1].reason_labels) == (
        21,
        ["no teacher yet", "same teaching group"],
    )
    assert (pairs[2].contact_id, pairs[2].reason_labels) == (
        20,
        ["no teacher yet", "same department"],
    )


def test_r53_is_deterministic_whatever_the_input_order():
    members = [MemberData(i, i % 3, i % 2 == 0, i % 4) for i in range(1, 30)]
    contacts = [
        ContactData(100 + i, ["teacher", "activist", "hardship"][i % 3], i % 4) for i in range(60)
    ]
    first = propose(members, contacts, Decimal("2.5"))
    for seed in range(5):
        random.Random(seed).shuffle(members)
        random.Random(seed + 1).shuffle(contacts)
        again = propose(members, contacts, Decimal("2.5"))
        assert [(p.member_id, p.contact_id, p.reasons) for p in again.pairs] == [
            (p.member_id, p.contact_id, p.reasons) for p in first.pairs
        ]
        assert again.left_over == first.left_over


@pytest.mark.parametrize("seed", range(40))
def test_r53_balance_no_member_above_ceil_while_another_below_floor(seed):
    rng = random.Random(seed)
    ratio = Decimal(rng.choice(["1.0", "1.5", "2.0", "2.5", "3.0", "4.5"]))
    members = [
        MemberData(i, rng.randint(0, 2), rng.random() < 0.5, rng.randint(1, 3))
        for i in range(1, rng.randint(2, 15))
    ]
    contacts = [
        ContactData(100 + i, rng.choice(["teacher", "activist", "hardship"]), rng.randint(1, 3))
        for i in range(rng.randint(0, 50))
    ]
    proposal = propose(members, contacts, ratio)
    load = {m.id: m.load for m in members}
    teachers = {m.id: int(m.has_teacher) for m in members}
    kinds = {c.id: c.category for c in contacts}
    for pair in proposal.pairs:
        load[pair.member_id] += 1
        teachers[pair.member_id] += kinds[pair.contact_id] == "teacher"
    low, high = math.floor(ratio), math.ceil(ratio)
    # R44 never broken by a proposal.
    assert all(n <= 1 for n in teachers.values())
    # Each contact proposed once.
    assert len({p.contact_id for p in proposal.pairs}) == len(proposal.pairs)
    # Balance, unless constrained: members who started above ceil(ratio), or a teacher given
    # to a member without one (R44 before the ratio), or teachers left over.
    started_high = {m.id for m in members if m.load >= high}
    teacher_first = {p.member_id for p in proposal.pairs if "no_teacher_yet" in p.reasons}
    unconstrained_over = [
        m for m, n in load.items() if n > high and m not in started_high | teacher_first
    ]
    assert not unconstrained_over
    if any(n < low for n in load.values()):
        # Someone is below the floor: then nothing non-teacher was left over.
        assert all(reason == "teachers_full" for _cid, reason in proposal.left_over)


def test_r53_view_shows_ticked_rows_with_reasons_and_applies_the_ticked_ones(
    client_for, secretary, member_a, member_b, branch
):
    dept = DepartmentFactory(name="数学")
    member_a.department = dept
    member_a.save()
    t1 = ContactFactory(branch=branch, category=Category.TEACHER, department=dept)
    t2 = ContactFactory(branch=branch, category=Category.TEACHER)
    t3 = ContactFactory(branch=branch, category=Category.TEACHER)
    client = client_for(secretary)
    response = client.get(reverse("contacts:pairing"))
    rows = response.context["rows"]
    # The secretary, member_a and member_b each get a teacher; member_a the same department.
    assert {(r["member"], r["contact"]) for r in rows} == {
        (secretary, t2),
        (member_a, t1),
        (member_b, t3),
    }
    page = response.content.decode()
    assert page.count('type="checkbox" name="pair"') == 3 and page.count("checked") == 3
    assert "no teacher yet, same department" in page
    keep = [r["value"] for r in rows if r["member"] != member_b]
    response = client.post(reverse("contacts:pairing"), {"pair": keep})
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("member", "contact")) == {
        (secretary.pk, t2.pk),
        (member_a.pk, t1.pk),
    }
    assert all(a.started_on == D(2026, 10, 20) for a in Assignment.objects.all())


def test_r53_apply_is_all_or_nothing(client_for, secretary, member_a, member_b, branch):
    t1 = ContactFactory(branch=branch, category=Category.TEACHER)
    t2 = ContactFactory(branch=branch, category=Category.TEACHER)
    client = client_for(secretary)
    # Both teachers to member_a: the second breaks R44, so neither is applied.
    response = client.post(
        reverse("contacts:pairing"),
        {"pair": [f"{member_a.pk}-{t1.pk}", f"{member_a.pk}-{t2.pk}"]},
        follow=True,
    )
    page = response.content.decode()
    assert "exactly one general teacher: end" in page and "(R44)" not in page
    assert not Assignment.objects.exists()


def test_r53_existing_pairs_are_kept_and_other_branches_ignored(
    client_for, secretary, member_a, teacher_a, other_branch, branch
):
    ContactFactory(branch=other_branch, category=Category.ACTIVIST)
    response = client_for(secretary).get(reverse("contacts:pairing"))
    assert all(r["contact"] != teacher_a for r in response.context["rows"])
    assert response.context["rows"] == []
    assert Assignment.objects.filter(contact=teacher_a).count() == 1


def test_r53_pairs_of_another_branch_cannot_be_applied(
    client_for, secretary, other_branch_secretary, branch
):
    contact = ContactFactory(branch=branch, category=Category.ACTIVIST)
    response = client_for(other_branch_secretary).post(
        reverse("contacts:pairing"), {"pair": [f"{secretary.pk}-{contact.pk}"]}, follow=True
    )
    assert "The proposal is out of date" in response.content.decode()
    assert not Assignment.objects.exists()
