"""Derived data rows are current: the CPI index rows of scenarios/kyrgyzstan/data are the
cumulative product of the inflation rows (tools/data/derive_cpi.py --check)."""
import os
import subprocess
import sys

ROOT = os.environ.get("KOCHMON_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.exit(subprocess.run([sys.executable, os.path.join(ROOT, "tools/data/derive_cpi.py"), "--check"]).returncode)
