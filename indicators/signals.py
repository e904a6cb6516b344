"""Signals that let other apps react to new data without this app knowing them.

``predictions`` listens to ``observations_changed`` to rescore the touched
indicators; ``indicators`` never imports ``predictions``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# Sent after the transaction that wrote the observations has committed.
# Arguments: indicator_ids (a sorted list of ints).
observations_changed = Signal()


def on_observation_deleted(sender, *, instance, **kwargs) -> None:
    notify_observations_changed([instance.indicator_id])


def notify_observations_changed(indicator_ids: Iterable[int]) -> None:
    """Announce, once the current transaction commits, that these indicators changed."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return
    transaction.on_commit(
        lambda: observations_changed.send(sender=None, indicator_ids=ids)
    )
