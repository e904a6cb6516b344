"""The WSGI application, loaded whole at start-up.

The URLconf is read at once, which imports every view, serializer and filter,
so the first request does not pay for it. Then everything loaded so far is
frozen out of the garbage collector's sight (``gc.freeze``): it stays for the
life of the process, and a full collection would walk all of it again, which
costs a cold API page about a tenth of its time.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imports every view now)
gc.freeze()
