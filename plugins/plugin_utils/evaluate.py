# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Judge a host's evidence against the control catalogue (controller side, pure functions).

One rule per control: it reads only the evidence areas that the catalogue names for the
control, the control's thresholds (the rule's floors) and the site's declarations
(inventory variables such as ``firewall_services``), and returns a verdict with the
reasons and the evidence that decided it. Evidence that could not be read (an area whose
collector failed, a part reported in ``<part>_error``) fails the control with a reason
that starts with "evidence missing"; a rule that raises fails its own control only.
Waivers turn a failure into ``waived`` until they expire; an expired waiver is a failure
that says so.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from typing import Any, Callable, NamedTuple

STATUSES = ("pass", "fail", "waived", "not_applicable")

# Accounts that the operating system or the database server itself needs with full rights.
MARIADB_SYSTEM_ACCOUNTS = frozenset({"root", "mysql", "mariadb.sys", "debian-sys-maint"})
POSTGRESQL_SYSTEM_ROLES = frozenset({"postgres"})
# Remote-control software listens on these ports (VNC, RDP, TeamViewer, AnyDesk).
REMOTE_CONTROL_PORTS = frozenset([*range(5900, 5910), 3389, 5938, 7070])
WEAK_CIPHER_MARKERS = ("cbc", "arcfour", "3des", "blowfish", "cast128")
WEAK_MAC_MARKERS = ("md5", "-96", "umac-64")
SSH_PORT = 22


class Verdict(NamedTuple):
    """What a rule decided: a status, the reasons for a failure, and the evidence shown."""

    status: str
    reasons: list[str]
    evidence: dict[str, Any]


def _verdict(reasons: list[str], evidence: dict[str, Any]) -> Verdict:
    return Verdict("fail" if reasons else "pass", reasons, evidence)


MISSING = "evidence missing"
"""How every reason about evidence that could not be read begins."""


def missing(ev: dict, area: str, part: str) -> list[str]:
    """``["evidence missing: <area>: <why>"]`` when the collector of ``area`` could not read
    ``part`` (it reports why in ``<part>_error``), else ``[]``.

    A rule never judges a part that could not be read: what was not read is neither
    compliant nor a finding, and the control fails for it.
    """
    error = ev[area].get(f"{part}_error")
    return [f"{MISSING}: {area}: {error}"] if error else []


# ---------------------------------------------------------------- password policy


PWQUALITY_CREDITS = ("dcredit", "ucredit", "lcredit", "ocredit")


def pwquality_length_faults(pwq: dict, min_length: int) -> list[str]:
    """Why pam_pwquality (the ``pam`` evidence's ``pwquality``) accepts passwords shorter
    than ``min_length``: not on the stack, or its shortest accepted password is shorter."""
    if not pwq["present"]:
        return ["pam_pwquality is not on the password stack (common-password)"]
    if pwq["shortest_accepted"] >= min_length:
        return []
    settings = ", ".join(
        [f"minlen {pwq['minlen']}"] + [f"{name} {pwq[name]}" for name in PWQUALITY_CREDITS]
    )
    return [
        f"pwquality accepts passwords of {pwq['shortest_accepted']} characters"
        f" ({settings}), below {min_length}"
    ]


def pwhistory_faults(hist: dict, remember: int) -> list[str]:
    """Why pam_pwhistory (the ``pam`` evidence's ``pwhistory``) does not refuse the last
    ``remember`` passwords: not on the stack, or it remembers fewer."""
    if not hist["present"]:
        return ["pam_pwhistory is not on the password stack (common-password)"]
    if (hist["remember"] or 0) < remember:
        return [f"pwhistory remember is {hist['remember']}, below {remember}"]
    return []


def pwquality_guessing_faults(pwq: dict, site_words: list) -> list[str]:
    """Why pam_pwquality lets guessable passwords through: not on the stack, the dictionary
    or user-name check off, or site words missing from its badwords."""
    if not pwq["present"]:
        return ["pam_pwquality is not on the password stack"]
    faults = []
    if not pwq["dictcheck"]:
        faults.append("pwquality dictcheck is off")
    if not pwq["usercheck"]:
        faults.append("pwquality usercheck is off")
    missing = sorted({w.lower() for w in site_words} - {w.lower() for w in pwq["badwords"]})
    if missing:
        faults.append(f"site words not refused (pwquality badwords): {', '.join(missing)}")
    return faults


def _read_after(source: str, drop_in: str) -> bool:
    """Whether libpwquality reads ``source`` after the drop-in ``drop_in``, so that its
    settings win: a drop-in of the same directory that sorts later, pwquality.conf itself
    (read after every drop-in) or the arguments on the PAM line (read last)."""
    if source == drop_in:
        return False
    directory = drop_in.rsplit("/", 1)[0] + "/"
    if source.startswith(directory) and "/" not in source[len(directory) :]:
        return source > drop_in
    return True


def _pwquality_weakening(setting: str, value: Any, min_length: int, site_words: list) -> str:
    """How a pwquality setting that a role writes is weakened by ``value`` ("" if it is not)."""
    if setting == "minlen" and value < min_length:
        return f"minlen {value}, below the policy's {min_length}"
    if setting in PWQUALITY_CREDITS and value > 0:
        return f"{setting} {value}, so passwords shorter than minlen pass (the policy sets 0)"
    if setting in ("dictcheck", "usercheck") and not value:
        return f"{setting} 0, which turns the check off"
    if setting == "badwords" and site_words:
        lost = sorted({w.lower() for w in site_words} - {w.lower() for w in value})
        if lost:
            return f"badwords without the site words {', '.join(lost)}"
    return ""


def password_policy_overrides(
    pam: dict, min_length: int, site_words: list, drop_in: str, profile: str
) -> list[str]:
    """What in a host's own files overrides the password policy that a role writes through
    the pwquality drop-in ``drop_in`` and the pam-auth-update profile ``profile`` (its
    pam_pwhistory line), one reason per file and setting; [] when nothing does.

    Judged from the ``pam`` evidence before the role changes anything, so a host without
    pwquality or the role's files yet has nothing to override:

    - a pwquality setting the policy owns, weakened by a file read after the drop-in
      (a later drop-in, /etc/security/pwquality.conf) or by the pam_pwquality.so line;
    - pam-auth-update refusing to rewrite /etc/pam.d/common-* (a line inside its managed
      blocks that no profile wrote): the role's profile would silently not be applied;
    - a pam_pwhistory.so line that pam-auth-update did not write from ``profile`` (its
      remember= and the policy's truncate the same password history), or a hand edit of
      the policy's own line, which pam-auth-update carries over to every rewrite.
    """
    faults = []
    stack = pam.get("password_stack") or []
    pwq = pam["pwquality"]
    pwq_sources = (pam.get("sources") or {}).get("pwquality") or {}
    for setting, source in sorted(pwq_sources.items()):
        weakening = _read_after(source, drop_in) and _pwquality_weakening(
            setting, pwq.get(setting), min_length, site_words
        )
        if weakening:
            line = next(
                (
                    rule.get("line")
                    for rule in stack
                    if rule["module"] == "pam_pwquality.so" and rule.get("file") == source
                ),
                None,
            )
            where = f"{source} line {line} (pam_pwquality.so)" if line else source
            faults.append(f"{where} sets {weakening}; it is read after {drop_in}")
    update = pam.get("pam_auth_update") or {}
    if update.get("rewrites") is False:
        faults.append(f"pam-auth-update will not rewrite /etc/pam.d/common-*: {update['blocked']}")
        return faults
    for rule in stack:
        if rule["module"] == "pam_pwhistory.so" and rule.get("profile") != profile:
            faults.append(
                f"{rule.get('file')} line {rule.get('line')}: a pam_pwhistory.so line that the"
                f" {profile} profile did not write ({' '.join(rule['args']) or 'no arguments'});"
                " it keeps its own password history count"
            )
    for edit in update.get("hand_edits") or []:
        if edit["profile"] == profile:
            changes = [f"added {opt}" for opt in edit["added"]]
            changes += [f"removed {opt}" for opt in edit["removed"]]
            faults.append(
                f"{edit['file']} line {edit['line']}: the {profile} line was edited by hand"
                f" ({', '.join(changes)}); pam-auth-update keeps such edits"
            )
    return faults


def password_length(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.1: pwquality accepts no password shorter than the floor; nor does login.defs.

    pam_pwquality must be on the password stack, and the shortest password it accepts
    (``shortest_accepted``: minlen less what the positive length credits can earn, as the
    pam collector computes it) must reach the floor. A ``PASS_MIN_LEN`` set in
    /etc/login.defs must not be below it either.
    """
    pwq = ev["pam"]["pwquality"]
    pass_min_len = ev["accounts"]["login_defs"].get("PASS_MIN_LEN")
    floor = th["min_length"]
    credits = {name: pwq[name] for name in PWQUALITY_CREDITS}
    reasons = missing(ev, "pam", "stack") or pwquality_length_faults(pwq, floor)
    if pass_min_len is not None and pass_min_len < floor:
        reasons.append(f"/etc/login.defs: PASS_MIN_LEN {pass_min_len} < {floor}")
    shown = {
        "pwquality_present": pwq["present"],
        "minlen": pwq["minlen"],
        "credits": credits,
        "shortest_accepted": pwq["shortest_accepted"],
        "enforce_for_root": pwq["enforce_for_root"],
        "minlen_source": ev["pam"].get("sources", {}).get("pwquality", {}).get("minlen"),
        "PASS_MIN_LEN": pass_min_len,
    }
    return _verdict(reasons, shown)


def _aging_fault(max_days: Any, min_days: Any, th: dict) -> list[str]:
    faults = []
    if max_days is None or max_days > th["max_days"]:
        faults.append(
            f"maximum age {max_days if max_days is not None else 'unset'} > {th['max_days']}"
        )
    if min_days is None or min_days < th["min_days"]:
        faults.append(
            f"minimum age {min_days if min_days is not None else 'unset'} < {th['min_days']}"
        )
    return faults


def account_report(accounts: dict, owners: dict, excluded: list) -> dict:
    """The account findings of the ``accounts`` evidence area, for the rules and the roles.

    ``owners`` maps login account names to the people who own them (empty: no map given);
    ``excluded`` lists accounts kept out of the password aging. Returns the duplicate UIDs,
    generic, national-ID-shaped and empty-password account names as collected; whether an
    owner map was given; the human accounts missing from it ([] without a map); the
    excluded names that are human accounts on the host (sorted) and the excluded names
    that are no account on the host at all (sorted).
    """
    names = {a["name"] for a in accounts["accounts"]}
    humans = [a["name"] for a in accounts["accounts"] if a["human"]]
    excluded_names = set(excluded)
    return {
        "duplicate_uids": accounts["duplicate_uids"],
        "generic_names": accounts["generic_names"],
        "national_id_names": accounts["national_id_names"],
        "empty_password": accounts["empty_password"],
        "owner_map_given": bool(owners),
        "unowned_login_accounts": [n for n in humans if n not in owners] if owners else [],
        "excluded_accounts": sorted(excluded_names & set(humans)),
        "excluded_missing": sorted(excluded_names - names),
    }


def _account_report(ev: dict, inputs: dict) -> dict:
    """``account_report`` of the evidence with the site's owner map and excluded accounts."""
    return account_report(
        ev["accounts"],
        inputs.get("password_policy_owners") or {},
        inputs.get("password_policy_excluded_accounts") or [],
    )


def password_aging(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.2: login.defs and every human account's shadow aging within the floors."""
    defs = ev["accounts"]["login_defs"]
    report = _account_report(ev, inputs)
    excluded = set(report["excluded_accounts"])
    reasons = [
        f"/etc/login.defs: {fault}"
        for fault in _aging_fault(defs.get("PASS_MAX_DAYS"), defs.get("PASS_MIN_DAYS"), th)
    ]
    humans = [a for a in ev["accounts"]["accounts"] if a["human"]]
    unread = missing(ev, "accounts", "passwd") + missing(ev, "accounts", "shadow")
    reasons += unread
    for account in [] if unread else humans:
        if account["name"] in excluded:
            continue
        for fault in _aging_fault(account["max_days"], account["min_days"], th):
            reasons.append(f"account {account['name']}: {fault}")
    shown = {
        "PASS_MAX_DAYS": defs.get("PASS_MAX_DAYS"),
        "PASS_MIN_DAYS": defs.get("PASS_MIN_DAYS"),
        "PASS_WARN_AGE": defs.get("PASS_WARN_AGE"),
        "human_accounts": {a["name"]: [a["max_days"], a["min_days"]] for a in humans},
        "excluded_accounts": report["excluded_accounts"],
        "excluded_missing": report["excluded_missing"],
    }
    return _verdict(reasons, shown)


def password_history(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.3: pam_pwhistory on the password stack remembering at least the floor."""
    hist = ev["pam"]["pwhistory"]
    unread = missing(ev, "pam", "stack") + missing(ev, "pam", "pwhistory")
    reasons = unread or pwhistory_faults(hist, th["remember"])
    source = ev["pam"].get("sources", {}).get("pwhistory", {}).get("remember")
    shown = {"pwhistory_present": hist["present"], "remember": hist["remember"]}
    return _verdict(reasons, {**shown, "remember_source": source})


def shared_accounts(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.4: no duplicate UIDs, no generic login accounts, every login account owned."""
    unread = missing(ev, "accounts", "passwd")
    if unread:
        return Verdict("fail", unread, {})
    report = _account_report(ev, inputs)
    reasons = [
        f"UID {d['uid']} is shared by {', '.join(d['names'])}" for d in report["duplicate_uids"]
    ]
    reasons += [f"generic shared-looking login account: {name}" for name in report["generic_names"]]
    reasons += [
        f"login account {name} has no named owner in password_policy_owners"
        for name in report["unowned_login_accounts"]
    ]
    shown = {
        key: report[key]
        for key in ("duplicate_uids", "generic_names", "owner_map_given", "unowned_login_accounts")
    }
    return _verdict(reasons, shown)


def guessable_credentials(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.5: dictionary check, site words refused, no ID-number names, no empty passwords."""
    pwq = ev["pam"]["pwquality"]
    badwords = {w.lower() for w in pwq["badwords"]}
    reasons = missing(ev, "pam", "stack") or pwquality_guessing_faults(
        pwq, inputs.get("password_policy_site_words") or []
    )
    if not ev["pam"]["cracklib_dictionary"]:
        reasons.append("no cracklib dictionary: the dictionary check cannot work")
    report = _account_report(ev, inputs)
    reasons += missing(ev, "accounts", "passwd") or [
        f"account name looks like a national ID number: {name}"
        for name in report["national_id_names"]
    ]
    reasons += missing(ev, "accounts", "shadow") or [
        f"account {name} has an empty password" for name in report["empty_password"]
    ]
    shown = {
        "dictcheck": pwq["dictcheck"],
        "usercheck": pwq["usercheck"],
        "cracklib_dictionary": ev["pam"]["cracklib_dictionary"],
        "badwords": sorted(badwords),
        "national_id_names": report["national_id_names"],
        "empty_password": report["empty_password"],
    }
    return _verdict(reasons, shown)


# ---------------------------------------------------------------- firewall


def _declared_ports(inputs: dict) -> set[tuple[str, int]]:
    declared = {("tcp", int(inputs.get("firewall_ssh_port") or SSH_PORT))}
    for service in inputs.get("firewall_services") or []:
        if service.get("state", "present") == "present":
            declared.add((service.get("proto", "tcp"), int(service["port"])))
    return declared


def _port_text(proto: str, low: int, high: int) -> str:
    return f"{low}/{proto}" if low == high else f"{low}-{high}/{proto}"


def firewall_review(firewall: dict, listening: list[dict], inputs: dict) -> dict:
    """The periodic rule review: listening sockets, open ports and declared services.

    An open range (``port`` to ``port_end``) is declared only when each of its ports is.
    """
    declared = _declared_ports(inputs)
    exposed = [s for s in listening if not s["loopback"]]
    listening_ports = {(s["proto"], s["port"]) for s in exposed}
    open_ranges = {
        (p["proto"], p["port"], p.get("port_end", p["port"])) for p in firewall["open_ports"]
    }
    frontends = firewall["other_frontends"]
    return {
        "declared": sorted(f"{port}/{proto}" for proto, port in declared),
        "listening": sorted(
            f"{s['port']}/{s['proto']} {s['address']} ({s['process'] or '?'})" for s in exposed
        ),
        "open_ports": sorted(_port_text(*entry) for entry in open_ranges),
        "undeclared_listeners": sorted(
            f"{port}/{proto}" for proto, port in listening_ports - declared
        ),
        "declared_without_listener": sorted(
            f"{port}/{proto}" for proto, port in declared - listening_ports
        ),
        "open_not_declared": sorted(
            _port_text(proto, low, high)
            for proto, low, high in open_ranges
            if sum(1 for name, port in declared if name == proto and low <= port <= high)
            < high - low + 1
        ),
        "foreign_rules": sorted(frontends["foreign_tables"])
        + (["ufw"] if frontends["ufw"] else [])
        + (["firewalld"] if frontends["firewalld"] else [])
        + (
            [f"iptables-legacy ({frontends['iptables_legacy_rules']} rules)"]
            if frontends["iptables_legacy_rules"]
            else []
        ),
    }


def host_firewall(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-15: inbound default drop on IPv4 and IPv6, and no undeclared service reachable.

    A ruleset that an installed nft could not list, or listening sockets that ss could not
    list, fail the control as missing evidence: neither is judged from an empty reading.
    """
    fw = ev["firewall"]
    review = firewall_review(fw, ev["sockets"]["listening"], inputs)
    unread_rules = missing(ev, "firewall", "nft")
    unread_sockets = missing(ev, "sockets", "listening")
    reasons = unread_rules + unread_sockets
    drop = fw["inbound_default_drop"]
    if not unread_rules:
        if not fw["nft_available"]:
            reasons.append("nftables is not installed: no host firewall")
        for family in ("ipv4", "ipv6"):
            if not drop[family]:
                reasons.append(f"inbound {family} traffic is not dropped by default")
        if not all(drop.values()) and not unread_sockets:
            reasons += [
                f"undeclared service reachable: {port}" for port in review["undeclared_listeners"]
            ]
        reasons += [
            f"firewall opens undeclared port {port}" for port in review["open_not_declared"]
        ]
    shown = {
        "service_enabled": fw["service_enabled"],
        "inbound_default_drop": drop,
        "review": review,
    }
    return _verdict(reasons, shown)


# ---------------------------------------------------------------- antivirus, updates


def antivirus(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-16: scanner, daemon and updater running, fresh signatures, a passing self-test."""
    av = ev["antivirus"]
    reasons = missing(ev, "antivirus", "packages") or [
        f"package {name} is not installed"
        for name, version in av["packages"].items()
        if not version
    ]
    if not av["daemon_active"]:
        reasons.append("the scanner daemon (clamav-daemon) is not running")
    if not av["updater_active"]:
        reasons.append("the signature updater (clamav-freshclam) is not running")
    age = av["newest_signature_age_hours"]
    if age is None:
        reasons.append("no signature database")
    elif age > th["signature_max_age_hours"]:
        reasons.append(
            f"newest signatures are {age:.0f} h old (limit {th['signature_max_age_hours']} h)"
        )
    test = av["selftest"]
    if not test["present"]:
        reasons.append("no detection self-test record")
    elif not test["passed"]:
        reasons.append(f"the last detection self-test failed: {test['detail']}")
    elif (test["age_hours"] or 0) > th["selftest_max_age_hours"]:
        reasons.append(f"the last detection self-test is {test['age_hours']:.0f} h old")
    shown = {
        key: av[key]
        for key in (
            "packages",
            "daemon_active",
            "updater_active",
            "newest_signature_age_hours",
            "selftest",
        )
    }
    return _verdict(reasons, shown)


def patching(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-17: automatic security updates on, nothing security-relevant pending, no reboot owed."""
    up = ev["updates"]
    unread_packages = missing(ev, "updates", "packages")
    unread_config = missing(ev, "updates", "config")
    unread_sources = missing(ev, "updates", "sources")
    reasons = unread_packages + unread_config + unread_sources
    if up["error"] and not unread_packages:
        reasons.append(f"{MISSING}: updates: pending updates could not be listed: {up['error']}")
    if not up["unattended_upgrades_installed"] and not unread_packages:
        reasons.append("unattended-upgrades is not installed")
    if not up["auto_upgrade_enabled"] and not unread_config:
        reasons.append("automatic upgrades are off (APT::Periodic::Unattended-Upgrade)")
    if not up["package_lists_update_enabled"] and not unread_config:
        reasons.append(
            "package lists are not refreshed automatically (APT::Periodic::Update-Package-Lists)"
        )
    if not up["error"] and not unread_sources and not up["security_sources"]:
        reasons.append(
            "apt has no security archive among its package lists: security updates cannot "
            "arrive (add the release's -security suite to the sources and refresh the lists)"
        )
    if up["pending_security"]:
        names = sorted(p["package"] for p in up["pending"] if p["security"])
        reasons.append(f"{up['pending_security']} security update(s) pending: {', '.join(names)}")
    if up["reboot_required"]:
        reasons.append(
            "a reboot is required to apply updates: "
            + (", ".join(up["reboot_packages"]) or "packages not recorded")
        )
    shown = {
        key: up[key]
        for key in (
            "unattended_upgrades_installed",
            "auto_upgrade_enabled",
            "security_sources",
            "pending_security",
            "reboot_required",
        )
    }
    shown["pending"] = [f"{p['package']} {p['current']} -> {p['candidate']}" for p in up["pending"]]
    return _verdict(reasons, shown)


# ---------------------------------------------------------------- remote access


def remote_maintenance(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-18: no window outlives its end, and no maintenance source entry lacks an expiry."""
    ra = ev["remote_access"]
    reasons = []
    for window in ra["windows"]:
        if window["error"]:
            reasons.append(
                f"{MISSING}: remote_access: window record {window['name']} is unreadable:"
                f" {window['error']}"
            )
        elif window["overdue"]:
            reasons.append(
                f"window {window['name']} ({window['account']}) ended {window['end']}"
                " but is not closed"
            )
    timeless = [
        f"{s['name']}: {e['value']}"
        for s in ev["firewall"]["named_sets"]
        if s["name"].startswith("remote_maintenance")
        for e in s["elements"]
        if e["expires"] is None
    ]
    reasons += missing(ev, "firewall", "nft") or [
        f"maintenance source entry without expiry: {entry}" for entry in timeless
    ]
    shown = {
        "open_windows": [w for w in ra["windows"] if w["open"]],
        "windows_on_record": len(ra["windows"]),
    }
    return _verdict(reasons, shown)


def remote_control(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-19: no remote-control software installed or listening."""
    packages = ev["remote_access"]["remote_control_packages"]
    ports = sorted(
        f"{s['port']}/{s['proto']} ({s['process'] or '?'})"
        for s in ev["sockets"]["listening"]
        if s["port"] in REMOTE_CONTROL_PORTS and not s["loopback"]
    )
    reasons = missing(ev, "remote_access", "packages") or [
        f"remote-control software installed: {name}" for name in packages
    ]
    reasons += missing(ev, "sockets", "listening") or [
        f"remote-control port listening: {port}" for port in ports
    ]
    return _verdict(reasons, {"packages": packages, "listening": ports})


# ---------------------------------------------------------------- databases


def database_privileges(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.2.4: no application account holds administrative database privileges."""
    db = ev["databases"]
    maria, pg = db["mariadb"], db["postgresql"]
    unread = missing(ev, "databases", "packages")
    if unread:
        return Verdict("fail", unread, {})
    if not maria["installed"] and not pg["installed"]:
        return Verdict("not_applicable", [], {"mariadb": False, "postgresql": False})
    admins = set(inputs.get("database_accounts_admins") or [])
    reasons = []
    shown: dict[str, Any] = {}
    if maria["installed"]:
        if maria["error"]:
            reasons.append(
                f"{MISSING}: databases: MariaDB grants could not be read: {maria['error']}"
            )
        privileged = []
        for acc in maria["accounts"]:
            flags = [f for f in ("super", "grant_option", "all_global", "create_user") if acc[f]]
            if flags and acc["user"] not in MARIADB_SYSTEM_ACCOUNTS | admins:
                privileged.append(f"{acc['user']}@{acc['host']}: {', '.join(flags)}")
        reasons += [f"MariaDB account with administrative privileges: {p}" for p in privileged]
        reasons += [f"MariaDB anonymous account: {a}" for a in maria["anonymous_accounts"]]
        if maria["test_database"]:
            reasons.append("MariaDB test database present")
        shown["mariadb"] = {"accounts": maria["accounts"], "privileged": privileged}
    if pg["installed"]:
        if pg["error"]:
            reasons.append(
                f"{MISSING}: databases: PostgreSQL roles could not be read: {pg['error']}"
            )
        privileged = []
        for role in pg["roles"]:
            flags = [
                f
                for f in ("superuser", "createrole", "createdb", "replication", "bypassrls")
                if role[f]
            ]
            if flags and role["name"] not in POSTGRESQL_SYSTEM_ROLES | admins:
                privileged.append(f"{role['name']}: {', '.join(flags)}")
        reasons += [f"PostgreSQL role with administrative privileges: {p}" for p in privileged]
        shown["postgresql"] = {"roles": pg["roles"], "privileged": privileged}
    return _verdict(reasons, shown)


# ---------------------------------------------------------------- also


def idle_logout(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-20: a readonly idle shell timeout within the limit, and no console autologin."""
    idle = ev["system"]["idle_timeout"]
    reasons = []
    if idle["tmout"] is None:
        reasons.append("no idle shell timeout (TMOUT)")
    else:
        if idle["tmout"] > th["idle_timeout_max_seconds"]:
            reasons.append(f"TMOUT is {idle['tmout']} s (limit {th['idle_timeout_max_seconds']} s)")
        if not idle["readonly"]:
            reasons.append("TMOUT is not readonly: users can unset it")
    reasons += missing(ev, "system", "console_autologin")
    reasons += [f"console autologin: {f}" for f in ev["system"]["console_autologin"]]
    return _verdict(
        reasons, {"idle_timeout": idle, "console_autologin": ev["system"]["console_autologin"]}
    )


def file_sharing(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-21: no SMB/NFS server unless the site declares it."""
    sharing = ev["system"]["file_sharing"]
    allowed = set(inputs.get("baseline_file_sharing_services") or [])
    unread = missing(ev, "system", "packages")
    if unread:
        return Verdict("fail", unread, {"declared": sorted(allowed)})
    reasons = [
        f"{name} server installed but not declared"
        for name, on in sharing.items()
        if on and name not in allowed
    ]
    return _verdict(reasons, {"file_sharing": sharing, "declared": sorted(allowed)})


def access_review(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-22: the list of OS and database administrators, each with a named owner."""
    sudo = ev["system"]["sudoers"]
    owners = inputs.get("password_policy_owners") or {}
    reasons = [f"{MISSING}: system: {sudo['error']}"] if sudo.get("error") else []
    if owners:
        reasons += [
            f"administrator {name} has no named owner"
            for name in sudo["members"]
            if name not in owners
        ]
    shown = {
        "sudo_members": sudo["members"],
        "nopasswd": sudo["nopasswd"],
        "owner_map_given": bool(owners),
    }
    return _verdict(reasons, shown)


def capacity(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-23..28: no filesystem above the usage limit (space or inodes)."""
    limit = th["disk_use_max_percent"]
    reasons = missing(ev, "system", "filesystems")
    for fs in ev["system"]["filesystems"]:
        if fs["use_percent"] > limit:
            reasons.append(f"{fs['mount']} is {fs['use_percent']}% full (limit {limit}%)")
        if (fs["inodes_percent"] or 0) > limit:
            reasons.append(
                f"{fs['mount']} uses {fs['inodes_percent']}% of its inodes (limit {limit}%)"
            )
    return _verdict(reasons, {"filesystems": ev["system"]["filesystems"]})


def backups(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-29..30: declared backup jobs. Their recency is not collected yet: none declared fails."""
    jobs = inputs.get("backup_jobs") or []
    reasons = [] if jobs else ["no backup job declared (backup_jobs): backups cannot be shown"]
    return _verdict(reasons, {"declared_jobs": jobs})


def operation_logs(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-31..32: the system journal is kept across reboots."""
    journal = ev["system"]["journal"]
    reasons = [] if journal["persistent"] else ["the system journal is not persistent"]
    return _verdict(reasons, {"journal": journal})


def audit_logs(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.1.5: persistent logs, readable only by root and adm."""
    system = ev["system"]
    reasons = [] if system["journal"]["persistent"] else ["the system journal is not persistent"]
    reasons += missing(ev, "system", "log_files")
    reasons += [
        f"{f['path']} is world-readable (mode {f['mode']})"
        for f in system["log_files"]
        if f["world_readable"]
    ]
    return _verdict(reasons, {"journal": system["journal"], "log_files": system["log_files"]})


def test_leftovers(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.1.8: no test accounts, and no version detail in the SSH banner."""
    ra = ev["remote_access"]
    reasons = missing(ev, "accounts", "passwd") or [
        f"test account present: {n}"
        for n in ev["accounts"]["generic_names"]
        if n.lower().startswith("test")
    ]
    sshd = _sshd_settings(ra)
    reasons += sshd if isinstance(sshd, list) else []
    if isinstance(sshd, dict) and sshd["debianbanner"]:
        reasons.append("sshd shows the Debian version in its banner (DebianBanner yes)")
    return _verdict(
        reasons, {"sshd_debianbanner": sshd["debianbanner"] if isinstance(sshd, dict) else None}
    )


def _sshd_settings(ra: dict) -> dict | list[str] | None:
    """The effective sshd settings; None without sshd; the evidence-missing reasons when an
    installed sshd's configuration could not be read (``sshd -T`` failed)."""
    if not ra["sshd_present"]:
        return None
    if ra["sshd"] is None or ra.get("sshd_error"):
        why = ra.get("sshd_error") or "sshd -T gave no configuration"
        return [f"{MISSING}: remote_access: sshd is installed but {why}"]
    return ra["sshd"]


def encrypted_transport(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.2.3: no cleartext login or transfer servers, and SSH without weak algorithms."""
    ra = ev["remote_access"]
    reasons = missing(ev, "remote_access", "packages") or [
        f"cleartext server installed: {name}" for name in ra["insecure_servers"]
    ]
    weak: list[str] = []
    sshd = _sshd_settings(ra)
    if isinstance(sshd, list):
        reasons += sshd
    elif sshd:
        weak = [c for c in sshd["ciphers"] if any(m in c for m in WEAK_CIPHER_MARKERS)]
        weak += [m for m in sshd["macs"] if any(w in m for w in WEAK_MAC_MARKERS)]
        reasons += [f"sshd offers weak algorithm {name}" for name in weak]
    return _verdict(
        reasons, {"insecure_servers": ra["insecure_servers"], "weak_ssh_algorithms": weak}
    )


RULES: dict[str, Callable[[dict, dict, dict], Verdict]] = {
    "MOE-12.9.1": password_length,
    "MOE-12.9.2": password_aging,
    "MOE-12.9.3": password_history,
    "MOE-12.9.4": shared_accounts,
    "MOE-12.9.5": guessable_credentials,
    "MOE-15": host_firewall,
    "MOE-16": antivirus,
    "MOE-17": patching,
    "MOE-18": remote_maintenance,
    "MOE-19": remote_control,
    "MOE-42.2.4": database_privileges,
    "MOE-20": idle_logout,
    "MOE-21": file_sharing,
    "MOE-22": access_review,
    "MOE-23..28": capacity,
    "MOE-29..30": backups,
    "MOE-31..32": operation_logs,
    "MOE-42.1.5": audit_logs,
    "MOE-42.1.8": test_leftovers,
    "MOE-42.2.3": encrypted_transport,
}
"""The rule of each control, by control ID."""


# ---------------------------------------------------------------- waivers and hosts


def find_waiver(waivers: list[dict], control_id: str, host: str) -> dict | None:
    """The first waiver for ``control_id`` whose host patterns match ``host``."""
    for waiver in waivers:
        if waiver["control"] == control_id and any(
            fnmatch.fnmatch(host, p) for p in waiver["hosts"]
        ):
            return waiver
    return None


def broken_areas(areas: list[str], evidence: Any) -> dict[str, str]:
    """Why each of ``areas`` cannot be judged at all: not collected, not a mapping, or its
    collector failed (the area holds only ``error``)."""
    broken: dict[str, str] = {}
    for area in areas:
        area_evidence = evidence.get(area) if isinstance(evidence, dict) else None
        if area_evidence is None:
            broken[area] = "not collected"
        elif not isinstance(area_evidence, dict):
            broken[area] = f"malformed ({type(area_evidence).__name__}, not a mapping)"
        elif set(area_evidence) == {"error"}:
            broken[area] = str(area_evidence["error"])
    return broken


def _judge(control: dict, evidence: Any, inputs: dict) -> Verdict:
    """The rule's verdict, or a failure when the evidence is missing or the rule cannot read it.

    A rule that raises (evidence of an unexpected shape, a part the collector did not
    report) fails its own control and no other: one bad area never costs the host its
    other verdicts.
    """
    broken = broken_areas(control["evidence"], evidence)
    if broken:
        return Verdict("fail", [f"{MISSING}: {area}: {why}" for area, why in broken.items()], {})
    try:
        return RULES[control["id"]](evidence, control.get("thresholds", {}), inputs)
    except Exception as exc:  # any rule failure is this control's failure, and only its
        return Verdict("fail", [f"{MISSING} or malformed: {type(exc).__name__}: {exc}"], {})


INVALID_INPUTS = "__invalid__"
"""The key of the site inputs under which the input layer's refusals are kept, by role."""

INPUT_ROLES: dict[str, tuple[str, ...]] = {"MOE-22": ("password_policy",)}
"""Controls whose rule also reads the declarations of a role other than its own."""


def invalid_declarations(control: dict, inputs: dict) -> list[str]:
    """Why the site's declarations that a control's rule reads cannot be trusted."""
    invalid = inputs.get(INVALID_INPUTS) or {}
    roles = (control["role"], *INPUT_ROLES.get(control["id"], ()))
    return [
        f"site declarations invalid: {error}" for role in roles for error in invalid.get(role, [])
    ]


def judge_control(
    control: dict, evidence: dict, inputs: dict, waivers: list[dict], host: str, today: date
) -> dict:
    """The verdict on one control for one host, with its evidence, reasons and waiver.

    A control whose evidence could not be read, or whose rule reads declarations the input
    layer refuses, fails and cannot be waived: nobody knows what was waived.
    """
    verdict = _judge(control, evidence, inputs)
    status, reasons = verdict.status, list(verdict.reasons)
    refused = invalid_declarations(control, inputs)
    if refused:
        status, reasons = "fail", refused + reasons
    unknown = refused or any(r.startswith("evidence missing") for r in reasons)
    waiver = find_waiver(waivers, control["id"], host) if status == "fail" else None
    if waiver is not None and unknown:
        reasons.append(
            f"waiver by {waiver['approver']} not applied: what the control judges is unknown"
        )
        waiver = None
    if waiver is not None:
        expires = date.fromisoformat(str(waiver["expires"]))
        if expires < today:
            reasons.append(f"waiver by {waiver['approver']} expired on {expires.isoformat()}")
        else:
            status = "waived"
    return {
        "id": control["id"],
        "status": status,
        "reasons": reasons,
        "evidence": verdict.evidence,
        "waiver": waiver,
    }


def evaluate_host(
    host: str,
    evidence: dict,
    controls: list[dict],
    inputs: dict,
    waivers: list[dict],
    today: date,
    available_roles: set[str],
) -> dict:
    """Every control's verdict for one host, and which roles would remediate its failures."""
    results = [judge_control(c, evidence, inputs, waivers, host, today) for c in controls]
    failing = [c for c, r in zip(controls, results) if r["status"] == "fail"]
    roles = sorted({c["role"] for c in failing if c["role"] in available_roles})
    counts = {status: sum(r["status"] == status for r in results) for status in STATUSES}
    return {
        "host": host,
        "status": "fail" if failing else "pass",
        "counts": counts,
        "controls": results,
        "remediation": {
            "roles": roles,
            "unavailable": [
                {"control": c["id"], "role": c["role"]}
                for c in failing
                if c["role"] not in available_roles
            ],
        },
    }
