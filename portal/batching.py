"""Work that a block of many writes does once, at its end: `coalesced()` and `coalesce()`.

Some writes keep derived rows equal to their sources in the same transaction
(services.summaries recomputes a community's dashboard row when a partner,
space or log in it is saved). A job that writes many records of the same
community — the renewal scan moving partners to renewal_due, an import —
would recompute that row once per record. Inside `coalesced()`, such work is
collected per key and done once when the block ends, still inside the
caller's transaction, so the derived rows are never seen stale.

Bulk writes that send no model signals (`bulk_create`, `bulk_update`) say what
they touched with `records_bulk_written`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

from django.dispatch import Signal

_pending: ContextVar[dict | None] = ContextVar("portal_coalesced", default=None)

# Sent by code that writes records in bulk (no post_save per row):
# sender = the model, community_ids = the communities whose records changed.
records_bulk_written = Signal()


@contextlib.contextmanager
def coalesced() -> Iterator[None]:
    """Defer `coalesce`d work to the end of the block, once per key.

    Use it inside `transaction.atomic()`: the deferred work runs before the
    block is left, so it commits (or rolls back) with the writes that caused it.
    Nested blocks defer to the outermost one. When the block raises, the
    deferred work is dropped with the transaction.
    """
    if _pending.get() is not None:
        yield
        return
    pending: dict = {}
    token = _pending.set(pending)
    try:
        yield
        while pending:  # work done here may coalesce more; it is run in the same loop
            _key, (run, items) = pending.popitem()
            run(items)
    finally:
        _pending.reset(token)


def coalesce(key: str, items: Iterable, run: Callable[[set], None]) -> None:
    """Run `run(set(items))` now, or, inside `coalesced()`, once at its end with every item given under `key`."""
    pending = _pending.get()
    if pending is None:
        run(set(items))
        return
    pending.setdefault(key, (run, set()))[1].update(items)
