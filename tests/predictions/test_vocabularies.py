"""Each vocabulary is defined once, in the scoring package; the models' choices
carry the same values with labels, and nothing more or less."""

import pytest

from indicators import models as indicator_models
from predictions import models, scoring
from predictions.scoring import claims


def constants(vocabulary: type) -> set[str]:
    return {value for name, value in vars(vocabulary).items() if name.isupper()}


@pytest.mark.parametrize(
    ("choices", "vocabulary", "everything"),
    [
        (models.Kind, scoring.Kind, claims.KINDS),
        (models.Comparison, scoring.Comparison, claims.COMPARISONS),
        (models.Status, scoring.Status, None),
        (indicator_models.Scale, scoring.Scale, None),
    ],
    ids=["kind", "comparison", "status", "scale"],
)
def test_the_choices_are_the_scoring_vocabulary(choices, vocabulary, everything):
    assert set(choices.values) == constants(vocabulary)
    if everything is not None:
        assert everything == constants(vocabulary)
