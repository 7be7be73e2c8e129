"""Charts of the admin's dashboard as numbers for inline SVG (no script, no style attribute, no CDN): the
template draws the rectangles these functions place."""

from datetime import timedelta

# Width and height of a chart's drawing area in SVG units (the SVG scales to its box).
DAILY_WIDTH, DAILY_HEIGHT = 720, 110
AXIS = 24


def days_between(start, end):
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def daily_columns(by_day, start, end):
    """A column per day from `start` to `end` (days without a count are 0 high), and the largest value."""
    days = days_between(start, end)
    largest = max([by_day.get(day, 0) for day in days] + [0])
    step = DAILY_WIDTH / len(days)
    columns = []
    for index, day in enumerate(days):
        value = by_day.get(day, 0)
        height = round(value / largest * (DAILY_HEIGHT - 4), 1) if largest else 0
        columns.append(
            {
                "day": day,
                "value": value,
                "x": round(index * step + step * 0.1, 1),
                "width": round(max(step * 0.8, 1), 1),
                "y": round(DAILY_HEIGHT - height, 1),
                "height": height,
            }
        )
    # The first, middle and last days are named under the axis, the outer ones kept inside the drawing.
    ends = {0: ("start", 0), len(days) - 1: ("end", DAILY_WIDTH)}
    labels = []
    for index in sorted({0, (len(days) - 1) // 2, len(days) - 1}):
        anchor, x = ends.get(index, ("middle", round(index * step + step / 2, 1)))
        labels.append({"text": days[index].strftime("%m-%d"), "x": x, "anchor": anchor})
    return {
        "width": DAILY_WIDTH,
        "height": DAILY_HEIGHT + AXIS,
        "axis_y": DAILY_HEIGHT + AXIS - 6,
        "columns": columns,
        "labels": labels,
        "largest": largest,
        "total": sum(column["value"] for column in columns),
    }


def with_bars(rows):
    """[(label, value)] → rows with the length of each one's bar in percent of the largest (drawn in its
    table row as an SVG rectangle)."""
    largest = max([row[-1] for row in rows] + [0])
    return [
        {"cells": row[:-1], "value": row[-1], "percent": round(row[-1] / largest * 100, 1) if largest else 0}
        for row in rows
    ]
