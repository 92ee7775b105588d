"""How the db_accounts tests talk to the servers: as the application does (its account,
its password, over the socket or TCP), and as the administrator does (root through the
socket, postgres through peer)."""

from __future__ import annotations

import shlex

import testinfra

# The declared passwords (inventory/group_vars/all/db_accounts.yml holds them vaulted).
SHOP_MARIADB = "Shop-Maria-2026!"
SHOP_POSTGRESQL = "Shop-Pg-2026!"


def maria(
    host: testinfra.host.Host, sql: str, user: str = "", password: str = "", server: str = ""
):
    """Run ``sql`` with the mariadb client: as root through the socket, or as ``user`` with
    ``password`` (through the socket, or over TCP to ``server``)."""
    argv = ["mariadb", "--batch", "--skip-column-names"]
    env = ""
    if user:
        argv += ["-u", user]
        env = f"MYSQL_PWD={shlex.quote(password)} "
    if server:
        argv += ["-h", server, "--protocol=TCP"]
    argv += ["-e", sql]
    return host.run(env + shlex.join(argv))


def pg(
    host: testinfra.host.Host,
    sql: str,
    user: str = "",
    password: str = "",
    database: str = "postgres",
    server: str = "",
):
    """Run ``sql`` with psql: as postgres through peer, or as ``user`` with ``password``
    (over TCP to ``server``, or through the socket when ``server`` is empty)."""
    if not user:
        argv = ["runuser", "-u", "postgres", "--", "psql", "-XAtq", "-d", database, "-c", sql]
        return host.run(shlex.join(argv))
    argv = ["psql", "-XAtq", "-U", user, "-d", database, "-c", sql]
    if server:
        argv[1:1] = ["-h", server]
    return host.run(f"PGPASSWORD={shlex.quote(password)} PGCONNECT_TIMEOUT=5 " + shlex.join(argv))
