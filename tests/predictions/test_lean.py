"""A question's lean: which side its claims' standings favour, and why."""

from datetime import date

from predictions.scoring.lean import Standing, lean_of, summarise

SIDES = ("ai2027", "lambert")
NAMES = {"ai2027": "AI 2027", "lambert": "Lambert"}
DECIDER = "a published estimate of the multiplier."


def standing(**fields: object) -> Standing:
    values = {
        "prediction": "ai2027-claim",
        "source": "ai2027",
        "comparison": "gte",
        "deadline": date(2026, 12, 31),
        "status": "on_track",
    }
    return Standing(**(values | fields))


def lean(*standings: Standing):
    return lean_of(standings, sides=SIDES, names=NAMES, decider=DECIDER)


def test_a_claim_that_did_not_come_true_favours_the_other_side() -> None:
    verdict = lean(standing(status="resolved_false", outcome=False))
    assert (verdict.side, verdict.basis) == ("lambert", "resolved")
    assert verdict.reason == (
        "Leans Lambert. Resolved: ai2027-claim: did not come true (favours Lambert)."
    )


def test_resolved_claims_outweigh_any_pace() -> None:
    verdict = lean(
        standing(status="resolved_true", outcome=True),
        standing(prediction="l1", source="lambert", pace_ratio=2.0),
        standing(prediction="l2", source="lambert", pace_ratio=2.0),
    )
    assert (verdict.side, verdict.basis) == ("ai2027", "resolved")


def test_a_stays_below_claim_behind_its_pace_favours_its_own_side() -> None:
    verdict = lean(
        standing(source="lambert", comparison="not_gte", pace_ratio=0.4),
    )
    assert (verdict.side, verdict.basis) == ("lambert", "pace")
    assert "at 40% of the predicted pace" in verdict.reason


def test_a_claim_ahead_of_its_pace_favours_its_own_side() -> None:
    assert lean(standing(pace_ratio=1.3)).side == "ai2027"


def test_without_pace_the_trend_projection_decides_and_quotes_its_band() -> None:
    verdict = lean(
        standing(projection_probability=0.2, projection_low=1.1, projection_high=2.0)
    )
    assert (verdict.side, verdict.basis) == ("lambert", "projection")
    assert "a 20% chance, 90% band at the deadline 1.1 to 2" in verdict.reason


def test_equal_votes_leave_the_question_undecided_with_what_would_decide_it():
    verdict = lean(
        standing(pace_ratio=1.5),
        standing(prediction="l1", source="lambert", pace_ratio=1.5),
    )
    assert (verdict.side, verdict.basis) == (None, "split")
    assert verdict.reason.endswith(f"What would decide it: {DECIDER}")


def test_no_observation_since_publication_says_what_would_decide_it() -> None:
    verdict = lean(standing(status="unresolvable"), standing(status=None))
    assert (verdict.side, verdict.basis) == (None, "no_data")
    assert (
        verdict.reason == f"No data since publication. What would decide it: {DECIDER}"
    )


def test_the_headline_counts_the_leans_of_every_question() -> None:
    headline = summarise(
        ["ai2027", "lambert", "lambert", None], sides=SIDES, names=NAMES
    )
    assert headline == "Of 4 questions, 1 leans AI 2027, 2 lean Lambert, 1 undecided."


def test_values_without_a_reading_leave_the_question_pending() -> None:
    verdict = lean(standing(prediction="sc-by-2027", has_value=True))
    assert (verdict.side, verdict.basis) == (None, "pending")
    assert verdict.reason.startswith("Not decided yet: sc-by-2027 has values")
