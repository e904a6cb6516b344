"""Rendered responses kept in each process while the record stays the same.

The scoreboard, the home page and the API's prediction pages are the same for
every anonymous reader and change only when the record does (a rescore, an
edit of a prediction, an indicator or a source). Each process keeps what it
rendered in a local-memory cache (``CACHES["pages"]``), tagged with the
record's version: a token in the shared cache that every such change replaces
once its transaction commits (``bump_version``).
A request then costs no query and no rendering.

A process reads the version at most once every ``VERSION_CHECK_SECONDS``
(and sees its own changes at once), so a change made elsewhere shows within
that time, and most requests cost no cache read at all.

When the cache is unreachable there is no version, so nothing is kept or
served from memory: every request reads the database. Entries also expire
after ``MEMO_SECONDS``, which bounds how stale a copy can be if a change
happened while the cache was down and its new version was lost.
"""

import functools
import hashlib
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache, cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request

VERSION_KEY = "record:version"
MEMO_SECONDS = 60
VERSION_CHECK_SECONDS = 1.0
# The local-memory cache that holds the bodies (settings.CACHES).
PAGES_CACHE = "pages"
# A larger body is not kept.
MAX_BYTES = 500_000


def current_version() -> str | None:
    """The current version of the record, or None if the cache is unreachable."""
    version = cache.get(VERSION_KEY)
    if version is None:  # first use, or the cache was flushed
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version() -> None:
    """Mark every kept copy stale, now and again once the transaction commits.

    The second time matters: a copy rendered by another process between the
    two saw the data before the commit.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    RESPONSES.saw_version(version)


class Memo:
    """Bodies by key, valid for one record version, held in a local-memory cache.

    The version decides what is current; the bytes live in ``caches[alias]``
    (Django's ``LocMemCache``: per process, least recently used first out),
    under a key that carries the version, so a new version misses every older
    copy without deleting it.
    """

    def __init__(self, alias: str = PAGES_CACHE) -> None:
        self.alias = alias
        self._version: tuple[str | None, float] = (None, -math.inf)

    @property
    def store(self) -> BaseCache:
        return caches[self.alias]

    def current_version(self) -> str | None:
        """The record's version, read from the cache at most once a period."""
        version, read_at = self._version
        now = time.monotonic()
        if now - read_at >= VERSION_CHECK_SECONDS:
            version = current_version()
            self._version = (version, now)
        return version

    def saw_version(self, version: str) -> None:
        """Take `version` as current: this process has just made it."""
        self._version = (version, time.monotonic())

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        """The kept body for `key` at the current version, else `render()`."""
        version = self.current_version()
        if version is None:
            return render()
        # Hashed: a full URL can be longer than a portable cache key may be.
        store_key = hashlib.blake2b(f"{version}:{key}".encode()).hexdigest()
        body = self.store.get(store_key)
        if body is None:
            body = render()
            if len(body) <= MAX_BYTES:
                self.store.set(store_key, body, MEMO_SECONDS)
        return body

    def clear(self) -> None:
        self.store.clear()
        self._version = (None, -math.inf)


RESPONSES = Memo()


def kept_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep an HTML page's body in ``RESPONSES`` by its path.

    For views whose page is a function of the record and the URL path alone:
    no user, no form, no query string (one is ignored, so it cannot multiply
    the copies). A view that raises (a 404) keeps nothing.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def render() -> bytes:
            return view(request, *args, **kwargs).content

        body = RESPONSES.get_or_render(f"page:{request.path}", render)
        return HttpResponse(body)

    return wrapper


class KeptListMixin:
    """Keeps a DRF list's JSON pages in ``RESPONSES`` by their full path.

    For lists whose rows are part of the record and the same for every reader.
    Other formats (the browsable API shows the user; CSV exports are large)
    are rendered each time. Errors (a bad filter, a missing page) are raised
    as usual and never kept.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)

        def render() -> bytes:
            data = super(KeptListMixin, self).list(request, *args, **kwargs).data
            return request.accepted_renderer.render(
                data, request.accepted_media_type, self.get_renderer_context()
            )

        # The whole URL: a page's next and previous links name the host.
        key = f"{request.accepted_media_type}:{request.build_absolute_uri()}"
        return HttpResponse(
            RESPONSES.get_or_render(key, render), content_type="application/json"
        )
