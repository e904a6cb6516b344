"""The one table that turns a source's likelihood words into probabilities.

Lambert writes no numbers; where he hedges ("very unlikely", "far from a sure
thing"), the record stores the probability this table gives the phrase, marks it
implied, and quotes the phrase in the prediction's basis. A prediction of the
opposite event stores one minus the table's value. Every implied probability in
the record is read through this table, so a reader can check each one; the
/methods/ page shows it. Pure Python; no Django.
"""

LIKELIHOOD_WORDS: dict[str, float] = {
    "very unlikely": 0.1,
    "unlikely": 0.25,
    "far from a sure thing": 0.6,
    "I expect": 0.7,
    "likely": 0.75,
    "confident": 0.8,
    "very likely": 0.9,
}
# Phrases are matched without regard to case ("i expect" is "I expect").
_BY_LOWER = {phrase.lower(): value for phrase, value in LIKELIHOOD_WORDS.items()}


def implied_probability(phrase: str, *, is_negated: bool = False) -> float:
    """The table's probability of the event ``phrase`` describes; with
    ``is_negated``, of the opposite event. Raises KeyError for an unknown phrase."""
    probability = _BY_LOWER[phrase.strip().lower()]
    return round(1 - probability, 10) if is_negated else probability


def phrases_in(basis: str) -> list[str]:
    """The table phrases a basis quotes, longest first ('very unlikely' before
    'unlikely'), each quoted in single or double quotes."""
    text = basis.lower()
    found: list[str] = []
    for phrase in sorted(LIKELIHOOD_WORDS, key=len, reverse=True):
        lower = phrase.lower()
        quoted = any(f"{q}{lower}{q}" in text for q in ("'", '"'))
        if quoted and not any(lower in longer.lower() for longer in found):
            found.append(phrase)
    return found
