"""A bar chart of counts per day, laid out on the server for an inline SVG (no script, no style).

``day_chart(days, series)`` turns counts into the coordinates the template draws
(templates/admin/desk/chart.html): one bar per day and series, the y axis's ticks at round
values, a label under every fifth day ending today, and a legend. Colours come from classes
in static/newsroom/desk.css, since the site's Content-Security-Policy forbids inline styles.
"""

import math
from dataclasses import dataclass

from django.utils import formats

WIDTH, HEIGHT = 760, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 34, 26  # room for the y labels, the legend and the day labels
BAR_GAP = 0.2  # of a day's width, left between days
LEGEND_SPACING = 170  # between the legend's entries
LABEL_EVERY = 5  # days; counted back from the last one, so that today is always labelled


@dataclass(frozen=True)
class Series:
    name: str  # the CSS class of its bars: bar-<name>
    label: str  # the legend's
    counts: list  # one per day
    describe: object  # (day, count) -> each bar's title, "mardi 1 décembre : 3 articles publiés"


@dataclass(frozen=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DayLabel:
    text: str
    x: float


@dataclass(frozen=True)
class LegendEntry:
    series: str
    label: str
    x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float  # where the plot ends on the x axis
    baseline: float  # the y of zero
    bars: list
    ticks: list
    labels: list
    legend: list


def nice_step(top, most_ticks=5):
    """The smallest of 1, 2, 5, 10, 20, 50… that divides 0..top into at most ``most_ticks`` steps."""
    exponent = 0
    while True:
        for mantissa in (1, 2, 5):
            step = mantissa * 10**exponent
            if math.ceil(top / step) <= most_ticks:
                return step
        exponent += 1


def day_chart(days, series, *, width=WIDTH, height=HEIGHT, margins=(LEFT, RIGHT, TOP, BOTTOM)):
    """Lay out one bar per day of ``days`` (dates, oldest first) for each of ``series``, in a
    ``width`` × ``height`` box less its ``margins`` (left, right, top, bottom): the desk's chart by
    default, a source's sparkline in the sources' list (intake.health)."""
    left, right, top_margin, bottom = margins
    plot_width = width - left - right
    plot_height = height - top_margin - bottom
    baseline = height - bottom
    highest = max((count for one in series for count in one.counts), default=0)
    step = nice_step(max(highest, 1))
    top = step * math.ceil(max(highest, 1) / step)
    slot = plot_width / len(days)
    bar_width = slot * (1 - BAR_GAP) / len(series)

    def y_of(value):
        return round(baseline - value * plot_height / top, 1)

    bars = []
    for index, day in enumerate(days):
        for position, one in enumerate(series):
            count = one.counts[index]
            x = left + index * slot + slot * BAR_GAP / 2 + position * bar_width
            bars.append(
                Bar(
                    series=one.name,
                    x=round(x, 1),
                    y=y_of(count),
                    width=round(bar_width, 1),
                    height=round(baseline - y_of(count), 1),
                    title=one.describe(day, count),
                )
            )
    labelled = range(len(days) - 1, -1, -LABEL_EVERY)
    return Chart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        baseline=baseline,
        bars=bars,
        ticks=[Tick(value, y_of(value)) for value in range(0, top + 1, step)],
        labels=[
            DayLabel(formats.date_format(days[index], "j N"), round(left + (index + 0.5) * slot, 1))
            for index in reversed(labelled)
        ],
        legend=[
            LegendEntry(one.name, one.label, left + position * LEGEND_SPACING)
            for position, one in enumerate(series)
        ],
    )
