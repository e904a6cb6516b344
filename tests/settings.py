"""Settings for the test suite: the real settings with test-friendly defaults.

``make test`` points DATABASE_URL at the local PostgreSQL and REDIS_URL at the
local Redis; both can be overridden from the environment.
"""

import os
import secrets

# A fresh key per run (the processes a test starts inherit it): a key written
# here would be public, and the settings refuse those.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from tracker.env import env_bool  # noqa: E402
from tracker.settings import *  # noqa: E402,F403

# The tests' feed and webhook servers listen on 127.0.0.1; the tests of the
# outbound guard turn this off again.
FEEDS_ALLOW_PRIVATE_HOSTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Eager unless a test starts a real worker, which runs with CELERY_TASK_ALWAYS_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=True)
