#!/usr/bin/env python3
"""REPL responsiveness, measured as a person meets it (in a pseudo-terminal):

- time from starting folio on the built-in demo to the first prompt (10 starts);
- time from Ctrl-C to `interrupted` for long queries of several shapes, on a data folder.

    swift build -c release
    python3 Benchmarks/repl.py --folio .build/release/folio [--data DIR]

Without --data it generates 100,000 accounts (1.8M rows) into a temporary folder.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

import pexpect

PROMPT = "folio> "
LONG_QUERIES = [
    "activities | where count(account.owner.accounts[count(owner.accounts[arr > 0]) > 0]) > 0 | count",
    "activities | sort lower(subject) desc, date | limit 5",
    "activities | group by lower(subject), kind, date | count",
    'activities | where contains(lower(subject), "x") or lower(subject) like "%zz%q%" | group by lower(subject) | count',
]


def spawn(folio, *args, state):
    env = dict(os.environ, XDG_STATE_HOME=state, LANG="C.UTF-8", TERM="xterm", NO_COLOR="1")
    return pexpect.spawn(folio, list(args), env=env, encoding="utf-8", dimensions=(40, 120), timeout=900)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folio", default=".build/release/folio")
    parser.add_argument("--data")
    parser.add_argument("--wait", type=float, default=0.3, help="seconds a query runs before Ctrl-C")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="folio-repl-bench-")
    try:
        times = []
        for _ in range(10):
            started = time.monotonic()
            child = spawn(args.folio, state=tmp)
            child.expect_exact(PROMPT)
            times.append((time.monotonic() - started) * 1000)
            child.sendcontrol("d")
            child.expect(pexpect.EOF)
            child.close()  # else closing it later lands inside the next start's time
        print("first prompt on the demo: median %.1f ms (min %.1f, max %.1f) over %d starts"
              % (statistics.median(times), min(times), max(times), len(times)))

        data = args.data
        if not data:
            data = os.path.join(tmp, "data")
            subprocess.run([args.folio, "generate", "--accounts", "100000", "--out", data], check=True)
        child = spawn(args.folio, "--data", data, state=tmp)
        child.expect_exact(PROMPT)
        for query in LONG_QUERIES:
            child.send(query + "\r")
            time.sleep(args.wait)
            sent = time.monotonic()
            child.sendcontrol("c")
            finished = child.expect(["interrupted", r"\d+ rows?"])
            elapsed = (time.monotonic() - sent) * 1000
            print("Ctrl-C → %s in %6.1f ms   %s" % ("interrupted" if finished == 0 else "finished anyway", elapsed, query))
            child.expect_exact(PROMPT)
        child.sendcontrol("d")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
