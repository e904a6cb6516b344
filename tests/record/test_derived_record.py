"""derived.yaml: derived indicators in the record, loaded and exported."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Derivation

pytestmark = pytest.mark.django_db

GROWTH_INDICATOR = """
- slug: global-ai-compute-growth
  name: Growth of global AI compute
  description: Year-on-year growth of the installed stock.
  unit: '%'
  scale: linear
  min_value: null
  max_value: null
  category: compute
"""
DERIVED = """# Derived indicators: each computed from other indicators by a formula.
- slug: global-ai-compute-growth
  formula: growth
  inputs: [global-ai-compute]
  period: date
  start: null
"""


@pytest.fixture
def with_derived(record_dir: Path) -> Path:
    with (record_dir / "indicators.yaml").open("a", encoding="utf-8") as file:
        file.write(GROWTH_INDICATOR)
    (record_dir / "derived.yaml").write_text(DERIVED, encoding="utf-8")
    return record_dir


def load(directory: Path) -> str:
    out = StringIO()
    call_command("load_seed", "--input", str(directory), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_derivation_is_loaded_and_exported_byte_for_byte(with_derived, tmp_path):
    load(with_derived)
    derivation = Derivation.objects.get()
    assert (derivation.formula, derivation.inputs) == ("growth", ["global-ai-compute"])

    call_command("export_record", "--output", str(tmp_path), stdout=StringIO())
    assert (tmp_path / "derived.yaml").read_text() == DERIVED


def test_loading_twice_changes_no_derivation(with_derived):
    load(with_derived)
    assert "derived indicators: 0 new, 0 changed, 1 unchanged" in load(with_derived)


def test_an_unknown_input_is_named_and_nothing_is_loaded(with_derived):
    text = DERIVED.replace("[global-ai-compute]", "[global-ai-compuet]")
    (with_derived / "derived.yaml").write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_seed", "--input", str(with_derived), stderr=err)
    assert "derived.yaml, item 1 (global-ai-compute-growth), inputs" in err.getvalue()
    assert not Derivation.objects.exists()
