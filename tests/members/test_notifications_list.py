"""In-app notifications: the same reminders listed for their recipient, read when opened."""

from django.urls import reverse

from members.models import Notification


def _row(member, period="2026-11"):
    return Notification.objects.create(
        recipient=member.user,
        kind="monthly",
        period=period,
        subject="本月谈话提醒",
        body="截至11月30日",
        link="/talks/",
    )


def test_list_shows_own_notifications_and_opening_marks_read(member_a, member_b, client_for):
    mine = _row(member_a)
    theirs = _row(member_b)
    client = client_for(member_a)
    page = client.get(reverse("members:notifications"))
    assert "本月谈话提醒" in page.content.decode()
    assert list(page.context["notifications"]) == [mine]
    assert client.get(reverse("members:notification_detail", args=[mine.pk])).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("members:notification_detail", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_list_query_count_does_not_grow(
    member_a, client_for, django_assert_max_num_queries
):
    client = client_for(member_a)
    for n in range(30):
        _row(member_a, period=f"p{n}")
    with django_assert_max_num_queries(12):
        client.get(reverse("members:notifications"))
