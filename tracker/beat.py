"""The beat scheduler: the database schedule, with due jobs kept due while unsent.

Celery beat records an entry as run (``last_run_at``, in the database for
django_celery_beat) *before* it sends the task, and only logs a failed send.
A job that came due while the broker was unreachable would then wait for its
next period: "fetch due feeds" up to 15 minutes, the nightly rescore a day.
This scheduler puts a failed entry back as it was, unsent and still due, and
tries again every ``RESEND_SECONDS`` until the broker takes it; each due run
is sent once.
"""

import heapq
import logging

from celery.beat import SchedulingError
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

logger = logging.getLogger(__name__)

RESEND_SECONDS = 5.0


class ResendingDatabaseScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs) -> None:
        self._unsent: ModelEntry | None = None
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry: ModelEntry, producer=None) -> None:
        logger.info("Scheduler: Sending due task %s (%s)", entry.name, entry.task)
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except SchedulingError as error:
            logger.error(
                "%s not sent, trying again in %g s: %s",
                entry.name,
                RESEND_SECONDS,
                error,
            )
            self._unsent = entry

    def tick(self, *args, **kwargs) -> float:
        delay = super().tick(*args, **kwargs)
        entry, self._unsent = self._unsent, None
        if entry is None:
            return delay
        self._keep_due(entry)
        return min(delay, RESEND_SECONDS)

    def _keep_due(self, entry: ModelEntry) -> None:
        """Undo the reservation of an entry that was not sent, and retry it soon.

        ``entry`` is the one the tick found due: it still holds the previous
        ``last_run_at``, which the reservation overwrote on the shared model
        (saved at the next sync) and on the entry it put on the heap.
        """
        entry.model.last_run_at = entry.last_run_at
        entry.model.total_run_count -= 1
        self._dirty.add(entry.name)
        retry_at = self._when(entry, RESEND_SECONDS)
        self._heap = [
            event._replace(time=retry_at, entry=entry)
            if event.entry.name == entry.name
            else event
            for event in self._heap
        ]
        heapq.heapify(self._heap)
