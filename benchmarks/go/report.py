#!/usr/bin/env python3
"""Renders the neutral load generator's results (JSON Lines from benchmarks/go/loadgen) as Markdown:
the load table, the fixed-rate table and the targets judged on these figures. Repeated measurements
of one server and scenario are reported as the median of each figure.

    benchmarks/go/report.py load-go.jsonl > results-go.md
    benchmarks/go/report.py load-go.jsonl --splice BENCHMARKS.md   # also between the results-go markers
"""
import json
import statistics
import sys

ORDER = ["conduit-25", "conduit-17", "spring", "netty", "gorilla", "floor-vt-25"]
OURS = "conduit-25"
# (label, scenario, field, peer, needed, higher is better). A peer of None is the best of gorilla,
# Netty and Spring on that figure. The needed ratio is ours ÷ peer (higher better) or peer ÷ ours.
C1, C100 = "rate-text-64-c1-r1000", "rate-text-64-c100-r20000"
TARGETS = [
    ("echo 64 B msgs per server CPU-s vs Spring", "echo-text-64", "messagesPerServerCpuSecond", "spring", 1.5, True),
    ("echo 64 B msgs per server CPU-s vs the best peer", "echo-text-64", "messagesPerServerCpuSecond", None, 1.0, True),
    ("100 conns at 20,000 msgs/s: msgs per server CPU-s vs the best peer", C100, "messagesPerServerCpuSecond", None, 1.0, True),
    ("echo 16 KiB MB/s vs Netty", "echo-binary-16384", "payloadMBps", "netty", 1.3, True),
    ("broadcast deliveries/s vs Spring", "broadcast", "deliveriesPerSecond", "spring", 2.0, True),
    ("broadcast deliveries/s vs the best peer", "broadcast", "deliveriesPerSecond", None, 1.0, True),
    ("c=1 at 1,000 msgs/s: p50 µs vs Netty", C1, "p50us", "netty", 1.0, False),
    ("c=1 at 1,000 msgs/s: p99 µs vs Netty", C1, "p99us", "netty", 1.0, False),
    ("100 conns at 20,000 msgs/s: p99 µs vs gorilla", C100, "p99us", "gorilla", 1.0, False),
]
PEERS = ["gorilla", "netty", "spring"]


def load(path):
    runs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                n = json.loads(line)
                runs.setdefault(n["server"], {}).setdefault(n["scenario"], []).append(n)
    merged = {}
    for server, scenarios in runs.items():
        for scenario, rs in scenarios.items():
            m = dict(rs[0])
            for k, v in rs[0].items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and all(k in r for r in rs):
                    m[k] = statistics.median(r[k] for r in rs)
            m["repeats"] = len(rs)
            merged.setdefault(server, {})[scenario] = m
    return merged


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def render(data):
    servers = [s for s in ORDER if s in data] + sorted(s for s in data if s not in ORDER)
    if not servers:
        return ""

    def value(server, scenario, field):
        return data.get(server, {}).get(scenario, {}).get(field)

    out = ["### Load, neutral generator (Go, gorilla/websocket client)", "",
           "| metric | " + " | ".join(servers) + " |", "|---|" + "---:|" * len(servers)]

    def row(label, scenario, field, spec):
        if all(value(s, scenario, field) is None for s in servers):
            return  # not measured by this run (older results have no usage figures)
        out.append(f"| {label} | " + " | ".join(fmt(value(s, scenario, field), spec) for s in servers) + " |")

    def usage(scenario, name):
        # Where the server's time goes, from /proc: the kernel's share, system calls that read or
        # write, and context switches, per message.
        row(f"{name}: server CPU in the kernel", scenario, "serverKernelShare", ".0%")
        row(f"{name}: server read/write system calls per message", scenario, "serverSyscallsPerMessage", ".2f")
        row(f"{name}: server context switches per message", scenario, "serverSwitchesPerMessage", ".2f")

    e64, e16 = "echo-text-64", "echo-binary-16384"
    row("echo 64 B text, 64 conns: round trips/s", e64, "messagesPerSecond", ",.0f")
    row("echo 64 B: round trips per server CPU-second", e64, "messagesPerServerCpuSecond", ",.0f")
    row("echo 64 B: p50 round trip (µs)", e64, "p50us", ",.0f")
    row("echo 64 B: p99 round trip (µs)", e64, "p99us", ",.0f")
    row("echo 64 B: p99.9 round trip (µs)", e64, "p999us", ",.0f")
    usage(e64, "echo 64 B")
    row("echo 16 KiB binary, 16 conns: payload MB/s (one way)", e16, "payloadMBps", ",.1f")
    row("echo 16 KiB: p50 round trip (µs)", e16, "p50us", ",.0f")
    row("echo 16 KiB: p99 round trip (µs)", e16, "p99us", ",.0f")
    for s_ in servers:  # MB of payload per server CPU-second: the server's cost, whatever the client's speed
        d = data.get(s_, {}).get(e16)
        if d and d.get("messagesPerServerCpuSecond"):
            d["payloadMBPerServerCpuSecond"] = d["messagesPerServerCpuSecond"] * d["size"] / 1e6
    row("echo 16 KiB: payload MB per server CPU-second", e16, "payloadMBPerServerCpuSecond", ",.0f")
    row("broadcast 1,000 × 100: deliveries/s", "broadcast", "deliveriesPerSecond", ",.0f")
    row("broadcast: last receiver complete (s)", "broadcast", "lastReceiverSeconds", ".3f")
    row("broadcast: server CPU µs per delivery", "broadcast", "serverCpuMicrosPerDelivery", ".2f")
    rates = sorted({sc for s in servers for sc in data[s] if sc.startswith("rate-")},
                   key=lambda sc: (next(data[s][sc]["connections"] for s in servers if sc in data[s]), sc))
    for sc in rates:
        first = next(data[s][sc] for s in servers if sc in data[s])
        name = f"fixed rate {first['offeredRate']:,} msgs/s over {first['connections']} conn(s), {first['size']} B"
        row(f"{name}: achieved msgs/s", sc, "achievedRate", ",.0f")
        row(f"{name}: p50 (µs, from scheduled send)", sc, "p50us", ",.0f")
        row(f"{name}: p99 (µs)", sc, "p99us", ",.0f")
        row(f"{name}: p99.9 (µs)", sc, "p999us", ",.0f")
        row(f"{name}: late sends (> 1 ms behind schedule)", sc, "late", ",.0f")
        row(f"{name}: missed (not echoed in time)", sc, "missed", ",.0f")
        row(f"{name}: msgs per server CPU-second", sc, "messagesPerServerCpuSecond", ",.0f")
        usage(sc, name)
    out.append("")
    if OURS in data:
        out += [f"### Targets on the neutral generator (ours = {OURS})", "",
                "| target | ours | peer | ratio | needed | met? |", "|---|---:|---:|---:|---:|---|"]
        for label, scenario, field, peer, needed, higher in TARGETS:
            ours = value(OURS, scenario, field)
            if peer is None:
                measured = [(value(p, scenario, field), p) for p in PEERS if value(p, scenario, field)]
                theirs, peer = (max if higher else min)(measured) if measured else (None, "–")
            else:
                theirs = value(peer, scenario, field)
            need = f"≥ {needed:.2f}"
            if not ours or not theirs:
                out.append(f"| {label} | {fmt(ours, ',.0f')} | {fmt(theirs, ',.0f')} ({peer}) | – | {need} | not measured |")
                continue
            ratio = ours / theirs if higher else theirs / ours
            verdict = "**met**" if ratio >= needed else "**not met**"
            out.append(f"| {label} | {ours:,.0f} | {theirs:,.0f} ({peer}) | {ratio:.2f} | {need} | {verdict} |")
        out.append("")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--splice"):
        sys.exit("usage: report.py load-go.jsonl [--splice BENCHMARKS.md]")
    md = render(load(argv[1]))
    if len(argv) == 4:
        start, end = "<!-- results-go:start -->", "<!-- results-go:end -->"
        with open(argv[3], encoding="utf-8") as f:
            doc = f.read()
        a, b = doc.find(start), doc.find(end)
        if a < 0 or b < a:
            sys.exit(f"{argv[3]} has no {start} ... {end} section")
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(doc[:a + len(start)] + "\n" + md + doc[b:])
    sys.stdout.write(md)


if __name__ == "__main__":
    main(sys.argv)
