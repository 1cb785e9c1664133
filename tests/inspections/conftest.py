"""A real Celery worker (thread, solo pool) on the real Redis, for `services` tests."""

import time

import pytest


@pytest.fixture
def celery_app(settings):
    from branch_liaison.celery import app

    # The worker runs the jobs; eager mode would hide the broker entirely.
    assert app.conf.task_always_eager is False, "services tests need CELERY_TASK_ALWAYS_EAGER off"
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    reset_pools(app)
    yield app
    reset_pools(app)


@pytest.fixture
def live_worker(celery_app):
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield celery_app


def set_broker(app, url: str) -> None:
    """Point the app at another broker: drop pooled connections so the next publish uses it."""
    app.conf.broker_url = url
    reset_pools(app)


def reset_pools(app) -> None:
    """A stopped test worker closes the pools it shared with the app; start afresh."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()
