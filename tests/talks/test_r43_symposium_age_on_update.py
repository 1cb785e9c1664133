"""R43 (issue 15 item 10, verification): an opinion added when the secretary completes a
symposium's minutes later (symposium_update) also ages from the symposium's date, not from the
day it was typed in."""

import datetime

from talks.models import Opinion
from talks.services import records as record_services

D = datetime.date


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


def test_r43_opinion_added_when_completing_a_symposium_ages_from_its_date(
    branch, secretary, frozen_time
):
    branch.opinion_deadline_days = 14
    branch.save()
    with frozen_time(2026, 11, 5, 18):
        symposium = record_services.symposium_record(
            branch=branch, opinions=[], by=secretary.user, attachments=[], **_values()
        )
    with frozen_time(2026, 11, 20, 10):
        record_services.symposium_update(
            symposium=symposium,
            opinions=["建议调整晚自习安排"],
            by=secretary.user,
            **_values(minutes="会议纪要"),
        )
    opinion = Opinion.objects.get(symposium=symposium)
    assert (opinion.received_on, opinion.due_on) == (D(2026, 11, 5), D(2026, 11, 19))


def test_r43_opinions_follow_a_corrected_symposium_date(branch, secretary, frozen_time):
    """The secretary typed the wrong day: the symposium's opinions, already queued, age from the
    corrected date (received and due), as if it had been typed right."""
    branch.opinion_deadline_days = 14
    branch.save()
    with frozen_time(2026, 11, 10, 18):
        symposium = record_services.symposium_record(
            branch=branch,
            opinions=["建议增加教研活动经费"],
            by=secretary.user,
            attachments=[],
            **_values(held_on=D(2026, 11, 9)),
        )
        record_services.symposium_update(
            symposium=symposium, opinions=[], by=secretary.user, **_values(held_on=D(2026, 11, 3))
        )
    opinion = Opinion.objects.get(symposium=symposium)
    assert (opinion.received_on, opinion.due_on) == (D(2026, 11, 3), D(2026, 11, 17))
