#!/usr/bin/python3
"""The known failing claims of test_scenarios_kyrgyzstan.py (issue #12, defect 5).

Two uses, one file (this module) for both:

* the scenario test imports read_list() to read tests/python/known_failing.txt, the single
  list of known failures (also read by tests/CMakeLists.txt, which registers one ctest
  `known_failing.<slug>` per line, marked WILL_FAIL);
* each of those ctests runs this file as a script:

      known_failing.py CLAIM            (env KOCHMON_SCENARIO_VERDICTS: the verdicts file;
                                         KOCHMON_KNOWN_FAILING_REASON: the line's reason)

  It reads the verdicts the scenario test wrote (JSON, every claim it evaluated with its
  numbers) and exits 1 when CLAIM failed: WILL_FAIL turns that into a pass, so ctest shows
  the known failure as passing while it fails honestly. It exits 0 (a ctest failure) when
  CLAIM holds (an XPASS: take it off the list), when the scenario test never evaluated a
  claim of that name (a typo, or a renamed claim), when the verdicts are missing or stale,
  and on any error of its own: under WILL_FAIL only the one path "evaluated and failed" may
  exit non-zero.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIST = os.path.join(HERE, "known_failing.txt")


def slug(name):
    """The ctest name's suffix; tests/CMakeLists.txt computes the same (lower case, every run of
    characters other than a-z and 0-9 replaced by one "_", no "_" at either end)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def read_list(path=LIST):
    """{claim: reason} from the list file, with the errors found ([] when it is well formed).

    A line is `claim name | reason`; blank lines and lines starting with # are ignored. CMake
    reads the same file as a list, so ";", "[", "]" and "\\" are not allowed anywhere in it."""
    known, errors, slugs = {}, [], {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            where = f"{os.path.basename(path)}:{number}"
            if any(c in line for c in ";[]\\"):
                errors.append(f"{where}: the characters ; [ ] \\ are not allowed (CMake lists)")
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            name, sep, reason = (part.strip() for part in text.partition("|"))
            if not sep or not name or not reason:
                errors.append(f"{where}: expected `claim name | reason`, got {text!r}")
                continue
            if name in known:
                errors.append(f"{where}: {name!r} is listed twice")
            s = slug(name)
            if s in slugs and slugs[s] != name:
                errors.append(f"{where}: {name!r} and {slugs[s]!r} have the same ctest name "
                              f"known_failing.{s}")
            slugs[s] = name
            known[name] = reason
    return known, errors


def main(argv):
    import json

    if len(argv) != 2:
        print("usage: known_failing.py CLAIM (env KOCHMON_SCENARIO_VERDICTS, "
              "KOCHMON_KNOWN_FAILING_REASON)")
        return 0
    name = argv[1]
    reason = os.environ.get("KOCHMON_KNOWN_FAILING_REASON", "(no reason given)")
    path = os.environ.get("KOCHMON_SCENARIO_VERDICTS", "")
    print(f"known failing claim: {name}")
    print(f"reason: {reason}")
    if not path or not os.path.exists(path):
        print(f"ERROR: no verdicts file {path!r}: python.test_scenarios_kyrgyzstan (the fixture "
              "that writes it) did not run or did not finish")
        return 0
    with open(path, encoding="utf-8") as f:
        verdicts = json.load(f)
    if not verdicts.get("complete"):
        print(f"ERROR: {path} is incomplete (the scenario test stopped before its end)")
        return 0
    known, errors = read_list()
    if errors or known.get(name) != reason.strip():
        print("ERROR: the ctest registration and known_failing.txt disagree (re-run cmake):",
              *errors, sep="\n  ")
        return 0
    claim = verdicts["claims"].get(name)
    if claim is None:
        print(f"ERROR: the scenario test evaluated no claim named {name!r} (a typo in "
              "known_failing.txt, or the claim was renamed). Claims it evaluated:",
              *sorted(verdicts["claims"]), sep="\n  ")
        return 0
    print(f"numbers: {claim['detail']}")
    if claim["ok"]:
        print(f"XPASS: the claim now holds; remove it from {LIST}")
        return 0
    print("XFAIL: the claim fails, as listed (WILL_FAIL: ctest reports this as passed)")
    return 1


if __name__ == "__main__":
    try:
        code = main(sys.argv)
    except BaseException as e:  # noqa: BLE001 - under WILL_FAIL an error must not look like an XFAIL
        print(f"ERROR: {type(e).__name__}: {e}")
        code = 0
    sys.stdout.flush()
    os._exit(code)
