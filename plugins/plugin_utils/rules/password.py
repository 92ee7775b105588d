# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The password policy rules (MOE-12.9.1 to MOE-12.9.5) and the password stack's faults
that the password_policy role reads too."""

from __future__ import annotations

from typing import Any

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.pam import PWQ_CREDITS
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import password_policy
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    Rule,
    Verdict,
    missing,
    verdict,
)


def pwquality_length_faults(pwq: dict, min_length: int) -> list[str]:
    """Why pam_pwquality (the ``pam`` evidence's ``pwquality``) accepts passwords shorter
    than ``min_length``: not on the stack, or its shortest accepted password is shorter."""
    if not pwq["present"]:
        return ["pam_pwquality is not on the password stack (common-password)"]
    if pwq["shortest_accepted"] >= min_length:
        return []
    settings = ", ".join(
        [f"minlen {pwq['minlen']}"] + [f"{name} {pwq[name]}" for name in PWQ_CREDITS]
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
    not_refused = sorted({w.lower() for w in site_words} - {w.lower() for w in pwq["badwords"]})
    if not_refused:
        faults.append(f"site words not refused (pwquality badwords): {', '.join(not_refused)}")
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
    if setting in PWQ_CREDITS and value > 0:
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
    credits = {name: pwq[name] for name in PWQ_CREDITS}
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
    return verdict(reasons, shown)


def _aging_fault(max_days: Any, min_days: Any, th: dict) -> list[str]:
    """The aging faults against the rule's floors, judged as the password_policy role judges
    them (plugin_utils/password_policy.py)."""
    return password_policy.aging_faults(max_days, min_days, th["max_days"], th["min_days"])


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
    return verdict(reasons, shown)


def password_history(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-12.9.3: pam_pwhistory on the password stack remembering at least the floor."""
    hist = ev["pam"]["pwhistory"]
    unread = missing(ev, "pam", "stack") + missing(ev, "pam", "pwhistory")
    reasons = unread or pwhistory_faults(hist, th["remember"])
    source = ev["pam"].get("sources", {}).get("pwhistory", {}).get("remember")
    shown = {"pwhistory_present": hist["present"], "remember": hist["remember"]}
    return verdict(reasons, {**shown, "remember_source": source})


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
    return verdict(reasons, shown)


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
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {
    "MOE-12.9.1": password_length,
    "MOE-12.9.2": password_aging,
    "MOE-12.9.3": password_history,
    "MOE-12.9.4": shared_accounts,
    "MOE-12.9.5": guessable_credentials,
}
