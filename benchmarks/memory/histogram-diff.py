"""Bytes per connection by class and by owner between two class histograms of the same server
(jcmd PID GC.class_histogram), as the idle load writes them with --histograms DIR:

    python3 benchmarks/memory/histogram-diff.py DIR/conduit-25-idle-warm-0.txt DIR/conduit-25-idle-warm-5000.txt 5000

The owners are guesses from package names: JDK types such as byte arrays, locks and map entries
serve every owner and are listed apart.
"""
import re
import sys

OWNERS = [
    (lambda c: c.startswith("jdk.internal.vm.StackChunk") or c.startswith("java.lang.VirtualThread")
     or "FillerElement" in c, "virtual threads (stack chunks, threads, continuations)"),
    (lambda c: "ThreadLocal" in c or c == "java.security.Provider$ServiceKey", "thread locals"),
    (lambda c: c.startswith(("sun.nio.", "java.net.")) or c == "java.io.FileDescriptor"
     or "AbstractInterruptibleChannel" in c, "JDK socket channels and addresses"),
    (lambda c: c.startswith("org.apache."), "Tomcat"),
    (lambda c: c.startswith("io.netty."), "Netty"),
    (lambda c: c.startswith("org.springframework."), "Spring"),
    (lambda c: c.startswith("dev.conduit.websocket.spring."), "the starter"),
    (lambda c: c.startswith("dev.conduit."), "websocket-core"),
]


def load(path):
    classes = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
            if m:
                classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes


def owner(c):
    for test, name in OWNERS:
        if test(c):
            return name
    return "JDK types every owner uses (arrays, locks, maps, strings, atomics)"


def main():
    before, after, count = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    rows = []
    for c in set(before) | set(after):
        n0, b0 = before.get(c, (0, 0))
        n1, b1 = after.get(c, (0, 0))
        rows.append(((b1 - b0) / count, (n1 - n0) / count, c))
    by_owner = {}
    for b, _, c in rows:
        by_owner[owner(c)] = by_owner.get(owner(c), 0) + b
    print("| owner | bytes per connection |\n|---|---:|")
    for name, b in sorted(by_owner.items(), key=lambda x: -x[1]):
        print(f"| {name} | {b:,.0f} |")
    print(f"| total | {sum(r[0] for r in rows):,.0f} |\n")
    print("| class | bytes per connection | instances per connection |\n|---|---:|---:|")
    for b, n, c in sorted(rows, reverse=True)[:40]:
        print(f"| {c} | {b:,.1f} | {n:.2f} |")


if __name__ == "__main__":
    main()
