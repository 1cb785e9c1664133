"""R43 (issue 15 item 10, verification): an opinion added when the secretary completes a
symposium's minutes later (symposium_update) also ages from the symposium's date, not from the
day it was typed in."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from talks import branch_services
from talks.models import Opinion

D = datetime.date
SH = ZoneInfo("Asia/Shanghai")


def _values(**extra):
    values = {
        "held_on": D(2026, 11, 5),
        "topic": "期中教学座谈",
        "party_representatives": 1,
        "masses_representatives": 4,
        "members_present": 2,
        "participants": "",
        "minutes": "",
    }
    values.update(extra)
    return values


def test_r43_opinion_added_when_completing_a_symposium_ages_from_its_date(branch, secretary):
    branch.opinion_deadline_days = 14
    branch.save()
    with time_machine.travel(datetime.datetime(2026, 11, 5, 18, tzinfo=SH), tick=False):
        symposium = branch_services.symposium_record(
            branch=branch, opinions=[], by=secretary.user, attachments=[], **_values()
        )
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        branch_services.symposium_update(
            symposium=symposium,
            opinions=["建议调整晚自习安排"],
            by=secretary.user,
            **_values(minutes="会议纪要"),
        )
    opinion = Opinion.objects.get(symposium=symposium)
    assert (opinion.received_on, opinion.due_on) == (D(2026, 11, 5), D(2026, 11, 19))
