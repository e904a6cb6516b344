"""Chart helpers that need no database."""

from tracker.pages.charts import log_ticks, thin_out


def test_log_ticks_mark_one_two_and_five_of_each_decade_spanned():
    assert log_ticks([0.5, 3.0, 40.0]) == [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]


def test_log_ticks_keep_only_powers_of_ten_over_a_wide_span():
    assert log_ticks([0.01, 5000.0]) == [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0]


def test_thin_out_keeps_an_even_sample_and_the_latest_row():
    rows = [{"n": n} for n in range(10)]

    assert [row["n"] for row in thin_out(rows, limit=4)] == [0, 3, 6, 9]


def test_one_observation_sits_on_an_axis_of_months():
    from tracker.pages.charts import set_date_range

    figure = {"data": [{"x": ["2025-06-01"]}], "layout": {"xaxis": {}}}

    axis = set_date_range(figure)["layout"]["xaxis"]

    assert axis["type"] == "date"
    assert axis["range"] == ["2024-11-30", "2025-12-01"]
