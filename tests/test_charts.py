"""Progress charts: a real PNG, drawn off-screen, whose embedded data are the stored values."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.charts import ChartLabels, chart_data, read_chart_data, render_progress_chart
from bot.db.goals import Goal
from bot.services.checkins import ProgressPoint, ProgressSeries

ROOT = Path(__file__).resolve().parents[1]
LABELS = ChartLabels(baseline="Baseline", target="Target", reported="Reported", due="Due")


def _series(values: list[float], title: str = "Reading fluency") -> ProgressSeries:
    goal = Goal(
        id=7,
        guild_id=1,
        scope="member",
        owner_id=5,
        title=title,
        measure="% of students at level 3",
        baseline=40.0,
        target=75.0,
        due_on=date(2027, 6, 15),
        status="open",
        created_at=datetime(2026, 11, 23, 14, tzinfo=UTC),
        closed_at=None,
    )
    return ProgressSeries(
        goal=goal,
        start=date(2026, 11, 23),
        points=[
            ProgressPoint(
                week=f"2026-W{49 + i}", day=date(2026, 11, 30) + timedelta(weeks=i), value=v
            )
            for i, v in enumerate(values)
        ],
    )


def test_the_chart_is_a_valid_png_carrying_exactly_the_series() -> None:
    series = _series([42.0, 47.5, 51.25])
    png = render_progress_chart(series, LABELS)
    image = Image.open(io.BytesIO(png))
    image.verify()  # a well-formed PNG (checksums included)
    assert image.format == "PNG" and image.size == (800, 450)
    data = read_chart_data(png)
    assert data == chart_data(series)
    assert [p["value"] for p in data["points"]] == [42.0, 47.5, 51.25]
    assert (data["baseline"], data["target"]) == (40.0, 75.0)


def test_a_goal_without_values_and_math_like_text_still_draws() -> None:
    series = _series([], title="$5 per student_ratio ^2 $$")
    png = render_progress_chart(series, LABELS)
    Image.open(io.BytesIO(png)).verify()
    assert read_chart_data(png)["points"] == []


def test_a_png_without_the_data_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    with pytest.raises(ValueError, match="no plc-bot:series"):
        read_chart_data(buffer.getvalue())
    with pytest.raises(ValueError, match="not a PNG"):
        read_chart_data(b"GIF89a")


def test_the_bot_starts_without_loading_the_chart_library() -> None:
    """matplotlib is loaded when a chart is drawn: at start-up it cost 0.7 s and
    ~40 MB that a bot which never draws would carry (python -m benchmarks, restart)."""
    program = "import sys, cogs.client, bot.app; print('matplotlib' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.strip() == "False"


def test_a_french_chart_writes_its_months_and_numbers_in_french() -> None:
    """The axes are read by the community: « févr. » and « 47,5 », never "Feb" and
    "47.5" (matplotlib writes English months and decimal points whatever the reader)."""
    from bot.charts import progress_figure

    french = LABELS.model_copy(update={"language": "fr"})
    series = _series([12.5, 15.0])
    # From 10 to 30, matplotlib ticks every 2.5: « 12,5 ».
    series = series.model_copy(
        update={"goal": series.goal.model_copy(update={"baseline": 10.0, "target": 30.0})}
    )
    figure = progress_figure(series, french)
    figure.canvas.draw()
    [axes] = figure.axes
    months = [t.get_text() for t in axes.get_xticklabels()]
    numbers = [t.get_text() for t in axes.get_yticklabels()]
    assert "févr." in months and "2027" in months
    assert not {"Feb", "Mar", "Apr", "May", "Jun"} & set(months)
    assert "12,5" in numbers and not any("." in n for n in numbers)
    english = progress_figure(_series([42.0, 47.5]), LABELS)
    english.canvas.draw()
    assert "Feb" in [t.get_text() for t in english.axes[0].get_xticklabels()]


def test_a_short_goal_names_its_days_the_reader_s_way() -> None:
    from bot.charts import _x, axis_day

    assert axis_day(_x(date(2026, 12, 14)), "fr") == "14 déc."
    assert axis_day(_x(date(2026, 12, 14)), "en") == "Dec 14"
    assert axis_day(_x(date(2027, 1, 1)), "fr") == "2027"
