"""Shared plumbing of the study scripts (compare_theories.py, posterior_claims.py,
recovery.py): the kochmon binary, running a command, and writing results atomically."""

import os
import subprocess
import sys

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def kochmon_bin():
    """$KOCHMON_BIN, else the release build's binary."""
    return os.environ.get("KOCHMON_BIN") or os.path.join(SOURCE, "build", "release", "tools",
                                                         "kochmon")


def run(cmd):
    """Runs cmd; on failure prints it with its output and exits with its code (1 or 2, else 1)."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
        sys.exit(r.returncode if r.returncode in (1, 2) else 1)
    return r


def write(path, text):
    """Writes path under a temporary name and renames it (nothing half-written is left)."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def publish(text, path, markdown=None):
    """Writes a table to path (and to markdown, when given) and prints it."""
    for p in [path] + ([markdown] if markdown else []):
        write(p, text)
    sys.stdout.write(text)


def table(header, rows):
    """A Markdown table: the header row, the rule, one line a row of already formatted cells."""
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])
