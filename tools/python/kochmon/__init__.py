"""kochmon from Python: load scenarios, run them in-process, get labelled arrays back.

    import kochmon
    scn = kochmon.Scenario.load("scenarios/kyrgyzstan/base.yaml", set={"scale": 0.01})
    res = kochmon.run(scn, seed=1)                 # the engine of `kochmon run`, GIL released
    res.series("stock")                            # xarray.DataArray (time, region, destination)
    res.save("runs/base.h5")                       # the file `kochmon run` writes
    sim = kochmon.Simulation(scn).run_to("2015-06") # step by step; sim.current("stock")
    world = kochmon.World(scn)                     # draw the population once, then
    [kochmon.run(scn, seed=s, world=world) for s in range(4)]  # replicates reuse it
    kochmon.register_rule(MyRule)                  # a decision rule written in Python
    kochmon.sweep("spec.yaml", "out/")             # `kochmon sweep`; the summary as a DataFrame

The compiled part (`kochmon._kochmon`) is built from the same libraries as the CLI: the same
loader (base: inheritance, --set overrides, strict checks), the same engine (bit-identical
series for any number of threads) and the same HDF5 writer and reader (output/FORMAT.md).
Use Debian's interpreter, /usr/bin/python3 (README.md, "Python").
"""

import json
import os
import re
import sys
import time

import numpy as np

from . import _kochmon

__all__ = ["InputError", "RunError", "Scenario", "World", "Results", "Simulation", "run",
           "open", "register_rule", "rules", "sweep", "__version__"]

__version__ = _kochmon.__version__

#: Bad input the user can fix (a scenario key, a --set override, a damaged result file): the
#: C++ InputError. Its message is the CLI's, one error per line, each
#: "file:line:col: error: key.path: expected X, got 'Y'" with an optional "  hint: ..." line.
InputError = _kochmon.InputError
#: An environment failure (a file that cannot be written, ...): the C++ RunError.
RunError = _kochmon.RunError

_ERROR_LINE = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.*)$")


def _errors(self):
    """The errors of the message as dicts: file, line, column, message and hint (or None).

    Lines not in the compiler format (an error without a position) give file/line/column None.
    """
    out = []
    for text in str(self).splitlines():
        if text.startswith("  hint: ") and out:
            out[-1]["hint"] = text[len("  hint: "):]
            continue
        m = _ERROR_LINE.match(text)
        if m:
            out.append({"file": m["file"], "line": int(m["line"]), "column": int(m["column"]),
                        "message": m["message"], "hint": None})
        elif text.strip():
            out.append({"file": None, "line": None, "column": None, "message": text,
                        "hint": None})
    return out


InputError.errors = property(_errors)


def _set_value(value):
    """A Python value as the text of a --set override (the loader parses it as YAML)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # JSON is YAML: true/false, null, [..], {..}
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, np.floating):
        return repr(float(value))
    raise TypeError(f"cannot pass a {type(value).__name__} as a scenario value")


def _overrides(set):  # noqa: A002 - the keyword users write, as in `kochmon run --set`
    if set is None:
        return []
    if isinstance(set, dict):
        return [f"{k}={_set_value(v)}" for k, v in set.items()]
    if isinstance(set, str):
        return [set]
    return [str(s) for s in set]


_PATH_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def _lookup(tree, path):
    """The value at a --set style key path ("decision.rules[0].params.b_wage", "regions[osh]")."""
    node = tree
    pos = 0
    for m in _PATH_PART.finditer(path):
        if m.start() != pos and path[pos:m.start()] != ".":
            raise KeyError(path)
        pos = m.end()
        key, index = m.group(1), m.group(2)
        if key is not None:
            if not isinstance(node, dict) or key not in node:
                raise KeyError(f"{path}: no key {key!r}")
            node = node[key]
        elif isinstance(node, list):
            if re.fullmatch(r"\d+", index):
                if int(index) >= len(node):
                    raise KeyError(f"{path}: index {index} out of range")
                node = node[int(index)]
            else:  # a place by id, as --set allows
                hits = [e for e in node if isinstance(e, dict) and str(e.get("id")) == index]
                if not hits:
                    raise KeyError(f"{path}: no entry with id {index!r}")
                node = hits[0]
        else:
            raise KeyError(f"{path}: [{index}] applied to a non-list")
    if pos != len(path) or not path:
        raise KeyError(path)
    return node


class Scenario:
    """A scenario loaded and validated exactly as `kochmon run` loads it.

    Build with Scenario.load(). Reading a key: scenario.get("decision.monthly_rate") or
    scenario["scale"]; setting one: scenario.set("scale", 0.1) (or scenario["scale"] = 0.1),
    which reloads the file with one more --set override, so every check runs again.
    """

    def __init__(self, path, overrides=(), seed=None):
        """Loads `path` with --set `overrides` (["key.path=value", ...]) and --seed `seed`.

        Prefer Scenario.load(). Raises InputError on any bad key, value or file.
        """
        self._path = os.fspath(path)
        self._overrides = list(overrides)
        self._seed = seed
        self._config = _kochmon.load(self._path, self._overrides, seed)
        self._tree = None

    @classmethod
    def load(cls, path, set=None, seed=None):  # noqa: A002
        """Loads a scenario file: base: inheritance, then the overrides, then the checks.

        set: {"key.path": value, ...} (values as Python objects or YAML text) or a list of
        "key.path=value" strings, with the semantics of `kochmon run --set`, e.g.
        {"scale": 0.1, "decision.rules[0].params.b_wage": 1.5,
        "regions[osh_city].wage_som.factor": 0.9}. seed: as `--seed`.
        Raises InputError (message: file:line:column, key path, expected and found, hint).
        """
        return cls(path, _overrides(set), seed)

    def copy(self):
        """An independent copy (same file, overrides and seed)."""
        return Scenario(self._path, self._overrides, self._seed)

    def with_seed(self, seed):
        """A copy with another master seed (as `--seed`; world_seed follows unless set)."""
        return Scenario(self._path, self._overrides, seed)

    def set(self, key, value):  # noqa: A003
        """Sets one key by path (as `--set key=value`) and revalidates; returns self.

        On InputError the scenario is left unchanged.
        """
        overrides = self._overrides + _overrides({key: value})
        self._config = _kochmon.load(self._path, overrides, self._seed)
        self._overrides = overrides
        self._tree = None
        return self

    def get(self, key, default=KeyError):
        """The resolved value at a key path ("time.end", "regions[south].wage_som", ...).

        Read from the resolved YAML (base: merged, overrides applied, defaults filled in).
        Raises KeyError when the path names nothing (unless a default is given).
        """
        if self._tree is None:
            import yaml
            self._tree = yaml.safe_load(self.to_yaml())
        try:
            return _lookup(self._tree, key)
        except KeyError:
            if default is KeyError:
                raise
            return default

    def __getitem__(self, key):
        return self.get(key)

    def __setitem__(self, key, value):
        self.set(key, value)

    def to_yaml(self):
        """The resolved scenario text: what a run writes into /meta/scenario."""
        return self._config.resolved_yaml

    @property
    def path(self):
        """The scenario file as given."""
        return self._path

    @property
    def overrides(self):
        """The --set overrides applied, in order ("key.path=value")."""
        return list(self._overrides)

    name = property(lambda self: self._config.name, doc="The scenario's name.")
    description = property(lambda self: self._config.description, doc="Its description.")
    seed = property(lambda self: self._config.seed, doc="The master seed of a run.")
    world_seed = property(lambda self: self._config.world_seed,
                          doc="The seed of the synthetic population.")
    scale = property(lambda self: self._config.scale, doc="Fraction of households simulated.")
    start = property(lambda self: self._config.start, doc="First month, 'YYYY-MM'.")
    end = property(lambda self: self._config.end, doc="Last month, 'YYYY-MM' (inclusive).")
    n_steps = property(lambda self: self._config.n_steps, doc="Months simulated.")
    regions = property(lambda self: self._config.regions, doc="Region ids.")
    destinations = property(lambda self: self._config.destinations,
                            doc="Foreign destination ids.")

    def _repr_html_(self):
        """Jupyter: name, period, scale and seed, places, the decision rules and overrides."""
        from html import escape
        rules = self.get("decision.rules", []) or []
        rows = [("name", self.name), ("description", self.description),
                ("period", f"{self.start} to {self.end} ({self.n_steps} months)"),
                ("scale", f"{self.scale:g}"), ("seed", self.seed),
                ("regions", ", ".join(self.regions)),
                ("destinations", ", ".join(self.destinations)),
                ("decision", f"{self.get('decision.combine', '?')} of "
                             + "; ".join(f"{r.get('rule')} {r.get('params', {})}" for r in rules)
                             + f", monthly_rate {self.get('decision.monthly_rate', '?')}"),
                ("overrides", ", ".join(self._overrides) or "none")]
        # "  in russia" is a row under "abroad": HTML collapses the leading spaces, so indent.
        def th(label):
            sub = label.startswith("  ")
            pad = "padding-left:1.5em;" if sub else ""
            return f"<th style='text-align:left;{pad}'>{escape(label.strip())}</th>"
        body = "".join(f"<tr>{th(k)}"
                       f"<td style='text-align:left'>{escape(str(v))}</td></tr>" for k, v in rows)
        return f"<table><caption>kochmon scenario ({escape(self._path)})</caption>{body}</table>"

    def __repr__(self):
        if getattr(self, "_config", None) is None:
            return "<kochmon.Scenario (not loaded)>"
        return (f"<kochmon.Scenario {self.name!r} {self.start}..{self.end} scale={self.scale:g} "
                f"seed={self.seed}>")


_SEED_LINE = re.compile(r"^seed:.*$", re.MULTILINE)


class World:
    """A scenario's places and synthetic population, drawn once and reused by replicates.

        world = kochmon.World(scn)                 # draws the population (world_seed)
        runs = [kochmon.run(scn, seed=s, world=world) for s in range(1, 5)]

    A run given `world` copies it instead of drawing the population again. It is the run of
    its scenario with `seed` = the run's seed and `world_seed` = the world's, bit for bit:
    `kochmon run --seed S --set world_seed=W` gives the same series, and the scenario in the
    run's /meta holds both seeds. The scenario must otherwise be the world's, key for key (compared by
    resolved text, with world_seed pinned): anything else raises ValueError, since a world
    drawn for another population, scale or set of places would silently be wrong.
    """

    def __init__(self, scenario, threads=None):
        """Draws the world of `scenario` (a Scenario or a path) with its world_seed."""
        if not isinstance(scenario, Scenario):
            scenario = Scenario.load(scenario)
        self.scenario = scenario.copy().set("world_seed", scenario.world_seed)
        self._data = _kochmon.build_world(self.scenario._config, int(threads or 0))

    @property
    def world_seed(self):
        """The seed the population was drawn with."""
        return self._data.world_seed

    @property
    def households(self):
        """Households drawn (at the scenario's scale)."""
        return self._data.households

    @property
    def persons(self):
        """Persons drawn (at the scenario's scale)."""
        return self._data.persons

    def _for(self, scenario, seed):
        """`scenario` at `seed` (None: its own) with this world's world_seed; ValueError if
        this world was drawn for another scenario."""
        target = scenario if seed is None else scenario.with_seed(seed)
        pinned = target.get("world_seed", None)  # None: world_seed follows seed
        if pinned is None:
            target = target.copy().set("world_seed", self.world_seed)
        same = _SEED_LINE.sub("", target.to_yaml()) == _SEED_LINE.sub("", self.scenario.to_yaml())
        if pinned not in (None, self.world_seed) or not same:
            raise ValueError(f"this World was drawn for scenario {self.scenario.name!r} as "
                             f"resolved then; {target.name!r} differs in more than its seed "
                             "(compare their to_yaml()): draw a World for it")
        return target

    def __repr__(self):
        return (f"<kochmon.World {self.scenario.name!r} world_seed={self.world_seed} "
                f"households={self.households} persons={self.persons}>")


class _Progress:
    """A one-line progress bar on stderr (a terminal, or a notebook's output area)."""

    def __init__(self, label):
        self.label = label
        self.start = self.last = time.monotonic()
        self.drawn = False

    @staticmethod
    def wanted():
        """Whether a bar would be seen: stderr is a terminal, or we run in a Jupyter kernel."""
        try:
            if sys.stderr.isatty():
                return True
        except (AttributeError, ValueError):
            return False
        return "ipykernel" in sys.modules

    def __call__(self, done, total):
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        frac = done / total if total else 1.0
        width = 30
        filled = int(frac * width)
        elapsed = now - self.start
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total} months, {elapsed:.1f} s, ETA {eta:.1f} s ")
        sys.stderr.flush()
        self.drawn = True

    def close(self):
        """Ends the bar's line (after the last month, or an interruption)."""
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.drawn = False


def _scenario_for(scenario, seed, world):
    """The Scenario a run simulates: `scenario` (a Scenario or a path) at `seed` (None: its own),
    with `world`'s world_seed when a World is given (ValueError if it was drawn for another)."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    if world is not None:
        return world._for(scenario, seed)
    if seed is not None and seed != scenario.seed:
        return scenario.with_seed(seed)
    return scenario


def run(scenario, seed=None, threads=None, progress=True, world=None):
    """Runs a scenario in this process and returns its Results (nothing is written to disk).

    scenario: a Scenario (or a path, loaded with no overrides). seed: overrides the scenario's
    seed as `kochmon run --seed` does (None: the scenario's). threads: worker threads (None:
    all cores); the numbers do not depend on it. progress: True draws a bar when stderr is a
    terminal or in a notebook, False draws nothing, a callable gets (months done, total)
    after every month. world: a kochmon.World drawn for this scenario; the run copies its
    population instead of drawing it, and uses the world's world_seed (see World).

    The GIL is released while the engine runs. Ctrl-C (or any exception raised by a progress
    callable) stops the run at the next month boundary and is re-raised here
    (KeyboardInterrupt); no file is written. Same scenario and seed give bit-identical series
    to `kochmon run`. Raises InputError for a bad scenario.
    """
    scenario = _scenario_for(scenario, seed, world)
    callback, bar = None, None
    if callable(progress):
        callback = progress
    elif progress and _Progress.wanted():
        bar = callback = _Progress(f"kochmon: {scenario.name}")
    try:
        data = _kochmon.run(scenario._config, int(threads or 0), callback,
                            None if world is None else world._data)
    finally:
        if bar is not None:
            bar.close()
    return _results(data, scenario)


def _results(data, scenario):
    """Results of a RunData (a run or a Simulation's months so far)."""
    meta = {"format_version": _kochmon.format_version, "kochmon_version": _kochmon.__version__,
            "git_sha": _kochmon.git_sha, "run_id": data.run_id, **data.info,
            "wall_seconds": data.wall_seconds, "steps_done": data.steps_done,
            "complete": not data.interrupted}
    return Results(meta, data.resolved_yaml, data.axes, data.series, data.values,
                   output=(data.compression, data.chunk_months), scenario=scenario,
                   values_yaml=data.resolved_values)


def open(path):  # noqa: A001 - kochmon.open, like io.open
    """Reads a result file (`kochmon run`'s or Results.save()'s) into a Results object.

    Read through the C++ reader (output::RunFile): a missing, damaged or foreign file raises
    InputError with the CLI's message.
    """
    d = _kochmon.open(os.fspath(path))
    yaml_text = d["scenario_yaml"]
    return Results(d["meta"], yaml_text, d["axes"], d["series"], d["values"],
                   output=_output_settings(yaml_text), path=os.fspath(path),
                   values_yaml=d["scenario_values"])


def _output_settings(yaml_text):
    """(compression, chunk_months) of a resolved scenario, for saving a file as it was."""
    import yaml
    try:
        out = (yaml.safe_load(yaml_text) or {}).get("output") or {}
        return int(out.get("compression", 4)), int(out.get("chunk_months", 12))
    except (yaml.YAMLError, AttributeError, TypeError, ValueError):
        return 4, 12


def _months(start, n):
    """n monthly datetime64[ns] values from 'YYYY-MM' (xarray's native time resolution)."""
    first = np.datetime64(start, "M")
    return (first + np.arange(n)).astype("datetime64[ns]")


class Results:
    """A run's results: series as labelled arrays, the run's facts, the resolved scenario.

    From kochmon.run() or kochmon.open(). series(name) is an xarray.DataArray; to_dataframe()
    a tidy pandas frame; save(path) writes the file `kochmon run` writes.
    """

    def __init__(self, meta, scenario_yaml, axes, series, values, output=(4, 12),
                 scenario=None, path=None, values_yaml=""):
        """Internal: use kochmon.run() or kochmon.open()."""
        self._meta = dict(meta)
        self._yaml = scenario_yaml
        self._values_yaml = values_yaml  # /meta/scenario_values, written back by save()
        self._axes = {name: (desc, list(labels)) for name, desc, labels in axes}
        self._axis_order = [name for name, _, _ in axes]
        self._series = {name: (unit, desc, list(ax)) for name, unit, desc, ax in series}
        self._values = values
        for v in self._values.values():
            v.setflags(write=False)  # shared by every DataArray made from it
        self._output = output
        self.scenario = scenario  #: the Scenario run (None for an opened file)
        self.path = path  #: the file read (None for an in-memory run)

    @property
    def meta(self):
        """The run's facts as /meta holds them: seed, scale, threads, households, persons,
        n_steps, steps_done, start, run_id, scenario_name, wall_seconds, kochmon_version,
        git_sha, complete."""
        return dict(self._meta)

    @property
    def scenario_yaml(self):
        """The resolved scenario text (/meta/scenario)."""
        return self._yaml

    @property
    def names(self):
        """Names of every series, in the engine's order."""
        return list(self._series)

    @property
    def axes(self):
        """{axis name: labels} of every axis other than time."""
        return {name: list(labels) for name, (_, labels) in self._axes.items()}

    @property
    def time(self):
        """The months of the run as datetime64[ns] (the first day of each month)."""
        return _months(self._meta["start"], int(self._meta["n_steps"]))

    def values(self, name):
        """The raw values of a series, a read-only numpy array [n_steps, axis sizes...]."""
        self._check(name)
        return self._values[name]

    def _check(self, name):
        if name not in self._series:
            raise KeyError(f"no series {name!r}; known: {', '.join(sorted(self._series))}")

    def series(self, name):
        """One series as an xarray.DataArray with dims (time, its axes...).

        time holds monthly datetime64 values (coordinate `month` gives "YYYY-MM"); the other
        dims carry the labels of the scenario (region ids, destination ids, ...). attrs:
        units, description. Months after meta["steps_done"] are NaN.
        """
        import xarray as xr
        self._check(name)
        unit, desc, axes = self._series[name]
        months = self.time
        coords = {"time": months,
                  "month": ("time", [str(m)[:7] for m in months.astype("datetime64[M]")])}
        for a in axes:
            coords[a] = self._axes[a][1]
        return xr.DataArray(self._values[name], dims=["time", *axes], coords=coords, name=name,
                            attrs={"units": unit, "description": desc, "long_name": desc})

    def to_dataset(self):
        """Every series in one xarray.Dataset (each with its own dims)."""
        import xarray as xr
        return xr.Dataset({n: self.series(n) for n in self._series})

    def to_dataframe(self, name=None, dropna=True):
        """A tidy pandas DataFrame: columns month ("YYYY-MM"), the axes, value.

        With name: that series. Without: every series stacked, with a `series` column and
        one column per axis (None where a series lacks that axis). Months never simulated
        (NaN rows after steps_done) are dropped unless dropna=False.
        """
        import pandas as pd
        names = [name] if name is not None else list(self._series)
        frames = []
        for n in names:
            f = self.series(n).to_dataframe(name="value").reset_index()
            f = f[["month", *self._series[n][2], "value"]]
            if name is None:
                f.insert(0, "series", n)
            frames.append(f)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if name is None:
            axes = [a for a in self._axis_order if a in frame.columns]
            frame = frame[["series", "month", *axes, "value"]]
            frame = frame.astype({a: object for a in axes})
            frame[axes] = frame[axes].where(frame[axes].notna(), None)
        if dropna:
            frame = frame.dropna(subset=["value"]).reset_index(drop=True)
        return frame

    def save(self, path):
        """Writes the results to `path` with the CLI's HDF5 writer: the same file as
        `kochmon run` (output/FORMAT.md; /series byte-identical), written as PATH.tmp and
        renamed when complete, so `path` never holds a partial file. The run id is kept;
        kochmon_version and git_sha are this build's; a /validation group (`kochmon
        validate`) of an opened file is not carried over. Returns `path`.
        """
        path = os.fspath(path)
        info = {k: self._meta[k] for k in ("scenario_name", "seed", "scale", "start", "n_steps",
                                           "households", "persons", "threads")}
        axes = [(n, self._axes[n][0], self._axes[n][1]) for n in self._axis_order]
        series = [(n, u, d, ax) for n, (u, d, ax) in self._series.items()]
        compression, chunk_months = self._output
        _kochmon.save(path, info, axes, series, self._values, int(self._meta["steps_done"]),
                      float(self._meta["wall_seconds"]), str(self._meta["run_id"]), self._yaml,
                      compression, chunk_months, self._values_yaml)
        return path

    def key_figures(self):
        """The closing figures `kochmon run` prints, as [(label, value)]: members abroad and
        away internally at the last month done, abroad by destination, remittances (USD) over
        the last 12 months done."""
        m = self._meta
        done = int(m["steps_done"])
        out = [("months", f"{done} of {m['n_steps']} from {m['start']}"),
               ("seed, scale", f"{m['seed']}, {m['scale']:g}"),
               ("households, persons (simulated)", f"{m['households']}, {m['persons']}")]
        if done == 0 or "stock" not in self._series:
            return out
        stock = self.series("stock").isel(time=done - 1).sum("region")
        regions = set(self._axes.get("region", ("", []))[1])
        abroad = [d for d in stock["destination"].values if d not in regions]
        internal = [d for d in stock["destination"].values if d in regions]
        out.append(("abroad at " + str(self.series("stock")["month"].values[done - 1]),
                    f"{float(stock.sel(destination=abroad).sum()):,.0f}"))
        for d in abroad:
            out.append((f"  in {d}", f"{float(stock.sel(destination=d)):,.0f}"))
        out.append(("away in other regions",
                    f"{float(stock.sel(destination=internal).sum()):,.0f}"))
        if "remittances_usd" in self._series:
            r = self.values("remittances_usd")[max(0, done - 12):done]
            out.append(("remittances, last 12 months (USD)", f"{float(np.nansum(r)):,.0f}"))
        return out

    def _repr_html_(self):
        """Jupyter: the key figures table."""
        from html import escape
        # "  in russia" is a row under "abroad": HTML collapses the leading spaces, so indent.
        def th(label):
            sub = label.startswith("  ")
            pad = "padding-left:1.5em;" if sub else ""
            return f"<th style='text-align:left;{pad}'>{escape(label.strip())}</th>"
        body = "".join(f"<tr>{th(k)}"
                       f"<td style='text-align:right'>{escape(v)}</td></tr>"
                       for k, v in self.key_figures())
        return (f"<table><caption>kochmon results: {escape(self._meta['scenario_name'])}"
                f"</caption>{body}</table>")

    def __repr__(self):
        m = self._meta
        return (f"<kochmon.Results {m['scenario_name']!r} seed={m['seed']} scale={m['scale']:g} "
                f"{m['steps_done']}/{m['n_steps']} months from {m['start']}, "
                f"{len(self._series)} series>")


#: AdultStatus codes of Simulation.adults()["status"] (sim/world/households.h).
ADULT_STATUS = {0: "inactive", 1: "home_employed", 2: "home_unemployed", 3: "away",
                4: "home_business"}


def _month_index(start, month):
    """Months from 'YYYY-MM' start to 'YYYY-MM' month."""
    y0, m0 = map(int, start.split("-"))
    y, m = map(int, str(month)[:7].split("-"))
    return (y - y0) * 12 + (m - m0)


class Simulation:
    """A run driven month by month: run to a month, look at this month's aggregates and at
    households, checkpoint, go on. The numbers are those of kochmon.run() and `kochmon run`
    (the same engine, recording every month the same way).

        sim = kochmon.Simulation(scn, threads=2)
        sim.run_to("2015-06")              # months up to and including June 2015
        sim.current("stock")               # xarray.DataArray (region, destination)
        sim.households(sample=1000)        # dict of numpy arrays (copies)
        sim.checkpoint("x.ckpt")           # `kochmon resume x.ckpt` can finish it
        sim.run_to_end(); res = sim.results()
    """

    def __init__(self, scenario, seed=None, threads=None, world=None):
        """Builds the world of `scenario` (a Scenario or a path), or copies `world` (a
        kochmon.World drawn for it); seed and world as in kochmon.run()."""
        scenario = _scenario_for(scenario, seed, world)
        self.scenario = scenario  #: the Scenario simulated (None after resume())
        self._stepper = _kochmon.Stepper(scenario._config, int(threads or 0),
                                         None if world is None else world._data)
        self._layout = None

    @classmethod
    def resume(cls, path, threads=None):
        """Continues a checkpoint (Simulation.checkpoint()'s or `kochmon run`'s after Ctrl-C).

        The scenario is reloaded from its file with the same --set and --seed and must resolve
        to the same text (else InputError). Finishing it gives the series of an uninterrupted
        run, bit for bit.
        """
        self = cls.__new__(cls)
        self.scenario = None
        self._stepper = _kochmon.Stepper.resume(os.fspath(path), int(threads or 0))
        self._layout = None
        return self

    @property
    def steps_done(self):
        """Months simulated so far."""
        return self._stepper.steps_done

    @property
    def n_steps(self):
        """Months in the run."""
        return self._stepper.n_steps

    @property
    def done(self):
        """Whether every month has been simulated."""
        return self.steps_done == self.n_steps

    @property
    def start(self):
        """The first month, 'YYYY-MM'."""
        return self._meta()["start"]

    @property
    def month(self):
        """The last month simulated, 'YYYY-MM' (None before the first step)."""
        if self.steps_done == 0:
            return None
        return str(np.datetime64(self.start, "M") + (self.steps_done - 1))

    def _meta(self):
        if self._layout is None:
            data = self._stepper.snapshot()
            self._layout = (data.info, {n: ax for n, _, _, ax in data.series},
                            {n: (u, d) for n, u, d, _ in data.series},
                            {n: labels for n, _, labels in data.axes})
        return self._layout[0]

    def step(self, n=1, progress=False):
        """Simulates n more months (fewer at the end); returns self.

        progress: as in kochmon.run(). Ctrl-C raises KeyboardInterrupt after the month that
        is running; the months done stay done.
        """
        callback, bar = None, None
        if callable(progress):
            callback = progress
        elif progress and _Progress.wanted():
            bar = callback = _Progress("kochmon")
        try:
            self._stepper.advance(int(n), callback)
        finally:
            if bar is not None:
                bar.close()
        return self

    def run_to(self, month, progress=False):
        """Simulates up to and including `month` ('YYYY-MM', or an int: that many months
        done); returns self. A month already simulated is an error (no going back)."""
        target = month if isinstance(month, (int, np.integer)) else \
            _month_index(self.start, month) + 1
        if target < self.steps_done or target > self.n_steps:
            raise ValueError(f"cannot run to {month!r}: {self.steps_done} of {self.n_steps} "
                             f"months are done")
        return self.step(target - self.steps_done, progress=progress)

    def run_to_end(self, progress=True):
        """Simulates every remaining month; returns self."""
        return self.step(self.n_steps - self.steps_done, progress=progress)

    def current(self, name=None):
        """The last simulated month's values: one series as an xarray.DataArray over its axes
        (attrs units, description, month), or, without a name, {name: numpy array} of all."""
        values = self._stepper.current()
        if name is None:
            return values
        import xarray as xr
        self._meta()
        _, axes, units, labels = self._layout
        if name not in axes:
            raise KeyError(f"no series {name!r}; known: {', '.join(sorted(axes))}")
        unit, desc = units[name]
        return xr.DataArray(values[name], dims=axes[name],
                            coords={a: labels[a] for a in axes[name]}, name=name,
                            attrs={"units": unit, "description": desc, "month": self.month})

    def _index(self, sample, seed):
        if sample is None:
            return None
        if isinstance(sample, (int, np.integer)):
            n = int(self._meta()["households"])
            rng = np.random.default_rng(seed)
            return np.sort(rng.choice(n, size=min(int(sample), n), replace=False)).tolist()
        return [int(i) for i in sample]

    def households(self, sample=None, seed=0):
        """Households now, as {field: numpy array} (copies): id, region (index into the
        scenario's regions), size, n_adults, n_dependants, first_adult, land_ha, savings_som,
        income_som, remit_som, income_mean_som, income_var, shock. With demography.enabled
        the ids include the regions' reserves of slots for new households: a slot not (or no
        longer) in use has size 0.

        sample: None for all, an int for that many drawn at random (numpy, `seed`; not the
        engine's random streams, so looking never changes a run), or a list of household ids.
        """
        return self._stepper.households(self._index(sample, seed))

    def adults(self, sample=None, seed=0):
        """The working-age adults of the same households (sample as in households()):
        household, woman, age_band (five-year band of the age now, 0 = 0-4 ... 16 = 80+),
        skill, status (ADULT_STATUS), dest (index into region ids then destination ids; -1 at
        home), away_flags, since_step, birth (month of birth relative to time.start),
        wage_factor, earnings_abroad_som."""
        return self._stepper.adults(self._index(sample, seed))

    def results(self):
        """Results of the months simulated so far (later months NaN; meta["complete"] is
        False until the run is done). save() of a finished run writes `kochmon run`'s file."""
        return _results(self._stepper.snapshot(), self.scenario)

    def checkpoint(self, path, output=None):
        """Writes a checkpoint of the run so far to `path` (written as path.tmp and renamed).

        Simulation.resume(path) or `kochmon resume path` continues it; `output` is the result
        file the CLI then writes (default: X.h5 for X.h5.ckpt or X.ckpt).
        """
        path = os.fspath(path)
        if output is None:  # `kochmon run -o X.h5` checkpoints to X.h5.ckpt
            output = path[:-5] if path.endswith(".h5.ckpt") else \
                (path[:-5] if path.endswith(".ckpt") else path) + ".h5"
        self._stepper.checkpoint(path, os.fspath(output))
        return path

    def __repr__(self):
        return (f"<kochmon.Simulation {self._meta()['scenario_name']!r} "
                f"{self.steps_done}/{self.n_steps} months, last {self.month}>")


def _param_spec(name, spec):
    """(name, default, min, max, unit, meaning) from a number, a tuple or a dict."""
    inf = float("inf")
    if isinstance(spec, dict):
        return (name, float(spec["default"]), float(spec.get("min", -inf)),
                float(spec.get("max", inf)), str(spec.get("unit", "1")),
                str(spec.get("meaning", "")))
    if isinstance(spec, (tuple, list)):
        default, lo, hi = (list(spec) + [-inf, inf])[:3]
        return (name, float(default), float(lo), float(hi), "1", "")
    return (name, float(spec), -inf, inf, "1", "")


def _provenance(cls, name):
    """Comment lines for /meta/scenario: the class, its module and version, its source."""
    import hashlib
    import inspect
    module = sys.modules.get(cls.__module__)
    version = getattr(module, "__version__", None)
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        source = None
    head = f"# rule {name}: class {cls.__module__}.{cls.__qualname__}"
    if version is not None:
        head += f", version {version}"
    if source is None:
        return head + ", source unavailable\n"
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    lines = "".join(f"#   | {line}\n" for line in source.rstrip("\n").splitlines())
    return f"{head}, source sha256 {digest}:\n{lines}"


def register_rule(cls):
    """Registers a decision rule written in Python, usable from YAML by its name (returns
    cls, so it also works as a class decorator).

    cls.info() returns {"name": ..., "summary": ..., "formula": ..., "params": {...}}; each
    parameter is a default number, a (default, min, max) tuple or a dict with default, min,
    max, unit and meaning. The loader checks a scenario's params against them as it checks a
    C++ rule's (unknown names, ranges, defaults filled in). cls(**params) is built once per run
    and cls.score_region(ctx) is called once per origin region and month. ctx has month
    ("YYYY-MM"), step, origin (region, w_r, u_r, p_r, P_r, poverty_r, income_mean_r,
    land_ha_mean, sigma2_r) and one read-only numpy array per option field (index 0 is stay,
    1 + d destination d): foreign, available, urban, w_d, fx_d, u_d, p_d, c_d, dist_km, N_rd,
    fee_d, detect_d, legal_d, net_legal_d, net_illegal_d, net_earnings_d, m_d, sigma2_d,
    corr_rd, asc_d (sim/api/
    decision_context.h). It returns one score per option (stay's conventionally 0; scores of
    unavailable options are ignored). The rule has no household part.

    It runs on the thread that steps the engine, so results stay bit-identical for any number
    of threads, as long as score_region is a pure function of ctx. A run that uses it records
    the class, its module's __version__ and its source (with a SHA-256) as comment lines at
    the end of /meta/scenario. Register before loading a scenario that names it; registering
    the same name again replaces the class if the parameters are unchanged.
    """
    info = cls.info()
    name = info["name"]
    params = [_param_spec(k, v) for k, v in (info.get("params") or {}).items()]
    _kochmon.register_rule(name, str(info.get("summary", "")), str(info.get("formula", "")),
                           params, cls, _provenance(cls, name))
    return cls


def rules():
    """Names of every decision rule a scenario may use (built-in and registered)."""
    return list(_kochmon.rule_names())


def sweep(spec, out_dir, set=None, jobs=None, threads=1, progress=True):  # noqa: A002
    """Runs a sweep spec on this machine with `kochmon sweep`'s driver and returns its summary
    (DIR/summary.csv) as a pandas DataFrame, one row per run (point, replicate, seed, the
    parameters, the metrics, run id, status; sweep/README.md).

    out_dir: the sweep directory (run files, summary.csv, summary.h5), as `kochmon sweep -o`;
    complete runs already there are kept, so calling again after an interruption finishes the
    sweep. set: overrides of every run (as `--set`). jobs: runs at once (None: one per core
    divided by threads); threads: threads within each run. Decision rules registered from
    Python may be used. progress: as in kochmon.run(), counting runs. Ctrl-C stops the runs
    at a month boundary, leaves no partial run file and raises KeyboardInterrupt. The
    DataFrame's attrs["sweep"] holds the counts (total, skipped, done, failed, ...).
    Raises InputError for a bad spec or a directory started by another spec.
    """
    import pandas as pd
    callback, bar = None, None
    if callable(progress):
        callback = progress
    elif progress and _Progress.wanted():
        bar = _Progress(f"kochmon sweep: {os.path.basename(os.fspath(spec))}")
        callback = bar
    try:
        counts = _kochmon.sweep(os.fspath(spec), os.fspath(out_dir), _overrides(set),
                                int(jobs or 0), int(threads or 1), callback)
    finally:
        if bar is not None:
            bar.close()
    summary = os.path.join(os.fspath(out_dir), "summary.csv")
    frame = pd.read_csv(summary) if os.path.exists(summary) else pd.DataFrame()
    frame.attrs["sweep"] = dict(counts)
    return frame
