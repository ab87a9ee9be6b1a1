"""Figures, the one table they are printed in, and the JSON they are written to."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured value, its floor measured in the same run, and the target."""

    section: str
    name: str
    value: float
    unit: str
    floor: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0 or math.isnan(self.floor):
            return None
        return self.value / self.floor

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


@dataclass
class Report:
    mode: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def ordered(self) -> list[Figure]:
        """By section ("1", "1b", "2"…), in the order measured within one."""
        return sorted(self.figures, key=lambda f: f.section)

    @property
    def misses(self) -> list[Figure]:
        return [f for f in self.ordered() if f.met is False]

    def table(self) -> str:
        header = ("measurement", "value", "floor", "ratio", "target", "")
        rows = [header]
        section = None
        lines: list[str] = []
        for figure in self.ordered():
            if figure.section != section:
                section = figure.section
                rows.append((f"[{section}]", "", "", "", "", ""))
            rows.append(
                (
                    f"  {figure.name}",
                    _number(figure.value, figure.unit),
                    "" if figure.floor is None else _number(figure.floor, figure.unit),
                    "" if figure.ratio is None else f"{figure.ratio:.2f}x",
                    figure.target,
                    {True: "ok", False: "MISS", None: ""}[figure.met],
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(line.rstrip() for line in lines)

    def summary(self) -> str:
        met = sum(1 for f in self.figures if f.met)
        judged = sum(1 for f in self.figures if f.met is not None)
        lines = [f"targets met: {met}/{judged}"]
        for miss in self.misses:
            lines.append(f"MISS {miss.section} / {miss.name}: {miss.note or miss.target}")
        for error in self.errors:
            lines.append(f"ERROR {error}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "figures": [f.as_json() for f in self.ordered()],
            "notes": self.notes,
            "errors": self.errors,
            "seconds": self.seconds,
            "details": self.extra,
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(_finite(self.as_json()), indent=2, allow_nan=False, default=str)
        path.write_text(text + "\n")


def _finite(value: Any) -> Any:
    """NaN (nothing measured) as null: JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _number(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    try:
        info["free -h"] = subprocess.run(
            ["free", "-h"], capture_output=True, text=True, check=False, timeout=5
        ).stdout.strip()
        info["load average"] = os.getloadavg()
    except (OSError, subprocess.SubprocessError):
        pass
    return info
