#!/usr/bin/env python3
"""Benchmark folio against sqlite3 and DuckDB on the same synthetic portfolio.

    python3 Benchmarks/run.py [--accounts N[,N...]] [--runs R] [--folio PATH]
                              [--data DIR | --data-root DIR] [--keep] [--engines E]
                              [--queries SUBSTR] [--json-out FILE]

With no options: 100,000 and then 1,000,000 accounts, all three engines.

See Benchmarks/README.md for what is measured and how.  Python 3.11, stdlib + duckdb.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------
# Data model (SPEC.md §2) — column order as `folio generate` writes it.
# Types: str, enum, list (all text), int, bool, money, date.

TODAY = dt.date(2026, 6, 15)  # folio.json as_of of generated data; passed as --today
SEED = 7

ENTITIES = ["managers", "accounts", "contacts", "opportunities", "activities"]

SCHEMA: dict[str, list[tuple[str, str]]] = {
    "managers": [
        ("id", "str"), ("name", "str"), ("email", "str"), ("role", "enum"),
        ("level", "enum"), ("region", "enum"), ("lead_id", "str"), ("quota", "money"),
    ],
    "accounts": [
        ("id", "str"), ("name", "str"), ("parent_id", "str"), ("owner_id", "str"),
        ("industry", "enum"), ("tier", "enum"), ("region", "enum"), ("country", "str"),
        ("status", "enum"), ("employees", "int"), ("arr", "money"), ("health", "int"),
        ("nps", "int"), ("products", "list"), ("seats", "int"), ("seats_used", "int"),
        ("customer_since", "date"), ("renewal_date", "date"),
    ],
    "contacts": [
        ("id", "str"), ("name", "str"), ("title", "str"), ("email", "str"),
        ("phone", "str"), ("account_id", "str"), ("role", "enum"), ("is_primary", "bool"),
        ("last_contacted", "date"),
    ],
    "opportunities": [
        ("id", "str"), ("name", "str"), ("product", "str"), ("next_step", "str"),
        ("account_id", "str"), ("owner_id", "str"), ("type", "enum"), ("stage", "enum"),
        ("amount", "money"), ("probability", "int"), ("created", "date"),
        ("close_date", "date"),
    ],
    "activities": [
        ("id", "str"), ("subject", "str"), ("account_id", "str"), ("contact_id", "str"),
        ("owner_id", "str"), ("kind", "enum"), ("date", "date"), ("outcome", "enum"),
    ],
}

FOREIGN_KEYS: dict[str, list[str]] = {
    "managers": ["lead_id"],
    "accounts": ["parent_id", "owner_id"],
    "contacts": ["account_id"],
    "opportunities": ["account_id", "owner_id"],
    "activities": ["account_id", "contact_id", "owner_id"],
}

SQLITE_TYPES = {"str": "TEXT", "enum": "TEXT", "list": "TEXT", "date": "TEXT",
                "int": "INTEGER", "bool": "INTEGER", "money": "REAL"}
DUCKDB_TYPES = {"str": "VARCHAR", "enum": "VARCHAR", "list": "VARCHAR", "date": "DATE",
                "int": "BIGINT", "bool": "BOOLEAN", "money": "DECIMAL(18,2)"}


def q_ident(name: str) -> str:
    """Quote an SQL identifier (columns such as `date` and `type` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def norm_header(h: str) -> str:
    """SPEC §3: headers match case-insensitively, spaces/dashes/underscores alike."""
    return re.sub(r"[ \-_]+", "_", h.strip().lower())


# --------------------------------------------------------------------------------------
# Queries


@dataclass
class Query:
    name: str
    folio: str
    sql: str          # runs unchanged on sqlite3 and DuckDB
    columns: list[str]  # output column names, in order (used to read folio's JSON objects)
    indexed: list[tuple[str, str]] = field(default_factory=list)  # (table, column) filtered/sorted


def build_queries(point_id: str) -> list[Query]:
    """The benchmark queries.  `point_id` is a real account id from the data."""
    next90_end = (TODAY + dt.timedelta(days=90)).isoformat()   # next 90 days, both ends
    stale_before = (TODAY - dt.timedelta(days=60)).isoformat()  # today - 60 days
    t = TODAY.isoformat()
    return [
        Query("point_lookup",
              f'accounts | where id = "{point_id}" | select id, name, arr',
              f"SELECT id, name, arr FROM accounts WHERE id = '{point_id}'",
              ["id", "name", "arr"], [("accounts", "id")]),
        Query("filter_count",
              'accounts | where region = "EMEA" and tier = "strategic" and health < 50 | count',
              "SELECT count(*) AS count FROM accounts "
              "WHERE region = 'EMEA' AND tier = 'strategic' AND health < 50",
              ["count"], [("accounts", "region"), ("accounts", "tier"), ("accounts", "health")]),
        Query("sort_limit",
              "accounts | sort arr desc, id | limit 10 | select id, arr",
              "SELECT id, arr FROM accounts ORDER BY arr DESC NULLS LAST, id LIMIT 10",
              ["id", "arr"], [("accounts", "arr")]),
        Query("date_range_count",
              "opportunities | where close_date in next 90 days | count",
              f"SELECT count(*) AS count FROM opportunities "
              f"WHERE close_date BETWEEN '{t}' AND '{next90_end}'",
              ["count"], [("opportunities", "close_date")]),
        Query("two_hop_path",
              'opportunities | where account.owner.region = "APAC" and stage = "negotiation" | count',
              "SELECT count(*) AS count FROM opportunities o "
              "JOIN accounts a ON a.id = o.account_id "
              "JOIN managers m ON m.id = a.owner_id "
              "WHERE m.region = 'APAC' AND o.stage = 'negotiation'",
              ["count"], [("managers", "region"), ("opportunities", "stage")]),
        Query("qbr_since",
              'activities | where kind = "qbr" and date >= 2026-01-01 | count',
              'SELECT count(*) AS count FROM activities '
              "WHERE kind = 'qbr' AND \"date\" >= '2026-01-01'",
              ["count"], [("activities", "kind"), ("activities", "date")]),
        Query("stale_champions",
              'contacts | where role = "champion" and last_contacted < today - 60 days | count',
              f"SELECT count(*) AS count FROM contacts "
              f"WHERE role = 'champion' AND last_contacted < '{stale_before}'",
              ["count"], [("contacts", "role"), ("contacts", "last_contacted")]),
        Query("open_big_deals",
              'opportunities | where amount > 100k and stage not in ("closed_won", "closed_lost") | count',
              "SELECT count(*) AS count FROM opportunities "
              "WHERE amount > 100000 AND stage NOT IN ('closed_won', 'closed_lost')",
              ["count"], [("opportunities", "amount"), ("opportunities", "stage")]),
        Query("seat_upsell",
              "accounts | where seats_used * 10 >= seats * 9 and arr - 50k > 0 | count",
              "SELECT count(*) AS count FROM accounts WHERE seats_used * 10 >= seats * 9 AND arr - 50000 > 0",
              ["count"], [("accounts", "seats_used"), ("accounts", "arr")]),
        Query("unselective_filter",
              'activities | where kind != "email" | count',
              "SELECT count(*) AS count FROM activities WHERE kind <> 'email'",
              ["count"], [("activities", "kind")]),
        Query("group_by_enum",
              "opportunities | group by stage aggregate count() as n, sum(amount) as total",
              # Summed in cents: sqlite3 keeps money as REAL, and 1.5M REAL additions drift by cents.
              "SELECT stage, count(*) AS n, sum(CAST(round(amount * 100) AS BIGINT)) / 100.0 AS total FROM opportunities "
              "GROUP BY stage ORDER BY " + declared_order("stage", STAGES),
              ["stage", "n", "total"]),
        Query("group_by_path",
              "opportunities | group by account.region aggregate count() as n",
              'SELECT a.region AS "account.region", count(*) AS n FROM opportunities o '
              "LEFT JOIN accounts a ON a.id = o.account_id "
              "GROUP BY a.region ORDER BY " + declared_order("a.region", REGIONS) + " NULLS LAST",
              ["account.region", "n"]),
        Query("exists_collection",
              'accounts | where exists(opportunities[stage = "negotiation"]) | count',
              "SELECT count(*) AS count FROM accounts a WHERE EXISTS "
              "(SELECT 1 FROM opportunities o WHERE o.account_id = a.id AND o.stage = 'negotiation')",
              ["count"], [("opportunities", "stage")]),
        Query("count_collection",
              "accounts | where count(contacts) >= 6 | count",
              "SELECT count(*) AS count FROM (SELECT account_id FROM contacts "
              "GROUP BY account_id HAVING count(*) >= 6) c JOIN accounts a ON a.id = c.account_id",
              ["count"]),
        Query("top_n",
              "opportunities | top 10 by amount | select id, amount",
              "SELECT id, amount FROM opportunities ORDER BY amount DESC NULLS LAST, id LIMIT 10",
              ["id", "amount"], [("opportunities", "amount")]),
        Query("top_per_group",
              "opportunities | top 1 by amount per account_id | where amount > 900k | count",
              "SELECT count(*) AS count FROM (SELECT account_id, max(amount) AS m FROM opportunities "
              "GROUP BY account_id) g WHERE m > 900000",
              ["count"]),
        Query("like_name",
              'accounts | where name like "%bank%" | count',
              "SELECT count(*) AS count FROM accounts WHERE lower(name) LIKE '%bank%'",
              ["count"], [("accounts", "name")]),
        Query("has_product",
              'accounts | where products has "Analytics" | count',
              "SELECT count(*) AS count FROM accounts WHERE ';' || products || ';' LIKE '%;Analytics;%'",
              ["count"], [("accounts", "products")]),
        # The forms of SPEC §4's collections of collections, hierarchies and analytic functions.
        Query("anti_join",
              'accounts | where status = "active" and not exists(opportunities[stage = "closed_won"]) | count',
              "SELECT count(*) AS count FROM accounts a WHERE a.status = 'active' AND NOT EXISTS "
              "(SELECT 1 FROM opportunities o WHERE o.account_id = a.id AND o.stage = 'closed_won')",
              ["count"], [("accounts", "status"), ("opportunities", "stage")]),
        Query("filtered_collection_count",
              'accounts | where count(contacts[role = "champion"]) >= 2 | count',
              "SELECT count(*) AS count FROM (SELECT account_id FROM contacts WHERE role = 'champion' "
              "GROUP BY account_id HAVING count(*) >= 2) c JOIN accounts a ON a.id = c.account_id",
              ["count"], [("contacts", "role")]),
        Query("collection_of_collection",
              'managers | select id, count(team.opportunities[stage = "closed_won"]) as won | sort won desc, id | limit 5',
              "SELECT m.id, coalesce(w.n, 0) AS won FROM managers m LEFT JOIN "
              "(SELECT t.lead_id, count(*) AS n FROM managers t JOIN opportunities o ON o.owner_id = t.id "
              "WHERE o.stage = 'closed_won' GROUP BY t.lead_id) w ON w.lead_id = m.id ORDER BY won DESC, m.id LIMIT 5",
              ["id", "won"]),
        Query("descendant_rollup",
              "accounts | where parent is null | select id, arr + sum(descendants.arr) as group_arr | sort group_arr desc, id | limit 5",
              "WITH RECURSIVE tree(top, id) AS (SELECT id, id FROM accounts WHERE parent_id IS NULL "
              "UNION ALL SELECT t.top, a.id FROM tree t JOIN accounts a ON a.parent_id = t.id) "
              "SELECT r.id, r.arr + coalesce(s.total, 0) AS group_arr FROM accounts r LEFT JOIN "
              "(SELECT t.top, sum(a.arr) AS total FROM tree t JOIN accounts a ON a.id = t.id WHERE t.id <> t.top GROUP BY t.top) s "
              "ON s.top = r.id WHERE r.parent_id IS NULL ORDER BY group_arr DESC, r.id LIMIT 5",
              ["id", "group_arr"]),
        Query("rank_per_group",
              'accounts | where status = "active" | select id, region, arr, rank(arr desc per region) as r | where r <= 2 | count',
              "SELECT count(*) AS count FROM (SELECT rank() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST) AS r "
              "FROM accounts WHERE status = 'active') t WHERE r <= 2",
              ["count"]),
    ]


STAGES = ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"]
REGIONS = ["AMER", "EMEA", "APAC", "LATAM"]


def declared_order(column: str, values: list[str]) -> str:
    """An ORDER BY key that sorts a picklist in its declared order, as folio does."""
    return "CASE " + column + " " + " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values)) + " END"


def sqlite_indexes() -> list[tuple[str, str, bool]]:
    """(table, column, unique): ids, every foreign key, every filtered/sorted column of
    every query (independent of --queries, so load times stay comparable)."""
    out: list[tuple[str, str, bool]] = [(e, "id", True) for e in ENTITIES]
    for e in ENTITIES:
        out += [(e, c, False) for c in FOREIGN_KEYS[e]]
    for q in build_queries("X"):
        out += [(t, c, False) for (t, c) in q.indexed]
    seen, uniq = set(), []
    for t, c, u in out:
        if (t, c) not in seen:
            seen.add((t, c))
            uniq.append((t, c, u))
    return uniq


# --------------------------------------------------------------------------------------
# Answer normalisation


def norm_value(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return float(int(v))
    if isinstance(v, (int, float, decimal.Decimal)):
        return round(float(v), 2)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [norm_value(x) for x in v]
    return str(v)


def norm_rows(rows) -> list[list]:
    return [[norm_value(v) for v in row] for row in rows]


def folio_rows(objs, columns: list[str]) -> list[list]:
    """folio's JSON array of objects → rows in `columns` order (keys case-insensitive);
    falls back to the object's own key order if a column is missing."""
    rows = []
    if not isinstance(objs, list):
        return [["<not a JSON array>", norm_value(objs) if not isinstance(objs, dict) else str(objs)]]
    for o in objs:
        if not isinstance(o, dict):
            rows.append([norm_value(o)])
            continue
        lower = {str(k).lower(): v for k, v in o.items()}
        if all(c.lower() in lower for c in columns) and len(lower) == len(columns):
            rows.append([norm_value(lower[c.lower()]) for c in columns])
        else:
            rows.append([norm_value(v) for v in o.values()])
    return rows


# --------------------------------------------------------------------------------------
# Process helpers


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_measured(cmd: list[str], stdout, stderr, timeout: float, env: dict | None = None):
    """Run `cmd`, wait, return (exit code, peak RSS in KiB, wall seconds, timed_out).
    Peak RSS is this child's own ru_maxrss (os.wait4), separate per process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env)
    state = {"timed_out": False}

    def on_timeout():
        state["timed_out"] = True
        try:
            os.kill(p.pid, signal.SIGKILL)  # our own child, not yet reaped (see below)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    try:
        # Wait without reaping, so the timer can never signal a recycled pid.
        while True:
            try:
                os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
                break
            except ChildProcessError:
                break
            except InterruptedError:
                continue
    except BaseException:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        raise
    finally:
        timer.cancel()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_maxrss, time.perf_counter() - t0, state["timed_out"]


def tail(text: str, n: int = 20) -> str:
    lines = text.rstrip().splitlines()
    return "\n".join(lines[-n:])


# --------------------------------------------------------------------------------------
# folio


LOAD_RE = re.compile(r"^load:\s*([0-9][0-9,_]*)\s+rows\s+in\s+([0-9]+(?:\.[0-9]*)?)\s*ms", re.M)
TIME_RE = re.compile(r"^time:\s*([0-9]+(?:\.[0-9]*)?)\s*ms", re.M)
# `snapshot: wrote PATH in T ms`, possibly after `the snapshot was not used (…); `.
SNAPSHOT_WROTE_RE = re.compile(r"^snapshot:.*?\bwrote (.+) in ([0-9]+(?:\.[0-9]*)?)\s*ms\s*$", re.M)
SNAPSHOT_LINE_RE = re.compile(r"^snapshot:\s*(.*)$", re.M)


def folio_env(cache: str) -> dict:
    """The environment of every folio process: XDG_CACHE_HOME always names a directory
    of this script's own, so folio's snapshot cache never reads or writes the user's."""
    return dict(os.environ, XDG_CACHE_HOME=cache)


def make_cache() -> str:
    """A fresh, empty XDG_CACHE_HOME (the caller deletes it)."""
    return tempfile.mkdtemp(prefix="folio-bench-cache-", dir="/tmp")


def parse_json_stream(text: str) -> list:
    dec = json.JSONDecoder()
    out, i, n = [], 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


def folio_once(folio: str, data: str, statements: list[str], scratch: str, timeout: float,
               cache: str, extra: tuple[str, ...] = ()):
    """One folio process running `statements`, with XDG_CACHE_HOME=`cache`.  Returns a
    dict with rc, rss, wall, load (rows, ms, from a snapshot or not), snapshot written
    (path, ms), times, answers, stderr, parse error."""
    script = ";\n".join(statements)
    out_path = os.path.join(scratch, "folio.stdout")
    err_path = os.path.join(scratch, "folio.stderr")
    cmd = [folio, "--data", data, "--today", TODAY.isoformat(), "--timer", *extra,
           "--format", "json", "-c", script]
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        rc, rss, wall, timed_out = run_measured(cmd, fo, fe, timeout, env=folio_env(cache))
    with open(out_path, encoding="utf-8", errors="replace") as f:
        out = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        err = f.read()
    res = {"rc": rc, "rss_kb": rss, "wall_s": wall, "timed_out": timed_out, "stderr": err,
           "load_rows": None, "load_ms": None, "reopened": False, "snapshot_path": None,
           "snapshot_write_ms": None, "snapshot_note": None, "times": [], "answers": [],
           "error": None}
    m = LOAD_RE.search(err)
    if m:
        res["load_rows"] = int(m.group(1).replace(",", "").replace("_", ""))
        res["load_ms"] = float(m.group(2))
        line_end = err.find("\n", m.end())
        res["reopened"] = "snapshot reopened" in err[m.start():line_end if line_end >= 0 else None]
    w = SNAPSHOT_WROTE_RE.search(err)
    if w:
        res["snapshot_path"], res["snapshot_write_ms"] = w.group(1), float(w.group(2))
    n = SNAPSHOT_LINE_RE.search(err)
    if n:
        res["snapshot_note"] = n.group(1).strip()
    res["times"] = [float(x) for x in TIME_RE.findall(err)]
    try:
        res["answers"] = parse_json_stream(out)
    except json.JSONDecodeError as e:
        res["error"] = f"stdout is not a sequence of JSON values: {e}; stdout starts {out[:200]!r}"
    if timed_out:
        res["error"] = f"timed out after {timeout:.0f} s"
    elif rc != 0:
        res["error"] = f"exit code {rc}: {tail(err, 3)}"
    elif res["error"] is None:
        if m is None:
            res["error"] = "no 'load: N rows in T ms' line on stderr"
        elif len(res["times"]) != len(statements):
            res["error"] = (f"{len(res['times'])} 'time:' lines on stderr for "
                            f"{len(statements)} statements")
        elif len(res["answers"]) != len(statements):
            res["error"] = (f"{len(res['answers'])} JSON results on stdout for "
                            f"{len(statements)} statements")
    return res


def run_folio(folio: str, data: str, queries: list[Query], runs: int, scratch: str,
              timeout: float, cache: str) -> dict:
    """The main folio run: one process, cold (`cache` is a fresh, empty XDG_CACHE_HOME, so
    the data are parsed), every query `runs` times.  It writes the snapshot into `cache`
    at the end, after the statements; the peak RSS includes that write."""
    statements = [q.folio for q in queries for _ in range(runs)]
    log(f"folio: one process, {len(statements)} statements, cold cache {cache} ...")
    r = folio_once(folio, data, statements, scratch, timeout, cache)
    result = {"load_ms": r["load_ms"], "rows": r["load_rows"], "rss_kb": r["rss_kb"],
              "wall_s": r["wall_s"], "queries": {}, "error": None, "fallback": False,
              "snapshot_path": r["snapshot_path"], "snapshot_write_ms": r["snapshot_write_ms"],
              "snapshot_note": r["snapshot_note"], "snapshot_bytes": None}
    if r["snapshot_path"] and os.path.isfile(r["snapshot_path"]):
        result["snapshot_bytes"] = os.path.getsize(r["snapshot_path"])
    if r["reopened"]:
        # Cannot happen with an empty cache; if it does, the load is not a parse.
        r["error"] = r["error"] or "the cold run reopened a snapshot instead of parsing"
    if r["error"] is None:
        for i, q in enumerate(queries):
            sl = slice(i * runs, (i + 1) * runs)
            result["queries"][q.name] = folio_query_result(q, r["times"][sl], r["answers"][sl])
        return result
    result["error"] = r["error"]
    log(f"folio: the single-process run failed: {r['error']}")
    if r["stderr"].strip():
        log("folio stderr (last lines):\n" + tail(r["stderr"], 15))
    if r["timed_out"] or r["load_ms"] is None or r["rc"] in (2, 3) or len(queries) == 1:
        # Failed before or while loading (usage or data error): every query would fail.
        for q in queries:
            result["queries"][q.name] = {"times_ms": [], "answer": None,
                                        "error": "folio run failed (see above)"}
        return result
    # A query failed: run each query in its own process so one bad query does not hide
    # the others' numbers.
    # --no-snapshot: each of these parses too, like the single run.
    log("folio: running each query in its own process (--no-snapshot)")
    result["fallback"] = True
    result["rss_kb"] = 0
    for q in queries:
        rq = folio_once(folio, data, [q.folio] * runs, scratch, timeout, cache,
                        ("--no-snapshot",))
        result["rss_kb"] = max(result["rss_kb"], rq["rss_kb"])
        if result["load_ms"] is None and rq["load_ms"] is not None:
            result["load_ms"], result["rows"] = rq["load_ms"], rq["load_rows"]
        if rq["error"] is None:
            result["queries"][q.name] = folio_query_result(q, rq["times"], rq["answers"])
        else:
            log(f"folio: {q.name} failed: {rq['error']}")
            result["queries"][q.name] = {"times_ms": rq["times"], "answer": None,
                                        "error": rq["error"], "stderr": tail(rq["stderr"])}
    return result


def run_folio_loads(folio: str, data: str, scratch: str, timeout: float, cache: str,
                    first_ms: float | None, times: int) -> dict:
    """The cold load as the median of `times` parses: the main run's (`first_ms`) and
    `times - 1` more processes that parse the files (--no-snapshot: they neither read nor
    write the snapshot) and run one small statement.  One load on this VM varies by 15%
    and more with how much memory the host has at hand, as the queries' times do; they
    are medians too."""
    res = {"load_runs_ms": [] if first_ms is None else [first_ms]}
    if first_ms is None:
        return res
    log(f"folio: {times - 1} more cold loads ...")
    # As before the reopens: the main run has just written the snapshot (GBs at 1M), and
    # its write-back should not run under the loads measured here.
    os.sync()
    for _ in range(times - 1):
        r = folio_once(folio, data, ["managers | count"], scratch, timeout, cache, ("--no-snapshot",))
        if r["error"] is not None or r["reopened"] or r["load_ms"] is None:
            log(f"folio: an extra load failed: {r['error']}")
            break
        res["load_runs_ms"].append(r["load_ms"])
    res["load_ms"] = median(res["load_runs_ms"])
    return res


def run_folio_reopen(folio: str, data: str, scratch: str, timeout: float, cache: str,
                     times: int = 3) -> dict:
    """Reopen time: `folio --timer -c "accounts | count"` on the same data and the same
    XDG_CACHE_HOME as the main run, `times` times; each must say `snapshot reopened`.
    Returns the median load ms and peak RSS, and every run's.  If the main run left no
    snapshot (it failed), the first process here parses and writes one; it is not counted."""
    log(f"folio: reopening the snapshot {times} times ...")
    # The main run has just written the snapshot (GBs at 1M): let the kernel finish writing
    # it back first, so that the reopens measure reading a snapshot, not contending with that.
    os.sync()
    res = {"reopen_ms": None, "reopen_rss_kb": None, "reopen_runs_ms": [],
           "reopen_runs_rss_kb": [], "reopen_rows": None, "reopen_primed": False,
           "reopen_error": None}
    attempts = 0
    while len(res["reopen_runs_ms"]) < times:
        attempts += 1
        r = folio_once(folio, data, ["accounts | count"], scratch, timeout, cache)
        if r["error"] is None and not r["reopened"] and attempts == 1 and r["snapshot_path"]:
            log("folio: no snapshot from the main run; this process wrote one: "
                + (r["snapshot_note"] or ""))
            res["reopen_primed"] = True
            continue
        if r["error"] is None and not r["reopened"]:
            r["error"] = ("no 'snapshot reopened' on stderr: "
                          + tail(r["stderr"], 3).replace("\n", " | "))
        if r["error"] is not None:
            res["reopen_error"] = r["error"]
            log(f"folio: reopen failed: {r['error']}")
            break
        res["reopen_runs_ms"].append(r["load_ms"])
        res["reopen_runs_rss_kb"].append(r["rss_kb"])
        res["reopen_rows"] = r["load_rows"]
    if res["reopen_runs_ms"] and res["reopen_error"] is None:
        res["reopen_ms"] = median(res["reopen_runs_ms"])
        res["reopen_rss_kb"] = median(res["reopen_runs_rss_kb"])
    return res


def folio_query_result(q: Query, times: list[float], answers: list) -> dict:
    rows = [folio_rows(a, q.columns) for a in answers]
    res = {"times_ms": times, "answer": rows[0] if rows else None, "error": None}
    if any(r != rows[0] for r in rows[1:]):
        res["error"] = "answers differ between runs: " + json.dumps(rows)[:500]
    return res


# --------------------------------------------------------------------------------------
# sqlite3 and DuckDB (each runs in a child process of this script: --_engine)


def csv_header(path: str) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), [])


def load_sqlite(con, data: str) -> dict:
    t0 = time.perf_counter()
    rows_total = 0
    for ent in ENTITIES:
        cols = SCHEMA[ent]
        con.execute(f"CREATE TABLE {ent} ("
                    + ", ".join(f"{q_ident(c)} {SQLITE_TYPES[t]}" for c, t in cols) + ")")
        path = os.path.join(data, ent + ".csv")
        if not os.path.exists(path):
            continue
        insert = (f"INSERT INTO {ent} VALUES (" + ", ".join("?" * len(cols)) + ")")
        with open(path, newline="", encoding="utf-8-sig") as f:
            rd = csv.reader(f)
            header = [norm_header(h) for h in next(rd, [])]
            pos = {h: i for i, h in enumerate(header)}
            idx = [pos.get(c) for c, _ in cols]
            if idx == list(range(len(cols))) and len(header) == len(cols):
                rows = ([v or None for v in row] for row in rd)  # '' → NULL
            else:
                def reorder(row, idx=idx):
                    return [(row[i] or None) if i is not None and i < len(row) else None
                            for i in idx]
                rows = (reorder(row) for row in rd)
            # Column affinity turns '123' / '12.5' text into INTEGER / REAL.
            con.executemany(insert, rows)
        for c, t in cols:
            if t == "bool":
                con.execute(f"UPDATE {ent} SET {q_ident(c)} = CASE lower({q_ident(c)}) "
                            "WHEN 'true' THEN 1 WHEN 'yes' THEN 1 WHEN '1' THEN 1 "
                            "WHEN 'false' THEN 0 WHEN 'no' THEN 0 WHEN '0' THEN 0 END "
                            f"WHERE {q_ident(c)} IS NOT NULL")
        rows_total += con.execute(f"SELECT count(*) FROM {ent}").fetchone()[0]
    con.commit()
    t1 = time.perf_counter()
    for t, c, unique in sqlite_indexes():
        con.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {t}_{c}_idx "
                    f"ON {t}({q_ident(c)})")
    con.execute("ANALYZE")
    con.commit()
    t2 = time.perf_counter()
    # Sanity: every numeric value must have been stored as a number.
    warnings = []
    for ent in ENTITIES:
        for c, t in SCHEMA[ent]:
            if t in ("int", "money", "bool"):
                bad = con.execute(f"SELECT count(*) FROM {ent} WHERE {q_ident(c)} IS NOT NULL "
                                  f"AND typeof({q_ident(c)}) NOT IN ('integer', 'real')"
                                  ).fetchone()[0]
                if bad:
                    warnings.append(f"sqlite3: {ent}.{c}: {bad} non-numeric values")
    return {"insert_ms": (t1 - t0) * 1e3, "index_ms": (t2 - t1) * 1e3,
            "load_ms": (t2 - t0) * 1e3, "rows": rows_total, "warnings": warnings}


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def load_duckdb(con, data: str) -> dict:
    t0 = time.perf_counter()
    rows_total = 0
    for ent in ENTITIES:
        cols = SCHEMA[ent]
        path = os.path.join(data, ent + ".csv")
        if not os.path.exists(path):
            con.execute(f"CREATE TABLE {ent} ("
                        + ", ".join(f"{q_ident(c)} {DUCKDB_TYPES[t]}" for c, t in cols) + ")")
            continue
        # read_csv maps `columns` by position: describe the file's own header, typing
        # the known columns and reading anything else (custom fields) as VARCHAR.
        types = dict((c, DUCKDB_TYPES[t]) for c, t in cols)
        header = csv_header(path)
        file_cols = [(h, types.get(norm_header(h), "VARCHAR")) for h in header]
        by_norm = {norm_header(h): h for h in header}
        struct = "{" + ", ".join(f"{sql_str(h)}: {sql_str(t)}" for h, t in file_cols) + "}"
        select = ", ".join(
            (f"{q_ident(by_norm[c])} AS {q_ident(c)}" if c in by_norm
             else f"CAST(NULL AS {DUCKDB_TYPES[t]}) AS {q_ident(c)}")
            for c, t in cols)
        con.execute(
            f"CREATE TABLE {ent} AS SELECT {select} FROM read_csv({sql_str(path)}, "
            f"header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', dateformat = '%Y-%m-%d', columns = {struct})")
        rows_total += con.execute(f"SELECT count(*) FROM {ent}").fetchone()[0]
    t1 = time.perf_counter()
    return {"insert_ms": (t1 - t0) * 1e3, "index_ms": 0.0, "load_ms": (t1 - t0) * 1e3,
            "rows": rows_total, "warnings": []}


def engine_child(engine: str, spec_path: str, result_path: str) -> int:
    with open(spec_path) as f:
        spec = json.load(f)
    if engine == "sqlite":
        import sqlite3
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        con = sqlite3.connect(":memory:")
        load = load_sqlite(con, spec["data"])
        version = sqlite3.sqlite_version
    else:
        import duckdb
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        con = duckdb.connect()
        load = load_duckdb(con, spec["data"])
        version = duckdb.__version__
    log(f"{engine}: loaded {load['rows']} rows in {load['load_ms']:.1f} ms")
    queries = {}
    for q in spec["queries"]:
        times, answer, error = [], None, None
        try:
            for _ in range(spec["runs"]):
                t0 = time.perf_counter()
                rows = con.execute(q["sql"]).fetchall()
                times.append((time.perf_counter() - t0) * 1e3)
                if answer is None:
                    answer = norm_rows(rows)
        except Exception as e:  # report and go on with the other queries
            error = f"{type(e).__name__}: {e}"
        queries[q["name"]] = {"times_ms": times, "answer": answer, "error": error}
    result = {"version": version, "baseline_rss_kb": baseline, "queries": queries, **load}
    with open(result_path, "w") as f:
        json.dump(result, f)
    return 0


def run_engine(engine: str, data: str, queries: list[Query], runs: int, scratch: str,
               timeout: float) -> dict:
    spec_path = os.path.join(scratch, f"{engine}.spec.json")
    result_path = os.path.join(scratch, f"{engine}.result.json")
    with open(spec_path, "w") as f:
        json.dump({"data": data, "runs": runs,
                   "queries": [{"name": q.name, "sql": q.sql} for q in queries]}, f)
    if os.path.exists(result_path):
        os.remove(result_path)
    log(f"{engine}: loading and running {len(queries)} queries x {runs} in a child process ...")
    cmd = [sys.executable, os.path.abspath(__file__), "--_engine", engine,
           "--_spec", spec_path, "--_result", result_path]
    rc, rss, wall, timed_out = run_measured(cmd, None, None, timeout)
    if rc != 0 or not os.path.exists(result_path):
        why = f"timed out after {timeout:.0f} s" if timed_out else f"exit code {rc}"
        return {"error": f"{engine} child process failed ({why})", "queries": {},
                "rss_kb": rss, "wall_s": wall, "load_ms": None, "rows": None}
    with open(result_path) as f:
        res = json.load(f)
    res.update({"rss_kb": rss, "wall_s": wall, "error": None})
    return res


# --------------------------------------------------------------------------------------
# Main


ENGINES = ["folio", "sqlite", "duckdb"]
LABEL = {"folio": "folio", "sqlite": "sqlite3", "duckdb": "duckdb"}


def median(xs):
    return statistics.median(xs) if xs else None


def fmt_ms(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 1000 else f"{v:.1f}"


def fmt_ratio(a, b) -> str:
    if a is None or b is None:
        return "-"
    if b == 0:
        return "inf"
    r = a / b
    if r < 0.01:
        return f"{r:.3f}x"  # keep two significant digits: 0.0013 is not 0.00
    return f"{r:.2f}x" if r < 100 else f"{r:.0f}x"


def fmt_mb(kb) -> str:
    return "-" if kb is None else f"{kb / 1024:.1f}"


def middle_account_id(path: str) -> tuple[str, int]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rd = csv.reader(f)
        header = [norm_header(h) for h in next(rd)]
        i = header.index("id")
        ids = [row[i] for row in rd if len(row) > i and row[i]]
    if not ids:
        raise SystemExit(f"no accounts in {path}")
    return ids[len(ids) // 2], len(ids)


def resolve_folio(path: str) -> str | None:
    cands = [path]
    if not os.path.isabs(path):
        repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        cands.append(os.path.join(repo, path))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    return None


DEFAULT_SIZES = "100000,1000000"
LOAD_RUNS = 3  # cold loads (parses) per size; the median is reported
REOPEN_RUNS = 3
TARGET_FLOOR_MS = 0.5


def parse_sizes(text: str) -> list[int]:
    """`100000,1000000` (also `100k,1m`) → [100000, 1000000], in the order given."""
    sizes: list[int] = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        m = re.fullmatch(r"([0-9]+)([kKmM]?)", part)
        if not m:
            raise ValueError(f"not a number of accounts: {part!r}")
        n = int(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()]
        if n < 1:
            raise ValueError("--accounts must be at least 1")
        if n not in sizes:
            sizes.append(n)
    if not sizes:
        raise ValueError("--accounts names no size")
    return sizes


def query_target(med: dict, engines: list[str]):
    """(target ms, meets): target = max(0.5 ms, min(sqlite3 ms, duckdb ms) / 2), from the
    engines that ran and answered; meets = folio's median is at most the target."""
    others = [med[e] for e in ("sqlite", "duckdb") if e in engines and med.get(e) is not None]
    if "folio" not in engines or not others:
        return None, None
    target = max(TARGET_FLOOR_MS, min(others) / 2)
    return target, (None if med.get("folio") is None else med["folio"] <= target)


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark folio against sqlite3 and DuckDB on generated portfolios.")
    ap.add_argument("--accounts", metavar="N[,N...]",
                    help="accounts to generate: a number or a comma-separated list of them, "
                         "each benchmarked in turn with its own data and tables (default "
                         f"{DEFAULT_SIZES}; 100k and 1m also work)")
    ap.add_argument("--runs", type=int, default=5, help="runs per query; the median is reported")
    ap.add_argument("--folio", default=".build/release/folio",
                    help="folio binary (default .build/release/folio, relative to the "
                         "current directory or the repository root)")
    ap.add_argument("--data", metavar="DIR",
                    help="the data directory of a single size: reused if it already holds "
                         "accounts.csv (then --accounts may be left out), else generated "
                         "there with --accounts N")
    ap.add_argument("--data-root", metavar="DIR",
                    help="a directory with one data directory per size, DIR/accounts-N, "
                         "each reused if it already holds accounts.csv, else generated "
                         "(default: a temporary directory under /tmp, deleted at the end "
                         "unless --keep)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary data directory (reuse it with --data-root)")
    ap.add_argument("--regenerate", action="store_true",
                    help="run `folio generate` even if the data directory already holds "
                         "accounts.csv")
    ap.add_argument("--queries", help="only the queries whose name contains this substring "
                    "(if no name does: whose folio text does)")
    ap.add_argument("--engines", default="folio,sqlite,duckdb",
                    help="comma-separated subset of folio,sqlite,duckdb (default: all)")
    ap.add_argument("--timeout", type=float, default=7200,
                    help="seconds allowed per engine process (default 7200)")
    ap.add_argument("--json-out", metavar="FILE",
                    help="also write the results as JSON to this file")
    ap.add_argument("--_engine", help=argparse.SUPPRESS)
    ap.add_argument("--_spec", help=argparse.SUPPRESS)
    ap.add_argument("--_result", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._engine:
        return engine_child(args._engine, args._spec, args._result)

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r} (choose from {', '.join(ENGINES)})")
    if not engines:
        ap.error("--engines names no engine")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.data and args.data_root:
        ap.error("--data and --data-root exclude each other")
    sizes: list[int | None]
    try:
        if args.data and args.accounts is None:
            sizes = [None]  # whatever DIR holds
        else:
            sizes = list(parse_sizes(args.accounts or DEFAULT_SIZES))
    except ValueError as e:
        ap.error(str(e))
    if args.data and len(sizes) > 1:
        ap.error(f"--data DIR holds a single portfolio, but --accounts names {len(sizes)} "
                 "sizes: give one (--accounts N), or use --data-root DIR, which holds one "
                 "directory per size")

    folio = resolve_folio(args.folio)
    scratch = tempfile.mkdtemp(prefix="folio-bench-scratch-", dir="/tmp")
    temp_base = None
    if args.data:
        dirs = [os.path.abspath(args.data)]
    else:
        if args.data_root:
            root = os.path.abspath(args.data_root)
            os.makedirs(root, exist_ok=True)
        else:
            temp_base = root = tempfile.mkdtemp(prefix="folio-bench-", dir="/tmp")
        dirs = [os.path.join(root, f"accounts-{n}") for n in sizes]
    t0 = time.perf_counter()
    reports: list[dict] = []
    status = 0
    try:
        for n, data in zip(sizes, dirs):
            code, report = bench(args, engines, folio, n, data, scratch)
            status = max(status, code)
            if report is not None:
                reports.append(report)
            if code == 2:
                break
        total_s = time.perf_counter() - t0
        if reports:
            print_summary(reports, engines, total_s)
        if args.json_out and reports:
            doc = {
                "sizes": [r["json"] for r in reports], "ok": status == 0, "total_s": total_s,
                "platform": {"python": platform.python_version(), "machine": platform.machine(),
                             "system": platform.platform(), "cpus": os.cpu_count()},
            }
            with open(args.json_out, "w") as f:
                json.dump(doc, f, indent=2)
            log(f"results written to {args.json_out}")
        return status
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if temp_base:
            if args.keep:
                log(f"data kept in {temp_base} (reuse it with --data-root {temp_base})")
            else:
                shutil.rmtree(temp_base, ignore_errors=True)


def print_summary(reports: list[dict], engines: list[str], total_s: float) -> None:
    """The last lines: per size, how many queries meet the target, and whether all agree."""
    took = f"{total_s:.0f} s" if total_s < 120 else f"{total_s / 60:.1f} min"
    print(f"\nsummary ({took} in all)")
    for r in reports:
        parts = [f"{r['accounts']:>9} accounts:"]
        if r["targets"] is not None:
            met, total, misses = r["targets"]
            parts.append(f"folio meets the target on {met} of {total} queries"
                         + (f" (not: {', '.join(misses)})" if misses else ""))
        parts.append(f"answers agree on {r['agree']} of {r['queries']}")
        if r["failed"]:
            parts.append("FAILED")
        print(" ".join(parts[:1]) + " " + "; ".join(parts[1:]))


def bench(args, engines: list[str], folio: str | None, size: int | None, data: str,
          scratch: str) -> tuple[int, dict | None]:
    """One size: generate or reuse `data`, run every engine, print the tables.
    Returns (exit status, report for the summary and JSON, or None)."""
    need_generate = args.regenerate or not os.path.exists(os.path.join(data, "accounts.csv"))
    if ("folio" in engines or need_generate) and folio is None:
        log(f"error: folio binary not found at {args.folio} "
            "(build it with `swift build -c release`, or pass --folio PATH)")
        return 2, None
    if need_generate and size is None:
        log(f"error: {data} holds no accounts.csv; give --accounts N to generate N accounts there")
        return 2, None
    log(f"=== {size if size is not None else 'the'} accounts in {data}")
    gen_s = None
    if need_generate:
        log(f"generating {size} accounts into {data} ...")
        t0 = time.perf_counter()
        p = subprocess.run([folio, "generate", "--accounts", str(size),
                            "--seed", str(SEED), "--out", data],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           env=folio_env(os.path.join(scratch, "generate-cache")))
        gen_s = time.perf_counter() - t0
        if p.returncode != 0:
            log(f"error: folio generate failed (exit {p.returncode}):\n{tail(p.stderr)}")
            return 2, None
        log(f"generated in {gen_s:.1f} s")
    else:
        log(f"reusing the data in {data} (--regenerate to replace it)")
    missing = [e for e in ENTITIES if not os.path.exists(os.path.join(data, e + ".csv"))]
    if missing:
        log(f"warning: missing entity files (treated as empty): {', '.join(missing)}")
    for ent in ENTITIES:
        path = os.path.join(data, ent + ".csv")
        if os.path.exists(path):
            want = [c for c, _ in SCHEMA[ent]]
            got = [norm_header(h) for h in csv_header(path)]
            if got != want:
                log(f"note: {ent}.csv columns {got} differ from the expected {want}; "
                    "sqlite3/DuckDB load them by name")

    csv_bytes = {e: os.path.getsize(os.path.join(data, e + ".csv"))
                 for e in ENTITIES if os.path.exists(os.path.join(data, e + ".csv"))}
    point_id, n_accounts = middle_account_id(os.path.join(data, "accounts.csv"))
    if size is not None and n_accounts != size:
        log(f"note: {data} holds {n_accounts} accounts, not {size} (--regenerate to replace it)")
    queries = build_queries(point_id)
    if args.queries:
        s = args.queries.lower()
        by_name = [q for q in queries if s in q.name.lower()]
        queries = by_name or [q for q in queries if s in q.folio.lower()]
        if not queries:
            log(f"error: no query matches {args.queries!r}")
            return 2, None

    results: dict[str, dict] = {}
    for e in engines:
        if e == "folio":
            # A fresh, empty cache: the timed run parses the files (a cold load) and writes
            # the snapshot there; the reopen runs read it; then it is deleted.
            cache = make_cache()
            try:
                results[e] = run_folio(folio, data, queries, args.runs, scratch, args.timeout,
                                       cache)
                results[e].update(run_folio_loads(folio, data, scratch, args.timeout, cache,
                                                  results[e]["load_ms"], LOAD_RUNS))
                results[e].update(run_folio_reopen(folio, data, scratch, args.timeout, cache,
                                                   REOPEN_RUNS))
            finally:
                shutil.rmtree(cache, ignore_errors=True)
        else:
            results[e] = run_engine(e, data, queries, args.runs, scratch, args.timeout)
        if results[e].get("error"):
            log(f"{LABEL[e]}: {results[e]['error']}")

    # ---- compare answers
    failed = False
    table = []
    mismatches = []
    for q in queries:
        per = {e: results[e]["queries"].get(q.name, {}) for e in engines}
        answers = {e: per[e].get("answer") for e in engines}
        errors = {e: per[e].get("error") for e in engines if per[e].get("error")}
        if not per_ok(per, engines):
            errors.update({e: results[e].get("error") or "no result"
                           for e in engines if q.name not in results[e]["queries"]})
        distinct = {json.dumps(a) for a in answers.values()}
        agree = not errors and len(distinct) == 1 and None not in answers.values()
        if len(engines) == 1:
            agree = not errors
        if not agree:
            failed = True
            mismatches.append((q, answers, errors))
        med = {e: median(per[e].get("times_ms") or []) for e in engines}
        target, meets = query_target(med, engines)
        table.append((q, med, target, meets, agree))

    for q, answers, errors in mismatches:
        print(f"\nMISMATCH in {q.name}:")
        print(f"  folio: {q.folio}")
        print(f"  SQL:   {q.sql}")
        for e in engines:
            print(f"  {LABEL[e]:8} {json.dumps(answers[e])}"
                  + (f"   error: {errors[e]}" if e in errors else ""))

    # ---- report
    total_csv = sum(csv_bytes.values())
    has_target = "folio" in engines and any(e in engines for e in ("sqlite", "duckdb"))
    print(f"\nfolio benchmark: {n_accounts} accounts, {args.runs} runs per query "
          f"(median), today {TODAY}, point id {point_id}")
    cols = ["query"] + [f"{LABEL[e]} ms" for e in engines]
    if "folio" in engines:
        cols += [f"folio/{LABEL[e]}" for e in engines if e != "folio"]
    if has_target:
        cols += ["target ms", "meets"]
    cols += ["agree"]
    lines = []
    for q, med, target, meets, agree in table:
        row = [q.name] + [fmt_ms(med[e]) for e in engines]
        if "folio" in engines:
            row += [fmt_ratio(med["folio"], med[e]) for e in engines if e != "folio"]
        if has_target:
            row += [fmt_ms(target), "-" if meets is None else ("yes" if meets else "no")]
        row += ["yes" if agree else "NO"]
        lines.append(row)
    widths = [max(len(str(r[i])) for r in [cols] + lines) for i in range(len(cols))]
    def prow(r):
        print("  ".join(str(v).ljust(widths[0]) if i == 0 else str(v).rjust(widths[i])
                        for i, v in enumerate(r)))
    prow(cols)
    prow(["-" * w for w in widths])
    for r in lines:
        prow(r)
    targets = None
    if has_target:
        with_target = [(q, meets) for q, _, target, meets, _ in table if target is not None]
        misses = [q.name for q, meets in with_target if not meets]
        targets = (len(with_target) - len(misses), len(with_target), misses)
        basis = [f"{LABEL[e]} ms" for e in ("sqlite", "duckdb") if e in engines]
        basis_text = (f"min({', '.join(basis)}) / 2" if len(basis) > 1
                      else f"{basis[0]} / 2, the only other engine in this run")
        print(f"target ms = max({TARGET_FLOOR_MS}, {basis_text}): folio meets it on "
              f"{targets[0]} of {targets[1]} queries")

    print()
    cores = os.cpu_count() or 1
    hdr = ["engine", "load ms", f"rows/s/core ({cores})", "reopen ms", "load/reopen", "rows", "peak RSS MB",
           "reopen RSS MB", "CSV MB", "RSS/CSV", "notes"]
    erows = []
    for e in engines:
        r = results[e]
        notes = []
        if e == "sqlite" and r.get("insert_ms") is not None:
            notes.append(f"insert {fmt_ms(r['insert_ms'])} ms + indexes/ANALYZE "
                         f"{fmt_ms(r['index_ms'])} ms")
        if e in ("sqlite", "duckdb") and r.get("baseline_rss_kb"):
            notes.append(f"Python+module baseline {fmt_mb(r['baseline_rss_kb'])} MB")
        if r.get("version"):
            notes.append(f"v{r['version']}")
        if e == "folio":
            runs = r.get("load_runs_ms") or []
            notes.append("cold load (empty cache)" if len(runs) < 2 else
                         f"cold load: median of {len(runs)} parses ("
                         + ", ".join(fmt_ms(x) for x in runs) + " ms)")
            if r.get("snapshot_write_ms") is not None:
                size_mb = ("" if r.get("snapshot_bytes") is None
                           else f"{r['snapshot_bytes'] / 2**20:.1f} MB ")
                notes.append(f"snapshot {size_mb}written in {fmt_ms(r['snapshot_write_ms'])} ms "
                             "after the statements (in peak RSS)")
            elif r.get("snapshot_note"):
                notes.append(f"snapshot: {r['snapshot_note']}")
            if r.get("reopen_runs_ms"):
                notes.append(f"reopen: median of {len(r['reopen_runs_ms'])} ("
                             + ", ".join(fmt_ms(x) for x in r["reopen_runs_ms"]) + " ms)")
            if r.get("reopen_primed"):
                notes.append("the main run left no snapshot: an extra run wrote it")
            if r.get("reopen_error"):
                notes.append("REOPEN ERROR")
            if r.get("fallback"):
                notes.append("one process per query (single run failed)")
        if r.get("error"):
            notes.append("ERROR")
        rss = r.get("rss_kb")
        per_core = ("-" if not r.get("rows") or not r.get("load_ms")
                    else f"{r['rows'] / (r['load_ms'] / 1e3) / cores / 1e6:.2f}M")
        erows.append([LABEL[e], fmt_ms(r.get("load_ms")), per_core, fmt_ms(r.get("reopen_ms")),
                      fmt_ratio(r.get("load_ms"), r.get("reopen_ms")),
                      "-" if r.get("rows") is None else str(r["rows"]),
                      fmt_mb(rss), fmt_mb(r.get("reopen_rss_kb")),
                      f"{total_csv / 2**20:.1f}",
                      "-" if not rss or not total_csv else f"{rss * 1024 / total_csv:.2f}",
                      "; ".join(notes)])
    widths = [max(len(x[i]) for x in [hdr] + erows) for i in range(len(hdr))]
    last = len(hdr) - 1
    for x in [hdr, ["-" * w for w in widths]] + erows:
        print("  ".join(v.ljust(widths[i]) if i in (0, last) else v.rjust(widths[i])
                        for i, v in enumerate(x)).rstrip())
    print(f"\nCSV total size: {total_csv / 2**20:.1f} MB ({len(csv_bytes)} files: "
          + ", ".join(f"{e} {b / 2**20:.1f} MB" for e, b in csv_bytes.items())
          + "; MB = 2^20 bytes)")
    if gen_s is not None:
        print(f"folio generate: {gen_s:.1f} s")

    row_counts = {e: results[e].get("rows") for e in engines if results[e].get("rows") is not None}
    if len(set(row_counts.values())) > 1:
        print("WARNING: engines loaded different row counts: "
              + ", ".join(f"{LABEL[e]} {n}" for e, n in row_counts.items()))
        failed = True
    if "folio" in engines:
        fr = results["folio"]
        if fr.get("reopen_error"):
            print(f"WARNING: folio reopen: {fr['reopen_error']}")
            failed = True
        elif fr.get("reopen_rows") is not None and fr["reopen_rows"] != fr.get("rows"):
            print(f"WARNING: folio reopened {fr['reopen_rows']} rows from the snapshot, "
                  f"parsed {fr.get('rows')}")
            failed = True
    for e in engines:
        for w in results[e].get("warnings", []) or []:
            print(f"WARNING: {w}")
            failed = True
    if failed:
        print(f"\nFAILED ({n_accounts} accounts): answers disagree or an engine failed "
              "(see above)")

    doc = {
        "accounts": n_accounts, "runs": args.runs, "today": TODAY.isoformat(),
        "seed": SEED, "point_id": point_id, "data": data,
        "csv_bytes": csv_bytes, "csv_total_bytes": total_csv, "generate_s": gen_s,
        "engines": {
            e: {k: v for k, v in results[e].items() if k != "queries"} for e in engines},
        "queries": [
            {"name": q.name, "folio": q.folio, "sql": q.sql, "agree": agree,
             "target_ms": target, "meets_target": meets,
             "results": {e: {"median_ms": med[e], **results[e]["queries"].get(q.name, {})}
                         for e in engines}}
            for q, med, target, meets, agree in table],
        "targets_met": None if targets is None else targets[0],
        "targets_total": None if targets is None else targets[1],
        "ok": not failed,
    }
    report = {"accounts": n_accounts, "targets": targets, "queries": len(table),
              "agree": sum(1 for *_, agree in table if agree), "failed": failed, "json": doc}
    return (1 if failed else 0), report


def per_ok(per: dict, engines: list[str]) -> bool:
    return all(per[e] for e in engines)


if __name__ == "__main__":
    sys.exit(main())
