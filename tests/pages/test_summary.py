"""The scoreboard in words: the verdict sentence and the status table (no database)."""

from tracker.pages.summary import head_to_head_rows, status_rows, write_verdict


def source(slug: str, name: str, **counts: int) -> dict:
    full = {
        "resolved_true": 0,
        "resolved_false": 0,
        "ahead": 0,
        "on_track": 0,
        "behind": 0,
        "unresolvable": 0,
    }
    full.update(counts)
    full["total"] = sum(full.values())
    return {"slug": slug, "name": name, "counts": full}


def test_verdict_names_the_source_with_the_better_resolved_record():
    sources = [
        source("ai2027", "AI 2027", resolved_true=1, resolved_false=3),
        source("lambert", "Lambert", resolved_true=3, resolved_false=1),
    ]

    assert write_verdict(sources) == (
        "Lambert is ahead: 3 of 4 resolved predictions right (75%), "
        "against 1 of 4 for AI 2027 (25%)."
    )


def test_verdict_calls_equal_hit_rates_level():
    sources = [
        source("ai2027", "AI 2027", resolved_true=1, resolved_false=1),
        source("lambert", "Lambert", resolved_true=2, resolved_false=2),
    ]

    assert write_verdict(sources).startswith("AI 2027 and Lambert are level: 50%")


def test_verdict_falls_back_to_pace_while_a_side_has_nothing_resolved():
    sources = [
        source("ai2027", "AI 2027", resolved_true=2, ahead=1, behind=3),
        source("lambert", "Lambert", on_track=2),
    ]

    assert write_verdict(sources) == (
        "Lambert is ahead: 2 of 2 open predictions on track or ahead (100%), "
        "against 1 of 4 for AI 2027 (25%)."
    )


def test_verdict_says_it_is_too_early_without_resolutions_or_pace():
    sources = [
        source("ai2027", "AI 2027", unresolvable=3),
        source("lambert", "Lambert", unresolvable=2),
    ]

    assert write_verdict(sources).startswith("Too early to call")


def test_verdict_needs_two_sources():
    assert "fewer than two sources" in write_verdict([source("ai2027", "AI 2027")])


def test_status_rows_give_each_source_its_count_and_share():
    rows = status_rows([source("ai2027", "AI 2027", ahead=1, behind=3)])

    behind = next(row for row in rows if row["status"] == "behind")
    assert behind["cells"] == [{"slug": "ai2027", "count": 3, "share": 75}]


def test_head_to_head_rows_put_the_sides_in_the_sources_order():
    board = {
        "sources": [source("ai2027", "AI 2027"), source("lambert", "Lambert")],
        "head_to_head": [
            {
                "indicator": "swe-bench",
                "sides": {"lambert": {"predictions": 1, "mean_standing": 0.2}},
                "interval": [-0.1, 0.5],
            }
        ],
    }

    (row,) = head_to_head_rows(board)

    assert row["cells"] == [None, {"predictions": 1, "mean_standing": 0.2}]
    assert (row["low"], row["high"]) == (-0.1, 0.5)
