"""Issue 14 and R44: assigning a contact shows each member's current load and whether they
already have a teacher; member and contact choices are in pinyin order (members/pinyin.py),
not by code point."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from contacts.models import Category

from ..factories import AssignmentFactory, ContactFactory, MemberFactory, UserFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def test_pinyin_key_orders_as_a_chinese_reader():
    from members.pinyin import pinyin_key

    names = ["张三", "李四", "王五", "阿明", "陈老师"]
    # By code point 张 (U+5F20) < 李 (U+674E) < 王 (U+738B) < 阿 (U+963F) < 陈 (U+9648).
    assert sorted(names) == ["张三", "李四", "王五", "阿明", "陈老师"]
    assert sorted(names, key=pinyin_key) == ["阿明", "陈老师", "李四", "王五", "张三"]


def test_r44_assign_form_shows_load_and_teacher_in_pinyin_order(
    app, secretary, member_a, member_b, teacher_a, branch
):
    zhang = MemberFactory(user=UserFactory(username="zhang"), name="张老师", branch=branch)
    AssignmentFactory(
        member=member_b,
        contact=ContactFactory(branch=branch, category=Category.ACTIVIST),
        started_on=D(2025, 9, 1),
    )
    contact = ContactFactory(branch=branch, category=Category.TEACHER)
    page = app.get(
        reverse("contacts:manage_detail", args=[contact.pk]), user=secretary.user.username
    )
    options = [
        text for value, _selected, text in page.forms["assign-form"]["member"].options if value
    ]
    # 李 (li) < 王 (wang) < 张 (zhang) < 赵 (zhao): by code point 张 would come first.
    assert options == [
        f"{member_a.name}（现联系1人，已有教师）",
        f"{secretary.name}（现联系0人，尚无教师）",
        f"{zhang.name}（现联系0人，尚无教师）",
        f"{member_b.name}（现联系1人，尚无教师）",
    ]


def test_r44_reassign_form_lists_the_same_way(app, secretary, member_a, member_b, teacher_a):
    from contacts.models import Assignment

    old = Assignment.objects.get(contact=teacher_a)
    page = app.get(reverse("contacts:manage_reassign", args=[old.pk]), user=secretary.user.username)
    options = [text for value, _s, text in page.forms["reassign-form"]["member"].options if value]
    assert [o.split("（")[0] for o in options] == ["李老师", "王书记", "赵老师"]
