#!/usr/bin/python3
"""The report in a real browser: headless Chromium renders it to a PNG (not blank) and, in the
DOM it dumps, the page's script has marked every image as loaded (<html data-images="ok N/N">).
Skipped (exit 77) only when Chromium is not installed."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from kochmon_testlib import check, finish, kochmon, png_is_not_blank, tiny_run, workdir

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("kochmon-skip: chromium is not installed (tools/test.sh installs Debian's chromium)")
    sys.exit(77)

d = workdir("browser")
runs = [tiny_run(d, s) for s in (1, 2)] + [tiny_run(d, 3, "decision.monthly_rate=0.12",
                                                   name="fast.h5")]
report = os.path.join(d, "report.html")
kochmon("report", *runs, "-o", report)
url = "file://" + os.path.abspath(report)


def browser(*args):
    profile = tempfile.mkdtemp(prefix="kochmon-chromium-")
    try:
        return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-background-networking", "--no-first-run",
                               f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=90, cwd=d)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


shot = os.path.join(d, "report.png")
r = browser(f"--screenshot={shot}", "--window-size=1280,4000")
if check(os.path.exists(shot), f"no screenshot\n{r.stderr[-2000:]}"):
    ok, stats = png_is_not_blank(shot, min_std=0.05, min_ink=0.05)
    check(ok, f"screenshot looks blank {stats}")

r = browser("--dump-dom", "--virtual-time-budget=5000")
m = re.search(r'<html[^>]*data-images="([^"]*)"', r.stdout)
check(m is not None, f"no data-images marker in the DOM\n{r.stdout[:500]}\n{r.stderr[-1000:]}")
if m:
    state = m.group(1)
    n = re.fullmatch(r"ok (\d+)/(\d+)", state)
    check(n is not None and n.group(1) == n.group(2) and int(n.group(1)) >= 7,
          f"images not all loaded: {state}")
for heading in ["Scenario summary", "Key figures", "Validation", "Provenance"]:
    check(f">{heading}</h2>" in r.stdout, f"rendered DOM lacks heading {heading}")
print("screenshot:", shot)
finish()
