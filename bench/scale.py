"""Corpus scale: one process, ``--jobs N``, Spark ``local[N]`` and the bulk store load, on one corpus.

    python bench/scale.py --articles 100000 ../shared/data/polnear/dev/text ../shared/data/hindi-news-2020
    python bench/scale.py --articles 2000 --pg postgresql://postgres@127.0.0.1:5432/test ...

The corpus is the given folders' .txt files replicated, each copy with its own id and a last line
naming the copy (so the store sees distinct texts), written once to Parquet. Each run is the real
command in a child process; its wall time gives articles/s, and the peak resident memory of every
process of the run (the CLI, its workers, Spark's JVM and Python workers) is sampled from /proc.
The store load runs ``claims ingest --bulk`` and reports both the end-to-end rate (extraction,
check-worthiness, person linking and grouping included) and the rate of the write transactions
alone (COPY on PostgreSQL); then again from the one-process run's claims file (``--bulk --claims``:
the archive extracted elsewhere, on Spark or on every core, scored there, and loaded without
extracting or scoring again), with how many claims were grouped and how many had to be scored at
load. ``--load-runs N`` repeats each load into an emptied store and prints the median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402


def build_corpus(folders: list[Path], n: int, out: Path) -> tuple[int, int]:
    """``n`` articles cycling through the folders' .txt files; returns (articles, characters)."""
    files = [f for d in folders for f in sorted(d.rglob("*.txt")) if not f.name.startswith("README")]
    texts = [(f.stem, f.read_text("utf-8", errors="replace")) for f in files]
    texts = [(s, t) for s, t in texts if t.strip()]
    ids, bodies, chars = [], [], 0
    for i in range(n):
        stem, text = texts[i % len(texts)]
        body = f"{text.rstrip()}\n\n(copy {i})\n"
        ids.append(f"{stem}-{i}")
        bodies.append(body)
        chars += len(body)
    pq.write_table(pa.table({"id": ids, "text": bodies}), out, row_group_size=2000)
    return n, chars


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc; forkserver workers are grandchildren)."""
    parent: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    parent[int(d)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return out


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _rss_kb(pid: int) -> tuple[str, int]:
    try:
        with open(f"/proc/{pid}/status") as fh:
            status = fh.read()
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "", 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return cmd, int(line.split()[1])
    return cmd, 0


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``cmd``; wall seconds, exit code, stderr tail and the peak RSS of each process in its tree."""
    peaks: dict[int, tuple[str, int]] = {}
    cpu: dict[int, float] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _tree(proc.pid):
                cmdline, kb = _rss_kb(pid)
                if kb > peaks.get(pid, ("", 0))[1]:
                    peaks[pid] = (cmdline, kb)
                cpu[pid] = max(cpu.get(pid, 0.0), _cpu_s(pid))
            done.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    procs = sorted(peaks.values(), key=lambda p: -p[1])
    # CPU time as last sampled (a process's final quarter second may be missed): with other work
    # on the machine, wall time measures the neighbours too, CPU time only this run
    return {
        "seconds": wall,
        "cpu": sum(cpu.values()),
        "code": proc.returncode,
        "err": err[-600:],
        "procs": procs,
        "load": os.getloadavg()[0],
    }


def _peak(procs: list[tuple[str, int]], java: bool) -> float:
    """Peak MB of the largest Python (or JVM) process of a run."""
    sel = [kb for cmd, kb in procs if ("java" in cmd.split(" ")[0]) == java and kb]
    return max(sel, default=0) / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("folders", nargs="+", type=Path)
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--pg", help="PostgreSQL URL for the bulk load (a database the bench may fill)")
    p.add_argument(
        "--skip", action="append", default=[], help="one|jobs|spark|store|extracting-load|sqlite-load (repeatable)"
    )
    p.add_argument("--load-runs", type=int, default=1, help="run each bulk load this many times (median printed)")
    p.add_argument("--json", type=Path, help="write the figures here as JSON too")
    args = p.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="claims-scale-") as tmp:
        corpus = Path(tmp) / "corpus.parquet"
        n, chars = build_corpus(args.folders, args.articles, corpus)
        print(f"corpus: {n:,} articles, {chars / 1e6:.1f} M characters ({corpus.stat().st_size / 1e6:.1f} MB Parquet)")
        rows = []
        runs = []
        if "one" not in args.skip:
            runs.append(("claims extract --jobs 1", ["-j", "1"]))
        if "jobs" not in args.skip:
            runs.append((f"claims extract --jobs {args.jobs}", ["-j", str(args.jobs)]))
        outputs = {}
        for label, extra in runs:
            out = Path(tmp) / f"out{len(outputs)}.parquet"
            r = run(
                [
                    py,
                    "-m",
                    "claims.cli",
                    "extract",
                    str(corpus),
                    "--format",
                    "parquet",
                    "-o",
                    str(out),
                    "--no-progress",
                    *extra,
                ]
            )
            outputs[label] = out
            rows.append((label, r["seconds"], _peak(r["procs"], False), 0.0, len(r["procs"]), r))
        if len(outputs) == 2:
            a, b = (pq.read_table(o) for o in outputs.values())
            print(f"--jobs {args.jobs} output equals one process's: {a.equals(b)}")
        if "spark" not in args.skip:
            env = {**os.environ, "PYSPARK_PYTHON": py}
            out = Path(tmp) / "spark_out"
            r = run([py, "-m", "claims.spark", str(corpus), str(out), "--master", f"local[{args.jobs}]"], env=env)
            rows.append(
                (
                    f"Spark local[{args.jobs}]",
                    r["seconds"],
                    _peak(r["procs"], False),
                    _peak(r["procs"], True),
                    len(r["procs"]),
                    r,
                )
            )
            if outputs and r["code"] == 0:
                cli = pq.read_table(next(iter(outputs.values()))).sort_by(
                    [("article_id", "ascending"), ("claim_id", "ascending")]
                )
                sp = (
                    pq.read_table(out)
                    .select(cli.schema.names)
                    .sort_by([("article_id", "ascending"), ("claim_id", "ascending")])
                )
                print(f"Spark output equals the CLI's: {cli.to_pylist() == sp.to_pylist()}")
        print()
        print(
            "| run | wall s | articles/s | CPU s | articles per CPU s | peak MB (largest Python process) "
            "| peak MB (JVM) | processes | load avg |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        figures = {}
        for label, secs, mb, jvm, nproc, r in rows:
            rate = n / secs
            per_cpu = n / r["cpu"] if r["cpu"] else 0.0
            figures[label] = {
                "seconds": secs,
                "rate": rate,
                "cpu": r["cpu"],
                "per_cpu": per_cpu,
                "peak_mb": mb,
                "jvm_mb": jvm,
                "code": r["code"],
                "load": r["load"],
            }
            print(
                f"| {label} | {secs:.1f} | {rate:.1f} | {r['cpu']:.1f} | {per_cpu:.1f} | {mb:.0f} | {jvm:.0f} "
                f"| {nproc} | {r['load']:.1f} |"
            )
            if r["code"] not in (0, 1):
                print(f"  (exit {r['code']}: {r['err']})")
        if "store" not in args.skip:
            claims_file = next(iter(outputs.values()), None)  # the CLI's claims of this corpus
            stores = (("SQLite", "" if "sqlite-load" in args.skip else "sqlite"), ("PostgreSQL", args.pg))
            loads = [] if "extracting-load" in args.skip else [(name, url, None) for name, url in stores]
            if claims_file is not None:
                loads += [(name, url, claims_file) for name, url in stores]
            loads = [load for load in loads for _ in range(max(1, args.load_runs))]
            rates: dict[str, list[float]] = {}
            for k, (name, url, claims_path) in enumerate(loads):
                if not url:
                    continue
                if url == "sqlite":
                    url = f"sqlite:///{tmp}/bench{k}.db"  # a new file for each load
                how = f"--claims (the {claims_file.name} above)" if claims_path else f"--jobs {args.jobs}"
                code = (
                    "import json,sys\n"
                    "from claims.inputs import iter_articles\n"
                    "from claims.store import open_store\n"
                    "from claims.store.bulk import bulk_ingest\n"
                    "from claims.store.extracted import ExtractedClaims\n"
                    "from sqlalchemy import text\n"
                    "e = open_store(sys.argv[1])\n"
                    # an empty store for each load: TRUNCATE on PostgreSQL (DELETE checks every
                    # claim row's foreign keys one deleted row at a time: hours at a million claims)
                    "with e.begin() as c:\n"
                    "    if e.dialect.name == 'postgresql':\n"
                    # (claims named: their keys to articles are triggers there, which TRUNCATE skips)
                    "        c.execute(text('TRUNCATE articles, persons, claim_groups, claim_terms, claims, '\n"
                    "                       'article_speakers, history RESTART IDENTITY CASCADE'))\n"
                    "import time; t=time.perf_counter()\n"
                    "x = ExtractedClaims(sys.argv[3]) if len(sys.argv) > 3 else None\n"
                    f"r = bulk_ingest(e, iter_articles([sys.argv[2]]), jobs={args.jobs}, extracted=x)\n"
                    "total = time.perf_counter() - t\n"
                    "from claims.store.schema import claim_groups\n"
                    "from sqlalchemy import func, select\n"
                    "with e.connect() as c:\n"
                    "    groups = c.execute(select(func.count()).select_from(claim_groups)).scalar()\n"
                    "print(json.dumps(dict(new=r.new, claims=r.claims, write=r.write_seconds, total=total, "
                    "grouped=r.grouped, groups=groups, scored_at_load=r.scored_at_load)))\n"
                )
                argv = [py, "-c", code, url, str(corpus), *([str(claims_path)] if claims_path else [])]
                res = subprocess.run(argv, capture_output=True, text=True)
                if res.returncode:
                    print(f"{name} bulk load failed: {res.stderr[-800:]}")
                    continue
                d = json.loads(res.stdout.strip().splitlines()[-1])
                d["load"] = os.getloadavg()[0]
                label = f"bulk {name}" + (" --claims" if claims_path else "")
                figures.setdefault(label, []).append(d)
                rates.setdefault(label, []).append(d["new"] / d["total"])
                # end to end: reading the input (and the claims file), check-worthiness, person
                # linking, grouping and the commits, everything the command does
                print(
                    f"bulk ingest into {name} ({how}): {d['new']:,} articles, {d['claims']:,} claims "
                    f"({d['grouped']:,} grouped into {d['groups']:,} groups; {d['scored_at_load']:,} scored at "
                    f"load); end to end {d['new'] / d['total']:.0f} articles/s including grouping and "
                    f"scoring; write transactions alone {d['new'] / d['write']:.0f} articles/s "
                    f"({d['claims'] / d['write']:.0f} claims/s); load average {d['load']:.1f}"
                )
            for label, got in rates.items():
                if len(got) > 1:
                    print(f"{label}: median {statistics.median(got):.0f} articles/s of {len(got)} runs")
        one = figures.get("claims extract --jobs 1")
        many = figures.get(f"claims extract --jobs {args.jobs}")
        if one and many:
            print(f"\n--jobs {args.jobs} speed-up over one process: {many['rate'] / one['rate']:.2f}x")
        if one:
            per_core = one["per_cpu"]  # per CPU second: what one uncontended core does
            print(
                f"at the measured {per_core:.0f} articles/s per core: a 16-core machine ~{16 * per_core:,.0f}/s; "
                f"a 10-node cluster of 16 cores ~{160 * per_core:,.0f}/s "
                f"({100_000_000 / (160 * per_core) / 3600:.1f} h per 100 M articles)"
            )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
