"""PNG progress charts, drawn off-screen with matplotlib's Agg canvas.

The figure is built with the object API (no pyplot), so no global state, no display and
no thread-safety concerns; the goal service runs :func:`render_progress_chart` in a
worker thread. The exact data drawn is written into the PNG as a text chunk
(``plc-bot:series``), so anyone (a test, a curious facilitator) can check that the
picture shows the stored values.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_skeleton

from bot.frozen import Frozen
from bot.i18n import format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bot.services.checkins.goal_models import ProgressSeries

SERIES_KEY = "plc-bot:series"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChartLabels(Frozen):
    """The chart's words, in the community's language."""

    baseline: str
    target: str
    reported: str
    due: str
    language: str = "en"
    """How the numbers are written (3,5 in French)."""


def chart_data(series: ProgressSeries) -> dict[str, Any]:
    """What the chart draws, as plain JSON: the goal's bounds and every stored value."""
    goal = series.goal
    return {
        "goal_id": goal.id,
        "baseline": goal.baseline,
        "target": goal.target,
        "start": series.start.isoformat(),
        "due": goal.due_on.isoformat(),
        "points": [
            {"week": p.week, "day": p.day.isoformat(), "value": p.value} for p in series.points
        ],
    }


def _x(day: date) -> float:
    """matplotlib's date number for a calendar day (its dates module has no type hints)."""
    from matplotlib.dates import date2num

    number: float = float(date2num(day))  # type: ignore[no-untyped-call]
    return number


def render_progress_chart(series: ProgressSeries, labels: ChartLabels) -> bytes:
    """A line chart of the stored values against the target, as PNG bytes."""
    figure = progress_figure(series, labels)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        metadata={SERIES_KEY: json.dumps(chart_data(series), sort_keys=True), "Software": None},
    )
    return buffer.getvalue()


def axis_day(x: float, language: str) -> str:
    """A date tick as members of ``language`` write it: the year on January 1st, a month
    alone on its first day (« janv. », "Jan"), else the day and month (« 14 déc. »,
    "Dec 14"); matplotlib's own formatter writes English months whatever the reader."""
    from matplotlib.dates import num2date

    day = num2date(x).date()  # type: ignore[no-untyped-call]
    if day.month == 1 and day.day == 1:
        return str(day.year)
    return format_skeleton("MMM" if day.day == 1 else "MMMd", day, locale=language)


def progress_figure(series: ProgressSeries, labels: ChartLabels) -> Figure:
    """The chart as a matplotlib figure (on an off-screen canvas), its axes written the
    way ``labels.language`` writes dates and numbers."""
    # matplotlib is imported when a chart is drawn, not when the bot starts: it is
    # 0.7 s and tens of MB that a bot which never draws would carry (python -m benchmarks).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    goal = series.goal
    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    days = [_x(p.day) for p in series.points]
    values = [p.value for p in series.points]
    axes.plot(
        [_x(series.start)],
        [goal.baseline],
        marker="s",
        linestyle="none",
        color="#7f8c8d",
        label=f"{labels.baseline} ({format_number(goal.baseline, labels.language)})",
    )
    if series.points:
        axes.plot(days, values, marker="o", color="#5865f2", label=labels.reported)
        for day, value in zip(days, values, strict=True):
            axes.annotate(
                format_number(value, labels.language),
                (day, value),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
            )
    axes.axhline(
        goal.target,
        color="#2ecc71",
        linestyle="--",
        label=f"{labels.target} ({format_number(goal.target, labels.language)})",
    )
    axes.axvline(_x(goal.due_on), color="#e67e22", linestyle=":", label=labels.due)
    first_day = series.start - timedelta(days=3)
    last_day = max([goal.due_on, series.start, *(p.day for p in series.points)])
    axes.set_xlim(_x(first_day), _x(last_day + timedelta(days=3)))
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    language = labels.language
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: axis_day(x, language)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: format_number(y, language)))
    # User text is drawn as typed: "$5" must not switch matplotlib into math mode.
    axes.set_title(goal.title, parse_math=False)
    axes.set_ylabel(goal.measure, parse_math=False)
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize=8)
    return figure


def read_chart_data(png: bytes) -> dict[str, Any]:
    """The ``plc-bot:series`` data embedded in a chart (raises ValueError if absent)."""
    if not png.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            key, _, text = body.partition(b"\0")
            if key.decode("latin-1") == SERIES_KEY:
                loaded: dict[str, Any] = json.loads(text.decode("latin-1"))
                return loaded
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            if key.decode("latin-1") == SERIES_KEY:
                compressed, rest = rest[0], rest[2:]
                _, _, rest = rest.partition(b"\0")  # language tag
                _, _, text = rest.partition(b"\0")  # translated keyword
                raw = zlib.decompress(text) if compressed else text
                loaded = json.loads(raw.decode("utf-8"))
                return loaded
    raise ValueError(f"no {SERIES_KEY} data in this PNG")
