"""The benchmark table: rows with a figure, its target and whether it is met; ratios and growth fits.

Nothing here measures anything; it only turns figures into verdicts and
text, so it is unit-tested (tests/test_benchmarks.py) without timing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

#: Exponent of marginal cost above which growth counts as super-linear (1 is linear, 2 quadratic).
SUPERLINEAR_EXPONENT = 1.3
#: Marginal cost (seconds) below which a growth exponent is noise, not a finding.
NOISE_FLOOR_S = 0.02


@dataclass
class Row:
    """One line of the table.

    ``met`` is True or False when the figure has a target, None when it is
    information only; ``value`` is None when the figure could not be measured
    (then ``note`` says why).
    """

    section: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is missing or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def at_most(value: float | None, limit: float) -> bool | None:
    """Whether ``value`` meets an upper bound; None when there is no value."""
    if value is None or math.isnan(value):
        return None
    return value <= limit


def below(value: float | None, limit: float) -> bool | None:
    """Whether ``value`` is strictly under a limit ("under 0.6 s"); None when there is no value."""
    if value is None or math.isnan(value):
        return None
    return value < limit


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "calls":
        return f"{value:.0f}"
    if unit == "k":
        return f"k = {value:.2f}"
    return f"{value:g} {unit}".strip()


def verdict(met: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: ""}[met]


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table, one section after another, with a note column when any row has a note."""
    with_notes = any(r.note for r in rows)
    header = ["benchmark", "measured", "target", "met"] + (["note"] if with_notes else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for row in rows:
        cells = [
            f"{row.section}: {row.name}" if row.section else row.name,
            format_value(row.value, row.unit),
            row.target,
            verdict(row.met),
        ]
        if with_notes:
            cells.append(row.note)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_line(rows: Sequence[Row]) -> str:
    """``7 of 9 targets met`` (rows without a target do not count)."""
    judged = [r for r in rows if r.met is not None]
    met = sum(1 for r in judged if r.met)
    missing = sum(1 for r in rows if r.target and r.met is None)
    text = f"{met} of {len(judged)} targets met"
    if missing:
        text += f", {missing} not measured"
    return text


# -- growth --------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """How a cost grows with a size.

    ``per_step`` is the ratio of whole times between consecutive sizes (a
    fixed cost keeps it near 1 even for a linear part); ``exponent`` is the power of the
    marginal cost, the time above the smallest size: ``(t2 - t0) / (t1 - t0)
    = ((n2 - n0) / (n1 - n0)) ** k``, 1 for linear, 2 for quadratic.  None when
    the marginal cost at either of the two largest sizes is below the noise
    floor (nothing to fit).
    """

    sizes: tuple[float, ...]
    times: tuple[float, ...]
    per_step: tuple[float | None, ...]
    exponent: float | None
    #: seconds per item of the marginal cost at the largest size
    per_item: float | None

    @property
    def superlinear(self) -> bool:
        return self.exponent is not None and self.exponent > SUPERLINEAR_EXPONENT

    def describe(self) -> str:
        steps = ", ".join(f"{r:.2f}×" if r is not None else "—" for r in self.per_step)
        if self.exponent is None:
            shape = "no fit (marginal cost within noise)"
        else:
            shape = "super-linear" if self.superlinear else "linear or better"
            shape += f", k = {self.exponent:.2f}"
        item = f", {self.per_item * 1000:.3f} ms per item" if self.per_item is not None else ""
        return f"whole time per step {steps}; {shape}{item}"


def growth(
    sizes: Sequence[float],
    times: Sequence[float],
    noise_floor: float = NOISE_FLOOR_S,
    middle_floor: float | None = None,
) -> Growth:
    """Fit how ``times`` grow over ``sizes`` (at least two, increasing).

    The exponent needs a marginal cost above ``noise_floor`` at the largest
    size and above ``middle_floor`` (default: the same) at the one before.
    """
    middle_floor = noise_floor if middle_floor is None else middle_floor
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("growth needs as many times as sizes, and at least two")
    if any(b <= a for a, b in zip(sizes, sizes[1:], strict=False)):
        raise ValueError("sizes must increase")
    per_step = tuple(ratio(b, a) for a, b in zip(times, times[1:], strict=False))
    base_size, base_time = sizes[0], times[0]
    marginal = [t - base_time for t in times]
    exponent = None
    per_item = None
    if marginal[-1] > noise_floor:
        per_item = marginal[-1] / (sizes[-1] - base_size)
    if len(sizes) >= 3 and marginal[-1] > noise_floor and marginal[-2] > middle_floor:
        exponent = math.log(marginal[-1] / marginal[-2]) / math.log((sizes[-1] - base_size) / (sizes[-2] - base_size))
    return Growth(tuple(sizes), tuple(times), per_step, exponent, per_item)


def loglog_slope(sizes: Sequence[float], times: Sequence[float], noise_floor: float = 0.005) -> float | None:
    """The exponent k of ``t - t0 ∝ (n - n0) ** k``, least squares over every size whose cost rose above the noise.

    None when fewer than two sizes rose measurably above the first.
    """
    if len(sizes) != len(times) or len(sizes) < 3:
        raise ValueError("a slope needs as many times as sizes, and at least three")
    points = [
        (math.log(n - sizes[0]), math.log(t - times[0]))
        for n, t in zip(sizes[1:], times[1:], strict=True)
        if t - times[0] > noise_floor
    ]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
