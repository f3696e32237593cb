"""Geometry of the supervisor reports' charts (server-rendered SVG, no script): horizontal bars that each carry
their label, and the weeks' vertical bars with their dates under the axis. Computed here, laid out by the template;
at 360 px the charts are drawn at about their own size, so a label of 12 units reads as 12 px."""
from __future__ import annotations

from dataclasses import dataclass

ROW = 40.0  # one row of a horizontal bar chart: its label on a line, the bar and its number under it
LABEL_FONT = 12.0  # .chart-label, in the SVG's units (at 360 px the charts are drawn at about their own size)


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart: its label (the row of the table it repeats) above the bar, its number
    after the bar."""

    key: str
    value: int
    y: float
    width: float

    @property
    def label_y(self) -> float:
        return self.y + 13

    @property
    def bar_y(self) -> float:
        return self.y + 18

    @property
    def value_x(self) -> float:
        return self.width + 6

    @property
    def value_y(self) -> float:
        return self.y + 30


def hbars(figures: list[tuple[str, int]], width: float = 270.0, row: float = ROW) -> list[Bar]:
    """Horizontal bars (server-rendered SVG 330 wide), scaled to the largest figure, each under its label."""
    top = max((v for _k, v in figures), default=0) or 1
    return [Bar(key=k, value=v, y=i * row, width=round(v / top * width, 1)) for i, (k, v) in enumerate(figures)]


@dataclass(frozen=True)
class WeekBar:
    x: float
    y: float
    w: float
    h: float
    value: int

    @property
    def centre(self) -> float:
        return round(self.x + self.w / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class Tick:
    """A date under the weeks' axis: the mark at its bar's centre, the text kept inside the chart."""

    x: float
    text_x: float
    label: str
    anchor: str = "middle"  # "start" / "end": the first or last date, drawn from the chart's edge inward


@dataclass(frozen=True)
class WeekChart:
    """A vertical bar per week and the dates of some weeks under the axis, as many as fit without overlapping
    (always the first and the last week); each bar's number above it when it fits, else the top of the scale."""

    bars: list[WeekBar]
    ticks: list[Tick]
    top: int
    show_values: bool
    width: float = 320.0
    plot_top: float = 16.0
    axis_y: float = 116.0

    @property
    def height(self) -> float:
        return self.axis_y + 24

    @property
    def top_label_y(self) -> float:
        return self.plot_top - 4

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 18

    @property
    def tick_end_y(self) -> float:
        return self.axis_y + 4


def text_width(text: str, font: float = LABEL_FONT) -> float:
    """How wide a label is drawn, near enough to keep labels apart: a CJK character is a square, the rest about
    two thirds of one."""
    return sum(font if ord(ch) >= 0x2E80 else font * 0.65 for ch in text)


def week_chart(values: list[int], labels: list[str], width: float = 320.0) -> WeekChart:
    """The weeks' chart: ``labels`` are the weeks' dates as the table under the chart writes them."""
    chart = WeekChart(bars=[], ticks=[], top=0, show_values=False, width=width)
    n = len(values)
    if not n:
        return chart
    top = max(values) or 1
    plot = chart.axis_y - chart.plot_top
    pitch = width / n
    gap = min(4.0, pitch / 5)
    bars = []
    for i, v in enumerate(values):
        h = round(v / top * plot, 1)
        bars.append(WeekBar(x=round(i * pitch + gap / 2, 1), y=round(chart.axis_y - h, 1), w=round(pitch - gap, 1),
                            h=h, value=v))
    show_values = pitch >= max(text_width(str(v)) for v in values) + 2
    return WeekChart(bars=bars, ticks=_ticks(bars, labels, width), top=max(values), show_values=show_values,
                     width=width)


def _ticks(bars: list[WeekBar], labels: list[str], width: float, space: float = 10.0) -> list[Tick]:
    """The first and the last week's dates, and between them every date that fits without touching another."""
    def tick(i: int) -> tuple[Tick, float]:
        w = text_width(labels[i])
        centre = bars[i].centre
        if centre < w / 2:
            return Tick(x=centre, text_x=0.0, label=labels[i], anchor="start"), w
        if centre > width - w / 2:
            return Tick(x=centre, text_x=width, label=labels[i], anchor="end"), w
        return Tick(x=centre, text_x=centre, label=labels[i]), w

    def span(t: tuple[Tick, float]) -> tuple[float, float]:
        tick_, w = t
        left = {"start": tick_.text_x, "end": tick_.text_x - w}.get(tick_.anchor, tick_.text_x - w / 2)
        return left, left + w

    def apart(a: tuple[Tick, float], b: tuple[Tick, float]) -> bool:
        (a_left, a_right), (b_left, b_right) = span(a), span(b)
        return a_right + space <= b_left or b_right + space <= a_left

    first = tick(0)
    last = tick(len(bars) - 1)
    chosen = [first]
    for i in range(1, len(bars) - 1):
        candidate = tick(i)
        if apart(candidate, chosen[-1]) and apart(candidate, last):
            chosen.append(candidate)
    if len(bars) > 1 and apart(last, chosen[-1]):
        chosen.append(last)
    return [t for t, _w in chosen]
