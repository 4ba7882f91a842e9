"""Turns the JSON lines of build/compare into a Markdown section, prints it and optionally writes it into a doc.

    python3 build/compare-report.py --results results.jsonl --meta meta.txt [--doc docs/performance.md]

Each JSON line is one process: lang, mode, round, times_ms (its timed runs), and what the mode measured (start_ms,
tracer_bytes, peak_rss_bytes, samples, lost_events, nettrace_bytes, dotnet_trace_peak_rss_bytes, session_on_at_end),
or an "error". The value of a process is the median of its timed runs; a mode's figure is the median of those values
over the rounds, with their minimum and maximum; ratios are to the untraced mode of the same language.
"""

import argparse
import json
import re
import statistics
import sys

BEGIN = "<!-- compare:begin -->"
END = "<!-- compare:end -->"
HEADING = "## Side by side: MemTrack, dotnet-trace, Python tracemalloc"

# (lang, mode, label), in table order. The first mode of each language is its baseline.
MODES = [
    (".NET", "untraced", "untraced"),
    (".NET", "memtrack-d1", "MemTrack, depth 1, no live tracking"),
    (".NET", "memtrack-d10", "MemTrack, depth 10, no live tracking"),
    (".NET", "memtrack-d10-live", "MemTrack, depth 10, live tracking"),
    (".NET", "memtrack-d10-rich", "MemTrack, depth 10, no live tracking, `DOTNET_RichDebugInfo=1`"),
    (".NET", "dotnet-trace", "untraced + dotnet-trace, MemTrack's allocation keywords"),
    (".NET", "dotnet-trace-live", "untraced + dotnet-trace, same + liveness keywords"),
    ("Python", "untraced", "untraced"),
    ("Python", "tracemalloc-d1", "tracemalloc.start(1)"),
    ("Python", "tracemalloc-d10", "tracemalloc.start(10)"),
]

METHOD = """\
**What is timed.** Every measurement is a fresh process that sets up its mode, runs the workload once untimed
(warm-up: JIT tiers, heap growth, the tracer's tables), then times it 3 times. Before each of the 4 runs, untimed: the
previous result is dropped and a full collection runs (.NET: `GC.Collect()`, `GC.WaitForPendingFinalizers()`,
`GC.Collect()`, then a 100 ms sleep for background threads; Python: `gc.collect()`). The timed region is the workload
call alone (`SeedWorkload.Run()` / `run()`, its result kept), so tracer start-up, warm-up, snapshots and shutdown are
outside it. A process's value is the median of its 3 timed runs; the table gives the median of those values over the
rounds and their minimum and maximum. "Ratio" is that median over the untraced median of the same language; "paired"
divides each round's value by the untraced value of the same round, then takes the median (and range) of those ratios.
Modes are interleaved: each round runs every mode once (.NET modes, then Python modes), in an order that rotates with
the round.

**The modes.** MemTrack: `MemTracker.Start(new MemTrackerOptions { Depth = d, TrackLiveObjects = ... })` before the
warm-up ("Start" is that call). dotnet-trace: the untraced program, and `dotnet-trace collect -p <pid>` (run as
`dotnet dotnet-trace.dll`) with the runtime provider at Verbose and the keywords of MemTrack's session
(`SessionProviders.cs`: AllocationSampling 0x80000000000, Jit, Loader, JittedMethodILToNativeMap; "+ liveness" adds
GC and GCHeapSurvivalAndMovement), plus a handshake event source of the benchmark that writes nothing: the child waits
until that source is enabled (the session is attached) before its warm-up, and checks after its last timed run that it
still is; the session ends when the child exits. The .nettrace goes to a temporary directory and is deleted after its
size is read. Python: `tracemalloc.start(d)` before the warm-up.

**Memory.** Tracer memory: `MemTracker.GetTracerMemory()` after a snapshot taken when the last timed run finished, its
result still held (the snapshot is a check that MemTrack sampled), and `tracemalloc.get_tracemalloc_memory()` at the
same point. Peak RSS: the process's peak resident set (VmHWM / `ru_maxrss`) at that point, before any snapshot; it
covers the warm-up and the 3 timed runs. For dotnet-trace, the tool's own process is separate: its peak resident set
(VmHWM sampled every 20 ms while it runs) and the trace file size are in the notes; the EventPipe buffers it fills are
in the traced process and count in that process's peak RSS. All values are medians over the rounds."""


def parse_meta(path):
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    return meta


def load(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                records.append(json.loads(line))
    return records


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def median_of(records, key, scale=1.0):
    values = [r[key] * scale for r in records if r.get(key) is not None]
    return statistics.median(values) if values else None


class ModeStats:
    def __init__(self, lang, mode, label, records, baseline):
        self.lang, self.mode, self.label = lang, mode, label
        self.ok = [r for r in records if "error" not in r and r.get("times_ms")]
        self.errors = [r for r in records if "error" in r]
        self.value_by_round = {r.get("round"): statistics.median(r["times_ms"]) for r in self.ok}
        values = list(self.value_by_round.values())
        self.median = statistics.median(values) if values else None
        self.low = min(values) if values else None
        self.high = max(values) if values else None
        self.is_baseline = baseline is None
        self.ratio = None
        self.paired = []
        if baseline is not None and self.median and baseline.median:
            self.ratio = self.median / baseline.median
            self.paired = [v / baseline.value_by_round[r] for r, v in self.value_by_round.items() if r in baseline.value_by_round]

    def paired_text(self):
        if not self.paired:
            return "-"
        return f"{statistics.median(self.paired):.2f}x ({min(self.paired):.2f}-{max(self.paired):.2f})"

    def ratio_text(self):
        if self.median is None:
            return "-"
        return "1.00x" if self.is_baseline else fmt(self.ratio, 2) + "x" if self.ratio else "-"

    def notes(self):
        parts = []
        if self.ok and "samples" in self.ok[0]:
            parts.append(f"{fmt(median_of(self.ok, 'samples'))} samples, "
                         f"{max(r.get('lost_events', 0) for r in self.ok)} lost events (max)")
        if self.ok and "nettrace_bytes" in self.ok[0]:
            on = sum(1 for r in self.ok if r.get("session_on_at_end"))
            parts.append(f"trace file {fmt(median_of(self.ok, 'nettrace_bytes', 1e-6), 1)} MB; "
                         f"dotnet-trace's own peak RSS {fmt(median_of(self.ok, 'dotnet_trace_peak_rss_bytes', 1e-6))} MB; "
                         f"session on after the last timed run in {on} of {len(self.ok)}")
        if self.errors:
            parts.append(f"**{len(self.errors)} failed**")
        return "; ".join(parts) if parts else ""


def build_stats(records):
    stats = []
    baselines = {}
    for lang, mode, label in MODES:
        mine = [r for r in records if r.get("lang") == lang and r.get("mode") == mode]
        s = ModeStats(lang, mode, label, mine, baselines.get(lang))
        baselines.setdefault(lang, s)
        stats.append(s)
    return stats


def table(stats):
    rows = [
        "| Language | Mode | Processes | Workload, median (ms) | Min-max (ms) | Ratio | Paired ratio, median (min-max) | "
        "Start, median (ms) | Tracer memory, median (MB) | Peak RSS, median (MB) | Notes |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for s in stats:
        start = median_of(s.ok, "start_ms")
        rows.append(
            f"| {s.lang} | {s.label} | {len(s.ok)} | {fmt(s.median)} | {fmt(s.low)}-{fmt(s.high)} | "
            f"{s.ratio_text()} | {s.paired_text()} | "
            f"{fmt(start, 1 if start is not None and start < 10 else 0)} | {fmt(median_of(s.ok, 'tracer_bytes', 1e-6), 1)} | "
            f"{fmt(median_of(s.ok, 'peak_rss_bytes', 1e-6))} | {s.notes()} |")
    return "\n".join(rows)


def per_round(stats, rounds):
    head = "| Round | " + " | ".join(f"{s.lang} {s.mode}" for s in stats) + " |"
    rows = [head, "|--:|" + "--:|" * len(stats)]
    for r in range(rounds):
        rows.append(f"| {r + 1} | " + " | ".join(fmt(s.value_by_round.get(r)) for s in stats) + " |")
    return "\n".join(rows)


def targets(stats):
    by = {(s.lang, s.mode): s for s in stats}
    lines = []

    def overhead(key, limit, what):
        s = by[key]
        if s.ratio is None or not s.paired:
            lines.append(f"- {what}: no result.")
            return
        paired = statistics.median(s.paired)
        above = sum(1 for p in s.paired if p > 1 + limit)
        if s.ratio <= 1 + limit and paired <= 1 + limit:
            verdict = "**met** by both medians"
        elif s.ratio > 1 + limit and paired > 1 + limit:
            verdict = "**missed** by both medians"
        else:
            verdict = "**not decided**: the two medians fall on either side of the target"
        lines.append(f"- {what} (target at most +{limit:.0%}): {s.ratio - 1:+.1%} by the ratio of medians, "
                     f"paired {s.paired_text()}: {verdict} on this run; the paired ratio is above the target in "
                     f"{above} of {len(s.paired)} rounds.")

    overhead((".NET", "memtrack-d10"), 0.05, "MemTrack depth 10 without live tracking, run time")
    overhead((".NET", "memtrack-d10-live"), 0.15, "MemTrack depth 10 with live tracking, run time")
    rich, plain = by.get((".NET", "memtrack-d10-rich")), by.get((".NET", "memtrack-d10"))
    if rich and plain and rich.paired and plain.paired:
        points = (statistics.median(rich.paired) - statistics.median(plain.paired)) * 100
        memory = [median_of(x.ok, "tracer_bytes", 1e-6) for x in (plain, rich)]
        memory_text = (f"; tracer memory {fmt(memory[0], 1)} MB without, {fmt(memory[1], 1)} MB with"
                       if None not in memory else "")
        lines.append(f"- Rich debug info (`DOTNET_RichDebugInfo=1`, inlined frames; target at most +2 points over depth 10 "
                     f"without it): {points:+.1f} points by the paired medians (**{'met' if points <= 2 else 'missed'}** on this run)"
                     f"{memory_text}.")
    memtrack = [s for s in stats if s.mode.startswith("memtrack")]
    tracer = [r["tracer_bytes"] / 1e6 for s in memtrack for r in s.ok if r.get("tracer_bytes") is not None]
    if tracer:
        lines.append(f"- Tracer memory (target at most 32 MB): MemTrack {min(tracer):.1f}-{max(tracer):.1f} MB over all its "
                     f"processes (**{'met' if max(tracer) <= 32 else 'missed'}**); tracemalloc (median) "
                     + ", ".join(f"depth {s.mode[len('tracemalloc-d'):]} {fmt(median_of(s.ok, 'tracer_bytes', 1e-6), 1)} MB" for s in stats
                                 if s.mode.startswith("tracemalloc")) + ".")
    starts = [r["start_ms"] for s in memtrack for r in s.ok if r.get("start_ms") is not None]
    if starts:
        lines.append(f"- `Start` (target under 500 ms): median {statistics.median(starts):.0f} ms, "
                     f"{min(starts):.0f}-{max(starts):.0f} ms over all MemTrack processes "
                     f"(**{'met' if max(starts) < 500 else 'met by the median, not by every process' if statistics.median(starts) < 500 else 'missed'}**).")
    lines.append("- The ranges show the noise of this shared machine: read differences smaller than the spread of the "
                 "paired ratios as noise. \"Met\" and \"missed\" need the ratio of medians and the median paired ratio on the same "
                 "side of the target.")
    return "\n".join(lines)


def section(meta, records, stats):
    rounds = int(meta.get("rounds", "0"))
    mem_gib = int(meta.get("mem_kib", "0")) / 1024 / 1024
    dirty = int(meta.get("dirty", "0"))
    runtime = next((r["runtime"] for r in records if r.get("runtime")), "?")
    elapsed = int(meta.get("elapsed_s", "0"))
    failures = [r for r in records if "error" in r]
    out = [
        BEGIN,
        "",
        "Generated by `build/compare` (`build/compare-report.py` writes this block; rerun the command rather than "
        "editing it).",
        "",
        "| | |",
        "|---|---|",
        f"| Command | `{meta.get('command')}` (from the repository root): {rounds} round{'s' if rounds != 1 else ''}, {elapsed // 60} min {elapsed % 60} s in all |",
        f"| Date | {meta.get('started_utc')} UTC |",
        f"| Commit | `{meta.get('commit')}`" + (f" with uncommitted changes in {dirty} file(s) of src/, benchmarks/, build/"
                                                 if dirty else "") + " |",
        f"| Machine | `nproc` = {meta.get('nproc')}, {meta.get('cpu')}, {mem_gib:.1f} GiB RAM, {meta.get('os')} |",
        f"| Load average (1, 5, 15 min) | {meta.get('load_start')} at the start, {meta.get('load_end')} at the end |",
        f"| .NET | SDK {meta.get('dotnet_sdk')}, runtime {runtime} |",
        f"| dotnet-trace | {meta.get('dotnet_trace')} (local tool, `.config/dotnet-tools.json`) |",
        f"| Python | {meta.get('python')} |",
        "",
        "Seed workload: 20,000 lists of 100 objects each holding 100 bytes (2,000,000 objects, ~330 MB kept alive by "
        "the result); .NET `SeedWorkload.Run()`, Python `waste_memory.run()`.",
        "",
        table(stats),
        "",
        "Against the targets:",
        "",
        targets(stats),
        "",
    ]
    if failures:
        out += [f"Failed measurements: {len(failures)}: "
                + "; ".join(f"{r.get('lang')} {r.get('mode')} round {r.get('round')}: {str(r.get('error'))[:200]}"
                            for r in failures), ""]
    out += [
        "<details><summary>Value of each process (median of its 3 timed runs, ms), by round</summary>",
        "",
        per_round(stats, rounds),
        "",
        "</details>",
        "",
        METHOD,
        "",
        END,
    ]
    return "\n".join(out)


def write_doc(path, block):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN in text and END in text:
        start = text.index(BEGIN)
        end = text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:
        setup = re.search(r"^## Setup\s*$", text, re.MULTILINE)
        if setup is None:
            raise SystemExit(f"{path}: no '## Setup' section to put the comparison after")
        following = re.search(r"^## ", text[setup.end():], re.MULTILINE)
        at = setup.end() + following.start() if following else len(text)
        text = text[:at] + f"{HEADING}\n\n{block}\n\n" + text[at:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--doc", default=None)
    args = parser.parse_args()
    meta = parse_meta(args.meta)
    records = load(args.results)
    stats = build_stats(records)
    block = section(meta, records, stats)
    print(block)
    if args.doc:
        write_doc(args.doc, block)
        print(f"\nWritten to {args.doc}.", file=sys.stderr)
    return 1 if any("error" in r for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
