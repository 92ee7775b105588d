#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: nft_apply
short_description: Load the collection's nftables table with a lockout guard
description:
  - Loads O(src) into one nftables table (by default C(inet edu_tw_hardening)) in one nft
    transaction, and never touches another table. O(src) is refused if a top-level
    statement in it names another table, flushes the ruleset or includes a file.
  - The table is not deleted before the load. O(src) flushes what it owns (its chains and
    its own sets) and only declares the rest, so elements that other tooling added to the
    table's other sets, such as timed remote-maintenance windows, survive a reload.
  - With O(state=applied) the table is reloaded only when it is absent, O(src) changed
    since the last load, the lockout guard rolled the last load back, or the live table
    was changed outside this module (a hand edit, a flush). Counters, quota usage and the
    elements of named sets are live state, not drift.
  - Before loading, a systemd timer is armed that puts the previous table back after
    O(guard_seconds) (a table that did not exist is deleted). The task returns
    RV(pending_confirm=true); open a new connection through the new ruleset and run the
    module again with O(state=confirmed) to stop the timer and write O(dest). If nobody
    confirms, the host returns to the previous table on its own, and O(dest), the copy
    loaded at boot, still holds the previous good ruleset.
  - The rollback records that it ran, and when, in O(state_dir). O(state=confirmed) then
    fails with RV(rolled_back=true) and a message that says so, with the time on the
    host's clock (ISO 8601, UTC). The next load with O(state=applied) forgets the record.
  - Timed set elements (remote-maintenance windows) are put back by the rollback with the
    time they have left when it runs, so a window closes when it would have closed.
  - Keeps its state (the last load's record, the rollback script, the guard's script and
    its record of a rollback) under O(state_dir).
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  src:
    description:
      - The nft script that defines the table, already rendered and checked with
        C(nft -c -f) on the host.
    type: path
    required: true
  dest:
    description:
      - The persistent copy that the boot configuration includes. Written only when the
        new table is confirmed (at once with O(guard_seconds=0)), with a backup of the
        previous copy.
    type: path
    required: true
  table:
    description:
      - The table to replace, as C(<family> <name>).
    type: str
    default: inet edu_tw_hardening
  guard_seconds:
    description:
      - Seconds after which an unconfirmed load is rolled back. V(0) loads without a guard
        and writes O(dest) at once.
    type: int
    default: 120
  state:
    description:
      - V(applied) loads the table when needed and arms the guard.
      - V(confirmed) stops the guard and writes O(dest). It fails, writing nothing, when
        the guard already rolled the load back (with RV(rolled_back=true) and the time of
        the rollback in RV(rolled_back_at)), or when the live table is no longer the one
        loaded from O(src).
    type: str
    choices: [applied, confirmed]
    default: applied
  state_dir:
    description:
      - Directory for the module's own state, created with mode C(0700).
    type: path
    default: /var/lib/edu_tw_hardening/firewall
attributes:
  check_mode:
    description: Reports what it would load or write, and changes nothing.
    support: full
  diff_mode:
    description: Shows the change to the persistent copy when it is written.
    support: partial
    details: Shows the change to O(dest); the table itself is reported in RV(reasons).
  platform:
    description: Debian hosts with nftables and, for the guard, systemd.
    support: full
    platforms: debian
notes:
  - Needs C(nft) and, when O(guard_seconds) is above zero, a running systemd
    (C(systemd-run), C(systemctl)) and C(sh).
  - Run it as root.
  - A chain or set added to the table by hand survives a reload unless O(src) flushes or
    deletes it; rules added by hand to a chain that O(src) flushes do not.
seealso:
  - name: nft(8)
    description: The nftables command line tool.
    link: https://www.netfilter.org/projects/nftables/manpage.html
"""

EXAMPLES = r"""
- name: Load the ruleset with the lockout guard armed
  edu_tw.hardening.nft_apply:
    src: /var/lib/edu_tw_hardening/firewall/candidate.nft
    dest: /etc/nftables.d/edu_tw_hardening.nft
    guard_seconds: 120
  register: firewall_apply

# meta: reset_connection ignores when: (and warns about it), so the steps that confirm
# are in a file included only when a guard waits for them.
- name: Reconnect through the new ruleset and confirm it
  ansible.builtin.include_tasks: confirm.yml
  when: firewall_apply.pending_confirm

# confirm.yml
- name: Drop the connection, so that the next one has to pass the new ruleset
  ansible.builtin.meta: reset_connection

- name: Wait for a new connection
  ansible.builtin.wait_for_connection:
    timeout: 60

- name: Confirm the new ruleset (fails, saying when, if the guard rolled it back)
  edu_tw.hardening.nft_apply:
    src: /var/lib/edu_tw_hardening/firewall/candidate.nft
    dest: /etc/nftables.d/edu_tw_hardening.nft
    state: confirmed
"""

RETURN = r"""
reloaded:
  description: Whether the table was loaded from O(src).
  returned: always
  type: bool
persisted:
  description: Whether O(dest) was written.
  returned: always
  type: bool
pending_confirm:
  description:
    - Whether a guard is armed and waits for O(state=confirmed).
    - Also true when nothing changed but an earlier load is still unconfirmed.
  returned: always
  type: bool
guard_unit:
  description: The systemd timer that rolls back an unconfirmed load; empty when none is armed.
  returned: always
  type: str
  sample: edu-tw-hardening-firewall-rollback.timer
rollback_due:
  description:
    - When the guard this task armed rolls the load back unless it is confirmed first
      (ISO 8601, UTC, on the host's clock).
    - Empty when this task armed no guard (nothing loaded, O(guard_seconds=0), or an
      earlier load still awaits its confirmation).
  returned: always
  type: str
  sample: "2026-03-02T08:15:30Z"
rolled_back:
  description:
    - Whether the lockout guard rolled the load back. V(true) only in the failure of
      O(state=confirmed).
  returned: on success, and when O(state=confirmed) fails because of a rollback
  type: bool
rolled_back_at:
  description: When the lockout guard rolled the load back, ISO 8601, UTC, on the host's clock.
  returned: when O(state=confirmed) fails because of a rollback
  type: str
  sample: "2026-03-02T08:15:31Z"
reasons:
  description: Why the table had to be reloaded and/or O(dest) written; empty when neither.
  returned: always
  type: list
  elements: str
  sample: [src changed since the last load, dest differs from src]
backup_file:
  description: The backup of the previous O(dest).
  returned: when O(dest) existed and was written
  type: str
msg:
  description: What the module did, in a sentence.
  returned: always
  type: str
"""

import contextlib
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.edu_tw.hardening.plugins.module_utils import constants
from ansible_collections.edu_tw.hardening.plugins.module_utils import nft_apply as nft_utils
from ansible_collections.edu_tw.hardening.plugins.module_utils.files import (
    as_text,
    read_bytes,
    read_text,
)

ROLLBACK_FILE = "rollback.nft"
RECORD_FILE = "applied.json"
# The guard's script, and the marker it writes (the time) once it has rolled back.
GUARD_FILE = "guard.sh"
MARKER_FILE = "rolled_back"
LOAD_FILE = "load.nft"


def _write(module: AnsibleModule, path: str, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".nft_apply.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    module.atomic_move(tmp, path)
    os.chmod(path, mode)


def _list_table(module: AnsibleModule, nft: str, table: str) -> str | None:
    argv = [nft, "list", "table", *table.split()]
    rc, out, err = module.run_command(argv, environ_update={"LC_ALL": "C"})
    if rc == 0:
        return out
    if "No such file or directory" in err:
        return None
    module.fail_json(msg=f"nft list table {table} failed: {err.strip()}; run the module as root")


def _timer_active(module: AnsibleModule) -> bool:
    systemctl = module.get_bin_path("systemctl")
    if systemctl is None:
        return False
    rc, _out, _err = module.run_command([systemctl, "is-active", "--quiet", nft_utils.GUARD_TIMER])
    return rc == 0


def _disarm(module: AnsibleModule) -> None:
    """Stop the guard and forget a failed run of it, so the unit name is free again."""
    systemctl = module.get_bin_path("systemctl")
    if systemctl is None:
        return
    units = [nft_utils.GUARD_TIMER, nft_utils.GUARD_SERVICE]
    module.run_command([systemctl, "stop", *units])
    module.run_command([systemctl, "reset-failed", *units])


def _rolled_back_at(state_dir: str) -> str | None:
    """The time in the guard's rollback marker ('' if unreadable); None when it has not run."""
    marker = read_text(os.path.join(state_dir, MARKER_FILE))
    return None if marker is None else nft_utils.parse_rollback_marker(marker)


def _forget_rollback(state_dir: str) -> None:
    """Remove the marker of a rollback of an earlier load: a new load starts afresh."""
    for name in (MARKER_FILE, MARKER_FILE + ".tmp"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(state_dir, name))


def _arm(module: AnsibleModule, nft: str, rollback: str, seconds: int) -> str:
    """Arm a timer that runs the guard script (load ``rollback``, then write the marker).

    Returns when it fires, ISO 8601 UTC on the host's clock.
    """
    systemd_run = module.get_bin_path("systemd-run")
    shell = module.get_bin_path("sh")
    if systemd_run is None or shell is None or module.get_bin_path("systemctl") is None:
        module.fail_json(
            msg="guard_seconds > 0 needs systemd-run, systemctl and sh; nothing was loaded. "
            "Set guard_seconds: 0 to load without a lockout guard."
        )
    _disarm(module)
    state_dir = module.params["state_dir"]
    script = os.path.join(state_dir, GUARD_FILE)
    marker = os.path.join(state_dir, MARKER_FILE)
    _write(module, script, nft_utils.guard_script(nft, rollback, marker).encode(), 0o700)
    _forget_rollback(state_dir)
    argv = nft_utils.systemd_run_argv(systemd_run, shell, script, seconds)
    due = nft_utils.utc_time(time.time() + seconds)
    rc, _out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(
            msg=f"could not arm the lockout guard ({' '.join(argv)}): {err.strip()}; "
            "nothing was loaded. Is systemd running? guard_seconds: 0 loads without a guard."
        )
    return due


def _persist(module: AnsibleModule, src: bytes, dest: str) -> str:
    """Write ``src`` to ``dest`` (0644) with a backup of the old copy; return the backup path."""
    os.makedirs(os.path.dirname(dest) or ".", mode=0o755, exist_ok=True)
    backup = module.backup_local(dest) if os.path.exists(dest) else ""
    _write(module, dest, src, 0o644)
    return backup


def _finish(module: AnsibleModule, msg: str, **result) -> None:
    result.setdefault("changed", False)
    result.setdefault("reloaded", False)
    result.setdefault("persisted", False)
    result.setdefault("pending_confirm", False)
    result.setdefault("guard_unit", "")
    result.setdefault("rollback_due", "")
    result.setdefault("rolled_back", False)
    result.setdefault("reasons", [])
    if not result.get("backup_file"):
        result.pop("backup_file", None)
    module.exit_json(msg=msg, **result)


def _apply(module: AnsibleModule, nft: str | None, src: bytes) -> None:
    params = module.params
    table, guard = params["table"], params["guard_seconds"]
    if nft is None:
        if module.check_mode:
            _finish(module, "nftables not installed yet; the table would be loaded", changed=True)
        module.fail_json(msg="nft not found; install the nftables package first")
    live = _list_table(module, nft, table)
    record_path = os.path.join(params["state_dir"], RECORD_FILE)
    record = nft_utils.parse_record(read_text(record_path))
    dest_bytes = read_bytes(params["dest"])
    rolled_back_at = _rolled_back_at(params["state_dir"])
    plan = nft_utils.plan_applied(table, live, record, src, dest_bytes, rolled_back_at)
    steps = nft_utils.applied_steps(table, plan, _timer_active(module), guard)
    result = {"reasons": list(plan.reasons)}
    if steps.persist:
        result["diff"] = {
            "before_header": params["dest"],
            "after_header": params["src"],
            "before": as_text(dest_bytes) or "",
            "after": as_text(src),
        }
    pending = {"pending_confirm": True, "guard_unit": nft_utils.GUARD_TIMER}
    if not steps.changed:
        _finish(module, steps.msg, **(pending if steps.pending_confirm else {}), **result)
    if module.check_mode:
        _finish(module, steps.check_msg, changed=True, **result)
    rollback_due = ""
    if steps.reload:
        rollback_due = _reload(module, nft, src, live, steps)
    elif steps.disarm:
        _disarm(module)
    if steps.pending_confirm:
        _finish(
            module,
            steps.msg,
            changed=True,
            reloaded=True,
            rollback_due=rollback_due,
            **pending,
            **result,
        )
    backup = _persist(module, src, params["dest"]) if steps.persist else ""
    _finish(
        module,
        steps.msg,
        changed=True,
        reloaded=steps.reload,
        persisted=steps.persist,
        backup_file=backup,
        **result,
    )


def _reload(
    module: AnsibleModule, nft: str, src: bytes, live: str | None, steps: nft_utils.Steps
) -> str:
    """Arm the guard (when asked for), load the table from src and record what was loaded.

    Returns when the guard fires (ISO 8601 UTC), '' without a guard.
    """
    params = module.params
    table, state_dir, guard = params["table"], params["state_dir"], params["guard_seconds"]
    try:
        script = nft_utils.load_script(params["src"])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    rollback = os.path.join(state_dir, ROLLBACK_FILE)
    if not (steps.keep_rollback and os.path.exists(rollback)):
        _write(module, rollback, nft_utils.rollback_text(table, live, guard).encode(), 0o600)
    rc, _out, err = module.run_command([nft, "-c", "-f", rollback])
    if rc != 0:
        module.fail_json(
            msg=f"the rollback script {rollback} does not load ({err.strip()}); nothing was "
            f"loaded. Check the live table with: nft list table {table}"
        )
    rollback_due = ""
    if steps.arm:
        rollback_due = _arm(module, nft, rollback, guard)  # forgets an earlier rollback
    else:
        if steps.disarm:
            _disarm(module)
        _forget_rollback(state_dir)
    load = os.path.join(state_dir, LOAD_FILE)
    _write(module, load, script.encode(), 0o600)
    rc, _out, err = module.run_command([nft, "-f", load])
    if rc != 0:
        if steps.arm:
            _disarm(module)
        module.fail_json(
            msg=f"nft -f {params['src']} failed; table {table} left as it was: {err.strip()}"
        )
    new_live = _list_table(module, nft, table) or ""
    record = nft_utils.Record(
        table, nft_utils.sha256_hex(src), nft_utils.normalize_listing(new_live)
    )
    record_path = os.path.join(state_dir, RECORD_FILE)
    _write(module, record_path, nft_utils.record_text(record).encode(), 0o600)
    return rollback_due


def _live_matches(module: AnsibleModule, nft: str, src: bytes) -> bool:
    table = module.params["table"]
    record_path = os.path.join(module.params["state_dir"], RECORD_FILE)
    record = nft_utils.parse_record(read_text(record_path))
    return nft_utils.live_matches(record, table, src, _list_table(module, nft, table))


def _end_if(module: AnsibleModule, stop: nft_utils.ConfirmStop | None) -> None:
    """Exit or fail as ``stop`` says; return when it is None."""
    if stop is None:
        return
    if not stop.failed:
        _finish(module, stop.msg)
    if stop.rolled_back_at is None:
        module.fail_json(msg=stop.msg)
    module.fail_json(msg=stop.msg, rolled_back=True, rolled_back_at=stop.rolled_back_at)


def _check_live(module: AnsibleModule, nft: str, src: bytes) -> None:
    """Fail, writing nothing, if the guard rolled the load back or the live table changed."""
    params = module.params
    table, src_path = params["table"], params["src"]
    rolled_back_at = _rolled_back_at(params["state_dir"])
    _end_if(module, nft_utils.confirm_stop(table, src_path, rolled_back_at=rolled_back_at))
    matches = _live_matches(module, nft, src)
    _end_if(module, nft_utils.confirm_stop(table, src_path, matches=matches))


def _stop_timer(module: AnsibleModule) -> None:
    systemctl = module.get_bin_path("systemctl", required=True)
    rc, _out, err = module.run_command([systemctl, "stop", nft_utils.GUARD_TIMER])
    error = nft_utils.timer_stop_error(rc, err)
    if error is not None:
        module.fail_json(msg=error)


def _confirm(module: AnsibleModule, nft: str | None, src: bytes) -> None:
    params = module.params
    table, dest = params["table"], params["dest"]
    stop = nft_utils.confirm_stop(
        table, params["src"], check_mode=module.check_mode, nft_found=nft is not None
    )
    _end_if(module, stop)
    _check_live(module, nft, src)
    steps = nft_utils.confirm_steps(table, _timer_active(module), read_bytes(dest), src)
    if steps.stop_timer:
        _stop_timer(module)
        # The guard may have fired between the check above and the stop.
        _check_live(module, nft, src)
    backup = _persist(module, src, dest) if steps.persist else ""
    _finish(
        module,
        steps.msg,
        changed=steps.changed,
        persisted=steps.persist,
        backup_file=backup,
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "src": {"type": "path", "required": True},
            "dest": {"type": "path", "required": True},
            "table": {"type": "str", "default": nft_utils.DEFAULT_TABLE},
            "guard_seconds": {"type": "int", "default": 120},
            "state": {"type": "str", "choices": ["applied", "confirmed"], "default": "applied"},
            "state_dir": {"type": "path", "default": constants.FIREWALL_STATE_DIR},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["guard_seconds"] < 0:
        module.fail_json(msg=f"guard_seconds: must be 0 or more, got {params['guard_seconds']}")
    try:
        nft_utils.parse_table(params["table"])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    src = read_bytes(params["src"])
    if src is None:
        if module.check_mode:  # a template task in check mode renders nothing
            applying = params["state"] == "applied"
            _finish(module, f"check mode: src {params['src']} not rendered yet", changed=applying)
        module.fail_json(msg=f"src: {params['src']} not found; render the ruleset first")
    foreign = nft_utils.foreign_statements(as_text(src), params["table"])
    if foreign:
        module.fail_json(
            msg=f"src: {params['src']} may only define table {params['table']}; "
            f"refusing statements: {'; '.join(foreign)}"
        )
    nft = module.get_bin_path("nft")
    if params["state"] == "confirmed":
        _confirm(module, nft, src)
    _apply(module, nft, src)


if __name__ == "__main__":
    main()
