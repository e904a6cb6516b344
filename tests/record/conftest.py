"""Record fixtures: a valid set of the four files, and broken variants of one file."""

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "record"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"


@pytest.fixture
def record_dir(tmp_path: Path) -> Path:
    """A writable copy of the valid record files."""
    directory = tmp_path / "record"
    shutil.copytree(VALID, directory)
    return directory


def break_file(directory: Path, broken_name: str) -> None:
    """Replace one file with a broken variant named ``<file stem>_<problem>.<ext>``."""
    stem, _, rest = broken_name.partition("_")
    suffix = Path(broken_name).suffix
    shutil.copyfile(BROKEN / broken_name, directory / f"{stem}{suffix}")
