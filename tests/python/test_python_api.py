#!/usr/bin/python3
"""The Python module `kochmon` (issue #17; tools/python/): pytest tests, one ctest.

The module is looked for next to the kochmon binary under test (KOCHMON_BIN's directory
/python, i.e. <build>/tools/python) or in KOCHMON_PYTHON_DIR. A build without it (sanitizer
builds, pybind11 missing) skips this test (exit 77). Covers: results bit-identical to the
CLI's (/series digests), the labelled arrays, bad input raising kochmon.InputError (the whole
bad-scenario corpus, bad --set keys, damaged files), KeyboardInterrupt at a month boundary
(raised from the progress callback, from a thread, and a real SIGINT to a child process),
open -> save -> open, the step-by-step Simulation (aggregates, households, checkpoints resumed
by Python and by `kochmon resume`), a decision rule written in Python (push_pull's region part,
bit-identical to the C++ rule), sweeps (the CLI's summary; interrupted, then finished), the
Jupyter reprs (well-formed HTML tables: the scenario's name, period, rules and overrides; the
key figures) and the README's example. About 7 s.
"""

import glob
import os
import re
import signal
import subprocess
import sys
import threading
import time
import _thread

from kochmon_testlib import BIN, SOURCE

MODULE_DIR = os.path.abspath(os.environ.get("KOCHMON_PYTHON_DIR")
                             or os.path.join(os.path.dirname(BIN), "python"))
if not glob.glob(os.path.join(MODULE_DIR, "kochmon", "_kochmon*.so")):
    print(f"SKIP: the Python module is not built in {MODULE_DIR} (sanitizer build, or "
          f"pybind11-dev missing: tools/setup.sh installs it)")
    sys.exit(77)
sys.path.insert(0, MODULE_DIR)

try:
    import pytest  # noqa: E402
except ImportError:
    print("SKIP: python3-pytest is not installed (tools/setup.sh installs it)")
    sys.exit(77)
import numpy as np  # noqa: E402

import kochmon  # noqa: E402
import kochmon_read as kr  # noqa: E402

TINY = os.path.join(SOURCE, "scenarios", "examples", "tiny.yaml")
BASE = os.path.join(SOURCE, "scenarios", "kyrgyzstan", "base.yaml")
BAD = os.path.join(SOURCE, "tests", "scenarios", "bad")
BASE_SETS = {"scale": 0.002, "time.end": "2013-12"}


def cli(*args):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"kochmon {args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"


def cli_run(out, scenario, seed, sets, threads=1):
    args = ["run", scenario, "-q", "--seed", seed, "-o", out, "--threads", threads]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    cli(*args)
    return out


@pytest.fixture(scope="module")
def base_pair(tmp_path_factory):
    """The same small Kyrgyzstan run by the CLI (1 thread) and by the module (2 threads)."""
    d = tmp_path_factory.mktemp("base")
    cli_file = cli_run(str(d / "cli.h5"), BASE, 3, BASE_SETS)
    res = kochmon.run(kochmon.Scenario.load(BASE, set=BASE_SETS), seed=3, threads=2,
                      progress=False)
    return cli_file, res, d


# --- results identical to the CLI's ----------------------------------------------------------

def test_series_byte_identical_to_cli(base_pair):
    cli_file, res, d = base_pair
    py_file = res.save(str(d / "py.h5"))
    assert not os.path.exists(py_file + ".tmp")
    assert kr.series_digest(py_file) == kr.series_digest(cli_file)
    cli_meta, py_meta = kr.read_meta(cli_file), kr.read_meta(py_file)
    assert py_meta["scenario"] == cli_meta["scenario"]
    for key in ("seed", "scale", "households", "persons", "n_steps", "steps_done", "start",
                "complete", "scenario_name", "format_version", "filetype"):
        assert py_meta[key] == cli_meta[key], key
    assert py_meta["threads"] == 2 and cli_meta["threads"] == 1


def test_same_file_structure_as_cli(base_pair):
    import h5py
    cli_file, res, d = base_pair
    py_file = res.save(str(d / "py2.h5"))

    def shape(path):
        out = {}
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                attrs = {k: v for k, v in obj.attrs.items()
                         if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
                out[name] = (getattr(obj, "shape", None), sorted(attrs),
                             {k: attrs[k] for k in ("unit", "description", "axes", "units")
                              if k in attrs})
            f.visititems(visit)
        return out
    assert shape(py_file) == shape(cli_file)


def test_tiny_identical_any_threads(tmp_path):
    cli_file = cli_run(str(tmp_path / "cli.h5"), TINY, 11, {})
    for threads in (1, 2):
        res = kochmon.run(kochmon.Scenario.load(TINY), seed=11, threads=threads, progress=False)
        out = res.save(str(tmp_path / f"py{threads}.h5"))
        assert kr.series_digest(out) == kr.series_digest(cli_file)


def test_series_is_a_labelled_data_array(base_pair):
    import xarray as xr
    cli_file, res, _ = base_pair
    stock = res.series("stock")
    assert isinstance(stock, xr.DataArray)
    assert stock.dims == ("time", "region", "destination")
    assert stock.attrs["units"] == "persons" and stock.attrs["description"]
    assert stock["time"].dtype == np.dtype("datetime64[ns]")
    assert str(stock["month"].values[0]) == "2010-01" and stock.sizes["time"] == 48
    values, axes, labels = kr.read_series(cli_file, "stock")
    assert list(stock["region"].values) == labels["region"]
    assert list(stock["destination"].values) == labels["destination"]
    assert list(stock["month"].values) == labels["time"]
    np.testing.assert_array_equal(stock.values, values)
    assert res.meta["seed"] == 3 and res.meta["steps_done"] == 48 and res.meta["complete"]
    assert set(res.names) == set(kr.list_series(cli_file))
    assert float(stock.sel(destination="russia").isel(time=-1).sum()) > 0


def test_to_dataframe_matches_kochmon_read(base_pair):
    cli_file, res, _ = base_pair
    mine = res.to_dataframe("departures")
    theirs = kr.series_frame(cli_file, "departures")
    assert list(mine.columns) == list(theirs.columns)
    np.testing.assert_array_equal(mine["value"].values, theirs["value"].values)
    assert (mine["region"].values == theirs["region"].values).all()
    everything = res.to_dataframe()
    assert set(everything["series"]) == set(res.names)
    assert len(everything) == sum(len(res.to_dataframe(n)) for n in res.names)


# --- scenarios ------------------------------------------------------------------------------

def test_scenario_keys_by_path():
    scn = kochmon.Scenario.load(TINY, set={"decision.rules[0].params.b_wage": 1.5,
                                           "time.end": "2011-06"})
    assert scn.name == "tiny" and scn.end == "2011-06" and scn.n_steps == 18
    assert scn.get("decision.rules[0].params.b_wage") == 1.5
    assert scn["regions[south].population"] == 460
    assert scn.get("no.such.key", None) is None
    scn.set("scale", 0.5)
    assert scn.scale == 0.5 and scn["scale"] == 0.5
    assert "scale: 0.5" in scn.to_yaml()
    assert scn.overrides[-1] == "scale=0.5"
    with pytest.raises(kochmon.InputError):
        scn.set("scale", -1)
    assert scn.scale == 0.5  # unchanged by the refused override


def test_resolved_yaml_is_what_the_file_holds(base_pair):
    cli_file, res, _ = base_pair
    assert res.scenario_yaml == kr.read_meta(cli_file)["scenario"]
    assert kochmon.Scenario.load(BASE, set=BASE_SETS, seed=3).to_yaml() == res.scenario_yaml


# --- bad input ------------------------------------------------------------------------------

BAD_CASES = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(BAD, "*.yaml")))


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_scenario_raises_input_error(case, monkeypatch):
    # As the C++ test: loaded by the bare name from its directory, so the messages are what a
    # user there sees; each error line of <case>.expected appears verbatim (hints are checked
    # for presence only: the C++ test's fake registry lists other known names).
    monkeypatch.chdir(BAD)
    with pytest.raises(kochmon.InputError) as info:
        kochmon.Scenario.load(case + ".yaml")
    text = str(info.value)
    with open(os.path.join(BAD, case + ".expected"), encoding="utf-8") as f:
        expected = [line.rstrip("\n") for line in f if line.strip()]
    for line in expected:
        if line.startswith("  hint: "):
            assert "  hint: " in text, (case, text)
        else:
            assert line in text, (case, line, text)
    assert isinstance(info.value, ValueError)


def test_input_error_carries_position_key_expected_found_hint():
    with pytest.raises(kochmon.InputError) as info:
        kochmon.Scenario.load(os.path.join(BAD, "several_errors.yaml"))
    errors = info.value.errors
    assert len(errors) == 6
    first = errors[0]
    assert first["file"].endswith("several_errors.yaml") and first["line"] == 5
    assert first["column"] == 5 and first["message"].startswith("regions[0].lon:")
    assert first["hint"] == "add 'lon:' to regions[0]"
    assert any("expected true or false, got 'yes'" in e["message"] for e in errors)


def test_bad_set_override_raises():
    with pytest.raises(kochmon.InputError) as info:
        kochmon.Scenario.load(TINY, set={"decision.rules[0].params.b_wgae": 1.0})
    assert "decision.rules[0].params.b_wgae" in str(info.value)
    assert "b_wage" in str(info.value)  # the hint
    with pytest.raises(kochmon.InputError, match="scale"):
        kochmon.Scenario.load(TINY, set={"scale": "lots"})
    with pytest.raises(kochmon.InputError):
        kochmon.Scenario.load(os.path.join(BAD, "no_such_file.yaml"))


def test_open_rejects_what_is_not_a_run(tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5 at all" * 10)
    with pytest.raises(kochmon.InputError, match="junk.h5"):
        kochmon.open(junk)
    with pytest.raises(kochmon.InputError):
        kochmon.open(tmp_path / "missing.h5")
    with pytest.raises(KeyError, match="stock"):
        kochmon.open(cli_run(str(tmp_path / "t.h5"), TINY, 1, {})).series("stok")


def test_save_into_a_missing_directory_raises_and_leaves_nothing(tmp_path):
    res = kochmon.run(kochmon.Scenario.load(TINY, set={"time.end": "2010-06"}), progress=False)
    target = tmp_path / "no" / "such" / "dir" / "x.h5"
    with pytest.raises((kochmon.RunError, kochmon.InputError)):
        res.save(target)
    assert not os.path.exists(tmp_path / "no")


# --- Ctrl-C -----------------------------------------------------------------------------------

LONG = {"time.end": "2109-12"}  # 1,200 months (the most allowed): time to interrupt


def test_keyboard_interrupt_stops_at_a_month_boundary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 5:
            signal.raise_signal(signal.SIGINT)  # what Ctrl-C does, at a known month

    with pytest.raises(KeyboardInterrupt):
        kochmon.run(kochmon.Scenario.load(TINY, set=LONG), progress=progress, threads=2)
    assert seen == [1, 2, 3, 4, 5]  # stopped at the boundary after the interrupted month
    assert os.listdir(tmp_path) == []  # nothing written, nothing half-written


def test_keyboard_interrupt_from_another_thread_while_the_engine_runs(tmp_path, monkeypatch):
    # The engine runs with the GIL released; the interrupt comes from a thread, as a signal
    # would, and is acted on at the next month boundary.
    monkeypatch.chdir(tmp_path)
    months = []

    def progress(done, total):
        months.append(done)
        time.sleep(0.002)  # give every month a little length, without the GIL held long

    timer = threading.Timer(0.3, _thread.interrupt_main)
    t0 = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            kochmon.run(kochmon.Scenario.load(TINY, set=LONG), progress=progress)
    finally:
        timer.cancel()
    assert 0 < len(months) < 1200 and time.monotonic() - t0 < 30
    assert os.listdir(tmp_path) == []


CHILD = """
import sys, kochmon
scn = kochmon.Scenario.load(sys.argv[1], set={"scale": 0.02})
def progress(done, total):
    if done == 1:
        print("running", flush=True)
try:
    kochmon.run(scn, progress=progress, threads=1)
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_real_sigint_while_the_engine_runs(tmp_path):
    # A real SIGINT, delivered while the engine runs with the GIL released (the CLI's Ctrl-C).
    env = {**os.environ, "PYTHONPATH": MODULE_DIR}
    child = subprocess.Popen(["/usr/bin/python3", "-c", CHILD, BASE], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "running"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "interrupted", (out, err)
    assert os.listdir(tmp_path) == []


def test_exception_in_progress_stops_the_run():
    def progress(done, total):
        if done == 3:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        kochmon.run(kochmon.Scenario.load(TINY), progress=progress)


def test_progress_callable_sees_every_month():
    seen = []
    kochmon.run(kochmon.Scenario.load(TINY), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(i, 36) for i in range(1, 37)]


# --- files ------------------------------------------------------------------------------------

def test_open_save_open_round_trip(base_pair, tmp_path):
    cli_file, _, _ = base_pair
    first = kochmon.open(cli_file)
    assert first.meta == {**first.meta, "seed": 3, "steps_done": 48, "complete": True}
    copy = first.save(str(tmp_path / "copy.h5"))
    again = kochmon.open(copy)
    assert kr.series_digest(copy) == kr.series_digest(cli_file)
    assert again.meta["run_id"] == first.meta["run_id"]
    for key in ("seed", "scale", "households", "persons", "n_steps", "steps_done", "start",
                "threads", "wall_seconds", "scenario_name"):
        assert again.meta[key] == first.meta[key], key
    assert again.scenario_yaml == first.scenario_yaml
    assert again.names == first.names
    for name in first.names:
        a, b = first.series(name), again.series(name)
        assert a.dims == b.dims and a.attrs == b.attrs
        np.testing.assert_array_equal(a.values, b.values)
        for dim in a.dims[1:]:
            assert list(a[dim].values) == list(b[dim].values)


def test_opened_and_run_results_agree(base_pair):
    cli_file, res, _ = base_pair
    opened = kochmon.open(cli_file)
    assert opened.names == res.names  # the engine's order, though HDF5 lists them by name
    for name in res.names:
        np.testing.assert_array_equal(opened.values(name), res.values(name))
        assert opened.series(name).attrs == res.series(name).attrs



# --- step by step -----------------------------------------------------------------------------

def test_simulation_step_by_step_equals_a_whole_run(tmp_path):
    scn = kochmon.Scenario.load(TINY)
    whole = kochmon.run(scn, progress=False, threads=1)
    sim = kochmon.Simulation(scn, threads=2)
    assert sim.steps_done == 0 and sim.month is None and sim.n_steps == 36
    sim.run_to("2011-06")
    assert sim.steps_done == 18 and sim.month == "2011-06"
    stock = sim.current("stock")
    assert stock.dims == ("region", "destination") and stock.attrs["month"] == "2011-06"
    np.testing.assert_array_equal(stock.values, whole.values("stock")[17])
    for name, now in sim.current().items():
        np.testing.assert_array_equal(now, whole.values(name)[17])
    partial = sim.results()
    assert partial.meta["steps_done"] == 18 and not partial.meta["complete"]
    assert np.isnan(partial.values("stock")[18:]).all()
    with pytest.raises(ValueError):
        sim.run_to("2010-03")  # no going back
    sim.step(2).run_to_end(progress=False)
    assert sim.done
    out = sim.results().save(str(tmp_path / "steps.h5"))
    assert kr.series_digest(out) == kr.series_digest(whole.save(str(tmp_path / "whole.h5")))


# --- a world drawn once, reused across seeds -------------------------------------------------

def test_world_reused_across_seeds_equals_the_cli(tmp_path):
    """A replicate on a reused world is the CLI's run at its seed with the world's world_seed,
    bit for bit (files and households); its population is the world's, not a fresh draw."""
    scn = kochmon.Scenario.load(BASE, set=BASE_SETS)
    world = kochmon.World(scn, threads=2)
    assert world.world_seed == scn.world_seed and world.households > 0
    drawn = {}
    for seed in (4, 9):
        res = kochmon.run(scn, seed=seed, world=world, threads=2, progress=False)
        assert res.meta["seed"] == seed
        assert f"world_seed: {scn.world_seed}" in res.scenario_yaml
        cli_file = cli_run(str(tmp_path / f"cli{seed}.h5"), BASE, seed,
                           {**BASE_SETS, "world_seed": scn.world_seed})
        out = res.save(str(tmp_path / f"py{seed}.h5"))
        assert kr.series_digest(out) == kr.series_digest(cli_file)
        sim = kochmon.Simulation(scn, seed=seed, world=world, threads=1)
        drawn[seed] = sim.households()
        sim.run_to_end(progress=False)
        assert kr.series_digest(sim.results().save(str(tmp_path / f"sim{seed}.h5"))) == \
            kr.series_digest(cli_file)
    # the same population under both seeds (it is the world's), though the runs differ
    for key, v in drawn[4].items():
        np.testing.assert_array_equal(v, drawn[9][key], err_msg=key)
    # without the world, seed 9 draws another population (world_seed follows seed)
    other = kochmon.Simulation(scn, seed=9, threads=1).households()
    assert any(len(other[k]) != len(v) or not np.array_equal(other[k], v)
               for k, v in drawn[9].items())


def test_world_refuses_another_scenario():
    scn = kochmon.Scenario.load(BASE, set=BASE_SETS)
    world = kochmon.World(scn, threads=1)
    for changed in (scn.copy().set("scale", 0.003), scn.copy().set("world_seed", 5),
                    kochmon.Scenario.load(TINY)):
        with pytest.raises(ValueError, match="draw a World for it"):
            kochmon.run(changed, world=world, progress=False)
        with pytest.raises(ValueError, match="draw a World for it"):
            kochmon.Simulation(changed, world=world)


def test_simulation_households_and_adults():
    sim = kochmon.Simulation(kochmon.Scenario.load(TINY), threads=1).run_to(12)
    everyone = sim.households()
    n = sim.results().meta["households"]
    assert everyone["id"].tolist() == list(range(n))
    assert set(np.unique(everyone["region"])) <= {0, 1}
    sample = sim.households(sample=20, seed=1)
    assert len(sample["id"]) == 20 and len(set(sample["id"].tolist())) == 20
    for key, values in sample.items():
        np.testing.assert_array_equal(values, everyone[key][sample["id"]])
    adults = sim.adults(sample=sample["id"])
    assert len(adults["household"]) == int(sample["n_adults"].sum())
    away = adults["status"] == 3
    assert ((adults["dest"] >= 0) == away).all()
    with pytest.raises(IndexError):
        sim.households(sample=[n])


def test_checkpoint_resumed_by_python_and_by_the_cli(tmp_path):
    cli_file = cli_run(str(tmp_path / "cli.h5"), TINY, 5, {"scale": 0.5})
    scn = kochmon.Scenario.load(TINY, set={"scale": 0.5}, seed=5)
    sim = kochmon.Simulation(scn).run_to("2011-02")
    ckpt = sim.checkpoint(str(tmp_path / "half.h5.ckpt"))
    assert not os.path.exists(ckpt + ".tmp")
    again = kochmon.Simulation.resume(ckpt, threads=1)
    assert again.steps_done == 14
    mine = again.run_to_end(progress=False).results().save(str(tmp_path / "py.h5"))
    assert kr.series_digest(mine) == kr.series_digest(cli_file)
    cli("resume", ckpt, "--threads", 2)  # writes half.h5, as `kochmon run -o half.h5` would
    assert kr.series_digest(str(tmp_path / "half.h5")) == kr.series_digest(cli_file)
    sim.run_to_end(progress=False)  # the original goes on after its checkpoint
    assert kr.series_digest(sim.results().save(str(tmp_path / "on.h5"))) == \
        kr.series_digest(cli_file)


def test_simulation_step_interrupted_keeps_the_months_done(tmp_path):
    sim = kochmon.Simulation(kochmon.Scenario.load(TINY, set=LONG), threads=1)

    def progress(done, total):
        if done == 7:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        sim.step(100, progress=progress)
    assert sim.steps_done == 7
    sim.step(3)
    assert sim.steps_done == 10


def test_jupyter_reprs(base_pair):
    _, res, _ = base_pair
    scn = kochmon.Scenario.load(BASE, set=BASE_SETS)
    html = scn._repr_html_()
    assert "kyrgyzstan_base" in html and "push_pull" in html and "2013-12" in html
    assert "scale=0.002" in html  # the overrides
    figures = dict(res.key_figures())
    abroad = float(res.series("stock").isel(time=-1)
                   .sel(destination=["russia", "kazakhstan", "other"]).sum())
    assert figures["abroad at 2013-12"] == f"{abroad:,.0f}"
    assert "<table>" in res._repr_html_() and "remittances" in res._repr_html_()
    assert "kyrgyzstan_base" in repr(res) and "48/48" in repr(res)


def _html_table(html):
    """(caption, [(header, cell)]) of a _repr_html_ table; fails unless it is one well-formed
    <table> of <tr><th>..</th><td>..</td></tr> rows (text unescaped, as a browser shows it)."""
    from html.parser import HTMLParser

    class Table(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.caption, self.rows, self.text = [], "", [], None

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)
            if tag == "tr":
                self.rows.append([])
            elif tag in ("th", "td", "caption"):
                self.text = ""

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
            self.stack.pop()
            if tag in ("th", "td"):
                self.rows[-1].append(self.text)
            elif tag == "caption":
                self.caption = self.text
            self.text = None if tag != "caption" else self.text

        def handle_data(self, data):
            if self.text is not None:
                self.text += data
            else:
                assert not data.strip(), f"text outside a cell: {data!r}"

    parser = Table()
    parser.feed(html)
    parser.close()
    assert html.startswith("<table>") and html.endswith("</table>") and not parser.stack
    assert all(len(r) == 2 for r in parser.rows), parser.rows
    return parser.caption, [tuple(r) for r in parser.rows]


def test_repr_html_tables(base_pair, tmp_path):
    # Scenario: name, period, rules (with their parameters), the levers set, as table rows.
    scn = kochmon.Scenario.load(BASE, set=dict(BASE_SETS, **{"decision.monthly_rate": 0.1}))
    caption, rows = _html_table(scn._repr_html_())
    assert "kochmon scenario" in caption and BASE in caption
    cells = dict(rows)
    assert cells["name"] == "kyrgyzstan_base" == scn.name
    assert cells["period"] == "2010-01 to 2013-12 (48 months)"
    assert cells["scale"] == "0.002" and cells["seed"] == str(scn.seed)
    assert cells["regions"].split(", ") == scn.regions
    assert cells["destinations"].split(", ") == scn.destinations
    assert cells["decision"].startswith("logit of push_pull {'b_wage': ")
    assert cells["decision"].endswith("monthly_rate 0.1")
    assert cells["overrides"] == "scale=0.002, time.end=2013-12, decision.monthly_rate=0.1"
    assert "'" in cells["description"]  # "Kyrgyzstan's": escaped in the HTML, shown as is
    # Results: the key figures, row for row, for a run and for the same run read from a file.
    _, res, _ = base_pair
    html = res._repr_html_()
    caption, rows = _html_table(html)
    assert caption == "kochmon results: kyrgyzstan_base"
    # sub-rows ("  in russia") are indented by style, since HTML collapses leading spaces
    assert rows == [(k.strip(), v) for k, v in res.key_figures()]
    assert "padding-left:1.5em;'>in russia</th>" in html
    assert "padding-left:1.5em;'>months</th>" not in html
    labels = [k for k, _ in rows]
    assert labels[:3] == ["months", "seed, scale", "households, persons (simulated)"]
    assert "abroad at 2013-12" in labels and "in russia" in labels
    assert "remittances, last 12 months (USD)" in labels
    assert dict(rows)["months"] == "48 of 48 from 2010-01"
    opened = kochmon.open(res.save(str(tmp_path / "r.h5")))
    assert _html_table(opened._repr_html_()) == (caption, rows)
    # A run stopped early: the figures of the last month done.
    sim = kochmon.Simulation(kochmon.Scenario.load(BASE, set=BASE_SETS), seed=3, threads=1)
    part = sim.run_to("2011-03").results()
    cells = dict(_html_table(part._repr_html_())[1])
    assert cells["months"] == "15 of 48 from 2010-01" and "abroad at 2011-03" in cells


# --- a decision rule written in Python --------------------------------------------------------

class PushPullPy:
    """push_pull's region part (agents/rules/push_pull.cpp), term by term in the same order,
    with libm's log and log1p (math.*), so every score is the same double."""

    @staticmethod
    def info():
        return {"name": "push_pull_py", "summary": "push_pull's region part, in Python",
                "params": {"b_wage": {"default": 1.0, "min": 0, "max": 20, "unit": "1"},
                           "b_unemp": (2.0, 0, 50), "b_network": (0.5, 0, 20),
                           "k_network": (10.0, 0, 1e4), "b_cost": (0.1, 0, 20),
                           "b_dist": (0.2, 0, 20), "b_poverty": (1.0, 0, 20),
                           "asc_internal": (-1.0, -50, 50), "asc_foreign": (0.0, -50, 50),
                           # the household part's, accepted so that scenarios load; must be 0
                           "b_land": (0.5, 0, 20), "land_need_ha": (0.5, 0, 100),
                           "b_farm": (0.2, 0, 20), "b_away": (0.0, 0, 20),
                           "b_policy": (1.0, 0, 20)}}

    def __init__(self, **p):
        if p["b_land"] or p["b_farm"] or p["b_away"]:
            raise ValueError("push_pull_py has no household part: set b_land, b_farm, b_away 0")
        self.p = p

    def score_region(self, ctx):
        import math
        p, o = self.p, ctx.origin
        w, fx, u, c = ctx.w_d.tolist(), ctx.fx_d.tolist(), ctx.u_d.tolist(), ctx.c_d.tolist()
        n_rd, dist, asc = ctx.N_rd.tolist(), ctx.dist_km.tolist(), ctx.asc_d.tolist()
        kept = ctx.net_earnings_d.tolist()
        s = [0.0] * len(w)
        for i in range(1, len(s)):
            if not ctx.available[i]:
                continue
            network = math.log1p(p["k_network"] * n_rd[i] / o.P_r) if o.P_r > 0 else 0.0
            s[i] = (p["b_wage"] * math.log(w[i] * fx[i] / o.w_r) + p["b_unemp"] * (o.u_r - u[i])
                    + p["b_network"] * network - p["b_cost"] * c[i] / o.w_r
                    - p["b_dist"] * dist[i] / 1000.0 + p["b_poverty"] * o.poverty_r
                    + (p["asc_foreign"] if ctx.foreign[i] else p["asc_internal"]) + asc[i])
            if ctx.foreign[i] and p["b_policy"] != 0:  # the policy term abroad
                wage = w[i] * fx[i]
                s[i] += p["b_policy"] * math.log(max(kept[i], 1e-6 * wage) / wage)
        return s


kochmon.register_rule(PushPullPy)
NO_HOUSEHOLD = {"decision.rules[0].params.b_land": 0, "decision.rules[0].params.b_farm": 0,
                "decision.rules[0].params.b_away": 0}  # push_pull's household part, off


def test_python_rule_reproduces_push_pull_exactly(tmp_path):
    assert "push_pull_py" in kochmon.rules() and "push_pull" in kochmon.rules()
    for scenario, sets in ((TINY, {}), (BASE, BASE_SETS)):
        cpp = cli_run(str(tmp_path / "cpp.h5"), scenario, 9, {**sets, **NO_HOUSEHOLD})
        py_sets = {**sets, **NO_HOUSEHOLD, "decision.rules[0].rule": "push_pull_py"}
        scn = kochmon.Scenario.load(scenario, set=py_sets)
        assert scn.get("decision.rules[0].rule") == "push_pull_py"
        for threads in (1, 2):
            res = kochmon.run(scn, seed=9, threads=threads, progress=False)
            out = res.save(str(tmp_path / f"py{threads}.h5"))
            assert kr.series_digest(out) == kr.series_digest(cpp), (scenario, threads)
        assert "# rule push_pull_py: class" in res.scenario_yaml
        assert "def score_region(self, ctx):" in res.scenario_yaml
        assert res.scenario_yaml.startswith(scn.with_seed(9).to_yaml())


def test_python_rule_params_are_checked_by_the_loader():
    with pytest.raises(kochmon.InputError) as info:
        kochmon.Scenario.load(TINY, set={"decision.rules[0].rule": "push_pull_py",
                                         "decision.rules[0].params.b_wage": 99})
    assert "decision.rules[0].params.b_wage" in str(info.value)
    with pytest.raises(kochmon.InputError, match="b_lnad"):
        kochmon.Scenario.load(TINY, set={"decision.rules[0].rule": "push_pull_py",
                                         "decision.rules[0].params.b_lnad": 1})
    scn = kochmon.Scenario.load(TINY, set={"decision.rules[0].rule": "push_pull_py"})
    assert scn.get("decision.rules[0].params.k_network") == 10.0  # the default filled in
    with pytest.raises(ValueError, match="no household part"):  # raised by its __init__
        kochmon.run(scn, progress=False)


def test_python_rule_errors_are_raised_not_crashes(tmp_path):
    class Broken:
        @staticmethod
        def info():
            return {"name": "broken_py", "params": {"fail_at": (5, 0, 100), "mode": (0, 0, 1)}}

        def __init__(self, fail_at, mode):
            self.fail_at, self.mode = fail_at, mode

        def score_region(self, ctx):
            if ctx.step < self.fail_at:
                return np.zeros(len(ctx.w_d))
            if self.mode:
                raise ZeroDivisionError(f"broken at step {ctx.step}")
            return [0.0]  # the wrong length

    kochmon.register_rule(Broken)
    with open(TINY, encoding="utf-8") as f:
        text = f.read()
    rules = "    - rule: push_pull\n      params: {b_wage: 1.2, asc_internal: -1.5}\n"
    assert rules in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(rules, "    - rule: broken_py\n      params: {fail_at: 3}\n"),
                    encoding="utf-8")
    scn = kochmon.Scenario.load(path)
    with pytest.raises(RuntimeError, match="must return 4 numbers"):
        kochmon.run(scn, progress=False)
    scn.set("decision.rules[0].params.mode", 1)
    sim = kochmon.Simulation(scn)
    with pytest.raises(ZeroDivisionError, match="broken at step 3"):
        sim.run_to_end(progress=False)
    assert sim.steps_done == 3
    with pytest.raises(RuntimeError, match="make a new one"):
        sim.step()
    with pytest.raises(ValueError, match="other parameters"):
        class Other(Broken):
            @staticmethod
            def info():
                return {"name": "broken_py", "params": {}}
        kochmon.register_rule(Other)
    with pytest.raises(ValueError, match="built-in"):
        class Clash(Broken):
            @staticmethod
            def info():
                return {"name": "push_pull", "params": {}}
        kochmon.register_rule(Clash)


# --- sweeps -----------------------------------------------------------------------------------

TINY_GRID = os.path.join(SOURCE, "scenarios", "sweeps", "tiny_grid.yaml")


def test_sweep_gives_the_cli_summary(tmp_path):
    cli("sweep", TINY_GRID, "-o", tmp_path / "cli", "-q", "--jobs", 1)
    seen = []
    frame = kochmon.sweep(TINY_GRID, tmp_path / "py", jobs=2,
                          progress=lambda d, t: seen.append((d, t)))
    with open(tmp_path / "cli" / "summary.csv") as a, open(tmp_path / "py" / "summary.csv") as b:
        assert a.read() == b.read()
    assert len(frame) == 12 and set(frame["status"]) == {"ok"}
    assert {"b_wage", "stock_russia_end", "seed", "run_id"} <= set(frame.columns)
    assert frame.attrs["sweep"]["done"] == 12 and seen[-1] == (12, 12)
    again = kochmon.sweep(TINY_GRID, tmp_path / "py", progress=False)
    assert again.attrs["sweep"]["skipped"] == 12 and again.equals(frame)
    with pytest.raises(kochmon.InputError):
        kochmon.sweep(os.path.join(BAD, "empty_file.yaml"), tmp_path / "bad", progress=False)


def test_sweep_with_a_python_rule(tmp_path):
    # The sweep's runs go on in threads of the driver, which take the GIL for the rule.
    sets = [f"{k}={v}" for k, v in NO_HOUSEHOLD.items()]
    cli("sweep", TINY_GRID, "-o", tmp_path / "cli", "-q", "--jobs", 2,
        *[a for s in sets for a in ("--set", s)])
    mine = kochmon.sweep(TINY_GRID, tmp_path / "py", jobs=2, progress=False,
                         set={**NO_HOUSEHOLD, "decision.rules[0].rule": "push_pull_py"})
    theirs = kochmon.sweep(TINY_GRID, tmp_path / "cli", progress=False, set=NO_HOUSEHOLD)
    assert theirs.attrs["sweep"]["skipped"] == 12
    metrics = ["stock_russia_end", "departures_total", "remittances_usd_mean",
               "unemployment_south"]
    assert mine[metrics].equals(theirs[metrics]) and mine["seed"].equals(theirs["seed"])


def test_sweep_interrupted_then_finished(tmp_path):
    spec = tmp_path / "long.yaml"
    with open(TINY_GRID, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("base: ../examples/tiny.yaml", f"base: {TINY}")
    text = text.replace("time.end=2010-06", "time.end=2109-12")
    spec.write_text(text, encoding="utf-8")
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            kochmon.sweep(spec, tmp_path / "sw", jobs=1, progress=False)
    finally:
        timer.cancel()
    leftovers = [f for f in os.listdir(tmp_path / "sw" / "runs") if not f.endswith(".h5")]
    assert leftovers == []  # no .tmp and no checkpoint
    frame = kochmon.sweep(spec, tmp_path / "sw", jobs=2, progress=False)
    counts = frame.attrs["sweep"]
    assert counts["skipped"] + counts["done"] == 12 and counts["done"] > 0
    assert set(frame["status"]) == {"ok"}

# --- the README's example ---------------------------------------------------------------------

def test_readme_example_runs(tmp_path):
    with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    m = re.search(r"<!-- python-example -->\s*```python\n(.*?)```", readme, re.S)
    assert m, "README.md: no ```python block after <!-- python-example -->"
    code = m.group(1)
    assert len(code.strip().splitlines()) <= 5
    os.symlink(os.path.join(SOURCE, "scenarios"), tmp_path / "scenarios")
    env = {**os.environ, "PYTHONPATH": MODULE_DIR, "MPLBACKEND": "Agg"}
    r = subprocess.run(["/usr/bin/python3", "-c", code], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "stock.png").stat().st_size > 1000


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
