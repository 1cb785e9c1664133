"""Issue 14: search, filters and pages on the lists that grow: the opinion queue (R43) and the
must-talk events (R51). GET forms; the filters stay in the page links; the query count of a page
does not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from talks.models import Opinion, OpinionStatus

from ..factories import ContactFactory, MustTalkEventFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _opinions(branch, n, content="食堂意见", **extra):
    Opinion.objects.bulk_create(
        [
            Opinion(
                branch=branch,
                source="box",
                content=f"{content}{i}",
                received_on=D(2026, 10, 1),
                due_on=D(2026, 10, 15),
                **extra,
            )
            for i in range(n)
        ]
    )


def test_r43_opinion_queue_searches_pages_and_keeps_the_filters_in_page_links(
    app, secretary, branch
):
    _opinions(branch, 60)
    _opinions(branch, 3, content="图书馆意见")
    url = reverse("talks:opinion_queue")
    page = app.get(url, user=secretary.user.username)
    assert len(page.html.select("tbody tr")) == 50
    assert "第1页，共2页（共63条）" in page.text
    form = page.forms["opinion-filter"]
    form["q"] = "食堂"
    found = form.submit()
    assert "共60条" in found.text
    assert found.forms["opinion-filter"]["q"].value == "食堂"  # typed text comes back
    next_link = found.html.find("a", rel="next")["href"]
    assert "q=%E9%A3%9F%E5%A0%82" in next_link and "status=open" in next_link
    second = found.click(href=r"page=2")
    assert len(second.html.select("tbody tr")) == 10
    assert all("食堂" in row.text for row in second.html.select("tbody tr"))
    # A tab link keeps the search and starts again at page 1.
    tab = second.html.find("a", string="全部")["href"]
    assert "q=%E9%A3%9F%E5%A0%82" in tab and "page" not in tab


def test_r43_opinion_queue_source_filter_and_a_page_past_the_end(client_for, secretary, branch):
    _opinions(branch, 2)
    Opinion.objects.create(
        branch=branch,
        source="symposium",
        content="座谈会意见",
        received_on=D(2026, 10, 1),
        due_on=D(2026, 10, 15),
    )
    client = client_for(secretary)
    page = client.get(reverse("talks:opinion_queue"), {"source": "symposium", "page": "99"})
    assert [r["opinion"].content for r in page.context["rows"]] == ["座谈会意见"]
    bad = client.get(reverse("talks:opinion_queue"), {"source": "x", "status": "y", "page": "²"})
    assert bad.status_code == 200 and bad.context["filters"]["status"] == "all"


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_r43_opinion_queue_query_count_does_not_grow_with_the_data(
    client_for, secretary, branch, django_assert_num_queries
):
    client = client_for(secretary)
    url = reverse("talks:opinion_queue")
    _opinions(branch, 5)
    client.get(url)
    small = _count(client, url, {"q": "食堂", "status": "all"})
    _opinions(branch, 200, status=OpinionStatus.RECEIVED)
    with django_assert_num_queries(small):
        client.get(url, {"q": "食堂", "status": "all", "page": "3"})


def test_r51_events_filter_by_member_and_search_and_pages(
    app, client_for, secretary, member_a, member_b, branch, django_assert_num_queries
):
    chen = ContactFactory(branch=branch, name="陈老师")
    for _i in range(55):
        MustTalkEventFactory(contact=chen, member=member_a, occurred_on=D(2026, 10, 1))
    MustTalkEventFactory(
        contact=ContactFactory(branch=branch, name="周老师"),
        member=member_b,
        occurred_on=D(2026, 10, 1),
    )
    page = app.get(reverse("talks:branch_events"), user=secretary.user.username)
    assert len(page.html.select("tbody tr")) == 50
    form = page.forms["event-filter"]
    form["member"] = str(member_b.pk)
    only_b = form.submit()
    rows = only_b.html.select("tbody tr")
    assert len(rows) == 1 and "周老师" in rows[0].text
    assert only_b.forms["event-filter"]["member"].value == str(member_b.pk)
    form = page.forms["event-filter"]
    form["member"], form["q"] = "", "陈"
    found = form.submit()
    assert "共55条" in found.text
    assert "q=%E9%99%88" in found.html.find("a", rel="next")["href"]
    client = client_for(secretary)
    url = reverse("talks:branch_events")
    client.get(url)
    before = _count(client, url, {"page": "1"})
    for _i in range(30):
        MustTalkEventFactory(contact=chen, member=member_a, occurred_on=D(2026, 10, 2))
    with django_assert_num_queries(before):
        client.get(url, {"page": "2"})
