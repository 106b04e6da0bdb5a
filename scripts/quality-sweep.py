#!/usr/bin/env python3
"""Rank the points of a sweep (or any run directories) by the median of their held-out evaluations over the last
fifth of training, as the quality targets are measured (docs/quality.md); one summary figure alone swings.

Usage: scripts/quality-sweep.py DIR...   (a sweep directory results/sweeps/<name>/<timestamp>, or run directories)
Prints a Markdown table: per run, the median mse_logp and test_loglik over the evaluations at steps >= 0.8 x the
last step, the same for the raw (not averaged) parameters when training.ema is on (raw_ columns), the EBM updates,
and the final learned c minus the final quadrature log Z.
"""
import csv
import glob
import json
import os
import statistics
import sys


def runs(d):
    """(label, run directory) pairs: a sweep's points in index order with their parameters, or run directories."""
    jobs = os.path.join(d, "jobs.csv")
    if os.path.exists(jobs):
        rows = list(csv.DictReader(open(jobs)))
        fixed = {"index", "status", "run_dir", "overrides", "message"}
        for r in rows:
            params = [k for k in r if k not in fixed and "=" not in k and k.count(".") >= 0]
            label = r.get("overrides") or " ".join(f"{k}={r[k]}" for k in params)
            run_dir = r.get("run_dir") or os.path.join(d, "runs", r["index"])
            if not os.path.isabs(run_dir) and not os.path.exists(run_dir):
                run_dir = os.path.join(d, run_dir)
            yield f"#{r['index']} {label}", run_dir
    else:
        for m in sorted(glob.glob(os.path.join(d, "**", "metrics.csv"), recursive=True)):
            yield os.path.relpath(os.path.dirname(m), d), os.path.dirname(m)


def median(rows, key):
    v = [float(r[key]) for r in rows if r.get(key) not in (None, "")]
    return statistics.median(v) if v else None


def fmt(v, p="%.4f"):
    return "-" if v is None else p % v


out = []
for d in sys.argv[1:]:
    for label, run_dir in runs(d):
        m = glob.glob(os.path.join(run_dir, "**", "metrics.csv"), recursive=True)
        if not m:
            continue
        rows = list(csv.DictReader(open(m[0])))
        ev = [r for r in rows if r.get("mse_logp") or r.get("test_loglik")]
        if not ev:
            continue
        last = int(ev[-1]["step"])
        w = [r for r in ev if int(r["step"]) >= 0.8 * last]
        s_path = os.path.join(os.path.dirname(m[0]), "summary.json")
        s = json.load(open(s_path)) if os.path.exists(s_path) else {}
        dz = (s["log_z"] - s["log_z_quadrature"]) if s.get("log_z") is not None and s.get(
            "log_z_quadrature") is not None else None
        out.append((median(w, "mse_logp"), label, last, s.get("energy_steps"), median(w, "test_loglik"),
                    median(w, "raw_mse_logp"), median(w, "raw_test_loglik"), dz, s.get("status", "-")))
print("| run | steps | EBM updates | mse_logp | test_loglik | raw mse_logp | raw test_loglik | final c - quad | status |")
print("|---|---|---|---|---|---|---|---|---|")
for mse, label, last, n, ll, rmse, rll, dz, st in sorted(out, key=lambda t: (t[0] is None, t[0] or 0)):
    print(f"| {label} | {last} | {n if n is not None else '-'} | {fmt(mse)} | {fmt(ll)} | {fmt(rmse)} | {fmt(rll)} "
          f"| {fmt(dz, '%+.3f')} | {st} |")
