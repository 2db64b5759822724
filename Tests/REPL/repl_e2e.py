#!/usr/bin/env python3
"""End-to-end tests of the REPL as a person uses it: the real binary in a pseudo-terminal
(pexpect), typing, pressing Tab, Ctrl-R, Ctrl-C and Ctrl-D, and reading the screen.

    python3 Tests/REPL/repl_e2e.py --folio .build/debug/folio

Each test starts folio with its own history folder; the last line says how many passed.
"""
import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import traceback

import pexpect

PROMPT = re.compile(r"folio>(?:\x1b\[0m)? ")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x01\x02]")


class Folio:
    """One folio REPL in a pseudo-terminal."""

    def __init__(self, binary, state, *args, env=None, color=False):
        environment = dict(os.environ)
        environment.update({"XDG_STATE_HOME": state, "LANG": "C.UTF-8", "TERM": "xterm"})
        environment.pop("NO_COLOR", None)
        if not color:
            environment["NO_COLOR"] = "1"
        environment.update(env or {})
        self.child = pexpect.spawn(binary, list(args), env=environment, encoding="utf-8",
                                   dimensions=(40, 120), timeout=60)
        self.child.expect(PROMPT)
        self.banner = self.child.before
        self.shown = "folio> "

    def type(self, text):
        self.child.send(text)

    def expect_on_line(self, text, timeout=20):
        """Waits until the line being edited shows `text`. libedit redraws with cursor
        moves, so the raw stream is replayed onto a one-line screen first."""
        # What was drawn since the prompt, and what pexpect read past it (in its buffer).
        self.shown += self.child.buffer
        self.child.buffer = ""
        shown = self.shown
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                shown += self.child.read_nonblocking(4096, timeout=0.2)
            except pexpect.TIMEOUT:
                pass
            line = edited_line(shown)
            if text in line:
                self.shown = shown
                return line
        raise AssertionError("the line never showed %r; it shows %r" % (text, edited_line(shown)))

    def line(self, text):
        self.child.send(text + "\r")

    def expect(self, pattern, timeout=60):
        self.child.expect(pattern, timeout=timeout)
        return self.child.before

    def prompt(self, timeout=60):
        """Everything shown up to the next prompt, without terminal control codes."""
        self.child.expect(PROMPT, timeout=timeout)
        self.shown = "folio> "
        return ANSI.sub("", self.child.before)

    def run(self, query, timeout=60):
        self.line(query)
        return self.prompt(timeout)

    def interrupt_line(self):
        """Ctrl-C at the prompt: waits for the ^C and the fresh prompt after it (the
        terminal drops keys typed before the signal lands, so wait before typing more)."""
        self.child.sendcontrol("c")
        self.child.expect_exact("^C")
        self.prompt()

    def quit(self):
        # A ^D typed in the instant between libedit's return to the terminal's cooked mode
        # and its next raw mode becomes an end-of-line marker the mode switch drops (seen
        # once in about 30 quits on a loaded machine): a person types a little later, so
        # does this, and once more if the first was lost.
        time.sleep(0.1)
        self.child.sendcontrol("d")
        try:
            self.child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            self.child.sendcontrol("d")
            self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()
        return self.child.exitstatus


def edited_line(stream):
    """The last line of a terminal after `stream`: characters, \\r, \\b, and the cursor
    and erase sequences libedit uses (CSI n G / C / D, CSI K)."""
    cells, col = [], 0
    i = 0
    while i < len(stream):
        ch = stream[i]
        if ch == "\x1b":
            m = re.match(r"\x1b\[([0-9;?]*)([A-Za-z])", stream[i:])
            if m:
                n = int(m.group(1)) if m.group(1).isdigit() else 1
                op = m.group(2)
                if op == "G":
                    col = n - 1
                elif op == "C":
                    col += n
                elif op == "D":
                    col = max(0, col - n)
                elif op == "K":
                    del cells[col:]
                i += m.end()
                continue
            i += 1
        elif ch == "\r":
            col = 0
        elif ch == "\n":
            cells, col = [], 0
        elif ch == "\b":
            col = max(0, col - 1)
        elif ch >= " ":
            while len(cells) <= col:
                cells.append(" ")
            cells[col] = ch
            col += 1
        i += 1
    return "".join(cells)


def batch(binary, query, *args):
    out = subprocess.run([binary, *args, "--format", "csv", "-c", query], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


# MARK: - Tests

def test_query_shows_a_table(f, t):
    folio = Folio(f, t.state)
    assert "500 accounts" in folio.banner and "as of 2026-06-15" in folio.banner, folio.banner
    screen = folio.run("managers | count")
    assert "│ count │" in screen and "12" in screen and "1 row" in screen, screen
    assert folio.quit() == 0


def test_tab_completes_entity_field_and_enum_value(f, t):
    folio = Folio(f, t.state)
    folio.type("manag\t")
    folio.expect_on_line("folio> managers ")
    screen = folio.run("| count")
    assert "12" in screen, screen
    # A field after `owner.` and a picklist value inside a string.
    folio.type("accounts | where owner.reg\t")
    folio.expect_on_line("where owner.region")
    folio.type(" = \"EM\t")
    folio.expect_on_line('owner.region = "EMEA"')
    screen = folio.run(" | count")
    expected = batch(f, 'accounts | where owner.region = "EMEA" | count')
    assert re.search(r"│\s+%s │" % re.escape(expected), screen), screen
    # Several candidates are listed under the line.
    folio.type("opportunities | where stage = \"clo\t")
    folio.expect_on_line('stage = "closed_')
    folio.type("\t")
    folio.expect("closed_won +closed_lost")
    folio.interrupt_line()
    assert folio.quit() == 0


def test_multi_line_history_survives_a_restart(f, t):
    folio = Folio(f, t.state)
    folio.line("accounts |")
    folio.expect(r"\.\.\.> ")
    folio.line('where tier = "strategic" |')
    folio.expect(r"\.\.\.> ")
    first = folio.run("count")
    assert folio.quit() == 0
    history = os.path.join(t.state, "folio", "history")
    assert stat.S_IMODE(os.stat(history).st_mode) == 0o600, oct(os.stat(history).st_mode)
    # Yesterday's statement, recalled with the up arrow as one entry, runs again.
    folio = Folio(f, t.state)
    folio.type("\x1b[A")
    folio.expect_on_line("count")
    again = folio.run("")
    count = batch(f, 'accounts | where tier = "strategic" | count')
    assert count in first and count in again, (first, again)
    # Reverse search.
    folio.child.sendcontrol("r")
    folio.type("strat")
    time.sleep(0.5)
    screen = folio.run("")
    assert count in screen, screen
    assert folio.quit() == 0


def test_ctrl_c_cancels_a_long_query_and_keeps_the_session(f, t):
    data = os.path.join(t.tmp, "large")
    subprocess.run([f, "generate", "--accounts", "20000", "--seed", "7", "--out", data], check=True)
    folio = Folio(f, t.state, "--data", data)
    folio.run("let big = accounts | where arr > 1m")
    # A walk no per-parent array answers (distinct names over a path that repeats rows):
    # hundreds of millions of steps, unless cancelled.
    folio.line("activities | where count_distinct(account.owner.accounts.contacts[count(account.owner.accounts) > 0].name) > 0 | count")
    time.sleep(1.0)
    sent = time.monotonic()
    folio.child.sendcontrol("c")
    folio.expect("interrupted", timeout=30)
    t.note("Ctrl-C to 'interrupted': %.0f ms (this build)" % ((time.monotonic() - sent) * 1000))
    folio.prompt()
    screen = folio.run("big | count")
    expected = batch(f, "accounts | where arr > 1m | count", "--data", data)
    assert expected in screen, screen
    assert folio.quit() == 0


def test_ctrl_c_at_the_prompt_clears_the_line(f, t):
    folio = Folio(f, t.state)
    folio.type("accounts | wh")
    folio.interrupt_line()
    screen = folio.run("managers | count")
    assert "error" not in screen and "12" in screen, screen
    # Also a statement being continued.
    folio.line("accounts |")
    folio.expect(r"\.\.\.> ")
    folio.interrupt_line()
    screen = folio.run("managers | count")
    assert "error" not in screen and "12" in screen, screen
    assert folio.quit() == 0


def test_mode_csv_then_a_query(f, t):
    folio = Folio(f, t.state)
    folio.run(".mode csv")
    screen = folio.run("managers | sort id | select id, name | limit 2")
    lines = [l.strip() for l in screen.splitlines() if l.strip()]
    assert lines[-3] == "id,name" and lines[-2].startswith("M00001,"), lines
    assert folio.quit() == 0


def test_csv_streams_and_ctrl_c_stops_it(f, t):
    """`.mode csv` writes rows as they are built; Ctrl-C stops a long listing once, with one
    'interrupted', and the session goes on (`.last` then runs the query again)."""
    data = os.path.join(t.tmp, "large")
    subprocess.run([f, "generate", "--accounts", "20000", "--seed", "7", "--out", data], check=True)
    folio = Folio(f, t.state, "--data", data)
    folio.run(".mode csv")
    screen = folio.run("managers | sort id | select id | limit 3; accounts | count")
    lines = [l.strip() for l in screen.splitlines() if l.strip()]
    assert lines[-6:] == ["id", "M00001", "M00002", "M00003", "count", "20000"], lines
    folio.line("activities | select id, subject, date")
    folio.expect("T0000")
    folio.child.sendcontrol("c")
    shown = folio.prompt(timeout=120)
    assert shown.count("interrupted") == 1, shown[-400:]
    screen = folio.run("accounts | where arr > 1m | count")
    assert batch(f, "accounts | where arr > 1m | count", "--data", data, "--format", "csv").strip().splitlines()[-1] in screen, screen
    folio.run(".mode json")
    screen = folio.run("managers | sort id | select id | limit 2")
    assert '[\r\n{"id":"M00001"},\r\n{"id":"M00002"}\r\n]' in screen, repr(screen[-200:])
    screen = folio.run(".last")
    assert '{"id":"M00002"}' in screen, repr(screen[-200:])
    assert folio.quit() == 0


def test_utf8_input_round_trips(f, t):
    folio = Folio(f, t.state)
    folio.run(".mode csv")
    screen = folio.run('managers | select "Müller · Công ty" as who | limit 1')
    assert "Müller · Công ty" in screen.splitlines()[-1] or "Müller · Công ty\r" in screen, screen
    assert folio.quit() == 0


def test_dot_commands_and_last_result(f, t):
    folio = Folio(f, t.state)
    screen = folio.run(".shema")
    assert "did you mean '.schema'?" in screen, screen
    screen = folio.run(".help")
    assert ".maxrows N" in screen and "dates" in screen, screen
    folio.run('accounts | where tier = "strategic" | select name, arr')
    screen = folio.run("_ | where arr > 1m | count")
    expected = batch(f, 'accounts | where tier = "strategic" and arr > 1m | count')
    assert expected in screen, screen
    folio.run(".maxrows 6")
    screen = folio.run("accounts | select id | sort id")
    assert "… 494 more rows …" in screen, screen
    screen = folio.run(".last")
    assert "A0000500" in screen and "more rows" not in screen, screen[-300:]
    assert folio.quit() == 0


def test_tables_fit_the_terminal_and_colour(f, t):
    folio = Folio(f, t.state, color=True)
    folio.line("accounts | limit 3")
    folio.child.expect(PROMPT)
    raw = folio.child.before
    assert "\x1b[1m" in raw, "bold headers on a terminal"
    plain = ANSI.sub("", raw)
    widths = [len(l.rstrip("\r")) for l in plain.splitlines() if l.startswith(("│", "┌", "└"))]
    assert widths and max(widths) <= 120, widths
    assert "not shown" in plain, plain
    assert folio.quit() == 0
    folio = Folio(f, t.state, "--no-color", color=True)
    folio.line("managers | count")
    folio.child.expect(PROMPT)
    assert "\x1b[1m" not in folio.child.before
    assert folio.quit() == 0


def test_ctrl_d_exits_zero(f, t):
    folio = Folio(f, t.state)
    assert folio.quit() == 0


# MARK: - Runner

class Context:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="folio-e2e-")
        self.state = os.path.join(self.tmp, "state")
        self.notes = []

    def note(self, text):
        self.notes.append(text)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folio", default=".build/debug/folio")
    parser.add_argument("-k", help="run tests whose name contains this")
    args = parser.parse_args()
    binary = os.path.abspath(args.folio)
    tests = [(n, fn) for n, fn in globals().items() if n.startswith("test_") and (not args.k or args.k in n)]
    failed = 0
    for name, fn in tests:
        ctx = Context()
        started = time.monotonic()
        try:
            fn(binary, ctx)
            print("ok   %s (%.1f s)%s" % (name, time.monotonic() - started, "".join("\n     " + n for n in ctx.notes)))
        except Exception:
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc()
        finally:
            ctx.close()
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
