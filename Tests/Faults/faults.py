#!/usr/bin/env python3
"""The faults users meet (issue 14, docs/reliability.md), each tried for real on the built
binary: full disks, read-only and missing folders, files changing under folio, two folios at
once, closed pipes, SIGTERM mid-write, a terminal resized while a table renders, and a query
past --max-memory.

A full disk is a small tmpfs mounted for the test when the test runs as root (as .ci/run
does); otherwise `ulimit -f` (RLIMIT_FSIZE), under which the kernel refuses the write that
passes the limit with EFBIG (folio ignores SIGXFSZ). A read-only folder is a tmpfs mounted
read-only as root, else a folder without write permission. Each test says which it used.

    python3 Tests/Faults/faults.py --folio .build/debug/folio [-k NAME]
"""
import argparse
import contextlib
import glob
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FOLIO = None
DATA = None          # a generated portfolio of 20,000 accounts
BIG_ACCOUNTS = 60000
BIG = None           # one of 60,000 (long enough loads and writes to hit mid-way)
ROOT = os.geteuid() == 0
MOUNTS = []


def run(args, env=None, stdin=None, preexec=None, timeout=120, cwd=None):
    e = dict(os.environ)
    e.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="folio-faults-cache-"))
    e.update(env or {})
    return subprocess.run([FOLIO] + args, input=stdin, capture_output=True, text=True, env=e,
                          preexec_fn=preexec, timeout=timeout, cwd=cwd)


def can_mount():
    if not ROOT:
        return False
    d = tempfile.mkdtemp(prefix="folio-faults-probe-")
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", d])
    os.rmdir(d)
    return ok


MOUNTABLE = None


@contextlib.contextmanager
def small_disk(kib=64):
    """A folder on which writes past `kib` KiB fail: (path, preexec, how)."""
    d = tempfile.mkdtemp(prefix="folio-faults-disk-")
    if MOUNTABLE:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", d], check=True)
        try:
            yield d, None, f"a {kib} KiB tmpfs"
        finally:
            subprocess.run(["umount", d])
            os.rmdir(d)
    else:
        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))
        try:
            yield d, limit, f"ulimit -f {kib} KiB"
        finally:
            shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def read_only_folder():
    d = tempfile.mkdtemp(prefix="folio-faults-ro-")
    if MOUNTABLE:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", d], check=True)
        try:
            yield d, "a read-only tmpfs"
        finally:
            subprocess.run(["umount", d])
            os.rmdir(d)
    else:
        os.chmod(d, 0o555)
        try:
            yield d, "a folder without write permission"
        finally:
            os.chmod(d, 0o755)
            shutil.rmtree(d, ignore_errors=True)


def leftovers(folder):
    """Temporary files a write left behind."""
    out = []
    for root, dirs, files in os.walk(folder):
        for n in files + dirs:
            if ".tmp" in n or "folio-export" in n or "folio-old" in n:
                out.append(os.path.join(root, n))
    return out


PROMPT = r"folio>(?:\x1b\[0m)? "


class Repl:
    """folio's REPL in a pseudo-terminal: dot-commands work only there."""

    def __init__(self, args, env=None, preexec=None, dimensions=(40, 120)):
        import pexpect
        self.pexpect = pexpect
        e = dict(os.environ, TERM="xterm", NO_COLOR="1", XDG_CACHE_HOME=tempfile.mkdtemp(), XDG_STATE_HOME=tempfile.mkdtemp())
        e.update(env or {})
        self.child = pexpect.spawn(FOLIO, args, env=e, encoding="utf-8", timeout=120, preexec_fn=preexec, dimensions=dimensions)
        self.child.expect(PROMPT)

    def type(self, line, timeout=120):
        """Types a line; what it printed before the next prompt."""
        self.child.sendline(line)
        self.child.expect(PROMPT, timeout=timeout)
        return self.child.before

    def leave(self):
        self.child.sendeof()
        self.child.expect(self.pexpect.EOF, timeout=60)
        self.child.close()
        return self.child.exitstatus


def count(data, query, **kw):
    r = run(["--data", data, "-c", query, "--format", "csv"], **kw)
    return r, (r.stdout.strip().splitlines()[-1] if r.returncode == 0 and r.stdout.strip() else None)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# ---- full disks ----------------------------------------------------------------------

def test_full_disk_snapshot():
    with small_disk(64) as (cache, preexec, how):
        r, n = count(DATA, "accounts | count", env={"XDG_CACHE_HOME": cache}, preexec=preexec)
        expect(r.returncode == 0 and n == "20000", f"answer with a full cache ({how}): {r.returncode} {r.stdout!r} {r.stderr!r}")
        expect(r.stderr.count("snapshot:") == 1 and "without one" in r.stderr, f"said once: {r.stderr!r}")
        expect(not leftovers(cache), f"temporary files left: {leftovers(cache)}")
    return how


def test_full_disk_output():
    with small_disk(64) as (d, preexec, how):
        target = os.path.join(d, "out.csv")
        repl = Repl(["--data", DATA, "--no-snapshot", "--format", "csv"], preexec=preexec)
        repl.type(f".output {target}")
        repl.type("accounts | count")
        said = repl.type("accounts | select id, name, region, arr")
        expect("cannot write" in said and "out.csv" in said, f"a clear error: {said!r}")
        expect("interrupted" not in said and said.count("error") == 1, f"one message, the write's: {said!r}")
        with open(target) as f:
            kept = f.read()
        expect(kept.strip().splitlines()[-1] == "20000", f"the previous file intact: {kept!r}")
        expect("20000" in repl.type("accounts | count"), "the session went on")
        expect(repl.leave() == 0, "exit 0")
        expect(not leftovers(d), f"temporary files left: {leftovers(d)}")
    return how


def test_full_disk_save():
    with small_disk(4) as (d, preexec, how):
        target = os.path.join(d, "q.folio")
        with open(target, "w") as f:
            f.write("accounts | count\n")
        repl = Repl(["--data", DATA, "--no-snapshot", "--format", "csv"], preexec=preexec)
        long = " or ".join(f'name = "account {i}"' for i in range(400))
        repl.type(f"let big = accounts | where {long}")
        said = repl.type(f".save big {target}")
        expect("cannot write" in said, f"a clear error: {said!r}")
        with open(target) as f:
            expect(f.read() == "accounts | count\n", "the previous file intact")
        expect("20000" in repl.type("accounts | count"), "the session went on")
        expect(repl.leave() == 0, "exit 0")
        expect(not leftovers(d), f"temporary files left: {leftovers(d)}")
    return how


def test_full_disk_generate():
    with small_disk(256) as (d, preexec, how):
        out = os.path.join(d, "gen")
        r = run(["generate", "--accounts", "20000", "--out", out], preexec=preexec)
        expect(r.returncode != 0 and r.stderr.strip() and "Traceback" not in r.stderr, f"a clear error: {r.returncode} {r.stderr!r}")
        expect(not leftovers(d), f"temporary files left: {leftovers(d)}")
        expect(not os.path.exists(os.path.join(out, "accounts.csv")), "no half-written portfolio")
    return how


def test_full_disk_export():
    with small_disk(1024) as (d, preexec, how):
        out = os.path.join(d, "export")
        r = run(["export", "--data", DATA, "--out", out], preexec=preexec)
        expect(r.returncode == 3 and "cannot write" in r.stderr, f"a clear error: {r.returncode} {r.stderr!r}")
        expect(not leftovers(d) and not os.path.exists(out), f"nothing half-written: {os.listdir(d)}")
    return how


def test_full_disk_history():
    with small_disk(4) as (d, preexec, how):
        os.makedirs(os.path.join(d, "folio"))
        history = os.path.join(d, "folio", "history")
        with open(history, "w") as f:
            f.write("accounts | count\n" * 200)  # most of the disk
        before = open(history).read()
        repl = Repl(["--data", DATA, "--no-snapshot"], env={"XDG_STATE_HOME": d}, preexec=preexec)
        said = repl.type("managers | where name = \"" + "x" * 3000 + "\" | count")
        said += repl.type("accounts | count")
        expect(repl.leave() == 0, "exit 0")
        expect(open(history).read() in (before,) or open(history).read().startswith("accounts"), "the history file whole")
        expect(not leftovers(d), f"temporary files left: {leftovers(d)}")
    return how


# ---- read-only and missing folders ---------------------------------------------------

def test_read_only_cache():
    with read_only_folder() as (cache, how):
        r, n = count(DATA, "accounts | count", env={"XDG_CACHE_HOME": cache})
        expect(r.returncode == 0 and n == "20000", f"answer: {r.returncode} {r.stderr!r}")
        expect(r.stderr.count("snapshot:") == 1, f"said once: {r.stderr!r}")
    return how


def test_missing_cache():
    d = tempfile.mkdtemp(prefix="folio-faults-")
    blocker = os.path.join(d, "file")
    open(blocker, "w").close()
    r, n = count(DATA, "accounts | count", env={"XDG_CACHE_HOME": os.path.join(blocker, "cache")})
    expect(r.returncode == 0 and n == "20000", f"answer: {r.returncode} {r.stderr!r}")
    expect(r.stderr.count("snapshot:") == 1, f"said once: {r.stderr!r}")
    return "a cache path under a regular file (cannot be created)"


# ---- files changing ------------------------------------------------------------------

def copy_data(src):
    d = tempfile.mkdtemp(prefix="folio-faults-data-")
    for n in os.listdir(src):
        shutil.copy(os.path.join(src, n), d)
    return d


def test_changed_after_snapshot():
    d = copy_data(DATA)
    cache = tempfile.mkdtemp()
    r, before = count(d, "accounts | where region = \"emea\" | count", env={"XDG_CACHE_HOME": cache})
    expect(glob.glob(cache + "/folio/snapshots/*.snapshot"), "a snapshot was written")
    path = os.path.join(d, "accounts.csv")
    with open(path) as f:
        text = f.read()
    # Same size, same mtime: only the contents differ.
    st = os.stat(path)
    changed = text.replace(",EMEA,", ",APAC,", 5)
    expect(len(changed) == len(text) and changed != text, "the change keeps the size")
    with open(path, "w") as f:
        f.write(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    r, after = count(d, "accounts | where region = \"emea\" | count", env={"XDG_CACHE_HOME": cache})
    expect(int(after) == int(before) - 5, f"the new contents: {before} then {after}")
    # Truncated after its snapshot was written.
    with open(path, "r+") as f:
        f.truncate(len(text) // 2)
    r = run(["--data", d, "-c", "accounts | count"], env={"XDG_CACHE_HOME": cache})
    expect(r.returncode in (0, 3) and r.returncode >= 0, f"truncated: {r.returncode} {r.stderr!r}")
    if r.returncode == 0:
        expect(int(r.stdout.strip().splitlines()[-1]) < 20000, "the truncated file's rows")
    return "rewritten with the same size and mtime; truncated"


def test_changed_while_loading():
    d = copy_data(BIG)
    path = os.path.join(d, "accounts.csv")
    with open(path, "rb") as f:
        original = f.read()
    old = run(["--data", d, "--no-snapshot", "-c", "accounts | count", "--format", "csv"]).stdout.strip().splitlines()[-1]
    outcomes = set()
    rng = random.Random(14)
    for attempt in range(8):
        with open(path, "wb") as f:
            f.write(original)
        e = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp())
        p = subprocess.Popen([FOLIO, "--data", d, "-c", "accounts | count", "--format", "csv"], env=e,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.0, 0.4))
        if attempt % 2 == 0:
            with open(path, "r+b") as f:   # truncated in place
                f.truncate(len(original) // 3)
            new = None
        else:                                # rewritten in place with fewer rows
            lines = original.split(b"\n")
            with open(path, "wb") as f:
                f.write(b"\n".join(lines[: len(lines) // 2]) + b"\n")
            new = str(len(lines) // 2 - 1)
        out, err = p.communicate(timeout=120)
        expect(p.returncode >= 0, f"killed by signal {-p.returncode}: {err!r}")
        if p.returncode == 0:
            n = out.strip().splitlines()[-1]
            valid = {old, new} if new else {old}
            if new is None:
                valid.add(run(["--data", d, "--no-snapshot", "-c", "accounts | count", "--format", "csv"]).stdout.strip().splitlines()[-1])
            expect(n in valid, f"an answer from a mix of old and new: {n} (valid {valid})")
            outcomes.add("answered")
        else:
            expect(p.returncode == 3 and err.strip(), f"exit {p.returncode}: {err!r}")
            outcomes.add("data error")
    return "8 loads of 60,000 accounts, truncated or rewritten mid-load: " + ", ".join(sorted(outcomes))


def test_two_folios_at_once():
    cache = tempfile.mkdtemp()
    e = dict(os.environ, XDG_CACHE_HOME=cache)
    procs = [subprocess.Popen([FOLIO, "--data", BIG, "-c", "opportunities | where stage = \"closed_won\" | count", "--format", "csv"],
                              env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    answers = [p.communicate(timeout=300)[0].strip().splitlines()[-1] for p in procs]
    expect(all(p.returncode == 0 for p in procs) and answers[0] == answers[1], f"both answer: {answers}")
    r = run(["--data", BIG, "--timer", "-c", "opportunities | where stage = \"closed_won\" | count", "--format", "csv"], env={"XDG_CACHE_HOME": cache})
    expect("reopened" in r.stderr, f"the snapshot is whole: {r.stderr!r}")
    expect(r.stdout.strip().splitlines()[-1] == answers[0], "and right")
    expect(not leftovers(cache), f"temporary files left: {leftovers(cache)}")
    return "two processes, one fresh cache"


# ---- pipes, signals, terminals -------------------------------------------------------

def test_closed_pipe():
    e = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp())
    r = subprocess.run(f"'{FOLIO}' --data '{BIG}' -c 'activities | select id, subject' --format csv | head -1",
                       shell=True, capture_output=True, text=True, env=e, timeout=120)
    expect(r.stdout.strip() == "id,subject", f"the first line: {r.stdout!r}")
    expect(r.stderr == "", f"no error text: {r.stderr!r}")
    return "folio … | head -1"


def test_sigterm_during_snapshot():
    for delay in (0.3, 0.8):
        cache = tempfile.mkdtemp()
        e = dict(os.environ, XDG_CACHE_HOME=cache)
        p = subprocess.Popen([FOLIO, "--data", BIG, "-c", "accounts | count"], env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=60)
        expect(not leftovers(cache), f"temporary files left after SIGTERM at {delay} s: {leftovers(cache)}")
        r, n = count(BIG, "accounts | count", env={"XDG_CACHE_HOME": cache})
        expect(r.returncode == 0 and n == "60000", f"the next run: {r.returncode} {r.stderr!r}")
    return "SIGTERM at 0.3 and 0.8 s into a load of 60,000 accounts"


def test_sigterm_during_output():
    d = tempfile.mkdtemp()
    target = os.path.join(d, "out.csv")
    outcomes = set()
    cache = tempfile.mkdtemp()
    for delay in (0.05, 0.2, 0.5, 1.0):
        with open(target, "w") as f:
            f.write("previous\n")
        repl = Repl(["--data", BIG, "--format", "csv"], env={"XDG_CACHE_HOME": cache})
        repl.type(f".output {target}")
        repl.child.sendline("activities | select id, subject, account.name, owner.name")
        time.sleep(delay)
        os.kill(repl.child.pid, signal.SIGTERM)
        repl.child.expect(repl.pexpect.EOF, timeout=60)
        repl.child.close()
        expect(repl.child.signalstatus == signal.SIGTERM, f"ended by SIGTERM: {repl.child.exitstatus} {repl.child.signalstatus}")
        expect(not leftovers(d), f"temporary files left: {leftovers(d)}")
        with open(target) as f:
            text = f.read()
        if text == "" or text == "previous\n":
            outcomes.add("the file as it was")
        else:
            expect(text.startswith("id,subject") and text.endswith("\n") and len(text.splitlines()) > 1000, f"a whole file: {text[:64]!r}…")
            outcomes.add("the whole result")
    return "SIGTERM 0.05 to 1 s into a .output of every activity: " + ", ".join(sorted(outcomes))


def test_resize_while_rendering():
    repl = Repl(["--data", DATA])
    repl.type(".maxrows 0")
    repl.child.sendline("activities | limit 3000 | select id, subject, account.name, owner.name, date")
    for i in range(40):
        repl.child.setwinsize(20 + i % 30, 40 + (i * 7) % 160)
        time.sleep(0.01)
    repl.child.expect(PROMPT, timeout=300)
    expect("20,000" in repl.type("accounts | count"), "the session goes on")
    expect(repl.leave() == 0, "exit 0")
    return "40 resizes while a table of 3,000 activities renders"


def peak_memory(args, env):
    """The most memory (bytes) a folio run held, from the kernel's own account (wait4)."""
    p = subprocess.Popen([FOLIO] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    return usage.ru_maxrss * 1024


def test_max_memory():
    env = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp())
    big = "activities | group by id aggregate count() | count"
    peak_memory(["--data", BIG, "-c", "accounts | count"], env)   # the snapshot, so loads are alike
    baseline = peak_memory(["--data", BIG, "-c", "accounts | count"], env)
    peak = peak_memory(["--data", BIG, "-c", big], env)
    expect(peak > baseline + (64 << 20), f"the query needs more memory than the load: {baseline >> 20} MiB, then {peak >> 20} MiB")
    limit = f"{(baseline + (peak - baseline) // 2) >> 20}M"
    r = run(["--data", BIG, "--max-memory", limit, "-c", big], env=env, timeout=300)
    expect(r.returncode == 1 and "--max-memory" in r.stderr, f"a clear error at {limit}: {r.returncode} {r.stdout!r} {r.stderr!r}")
    repl = Repl(["--data", BIG, "--max-memory", limit, "--format", "csv"], env={"XDG_CACHE_HOME": env["XDG_CACHE_HOME"]})
    said = repl.type(big, timeout=300)
    expect("--max-memory" in said, f"the REPL says so: {said!r}")
    expect("60000" in repl.type("accounts | count"), "the session goes on")
    expect(repl.leave() == 0, "exit 0")
    r = run(["--data", DATA, "--max-memory", "lots", "-c", "accounts | count"])
    expect(r.returncode == 2 and "--max-memory" in r.stderr, f"a bad size: {r.returncode} {r.stderr!r}")
    return f"a group by id of every activity: {baseline >> 20} MiB loaded, {peak >> 20} MiB at its peak, stopped at {limit}"


def resident_peak(pid):
    """A running process's peak resident memory (bytes), from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def test_long_results_not_built():
    env = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp())
    peak_memory(["--data", BIG, "-c", "accounts | count"], env)   # the snapshot, so loads are alike
    baseline = peak_memory(["--data", BIG, "-c", "accounts | count"], env)
    # Markdown is built whole (its columns' digit grouping depends on every row): the size of
    # the whole result. CSV and JSON lines are written a chunk of rows at a time.
    whole = peak_memory(["--data", BIG, "--format", "markdown", "-c", "activities"], env) - baseline
    expect(whole > 64 << 20, f"every activity, built whole, is big: {whole >> 20} MiB")
    extra = {}
    for fmt in ("csv", "jsonl"):
        extra[fmt] = peak_memory(["--data", BIG, "--format", fmt, "-c", "activities"], env) - baseline
        expect(extra[fmt] < whole // 4, f"{fmt} is written as it is built: {extra[fmt] >> 20} MiB more than the load, whole {whole >> 20} MiB")
    r = run(["--data", BIG, "--format", "csv", "-c", "activities | where kind = \"email\"; activities | count"], env=env, timeout=300)
    lines = r.stdout.splitlines()
    expect(r.returncode == 0 and lines[0].startswith("id,") and lines[-2] == "count" and "count" not in lines[1:-2],
           f"a streamed result comes before the next statement's: {r.returncode} {lines[:2]} {lines[-3:]} {r.stderr!r}")
    # The REPL's table shows the first and last rows: only they are built.
    repl = Repl(["--data", BIG], env={"XDG_CACHE_HOME": env["XDG_CACHE_HOME"]})
    before = resident_peak(repl.child.pid)
    shown = [repl.type(q, timeout=300) for q in ("activities | select *", "activities | sort date desc, id", "activities")]
    grew = resident_peak(repl.child.pid) - before
    expect(all("more rows" in s for s in shown), f"the tables are elided: {shown[0][-300:]!r}")
    expect(grew < whole // 4, f"the REPL built only what it showed: {grew >> 20} MiB more, whole {whole >> 20} MiB")
    # `.output FILE` in CSV: the chunks go to the file's temporary as they are made.
    out_dir = tempfile.mkdtemp()
    target = os.path.join(out_dir, "all.csv")
    repl.type(".mode csv")
    repl.type(f".output {target}")
    before = resident_peak(repl.child.pid)
    said = repl.type("activities", timeout=300)
    written = resident_peak(repl.child.pid) - before
    size = os.path.getsize(target)
    expect("error" not in said and size > 16 << 20, f"every activity in the file: {size >> 20} MiB, {said!r}")
    # Held in memory, the text would add its own size to what streaming needs (as -c's CSV).
    expect(written < extra["csv"] + size // 2,
           f"the .output file is written as it is built: {written >> 20} MiB more, the file {size >> 20} MiB, -c's CSV {extra['csv'] >> 20} MiB")
    expect(os.listdir(out_dir) == ["all.csv"], f"no temporary left: {os.listdir(out_dir)}")
    expect(repl.leave() == 0, "exit 0")
    shutil.rmtree(out_dir, ignore_errors=True)
    return (f"every activity of {BIG_ACCOUNTS:,} accounts: {whole >> 20} MiB built whole; csv {extra['csv'] >> 20} MiB, "
            f"jsonl {extra['jsonl'] >> 20} MiB, the REPL's elided tables {grew >> 20} MiB, a {size >> 20} MiB .output file {written >> 20} MiB")


def main():
    global FOLIO, DATA, BIG, MOUNTABLE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folio", default=".build/debug/folio")
    ap.add_argument("-k", help="only the tests whose name contains this")
    args = ap.parse_args()
    FOLIO = os.path.abspath(args.folio)
    MOUNTABLE = can_mount()
    work = tempfile.mkdtemp(prefix="folio-faults-")
    DATA, BIG = os.path.join(work, "data"), os.path.join(work, "big")
    for d, n in ((DATA, 20000), (BIG, BIG_ACCOUNTS)):
        subprocess.run([FOLIO, "generate", "--accounts", str(n), "--out", d, "--seed", "14"], check=True, capture_output=True)
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and (not args.k or args.k in n)]
    failed = 0
    for name, f in tests:
        started = time.time()
        try:
            how = f()
            print(f"ok   {name} ({time.time() - started:.1f} s; {how})")
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next test runs
            failed += 1
            print(f"FAIL {name}: {e}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
