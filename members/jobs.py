"""Queueing a Celery job (DESIGN.md "Writes and jobs"): the one way every app does it.

A job is queued once the caller's transaction commits, never before, and the caller never
depends on the broker: what the job does is already a row (an outbox: a pending notification, a
pending export), so when the broker is unreachable the row stays pending and the job's periodic
sweep does the work later. Jobs are named, not imported: a tasks module imports the services it
runs, so the services that queue its jobs cannot import it back.

`in_thread` (embedded mode, where no worker runs and a job would take minutes: an export's PDF):
the job runs in a thread of this process while the request returns, so the page can show its
progress as in production. The job still claims its row, so two threads of one job do it once.
"""

from __future__ import annotations

import logging
import threading

from celery import current_app
from django.db import connections, transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args, in_thread: bool = False) -> None:
    """After the commit, hand the job `task_name` (its Celery name) with these arguments (ids) to
    a worker, or to a thread of this process with `in_thread`."""
    transaction.on_commit(lambda: _enqueue(task_name, args, in_thread))


def _enqueue(task_name: str, args: tuple, in_thread: bool) -> None:
    task = current_app.tasks[task_name]
    if in_thread:
        name = "-".join(map(str, (task_name, *args)))  # tests wait for it by name
        threading.Thread(target=_run, args=(task, args), name=name, daemon=True).start()
        return
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:  # the broker is down: the row stays pending for the sweep
        log.warning("could not queue %s%r; its sweep will do it", task_name, args)


def _run(task, args: tuple) -> None:
    try:
        task(*args)
    except Exception:  # the job wrote its failure on its row; this thread has no one to tell
        log.exception("%s%r failed", task.name, args)
    finally:
        connections.close_all()  # this thread's own connections
