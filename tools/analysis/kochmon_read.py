"""Read kochmon result files (output/FORMAT.md) with h5py, numpy and pandas.

Run with /usr/bin/python3. Axis names and labels come from the dimension scales stored in the
file, never from a list written here, so a series the engine adds later reads the same way.

    import kochmon_read as kr
    meta = kr.read_meta("runs/base/seed-7.h5")
    values, axes, labels = kr.read_series("runs/base/seed-7.h5", "stock")
    df = kr.series_frame("runs/base/seed-7.h5", "stock")   # month, region, destination, value
"""

import re

import h5py
import numpy as np
import pandas as pd

FILETYPE = "kochmon-run"
FORMAT_MAJOR = 1


class NotAKochmonRun(ValueError):
    """The file is HDF5 but not a kochmon run this reader understands."""


def _text(value):
    """h5py gives str for variable-length strings and bytes for fixed-length ones."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return value


def _plain(value):
    value = _text(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_filetype(f):
    """Raise NotAKochmonRun unless the open h5py.File is a kochmon run of a known major version."""
    filetype = _text(f.attrs.get("filetype"))
    if filetype != FILETYPE:
        raise NotAKochmonRun(f"{f.filename}: not a kochmon result file (filetype {filetype!r})")
    version = _text(f.attrs.get("format_version", ""))
    if version.split(".")[0] != str(FORMAT_MAJOR):
        raise NotAKochmonRun(f"{f.filename}: format_version {version!r} is not supported")


def read_meta(path):
    """Root and /meta attributes as plain Python values, plus the resolved scenario YAML
    ("scenario") and its series as the model reads them ("scenario_values", when present)."""
    with h5py.File(path, "r") as f:
        check_filetype(f)
        meta = {k: _plain(v) for k, v in f.attrs.items()}
        meta.update({k: _plain(v) for k, v in f["meta"].attrs.items()})
        for name in ("scenario", "scenario_values"):
            if name in f["meta"]:
                meta[name] = _text(f["meta/" + name][()])
        return meta


def _axis(dim):
    """(name, labels) of one dimension, from its attached scale."""
    if len(dim) == 0:
        return dim.label or None, None
    scale = dim[0]
    name = dim.label or scale.name.rsplit("/", 1)[-1]
    values = scale[()]
    if values.dtype.kind in ("O", "S"):
        labels = [_text(v) for v in values]
    else:
        labels = values.tolist()
    return name, labels


def read_series(path, name):
    """(values, axis names, {axis name: labels}) of /series/<name>.

    values has shape [time, axes...]; the "time" labels are the "YYYY-MM" months of
    /axes/time_label. Rows at or after /meta@steps_done were never written and hold NaN.
    """
    with h5py.File(path, "r") as f:
        check_filetype(f)
        if name not in f["series"]:
            known = ", ".join(sorted(f["series"]))
            raise KeyError(f"{path}: no series {name!r}; known: {known}")
        dset = f["series"][name]
        values = dset[()]
        axes, labels = [], {}
        for i, dim in enumerate(dset.dims):
            axis, axis_labels = _axis(dim)
            if axis is None:
                axis = f"dim{i}"
            if axis_labels is None:
                axis_labels = list(range(dset.shape[i]))
            axes.append(axis)
            labels[axis] = axis_labels
        if axes and axes[0] == "time" and "time_label" in f["axes"]:
            labels["time"] = [_text(v) for v in f["axes/time_label"][()]]
        return values, axes, labels


def series_frame(path, name, dropna=True):
    """/series/<name> as a long (tidy) DataFrame: month, one column per other axis, value.

    Months not yet simulated (NaN rows after steps_done) are dropped unless dropna=False.
    """
    values, axes, labels = read_series(path, name)
    index = pd.MultiIndex.from_product([labels[a] for a in axes], names=axes)
    frame = pd.DataFrame({"value": values.reshape(-1)}, index=index).reset_index()
    frame = frame.rename(columns={"time": "month"})
    if dropna:
        frame = frame.dropna(subset=["value"]).reset_index(drop=True)
    return frame


def list_series(path):
    """{name: (unit, axes)} of every series in the file."""
    with h5py.File(path, "r") as f:
        check_filetype(f)
        return {
            n: (_text(d.attrs.get("unit", "")), _text(d.attrs.get("axes", "")).split(","))
            for n, d in f["series"].items()
        }


#: Names the hashing scheme of series_digest; part of what is hashed, so a change to the
#: scheme changes every digest (and needs a new tests/golden/series_sha256.txt).
SERIES_DIGEST_SCHEME = b"kochmon-series-sha256/1"


def series_digest(path):
    """SHA-256 (hex) of the numbers of /series, independent of how HDF5 stored them.

    Hashes every dataset under /series (nested groups included) in sorted order of its path
    below /series: the path (UTF-8), the dtype as little-endian numpy type string ("<f8"), the
    shape and the raw little-endian bytes of the values (C order), each field prefixed by its
    length as a little-endian uint64. Not hashed: attributes, /meta (run id, timestamps,
    threads, git revision, wall time), /axes, chunking and compression. Two runs with equal
    digests have bit-identical series (NaN payloads included). Used by the golden digests
    (tests/golden/series_sha256.txt, tools/dev/golden_digests.py).
    """
    import hashlib
    import struct

    def field(h, data):
        h.update(struct.pack("<Q", len(data)))
        h.update(data)

    with h5py.File(path, "r") as f:
        check_filetype(f)
        names = []
        f["series"].visititems(lambda n, obj: names.append(n) if isinstance(obj, h5py.Dataset)
                               else None)
        h = hashlib.sha256()
        field(h, SERIES_DIGEST_SCHEME)
        for name in sorted(names):
            dset = f["series"][name]
            if dset.dtype.kind not in "biufc":
                raise ValueError(f"{path}: /series/{name} has dtype {dset.dtype}, not numeric")
            dtype = dset.dtype.newbyteorder("<")
            values = np.ascontiguousarray(dset[()], dtype=dtype)
            field(h, name.encode("utf-8"))
            field(h, dtype.str.encode("ascii"))
            field(h, struct.pack(f"<{len(dset.shape)}Q", *dset.shape))
            field(h, values.tobytes(order="C"))
        return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Aggregates, xarray, validation, sweeps and scenario differences (issue #8). Everything below
# builds on read_meta / read_series, so the functions above stay the reference readers.

#: Units whose values add up over regions and destinations (counts and money flows). A series
#: in another unit (fraction, 1, som^2, ...) or named mean_* / *_rate / share_* is an average
#: or a rate: it is averaged over its non-time axes instead.
EXTENSIVE_UNITS = {"persons", "persons/month", "jobs", "households", "households/month",
                   "som/month", "usd/month", "som", "usd"}


def is_intensive(name, unit):
    """True when the series is a rate, share or mean (averaged, not summed, over regions)."""
    if unit not in EXTENSIVE_UNITS:
        return True
    return name.startswith(("mean_", "share_")) or name.endswith(("_rate", "_gap_som")) \
        or "expected" in name


def decimal_years(months):
    """["2010-01", ...] -> numpy array 2010.0, 2010.0833, ... (for plotting)."""
    out = []
    for m in months:
        y, mo = str(m).split("-")[:2]
        out.append(int(y) + (int(mo) - 1) / 12.0)
    return np.asarray(out, dtype=float)


def done_steps(path):
    """Months that hold data (/meta@steps_done)."""
    with h5py.File(path, "r") as f:
        check_filetype(f)
        return int(f["meta"].attrs["steps_done"])


def series_total(path, name, keep=None, where=None, how=None):
    """A series reduced over all axes but time (and `keep`), over the months done.

    keep:  an axis name to keep (e.g. "destination") or None.
    where: {axis: [labels]} restricts axes before reducing, e.g. {"destination": ["russia"]}.
    how:   "sum" or "mean"; default from the unit (is_intensive -> mean).
    Returns (months, values, keep_labels): values is [months] or [months, len(keep_labels)].
    """
    values, axes, labels = read_series(path, name)
    n = done_steps(path)
    values = values[:n]
    with h5py.File(path, "r") as f:
        unit = _text(f["series"][name].attrs.get("unit", ""))
    if how is None:
        how = "mean" if is_intensive(name, unit) else "sum"
    for axis, wanted in (where or {}).items():
        if axis not in axes:
            continue
        i = axes.index(axis)
        idx = [labels[axis].index(w) for w in wanted if w in labels[axis]]
        values = np.take(values, idx, axis=i)
        labels = dict(labels, **{axis: [labels[axis][j] for j in idx]})
    reduce_axes = tuple(i for i, a in enumerate(axes) if i > 0 and a != keep)
    reducer = np.nanmean if how == "mean" else np.nansum
    if reduce_axes and all(values.shape[i] > 0 for i in reduce_axes):
        values = reducer(values, axis=reduce_axes)
    elif reduce_axes:
        values = np.zeros(values.shape[:1] + tuple(values.shape[i] for i, a in enumerate(axes)
                                                    if a == keep))
    return labels["time"][:n], values, (labels[keep] if keep in axes else None)


def foreign_destinations(path):
    """Destination labels that are not home regions (the destinations abroad)."""
    with h5py.File(path, "r") as f:
        check_filetype(f)
        dest = [_text(v) for v in f["axes/destination"][()]] if "destination" in f["axes"] else []
        regions = set(_text(v) for v in f["axes/region"][()]) if "region" in f["axes"] else set()
    return [d for d in dest if d not in regions]


def key_series_summary(path, names=None):
    """DataFrame: series, unit, how (sum/mean), first, peak, peak_month, last."""
    known = list_series(path)
    names = names or list(known)
    rows = []
    for name in names:
        if name not in known:
            continue
        months, v, _ = series_total(path, name)
        if len(v) == 0 or np.all(np.isnan(v)):
            rows.append(dict(series=name, unit=known[name][0], first=np.nan, peak=np.nan,
                             peak_month="", last=np.nan))
            continue
        i = int(np.nanargmax(v))
        rows.append(dict(series=name, unit=known[name][0],
                         how="mean" if is_intensive(name, known[name][0]) else "sum",
                         first=float(v[0]), peak=float(v[i]), peak_month=months[i],
                         last=float(v[-1])))
    return pd.DataFrame(rows)


def to_xarray(path, name):
    """/series/<name> as an xarray.DataArray with labelled coordinates (needs python3-xarray)."""
    import xarray as xr
    values, axes, labels = read_series(path, name)
    with h5py.File(path, "r") as f:
        attrs = {k: _text(f["series"][name].attrs[k]) for k in ("unit", "description")
                 if k in f["series"][name].attrs}
    return xr.DataArray(values, dims=axes, coords={a: labels[a] for a in axes}, name=name,
                        attrs=attrs)


def open_dataset(path, names=None):
    """Every series (or `names`) as one xarray.Dataset; /meta attributes become attrs."""
    import xarray as xr
    names = names or list(list_series(path))
    ds = xr.Dataset({n: to_xarray(path, n) for n in names})
    meta = read_meta(path)
    ds.attrs.update({k: v for k, v in meta.items() if k != "scenario"})
    return ds


def read_validation(path):
    """The /validation group (targets vs simulated values) as a DataFrame, or None if absent.

    The layout is read generically: one row per target; every 1-D dataset of the group whose
    length equals the number of targets becomes a column (string datasets are decoded). Group
    attributes are returned in frame.attrs.
    """
    with h5py.File(path, "r") as f:
        check_filetype(f)
        if "validation" not in f:
            return None
        g = f["validation"]
        columns, length = {}, None
        for key, obj in g.items():
            if not isinstance(obj, h5py.Dataset):
                continue
            data = obj[()]
            if obj.dtype.names:  # a compound table
                frame = pd.DataFrame({n: [_text(x) for x in data[n]] if data[n].dtype.kind in "OS"
                                      else data[n] for n in obj.dtype.names})
                frame.attrs = {k: _plain(v) for k, v in g.attrs.items()}
                return frame
            if np.ndim(data) != 1:
                continue
            if data.dtype.kind in ("O", "S"):
                data = [_text(x) for x in data]
            if length is None:
                length = len(data)
            if len(data) == length:
                columns[key] = list(data)
        frame = pd.DataFrame(columns)
        frame.attrs = {k: _plain(v) for k, v in g.attrs.items()}
        return frame


def read_sweep(directory):
    """(summary, sensitivity, run files) of a sweep directory.

    summary: summary.csv as a DataFrame (one row per run; None if missing); sensitivity:
    sensitivity.csv (metric, parameter, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi) or None; run files:
    sorted paths of runs/*.h5.
    """
    import glob
    import os
    summary_path = os.path.join(directory, "summary.csv")
    sens_path = os.path.join(directory, "sensitivity.csv")
    summary = pd.read_csv(summary_path) if os.path.exists(summary_path) else None
    sensitivity = pd.read_csv(sens_path) if os.path.exists(sens_path) else None
    runs = sorted(glob.glob(os.path.join(directory, "runs", "*.h5")))
    return summary, sensitivity, runs


def posterior_sweep(directory):
    """The posterior file a sweep's draws came from (design.method posterior: the first line
    of its sweep.yaml), or None."""
    import os
    path = os.path.join(directory, "sweep.yaml")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    prefix = "# posterior draws: "
    return first[len(prefix):].strip() if first.startswith(prefix) else None


SWEEP_FIXED_COLUMNS = {"point_id", "replicate", "seed", "run_id", "status", "file", "path",
                       "wall_seconds", "error"}


def sweep_columns(summary):
    """(parameters, metrics) of a sweep summary: parameters are key paths (contain "." or
    "[") or columns starting with "param:"; metrics are the other numeric columns."""
    params, metrics = [], []
    for c in summary.columns:
        if c in SWEEP_FIXED_COLUMNS:
            continue
        if c.startswith("param:") or "." in c or "[" in c:
            params.append(c)
        elif pd.api.types.is_numeric_dtype(summary[c]):
            metrics.append(c)
    return params, metrics


def flatten_scenario(text):
    """The resolved scenario YAML as {key path: value}; list items with an `id` are keyed by
    it (regions[batken].population). Needs PyYAML; returns None without it."""
    try:
        import yaml
    except ImportError:
        return None
    out = {}

    def walk(node, prefix):
        if isinstance(node, dict):
            if not node and prefix:
                out[prefix] = {}
            for k, v in node.items():
                walk(v, f"{prefix}.{k}" if prefix else str(k))
        elif isinstance(node, list):
            if node and all(isinstance(x, dict) and "id" in x for x in node):
                for x in node:
                    walk(x, f"{prefix}[{x['id']}]")
            elif node and any(isinstance(x, (dict, list)) for x in node):
                for i, x in enumerate(node):
                    walk(x, f"{prefix}[{i}]")
            else:
                out[prefix] = node
        else:
            out[prefix] = node

    walk(yaml.safe_load(text) or {}, "")
    return out


def _series_values(text, scenario_text=None):
    """{key: {year: value}} from /meta/scenario_values (output/FORMAT.md); None without it.
    The file keys list items by position (regions[0]); with the resolved scenario they are
    keyed by id (regions[batken]) as flatten_scenario does."""
    if not text:
        return None
    try:
        import yaml
    except ImportError:
        return None
    out = {k: {int(y): float(v) for y, v in d.items()} for k, d in (yaml.safe_load(text) or {}).items()}
    if not scenario_text:
        return out
    doc = yaml.safe_load(scenario_text) or {}

    def by_id(key):
        m = re.match(r"^([a-z_]+)\[(\d+)\](.*)$", key)
        items = doc.get(m.group(1)) if m else None
        if m and isinstance(items, list) and int(m.group(2)) < len(items) \
                and isinstance(items[int(m.group(2))], dict) and "id" in items[int(m.group(2))]:
            return f"{m.group(1)}[{items[int(m.group(2))]['id']}]{m.group(3)}"
        return key
    return {by_id(k): v for k, v in out.items()}


def _years_text(runs, side):
    return "; ".join((f"{y0}" if y0 == y1 else f"{y0}–{y1}") + ": "
                     + ("(absent)" if v[side] is None else f"{v[side]:.6g}") for y0, y1, v in runs)


def series_diff(base_values, values, limit=8, base_text=None, text=None):
    """[(key, base, this)] of the series that differ year by year, each side written as
    "2020: 75; 2021–2024: 95" over the years that differ (runs of years with the same pair of
    values merged; at most `limit` runs, then "…"). Series present on one side only are listed
    with "(absent)" on the other."""
    a, b = _series_values(base_values, base_text), _series_values(values, text)
    rows = []
    for key in sorted(set(a) | set(b)):
        ya, yb = a.get(key, {}), b.get(key, {})
        runs = []
        for y in sorted(set(ya) | set(yb)):
            va, vb = ya.get(y), yb.get(y)
            if va is not None and vb is not None and (
                    va == vb or abs(va - vb) <= 1e-12 * max(abs(va), abs(vb))):
                continue
            if runs and runs[-1][1] == y - 1 and runs[-1][2] == (va, vb):
                runs[-1] = (runs[-1][0], y, (va, vb))
            else:
                runs.append((y, y, (va, vb)))
        if runs:
            more = f"; … ({len(runs) - limit} more)" if len(runs) > limit else ""
            rows.append((key, _years_text(runs[:limit], 0) + more,
                         _years_text(runs[:limit], 1) + more))
    return rows


def scenario_diff(base_text, text, ignore=(), base_values=None, values=None):
    """[(key, base value, value)] of the keys that differ between two resolved scenarios.

    With both runs' /meta/scenario_values (base_values, values) the series keys are compared
    by the values the model reads, year by year (series_diff): a CSV reference and its inline
    copy are the same, and a series that differs shows the years and values that differ; the
    raw keys under a series key are then left out. Uses PyYAML when available (key by key);
    otherwise a line diff of the YAML text, with the key column holding "line" and the values
    the removed / added lines.
    """
    a, b = flatten_scenario(base_text), flatten_scenario(text)
    sa, sb = _series_values(base_values, base_text), _series_values(values, text)
    if a is not None and b is not None and sa is not None and sb is not None:
        keys = set(sa) | set(sb)

        def under_series(k):
            return k in keys or any(k.startswith(s + ".") for s in keys)
        rows = [(k, va, vb) for k, va, vb in scenario_diff(base_text, text, ignore)
                if not under_series(k)]
        rows += [r for r in series_diff(base_values, values, base_text=base_text, text=text)
                 if r[0] not in ignore]
        return sorted(rows, key=lambda r: r[0])
    if a is None or b is None:
        import difflib
        rows = []
        for line in difflib.unified_diff(base_text.splitlines(), text.splitlines(), lineterm="",
                                         n=0):
            if line.startswith(("---", "+++", "@@")):
                continue
            rows.append(("line", line[1:] if line[0] == "-" else "",
                         line[1:] if line[0] == "+" else ""))
        return rows
    rows = []
    for key in sorted(set(a) | set(b)):
        if key in ignore:
            continue
        va, vb = a.get(key, "(absent)"), b.get(key, "(absent)")
        if va != vb:
            rows.append((key, va, vb))
    return rows
