"""R43 on the real services: the public pages' rate limits count in Redis (shared by every
worker process), and a Redis outage leaves the pages open."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from talks.models import Opinion

from ..ratelimits import clear_rate_limits

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_r43_box_rate_limit_counts_in_redis(client, branch, settings):
    assert settings.RATELIMIT_USE_CACHE == "ratelimit"
    shared = caches["ratelimit"]
    clear_rate_limits()
    url = reverse("public:branch_box", args=[branch.pk])
    answers = [client.post(url, {"content": f"第{i}条"}).status_code for i in range(6)]
    assert answers == [200] * 5 + [429]
    # The count is in Redis, not in this process: another process would see it too.
    assert shared._cache.get_client().keys("rl:*")
    clear_rate_limits()


def test_r43_redis_down_leaves_the_box_open(client, branch, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    with caplog.at_level("WARNING", logger="members.web"):
        response = client.post(reverse("public:branch_box", args=[branch.pk]), {"content": "一条"})
    assert response.status_code == 200
    assert Opinion.objects.count() == 1
    assert "rate limit cache unavailable" in caplog.text
