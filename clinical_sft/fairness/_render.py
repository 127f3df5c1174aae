"""Renderings of a fitted report: Markdown, self-contained HTML, matplotlib figures.

Everything here reads the report's result dictionary, which never holds a suppressed group's
metrics; so no rendering can show one.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

__all__ = ["figure_png_base64", "plot_calibration", "plot_metric_by_group", "report_html", "report_markdown"]

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:1.05em}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}
td.l,th.l{text-align:left}.flag{color:#b00020;font-weight:600}.sup{color:#777;font-style:italic}
.note{color:#555;font-size:.9em}img{max-width:100%}
"""


_CSS_FRAGMENT = """
.csr table{border-collapse:collapse;margin:.4em 0;font-size:.85em}
.csr th,.csr td{border:1px solid #ccc;padding:.2em .5em;text-align:right}.csr th{background:#f3f3f3}
.csr td.l,.csr th.l{text-align:left}.csr .flag{color:#b00020;font-weight:600}.csr .sup{color:#777;font-style:italic}
.csr .note{color:#555;font-size:.85em}
"""


def _f(x: Any, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _fci(entry: dict[str, Any]) -> str:
    v = _f(entry["value"])
    lo, hi = entry["ci"]
    if lo is None or hi is None:
        return v
    return f"{v} ({_f(lo)} to {_f(hi)})"


def _signed(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.3f}"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _attributes(result: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for g in result["groups"]:
        if g["attribute"] not in seen:
            seen.append(g["attribute"])
    return seen


def _labels(result: dict[str, Any]) -> dict[str, str]:
    return result.get("metric_labels", {})


def _suppression_note(result: dict[str, Any]) -> str:
    m = result.get("config", {}).get("min_cell_size", 11)
    return (
        f'Groups with fewer than {m} records are suppressed (n shown as "<{m}", no metrics) and left '
        "out of gaps and worst-group values; where a suppressed group could be recovered from the totals, "
        'the next smallest group is suppressed too (n shown as "suppressed").'
    )


def _flag_note(result: dict[str, Any]) -> str:
    b = result.get("bootstrap", {})
    if not b.get("n_boot"):
        return "No bootstrap: no intervals, nothing flagged."
    adj = (
        " and it stays significant under simultaneous max-t intervals over all gaps of this report"
        if b.get("flag_adjustment") == "max-t"
        else ""
    )
    return (
        f"Intervals: {int(round(100 * b.get('ci_level', 0.95)))}% {b.get('interval', 'percentile')} bootstrap, "
        f"{b.get('n_boot')} resamples ({b.get('method')}). A gap is flagged only where its interval "
        f"excludes zero{adj}."
    )


# ---------------------------------------------------------------------- Markdown
def report_markdown(result: dict[str, Any]) -> str:
    """Markdown text of a report result."""
    labels = _labels(result)
    metrics = list(result["overall"])
    out = [f"# Subgroup report ({result['task']})", ""]
    out.append(f"Records: {result.get('n_records', 'n/a')}. {_flag_note(result)}")
    out += ["", _suppression_note(result), ""]
    out += ["## Flags", ""]
    if result.get("flags"):
        out += [f"- **{_md(t)}**" for t in result["flags"]]
    else:
        out.append("No gap has an interval that excludes zero.")
    out += ["", "## Overall", "", "| Metric | Value (95% CI) |", "|---|---|"]
    for m, e in result["overall"].items():
        out.append(f"| {_md(labels.get(m, m))} | {_fci(e)} |")
    for attr in _attributes(result):
        out += ["", f"## By {_md(attr)}", ""]
        out.append("| Group | n | " + " | ".join(_md(labels.get(m, m)) for m in metrics) + " |")
        out.append("|---|---|" + "---|" * len(metrics))
        for g in result["groups"]:
            if g["attribute"] != attr:
                continue
            if g["suppressed"]:
                cells = ["suppressed"] * len(metrics)
            else:
                cells = [_fci(g["metrics"][m]) for m in metrics]
            out.append(f"| {_md(g['group'])} | {_md(g['n'])} | " + " | ".join(cells) + " |")
    if result.get("attribute_metrics"):
        out += [
            "",
            "## Fairness measures (unsuppressed groups)",
            "",
            "| Attribute | Measure | Value (95% CI) |",
            "|---|---|---|",
        ]
        for a in result["attribute_metrics"]:
            out.append(f"| {_md(a['attribute'])} | {a['metric']} | {_fci(a)} |")
    if result.get("worst_group"):
        out += [
            "",
            "## Worst group",
            "",
            "| Attribute | Metric | Group | Value (95% CI) |",
            "|---|---|---|---|",
        ]
        for w in result["worst_group"]:
            out.append(
                f"| {_md(w['attribute'])} | {_md(labels.get(w['metric'], w['metric']))} | {_md(w['group'])} | {_fci(w)} |"
            )
    out += ["", "## Gaps against the reference group", ""]
    if result["disparities"]:
        out += [
            "| Attribute | Group | Reference | Metric | Difference (95% CI) | Ratio | Flag |",
            "|---|---|---|---|---|---|---|",
        ]
        for d in result["disparities"]:
            lo, hi = d["ci"]
            ci = "" if lo is None else f" ({_signed(lo)} to {_signed(hi)})"
            flag = "**flagged**" if d["flagged"] else ""
            out.append(
                f"| {_md(d['attribute'])} | {_md(d['group'])} | {_md(d['reference'])} | "
                f"{_md(labels.get(d['metric'], d['metric']))} | {_signed(d['difference'])}{ci} | {_f(d.get('ratio'))} | {flag} |"
            )
    else:
        out.append("No comparable groups (fewer than two unsuppressed groups per attribute).")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- plots
def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def plot_metric_by_group(result: dict[str, Any], metric: str, attribute: str | None = None):  # noqa: ANN201
    """Point and interval per unsuppressed group, attributes stacked on one axis; suppressed groups get a label only."""
    from matplotlib.figure import Figure

    if metric not in result["overall"]:
        from clinical_sft.errors import ConfigError

        raise ConfigError(f"metric must be one of {', '.join(result['overall'])}; got {metric!r}")
    attrs = [attribute] if attribute else _attributes(result)
    rows = [g for a in attrs for g in result["groups"] if g["attribute"] == a]
    fig = Figure(figsize=(6.5, 0.8 + 0.24 * (len(rows) + len(attrs))))
    ax = fig.add_subplot(1, 1, 1)
    ticks: list[str] = []
    pos: list[float] = []
    xs, ys, lo_err, hi_err = [], [], [], []
    y = 0.0
    for a in attrs:
        ticks.append(f"{a}")
        pos.append(y)
        y += 1
        for g in rows:
            if g["attribute"] != a:
                continue
            pos.append(y)
            if g["suppressed"]:
                ticks.append(
                    f"  {g['group']} (n {g['n']}, suppressed)"
                    if g["n"] != "suppressed"
                    else f"  {g['group']} (suppressed)"
                )
            else:
                ticks.append(f"  {g['group']} (n={g['n']})")
                e = g["metrics"][metric]
                if e["value"] is not None:
                    lo, hi = e["ci"]
                    xs.append(e["value"])
                    ys.append(y)
                    lo_err.append(0.0 if lo is None else max(0.0, e["value"] - lo))
                    hi_err.append(0.0 if hi is None else max(0.0, hi - e["value"]))
            y += 1
    if xs:
        ax.errorbar(xs, ys, xerr=[lo_err, hi_err], fmt="o", color="#1f5fa0", capsize=3, markersize=4)
    overall = result["overall"][metric]["value"]
    if overall is not None:
        ax.axvline(overall, color="#888", linestyle="--", linewidth=1)
    ax.set_yticks(pos, ticks)
    for t, text in zip(ax.get_yticklabels(), ticks):
        if not text.startswith("  "):
            t.set_fontweight("bold")
    ax.set_ylim(y - 0.4, -0.6)
    ax.set_title(
        f"{_labels(result).get(metric, metric)} by group (95% CI; dashed: overall)", fontsize=9, loc="left"
    )
    ax.tick_params(labelsize=7)
    fig.subplots_adjust(
        left=0.38, right=0.97, top=1 - 0.35 / fig.get_figheight(), bottom=0.35 / fig.get_figheight()
    )
    return fig


def plot_calibration(result: dict[str, Any], attribute: str | None = None):  # noqa: ANN201
    """Reliability curves (mean predicted vs observed fraction) per unsuppressed group."""
    from matplotlib.figure import Figure

    cal = result.get("calibration")
    if not cal:
        from clinical_sft.errors import ConfigError

        raise ConfigError("this report has no calibration data (classification with scores in [0, 1] only)")
    attrs = [attribute] if attribute else _attributes(result)
    ncol = min(3, len(attrs))
    nrow = (len(attrs) + ncol - 1) // ncol
    fig = Figure(figsize=(3.6 * ncol, 3.4 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
    for ax, attr in zip(axes, attrs):
        ax.plot([0, 1], [0, 1], color="#aaa", linestyle=":", linewidth=1)
        for g in cal["groups"]:
            if g["attribute"] != attr:
                continue
            pts = [b for b in g["bins"] if not b["suppressed"]]
            if not pts:
                continue
            ax.plot(
                [b["mean_predicted"] for b in pts],
                [b["fraction_positive"] for b in pts],
                marker="o",
                markersize=3,
                linewidth=1,
                label=str(g["group"]),
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(f"Calibration by {attr}", fontsize=10, loc="left")
        ax.set_xlabel("mean predicted", fontsize=8)
        ax.set_ylabel("observed fraction", fontsize=8)
        ax.tick_params(labelsize=7)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, frameon=False)
    for ax in axes[len(attrs) :]:
        ax.set_visible(False)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.92, wspace=0.3, hspace=0.45)
    return fig


def figure_png_base64(fig: Any, dpi: int = 80) -> str:
    """A figure as a base64 PNG string (Agg canvas; no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


# ---------------------------------------------------------------------- HTML
def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    th = "".join(f'<th class="l">{h}</th>' if i < left else f"<th>{h}</th>" for i, h in enumerate(header))
    body = []
    for r in rows:
        body.append(
            "<tr>"
            + "".join(f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r))
            + "</tr>"
        )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def report_html_body(result: dict[str, Any], plots: bool = True, heading: str = "h2") -> str:
    """HTML fragment (no <html>/<head>) of a report result."""
    labels = _labels(result)
    metrics = list(result["overall"])
    h = heading
    parts = [
        f'<p class="note">Records: {_e(result.get("n_records", "n/a"))}. {_e(_flag_note(result))}</p>',
        f'<p class="note">{_e(_suppression_note(result))}</p>',
    ]
    parts.append(f"<{h}>Flags</{h}>")
    if result.get("flags"):
        parts.append("<ul>" + "".join(f'<li class="flag">{_e(t)}</li>' for t in result["flags"]) + "</ul>")
    else:
        parts.append("<p>No gap has an interval that excludes zero.</p>")
    parts.append(f"<{h}>Overall</{h}>")
    parts.append(
        _table(
            ["Metric", "Value (95% CI)"],
            [[_e(labels.get(m, m)), _e(_fci(e))] for m, e in result["overall"].items()],
        )
    )
    for attr in _attributes(result):
        parts.append(f"<{h}>By {_e(attr)}</{h}>")
        rows = []
        for g in result["groups"]:
            if g["attribute"] != attr:
                continue
            if g["suppressed"]:
                rows.append(
                    [_e(g["group"]), _e(g["n"])] + ['<span class="sup">suppressed</span>'] * len(metrics)
                )
            else:
                rows.append([_e(g["group"]), _e(g["n"])] + [_e(_fci(g["metrics"][m])) for m in metrics])
        parts.append(_table(["Group", "n"] + [_e(labels.get(m, m)) for m in metrics], rows))
    if result.get("attribute_metrics"):
        parts.append(f"<{h}>Fairness measures (unsuppressed groups)</{h}>")
        parts.append(
            _table(
                ["Attribute", "Measure", "Value (95% CI)"],
                [[_e(a["attribute"]), _e(a["metric"]), _e(_fci(a))] for a in result["attribute_metrics"]],
                left=2,
            )
        )
    if result.get("worst_group"):
        parts.append(f"<{h}>Worst group</{h}>")
        parts.append(
            _table(
                ["Attribute", "Metric", "Group", "Value (95% CI)"],
                [
                    [
                        _e(w["attribute"]),
                        _e(labels.get(w["metric"], w["metric"])),
                        _e(w["group"]),
                        _e(_fci(w)),
                    ]
                    for w in result["worst_group"]
                ],
                left=3,
            )
        )
    parts.append(f"<{h}>Gaps against the reference group</{h}>")
    if result["disparities"]:
        rows = []
        for d in result["disparities"]:
            lo, hi = d["ci"]
            ci = "" if lo is None else f" ({_signed(lo)} to {_signed(hi)})"
            flag = '<span class="flag">flagged</span>' if d["flagged"] else ""
            rows.append(
                [
                    _e(d["attribute"]),
                    _e(d["group"]),
                    _e(d["reference"]),
                    _e(labels.get(d["metric"], d["metric"])),
                    _e(_signed(d["difference"]) + ci),
                    _e(_f(d.get("ratio"))),
                    flag,
                ]
            )
        parts.append(
            _table(
                ["Attribute", "Group", "Reference", "Metric", "Difference (95% CI)", "Ratio", "Flag"],
                rows,
                left=4,
            )
        )
    else:
        parts.append("<p>No comparable groups.</p>")
    if plots:
        parts.append(f"<{h}>Plots</{h}>")
        for m in metrics:
            fig = plot_metric_by_group(result, m)
            parts.append(
                f'<img alt="{_e(labels.get(m, m))} by group" src="data:image/png;base64,{figure_png_base64(fig)}">'
            )
        if result.get("calibration"):
            fig = plot_calibration(result)
            parts.append(
                f'<img alt="calibration by group" src="data:image/png;base64,{figure_png_base64(fig)}">'
            )
    return "\n".join(parts)


def report_html(result: dict[str, Any], plots: bool = True, fragment: bool = False) -> str:
    """Self-contained HTML page (or notebook fragment) of a report result."""
    title = f"Subgroup report ({_e(result['task'])})"
    if fragment:
        return f'<div class="csr"><style>{_CSS_FRAGMENT}</style><h3>{title}</h3>{report_html_body(result, plots, "h4")}</div>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1>{report_html_body(result, plots)}</body></html>\n"
    )
