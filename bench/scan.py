# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the offline vulnerability scan costs on the controller, side by side in one run, on a
made-up tracker document (bench/tracker.py): reading the JSON alone, load_index for one and
for three releases, and scan() of 1 and of 8 hosts. Prints seconds and ratios to the JSON
read alone, and the peak memory; asserts nothing about them.

    python3 bench/scan.py [--megabytes 50] [--seed 1] [--installed FILE] [--repeat 3]

--installed takes ``dpkg-query -W -f '${source:Package}\\t${source:Version}\\n'`` output of a
Debian 12 host: that host is scanned (8 times for 8 hosts). Without it each host is ~500
made-up source packages of the document, at versions around its fixes.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

# The checkout as ansible_collections.edu_tw.hardening, as tests/unit/conftest.py does.
COLLECTIONS_PATH = str(Path(__file__).resolve().parents[1] / ".ansible" / "collections")
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)

from ansible_collections.edu_tw.hardening.bench import tracker  # noqa: E402
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import (  # noqa: E402
    vulnerabilities as vuln,
)

HOSTS = (1, 8)
ONE_RELEASE = frozenset({"bookworm"})
THREE_RELEASES = frozenset({"bullseye", "bookworm", "trixie"})


def peak_rss() -> float:
    """The process's peak resident memory so far, in MB (ru_maxrss is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(repeat: int, work) -> tuple[float, object]:
    """The shortest wall time of ``repeat`` runs of ``work()`` and its last result."""
    times = []
    result = None
    for _run in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--megabytes", type=float, default=50, help="document size (50)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same document")
    parser.add_argument("--packages", type=int, help="source packages (default: 60 per MB)")
    parser.add_argument("--installed", help="dpkg-query source<TAB>version lines of a host")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step, best kept (3)")
    args = parser.parse_args(argv)

    installed = {}
    if args.installed:
        installed = tracker.read_installed(Path(args.installed).read_text(encoding="utf-8"))
    start = time.perf_counter()
    made = tracker.generate(args.megabytes, args.seed, installed, args.packages)
    generated = time.perf_counter() - start
    if installed:
        hosts = [installed] * max(HOSTS)
    else:
        hosts = [tracker.host(made, args.seed * 100 + i) for i in range(max(HOSTS))]
    document = made.document
    generated_rss = peak_rss()
    print(
        f"document: {len(document) / 1e6:.1f} MB, {len(made.packages)} source packages, "
        f"{made.cves} CVE entries, made in {generated:.1f} s; "
        f"hosts: {len(hosts[0])} source packages each"
    )

    rows = []
    json_s, _result = best(args.repeat, lambda: json.loads(document) and None)
    rows.append(("json.loads (the floor)", json_s, None))
    index1_s, index1 = best(args.repeat, lambda: vuln.load_index(document, ONE_RELEASE))
    rows.append(("load_index {bookworm}", index1_s, None))
    index3_s, index3 = best(args.repeat, lambda: vuln.load_index(document, THREE_RELEASES))
    rows.append(("load_index {bullseye,bookworm,trixie}", index3_s, None))
    findings = {}
    for count in HOSTS:
        scan_s, findings = best(
            args.repeat, lambda n=count: [vuln.scan(index1, "bookworm", h) for h in hosts[:n]]
        )
        rows.append((f"scan() of {count} host(s)", scan_s, count))
        total_s = index1_s + scan_s
        rows.append((f"load_index + scan() of {count} host(s)", total_s, count))

    print(f"{'step':40} {'seconds':>9} {'x json':>8} {'s/host':>9}")
    for name, seconds, count in rows:
        per_host = f"{seconds / count:9.4f}" if count else f"{'':9}"
        print(f"{name:40} {seconds:9.4f} {seconds / json_s:8.2f} {per_host}")
    first = findings[0]
    print(
        "first host: "
        + ", ".join(f"{len(first[name])} {name}" for name in (*vuln.CLASSES, "unreadable"))
        + f"; skipped entries: {index1['skipped']} (one release), {index3['skipped']} (three)"
    )
    print(f"peak RSS: {generated_rss:.0f} MB once made, {peak_rss():.0f} MB at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
