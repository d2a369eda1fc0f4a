#!/usr/bin/env python3
"""Summarise and compare detections of MVT and tracehound runs on generated iOS backups.

Usage:
  detections.py summary OUT_DIR
      Records per module (length of each <module>.json) and alerts per module and level
      (from alerts.json), as JSON.
  detections.py expect BACKUP.expected.json OUT_DIR BUNDLE
      Checks a run against the generator's expected file: every module's record count and the
      alerts per module/level that the planted indicators of BUNDLE (e.g. test.stix2,
      pegasus.stix2; "any"-bundle heuristics always count) should raise in MVT. Exit 1 on a
      mismatch.
  detections.py compare MVT_OUT TRACEHOUND_OUT
      Compares alert counts per module; prints "yes" if equal, else "no", and the count
      differences (and, as notes, per-level differences) on stderr. Exit 0 either way.

Both tools write alerts.json as a list of {"level", "module", ...} objects; a top-level
{"alerts": [...]} object is accepted too.
"""
import collections
import json
import os
import sys

NOT_MODULES = {"alerts", "info", "urls", "backup_info"}


def load_alerts(out_dir):
    path = os.path.join(out_dir, "alerts.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("alerts", [])
    return data


def summary(out_dir):
    records = {}
    for name in sorted(os.listdir(out_dir)):
        if not name.endswith(".json") or name.endswith("_detected.json"):
            continue
        slug = name[: -len(".json")]
        if slug in NOT_MODULES:
            continue
        try:
            with open(os.path.join(out_dir, name), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(data, list):
            records[slug] = len(data)
    alerts = collections.defaultdict(collections.Counter)
    for a in load_alerts(out_dir):
        alerts[a.get("module", "?")][str(a.get("level", "?")).upper()] += 1
    return {"records": records, "alerts": {k: dict(v) for k, v in sorted(alerts.items())}}


def expect(expected_path, out_dir, bundle):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    got = summary(out_dir)
    problems = []
    for module, n in sorted(expected["records"].items()):
        if module in NOT_MODULES:
            continue
        have = got["records"].get(module)
        if have != n:
            problems.append(f"records {module}: expected {n}, got {have}")
    want = collections.defaultdict(collections.Counter)
    for d in expected["detections"]:
        if d["mvt_detects"] and d.get("bundle") in (bundle, "any"):
            want[d["module"]][d["mvt_level"]] += 1
    for module in sorted(set(want) | set(got["alerts"])):
        w, g = dict(want.get(module, {})), got["alerts"].get(module, {})
        if w != g:
            problems.append(f"alerts {module}: expected {w}, got {g}")
    for p in problems:
        print(p)
    print(f"{len(problems)} mismatches" if problems else "all records and alerts as expected")
    return 1 if problems else 0


def compare(mvt_out, th_out):
    a, b = summary(mvt_out)["alerts"], summary(th_out)["alerts"]
    diffs = []
    for module in sorted(set(a) | set(b)):
        na, nb = sum(a.get(module, {}).values()), sum(b.get(module, {}).values())
        if na != nb:
            diffs.append(f"{module}: mvt {na}, tracehound {nb}")
        elif a.get(module) != b.get(module):
            print(f"note: {module} levels differ: mvt {a.get(module)}, tracehound {b.get(module)}",
                  file=sys.stderr)
    for d in diffs:
        print(d, file=sys.stderr)
    print("no" if diffs else "yes")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "summary":
        print(json.dumps(summary(argv[2]), indent=2, sort_keys=True))
        return 0
    if len(argv) == 5 and argv[1] == "expect":
        return expect(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
