"""The dashboard's charts as numbers (layout.charts): every day of the range has its column, a day without a
count is 0 high, the largest fills the height; bars are in percent of the largest."""

from datetime import date

from layout import charts


def test_every_day_has_a_column_and_the_largest_fills_the_chart():
    chart = charts.daily_columns({date(2026, 11, 3): 4, date(2026, 11, 5): 2}, date(2026, 11, 1), date(2026, 11, 5))
    heights = [column["height"] for column in chart["columns"]]
    assert [column["day"].day for column in chart["columns"]] == [1, 2, 3, 4, 5]
    assert heights[0] == heights[1] == heights[3] == 0
    assert heights[2] == 2 * heights[4] > 0
    assert chart["columns"][2]["y"] + heights[2] == charts.DAILY_HEIGHT
    assert chart["total"] == 6 and chart["largest"] == 4
    assert [label["text"] for label in chart["labels"]] == ["11-01", "11-03", "11-05"]


def test_a_range_with_nothing_counted_draws_nothing():
    chart = charts.daily_columns({}, date(2026, 11, 1), date(2026, 11, 1))
    assert [column["height"] for column in chart["columns"]] == [0]


def test_bars_are_a_share_of_the_largest():
    rows = charts.with_bars([("map", 300), ("compare", 75), ("embed", 0)])
    assert [(row["cells"], row["value"], row["percent"]) for row in rows] == [
        (("map",), 300, 100.0),
        (("compare",), 75, 25.0),
        (("embed",), 0, 0),
    ]
