"""A few factories; tests build the rest by hand so each case reads plainly."""

import datetime
import uuid

import factory
from django.contrib.auth import get_user_model

from contacts.models import Assignment, Category, Contact
from members.models import Branch, Department, Member, Role
from talks.models import MustTalkEvent, TalkLog


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"教研室{n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"第{n}党支部")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@school.test")
    password = factory.django.Password("a-long-test-password")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"党员{n}")
    branch = factory.SubFactory(BranchFactory)
    role = Role.MEMBER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"群众{n}")
    category = Category.TEACHER
    activist_stage = factory.LazyAttribute(
        lambda c: "activist" if c.category == Category.ACTIVIST else ""
    )
    hardship_kind = factory.LazyAttribute(
        lambda c: "illness" if c.category == Category.HARDSHIP else ""
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    member = factory.SubFactory(MemberFactory)
    contact = factory.SubFactory(ContactFactory, branch=factory.SelfAttribute("..member.branch"))
    contact_category = factory.SelfAttribute("contact.category")
    started_on = datetime.date(2025, 9, 1)


class TalkLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkLog

    assignment = factory.SubFactory(AssignmentFactory)
    member = factory.SelfAttribute("assignment.member")
    contact = factory.SelfAttribute("assignment.contact")
    date = datetime.date(2026, 10, 15)
    place = "办公室"
    is_talk = True
    is_work_report = True
    content = "谈了教学工作的安排。"
    # As talks.services sets it when the talk is written (fixed from then on).
    confidential = factory.LazyAttribute(
        lambda t: TalkLog.confidential_when_written(
            contact=t.contact,
            must_talk_event=getattr(t, "must_talk_event", None),
            is_criticism=getattr(t, "is_criticism", False),
        )
    )


class MustTalkEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MustTalkEvent

    contact = factory.SubFactory(ContactFactory)
    branch = factory.SelfAttribute("contact.branch")
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..contact.branch"))
    category = "1"
    sub_kind = "promotion"
    confidential = factory.LazyAttribute(lambda e: e.category == "4")
    occurred_on = datetime.date(2026, 10, 1)
    due_on = factory.LazyAttribute(lambda e: e.occurred_on + datetime.timedelta(days=7))


def talk_post(contact, **fields) -> dict:
    """What the talk form (talks/forms.py TalkLogForm) posts for a talk with `contact`: on
    2026-10-18 at the office, a talk and work report about work, a fresh submission token (the
    same token twice is one talk, issue 14); `fields` replace or add fields."""
    return {
        "contact": contact.pk,
        "date": "2026-10-18",
        "place": "办公室",
        "kind": "both",
        "content": "谈了教学安排。",
        "aspects": ["work"],
        "observation": "",
        "must_talk_event": "",
        "opinions": "",
        "submission_token": str(uuid.uuid4()),
        **fields,
    }


def fill_talk_form(form, contact, **fields):
    """Fill the talk form as the page renders it (django-webtest, `page.forms["talk-form"]`) as
    a member types a talk with `contact`: the date 2026-10-18, a content, the aspect work;
    `fields` set more or replace those. Returns the form."""
    values = {
        "contact": str(contact.pk),
        "date": "2026-10-18",
        "content": "谈了教学安排。",
        "aspects": ["work"],
        **fields,
    }
    for name, value in values.items():
        form[name] = value
    return form
