# Import the Celery app so that @shared_task binds to it.
from tracker.celery import app as celery_app

__all__ = ("celery_app",)
