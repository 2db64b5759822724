#!/usr/bin/env python3
"""folio --engine as a person uses it, on a real PostgreSQL server (SPEC §8).

Needs FOLIO_TEST_POSTGRES (a libpq connection string; .ci/run starts a throwaway cluster)
and psql. Pushes the sample portfolio, then in a pseudo-terminal: the banner names the
engine and never the password; a query answers as in memory; Ctrl-C cancels a statement
that waits on the server (a lock another session holds) and the session goes on; a
backend killed under the REPL is an error, and the next statement reconnects; the password
is not in the process's argument list; an unreachable server is exit 3.

    FOLIO_TEST_POSTGRES='host=/tmp/pg dbname=folio user=u' python3 Tests/Engines/engine_session.py [--folio PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

import pexpect

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "folio> "
SECRET = "s3cret-Pa55"

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def with_password(conninfo: str) -> str:
    """The connection string with a password (the test cluster trusts local connections, so
    any password is accepted, and its only job here is to be kept out of sight)."""
    return conninfo + f" password={SECRET}"


def psql(conninfo: str, sql: str) -> str:
    return subprocess.run(["psql", conninfo, "-XAtc", sql], capture_output=True, text=True, check=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folio", default=".build/debug/folio")
    args = ap.parse_args()
    conninfo = os.environ.get("FOLIO_TEST_POSTGRES")
    if not conninfo:
        print("engine_session: skipped (FOLIO_TEST_POSTGRES is not set)")
        return 0
    folio = os.path.join(REPO, args.folio) if not os.path.isabs(args.folio) else args.folio
    sample = os.path.join(REPO, "Samples", "portfolio")

    p = subprocess.run([folio, "--data", sample, "push", with_password(conninfo)], capture_output=True, text=True)
    check(p.returncode == 0 and "pushed" in p.stderr, f"push: {p.stderr.strip().splitlines()[-1] if p.stderr else p.returncode}")
    check(SECRET not in p.stderr + p.stdout, "push output does not show the password")

    q = 'accounts | where health < 50 | top 3 by arr | select name, arr, owner.name'
    mem = subprocess.run([folio, "--data", sample, "--format", "csv", "-c", q], capture_output=True, text=True).stdout
    eng = subprocess.run([folio, "--engine", conninfo, "--format", "csv", "-c", q], capture_output=True, text=True).stdout
    check(mem == eng and mem.count("\n") == 4, "a query on the engine answers as in memory")

    env = dict(os.environ, TERM="xterm", NO_COLOR="1", HOME=os.environ.get("HOME", "/tmp"))
    child = pexpect.spawn(folio, ["--engine", with_password(conninfo)], env=env, encoding="utf-8", timeout=20,
                          dimensions=(40, 160))
    child.expect_exact(PROMPT)
    banner = child.before
    check("PostgreSQL" in banner and SECRET not in banner, f"banner names the engine, not the password: {banner.splitlines()[0] if banner else ''}")
    cmdline = open(f"/proc/{child.pid}/cmdline", "rb").read().decode(errors="replace")
    check(SECRET not in cmdline, "the password is not in the process's argument list (ps)")

    child.sendline("managers | count")
    child.expect_exact(PROMPT)
    check(re.search(r"\b12\b", child.before) is not None, "the REPL answers on the engine")

    # Ctrl-C while the server waits on a lock another session holds.
    holder = subprocess.Popen(["psql", conninfo, "-Xq", "-c", "BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    child.sendline("accounts | count")
    time.sleep(0.8)
    started = time.monotonic()
    child.sendintr()
    child.expect_exact("interrupted")
    cancel_ms = (time.monotonic() - started) * 1000
    child.expect_exact(PROMPT)
    holder.terminate()
    holder.wait()
    print(f"     (Ctrl-C to 'interrupted': {cancel_ms:.0f} ms)")
    check(cancel_ms < 1000, f"Ctrl-C cancels the statement on the server ({cancel_ms:.0f} ms)")
    child.sendline("managers | count")
    child.expect_exact(PROMPT)
    check(re.search(r"\b12\b", child.before) is not None, "the session goes on after a cancel")

    # The backend dies under the REPL: one error, then the next statement reconnects.
    psql(conninfo, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'folio' AND pid <> pg_backend_pid()")
    time.sleep(0.3)
    child.sendline("managers | count")
    child.expect_exact(PROMPT)
    lost = child.before
    check("reconnects" in lost and SECRET not in lost, f"a lost connection is an error: {' '.join(lost.split())[:160]}")
    child.sendline("managers | count")
    child.expect_exact(PROMPT)
    check(re.search(r"\b12\b", child.before) is not None, "the next statement reconnects")
    child.sendline(".sql accounts | where exists(contacts) | count")
    child.expect_exact(PROMPT)
    check("EXISTS (" in child.before, ".sql prints the SQL")
    child.sendline(".quit")
    child.expect(pexpect.EOF)

    # An unreachable server: exit 3, and the message keeps the password out.
    p = subprocess.run([folio, "--engine", f"host=/nonexistent-folio dbname=x password={SECRET}", "-c", "accounts | count"],
                       capture_output=True, text=True)
    check(p.returncode == 3 and SECRET not in p.stderr, f"an unreachable server is exit 3: {p.stderr.strip()[:160]}")
    p = subprocess.run([folio, "--engine", conninfo, "-c", "acounts | count"], capture_output=True, text=True)
    check(p.returncode == 1 and "did you mean 'accounts'" in p.stderr, "queries are checked against the engine's schema")

    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
