"""Sending a task after a commit, when the broker may be unreachable.

What the task would do is already decided by committed data, so a broker
that cannot be reached must not turn into an error for the caller: the
publish gives up within about a second (``CELERY_TASK_PUBLISH_RETRY_POLICY``)
and the caller's fallback keeps the work from being lost.
"""

import logging
from collections.abc import Callable

from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def send_or(
    send: Callable[[], object], fallback: Callable[[], object], what: str
) -> bool:
    """Run `send`; if the broker is unreachable, log `what` happens instead
    and run `fallback`. True if the task was sent."""
    try:
        send()
    except BrokerUnavailable as error:
        logger.warning("broker unavailable, %s: %s", what, error)
        fallback()
        return False
    return True
