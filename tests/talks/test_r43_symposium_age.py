"""R43: an opinion raised at a symposium starts its age (and its deadline) on the symposium's
date, not on the day the minutes were recorded."""

import datetime

from django.urls import reverse

from inspections.selectors import dashboard
from talks.models import Opinion

D = datetime.date


def test_r43_symposium_opinion_ages_from_the_symposium_date(app, secretary, branch, frozen_time):
    branch.opinion_deadline_days = 14
    branch.save()
    with frozen_time(2026, 11, 20, 10):
        form = app.get(reverse("talks:symposium_create"), user=secretary.user.username).forms[
            "symposium-form"
        ]
        form["held_on"] = "2026-11-05"  # recorded fifteen days later
        form["topic"] = "期中教学座谈"
        form["party_representatives"] = "1"
        form["masses_representatives"] = "4"
        form["members_present"] = "2"
        form["opinions"] = "建议调整晚自习安排"
        form.submit("save").follow()
        opinion = Opinion.objects.get()
        assert (opinion.received_on, opinion.due_on) == (D(2026, 11, 5), D(2026, 11, 19))
        # On the dashboard it is fifteen days old and past the branch's fourteen days.
        ages = dashboard._opinion_ages(Opinion.objects.filter(branch=branch), D(2026, 11, 20))
        assert ages["age_15"] == 1 and ages["past_due"] == 1
