"""Read kochmon result files (output/FORMAT.md) with h5py, numpy and pandas.

Run with /usr/bin/python3. Axis names and labels come from the dimension scales stored in the
file, never from a list written here, so a series the engine adds later reads the same way.

    import kochmon_read as kr
    meta = kr.read_meta("runs/base/seed-7.h5")
    values, axes, labels = kr.read_series("runs/base/seed-7.h5", "stock")
    df = kr.series_frame("runs/base/seed-7.h5", "stock")   # month, region, destination, value
"""

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
    """Root and /meta attributes as plain Python values, plus the resolved scenario YAML."""
    with h5py.File(path, "r") as f:
        check_filetype(f)
        meta = {k: _plain(v) for k, v in f.attrs.items()}
        meta.update({k: _plain(v) for k, v in f["meta"].attrs.items()})
        if "scenario" in f["meta"]:
            meta["scenario"] = _text(f["meta/scenario"][()])
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
