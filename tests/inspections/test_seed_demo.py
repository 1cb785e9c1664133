import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from contacts.models import Category, Contact
from members.models import Branch, Member
from talks.models import MustTalkEvent, Opinion, TalkLog
from talks.obligations import members_without_teacher


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_demo_builds_the_demo_college(seeded, rf):
    assert Branch.objects.count() == 3
    assert Member.objects.filter(branch__isnull=False).count() == 75 + 1  # + the newcomer (R45/R64)
    assert set(Contact.objects.values_list("category", flat=True)) == set(Category.values)
    assert TalkLog.objects.count() > 500
    assert MustTalkEvent.objects.filter(closed_on__isnull=True).exists()
    assert Opinion.objects.exists()
    # R44: most members have their teacher; a few gaps on purpose.
    gaps = members_without_teacher(Member.objects.active()).count()
    assert 0 < gaps < 10
    for username in ("demo-admin", "demo-secretary", "demo-member", "demo-leader"):
        assert authenticate(rf.post("/"), username=username, password="liaison-demo"), username


def test_seed_demo_if_empty_does_not_seed_twice(seeded):
    call_command("seed_demo", "--if-empty", stdout=open("/dev/null", "w"))
    assert Branch.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Branch.objects.exists()


def test_seed_demo_scale_multiplies_members(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--scale", "2", stdout=open("/dev/null", "w"))
    assert Branch.objects.count() == 6
    assert Member.objects.filter(branch__isnull=False).count() == 150 + 1


def test_r61_my_page_shows_the_semester_report_status(client_for, member_a, teacher_a):
    import datetime

    from django.urls import reverse

    from inspections.models import Semester

    today = datetime.date.today()
    semester = Semester.objects.create(
        name="本学期",
        start_on=today - datetime.timedelta(days=30),
        end_on=today + datetime.timedelta(days=60),
    )
    html = client_for(member_a).get(reverse("talks:my_page")).content.decode()
    assert "本学期" in html
    assert reverse("inspections:report_mine", args=[semester.pk]) in html


def test_seed_demo_shows_issue_15_rules(seeded):
    """R41, R48, R410 and R45/R64 have examples in the demo a newcomer opens."""
    from inspections.models import EthicsKind, EthicsNote, SemesterReport
    from talks.models import Symposium

    assert TalkLog.objects.filter(explains_policy=True).exists()
    assert Symposium.members_attended.through.objects.exists()
    assert not SemesterReport.objects.filter(ethics_review="").exists()
    assert EthicsNote.objects.filter(kind=EthicsKind.CONCERN, lifted_on__isnull=True).exists()
    assert EthicsNote.objects.filter(kind=EthicsKind.COMMENDATION).exists()
    assert Member.objects.filter(branch__isnull=False, assignments__isnull=True).exists()


def test_seed_demo_shows_r47_r51_r53_r61_examples(seeded):
    """The rest of issue 15 in the demo: criticism talks, confidential (R47), the demo member's
    among them; 离休 apart from 退休 and category 4 found / reported (R51); a report returned
    with its own resubmission deadline (R61); a contact still assigned to an inactive member,
    proposed again (R53)."""
    from contacts.models import Assignment
    from inspections.models import ReportStatus, SemesterReport

    criticism = TalkLog.objects.filter(is_criticism=True)
    assert criticism.exists() and not criticism.filter(confidential=False).exists()
    assert criticism.filter(member__user__username="demo-member").exists()
    sub_kinds = set(MustTalkEvent.objects.values_list("sub_kind", flat=True))
    assert {"lixiu", "retirement"} <= sub_kinds, sub_kinds
    assert set(MustTalkEvent.objects.filter(category="4").values_list("how_known", flat=True)) == {
        "found",
        "reported",
    }
    assert SemesterReport.objects.filter(
        status=ReportStatus.RETURNED, resubmit_due_on__isnull=False
    ).exists()
    assert Assignment.objects.filter(ended_on__isnull=True, member__active=False).exists()
    # R61/R62: every ended semester has its reports (the half-year inspection covers the end of
    # the one before: it must not show every member's report missing).
    from inspections.models import Semester

    ended = Semester.objects.filter(end_on__lt=datetime.date.today())
    assert ended.exists()
    assert not ended.exclude(pk__in=SemesterReport.objects.values("semester")).exists()


def test_seed_demo_shows_each_tool_with_something_in_it(seeded):
    """What a newcomer signing in as each demo login expects to see filled (issue 15 review):
    demo-member's own must-talk event waiting, briefings with their decision's date (the lag),
    the leader's visits of more than one kind."""
    from talks.models import Briefing, LeaderVisit

    assert MustTalkEvent.objects.open().filter(member__user__username="demo-member").exists()
    assert not Briefing.objects.filter(decided_on__isnull=True).exists()
    assert LeaderVisit.objects.values("kind").distinct().count() >= 3
