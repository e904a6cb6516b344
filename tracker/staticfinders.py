"""Serve plotly.js from the installed plotly package, not a CDN or a copy in git.

The plotly Python package (pinned in pyproject.toml) ships ``plotly.min.js``;
this finder exposes that one file as ``vendor/plotly.min.js``. ``collectstatic``
copies it into STATIC_ROOT for WhiteNoise (the Dockerfile runs it), and
``runserver``/``live_server`` find it directly. So the site never depends on a
third-party host, and the 4.8 MB bundle is not committed: upgrading plotly
upgrades the chart library in the same step.
"""

from collections.abc import Iterator
from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage

PLOTLY_FILE = "plotly.min.js"
PREFIX = "vendor"
STATIC_PATH = f"{PREFIX}/{PLOTLY_FILE}"


def plotly_bundle_path() -> Path:
    return Path(plotly.__file__).parent / "package_data" / PLOTLY_FILE


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=plotly_bundle_path().parent)
        # collectstatic and WhiteNoise put the file under the storage's prefix.
        self.storage.prefix = PREFIX

    def check(self, **kwargs) -> list:
        if plotly_bundle_path().is_file():
            return []
        return [
            checks.Error(
                f"{plotly_bundle_path()} is missing: reinstall the plotly package.",
                id="tracker.E001",
            )
        ]

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if path != STATIC_PATH or not plotly_bundle_path().is_file():
            return [] if find_all else None
        found = str(plotly_bundle_path())
        return [found] if find_all else found

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        yield PLOTLY_FILE, self.storage
