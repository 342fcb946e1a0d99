"""Where a run's time went: the job time of every rule from the run's Snakemake ``benchmark:`` files,
as seconds and as a share of all job time (the baseline, from the same run), with the longest jobs.

    python benchmarks/bench_run.py results/v1
    python benchmarks/bench_run.py results/v1 --top 15
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path


MULTI_WORD_RULES = ("jet_features", "validate_generation", "plot_features", "plot_results")


def job_seconds(results: Path) -> dict[str, float]:
    """{benchmark file relative to results/benchmarks: wall seconds of its job}."""
    out = {}
    for tsv in sorted((results / "benchmarks").rglob("*.tsv")):
        with tsv.open() as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        if rows:
            out[str(tsv.relative_to(results / "benchmarks"))] = float(rows[-1]["s"])
    return out


def rule_of(name: str) -> str:
    """'train/benchmark_higgs_….tsv' -> 'train'; 'generate_higgs_signal_0.tsv' -> 'generate'."""
    head = name.split("/")[0]
    if "/" in name:
        return head
    return next((r for r in MULTI_WORD_RULES if head.startswith(r + "_")), head.split("_")[0].removesuffix(".tsv"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results", nargs="?", default="results/v1")
    p.add_argument("--top", type=int, default=10, help="the longest jobs to list")
    p.add_argument("--quick", action="store_true", help="a smoke run on two made-up benchmark files")
    a = p.parse_args()
    if a.quick:
        import tempfile

        a.results = tempfile.mkdtemp()
        for name, seconds in (("train/benchmark_higgs_pythia_low_deep_all.tsv", 90.0), ("generate_higgs_signal_0.tsv", 45.0)):
            path = Path(a.results, "benchmarks", name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"s\th:m:s\n{seconds}\t0:00:{seconds:.0f}\n")
    jobs = job_seconds(Path(a.results))
    if not jobs:
        raise SystemExit(f"{a.results}/benchmarks: no benchmark files (run the workflow first)")
    total = sum(jobs.values())
    by_rule: dict[str, list[float]] = defaultdict(list)
    for name, seconds in jobs.items():
        by_rule[rule_of(name)].append(seconds)
    print(f"{len(jobs)} jobs with benchmark files, {total:.0f} s of job time in all")
    print(f"{'rule':20s} {'jobs':>5s} {'seconds':>9s} {'share':>7s} {'mean s':>8s}")
    for rule, times in sorted(by_rule.items(), key=lambda kv: -sum(kv[1])):
        print(f"{rule:20s} {len(times):5d} {sum(times):9.1f} {sum(times) / total:7.1%} {sum(times) / len(times):8.1f}")
    print(f"longest {a.top} jobs:")
    for name, seconds in sorted(jobs.items(), key=lambda kv: -kv[1])[: a.top]:
        print(f"  {seconds:8.1f} s  {seconds / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
