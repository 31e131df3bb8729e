"""Charts for printed packs: the one module that imports matplotlib.

Packs are printed, mostly in black and white, so a chart must not tell its lines apart by colour:
each series has its own line style *and* its own marker, drawn in black or dark grey. This year is
a solid black line with filled circles, last year a dashed grey line with open squares, a target a
dotted black line with no markers. Anyone who can see the page can tell them apart on a
photocopy; anyone who cannot gets the alt text the caller writes.

matplotlib draws with its Agg backend (no display), and the PNG carries no time stamp, so the same
figures give the same bytes and a rebuilt pack's converted documents come from the cache.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH_MM = 160.0
HEIGHT_MM = 50.0
DPI = 200


@dataclass(frozen=True)
class Line:
    """How a series is drawn: every field but the label is independent of colour."""

    label: str
    linestyle: str
    marker: str
    filled: bool
    grey: float  # 0 black .. 1 white
    width: float


THIS_YEAR = Line("This year", "-", "o", True, 0.0, 2.0)
LAST_YEAR = Line("Last year", "--", "s", False, 0.45, 1.6)
TARGET = Line("Target", ":", "", False, 0.0, 1.6)


def line_chart(
    periods: Sequence[str],
    this_year: Sequence[float | None],
    last_year: Sequence[float | None] | None = None,
    target: Sequence[float | None] | None = None,
    *,
    labels: tuple[str, str] = ("This year", "Last year"),
    unit: str = "",
) -> bytes:
    """A PNG line chart of this year against last year (and a target), readable in greyscale.

    Periods without a figure leave a gap: a line never joins across a blank month.
    """
    series = [(THIS_YEAR, labels[0], this_year)]
    if last_year is not None:
        series.append((LAST_YEAR, labels[1], last_year))
    if target is not None:
        series.append((TARGET, "Target", target))
    return draw(periods, series, unit)


def tick_label(ticks: Sequence[float], unit: str = "") -> Callable[[float, object], str]:
    """How the value axis labels its ticks: with as many decimal places as the step between
    them needs (figures of 1.1 to 1.7 have ticks 0.5 apart: whole numbers would label them
    "0, 0, 1, 2", and a point at 1.6 would sit above the line marked 2)."""
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if b > a]
    step = min(steps, default=1.0)
    places = 0
    while places < 6 and abs(round(step, places) - step) > step * 1e-6:
        places += 1
    suffix = "%" if unit == "%" else ""

    def label(v: float, _pos: object = None) -> str:
        return f"{v:,.{places}f}{suffix}"

    return label


def draw(
    periods: Sequence[str],
    series: Sequence[tuple[Line, str, Sequence[float | None]]],
    unit: str = "",
) -> bytes:
    """Draw `series` (how, label, values) over `periods` as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(
        {
            "font.family": ["Liberation Sans", "DejaVu Sans"],
            "font.size": 8,
            "axes.edgecolor": "0.3",
            "axes.linewidth": 0.6,
        }
    ):
        fig, ax = plt.subplots(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
        try:
            x = list(range(len(periods)))
            for z, (line, label, values) in reversed(list(enumerate(series))):
                # periods after the last given have no figure yet
                padded = [*values, *[None] * (len(periods) - len(values))]
                ys = [float("nan") if v is None else float(v) for v in padded[: len(periods)]]
                colour = str(line.grey)
                ax.plot(
                    x,
                    ys,
                    label=label,
                    linestyle=line.linestyle,
                    linewidth=line.width,
                    color=colour,
                    marker=line.marker or None,
                    markersize=4.5,
                    markerfacecolor=colour if line.filled else "white",
                    markeredgecolor=colour,
                    markeredgewidth=1.0,
                    zorder=10 - z,  # this year on top
                )
            ax.set_xticks(x, list(periods))
            ax.set_xlim(-0.4, len(periods) - 0.6)
            drawn = [float(v) for _, _, vs in series for v in vs if v is not None]
            top = max(drawn, default=0.0)
            # from zero, so that a change looks its true size; headroom for the highest marker
            ax.set_ylim(bottom=min([0.0, *drawn]), top=top * 1.08 if top > 0 else 1.0)
            ticks = ax.yaxis.get_major_locator().tick_values(*ax.get_ylim())
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(tick_label(ticks, unit)))
            ax.grid(axis="y", color="0.85", linewidth=0.5)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            handles, names = ax.get_legend_handles_labels()
            ax.legend(
                handles[::-1],
                names[::-1],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12),
                ncol=len(series),
                frameon=False,
                handlelength=3.5,
            )
            fig.tight_layout(pad=0.4)
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return out.getvalue()
