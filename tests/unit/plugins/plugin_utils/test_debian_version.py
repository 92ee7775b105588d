# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/plugin_utils/debian_version.py (dpkg's version ordering)."""

from __future__ import annotations

import functools
import itertools
import random
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import debian_version as dv
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.debian_version import (
    VersionError,
    compare,
    lt,
    parse,
)

# (a, b, expected compare(a, b)); every case is also checked the other way round.
ORDER_CASES: list[tuple[str, str, int]] = [
    # Plain upstream versions.
    ("1.0", "1.0", 0),
    ("1.0", "1.1", -1),
    ("1.2", "1.10", -1),
    ("1.0", "1.0.0", -1),
    ("1.0.1", "1.0.0", 1),
    ("2", "10", -1),
    ("1.2.3", "1.2.3a", -1),
    ("1.2.3a", "1.2.3b", -1),
    ("1.2.3a", "1.2.4", -1),
    ("1.0a", "1.0+", -1),  # letters sort before non-letters
    ("1.0+", "1.0.", -1),  # then ASCII order: '+' (43) < '.' (46)
    ("1.0Z", "1.0a", -1),  # letters in ASCII order: upper case first
    ("1.0a", "1.0~", 1),
    ("1.0", "1.0a", -1),
    ("1.0", "1.0+", -1),
    ("1.0", "1.0.", -1),
    ("1.0.", "1.0.0", 0),  # the empty digit part after "." is 0
    ("1.0.", "1.0.1", -1),
    ("1.0.~", "1.0", 1),
    # Leading zeros and long digit runs.
    ("1.001", "1.1", 0),
    ("1.01", "1.1", 0),
    ("1.000", "1.0", 0),
    ("007", "7", 0),
    ("1.0010", "1.9", 1),
    ("1.99999999999999999999999", "1.100000000000000000000000", -1),
    ("1.000000000000000000000000001", "1.1", 0),
    ("123456789012345678901234567890", "123456789012345678901234567891", -1),
    # Epochs: numeric, and they win over everything else.
    ("1:1.0", "2.0", 1),
    ("0:1.0", "1.0", 0),
    ("00:1.0", "1.0", 0),
    ("1:1.0", "01:1.0", 0),
    ("2:0.1", "10:0.1", -1),
    ("9:1.0", "10:0.1", -1),
    ("1:0.1", "0:9.9-9", 1),
    ("1:1.0-1", "1:1.0-2", -1),
    ("2147483647:1", "2147483646:99", 1),
    # Tilde: before everything, even the end.
    ("1.0~rc1", "1.0", -1),
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0~~", "1.0~~a", -1),
    ("1.0~~a", "1.0~", -1),
    ("1.0~", "1.0", -1),
    ("1.0~~", "1.0", -1),
    ("1.0~rc1+deb12u1", "1.0~rc1", 1),
    ("1.0~rc1+deb12u1", "1.0", -1),
    ("1.0~rc1+deb12u1", "1.0~rc2", -1),
    ("1.0~beta", "1.0~alpha", 1),
    ("1.0-1~bpo12+1", "1.0-1", -1),
    ("1.0-1~bpo12+1", "1.0-0", 1),
    # Plus: after the end.
    ("1.0+deb12u1", "1.0", 1),
    ("1.0+deb12u1", "1.0+deb12u2", -1),
    ("1.0+deb11u1", "1.0+deb12u1", -1),
    ("1.0+dfsg", "1.0+dfsg1", -1),
    # Revisions.
    ("1.0-1", "1.0-1.1", -1),
    ("1.0-1", "1.0-2", -1),
    ("1.0-10", "1.0-9", 1),
    ("1.0-1", "1.0-01", 0),
    ("1.0", "1.0-0", 0),  # an absent revision is "", which verrevcmp treats like "0"
    ("1.0", "1.0-00", 0),
    ("1.0", "1.0-1", -1),
    ("1.0", "1.0-~", 1),  # "~" sorts before the end, so before the absent revision too
    ("1.0", "1.0-a", -1),
    ("1.0-1", "1.1", -1),  # upstream decides before the revision
    ("1.0-9", "1.0.1-1", -1),
    ("1-1", "1-1.1", -1),
    ("0-1", "0-1.1", -1),
    ("2.36-9+deb12u4", "2.36-9+deb12u10", -1),
    ("2.36-9", "2.36-9+deb12u1", -1),
    # Hyphens in the upstream version (the last hyphen splits off the revision).
    ("1.0-2-1", "1.0-1-1", 1),
    ("1.0-2-1", "1.0-2-2", -1),
    ("1-2-3", "1-2.0-3", -1),
    # Colons in the upstream version (the first colon splits off the epoch).
    ("1:2:3", "1:2:4", -1),
    ("1:2:3", "1:2.3", 1),  # ':' (58) + 256 > '.' (46) + 256
    ("1:2:3-1", "1:2:3", 1),
    # Real Debian security tracker versions (bullseye, bookworm, trixie).
    ("3.0.13-1~deb12u1", "3.0.14-1~deb12u1", -1),  # openssl
    ("3.0.11-1~deb12u2", "3.0.13-1~deb12u1", -1),
    ("3.0.15-1~deb12u1", "3.0.15-1", -1),
    ("1.1.1w-0+deb11u1", "1.1.1w-0+deb11u2", -1),
    ("1.1.1n-0+deb11u5", "1.1.1w-0+deb11u1", -1),
    ("2.36-9+deb12u7", "2.36-9+deb12u10", -1),  # glibc
    ("2.31-13+deb11u11", "2.31-13+deb11u2", 1),
    ("6.1.0-28", "6.1.0-3", 1),  # linux ABI names
    ("6.1.119-1", "6.1.123-1", -1),  # linux
    ("6.1.0-28-amd64", "6.1.0-28-cloud-amd64", -1),
    ("1.9.13p3-1+deb12u1", "1.9.13p3-1", 1),  # sudo
    ("1.9.13p3-1+deb12u1", "1.9.13p4-1", -1),
    ("1.9.5p2-3+deb11u1", "1.9.13p3-1+deb12u1", -1),
    ("1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u2", 1),  # openssh
    ("1:9.2p1-2+deb12u3", "1:9.2p1-2", 1),
    ("1:8.4p1-5+deb11u3", "1:9.2p1-2+deb12u3", -1),
    ("1:9.2p1-2+deb12u3", "9.9p9-9", 1),  # the epoch wins
    ("3.11.2-6+deb12u2", "3.11.2-6+deb12u10", -1),  # python3.11
    ("3.11.2-6", "3.11.2-6+deb12u1", -1),
    ("7.88.1-10+deb12u8", "7.88.1-10+deb12u12", -1),  # curl
    ("1:2.39.5-0+deb12u1", "1:2.39.2-1.1", 1),  # git
    ("2.4.62-1~deb12u2", "2.4.62-1~deb12u1", 1),  # apache2
    ("2.4.62-1~deb11u1", "2.4.62-1~deb12u1", -1),
    ("9.18.33-1~deb12u2", "1:9.18.33-1~deb12u2", -1),  # bind9 (epoch 1 in the archive)
    ("1:9.18.33-1~deb12u2", "1:9.18.28-1~deb12u2", 1),
    ("252.33-1~deb12u1", "252.36-1~deb12u1", -1),  # systemd
    ("257.4-1", "257~rc3-1", 1),  # trixie systemd
    ("2.41-6", "2.41-7", -1),  # trixie glibc
    ("3.5.0-1", "3.5.0~rc1-1", 1),  # trixie openssl
]

SORTED_VERSIONS: list[str] = [
    "0~",
    "0",
    "0-1",
    "0.0.1",
    "1.0~~",
    "1.0~~a",
    "1.0~",
    "1.0~rc1",
    "1.0~rc1+deb12u1",
    "1.0~rc2",
    "1.0",
    "1.0-1~bpo12+1",
    "1.0-1",
    "1.0-1+b1",
    "1.0-1.1",
    "1.0-2",
    "1.0-10",
    "1.0a",
    "1.0+",
    "1.0+deb12u1",
    "1.0.",  # == "1.0.0": a missing final digit part counts as 0
    "1.1",
    "1.10",
    "2.36-9+deb12u4",
    "2.36-9+deb12u10",
    "3.0.11-1~deb12u2",
    "3.0.13-1~deb12u1",
    "3.0.14-1~deb12u1",
    "3.0.14-1",
    "10",
    "1:0",
    "1:2:3",
    "1:9.2p1-2+deb12u3",
    "2:0~",
    "2:0",
]


@pytest.mark.parametrize(("a", "b", "expected"), ORDER_CASES)
def test_compare(a: str, b: str, expected: int) -> None:
    first, second = a, b
    assert compare(first, second) == expected
    assert compare(second, first) == -expected  # symmetric
    assert lt(first, second) is (expected < 0)
    assert lt(second, first) is (expected > 0)


@pytest.mark.parametrize("version", sorted({v for a, b, _expected in ORDER_CASES for v in (a, b)}))
def test_reflexive(version: str) -> None:
    assert compare(version, version) == 0
    assert not lt(version, version)


def test_sorted_list_is_a_strict_total_order() -> None:
    # Every pair in SORTED_VERSIONS is ordered by its positions: that covers antisymmetry
    # and transitivity over the list, and sorting a shuffled copy gives the list back.
    for (i, a), (j, b) in itertools.product(enumerate(SORTED_VERSIONS), repeat=2):
        assert compare(a, b) == (i > j) - (i < j), (a, b)
    shuffled = SORTED_VERSIONS[::-1]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=_sort_key) == SORTED_VERSIONS


_sort_key = functools.cmp_to_key(compare)


def test_transitive_over_all_cases() -> None:
    versions = sorted({v for a, b, _expected in ORDER_CASES for v in (a, b)} | set(SORTED_VERSIONS))
    for a, b, c in itertools.product(versions[:40], repeat=3):
        if compare(a, b) <= 0 and compare(b, c) <= 0:
            assert compare(a, c) <= 0, (a, b, c)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.0", (0, "1.0", "")),
        ("0:1.0", (0, "1.0", "")),
        ("1:1.0-1", (1, "1.0", "1")),
        ("007:1.0-01", (7, "1.0", "01")),
        ("1:2:3", (1, "2:3", "")),  # a colon in upstream is allowed once there is an epoch
        ("1:2:3-4", (1, "2:3", "4")),
        ("1.0-2-3", (0, "1.0-2", "3")),  # the last hyphen splits off the revision
        ("1:2-3-4", (1, "2-3", "4")),
        ("2147483647:1", (2147483647, "1", "")),  # INT_MAX
        ("1.0~rc1+deb12u1", (0, "1.0~rc1+deb12u1", "")),
        ("1:9.2p1-2+deb12u3", (1, "9.2p1", "2+deb12u3")),
        ("6.1.0-28-cloud-amd64", (0, "6.1.0-28-cloud", "amd64")),
        ("1.0-~", (0, "1.0", "~")),
        ("1" * 256, (0, "1" * 256, "")),  # the longest accepted
    ],
)
def test_parse(text: str, expected: tuple[int, str, str]) -> None:
    assert parse(text) == expected


INVALID = [
    "",
    " ",
    " 1.0",
    "1.0 ",
    "1.0 1",
    "1.0\t",
    "1.0\n",
    "\n1.0",
    "1.0\x00",
    "1.0\x7f",
    "a1.0",  # dpkg only warns; we refuse
    "~1.0",
    "+1.0",
    ".1",
    "1:",
    ":1.0",
    ":",
    "1.0-",
    "1.0-1-",
    "1:-1",  # empty upstream
    "-1",
    "-1.1",
    "\uff11.0",  # fullwidth digit one
    "1.\uff10",
    "1.0-\uff11",
    "\u0661.0",  # Arabic-Indic digit one: str.isdigit() is true, but not a dpkg digit
    "1.0é",
    "x:1.0",
    "1x:1.0",
    "+1:1.0",  # strtol() would read it; deb-version(7) says digits only
    "-1:1.0",
    " 1:1.0",
    "1 :1.0",
    "99999999999:1.0",
    "2147483648:1",  # INT_MAX + 1
    "1.0_1",
    "1.0-1_1",
    "1.0-a/b",
    "1.0-1:2",  # the first colon makes "1.0-1" the (non-numeric) epoch
    "1.0,1",
    "1.0@1",
    "1" * 257,
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_versions_are_refused(text: str) -> None:
    with pytest.raises(VersionError):
        parse(text)
    with pytest.raises(VersionError):
        compare(text, "1.0")
    with pytest.raises(VersionError):
        compare("1.0", text)
    with pytest.raises(VersionError):
        lt(text, "1.0")


@pytest.mark.parametrize("value", [None, 1, 1.0, b"1.0", ["1.0"]])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(VersionError):
        parse(value)  # type: ignore[arg-type]


def test_version_error_is_a_value_error() -> None:
    assert issubclass(VersionError, ValueError)


def test_huge_digit_runs_do_not_go_through_int() -> None:
    # Longer than sys.get_int_max_str_digits() would allow as a whole (4300 by default),
    # were it one string: the bound on length keeps us far below, but digit parts are
    # compared as strings anyway, so a 250-digit run is fine and exact.
    big = "9" * 250
    assert compare(big, "1" + "0" * 250) == -1
    assert compare("0" * 100 + "1", "1") == 0
    assert dv.MAX_LENGTH == 256


# The ground truth: dpkg itself.

DPKG = shutil.which("dpkg")

CROSS_CHECK_VERSIONS: list[str] = [
    *SORTED_VERSIONS,
    "1.001",
    "1.0-0",
    "1.0.0",
    "1.0.~",
    "1.0-~",
    "1.0-a",
    "1.0Z",
    "1.2.3a",
    "1.0-2-1",
    "1:2.3",
    "1:2:3-1",
    "00:1.0",
    "1.9.13p3-1+deb12u1",
    "1.9.13p4-1",
    "6.1.0-28",
    "6.1.0-3",
    "3.11.2-6+deb12u2",
    "3.11.2-6+deb12u10",
    "257~rc3-1",
    "257.4-1",
    "1.99999999999999999999999",
    "1.100000000000000000000000",
    "2147483647:1",
]


def _dpkg_holds(a: str, relation: str, b: str) -> bool:
    assert DPKG is not None
    result = subprocess.run(
        [DPKG, "--compare-versions", a, relation, b],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode in (0, 1), (a, relation, b, result.stderr)
    assert not result.stderr, (a, relation, b, result.stderr)  # no syntax warnings either
    return result.returncode == 0


def _dpkg_compare(pair: tuple[str, str]) -> int:
    a, b = pair
    if _dpkg_holds(a, "lt", b):
        return -1
    if _dpkg_holds(a, "gt", b):
        return 1
    assert _dpkg_holds(a, "eq", b), (a, b)
    return 0


def _check_against_dpkg(pairs: list[tuple[str, str]]) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        truth = list(pool.map(_dpkg_compare, pairs))
    wrong = [
        (a, b, ours, theirs)
        for (a, b), theirs in zip(pairs, truth)
        if (ours := compare(a, b)) != theirs
    ]
    assert not wrong


@pytest.mark.skipif(DPKG is None, reason="dpkg is not installed")
def test_agrees_with_dpkg_on_every_pair() -> None:
    versions = list(dict.fromkeys(CROSS_CHECK_VERSIONS))
    assert len(versions) >= 40
    _check_against_dpkg(list(itertools.combinations(versions, 2)))


def _random_version(rng: random.Random) -> str:
    tokens = ["0", "1", "9", "00", "01", "10", "a", "b", "Z", "p", "~", "~~", ".", "+", "-"]

    def part(first_digit: bool) -> str:
        text = rng.choice("0123456789") if first_digit else ""
        text += "".join(rng.choice(tokens) for _token in range(rng.randint(0, 4)))
        return text.replace("-", "") if not first_digit else text

    upstream = part(True)
    if "-" in upstream or rng.random() < 0.5:
        upstream += "-" + (part(False) or "0")
    if rng.random() < 0.3:
        upstream = rng.choice(["0", "1", "2", "01"]) + ":" + upstream
    return upstream


def _mutated(rng: random.Random, version: str) -> str:
    """A near neighbour of version (one token inserted, replaced or removed), often equal."""
    tokens = ["0", "00", "1", "a", "Z", "~", ".", "+", "-0", "-1", "1:"]
    at = rng.randint(1, len(version))
    kind = rng.choice(["insert", "replace", "delete", "zero"])
    if kind == "insert":
        return version[:at] + rng.choice(tokens) + version[at:]
    if kind == "replace":
        return version[: at - 1] + rng.choice(tokens) + version[at:]
    if kind == "delete":
        return version[: at - 1] + version[at:]
    return version[:at] + "0" + version[at:]  # a leading zero, or a new trailing 0


@pytest.mark.skipif(DPKG is None, reason="dpkg is not installed")
def test_agrees_with_dpkg_on_random_versions() -> None:
    rng = random.Random(20260101)
    pairs = []
    while len(pairs) < 400:
        a = _random_version(rng)
        b = _mutated(rng, a) if rng.random() < 0.8 else _random_version(rng)
        try:
            parse(a)
            parse(b)
        except VersionError:
            continue
        pairs.append((a, b))
    outcomes = {compare(a, b) for a, b in pairs}
    assert outcomes == {-1, 0, 1}
    _check_against_dpkg(pairs)
