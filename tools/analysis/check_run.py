#!/usr/bin/python3
"""Check the structure of one kochmon result file (output/FORMAT.md).

Usage: /usr/bin/python3 tools/analysis/check_run.py FILE

Prints "OK: FILE ..." and exits 0, or prints "FILE: error: <problem>" to stderr and exits 1
(2 when the file cannot be opened at all).
"""

import sys

import h5py
import numpy as np

META_ATTRS = {
    "kochmon_version": str, "git_sha": str, "run_id": str, "scenario_name": str,
    "seed": np.integer, "scale": np.floating, "threads": np.integer,
    "wall_seconds": np.floating, "households": np.integer, "persons": np.integer,
    "n_steps": np.integer, "steps_done": np.integer, "start": str, "complete": np.integer,
}


class Problem(Exception):
    pass


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def check(f):
    if text(f.attrs.get("filetype")) != "kochmon-run":
        raise Problem(f"not a kochmon result file (filetype {text(f.attrs.get('filetype'))!r})")
    version = text(f.attrs.get("format_version", ""))
    if version.split(".")[0] != "1":
        raise Problem(f"format_version {version!r} is not 1.x")
    for group in ("meta", "axes", "series"):
        if group not in f:
            raise Problem(f"missing group /{group}")

    meta = f["meta"].attrs
    for name, kind in META_ATTRS.items():
        if name not in meta:
            raise Problem(f"missing attribute /meta@{name}")
        value = text(meta[name])
        if kind is str:
            if not isinstance(value, str):
                raise Problem(f"/meta@{name} is not a string")
        elif not isinstance(value, kind):
            raise Problem(f"/meta@{name} has type {type(value).__name__}")
    if "scenario" not in f["meta"]:
        raise Problem("missing dataset /meta/scenario")
    if int(meta["complete"]) != 1:
        raise Problem("the run did not finish (/meta@complete = 0)")
    n_steps = int(meta["n_steps"])
    steps_done = int(meta["steps_done"])
    if not 0 <= steps_done <= n_steps:
        raise Problem(f"/meta@steps_done = {steps_done} is outside 0..{n_steps}")

    time = f["axes"].get("time")
    if time is None or time.shape != (n_steps,):
        raise Problem(f"/axes/time is missing or not of length n_steps = {n_steps}")
    if "time_label" not in f["axes"] or f["axes/time_label"].shape != (n_steps,):
        raise Problem("/axes/time_label is missing or not of length n_steps")

    names = list(f["series"])
    if not names:
        raise Problem("/series is empty")
    for name in names:
        dset = f["series"][name]
        where = f"/series/{name}"
        if not isinstance(dset, h5py.Dataset):
            raise Problem(f"{where} is not a dataset")
        if dset.dtype != np.float64:
            raise Problem(f"{where} has dtype {dset.dtype}, expected float64")
        if "unit" not in dset.attrs or not text(dset.attrs["unit"]):
            raise Problem(f"{where} has no unit attribute")
        if dset.ndim == 0 or dset.shape[0] != n_steps:
            raise Problem(f"{where} has shape {dset.shape}; shape[0] should be n_steps = {n_steps}")
        axes = text(dset.attrs.get("axes", "")).split(",")
        if len(axes) != dset.ndim or axes[0] != "time":
            raise Problem(f"{where}@axes = {','.join(axes)!r} does not match its {dset.ndim} dims")
        for i, dim in enumerate(dset.dims):
            if len(dim) == 0:
                raise Problem(f"{where}: dimension {i} ({axes[i]}) has no scale attached")
            scale = dim[0]
            if scale.shape != (dset.shape[i],):
                raise Problem(f"{where}: scale {scale.name} has shape {scale.shape}, "
                              f"dimension {i} has length {dset.shape[i]}")
            if scale.name != f"/axes/{axes[i]}":
                raise Problem(f"{where}: dimension {i} is attached to {scale.name}, "
                              f"expected /axes/{axes[i]}")
        done = dset[:steps_done]
        if not np.all(np.isfinite(done)):
            bad = np.argwhere(~np.isfinite(done))[0]
            raise Problem(f"{where}: non-finite value at index {tuple(int(i) for i in bad)}")
    return n_steps, steps_done, names


def main(argv):
    if len(argv) != 2:
        print("usage: check_run.py FILE", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        with h5py.File(path, "r") as f:
            try:
                n_steps, steps_done, names = check(f)
            except Problem as problem:
                print(f"{path}: error: {problem}", file=sys.stderr)
                return 1
    except OSError as err:
        print(f"{path}: error: cannot read result file: {err}", file=sys.stderr)
        return 2
    print(f"OK: {path}: {len(names)} series, {steps_done}/{n_steps} months")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
