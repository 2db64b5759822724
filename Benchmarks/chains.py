#!/usr/bin/env python3
"""Long inputs run in linear time (issue 14): chains of `and`, `or` and `+` terms, `in`
lists, `let` definitions each built on the last, and thousands of `--param` flags, at sizes
10x apart. Prints the time of each and the time per term; per-term times that stay flat
as the size grows tenfold are linear, ones that grow tenfold are quadratic.

    python3 Benchmarks/chains.py [--folio .build/release/folio] [--sizes 1000,10000,100000]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def shapes():
    """(name, unit, make(n) -> (script text, extra args))."""
    return [
        ("and chain", "term", lambda n: ("accounts | where " + " and ".join(f"arr > {i % 7}" for i in range(n)) + " | count\n", [])),
        ("or chain", "term", lambda n: ("accounts | where " + " or ".join(f'name = "a{i}"' for i in range(n)) + " | count\n", [])),
        ("+ chain", "term", lambda n: ("accounts | select " + " + ".join(str(i % 10) for i in range(n)) + " as s | limit 1\n", [])),
        ("in list", "value", lambda n: ("accounts | where id in (" + ", ".join(f'"A{i:07d}"' for i in range(n)) + ") | count\n", [])),
        ("let chain", "definition", lambda n: ("let q0 = accounts\n" + "".join(f"let q{i + 1} = q{i} | where true\n" for i in range(n)) + f"q{n} | count\n", [])),
        ("--param flags", "flag", lambda n: ("accounts | where arr > $p0 | count\n", [a for i in range(n) for a in ("--param", f"p{i}={i}")])),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folio", default=".build/release/folio")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3, help="runs per input; the fastest is reported")
    args = ap.parse_args()
    folio = os.path.abspath(args.folio)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="folio-chains-")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    # The built-in demo portfolio: the time is the query's text, not its data.
    base = subprocess.run([folio, "-c", "accounts | count", "--format", "csv"], capture_output=True, text=True, env=env)
    if base.returncode != 0:
        sys.exit(f"folio does not run: {base.stderr}")
    empty = min(timed(folio, "accounts | count\n", [], env, work) for _ in range(args.runs))
    print(f"folio with a one-line script: {empty * 1000:.1f} ms (subtracted below)\n")
    print(f"{'input':<14} {'size':>9} {'ms':>10} {'µs per unit':>12}  answer")
    failed = False
    for name, unit, make in shapes():
        for n in sizes:
            if unit == "flag" and n > 20000:
                print(f"{name:<14} {n:>9,} {'-':>10} {'':>12}  (more flags than the system's argument list holds)")
                continue
            text, extra = make(n)
            best, answer = None, None
            for _ in range(args.runs):
                t = timed(folio, text, extra, env, work, keep=True)
                if isinstance(t, str):
                    answer = t
                    break
                secs, answer = t
                best = secs if best is None else min(best, secs)
            if best is None:
                print(f"{name:<14} {n:>9,} {'error':>10} {'':>12}  {answer[:80]}")
                failed = True
                continue
            net = max(best - empty, 0.0)
            print(f"{name:<14} {n:>9,} {net * 1000:>10.1f} {net * 1e6 / n:>12.2f}  {answer}")
    return 1 if failed else 0


def timed(folio, text, extra, env, work, keep=False):
    path = os.path.join(work, "script.folio")
    with open(path, "w") as f:
        f.write(text)
    started = time.perf_counter()
    r = subprocess.run([folio, "run", path, "--format", "csv"] + extra, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - started
    if not keep:
        return secs
    if r.returncode != 0:
        return (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
    return secs, r.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    sys.exit(main())
