#!/usr/bin/env python3
"""Consumer price indices derived from annual average inflation (issue #15, prices).

scenarios/kyrgyzstan/data/external_series.csv holds `cpi_inflation_avg_pct` rows (the % change
of the annual average CPI on the year before; external-approximate, see DATA.md). A CPI
<series> needs levels, so this writes `cpi_index_2010` rows: the annual average index with
2010 = 1, index(y) = index(y-1) * (1 + inflation(y) / 100), flagged `derived`.

  derive_cpi.py           rewrite the derived rows of the file
  derive_cpi.py --check   exit 1 if they are missing or differ (the test suite runs this)
"""
import csv
import io
import pathlib
import sys

FILE = pathlib.Path(__file__).resolve().parents[2] / "scenarios/kyrgyzstan/data/external_series.csv"
SOURCE = "derived: cumulative product of cpi_inflation_avg_pct (this file), 2010 = 1"


def derived_rows(rows):
    out = []
    for country in sorted({r["country"] for r in rows if r["variable"] == "cpi_inflation_avg_pct"}):
        infl = {int(r["year"]): float(r["value"]) for r in rows
                if r["country"] == country and r["variable"] == "cpi_inflation_avg_pct"}
        years = sorted(infl)
        assert years[0] == 2010 and years == list(range(2010, years[-1] + 1)), country
        level = 1.0
        for y in years:
            if y > 2010:
                level *= 1 + infl[y] / 100
            out.append({"country": country, "year_printed": str(y), "year": str(y),
                        "variable": "cpi_index_2010", "value": f"{level:.4f}",
                        "unit": "index_2010_is_1", "source": SOURCE, "note": "derived"})
    return out


def main():
    text = FILE.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames
    rows = list(reader)
    kept = [r for r in rows if r["variable"] != "cpi_index_2010"]
    new = kept + derived_rows(kept)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(new)
    if "--check" in sys.argv[1:]:
        if buf.getvalue() != text:
            print(f"{FILE}: the cpi_index_2010 rows are missing or out of date; run {__file__}")
            return 1
        print("cpi_index_2010 rows are current")
        return 0
    FILE.write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
