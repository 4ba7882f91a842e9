"""The tracemalloc article's waste_memory workload, timed with and without tracemalloc.

MyObject holds os.urandom(100); get_data() builds a list of 100 of them; run() builds 20,000 such lists
(2,000,000 objects), the same shape as benchmarks/MemTrack.Benchmarks/SeedWorkload.cs.

    python3 benchmarks/python/waste_memory.py [--runs N] [--depths 0,1,10,25]
    python3 benchmarks/python/waste_memory.py --mode untraced|tracemalloc-d1|tracemalloc-d10|... [--warmup 1] [--timed 3]

Without --mode, each measurement runs in a fresh interpreter (depth 0 = tracemalloc off), so peak RSS is per mode.
Prints one Markdown row per mode with the median and minimum time of run(), their ratios to the untraced run, the
take_snapshot() time, tracemalloc's own memory, and the peak RSS before and after take_snapshot().

With --mode (used by build/compare), this interpreter measures one mode and prints one JSON line: tracemalloc.start(d)
(timed, as start_ms), then --warmup untimed and --timed timed calls of run(). Before every call, the previous result is
dropped and gc.collect() runs, untimed; the timed region is the run() call alone. After the last timed call, with its
result held: the peak RSS so far (ru_maxrss) and tracemalloc.get_tracemalloc_memory().
"""

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

LISTS_PER_RUN = 20_000
OBJECTS_PER_LIST = 100


class MyObject:
    def __init__(self):
        self.data = os.urandom(100)


def get_data():
    values = []
    for _ in range(OBJECTS_PER_LIST):
        obj = MyObject()
        values.append(obj)
    return values


def run():
    deep_values = []
    for _ in range(LISTS_PER_RUN):
        deep_values.append(get_data())
    return deep_values


def measure(depth, warmup, timed):
    """Starts tracemalloc at depth (0: off), runs run() warmup times untimed and timed times timed, and returns the
    measurements and the last result (still referenced, so the caller decides when it dies)."""
    result = {"lang": "Python", "mode": mode_name(depth)}
    if depth > 0:
        start = time.perf_counter()
        tracemalloc.start(depth)
        result["start_ms"] = (time.perf_counter() - start) * 1000
    result["warmup_ms"], result["times_ms"] = [], []
    x = None
    for i in range(warmup + timed):
        x = None
        gc.collect()
        start = time.perf_counter()
        x = run()
        elapsed_ms = (time.perf_counter() - start) * 1000
        result["warmup_ms" if i < warmup else "times_ms"].append(elapsed_ms)
    result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    if depth > 0:
        result["tracer_bytes"] = tracemalloc.get_tracemalloc_memory()
    return result, x


def mode_name(depth):
    return "untraced" if depth == 0 else f"tracemalloc-d{depth}"


def depth_of(mode):
    if mode == "untraced":
        return 0
    if mode.startswith("tracemalloc-d") and mode[len("tracemalloc-d"):].isdigit():
        return int(mode[len("tracemalloc-d"):])
    raise SystemExit(f"unknown mode {mode!r}: expected untraced or tracemalloc-dN")


def child(depth):
    result, x = measure(depth, warmup=0, timed=1)
    snapshot_ms = 0.0
    if depth > 0:
        s = time.perf_counter()
        snapshot = tracemalloc.take_snapshot()
        snapshot_ms = (time.perf_counter() - s) * 1000
        del snapshot
    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    del x
    print(f"{result['times_ms'][0] / 1000:.6f} {snapshot_ms:.3f} {result.get('tracer_bytes', 0)} "
          f"{result['peak_rss_bytes'] // 1024} {peak_rss_kb}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--depths", default="0,1,10,25")
    parser.add_argument("--mode", default=None, help="measure one mode here and print one JSON line")
    parser.add_argument("--warmup", type=int, default=1, help="untimed calls of run() before the timed ones (--mode)")
    parser.add_argument("--timed", type=int, default=3, help="timed calls of run() (--mode)")
    parser.add_argument("--round", type=int, default=None, help="round number to put in the JSON line (--mode)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode is not None:
        result, x = measure(depth_of(args.mode), args.warmup, args.timed)
        result["python"] = sys.version.split()[0]
        if args.round is not None:
            result["round"] = args.round
        print(json.dumps(result), flush=True)
        del x
        return
    if args.child is not None:
        child(args.child)
        return

    depths = [int(d) for d in args.depths.split(",")]
    results = {d: [] for d in depths}
    for _ in range(args.runs):
        for depth in depths:  # interleaved, so machine noise spreads over every mode
            out = subprocess.run([sys.executable, __file__, "--child", str(depth)],
                                 check=True, capture_output=True, text=True).stdout.split()
            results[depth].append((float(out[0]), float(out[1]), int(out[2]), int(out[3]), int(out[4])))

    print(f"Python {sys.version.split()[0]}, {LISTS_PER_RUN * OBJECTS_PER_LIST:,} objects, {args.runs} run(s) per mode")
    print("| Mode | run() median (s) | run() min (s) | Ratio (median) | Ratio (min) | take_snapshot (ms) | get_tracemalloc_memory (MB) | Peak RSS before snapshot (MB) | Peak RSS (MB) |")
    print("|------|-----------------:|--------------:|---------------:|------------:|-------------------:|----------------------------:|------------------------------:|--------------:|")
    base = results.get(0)
    base_median = statistics.median(r[0] for r in base) if base else None
    base_min = min(r[0] for r in base) if base else None
    for depth in depths:
        rows = results[depth]
        median = statistics.median(r[0] for r in rows)
        minimum = min(r[0] for r in rows)
        mode = "untraced" if depth == 0 else f"tracemalloc.start({depth})"
        ratio_median = f"{median / base_median:.2f}x" if base_median else "-"
        ratio_min = f"{minimum / base_min:.2f}x" if base_min else "-"
        snap = "-" if depth == 0 else f"{statistics.median(r[1] for r in rows):.0f}"
        tracer = "-" if depth == 0 else f"{statistics.median(r[2] for r in rows) / 1e6:.1f}"
        rss_before = statistics.median(r[3] for r in rows) * 1024 / 1e6
        rss = statistics.median(r[4] for r in rows) * 1024 / 1e6
        print(f"| {mode} | {median:.3f} | {minimum:.3f} | {ratio_median} | {ratio_min} | {snap} | {tracer} | {rss_before:.0f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
