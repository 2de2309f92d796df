"""Files the worker builds while the requester watches a pending page (issue 16).

A big ledger export or an inspection pack (检查台账) takes longer than a request
should: the door calls `background_job_start` with the name of a builder and its
keyword arguments, and redirects to `background_job_url(job)`. The worker runs
the builder (portal.tasks.build_background_file), which writes the file and
reports its progress (`report(done, total)`); the pending page polls every few
seconds, shows a progress bar, and offers the download once the file is stored.

Builders register with `@background_builder("name")` in the app that owns the
data (a lower app never imports a higher one: the registry is looked up by name).
Each job belongs to the user who started it; nobody else can see or fetch it.
The file lives in private storage under `background/`; the job's state lives in
the cache for a day.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.urls import reverse

from .uploads import private_storage

JOB_SECONDS = 24 * 3600

_builders: dict[str, Callable] = {}


def background_builder(name: str):
    """Register `func(*, out, report, **kwargs)`: it writes the file to `out` and calls
    `report(done, total)` as it goes; it returns the download's file name."""

    def register(func):
        _builders[name] = func
        return func

    return register


def _key(job: str) -> str:
    return f"portal:background:{job}"


def background_job_state(job: str) -> dict | None:
    return cache.get(_key(job))


def _save_state(job: str, state: dict) -> None:
    cache.set(_key(job), state, JOB_SECONDS)


def background_job_start(*, builder: str, user, title: str, kwargs: dict, back: str = "") -> str:
    """Queue the building of a file for `user` (after commit); the job's id."""
    if builder not in _builders:
        raise KeyError(builder)
    job = uuid.uuid4().hex
    _save_state(
        job,
        {
            "user_id": user.pk,
            "title": str(title),
            "back": back,
            "state": "queued",
            "done": 0,
            "total": 0,
            "name": "",
        },
    )
    transaction.on_commit(lambda: _queue(job, builder, kwargs))
    return job


def _queue(job: str, builder: str, kwargs: dict) -> None:
    from .tasks import build_background_file, publish  # deferred: the task module imports this one

    publish(
        build_background_file, job=job, builder=builder, kwargs=kwargs
    )  # a broker outage never fails the request


def background_job_build(*, job: str, builder: str, kwargs: dict) -> None:
    """Run the builder into a temporary file, store it, and mark the job ready (safe to run twice)."""
    state = background_job_state(job)
    if state is None or state["state"] == "ready":
        return
    state["state"] = "building"
    _save_state(job, state)

    def report(done: int, total: int) -> None:
        state.update(done=done, total=total)
        _save_state(job, state)

    with tempfile.TemporaryFile() as out:
        filename = _builders[builder](out=out, report=report, **kwargs)
        out.seek(0)
        name = private_storage.save(f"background/{job}-{filename}", File(out))
    state.update(state="ready", name=name, filename=filename, done=state["total"] or 1)
    state["total"] = state["total"] or 1
    _save_state(job, state)


def background_job_url(job: str) -> str:
    return reverse("background-job", args=[job])
