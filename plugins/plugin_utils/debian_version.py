# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare Debian package versions exactly as dpkg does (controller side, pure functions).

The vulnerability scan decides whether an installed package is older than the Debian
security tracker's ``fixed_version``; that decision must agree with
``dpkg --compare-versions``, so this module reproduces dpkg's ``parseversion`` (syntax,
deb-version(7)) and ``dpkg_version_compare`` / ``verrevcmp`` (lib/dpkg/version.c):

* A version is ``[epoch:]upstream[-revision]``. The epoch is everything before the first
  colon (decimal digits, at most ``INT_MAX`` as dpkg requires); the revision is everything
  after the last hyphen. A missing epoch is 0; a missing revision is the empty string,
  which compares equal to ``"0"`` (so ``1.0`` == ``1.0-0``, as in dpkg).
* Versions compare by epoch (numerically), then upstream, then revision, each of the
  last two with ``verrevcmp``: the strings are read as alternating non-digit and digit
  parts. Non-digit parts compare character by character, where ``~`` sorts before
  everything (even the end of the part), then the end of the part, then letters (ASCII
  order), then all other characters (ASCII order, after the letters). Digit parts compare
  numerically, leading zeros ignored, of any length.

This module is stricter than dpkg about syntax: dpkg merely *warns* about an upstream
version that does not start with a digit or about characters outside deb-version(7)'s
sets, and it strips surrounding whitespace; here all of those are refused with
``VersionError``, because the tracker's data and ``dpkg-query`` output never contain
them, and a malformed string is better reported than silently ordered.
"""

from __future__ import annotations

MAX_LENGTH = 256
"""The longest version string accepted (real Debian versions are far shorter)."""

INT_MAX = 2**31 - 1
"""dpkg stores the epoch in a C ``int`` and refuses larger ones ("epoch ... too big")."""

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_REVISION_CHARS = _DIGITS | _LETTERS | frozenset(".+~")
# The upstream version may hold hyphens and colons too; by construction a hyphen in it
# implies a revision (the last hyphen splits it off) and a colon implies an epoch (the
# first colon splits it off), exactly as deb-version(7) requires.
_UPSTREAM_CHARS = _REVISION_CHARS | frozenset("-:")


class VersionError(ValueError):
    """A string that is not a Debian version (deb-version(7))."""


def parse(text: str) -> tuple[int, str, str]:
    """Split a Debian version into ``(epoch, upstream, revision)``.

    The epoch defaults to 0 and the revision to ``""``. The strings are returned as
    written (``0:1.0-01`` gives ``(0, "1.0", "01")``). Raises ``VersionError`` for anything
    that is not a well-formed Debian version.
    """
    if not isinstance(text, str):
        raise VersionError(f"version is not a string: {type(text).__name__}")
    if not text:
        raise VersionError("version string is empty")
    if len(text) > MAX_LENGTH:
        raise VersionError(f"version string is longer than {MAX_LENGTH} characters")
    if not text.isascii():
        raise VersionError(f"version {text!r} has non-ASCII characters")

    epoch = 0
    rest = text
    colon = text.find(":")
    if colon >= 0:
        epoch_text = text[:colon]
        if not epoch_text:
            raise VersionError(f"epoch in version {text!r} is empty")
        if not set(epoch_text) <= _DIGITS:
            raise VersionError(f"epoch in version {text!r} is not a number")
        epoch = int(epoch_text.lstrip("0") or "0")
        if epoch > INT_MAX:
            raise VersionError(f"epoch in version {text!r} is too big")
        rest = text[colon + 1 :]
        if not rest:
            raise VersionError(f"nothing after colon in version {text!r}")

    upstream = rest
    revision = ""
    hyphen = rest.rfind("-")
    if hyphen >= 0:
        upstream, revision = rest[:hyphen], rest[hyphen + 1 :]
        if not revision:
            raise VersionError(f"revision number in version {text!r} is empty")
    if not upstream:
        raise VersionError(f"version number in version {text!r} is empty")
    if upstream[0] not in _DIGITS:
        raise VersionError(f"version number in version {text!r} does not start with a digit")
    if not set(upstream) <= _UPSTREAM_CHARS:
        raise VersionError(f"invalid character in version number of {text!r}")
    if not set(revision) <= _REVISION_CHARS:
        raise VersionError(f"invalid character in revision number of {text!r}")
    return epoch, upstream, revision


def _order(char: str) -> int:
    """dpkg's ``order()``: the weight of one character of a non-digit part ("" = end)."""
    if char == "~":
        return -1
    if not char:
        return 0
    if char in _LETTERS:
        return ord(char)
    return ord(char) + 256


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _verrevcmp(a: str, b: str) -> int:
    """dpkg's ``verrevcmp()`` on an upstream version or a revision: -1, 0 or 1."""
    i, j = 0, 0
    len_a, len_b = len(a), len(b)
    while i < len_a or j < len_b:
        # The non-digit parts, character by character ("" stands for the end of the part).
        while (i < len_a and a[i] not in _DIGITS) or (j < len_b and b[j] not in _DIGITS):
            char_a = a[i] if i < len_a and a[i] not in _DIGITS else ""
            char_b = b[j] if j < len_b and b[j] not in _DIGITS else ""
            if char_a != char_b:
                return _sign(_order(char_a) - _order(char_b))
            # Equal and, by the loop condition, not both the end: both are characters.
            i += 1
            j += 1
        # The digit parts, numerically: without leading zeros, the longer is the greater,
        # and equal lengths compare like strings. No int() conversion, so any length works.
        start = i
        while i < len_a and a[i] in _DIGITS:
            i += 1
        digits_a = a[start:i].lstrip("0")
        start = j
        while j < len_b and b[j] in _DIGITS:
            j += 1
        digits_b = b[start:j].lstrip("0")
        if len(digits_a) != len(digits_b):
            return _sign(len(digits_a) - len(digits_b))
        if digits_a != digits_b:
            return -1 if digits_a < digits_b else 1
    return 0


def compare(a: str, b: str) -> int:
    """Compare two Debian versions like ``dpkg --compare-versions``: -1, 0 or 1.

    Raises ``VersionError`` if either string is not a Debian version.
    """
    epoch_a, upstream_a, revision_a = parse(a)
    epoch_b, upstream_b, revision_b = parse(b)
    if epoch_a != epoch_b:
        return -1 if epoch_a < epoch_b else 1
    return _verrevcmp(upstream_a, upstream_b) or _verrevcmp(revision_a, revision_b)


def lt(a: str, b: str) -> bool:
    """Whether version ``a`` is older than version ``b`` (``dpkg --compare-versions a lt b``)."""
    return compare(a, b) < 0
