"""A small PNG bar chart of a project's daily cost, for an image block in Slack.

matplotlib is imported here only, when the scheduled cost job draws (never on a request):
it costs a start ~0.5 s and tens of MiB. The Agg backend needs no display, and a ``Figure``
made without pyplot keeps no global state, so threads may draw at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date


def render_cost_chart(days: Sequence[tuple[date, float]], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 2.4), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(days)))
    axes.bar(positions, [usd for _, usd in days], color="#10a37f", width=0.8)
    ticks = positions[::7]
    axes.set_xticks(ticks, [days[n][0].strftime("%b %d") for n in ticks])
    axes.set_title(title, fontsize=10)
    axes.set_ylabel("USD / day", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
