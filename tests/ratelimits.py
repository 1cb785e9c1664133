"""The public pages' rate limits count per address on a cache; tests start from none."""

from django.conf import settings
from django.core.cache import caches


def clear_rate_limits() -> None:
    caches["default"].clear()
    if "ratelimit" in settings.CACHES:
        # Only the rate-limit keys: the Redis database also holds the Celery queue.
        client = caches["ratelimit"]._cache.get_client()
        keys = client.keys("rl:*")
        if keys:
            client.delete(*keys)
