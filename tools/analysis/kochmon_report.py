#!/usr/bin/python3
"""One self-contained HTML report of kochmon runs and sweeps (issue #8).

Usage (Debian's /usr/bin/python3 with h5py, numpy, pandas, matplotlib):

    kochmon_report.py RUN.h5 [RUN2.h5 | SWEEP_DIR ...] -o report.html [--base BASE.h5]
                      [--metric NAME]

Sections: Key figures (first / peak / last of the key series, with 90% bands over replicates or
posterior draws, and the figures of kochmon_plot, paired differences among them), Scenario
summary (what changed against the base, --base else the first run: raw keys, and series by the
values the model reads, only the years that differ), Validation
(the /validation group, where the runs have one), Sweep (for sweep directories) and Provenance
(files, run ids, seeds, versions). Figures are embedded as base64 PNGs; there are no external
resources. On load, a script sets <html data-images="ok N/N"> once every image has decoded
(the test suite checks it in headless Chromium). Exit codes: 0 ok, 1 failure, 2 bad input.
"""

import argparse
import base64
import datetime
import html
import os
import platform
import sys
import tempfile

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kochmon_plot as kp  # noqa: E402
import kochmon_read as kr  # noqa: E402

KEY_SERIES = ["stock_abroad", "stock", "departures", "returns", "expulsions", "active_bans",
              "remittances_usd", "internal_moves", "share_households_abroad",
              "unemployment_rate", "poverty_rate", "population_home", "mean_income_som"]

CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1200px;color:#222;line-height:1.4;padding:0 1em}
h1{border-bottom:2px solid #2c6e9b;padding-bottom:.2em}
h2{color:#2c6e9b;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.8em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef3f7} td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2em 0} figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#555} .note{color:#666;font-style:italic}
code{background:#f4f4f4;padding:0 .2em}
"""

SCRIPT = """
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++)
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  document.documentElement.setAttribute('data-images',
      (ok === imgs.length ? 'ok ' : 'broken ') + ok + '/' + imgs.length);
});
"""


def esc(x):
    return html.escape(str(x))


def fmt(v):
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "-"
        if v != 0 and (abs(v) < 0.01 or abs(v) >= 1e6):
            return f"{v:.4g}"
        return f"{v:,.4g}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(v)


def table(rows, header, numeric=()):
    out = ["<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header)
           + "</tr></thead><tbody>"]
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = ' class="n"' if i in numeric or isinstance(v, (int, float, np.number)) else ""
            cells.append(f"<td{cls}>{esc(fmt(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def frame_table(df):
    return table(df.itertuples(index=False), list(df.columns))


def key_summary(path):
    """{series: (unit, how, first, peak, peak_month, last)} with stock_abroad added."""
    df = kr.key_series_summary(path)
    out = {r.series: (r.unit, getattr(r, "how", ""), r.first, r.peak, r.peak_month, r.last)
           for r in df.itertuples()}
    if "stock" in out:
        months, v, _ = kr.series_total(path, "stock",
                                       where={"destination": kr.foreign_destinations(path)})
        if len(v):
            i = int(np.nanargmax(v))
            out["stock_abroad"] = ("persons", "sum", v[0], v[i], months[i], v[-1])
    return out


def section_summary(groups, base_run):
    parts = ["<h2 id='summary'>Scenario summary</h2>"]
    rows = []
    for g in groups:
        m = g.runs[0].meta
        seeds = ", ".join(str(r.meta.get("seed")) for r in g.runs)
        months = kr.read_series(g.runs[0].path, next(iter(g.runs[0].series)))[2]["time"]
        rows.append((g.label, m.get("scenario_name", ""), len(g.runs), seeds, m.get("scale"),
                     f"{months[0]} .. {months[-1]}" if months else "",
                     ", ".join(kr.foreign_destinations(g.runs[0].path))))
    parts.append(table(rows, ["scenario", "name", "runs", "seeds", "scale", "period",
                              "destinations abroad"]))
    base_text = base_run.meta.get("scenario", "")
    base_name = os.path.basename(base_run.path)
    parts.append(f"<h3>What changed against base</h3><p>Base: <code>{esc(base_name)}</code> "
                 f"({esc(base_run.meta.get('scenario_name', ''))}); the resolved scenarios "
                 "(<code>/meta/scenario</code>) compared key by key, seeds left out, and every "
                 "series by the values the model reads (<code>/meta/scenario_values</code>, "
                 "yearly means): only the years that differ are shown, and a CSV reference "
                 "equals its inline copy.</p>")
    if kr.flatten_scenario(base_text) is None:
        parts.append("<p class='note'>PyYAML is not installed: a line diff is shown.</p>")
    for g in groups:
        diff = kr.scenario_diff(base_text, g.runs[0].meta.get("scenario", ""), ignore=("seed",),
                                base_values=base_run.meta.get("scenario_values"),
                                values=g.runs[0].meta.get("scenario_values"))
        parts.append(f"<h4>{esc(g.label)}</h4>")
        if not diff:
            parts.append("<p class='note'>Same scenario as the base.</p>")
        else:
            shown = diff[:60]
            parts.append(table([(k, a, b) for k, a, b in shown], ["key", "base", "this scenario"]))
            if len(diff) > len(shown):
                parts.append(f"<p class='note'>... and {len(diff) - len(shown)} more keys.</p>")
    return "\n".join(parts)


def section_key_figures(groups, figures):
    parts = ["<h2 id='key'>Key figures</h2>",
             "<p>Totals over regions and destinations (rates and shares: averages over regions); "
             "flows per month. With replicates (or the runs of a posterior sweep): the median "
             "over runs and its 90% band [5%, 95%]; the figures draw 50% and 90% bands. "
             "<code>stock_abroad</code> counts destinations abroad only.</p>"]
    sums = [[key_summary(r.path) for r in g.runs] for g in groups]
    header = ["series", "unit"]
    for g in groups:
        header += [f"{g.label}: first", "peak", "(month)", "last"]
    rows = []
    for name in KEY_SERIES:
        if not all(name in s for per in sums for s in per):
            continue
        row = [name, sums[0][0][name][0]]
        for per in sums:
            vals = np.array([[s[name][2], s[name][3], s[name][5]] for s in per], dtype=float)
            months = sorted(s[name][4] for s in per)
            if len(per) > 1:  # median [90% band] over replicates or posterior draws x seeds
                q05, med, q95 = np.nanpercentile(vals, [5, 50, 95], axis=0)
                cells = [f"{fmt(med[i])} [{fmt(q05[i])}, {fmt(q95[i])}]" for i in range(3)]
                row += [cells[0], cells[1], months[len(months) // 2], cells[2]]
            else:
                row += [vals[0][0], vals[0][1], months[0], vals[0][2]]
        rows.append(row)
    parts.append(table(rows, header))
    for title, path in figures:
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        parts.append(f"<figure><img alt='{esc(title)}' src='data:image/png;base64,{data}'>"
                     f"<figcaption>{esc(title)}</figcaption></figure>")
    return "\n".join(parts)


def section_validation(groups):
    parts = ["<h2 id='validation'>Validation</h2>"]
    found = False
    for g in groups:
        for r in g.runs[:1]:
            v = kr.read_validation(r.path)
            if v is None:
                continue
            found = True
            parts.append(f"<h4>{esc(g.label)} ({esc(os.path.basename(r.path))})</h4>")
            if v.attrs:
                parts.append(table(sorted(v.attrs.items()), ["attribute", "value"]))
            parts.append(frame_table(v) if not v.empty else
                         "<p class='note'>The validation group holds no targets.</p>")
    if not found:
        parts.append("<p class='note'>No validation targets in these runs "
                     "(no <code>/validation</code> group).</p>")
    return "\n".join(parts)


def section_sweeps(sweeps):
    if not sweeps:
        return ""
    parts = ["<h2 id='sweep'>Sweep</h2>"]
    for d in sweeps:
        summary, sens, runs = kr.read_sweep(d)
        parts.append(f"<h3>{esc(os.path.basename(os.path.normpath(d)))}</h3>")
        if summary is not None:
            params, metrics = kr.sweep_columns(summary)
            status = (", ".join(f"{k}: {v}" for k, v in summary["status"].value_counts().items())
                      if "status" in summary else "")
            points = summary["point_id"].nunique() if "point_id" in summary else len(summary)
            parts.append(table([(len(summary), points, status, ", ".join(params),
                                 ", ".join(metrics), len(runs))],
                               ["runs", "points", "status", "parameters", "metrics",
                                "result files"]))
            if metrics:
                desc = summary[metrics].describe(percentiles=[0.1, 0.5, 0.9]).T
                desc = desc[["count", "mean", "10%", "50%", "90%"]].reset_index()
                parts.append(frame_table(desc.rename(columns={"index": "metric"})))
        else:
            parts.append("<p class='note'>No summary.csv.</p>")
        if sens is not None:
            parts.append("<h4>Sensitivity (Sobol indices)</h4>")
            parts.append(frame_table(sens))
    return "\n".join(parts)


def section_provenance(runs, base_run, sweeps):
    parts = ["<h2 id='provenance'>Provenance</h2>"]
    rows = []
    for r in runs + ([base_run] if base_run and base_run not in runs else []):
        m = r.meta
        rows.append((os.path.abspath(r.path), m.get("scenario_name"), m.get("run_id"),
                     m.get("seed"), m.get("scale"), m.get("kochmon_version"), m.get("git_sha"),
                     m.get("format_version"), m.get("threads"), m.get("wall_seconds"),
                     f"{m.get('steps_done')}/{m.get('n_steps')}"))
    parts.append(table(rows, ["file", "scenario", "run id", "seed", "scale", "kochmon", "git",
                              "format", "threads", "wall s", "months"]))
    if sweeps:
        parts.append("<p>Sweep directories: " + ", ".join(f"<code>{esc(os.path.abspath(d))}</code>"
                                                         for d in sweeps) + "</p>")
    import matplotlib
    parts.append(f"<p class='note'>Report written {esc(datetime.datetime.now().isoformat(timespec='seconds'))} "
                 f"by kochmon_report.py (Python {esc(platform.python_version())}, "
                 f"matplotlib {esc(matplotlib.__version__)}, pandas {esc(pd.__version__)}).</p>")
    return "\n".join(parts)


def build(inputs, out, base=None, metric=None):
    with tempfile.TemporaryDirectory(prefix="kochmon-report-") as tmp:
        figures, groups, sweeps = kp.make_figures(inputs, tmp, metric, base)
        runs = [r for g in groups for r in g.runs]
        base_run = kp.Run(base) if base else (runs[0] if runs else None)
        title = "kochmon report: " + (", ".join(dict.fromkeys(g.label for g in groups))
                                      if groups else "sweep")
        body = [f"<h1>{esc(title)}</h1>",
                "<p><a href='#key'>Key figures</a> · <a href='#summary'>Scenario summary</a> · "
                "<a href='#validation'>Validation</a>"
                + (" · <a href='#sweep'>Sweep</a>" if sweeps else "")
                + " · <a href='#provenance'>Provenance</a></p>"]
        if groups:
            # The key figures lead; what changed follows them.
            run_figs = [f for f in figures if not os.path.basename(f[1]).startswith(("sweep", "sobol"))]
            body.append(section_key_figures(groups, run_figs))
            body.append(section_summary(groups, base_run))
            body.append(section_validation(groups))
        else:
            body.append("<h2 id='summary'>Scenario summary</h2><p class='note'>No result files "
                        "(a sweep without runs/*.h5).</p><h2 id='key'>Key figures</h2>"
                        "<h2 id='validation'>Validation</h2><p class='note'>No runs.</p>")
        if sweeps:
            body.append(section_sweeps(sweeps))
            for t, path in figures:
                if os.path.basename(path).startswith(("sweep", "sobol")):
                    with open(path, "rb") as f:
                        data = base64.b64encode(f.read()).decode("ascii")
                    body.append(f"<figure><img alt='{esc(t)}' src='data:image/png;base64,{data}'>"
                                f"<figcaption>{esc(t)}</figcaption></figure>")
        body.append(section_provenance(runs, base_run, sweeps))
    page = ("<!DOCTYPE html>\n<html lang='en' data-images='pending'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body></html>\n")
    tmp_out = out + ".tmp"
    with open(tmp_out, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp_out, out)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kochmon report", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="result files (.h5) and sweep directories")
    ap.add_argument("-o", "--out", required=True, help="the HTML file to write")
    ap.add_argument("--base", help="the run the scenarios are compared with (default: the first)")
    ap.add_argument("--metric", help="series for the regional map")
    args = ap.parse_args(argv)
    try:
        print(build(args.inputs, args.out, args.base, args.metric))
    except kp.BadInput as e:
        print(f"kochmon report: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
