# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure helpers of the nft_apply module: what to load, what counts as drift, how to roll back.

Written against the text of ``nft list table`` (nftables 0.9.8 to 1.1). Nothing here runs a
command or touches a file; the module reads the host and passes the text in.

Facts about nft that these helpers rely on (checked on nftables 1.0.6, Linux 6.x):

- ``nft list table`` prints live state beside the rules: counters' packets and bytes, the
  bytes a quota has used, ``last used`` times, and the elements of named sets, which other
  tooling (remote-maintenance windows) and the packet path (dynamic sets) add and expire.
  None of that is configuration, so none of it may count as drift.
- Timed elements are listed as ``192.0.2.10 timeout 1h expires 59m58s990ms``; an
  ``elements = { ... }`` clause wraps onto several lines, and a comment inside it may hold
  a comma or a brace.
- A listing loads back with ``nft -f`` (``expires`` included), but a rollback runs later
  than the listing was taken; see :func:`rollback_text`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shlex
from typing import NamedTuple

from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import FIREWALL_TABLE

DEFAULT_TABLE = FIREWALL_TABLE

# The transient systemd units that `systemd-run --on-active` creates for the guard.
GUARD_UNIT = "edu-tw-hardening-firewall-rollback"
GUARD_TIMER = GUARD_UNIT + ".timer"
GUARD_SERVICE = GUARD_UNIT + ".service"

# The time a rollback records in its marker, and the time the module reports a guard due:
# ISO 8601, UTC, to the second. The guard script writes it with date(1), the same format.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

FAMILIES = ("ip", "ip6", "inet", "arp", "bridge", "netdev")

# Words that may start a top-level nft statement, and the objects that name a table.
_VERBS = frozenset(
    {"add", "create", "insert", "replace", "delete", "destroy", "flush", "reset", "list"}
)
_TABLE_OBJECTS = frozenset(
    {
        "table",
        "chain",
        "set",
        "map",
        "element",
        "rule",
        "counter",
        "quota",
        "flowtable",
        "limit",
        "secmark",
        "synproxy",
        "tunnel",
        "ct",
    }
)
_DEFINES = frozenset({"define", "redefine", "undefine"})
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")

# nft time specs: 1d2h3m4s5ms, 59m58s990ms, 30m.
_TIME_SPEC = r"(?:\d+(?:d|h|ms|m|s))+"
_TIME_PART_RE = re.compile(r"(\d+)(d|h|ms|m|s)")
_TIME_UNITS_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1_000, "ms": 1}

# Live state printed inside rules and objects, and what each becomes after normalization.
_LIVE_STATE = (
    (re.compile(r"\bpackets \d+ bytes \d+"), ""),
    (re.compile(r"\bused \d+ [kmg]?bytes"), ""),
    (re.compile(r"\bexpires " + _TIME_SPEC), ""),
    (re.compile(r"\blast used (?:never|" + _TIME_SPEC + r")"), "last"),
)
_TIMEOUT_RE = re.compile(r"\btimeout " + _TIME_SPEC + r"\s*")
_EXPIRES_RE = re.compile(r"\bexpires (" + _TIME_SPEC + r")")


class Record(NamedTuple):
    """What the module loaded last: the table, sha256 of the source, normalized listing."""

    table: str
    sha256: str
    listing: str


class Plan(NamedTuple):
    """What ``state=applied`` has to do, and why, in words for the task result."""

    reload: bool
    persist: bool
    reasons: tuple[str, ...]


class Steps(NamedTuple):
    """What a ``state=applied`` run does once its :class:`Plan` is made, and what it says.

    ``changed`` False: nothing to do, the run reports ``msg`` and stops (check mode too).
    Otherwise check mode reports ``check_msg``; a real run, in this order: with ``reload``,
    writes the rollback (unless ``keep_rollback`` and one exists), arms the guard when
    ``arm``, else disarms an earlier guard when ``disarm``, and loads; without it, disarms
    when ``disarm``; then writes dest when ``persist`` and reports ``msg``.
    """

    changed: bool
    reload: bool
    arm: bool
    keep_rollback: bool
    disarm: bool
    persist: bool
    pending_confirm: bool
    msg: str
    check_msg: str


class ConfirmStop(NamedTuple):
    """A ``state=confirmed`` run that ends before it confirms anything, writing nothing.

    ``failed`` False: the run exits unchanged with ``msg`` (check mode). ``failed`` True: it
    fails with ``msg``, and with ``rolled_back_at`` (not None) when the lockout guard rolled
    the load back.
    """

    failed: bool
    msg: str
    rolled_back_at: str | None = None


class ConfirmSteps(NamedTuple):
    """What a ``state=confirmed`` run does once nothing stops it, and what it says.

    In this order: stops the guard's timer when ``stop_timer`` (and then checks again, with
    :func:`confirm_stop`, that the guard did not fire and the live table still matches),
    writes dest when ``persist``, and reports ``msg`` with ``changed``.
    """

    stop_timer: bool
    persist: bool
    changed: bool
    msg: str


class _Piece(NamedTuple):
    """One line of a listing, or one whole ``elements = { ... }`` clause."""

    text: str
    block: str  # first word of the innermost open block: "table", "set", "map", "chain", ...
    is_elements: bool


def parse_table(table: str) -> tuple[str, str]:
    """Split ``"inet edu_tw_hardening"`` into family and name; ValueError if malformed."""
    words = table.split()
    if len(words) != 2 or words[0] not in FAMILIES or not _NAME_RE.match(words[1]):
        raise ValueError(
            f"table: expected '<family> <name>' with a family of {', '.join(FAMILIES)}, "
            f"got {table!r}"
        )
    return words[0], words[1]


def sha256_hex(data: bytes) -> str:
    """The sha256 of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def parse_time_spec(spec: str) -> int:
    """Milliseconds in an nft time spec such as ``1h59m58s990ms``; ValueError if malformed."""
    if not re.fullmatch(_TIME_SPEC, spec):
        raise ValueError(f"not an nft time spec: {spec!r}")
    return sum(int(n) * _TIME_UNITS_MS[unit] for n, unit in _TIME_PART_RE.findall(spec))


def format_time_spec(milliseconds: int) -> str:
    """An nft time spec for a positive number of milliseconds (``3723000`` -> ``1h2m3s``)."""
    parts = []
    rest = milliseconds
    for unit in ("d", "h", "m", "s", "ms"):
        count, rest = divmod(rest, _TIME_UNITS_MS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "1ms"


def _outside_quotes(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (chunk, quoted) pairs; quoted chunks keep their quotes."""
    chunks = re.split(r'("[^"]*"?)', text)
    return [(chunk, chunk.startswith('"')) for chunk in chunks if chunk]


def _brace_depth(text: str) -> int:
    """Net ``{`` minus ``}`` in ``text``, ignoring braces inside quoted strings."""
    return sum(
        chunk.count("{") - chunk.count("}") for chunk, quoted in _outside_quotes(text) if not quoted
    )


def _sub_unquoted(text: str, pattern: re.Pattern[str], repl: str) -> str:
    """``pattern.sub(repl, ...)`` applied to the unquoted parts of ``text`` only."""
    return "".join(
        chunk if quoted else pattern.sub(repl, chunk) for chunk, quoted in _outside_quotes(text)
    )


def _pieces(listing: str) -> list[_Piece]:
    """Cut a listing into lines and whole elements clauses, each with its enclosing block."""
    lines = listing.splitlines()
    pieces: list[_Piece] = []
    stack: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        block = stack[-1] if stack else ""
        if stripped.startswith("elements = {"):
            while _brace_depth(line) > 0 and index + 1 < len(lines):
                index += 1
                line += "\n" + lines[index]
            pieces.append(_Piece(line, block, True))
        else:
            pieces.append(_Piece(line, block, False))
            depth = _brace_depth(stripped)
            if depth > 0:
                stack.extend([stripped.split()[0]] * depth)
            for _closed in range(min(-depth, len(stack))):
                stack.pop()
        index += 1
    return pieces


def _split_elements(clause: str) -> tuple[str, list[str]]:
    """Indentation and items of an ``elements = { a, b }`` clause (quote-aware)."""
    indent = clause[: len(clause) - len(clause.lstrip())]
    body = clause.strip()[len("elements = {") :].rstrip()
    body = body[:-1] if body.endswith("}") else body
    items: list[str] = []
    current = ""
    depth = 0
    for chunk, quoted in _outside_quotes(body):
        if quoted:
            current += chunk
            continue
        for char in chunk:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if char == "," and depth == 0:
                items.append(current)
                current = ""
            else:
                current += char
    items.append(current)
    return indent, [" ".join(item.split()) for item in items if item.strip()]


def normalize_listing(listing: str) -> str:
    """Reduce ``nft list table`` output to the table's configuration, for drift checks.

    Drops the elements of named sets (other tooling and the packet path add and expire
    them), counters' packets and bytes, quotas' used bytes, ``expires`` and ``last used``
    times, blank lines and indentation. Maps keep their elements: they are rule logic.
    """
    out = []
    for piece in _pieces(listing):
        if piece.is_elements and piece.block == "set":
            continue
        text = piece.text
        for pattern, repl in _LIVE_STATE:
            text = _sub_unquoted(text, pattern, repl)
        text = " ".join(text.split())
        if text:
            out.append(text)
    return "\n".join(out)


def _age_element(item: str, elapsed_ms: int) -> str | None:
    """A timed element as it should be re-added ``elapsed_ms`` later; None once expired."""
    unquoted = "".join(chunk for chunk, quoted in _outside_quotes(item) if not quoted)
    expires = _EXPIRES_RE.search(unquoted)
    if not expires:
        return item
    left = parse_time_spec(expires.group(1)) - elapsed_ms
    if left <= 0:
        return None
    item = _sub_unquoted(item, _TIMEOUT_RE, "")
    return _sub_unquoted(item, _EXPIRES_RE, f"timeout {format_time_spec(left)}")


def rollback_text(table: str, live: str | None, elapsed_seconds: int = 0) -> str:
    """An nft script that puts ``table`` back as ``live`` lists it, run ``elapsed_seconds`` later.

    With ``live`` None (the table did not exist) the script only deletes the table. Timed
    elements are re-added with the time they will have left when the script runs, as
    ``timeout <left>`` rather than ``expires``: a window closes when it would have closed,
    on kernels that ignore ``expires`` on input too, and one that has closed stays closed.
    """
    head = f"table {table}\ndelete table {table}\n"
    if live is None:
        return head
    lines = []
    for piece in _pieces(live):
        if not piece.is_elements:
            lines.append(piece.text)
            continue
        indent, items = _split_elements(piece.text)
        aged = [_age_element(item, elapsed_seconds * 1000) for item in items]
        kept = [item for item in aged if item is not None]
        if kept:
            lines.append(f"{indent}elements = {{ {', '.join(kept)} }}")
    return head + "\n".join(lines) + "\n"


def _strip_comment(line: str) -> str:
    """``line`` without its ``# comment`` (a ``#`` inside a quoted string is kept)."""
    kept = ""
    for chunk, quoted in _outside_quotes(line):
        if not quoted and "#" in chunk:
            return kept + chunk.split("#", 1)[0]
        kept += chunk
    return kept


def _statements(script: str) -> list[str]:
    """The heads (text outside any ``{ }``) of the top-level statements of an nft script."""
    heads: list[str] = []
    current = ""
    depth = 0
    for line in script.splitlines():
        for chunk, quoted in _outside_quotes(_strip_comment(line)):
            if quoted:
                current += chunk if depth == 0 else ""
                continue
            for char in chunk:
                if char in "{}":
                    depth = max(depth + (1 if char == "{" else -1), 0)
                elif char == ";" and depth == 0:
                    heads.append(current)
                    current = ""
                elif depth == 0:
                    current += char
        if depth == 0:
            heads.append(current)
            current = ""
    heads.append(current)
    return [" ".join(head.split()) for head in heads if head.strip()]


def foreign_statements(script: str, table: str) -> list[str]:
    """Top-level statements of ``script`` that could touch another table than ``table``.

    ``flush ruleset``, ``include`` (its content cannot be checked here), a statement naming
    another table, and any top-level word nft would read as an unknown command.
    """
    family, name = parse_table(table)
    foreign = []
    for head in _statements(script):
        words = head.split()
        if words[0] in _DEFINES:
            continue
        if words[0] in _VERBS:
            words = words[1:]
        if words and words[0] == "ct":
            words = words[1:]  # ct helper|timeout|expectation <family> <table> <name>
        if len(words) < 2 or words[0] not in _TABLE_OBJECTS:
            foreign.append(head)
            continue
        rest = words[1:]
        named_family = rest[0] if rest[0] in FAMILIES else "ip"
        if rest[0] in FAMILIES:
            rest = rest[1:]
        if not rest or (named_family, rest[0]) != (family, name):
            foreign.append(head)
    return foreign


def load_script(src: str) -> str:
    """The script nft loads: ``src`` as it is, in one transaction.

    The table is not deleted first: ``src`` flushes what it owns (its chains, its own sets)
    and only declares the rest, so elements that other tooling put in the table's other
    sets (the timed remote-maintenance windows) survive a reload. That ``src`` touches no
    other table is checked by :func:`foreign_statements`.
    """
    if '"' in src:
        raise ValueError(f"src: a path with a double quote cannot be included by nft: {src!r}")
    return f'include "{src}"\n'


def parse_record(text: str | None) -> Record | None:
    """The record of the last load from the state file's text; None if missing or corrupt."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        record = Record(data["table"], data["sha256"], data["listing"])
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(field, str) for field in record):
        return None
    return record


def record_text(record: Record) -> str:
    """The state file's text for ``record``."""
    return json.dumps(record._asdict(), indent=2, sort_keys=True) + "\n"


def live_matches(record: Record | None, table: str, src: bytes, live: str | None) -> bool:
    """Whether the live table is still exactly what the module loaded from ``src``."""
    return (
        record is not None
        and live is not None
        and record.table == table
        and record.sha256 == sha256_hex(src)
        and record.listing == normalize_listing(live)
    )


def plan_applied(
    table: str,
    live: str | None,
    record: Record | None,
    src: bytes,
    dest: bytes | None,
    rolled_back_at: str | None = None,
) -> Plan:
    """Decide whether ``state=applied`` must reload the table and/or rewrite ``dest``.

    ``live`` is the listing (None: table absent), ``record`` the last load (None: unknown),
    ``src`` the candidate's bytes, ``dest`` the persistent copy's bytes (None: missing),
    ``rolled_back_at`` the time in the lockout guard's rollback marker (None: no marker).

    After a rollback the record describes a load that is no longer live, and the listings
    cannot tell: they leave out set elements, and the previous table often differs from
    the rolled-back one only in its management set. So a rollback always means a reload,
    never "only write dest", which would make the boot copy the ruleset that was refused.
    """
    reasons = []
    if live is None:
        reasons.append(f"table {table} is not loaded")
    elif rolled_back_at is not None:
        when = rolled_back_at or "an unknown time"
        reasons.append(f"the lockout guard rolled back the last load at {when}")
    elif record is None or record.table != table:
        reasons.append("no record of what was loaded last")
    elif record.sha256 != sha256_hex(src):
        reasons.append("src changed since the last load")
    elif record.listing != normalize_listing(live):
        reasons.append(f"the live table {table} was changed outside this module")
    reload = bool(reasons)
    if dest is None:
        reasons.append("dest is missing")
    elif dest != src:
        reasons.append("dest differs from src")
    return Plan(reload, dest != src, tuple(reasons))


def applied_steps(table: str, plan: Plan, armed: bool, guard_seconds: int) -> Steps:
    """What ``state=applied`` does with ``plan`` while the guard of an earlier load is
    ``armed`` (or not), with a guard of ``guard_seconds`` for this run (0: none).

    - An earlier load that still waits for its confirmation keeps its guard and its
      rollback (which returns to the last confirmed table), and dest waits for that
      confirmation: only a reload changes anything.
    - With a guard, a reload leaves dest to the confirmation (``state=confirmed``).
    - ``guard_seconds: 0`` accepts an earlier unconfirmed load as it is: its guard is
      stopped, with or without a reload.
    """
    guarded = guard_seconds > 0
    persist = plan.persist and not (armed and guarded and not plan.reload)
    if not plan.reload and not persist and not (armed and not guarded):
        state = "an earlier load awaits confirmation" if armed else "up to date"
        msg = f"table {table}: {state}"
        return Steps(False, False, False, False, False, False, armed, msg, msg)
    check_msg = (
        f"check mode: table {table} would be {'reloaded' if plan.reload else 'left as loaded'}"
    )
    disarm = armed and not guarded
    if plan.reload and guarded:
        msg = f"table {table} loaded; confirm within {guard_seconds}s or it is rolled back"
        return Steps(True, True, True, armed, disarm, False, True, msg, check_msg)
    msg = f"table {table} {'loaded without a guard' if plan.reload else 'already loaded'}" + (
        "; dest written" if persist else ""
    )
    return Steps(True, plan.reload, False, False, disarm, persist, False, msg, check_msg)


NO_NFT_MSG = "nft not found; install the nftables package first"
CHECK_MODE_CONFIRM_MSG = "check mode: nothing to confirm"


def live_mismatch_message(table: str, src: str) -> str:
    """Why ``state=confirmed`` fails when the live table is not the one loaded from ``src``."""
    return (
        f"the live table {table} is not the one loaded from {src} (it changed "
        "since the load, and the lockout guard recorded no rollback); dest left as it was. "
        "Run the module with state=applied again."
    )


def confirm_stop(
    table: str,
    src: str,
    *,
    check_mode: bool = False,
    nft_found: bool = True,
    rolled_back_at: str | None = None,
    matches: bool = True,
) -> ConfirmStop | None:
    """Whether ``state=confirmed`` ends here, and how; None: go on.

    ``src`` is the path of the candidate, ``rolled_back_at`` the time in the guard's rollback
    marker (None: no marker), ``matches`` whether the live table is the one the record says
    was loaded from ``src`` (see :func:`live_matches`). The checks come in this order, and the
    module passes each fact as soon as it has read it (the others keep their defaults, which
    stop nothing): check mode confirms nothing and reads nothing, a rollback is reported
    before the live table is listed.
    """
    if check_mode:
        return ConfirmStop(False, CHECK_MODE_CONFIRM_MSG)
    if not nft_found:
        return ConfirmStop(True, NO_NFT_MSG)
    if rolled_back_at is not None:
        return ConfirmStop(True, rolled_back_message(table, src, rolled_back_at), rolled_back_at)
    if not matches:
        return ConfirmStop(True, live_mismatch_message(table, src))
    return None


def confirm_steps(table: str, armed: bool, dest: bytes | None, src: bytes) -> ConfirmSteps:
    """What ``state=confirmed`` does once :func:`confirm_stop` let it go on.

    ``armed``: the guard's timer is active; ``dest`` the persistent copy's bytes (None:
    missing), ``src`` the candidate's. Stopping an armed guard is a change, even when dest
    already holds ``src``.
    """
    persist = dest != src
    msg = f"table {table} confirmed" + ("; dest written" if persist else "")
    return ConfirmSteps(armed, persist, armed or persist, msg)


def timer_stop_error(rc: int, err: str) -> str | None:
    """The failure of ``systemctl stop`` of the guard's timer; None when it stopped or was gone."""
    if rc != 0 and "not loaded" not in err:
        return f"could not stop {GUARD_TIMER}: {err.strip()}"
    return None


def guard_script(nft: str, rollback_path: str, marker_path: str) -> str:
    """The script the guard's transient unit runs: load the rollback, then record when.

    The marker (the time, ISO 8601 UTC, one line) is written only once nft has loaded the
    rollback, through a temp file and a rename so that it never holds half a time. Paths
    are quoted for sh.
    """
    tmp = shlex.quote(marker_path + ".tmp")
    return (
        "#!/bin/sh\n"
        "# The lockout guard of edu_tw.hardening.nft_apply: put the previous table back, then\n"
        "# record when, for the next state=confirmed to report. Written by the module.\n"
        "set -e\n"
        "umask 077\n"
        f"{shlex.quote(nft)} -f {shlex.quote(rollback_path)}\n"
        f"date -u +{TIME_FORMAT} > {tmp}\n"
        f"mv -f {tmp} {shlex.quote(marker_path)}\n"
    )


def systemd_run_argv(
    systemd_run: str, shell: str, script_path: str, guard_seconds: int
) -> list[str]:
    """The argv that arms the guard: ``shell script_path`` in ``guard_seconds`` seconds."""
    return [
        systemd_run,
        f"--unit={GUARD_UNIT}",
        f"--on-active={guard_seconds}s",
        "--timer-property=AccuracySec=1s",
        shell,
        script_path,
    ]


def utc_time(epoch: float) -> str:
    """``epoch`` (seconds) as ISO 8601 UTC to the second, the form of the rollback marker."""
    moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    return moment.strftime(TIME_FORMAT)


def parse_rollback_marker(text: str) -> str:
    """The time a guard's rollback recorded in its marker (ISO 8601 UTC); '' if unreadable."""
    stamp = text.strip()
    if not _TIME_RE.fullmatch(stamp):
        return ""
    try:
        datetime.datetime.strptime(stamp, TIME_FORMAT)
    except ValueError:
        return ""
    return stamp


def rolled_back_message(table: str, src: str, rolled_back_at: str) -> str:
    """Why ``state=confirmed`` fails after the lockout guard rolled the load back, and what next."""
    when = rolled_back_at or "an unknown time (its marker holds no readable time)"
    return (
        f"the lockout guard rolled back to the previous ruleset at {when}: the table {table} "
        f"loaded from {src} was not confirmed in time, so the host put the previous table back "
        "by itself; dest left as it was. Check that the new ruleset lets the controller in "
        "over SSH (its management sources, the address the controller connects from), then "
        "run the module with state=applied again."
    )
