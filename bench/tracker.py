# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make up a Debian security tracker document (tracker/data/json) of a chosen size, the same
for the same seed, without the network: the benchmark's stand-in for the real one (60-80 MB,
some 4,000 source packages, 150,000 CVE entries).

    python3 bench/tracker.py --megabytes 50 --seed 1 [--installed FILE] [-o PATH]

--installed takes ``dpkg-query -W -f '${source:Package}\\t${source:Version}\\n'`` output: those
source packages get CVEs around their installed versions in bookworm (some fixed by a newer
+deb12uN, some open, some open without an advisory), so a scan of that host finds them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from typing import NamedTuple

RELEASES = ("bullseye", "bookworm", "trixie", "forky", "sid")
# The stable releases' security suffixes; forky and sid get no security updates.
SUFFIX = {"bullseye": "deb11u", "bookworm": "deb12u", "trixie": "deb13u"}
URGENCIES = (
    ("not yet assigned", 30),
    ("unimportant", 20),
    ("low", 15),
    ("medium", 15),
    ("high", 5),
    ("low*", 4),
    ("medium*", 4),
    ("high*", 1),
    ("end-of-life", 6),
)
NODSA = (("Minor issue", 8), ("Minor issue; can be fixed via point release", 3), ("", 1))
NODSA_REASONS = (("postponed", 5), ("ignored", 3), ("", 2))
_WORDS = (
    "a buffer overflow in the parser allows remote attackers to cause a denial of service "
    "via a crafted file use after free heap out of bounds read write integer signed NULL "
    "pointer dereference in function when processing malformed input certificate request "
    "header length could lead to arbitrary code execution information disclosure memory "
    "leak authentication bypass privilege escalation local users race condition before "
    "version through and earlier in the component of the library server client handling"
)
WORDS = _WORDS.split()
_SYLLABLES = (
    "ab ac al an ar at ba be bo ca ce co da de di do el en er es fa fi fo ga ge go ha he "
    "in io ja ka ki ko la le li lo ma me mi mo na ne ni no ob od ol om on op or os pa pe "
    "pi po qu ra re ri ro sa se si so ta te ti to ul un ur va ve vi xa xe yo za ze zo"
)
SYLLABLES = _SYLLABLES.split()
NAME_FORMS = (
    "{}",
    "{}",
    "{}",
    "lib{}",
    "python-{}",
    "node-{}",
    "golang-{}",
    "lib{}-perl",
    "ruby-{}",
    "r-cran-{}",
    "{}2",
    "{}-tools",
)
# Well-known source packages, most CVEs first (the tracker's long tail follows them).
BIG = (
    "linux",
    "chromium",
    "firefox-esr",
    "thunderbird",
    "imagemagick",
    "tcpdump",
    "qemu",
    "php8.2",
    "xen",
    "wireshark",
    "tiff",
    "binutils",
    "openjdk-17",
    "mysql-8.0",
    "webkit2gtk",
    "ffmpeg",
    "gpac",
    "vim",
    "glibc",
    "openssl",
    "curl",
    "poppler",
)
# Bytes a CVE entry takes, to plan how many to make before the sizes are measured.
FIRST_GUESS = 450


class Package(NamedTuple):
    """One source package's versions in each release it is in: (base, security updates)."""

    name: str
    versions: dict


class Tracker(NamedTuple):
    document: str
    packages: dict  # name: Package
    cves: int


def read_installed(text: str) -> dict[str, str]:
    """``{source: version}`` of ``dpkg-query -W -f '${source:Package}\\t${source:Version}\\n'``
    output (blank and malformed lines ignored)."""
    installed = {}
    for line in text.splitlines():
        fields = line.strip().split("\t")
        if len(fields) == 2 and all(fields):
            installed[fields[0]] = fields[1]
    return installed


def _pick(rng: random.Random, table) -> str:
    return rng.choices([value for value, _weight in table], [weight for _value, weight in table])[0]


def _name(rng: random.Random) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _syllable in range(rng.randint(2, 4)))
    return rng.choice(NAME_FORMS).format(stem)


def _upstream(rng: random.Random) -> str:
    parts = [str(rng.randint(0, 9))] + [str(rng.randint(0, 30)) for _i in range(rng.randint(1, 2))]
    text = ".".join(parts)
    return text + rng.choice(("", "", "", "", "+dfsg", "+ds", ".dfsg", "+really" + text))


def _newer(rng: random.Random, upstream: str) -> str:
    """An upstream version after ``upstream`` (its first number raised)."""
    head = re.match(r"\d+", upstream)
    return f"{int(head.group()) + rng.randint(0, 1)}.{rng.randint(31, 60)}" if head else upstream


def older(version: str, step: int = 1) -> str:
    """A version before ``version`` (dpkg order): its epoch kept, an earlier upstream."""
    epoch, _colon, rest = version.rpartition(":")
    prefix = f"{epoch}:" if epoch else ""
    head = re.match(r"\d+", rest)
    number = int(head.group()) if head else 0
    if number >= step:
        return f"{prefix}{number - step}.{step}-1"
    return f"{prefix}{number}~pre{step}-1"


def security(version: str, suffix: str, update: int) -> str:
    """``version`` as the ``update``-th security upload of its release (``+deb12u3``); 0 is
    the release's own version."""
    base = re.sub(rf"[+~]{suffix}\d+$", "", version)
    return base if update == 0 else f"{base}+{suffix}{update}"


def _package(rng: random.Random, name: str, installed: str | None) -> Package:
    """The versions of ``name`` in each release: (base version, security updates so far)."""
    epoch = rng.choice(("",) * 8 + ("1:", "2:"))
    revision = rng.choice(("1", "2", "3", "1.1", "4", "0.2", "12"))
    old = _upstream(rng)
    new = _newer(rng, old)
    newest = _newer(rng, new)
    versions = {
        "bullseye": (f"{epoch}{old}-{revision}", rng.randint(0, 6)),
        "bookworm": (f"{epoch}{new}-{revision}", rng.randint(0, 6)),
        "trixie": (f"{epoch}{newest}-{rng.randint(1, 5)}", rng.randint(0, 3)),
        "forky": (f"{epoch}{newest}-{rng.randint(5, 9)}", 0),
        "sid": (f"{epoch}{newest}-{rng.randint(9, 12)}", 0),
    }
    if installed is not None:
        # The host's version: fixes come after it; the other releases stay on either side.
        found = re.search(r"[+~]deb12u(\d+)$", installed)
        done = int(found.group(1)) if found else 0
        versions["bookworm"] = (security(installed, "deb12u", 0), done + rng.randint(2, 4))
        versions["bullseye"] = (older(installed), versions["bullseye"][1])
    if installed is not None or name in BIG:
        return Package(name, versions)
    roll = rng.random()
    if roll < 0.05:
        versions = {}  # removed from Debian: its CVEs name no release
    elif roll < 0.15:
        versions = {"sid": versions["sid"]}  # new, or removed from testing
    elif roll < 0.35:
        del versions["bullseye"]  # newer than bullseye
    elif roll < 0.45:
        del versions["trixie"], versions["forky"]  # removed after bookworm
    return Package(name, versions)


def _release_entry(rng: random.Random, package: Package, release: str, recent: bool) -> dict:
    base, updates = package.versions[release]
    suffix = SUFFIX.get(release)
    current = security(base, suffix, updates) if suffix else base
    repositories = {release: base}
    if suffix and updates:
        repositories[f"{release}-security"] = current
    entry: dict = {"status": "resolved", "repositories": repositories}
    roll = rng.random()
    open_share = 0.35 if recent else 0.08
    if roll < open_share:
        entry["status"] = "open" if rng.random() < 0.85 else "undetermined"
        if rng.random() < 0.45:
            entry["nodsa"] = _pick(rng, NODSA)
            entry["nodsa_reason"] = _pick(rng, NODSA_REASONS)
    elif roll < open_share + 0.12:
        entry["fixed_version"] = "0"  # never affected
    elif suffix and updates and rng.random() < 0.5:
        entry["fixed_version"] = security(base, suffix, rng.randint(1, updates))
    else:
        entry["fixed_version"] = older(base, rng.randint(1, 3)) if rng.random() < 0.7 else base
    entry["urgency"] = _pick(rng, URGENCIES)
    return entry


def _issue(rng: random.Random, package: Package, recent: bool) -> dict:
    issue: dict = {}
    if rng.random() < 0.9:
        words = rng.choices(WORDS, k=rng.randint(6, 24))
        issue["description"] = " ".join(words).capitalize() + "."
    if rng.random() < 0.5:
        issue["scope"] = "remote" if rng.random() < 0.6 else "local"
    if rng.random() < 0.3:
        issue["debianbug"] = rng.randint(900000, 1090000)
    issue["releases"] = {r: _release_entry(rng, package, r, recent) for r in package.versions}
    return issue


def _cve_ids(rng: random.Random, count: int) -> list[str]:
    ids: set[str] = set()
    while len(ids) < count:
        if rng.random() < 0.03:
            ids.add(f"TEMP-{rng.randint(0, 1100000):07d}-{rng.getrandbits(24):06X}")
        else:
            year = min(2025, int(rng.triangular(1999, 2026, 2025)))
            ids.add(f"CVE-{year}-{rng.randint(1000, 59999)}")
    return sorted(ids)


def generate(
    megabytes: float = 50,
    seed: int = 1,
    installed: dict[str, str] | None = None,
    packages: int | None = None,
) -> Tracker:
    """A tracker document of about ``megabytes`` (10**6 bytes), with ``packages`` source
    packages (default: 60 per MB, as the real one) including those of ``installed``."""
    rng = random.Random(seed)
    installed = dict(installed or {})
    target = int(megabytes * 1_000_000)
    count = max(packages or round(megabytes * 60), len(installed) + 1)
    names = list(installed) + [n for n in BIG if n not in installed]
    taken = set(names)
    while len(names) < count:
        name = _name(rng)
        if name not in taken:
            taken.add(name)
            names.append(name)
    names = names[:count]
    # CVEs per package: a Zipf tail after the big names; installed ones get at least 12.
    big = [n for n in names if n in BIG]
    rest = [n for n in names if n not in BIG]
    rng.shuffle(rest)
    order = big + rest
    weights = {name: 1.0 / (rank + 1) for rank, name in enumerate(order)}
    total_weight = sum(weights.values())
    made: dict[str, Package] = {}
    pieces: dict[str, str] = {}
    size = 2
    cves = 0
    planned = target / FIRST_GUESS
    left_weight = total_weight
    for name in order:
        if cves:
            planned = cves + max(0, target - size) / (size / cves)
        share = weights[name] / left_weight
        left_weight -= weights[name]
        want = max(1, round(max(0.0, planned - cves) * share))
        if name in installed:
            want = max(want, 12)
        package = _package(rng, name, installed.get(name))
        made[name] = package
        issues = {
            cve: _issue(rng, package, recent=cve.startswith(("CVE-2024", "CVE-2025", "TEMP")))
            for cve in _cve_ids(rng, want)
        }
        piece = json.dumps(name) + ":" + json.dumps(issues, separators=(",", ":"))
        pieces[name] = piece
        size += len(piece) + 1
        cves += want
    document = "{" + ",".join(pieces[name] for name in sorted(pieces)) + "}"
    return Tracker(document, made, cves)


def host(tracker: Tracker, seed: int, count: int = 500, release: str = "bookworm") -> dict:
    """``{source: version}`` of a made-up host on ``release``: ``count`` of the document's
    packages, each at its release version or one of its security updates (so some fixes
    are installed and some not)."""
    rng = random.Random(seed)
    names = sorted(n for n, p in tracker.packages.items() if release in p.versions)
    chosen = rng.sample(names, min(count, len(names)))
    suffix = SUFFIX.get(release, "")
    installed = {}
    for name in chosen:
        base, updates = tracker.packages[name].versions[release]
        installed[name] = security(base, suffix, rng.randint(0, updates)) if suffix else base
    return installed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--megabytes", type=float, default=50, help="size (default: 50)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same document")
    parser.add_argument("--packages", type=int, help="source packages (default: 60 per MB)")
    parser.add_argument("--installed", help="dpkg-query source<TAB>version lines to include")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    installed = {}
    if args.installed:
        with open(args.installed, encoding="utf-8") as handle:
            installed = read_installed(handle.read())
    document = generate(args.megabytes, args.seed, installed, args.packages).document
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(document)
    else:
        sys.stdout.write(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
