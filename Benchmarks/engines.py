#!/usr/bin/env python3
"""folio on PostgreSQL, measured (SPEC §8, issue 13): the same questions in memory, on
PostgreSQL through `folio --engine`, as the SQL folio writes run in psql, and as SQL written
by hand run in psql; and `folio push` against `psql -f schema.sql` (\\copy of the CSV files
`folio export` writes, the same tables and indexes).

    python3 Benchmarks/engines.py --data DIR --postgres CONNINFO [--folio .build/release/folio] [--runs 5]

DIR is a generated portfolio (`folio generate --accounts 1000000 --seed 7 --out DIR`).
Each time is the median of --runs runs, after one warm-up run, in one process per engine
(folio's `--timer`, psql's `\\timing`). The database named by CONNINFO receives folio's
tables; a second database `folio_copy` on the same server receives the \\copy baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TODAY = "2026-06-15"

# (name, folio query, the SQL a person would write for PostgreSQL on the pushed tables)
QUESTIONS: list[tuple[str, str, str]] = [
    ("point_lookup", 'accounts | where id = "A0500000" | select id, name, arr',
     # folio's = on text is without regard to case; so is the SQL that asks the same.
     "SELECT id, name, arr FROM accounts WHERE lower(id) = lower('A0500000')"),
    ("filter_count", 'accounts | where region = "EMEA" and tier = "strategic" and health < 50 | count',
     "SELECT count(*) FROM accounts WHERE region = 'EMEA' AND tier = 'strategic' AND health < 50"),
    ("sort_limit", "accounts | sort arr desc | limit 10 | select id, arr",
     "SELECT id, arr FROM accounts ORDER BY arr DESC NULLS LAST, folio_row LIMIT 10"),
    ("date_range_count", "opportunities | where close_date in next 90 days | count",
     f"SELECT count(*) FROM opportunities WHERE close_date BETWEEN DATE '{TODAY}' AND DATE '{TODAY}' + 90"),
    ("two_hop_path", 'opportunities | where account.owner.region = "APAC" and stage = "negotiation" | count',
     "SELECT count(*) FROM opportunities o JOIN accounts a ON a.id = o.account_id JOIN managers m ON m.id = a.owner_id "
     "WHERE m.region = 'APAC' AND o.stage = 'negotiation'"),
    ("group_by_enum", "opportunities | group by stage aggregate count() as n, sum(amount) as total",
     "SELECT stage, count(*) AS n, COALESCE(sum(amount), 0) AS total FROM opportunities GROUP BY stage "
     "ORDER BY CASE stage WHEN 'prospecting' THEN 0 WHEN 'qualification' THEN 1 WHEN 'proposal' THEN 2 "
     "WHEN 'negotiation' THEN 3 WHEN 'closed_won' THEN 4 WHEN 'closed_lost' THEN 5 END"),
    ("group_by_path", "opportunities | group by account.region aggregate count() as n",
     "SELECT a.region, count(*) AS n FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id GROUP BY a.region "
     "ORDER BY CASE a.region WHEN 'AMER' THEN 0 WHEN 'EMEA' THEN 1 WHEN 'APAC' THEN 2 WHEN 'LATAM' THEN 3 END NULLS LAST"),
    ("exists_collection", 'accounts | where exists(opportunities[stage = "negotiation"]) | count',
     "SELECT count(*) FROM accounts a WHERE EXISTS (SELECT 1 FROM opportunities o WHERE o.account_id = a.id AND o.stage = 'negotiation')"),
    ("count_collection", "accounts | where count(contacts) >= 6 | count",
     "SELECT count(*) FROM accounts a JOIN (SELECT account_id, count(*) AS n FROM contacts GROUP BY account_id) c "
     "ON c.account_id = a.id WHERE c.n >= 6"),
    ("anti_join_whitespace", 'accounts | where status = "active" and not exists(opportunities[type = "upsell"]) | count',
     "SELECT count(*) FROM accounts a WHERE a.status = 'active' AND NOT EXISTS "
     "(SELECT 1 FROM opportunities o WHERE o.account_id = a.id AND o.type = 'upsell')"),
    ("top_per_group", "accounts | top 3 by arr per region | select region, name, arr",
     "SELECT region, name, arr FROM (SELECT region, name, arr, row_number() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST, folio_row) AS rn "
     "FROM accounts) t WHERE rn <= 3 ORDER BY CASE region WHEN 'AMER' THEN 0 WHEN 'EMEA' THEN 1 WHEN 'APAC' THEN 2 WHEN 'LATAM' THEN 3 END NULLS LAST, rn"),
    ("coll_of_coll", 'managers | select name, count(accounts.opportunities[stage = "closed_won"]) as won | sort won desc | limit 5',
     "SELECT m.name, COALESCE(w.n, 0) AS won FROM managers m LEFT JOIN (SELECT a.owner_id, count(*) AS n FROM accounts a "
     "JOIN opportunities o ON o.account_id = a.id WHERE o.stage = 'closed_won' GROUP BY a.owner_id) w ON w.owner_id = m.id "
     "ORDER BY won DESC, m.folio_row LIMIT 5"),
    ("descendant_rollup", "accounts | where parent is null | select name, sum(descendants.arr) as group_arr | sort group_arr desc | limit 5",
     "WITH RECURSIVE tree AS (SELECT id AS top, id FROM accounts WHERE parent_id IS NULL "
     "UNION ALL SELECT t.top, a.id FROM tree t JOIN accounts a ON a.parent_id = t.id) "
     "SELECT r.name, COALESCE(s.total, 0) AS group_arr FROM accounts r LEFT JOIN (SELECT t.top, sum(a.arr) AS total FROM tree t "
     "JOIN accounts a ON a.id = t.id WHERE t.id <> t.top GROUP BY t.top) s ON s.top = r.id WHERE r.parent_id IS NULL "
     "ORDER BY group_arr DESC, r.folio_row LIMIT 5"),
    ("rank_per_group", 'accounts | where status = "active" | select name, region, arr, rank(arr desc per region) as r | where r <= 2 | count',
     "SELECT count(*) FROM (SELECT name, region, arr, rank() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST) AS r "
     "FROM accounts WHERE status = 'active') t WHERE r <= 2"),
    ("like_name", 'accounts | where name like "%bank%" | count',
     "SELECT count(*) FROM accounts WHERE name ILIKE '%bank%'"),
    ("has_product", 'accounts | where products has "Analytics" | count',
     "SELECT count(*) FROM accounts a WHERE EXISTS (SELECT 1 FROM accounts_products p WHERE p.id = a.id AND lower(p.value) = lower('Analytics'))"),
]


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def folio_times(folio: str, base: list[str], queries: list[str], runs: int) -> list[float]:
    """Per query, the median of `runs` timings (after a warm-up), from one folio process."""
    script = []
    for q in queries:
        script += [q] * (runs + 1)
    p = subprocess.run(base + ["--timer", "--format", "csv", "-c", " ;\n".join(script)], capture_output=True, text=True, timeout=7200)
    if p.returncode != 0:
        raise SystemExit(f"folio failed: {p.stderr[-2000:]}")
    times = [float(m) for m in re.findall(r"^time: ([0-9.]+) ms", p.stderr, flags=re.M)]
    out = []
    for i in range(len(queries)):
        chunk = times[i * (runs + 1):(i + 1) * (runs + 1)]
        out.append(median(chunk[1:]))
    return out


def psql_times(conninfo: str, statements: list[str], runs: int) -> list[float]:
    """Per statement, the median of psql's \\timing over `runs` runs after a warm-up."""
    lines = ["\\o /dev/null", "\\timing on"]
    for s in statements:
        lines += [s.rstrip().rstrip(";") + ";"] * (runs + 1)
    p = subprocess.run(["psql", conninfo, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=7200)
    if p.returncode != 0:
        raise SystemExit(f"psql failed: {p.stderr[-2000:]}")
    times = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", p.stdout, flags=re.M)]
    return [median(times[i * (runs + 1) + 1:(i + 1) * (runs + 1)]) for i in range(len(statements))]


def folio_sql(folio: str, conninfo: str, query: str) -> str:
    import json
    p = subprocess.run([folio, "--engine", conninfo, "sql", query, "--format", "json"], capture_output=True, text=True)
    line = json.loads(p.stdout.splitlines()[-1])
    if "error" in line:
        raise SystemExit(line["error"])
    return line["sql"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--folio", default=".build/release/folio")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-push", action="store_true")
    args = ap.parse_args()
    folio = os.path.abspath(args.folio)

    if not args.skip_push:
        # Load once so that the push below reads the snapshot, as a second push would.
        subprocess.run([folio, "--data", args.data, "-c", "managers | count"], capture_output=True, check=True)
        started = time.monotonic()
        p = subprocess.run([folio, "--data", args.data, "push", args.postgres], capture_output=True, text=True)
        wall = time.monotonic() - started
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        pushed = re.search(r"in ([0-9.,]+) ms", p.stderr.splitlines()[-1])
        push_ms = float(pushed.group(1).replace(",", "")) if pushed else wall * 1000
        print(p.stderr.strip())
        # The baseline: the same tables from the CSV files folio export writes, with \copy.
        out = tempfile.mkdtemp(prefix="folio-engines-")
        try:
            subprocess.run([folio, "--data", args.data, "export", "--dialect", "postgres", "--out", out, "--force"], check=True, capture_output=True)
            subprocess.run(["psql", args.postgres, "-Xqc", "DROP DATABASE IF EXISTS folio_copy"], check=True, capture_output=True)
            subprocess.run(["psql", args.postgres, "-Xqc", "CREATE DATABASE folio_copy"], check=True, capture_output=True)
            copy_target = re.sub(r"dbname=\S+", "dbname=folio_copy", args.postgres) if "dbname=" in args.postgres else args.postgres + " dbname=folio_copy"
            started = time.monotonic()
            subprocess.run(["psql", copy_target, "-Xq", "-v", "ON_ERROR_STOP=1", "-f", "schema.sql"], cwd=out, check=True, capture_output=True)
            copy_ms = (time.monotonic() - started) * 1000
            subprocess.run(["psql", args.postgres, "-Xqc", "DROP DATABASE folio_copy"], capture_output=True)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print(f"\npush (tables, COPY, indexes, ANALYZE): {push_ms / 1000:.1f} s; "
              f"psql -f schema.sql (the same with \\copy of exported CSV): {copy_ms / 1000:.1f} s; ratio {push_ms / copy_ms:.2f}")

    names = [q[0] for q in QUESTIONS]
    folio_queries = [q[1] for q in QUESTIONS]
    hand = [q[2] for q in QUESTIONS]
    compiled = [folio_sql(folio, args.postgres, q) for q in folio_queries]
    memory = folio_times(folio, [folio, "--data", args.data, "--today", TODAY], folio_queries, args.runs)
    engine = folio_times(folio, [folio, "--engine", args.postgres, "--today", TODAY], folio_queries, args.runs)
    written = psql_times(args.postgres, compiled, args.runs)
    by_hand = psql_times(args.postgres, hand, args.runs)
    print(f"\n{'question':22} {'in memory':>10} {'folio→PG':>10} {'folio SQL':>10} {'hand SQL':>10} {'folio/hand':>10}")
    worst = 0.0
    for i, n in enumerate(names):
        ratio = written[i] / by_hand[i] if by_hand[i] > 0 else float("nan")
        worst = max(worst, ratio)
        print(f"{n:22} {memory[i]:>9.2f}  {engine[i]:>9.2f}  {written[i]:>9.2f}  {by_hand[i]:>9.2f}  {ratio:>9.2f}")
    print(f"\n(milliseconds, medians of {args.runs}; the SQL folio writes is at worst {worst:.2f}× the hand-written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
