#!/usr/bin/python3
"""Figures of kochmon runs (issue #8): PNGs for one run, several runs (scenario comparison) and
replicates (median with 50% and 90% bands), a tile map of the regions, and sweep figures.

Usage (Debian's /usr/bin/python3 with h5py, numpy, pandas, matplotlib):

    kochmon_plot.py RUN.h5 [RUN2.h5 | SWEEP_DIR ...] -o DIR [--metric NAME]

Runs whose resolved scenarios differ only in the seed are replicates of one scenario and are
drawn as a median line with 50% and 90% bands; different scenarios get different colours. A sweep
directory (summary.csv, runs/*.h5, optional sensitivity.csv) adds its runs and sweep figures;
the runs of a posterior sweep (design.method posterior: draws x seeds) are one group, their
bands credible bands. When a later group has runs paired with the first group's (the same
seeds), a figure shows the paired differences against it (paired_differences.png).
Prints the files written, one a line. Exit codes: 0 ok, 1 failure, 2 bad input.
"""

import argparse
import hashlib
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kochmon_read as kr  # noqa: E402

#: Schematic tile layout of Kyrgyzstan's nine regions: id -> (column, row), row 0 at the top.
#: North: Talas, Bishkek, Chui, Issyk-Kul; centre: Jalal-Abad, Naryn; south: Batken, Osh city,
#: Osh oblast. Regions not listed (other scenarios) are laid out in rows below.
TILE_LAYOUT = {
    "talas": (0, 0), "bishkek": (1, 0), "chui": (2, 0), "issyk_kul": (3, 0),
    "jalal_abad": (1, 1), "naryn": (2, 1),
    "batken": (0, 2), "osh_city": (1, 2), "osh_oblast": (2, 2),
}
TILE_NAMES = {
    "talas": "Talas", "bishkek": "Bishkek", "chui": "Chui", "issyk_kul": "Issyk-Kul",
    "jalal_abad": "Jalal-Abad", "naryn": "Naryn", "batken": "Batken", "osh_city": "Osh city",
    "osh_oblast": "Osh oblast",
}
DEFAULT_METRIC = "share_households_abroad"
MAX_PANELS = 4
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


class BadInput(Exception):
    pass


# --- runs and scenario groups -------------------------------------------------------------------

class Run:
    def __init__(self, path, group=None):
        self.path = path
        try:
            self.meta = kr.read_meta(path)
        except (OSError, kr.NotAKochmonRun) as e:
            raise BadInput(f"{path}: {e}") from e
        scenario = self.meta.get("scenario", "")
        # Replicates: the same resolved scenario but the seed.
        key_text = re.sub(r"(?m)^seed:.*$", "", scenario)
        self.key = group or hashlib.sha1(key_text.encode()).hexdigest()
        self.posterior = group is not None
        self.series = kr.list_series(path)


class Group:
    """Runs of one scenario (replicates, if more than one)."""

    def __init__(self, runs, label, color):
        self.runs, self.label, self.color = runs, label, color

    def stack(self, fn):
        """fn(path) -> (months, values[T] or [T, k]); returns (months, array[runs, T, ...])
        cut to the shortest run."""
        results = [fn(r.path) for r in self.runs]
        n = min(len(m) for m, _ in results)
        return results[0][0][:n], np.stack([np.asarray(v)[:n] for _, v in results])

    def has(self, name):
        return all(name in r.series for r in self.runs)


def expand_inputs(inputs):
    """(run files, sweep directories) from the command line."""
    files, sweeps = [], []
    for item in inputs:
        if os.path.isdir(item):
            summary, sens, runs = kr.read_sweep(item)
            if summary is None and sens is None and not runs:
                raise BadInput(f"{item}: not a sweep directory (no summary.csv, "
                               "sensitivity.csv or runs/*.h5)")
            sweeps.append(item)
            # A posterior sweep's runs are one group (draws x seeds), keyed by its directory.
            post = kr.posterior_sweep(item)
            files.extend((r, "posterior:" + os.path.abspath(item)) if post else r for r in runs)
        elif os.path.isfile(item):
            files.append(item)
        else:
            raise BadInput(f"{item}: no such file or directory")
    return files, sweeps


def group_runs(runs, base=None):
    """Scenario groups in order of first appearance, labelled by scenario name (and, where
    names repeat, by the first scenario keys that differ from the first group)."""
    order, by_key = [], {}
    for r in runs:
        if r.key not in by_key:
            by_key[r.key] = []
            order.append(r.key)
        by_key[r.key].append(r)
    names = [by_key[k][0].meta.get("scenario_name", "run")
             + (" (posterior)" if by_key[k][0].posterior else "") for k in order]
    ref_run = base if base else by_key[order[0]][0]
    ref, ref_values = ref_run.meta.get("scenario", ""), ref_run.meta.get("scenario_values")
    groups = []
    for i, k in enumerate(order):
        label = names[i]
        if by_key[k][0].posterior and names.count(label) > 1:
            label += f" #{i + 1}"
        elif names.count(label) > 1:
            diff = kr.scenario_diff(ref, by_key[k][0].meta.get("scenario", ""), ignore=("seed",),
                                    base_values=ref_values,
                                    values=by_key[k][0].meta.get("scenario_values"))
            if diff:
                key, _, value = diff[0]
                if isinstance(value, str) and len(value) > 16:
                    value = "…"
                short = key.split(".")[-1] if len(key) > 28 else key
                label += f" ({short}={value}" + (f", +{len(diff) - 1}" if len(diff) > 1 else "") + ")"
            elif i:
                label += f" #{i + 1}"
        groups.append(Group(by_key[k], label, COLORS[i % len(COLORS)]))
    return groups


# --- helpers ------------------------------------------------------------------------------------

def human(x, _pos=None):
    a = abs(x)
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def annual(months, values):
    """Monthly flows -> calendar-year totals; values [..., T, ...] with time on axis 1 (after
    runs). Keeps only complete years when there is at least one."""
    years = np.array([int(str(m)[:4]) for m in months])
    uniq = sorted(set(years))
    full = [y for y in uniq if np.sum(years == y) == 12]
    uniq = full or uniq
    out = np.stack([np.nansum(values[:, years == y], axis=1) for y in uniq], axis=1)
    return np.array(uniq, dtype=float) + 0.5, out


def draw(ax, x, arr, color, label):
    """One line (one run) or the median with 50% and 90% bands (replicates, or posterior draws
    x seeds). arr: [runs, T]."""
    arr = np.asarray(arr, dtype=float)
    if arr.shape[0] == 1:
        ax.plot(x, arr[0], color=color, label=label, lw=1.6)
    else:
        q05, q25, med, q75, q95 = np.nanpercentile(arr, [5, 25, 50, 75, 95], axis=0)
        ax.fill_between(x, q05, q95, color=color, alpha=0.15, lw=0)
        ax.fill_between(x, q25, q75, color=color, alpha=0.3, lw=0)
        ax.plot(x, med, color=color, lw=1.6,
                label=f"{label} (median of {arr.shape[0]}, 50% and 90%)")


def finish(fig, out, name, title):
    fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    path = os.path.join(out, name)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def style(ax, title=None, ylabel=None):
    if title:
        ax.set_title(title, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(human))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)


def legend(fig, axes, groups):
    handles, labels = [], []
    for ax in np.ravel(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        np.ravel(axes)[0].legend(handles, labels, fontsize=8, loc="best")


def grid(n, ncols=3, size=(4.2, 3.0)):
    ncols = min(ncols, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows + 0.6),
                             squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def internal_destinations(path):
    foreign = set(kr.foreign_destinations(path))
    _, _, dest = kr.series_total(path, "stock", keep="destination")
    return [d for d in dest if d not in foreign]


# --- the figures --------------------------------------------------------------------------------

def fig_stock_destination(groups, out):
    if not all(g.has("stock") for g in groups):
        return None
    first = groups[0].runs[0].path
    dests = kr.foreign_destinations(first)
    panels = dests + (["internal (another region)"] if internal_destinations(first) else [])
    fig, axes = grid(len(panels) + 1, ncols=min(3, len(panels) + 1))
    for g in groups:
        months, total = g.stack(lambda p: kr.series_total(
            p, "stock", where={"destination": kr.foreign_destinations(p)})[:2])
        draw(axes[0], kr.decimal_years(months), total, g.color, g.label)
        for ax, d in zip(axes[1:], panels):
            if d in dests:
                fn = (lambda p, d=d: kr.series_total(p, "stock", where={"destination": [d]})[:2])
            else:
                fn = (lambda p: kr.series_total(p, "stock",
                                                where={"destination": internal_destinations(p)})[:2])
            months, v = g.stack(fn)
            draw(ax, kr.decimal_years(months), v, g.color, g.label)
    style(axes[0], "all destinations abroad", "persons")
    for ax, d in zip(axes[1:], panels):
        style(ax, d, "persons")
    legend(fig, axes[:1], groups)
    return finish(fig, out, "stock_by_destination.png", "Migrant stock by destination (end of month)")


def fig_stock_origin(groups, out):
    if not all(g.has("stock") for g in groups):
        return None
    shown = groups[:MAX_PANELS]
    fig, axes = grid(len(shown), ncols=2, size=(6.0, 3.8))
    top = 0
    for ax, g in zip(axes, shown):
        regions = None

        def fn(p):
            nonlocal regions
            months, v, regions = kr.series_total(
                p, "stock", keep="region", where={"destination": kr.foreign_destinations(p)})
            return months, v
        months, v = g.stack(fn)
        med = np.nanmedian(v, axis=0)  # [T, regions]
        x = kr.decimal_years(months)
        colors = plt.get_cmap("tab10")(np.arange(len(regions)) % 10)
        ax.stackplot(x, med.T, labels=[TILE_NAMES.get(r, r) for r in regions], colors=colors,
                     alpha=0.9)
        top = max(top, float(np.nanmax(med.sum(axis=1))) if med.size else 0)
        style(ax, g.label + (f" (median of {len(g.runs)})" if len(g.runs) > 1 else ""), "persons")
    for ax in axes[:len(shown)]:
        ax.set_ylim(0, top * 1.05 or 1)
    axes[0].legend(fontsize=7, loc="upper left", ncol=2)
    return finish(fig, out, "stock_by_origin.png", "Migrant stock abroad by origin region (stacked)")


def fig_departures_returns(groups, out):
    names = [n for n in ("departures", "returns") if all(g.has(n) for g in groups)]
    if not names:
        return None
    fig, axes = grid(len(names), ncols=2, size=(6.0, 3.8))
    for ax, name in zip(axes, names):
        for g in groups:
            months, v = g.stack(lambda p, name=name: kr.series_total(
                p, name, where={"destination": kr.foreign_destinations(p)})[:2])
            x, y = annual(months, v)
            draw(ax, x, y, g.color, g.label)
        style(ax, f"{name} (abroad)", "persons / year")
    legend(fig, axes[:1], groups)
    return finish(fig, out, "departures_returns.png", "Departures and returns, abroad (per year)")


def fig_remittances(groups, out):
    if not all(g.has("remittances_usd") for g in groups):
        return None
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for g in groups:
        months, v = g.stack(lambda p: kr.series_total(p, "remittances_usd")[:2])
        x, y = annual(months, v)
        draw(axes[0], x, y, g.color, g.label)
    style(axes[0], "remittances received, all regions", "USD / year")
    axes[0].legend(fontsize=8)
    g = groups[0]
    regions = []

    def fn(p):
        months, v, labels = kr.series_total(p, "remittances_usd", keep="region")
        regions[:] = labels
        return months, v
    months, v = g.stack(fn)
    x, y = annual(months, v)                       # [runs, years, regions]
    y = np.nanmedian(y, axis=0)
    tot = y.sum(axis=1, keepdims=True)
    share = np.divide(y, tot, out=np.zeros_like(y), where=tot > 0)
    colors = plt.get_cmap("tab10")(np.arange(len(regions)) % 10)
    axes[1].stackplot(x, share.T * 100, labels=[TILE_NAMES.get(r, r) for r in regions],
                      colors=colors, alpha=0.9)
    axes[1].set_ylim(0, 100)
    axes[1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].set_title(f"share of the total by region, % ({g.label})", fontsize=10)
    axes[1].grid(alpha=0.3)
    axes[1].tick_params(labelsize=8)
    axes[1].legend(fontsize=7, loc="lower left", ncol=3)
    return finish(fig, out, "remittances.png", "Remittances (USD and share of the total)")


def net_internal(path):
    """(months, [T, regions] in-moves minus out-moves, regions) of internal_moves."""
    values, axes, labels = kr.read_series(path, "internal_moves")
    n = kr.done_steps(path)
    values = np.nan_to_num(values[:n])
    i_o, i_r = axes.index("origin_region"), axes.index("region")
    v = np.moveaxis(values, (i_o, i_r), (1, 2))
    v = v.reshape(v.shape[0], v.shape[1], v.shape[2], -1).sum(axis=3)
    k = min(v.shape[1], v.shape[2])
    idx = np.arange(k)
    v[:, idx, idx] = 0
    net = v.sum(axis=1) - v.sum(axis=2)  # inflow to region - outflow from it
    return labels["time"][:n], net, labels["region"]


def fig_internal(groups, out):
    if not all(g.has("internal_moves") for g in groups):
        return None
    regions = net_internal(groups[0].runs[0].path)[2]
    fig, axes = grid(len(regions), ncols=3, size=(4.0, 2.6))
    for g in groups:
        months, v = g.stack(lambda p: net_internal(p)[:2])
        x, y = annual(months, v)
        for j, ax in enumerate(axes[:len(regions)]):
            draw(ax, x, y[:, :, j], g.color, g.label)
    for ax, r in zip(axes, regions):
        style(ax, TILE_NAMES.get(r, r), "persons / year")
        ax.axhline(0, color="black", lw=0.6)
    legend(fig, axes[:1], groups)
    return finish(fig, out, "internal_migration.png",
                  "Internal net migration by region (arrivals - departures, per year)")


def fig_bans(groups, out):
    specs = [("active_bans", "active entry bans (end of month)", "persons", False),
             ("new_bans", "new bans", "persons / year", True),
             ("expulsions", "expulsions", "persons / year", True)]
    specs = [s for s in specs if all(g.has(s[0]) for g in groups)]
    if not specs:
        return None
    fig, axes = grid(len(specs), ncols=3, size=(4.4, 3.4))
    for ax, (name, title, unit, flow) in zip(axes, specs):
        for g in groups:
            months, v = g.stack(lambda p, name=name: kr.series_total(p, name)[:2])
            if flow:
                x, y = annual(months, v)
            else:
                x, y = kr.decimal_years(months), v
            draw(ax, x, y, g.color, g.label)
        style(ax, title, unit)
    legend(fig, axes[:1], groups)
    return finish(fig, out, "bans_expulsions.png", "Entry bans and expulsions (all destinations)")


def region_metric(path, metric):
    """(value per region at the last month, regions, unit text) for the map."""
    if metric == "net_internal":
        months, v, regions = net_internal(path)
        return v[-12:].sum(axis=0), regions, "net internal migration, last 12 months (persons)"
    series = kr.list_series(path)
    if metric not in series:
        raise BadInput(f"{path}: no series {metric!r} for the map; known: "
                       + ", ".join(sorted(series)) + ", net_internal")
    unit, axes = series[metric]
    if "region" not in axes:
        raise BadInput(f"{metric!r} has no region axis (axes: {','.join(axes)})")
    where = {"destination": kr.foreign_destinations(path)} if metric == "stock" else None
    months, v, regions = kr.series_total(path, metric, keep="region", where=where)
    if unit.endswith("/month"):
        return v[-12:].sum(axis=0), regions, f"{metric}, last 12 months ({unit[:-6]})"
    return v[-1], regions, f"{metric} at {months[-1]} ({unit})"


def tile_positions(regions):
    pos, extra = {}, 0
    rows = max((r for _, r in TILE_LAYOUT.values()), default=-1) + 1
    for reg in regions:
        if reg in TILE_LAYOUT:
            pos[reg] = TILE_LAYOUT[reg]
        else:
            pos[reg] = (extra % 4, rows + extra // 4)
            extra += 1
    if not any(r in TILE_LAYOUT for r in regions):  # a scenario of other regions: plain grid
        pos = {reg: (i % 4, i // 4) for i, reg in enumerate(regions)}
    return pos


def fig_map(groups, out, metric=None):
    first = groups[0].runs[0].path
    if metric is None:
        metric = DEFAULT_METRIC if DEFAULT_METRIC in kr.list_series(first) else "stock"
    shown = groups[:MAX_PANELS]
    data = []
    for g in shown:
        vals = []
        for r in g.runs:
            v, regions, what = region_metric(r.path, metric)
            vals.append(v)
        data.append((g, np.nanmedian(np.stack(vals), axis=0), regions, what))
    vmin = min(float(np.nanmin(d[1])) for d in data)
    vmax = max(float(np.nanmax(d[1])) for d in data)
    if vmax <= vmin:
        vmax = vmin + 1
    cmap = plt.get_cmap("viridis")
    fig, axes = grid(len(shown), ncols=2, size=(5.6, 4.0))
    for ax, (g, v, regions, what) in zip(axes, data):
        pos = tile_positions(regions)
        for reg, val in zip(regions, v):
            c, r = pos[reg]
            frac = (val - vmin) / (vmax - vmin) if np.isfinite(val) else 0
            color = cmap(frac)
            ax.add_patch(plt.Rectangle((c, -r), 0.94, 0.94, facecolor=color, edgecolor="white"))
            text_color = "white" if frac < 0.6 else "black"
            ax.text(c + 0.47, -r + 0.6, TILE_NAMES.get(reg, reg), ha="center", va="center",
                    fontsize=7, color=text_color, weight="bold")
            ax.text(c + 0.47, -r + 0.32, human(val) if abs(val) >= 1 else f"{val:.3f}",
                    ha="center", va="center", fontsize=8, color=text_color)
        cols = max(c for c, _ in pos.values()) + 1
        rows = max(r for _, r in pos.values()) + 1
        ax.set_xlim(-0.1, cols + 0.05)
        ax.set_ylim(-rows + 0.9, 1.05)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(g.label + (f" (median of {len(g.runs)})" if len(g.runs) > 1 else ""),
                     fontsize=10)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(vmin, vmax))
    fig.colorbar(sm, ax=list(axes[:len(shown)]), shrink=0.8, format=FuncFormatter(human))
    fig.suptitle(f"Regions: {data[0][3]}", fontsize=12)
    path = os.path.join(out, "region_map.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def fig_sweep(summary, out, tag=""):
    """One figure per swept parameter: each metric against it (runs as dots, median line)."""
    paths = []
    if summary is None or summary.empty:
        return paths
    if "status" in summary.columns:
        summary = summary[summary["status"].astype(str).str.lower().isin(["ok", "done", "0"])] \
            if summary["status"].astype(str).str.lower().isin(["ok", "done", "0"]).any() else summary
    params, metrics = kr.sweep_columns(summary)
    metrics = metrics[:6]
    for p in params:
        if not metrics or not np.issubdtype(summary[p].dtype, np.number):
            continue
        fig, axes = grid(len(metrics), ncols=3, size=(4.2, 3.2))
        for ax, m in zip(axes, metrics):
            ax.scatter(summary[p], summary[m], s=12, alpha=0.6, color=COLORS[0])
            med = summary.groupby(p)[m].median()
            ax.plot(med.index, med.values, color=COLORS[1], lw=1.5, label="median")
            style(ax, m)
            ax.set_xlabel(p, fontsize=8)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", p)
        paths.append(finish(fig, out, f"sweep{tag}_{safe}.png", f"Sweep: metrics against {p}"))
    return paths


def fig_sobol(sens, out, tag=""):
    if sens is None or sens.empty or not {"metric", "parameter", "S1", "ST"} <= set(sens.columns):
        return None
    metrics = list(dict.fromkeys(sens["metric"]))[:6]
    fig, axes = grid(len(metrics), ncols=2, size=(6.0, 3.4))
    for ax, m in zip(axes, metrics):
        d = sens[sens["metric"] == m]
        x = np.arange(len(d))
        for off, col, color in ((-0.2, "S1", COLORS[0]), (0.2, "ST", COLORS[1])):
            err = None
            if f"{col}_lo" in d and f"{col}_hi" in d:
                err = np.abs(np.vstack([d[col] - d[f"{col}_lo"], d[f"{col}_hi"] - d[col]]))
            ax.bar(x + off, d[col], width=0.4, yerr=err, capsize=3, color=color,
                   label="first order (S1)" if col == "S1" else "total (ST)")
        ax.set_xticks(x)
        ax.set_xticklabels([str(p).split(".")[-1] for p in d["parameter"]], rotation=30,
                           ha="right", fontsize=8)
        ax.set_title(m, fontsize=10)
        ax.set_ylim(min(0, float(np.nanmin(d[["S1", "ST"]].values)) - 0.05), 1.05)
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend(fontsize=8)
    return finish(fig, out, f"sobol{tag}.png", "Sobol sensitivity indices (bars: 95% interval)")


def paired(base, group):
    """The runs of `group` and `base` in pairs with the same seed (each seed once in each), or
    None when they do not pair (the same seeds: the same draws and seeds in paired sweeps)."""
    a = {r.meta.get("seed"): r for r in base.runs}
    b = {r.meta.get("seed"): r for r in group.runs}
    if len(a) != len(base.runs) or len(b) != len(group.runs) or set(a) != set(b) or len(a) < 2:
        return None
    return [(a[s], b[s]) for s in sorted(a)]


PAIRED_SERIES = [("stock", "stock abroad, mean of the year", "mean"),
                 ("departures", "departures abroad per year", "sum"),
                 ("returns", "returns from abroad per year", "sum"),
                 ("remittances_usd", "remittances, USD per year", "sum")]


def paired_annual(path, name, how):
    where = {"destination": kr.foreign_destinations(path)} if name != "remittances_usd" else None
    months, v = kr.series_total(path, name, where=where)[:2] if where else \
        kr.series_total(path, name)[:2]
    x, y = annual(months, np.asarray(v, dtype=float)[None, :])
    if how == "mean":
        y = y / 12.0
    return x, y[0]


def fig_paired(groups, out):
    """Paired differences (group - first group, run by run with the same seed) of the key
    series per year: median with 50% and 90% bands."""
    pairs = [(g, paired(groups[0], g)) for g in groups[1:]]
    pairs = [(g, p) for g, p in pairs if p]
    names = [n for n in PAIRED_SERIES if all(g.has(n[0]) for g in groups)]
    if not pairs or not names:
        return None
    fig, axes = grid(len(names), ncols=2, size=(6.0, 3.6))
    for ax, (name, title, how) in zip(axes, names):
        for g, p in pairs:
            rows = []
            for a, b in p:
                xa, ya = paired_annual(a.path, name, how)
                xb, yb = paired_annual(b.path, name, how)
                n = min(len(ya), len(yb))
                rows.append(yb[:n] - ya[:n])
                x = xa[:n]
            n = min(len(r) for r in rows)
            draw(ax, x[:n], np.stack([r[:n] for r in rows]), g.color, f"{g.label} - {groups[0].label}")
        ax.axhline(0, color="#444", lw=0.8)
        style(ax, title, "difference")
    legend(fig, axes[:1], groups)
    return finish(fig, out, "paired_differences.png",
                  f"Paired differences against {groups[0].label} (same seeds and draws)")


RUN_FIGURES = [
    ("stock_by_destination", "Migrant stock by destination", fig_stock_destination),
    ("stock_by_origin", "Migrant stock by origin region", fig_stock_origin),
    ("departures_returns", "Departures and returns", fig_departures_returns),
    ("remittances", "Remittances", fig_remittances),
    ("internal_migration", "Internal net migration by region", fig_internal),
    ("bans_expulsions", "Bans and expulsions", fig_bans),
    ("paired_differences", "Paired differences against the first scenario", fig_paired),
]


def make_figures(inputs, out, metric=None, base=None):
    """Write every figure for the inputs into `out`. Returns (figures, groups, sweeps) where
    figures is a list of (title, path)."""
    os.makedirs(out, exist_ok=True)
    files, sweeps = expand_inputs(inputs)
    runs = [Run(*p) if isinstance(p, tuple) else Run(p) for p in files]
    base_run = Run(base) if base else None
    figures = []
    groups = group_runs(runs, base_run) if runs else []
    if groups:
        for _, title, fn in RUN_FIGURES:
            path = fn(groups, out)
            if path:
                figures.append((title, path))
        figures.append(("Regional map", fig_map(groups, out, metric)))
    for i, d in enumerate(sweeps):
        summary, sens, _ = kr.read_sweep(d)
        tag = f"_{i + 1}" if len(sweeps) > 1 else ""
        for path in fig_sweep(summary, out, tag):
            figures.append((f"Sweep {os.path.basename(os.path.normpath(d))}: "
                            + os.path.basename(path)[:-4].split("_", 1)[-1], path))
        path = fig_sobol(sens, out, tag)
        if path:
            figures.append(("Sobol indices", path))
    if not figures:
        raise BadInput("nothing to plot: give result files (.h5) or sweep directories")
    return figures, groups, sweeps


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kochmon plot", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="result files (.h5) and sweep directories")
    ap.add_argument("-o", "--out", required=True, help="output directory for the PNGs")
    ap.add_argument("--metric", default=None,
                    help=f"series for the regional map (default {DEFAULT_METRIC}; "
                         "or net_internal)")
    args = ap.parse_args(argv)
    try:
        figures, _, _ = make_figures(args.inputs, args.out, args.metric)
    except BadInput as e:
        print(f"kochmon plot: error: {e}", file=sys.stderr)
        return 2
    for _, path in figures:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
