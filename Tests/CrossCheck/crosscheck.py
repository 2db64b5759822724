#!/usr/bin/env python3
"""Cross-check folio against DuckDB, in the spirit of SQLite's sqllogictest.

Every case is a folio query and the SQL that SPEC §4 says is equivalent. The
sample portfolio (Samples/portfolio) is loaded into an in-memory DuckDB with
explicit column types; folio runs the queries (batched into as few processes as
possible, --format json) and the answers are compared value by value.

    python3 Tests/CrossCheck/crosscheck.py [--folio PATH] [--data DIR] [-k TEXT] [-v]

Prints every mismatching case (folio query, SQL, both answers) and a final line
`N passed, M failed`; exits 1 if any case failed. See README.md beside this file
for the semantics mirrored in the SQL.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import decimal
import errno
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import duckdb

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The sample's folio.json: {"as_of": "2026-06-15", "fiscal_year_start": 2}. The loader
# below reads it and refuses to run if it ever changes (the cases are written for it).
TODAY = dt.date(2026, 6, 15)
FY_START = 2

# ---------------------------------------------------------------------------------
# Schema (SPEC §2): DuckDB column types, and enums in declared order.
# ---------------------------------------------------------------------------------

MONEY = "DECIMAL(18,2)"

TABLES: dict[str, list[tuple[str, str]]] = {
    "managers": [
        ("id", "VARCHAR"), ("name", "VARCHAR"), ("email", "VARCHAR"), ("role", "VARCHAR"),
        ("level", "VARCHAR"), ("region", "VARCHAR"), ("lead_id", "VARCHAR"), ("quota", MONEY),
    ],
    "accounts": [
        ("id", "VARCHAR"), ("name", "VARCHAR"), ("parent_id", "VARCHAR"), ("owner_id", "VARCHAR"),
        ("industry", "VARCHAR"), ("tier", "VARCHAR"), ("region", "VARCHAR"), ("country", "VARCHAR"),
        ("status", "VARCHAR"), ("employees", "BIGINT"), ("arr", MONEY), ("health", "BIGINT"),
        ("nps", "BIGINT"), ("products", "VARCHAR"), ("seats", "BIGINT"), ("seats_used", "BIGINT"),
        ("customer_since", "DATE"), ("renewal_date", "DATE"),
    ],
    "contacts": [
        ("id", "VARCHAR"), ("name", "VARCHAR"), ("title", "VARCHAR"), ("email", "VARCHAR"),
        ("phone", "VARCHAR"), ("account_id", "VARCHAR"), ("role", "VARCHAR"),
        ("is_primary", "BOOLEAN"), ("last_contacted", "DATE"),
    ],
    "opportunities": [
        ("id", "VARCHAR"), ("name", "VARCHAR"), ("product", "VARCHAR"), ("next_step", "VARCHAR"),
        ("account_id", "VARCHAR"), ("owner_id", "VARCHAR"), ("type", "VARCHAR"), ("stage", "VARCHAR"),
        ("amount", MONEY), ("probability", "BIGINT"), ("created", "DATE"), ("close_date", "DATE"),
    ],
    "activities": [
        ("id", "VARCHAR"), ("subject", "VARCHAR"), ("account_id", "VARCHAR"),
        ("contact_id", "VARCHAR"), ("owner_id", "VARCHAR"), ("kind", "VARCHAR"),
        ("date", "DATE"), ("outcome", "VARCHAR"),
    ],
}

ENUMS: dict[str, list[str]] = {
    "mrole": ["strategic", "key", "technical", "sales", "customer_success", "global"],
    "level": ["junior", "mid", "senior"],
    "region": ["AMER", "EMEA", "APAC", "LATAM"],
    "industry": ["technology", "manufacturing", "professional_services", "retail",
                 "financial_services", "healthcare", "telecom", "consumer_goods", "pharma",
                 "public_sector"],
    "tier": ["strategic", "key", "growth", "standard"],
    "status": ["active", "churned", "prospect"],
    "crole": ["decision_maker", "champion", "influencer", "user", "blocker"],
    "otype": ["new_business", "upsell", "cross_sell", "renewal"],
    "stage": ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"],
    "kind": ["call", "email", "meeting", "qbr", "note"],
    "outcome": ["positive", "neutral", "negative"],
}


def load(con: duckdb.DuckDBPyConnection, data_dir: str) -> None:
    with open(os.path.join(data_dir, "folio.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if cfg.get("as_of") != TODAY.isoformat() or cfg.get("fiscal_year_start") != FY_START:
        sys.exit(f"crosscheck: {data_dir}/folio.json is {cfg}; the cases expect "
                 f"as_of {TODAY} and fiscal_year_start {FY_START}")
    # One thread, so that row_number() OVER () numbers rows in file order: `ord` is the
    # input order folio keeps (stable sort, unsorted output) and tie-breaks on it.
    con.execute("SET threads TO 1")
    for table, cols in TABLES.items():
        path = os.path.join(data_dir, f"{table}.csv").replace("'", "''")
        spec = ", ".join(f"'{c}': '{t}'" for c, t in cols)
        select = ", ".join(
            "CASE WHEN products IS NULL THEN NULL ELSE "
            "list_transform(string_split(products, ';'), lambda p: trim(p)) END AS products"
            if c == "products" else c
            for c, _ in cols
        )
        con.execute(
            f"CREATE TABLE {table} AS SELECT row_number() OVER () AS ord, {select} "
            f"FROM read_csv('{path}', header = true, delim = ',', quote = '\"', escape = '\"', "
            f"auto_detect = false, columns = {{{spec}}})"
        )
        # `ord` must be the file's row order: check it against Python's own CSV reader.
        with open(os.path.join(data_dir, f"{table}.csv"), encoding="utf-8-sig", newline="") as f:
            file_ids = [row["id"] for row in csv.DictReader(f)]
        if [r[0] for r in con.execute(f"SELECT id FROM {table} ORDER BY ord").fetchall()] != file_ids:
            sys.exit(f"crosscheck: DuckDB did not keep the row order of {table}.csv")
    # Helpers, each a direct transcription of a SPEC §4 rule.
    for name, values in ENUMS.items():   # enums order by declaration, case-insensitively
        lst = ", ".join("'" + v.lower() + "'" for v in values)
        con.execute(f"CREATE MACRO ord_{name}(x) AS list_position([{lst}], lower(x))")
    con.execute(  # `list has x`: membership, case-insensitive; a null list is false
        "CREATE MACRO lhas(l, x) AS list_contains(list_transform(l, lambda e: lower(e)), lower(x))")
    con.execute(  # has any / has all over lowercased lists
        "CREATE MACRO llower(l) AS list_transform(l, lambda e: lower(e))")
    con.execute(  # a fiscal year is named for the calendar year in which it ends
        f"CREATE MACRO fy(d) AS CASE WHEN month(d) >= {FY_START} AND {FY_START} > 1 "
        f"THEN year(d) + 1 ELSE year(d) END")
    con.execute(  # fiscal quarters: 3-month blocks from the fiscal year's first month
        f"CREATE MACRO fq(d) AS ((month(d) - {FY_START} + 12) % 12) // 3 + 1")
    con.execute(  # round half away from zero (DuckDB's round does; exactly so on DECIMAL)
        "CREATE MACRO rnd(x, n) AS round(x, n)")
    con.execute(  # month arithmetic that clamps to the month's last day
        "CREATE MACRO addm(d, n) AS CAST(d + to_months(CAST(n AS INTEGER)) AS DATE)")
    con.execute(  # `/` is decimal division; x / 0 is null
        "CREATE MACRO div(a, b) AS CAST(a AS DOUBLE) / nullif(CAST(b AS DOUBLE), 0)")


# ---------------------------------------------------------------------------------
# Date ranges (SPEC §4), computed here in Python and pasted into the SQL as literals.
# ---------------------------------------------------------------------------------

def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def period(which: str, unit: str) -> tuple[dt.date, dt.date]:
    """this|last|next week|month|quarter|year|fiscal quarter|fiscal year: calendar periods."""
    off = {"this": 0, "last": -1, "next": 1}[which]
    first = TODAY.replace(day=1)
    if unit == "week":                       # weeks start Monday
        s = TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(days=7 * off)
        return s, s + dt.timedelta(days=6)
    months, start = {
        "month": (1, first),
        "quarter": (3, add_months(first, -((TODAY.month - 1) % 3))),
        "year": (12, add_months(first, -(TODAY.month - 1))),
        "fiscal quarter": (3, add_months(first, -((TODAY.month - FY_START) % 3))),
        "fiscal year": (12, add_months(first, -((TODAY.month - FY_START) % 12))),
    }[unit]
    s = add_months(start, months * off)
    return s, add_months(s, months) - dt.timedelta(days=1)


def rolling(which: str, n: int, unit: str) -> tuple[dt.date, dt.date]:
    """last|next N days|weeks|months|quarters|years: today − N … today / today … today + N."""
    sign = -1 if which == "last" else 1
    if unit in ("days", "weeks"):
        other = TODAY + dt.timedelta(days=sign * n * (7 if unit == "weeks" else 1))
    else:
        other = add_months(TODAY, sign * n * {"months": 1, "quarters": 3, "years": 12}[unit])
    return (other, TODAY) if which == "last" else (TODAY, other)


def between(r: tuple[dt.date, dt.date]) -> str:
    return f"BETWEEN DATE '{r[0]}' AND DATE '{r[1]}'"


def D(d: dt.date) -> str:
    return f"DATE '{d}'"


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Howard Hinnant's algorithm on Python integers: any year, proleptic Gregorian."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _far(d: dt.date, days: int, months: int) -> tuple[int, int, int]:
    y, m, day = d.year, d.month, d.day
    if months:
        total = y * 12 + m - 1 + months
        y, m = total // 12, total % 12 + 1
        nxt = _days_from_civil(y + (m == 12), m % 12 + 1, 1)
        day = min(day, nxt - _days_from_civil(y, m, 1))
    return _civil_from_days(_days_from_civil(y, m, day) + days)


def far_date(d: dt.date, days: int = 0, months: int = 0) -> str:
    """d + days / + months for any year (years past 9999 printed in full)."""
    y, m, day = _far(d, days, months)
    assert y > 0, "far_date formats positive years only"
    return f"{y:04d}-{m:02d}-{day:02d}"


def far_year(d: dt.date, days: int = 0, months: int = 0) -> int:
    return _far(d, days, months)[0]


# ---------------------------------------------------------------------------------
# The cases.
# ---------------------------------------------------------------------------------

@dataclass
class Case:
    folio: str
    sql: str
    names: list[str] | None = None   # when given, folio's column names are checked too
    error_ok: bool = False           # a clean query error (exit 1, message) also passes
    overflow_ok: bool = False        # ... and so does null in place of any expected value
    sized: bool = False              # also run on generated portfolios (--sizes)


CASES: list[Case] = []


def case(folio: str, sql: str, names: list[str] | None = None, error_ok: bool = False,
         overflow_ok: bool = False, sized: bool = False) -> None:
    CASES.append(Case(folio.strip(), " ".join(sql.split()), names, error_ok or overflow_ok, overflow_ok, sized))


# The join most path cases need: opportunities → accounts → managers, accounts → parent.
OPP_PATHS = """
  FROM opportunities o
  LEFT JOIN accounts a ON a.id = o.account_id
  LEFT JOIN managers am ON am.id = a.owner_id
  LEFT JOIN accounts ap ON ap.id = a.parent_id
  LEFT JOIN accounts app ON app.id = ap.parent_id
"""

# --- comparisons on ints -----------------------------------------------------------
case('accounts | where health = 51 | select id',
     'SELECT id FROM accounts WHERE health = 51 ORDER BY ord')
case('accounts | where health == 100 | select id, health',
     'SELECT id, health FROM accounts WHERE health = 100 ORDER BY ord')
case('accounts | where health != 51 | select id, health',       # null != 51 is true
     'SELECT id, health FROM accounts WHERE health IS DISTINCT FROM 51 ORDER BY ord')
case('accounts | where nps <> 0 | count',
     'SELECT count(*) FROM accounts WHERE nps IS DISTINCT FROM 0')
case('accounts | where nps < 0 | select id, nps',
     'SELECT id, nps FROM accounts WHERE nps < 0 ORDER BY ord')
case('accounts | where nps <= -50 | select id, nps',
     'SELECT id, nps FROM accounts WHERE nps <= -50 ORDER BY ord')
case('accounts | where employees > 5000 | select id, employees',
     'SELECT id, employees FROM accounts WHERE employees > 5000 ORDER BY ord')
case('accounts | where seats_used >= seats | select id, seats, seats_used',
     'SELECT id, seats, seats_used FROM accounts WHERE seats_used >= seats ORDER BY ord')
case('accounts | where nps > -1_000 | count',                    # null > x is false
     'SELECT count(*) FROM accounts WHERE nps > -1000')

# --- comparisons on money (plain numbers count currency units) -----------------------
case('accounts | where arr > 1m | select id, arr',
     'SELECT id, arr FROM accounts WHERE arr > 1000000 ORDER BY ord')
case('accounts | where arr <= 5000 | select id, arr',
     'SELECT id, arr FROM accounts WHERE arr <= 5000 ORDER BY ord')
case('accounts | where arr = 56099.49 | select id, arr',
     'SELECT id, arr FROM accounts WHERE arr = 56099.49 ORDER BY ord')
case('accounts | where arr < 1.2k | select id, arr',
     'SELECT id, arr FROM accounts WHERE arr < 1200 ORDER BY ord')
case('opportunities | where amount != 5500 | count',
     'SELECT count(*) FROM opportunities WHERE amount IS DISTINCT FROM 5500')
case('opportunities | where amount >= 250K | select id, amount',
     'SELECT id, amount FROM opportunities WHERE amount >= 250000 ORDER BY ord')
case('managers | where quota >= 1_000_000 | select id, quota',
     'SELECT id, quota FROM managers WHERE quota >= 1000000 ORDER BY ord')
case('managers | where quota != 570000 | select id, quota',
     'SELECT id, quota FROM managers WHERE quota IS DISTINCT FROM 570000 ORDER BY ord')

# --- comparisons on dates -----------------------------------------------------------
case('opportunities | where close_date = 2026-06-30 | select id, close_date',
     "SELECT id, close_date FROM opportunities WHERE close_date = DATE '2026-06-30' ORDER BY ord")
case('opportunities | where close_date = "2026-06-30" | select id',   # a string read as a date
     "SELECT id FROM opportunities WHERE close_date = DATE '2026-06-30' ORDER BY ord")
case('accounts | where renewal_date < today | count',
     f'SELECT count(*) FROM accounts WHERE renewal_date < {D(TODAY)}')
case('accounts | where customer_since >= 2025-09-01 | select id, customer_since',
     "SELECT id, customer_since FROM accounts WHERE customer_since >= DATE '2025-09-01' ORDER BY ord")
case('activities | where date > 2026-06-05 | select id, date',
     "SELECT id, date FROM activities WHERE date > DATE '2026-06-05' ORDER BY ord")
case('contacts | where last_contacted <= 2025-07-01 | select id, last_contacted',
     "SELECT id, last_contacted FROM contacts WHERE last_contacted <= DATE '2025-07-01' ORDER BY ord")
case('accounts | where renewal_date != 2027-01-08 | count',
     "SELECT count(*) FROM accounts WHERE renewal_date IS DISTINCT FROM DATE '2027-01-08'")

# --- enums: equality and declared-order comparisons ----------------------------------
case('opportunities | where stage = "closed_won" | count',
     "SELECT count(*) FROM opportunities WHERE stage = 'closed_won'")
case('opportunities | where stage != "closed_won" | count',
     "SELECT count(*) FROM opportunities WHERE stage IS DISTINCT FROM 'closed_won'")
case('opportunities | where stage < "closed_won" and amount > 100k | select id, stage',
     "SELECT id, stage FROM opportunities WHERE ord_stage(stage) < ord_stage('closed_won') "
     "AND amount > 100000 ORDER BY ord")
case('opportunities | where stage >= "negotiation" and amount > 150k | select id, stage',
     "SELECT id, stage FROM opportunities WHERE ord_stage(stage) >= ord_stage('negotiation') "
     "AND amount > 150000 ORDER BY ord")
case('accounts | where tier <= "key" | select id, tier',
     "SELECT id, tier FROM accounts WHERE ord_tier(tier) <= ord_tier('key') ORDER BY ord")
case('accounts | where tier > "growth" | count',
     "SELECT count(*) FROM accounts WHERE ord_tier(tier) > ord_tier('growth')")
case('accounts | where region > "EMEA" | select id, region',      # APAC, LATAM (not alphabetical)
     "SELECT id, region FROM accounts WHERE ord_region(region) > ord_region('EMEA') ORDER BY ord")
case('managers | where level >= "mid" | select id, level',
     "SELECT id, level FROM managers WHERE ord_level(level) >= ord_level('mid') ORDER BY ord")
case('managers | where role < "sales" | select id, role',
     "SELECT id, role FROM managers WHERE ord_mrole(role) < ord_mrole('sales') ORDER BY ord")
case('accounts | where region = "emea" | count',                  # string = is case-insensitive
     "SELECT count(*) FROM accounts WHERE lower(region) = 'emea'")

# --- strings: case-insensitive =, !=, ordering ---------------------------------------
case('accounts | where name = "orion bank & co." | select id, name',
     "SELECT id, name FROM accounts WHERE lower(name) = lower('orion bank & co.') ORDER BY ord")
case('accounts | where name = "\\"Golden Gate\\" Motors Oy" or name = \'Côte d\\\'Azur Motors Inc.\' '
     '| select id, name',
     "SELECT id, name FROM accounts WHERE lower(name) IN "
     "(lower('\"Golden Gate\" Motors Oy'), lower('Côte d''Azur Motors Inc.')) ORDER BY ord")
case('accounts | where country = "de" | count',
     "SELECT count(*) FROM accounts WHERE lower(country) = 'de'")
case('accounts | where country != "us" | count',
     "SELECT count(*) FROM accounts WHERE lower(country) IS DISTINCT FROM 'us'")
case('managers | where name >= "l" and name < "m" | select id, name',
     "SELECT id, name FROM managers WHERE lower(name) >= 'l' AND lower(name) < 'm' ORDER BY ord")
case('accounts | where name > "x" and name < "zz" | select id, name',
     "SELECT id, name FROM accounts WHERE lower(name) > 'x' AND lower(name) < 'zz' ORDER BY ord")
case('contacts | where title <= "Chief" | select id, title',
     "SELECT id, title FROM contacts WHERE lower(title) <= 'chief' ORDER BY ord")

# --- in / not in ---------------------------------------------------------------------
case('accounts | where country in ("de", "FR", "gb") | select id, country',
     "SELECT id, country FROM accounts WHERE lower(country) IN ('de', 'fr', 'gb') ORDER BY ord")
case('opportunities | where stage in ("closed_won", "closed_lost") | count',
     "SELECT count(*) FROM opportunities WHERE stage IN ('closed_won', 'closed_lost')")
case('opportunities | where stage not in ("closed_won", "closed_lost") | count',
     "SELECT count(*) FROM opportunities WHERE stage NOT IN ('closed_won', 'closed_lost')")
case('opportunities | where probability in (10, 90) | select id, probability',
     "SELECT id, probability FROM opportunities WHERE probability IN (10, 90) ORDER BY ord")
case('accounts | where nps in (18, 36) | select id, nps',
     "SELECT id, nps FROM accounts WHERE nps IN (18, 36) ORDER BY ord")
case('accounts | where nps not in (18, 36) | count',              # null operand: false
     "SELECT count(*) FROM accounts WHERE nps NOT IN (18, 36)")
case('accounts | where not (nps in (18, 36)) | count',            # not is two-valued: nulls kept
     "SELECT count(*) FROM accounts WHERE NOT coalesce(nps IN (18, 36), false)")
case('opportunities | where close_date in (2026-06-30, 2026-07-01) | select id, close_date',
     "SELECT id, close_date FROM opportunities "
     "WHERE close_date IN (DATE '2026-06-30', DATE '2026-07-01') ORDER BY ord")
case('opportunities | where amount in (5500, 2500) | count',
     "SELECT count(*) FROM opportunities WHERE amount IN (5500, 2500)")
case('activities | where outcome not in ("positive") | count',
     "SELECT count(*) FROM activities WHERE outcome NOT IN ('positive')")
case('contacts | where role in ("Champion", "BLOCKER") | count',
     "SELECT count(*) FROM contacts WHERE lower(role) IN ('champion', 'blocker')")

# --- between / not between -----------------------------------------------------------
case('accounts | where health between 40 and 42 | select id, health',
     "SELECT id, health FROM accounts WHERE health BETWEEN 40 AND 42 ORDER BY ord")
case('accounts | where health not between 10 and 95 | select id, health',
     "SELECT id, health FROM accounts WHERE health NOT BETWEEN 10 AND 95 ORDER BY ord")
case('opportunities | where close_date between 2026-06-01 and 2026-06-07 | select id, close_date',
     "SELECT id, close_date FROM opportunities "
     "WHERE close_date BETWEEN DATE '2026-06-01' AND DATE '2026-06-07' ORDER BY ord")
case('accounts | where arr between 100k and 120k | select id, arr',
     "SELECT id, arr FROM accounts WHERE arr BETWEEN 100000 AND 120000 ORDER BY ord")
case('opportunities | where stage between "qualification" and "negotiation" | count',
     "SELECT count(*) FROM opportunities WHERE ord_stage(stage) "
     "BETWEEN ord_stage('qualification') AND ord_stage('negotiation')")

# --- like / not like ------------------------------------------------------------------
case('accounts | where name like "%BANK%" | select id, name',
     "SELECT id, name FROM accounts WHERE name ILIKE '%bank%' ORDER BY ord")
case('accounts | where name like "krak_w%" | select id, name',    # _ is one character (ó)
     "SELECT id, name FROM accounts WHERE name ILIKE 'krak_w%' ORDER BY ord")
case('accounts | where name not like "%,%" | count',
     "SELECT count(*) FROM accounts WHERE name NOT ILIKE '%,%'")
case('contacts | where email like "%@%.de" | count',
     "SELECT count(*) FROM contacts WHERE email ILIKE '%@%.de'")
case('opportunities | where next_step like "%\\"infosec\\"%" | count',
     "SELECT count(*) FROM opportunities WHERE next_step ILIKE '%\"infosec\"%'")
case('contacts | where phone not like "+1 %" | count',             # null phone: false
     "SELECT count(*) FROM contacts WHERE phone NOT ILIKE '+1 %'")
case('accounts | where name like "%_oy" | select id, name',
     "SELECT id, name FROM accounts WHERE name ILIKE '%_oy' ORDER BY ord")

# --- is null / is not null / = null ------------------------------------------------------
case('accounts | where nps is null | select id',
     "SELECT id FROM accounts WHERE nps IS NULL ORDER BY ord")
case('accounts | where products is null | count',
     "SELECT count(*) FROM accounts WHERE products IS NULL")
case('accounts | where parent_id is not null | select id, parent_id',
     "SELECT id, parent_id FROM accounts WHERE parent_id IS NOT NULL ORDER BY ord")
case('contacts | where phone is null | count',
     "SELECT count(*) FROM contacts WHERE phone IS NULL")
case('activities | where contact_id is null and outcome is null | select id',
     "SELECT id FROM activities WHERE contact_id IS NULL AND outcome IS NULL ORDER BY ord")
case('managers | where quota = null | select id',
     "SELECT id FROM managers WHERE quota IS NULL ORDER BY ord")
case('accounts | where renewal_date is not null and arr != null | count',
     "SELECT count(*) FROM accounts WHERE renewal_date IS NOT NULL AND arr IS NOT NULL")
case('opportunities | where next_step = null | count',
     "SELECT count(*) FROM opportunities WHERE next_step IS NULL")
case('accounts | where parent.name is null | count',
     "SELECT count(*) FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id WHERE p.name IS NULL")

# --- has / has any / has all / not has -----------------------------------------------
case('accounts | where products has "analytics" | count',
     "SELECT count(*) FROM accounts WHERE lhas(products, 'analytics')")
case('accounts | where products has any ("AI Assistant", "mobile") | select id, products',
     "SELECT id, products FROM accounts "
     "WHERE list_has_any(llower(products), ['ai assistant', 'mobile']) ORDER BY ord")
case('accounts | where products has all ("CRM Cloud", "security", "ANALYTICS") | select id',
     "SELECT id FROM accounts "
     "WHERE list_has_all(llower(products), ['crm cloud', 'security', 'analytics']) ORDER BY ord")
case('accounts | where products not has "CRM Cloud" | select id, products',  # null list: false
     "SELECT id, products FROM accounts WHERE NOT lhas(products, 'crm cloud') ORDER BY ord")
case('accounts | where status = "active" and products not has "Security" | count',
     "SELECT count(*) FROM accounts WHERE status = 'active' AND NOT lhas(products, 'security')")
case('accounts | where not (products has "Mobile") | count',       # two-valued not
     "SELECT count(*) FROM accounts WHERE NOT coalesce(lhas(products, 'mobile'), false)")

# --- and / or / not with nulls (two-valued logic) -------------------------------------
case('accounts | where not (nps < 0) | count',
     "SELECT count(*) FROM accounts WHERE NOT coalesce(nps < 0, false)")
case('accounts | where nps < -60 or health < 20 | select id, nps, health',
     "SELECT id, nps, health FROM accounts WHERE nps < -60 OR health < 20 ORDER BY ord")
case('accounts | where not (nps < 0 or health < 30) | count',
     "SELECT count(*) FROM accounts WHERE NOT coalesce(nps < 0 OR health < 30, false)")
case('accounts | where nps >= 60 and not (health >= 50) | select id',
     "SELECT id FROM accounts WHERE nps >= 60 AND NOT coalesce(health >= 50, false) ORDER BY ord")
case('accounts | where not nps = null | count',     # not binds looser than =
     "SELECT count(*) FROM accounts WHERE nps IS NOT NULL")
case('accounts | where nps != health | count',     # null is a value for = and !=
     "SELECT count(*) FROM accounts WHERE nps IS DISTINCT FROM health")
case('accounts | where nps = health | select id, nps, health',
     "SELECT id, nps, health FROM accounts WHERE nps IS NOT DISTINCT FROM health ORDER BY ord")
case('accounts | where tier = "strategic" or region = "LATAM" and health > 80 | select id',
     "SELECT id FROM accounts WHERE tier = 'strategic' OR (region = 'LATAM' AND health > 80) ORDER BY ord")
case('accounts | where not (not (health > 90)) | select id',
     "SELECT id FROM accounts WHERE health > 90 ORDER BY ord")
case('contacts | where is_primary and role = "champion" | count',
     "SELECT count(*) FROM contacts WHERE is_primary AND role = 'champion'")
case('contacts | where not is_primary and last_contacted > 2026-06-10 | select id',
     "SELECT id FROM contacts WHERE NOT is_primary AND last_contacted > DATE '2026-06-10' ORDER BY ord")
case('contacts | where is_primary = true | count',
     "SELECT count(*) FROM contacts WHERE is_primary = true")
case('contacts | where is_primary != false and is_primary > false | count',
     "SELECT count(*) FROM contacts WHERE is_primary IS DISTINCT FROM false AND is_primary > false")
case('accounts | limit 40 | select id, nps < 0, nps = null, nps != 18, not (nps > 0), '
     'nps > 0 or health > 50, nps > 0 and health > 50',
     "SELECT id, coalesce(nps < 0, false), nps IS NULL, nps IS DISTINCT FROM 18, "
     "NOT coalesce(nps > 0, false), coalesce(nps > 0 OR health > 50, false), "
     "coalesce(nps > 0 AND health > 50, false) FROM accounts ORDER BY ord LIMIT 40")

# --- arithmetic -------------------------------------------------------------------------
case('accounts | limit 60 | select id, seats - seats_used, seats * 2 + 1, -nps, arr * 2, arr / 4, '
     'arr / seats, health / 3, arr + arr, arr - 1000',
     "SELECT id, seats - seats_used, seats * 2 + 1, -nps, arr * 2, div(arr, 4), div(arr, seats), "
     "div(health, 3), arr + arr, arr - 1000 FROM accounts ORDER BY ord LIMIT 60")
case('opportunities | limit 60 | select id, amount * probability, amount * probability / 100, '
     'amount / 0, probability / 7, amount / (probability - probability)',
     "SELECT id, amount * probability, div(amount * probability, 100), NULL, div(probability, 7), NULL "
     "FROM opportunities ORDER BY ord LIMIT 60")
case('accounts | where seats - seats_used > 150 | select id, seats, seats_used',
     "SELECT id, seats, seats_used FROM accounts WHERE seats - seats_used > 150 ORDER BY ord")
case('accounts | where arr / seats > 1500 | select id',
     "SELECT id FROM accounts WHERE div(arr, seats) > 1500 ORDER BY ord")
case('opportunities | where amount * 2 >= 1m | select id, amount',
     "SELECT id, amount FROM opportunities WHERE amount * 2 >= 1000000 ORDER BY ord")
case('opportunities | where amount * probability / 100 > 200k | select id',
     "SELECT id FROM opportunities WHERE div(amount * probability, 100) > 200000 ORDER BY ord")
case('accounts | where health / 0 = null | count',
     "SELECT count(*) FROM accounts")
case('managers | select id, quota * 3, quota / 12, quota - quota, 2 + 3 * 4, (2 + 3) * 4, 7 / 2, -3 - -5',
     "SELECT id, quota * 3, div(quota, 12), quota - quota, 14, 20, 3.5, 2 FROM managers ORDER BY ord")

# --- date arithmetic ----------------------------------------------------------------------
case('accounts | limit 60 | select id, renewal_date + 30 days, renewal_date - 2 weeks, '
     'customer_since + 1 month, customer_since - 1 month, renewal_date + 1 quarter, '
     'renewal_date - 1 year, renewal_date - customer_since',
     "SELECT id, renewal_date + 30, renewal_date - 14, addm(customer_since, 1), "
     "addm(customer_since, -1), addm(renewal_date, 3), addm(renewal_date, -12), "
     "renewal_date - customer_since FROM accounts ORDER BY ord LIMIT 60")
case('accounts | where day(customer_since) >= 29 | select id, customer_since + 1 month, '
     'customer_since + 1 year, customer_since - 1 quarter, customer_since + 6 months',
     "SELECT id, addm(customer_since, 1), addm(customer_since, 12), addm(customer_since, -3), "
     "addm(customer_since, 6) FROM accounts WHERE day(customer_since) >= 29 ORDER BY ord")
case('managers | limit 1 | select 2026-01-31 + 1 month, 2024-02-29 + 1 year, 2026-03-31 - 1 month, '
     '2025-08-31 + 1 quarter, 2026-05-31 + 6 months, 2024-02-29 - 4 years, 2026-12-31 + 2 days, '
     '2026-03-01 - 2026-02-01, 2025-01-01 - 2026-01-01',
     "SELECT DATE '2026-02-28', DATE '2025-02-28', DATE '2026-02-28', DATE '2025-11-30', "
     "DATE '2026-11-30', DATE '2020-02-29', DATE '2027-01-02', 28, -365")
case('opportunities | where close_date - created > 700 | select id, close_date - created',
     "SELECT id, close_date - created FROM opportunities WHERE close_date - created > 700 ORDER BY ord")
case('opportunities | where close_date < created + 10 days | select id, created, close_date',
     "SELECT id, created, close_date FROM opportunities WHERE close_date < created + 10 ORDER BY ord")
case('accounts | where renewal_date <= today + 3 weeks and renewal_date >= today | select id, renewal_date',
     f"SELECT id, renewal_date FROM accounts WHERE renewal_date <= {D(TODAY)} + 21 "
     f"AND renewal_date >= {D(TODAY)} ORDER BY ord")
case('managers | limit 1 | select today, today + 1 day, today - 1 week, today + 1 month, '
     'today - 1 quarter, today + 1 year',
     f"SELECT {D(TODAY)}, {D(TODAY + dt.timedelta(days=1))}, {D(TODAY - dt.timedelta(days=7))}, "
     f"{D(add_months(TODAY, 1))}, {D(add_months(TODAY, -3))}, {D(add_months(TODAY, 12))}")

# --- date ranges --------------------------------------------------------------------------
for which in ("this", "last", "next"):
    for unit in ("week", "month", "quarter", "year", "fiscal quarter", "fiscal year"):
        r = period(which, unit)
        if unit in ("week", "month"):
            case(f'opportunities | where close_date in {which} {unit} | select id, close_date',
                 f"SELECT id, close_date FROM opportunities WHERE close_date {between(r)} ORDER BY ord")
        else:
            case(f'opportunities | where close_date in {which} {unit} | count',
                 f"SELECT count(*) FROM opportunities WHERE close_date {between(r)}")
for which, n, unit, table, col in [
    ("last", 30, "days", "activities", "date"),
    ("next", 90, "days", "accounts", "renewal_date"),
    ("last", 2, "weeks", "activities", "date"),
    ("next", 3, "weeks", "opportunities", "close_date"),
    ("last", 1, "months", "contacts", "last_contacted"),
    ("next", 1, "month", "opportunities", "close_date"),
    ("last", 2, "quarters", "opportunities", "created"),
    ("next", 1, "quarter", "accounts", "renewal_date"),
    ("last", 1, "year", "accounts", "customer_since"),
    ("next", 2, "years", "opportunities", "close_date"),
]:
    plural = unit if unit.endswith("s") else unit + "s"
    r = rolling(which, n, plural)
    case(f'{table} | where {col} in {which} {n} {unit} | select id, {col}',
         f"SELECT id, {col} FROM {table} WHERE {col} {between(r)} ORDER BY ord")
r = rolling("next", 90, "days")
case('accounts | where renewal_date not in next 90 days | count',   # null operand: false
     f"SELECT count(*) FROM accounts WHERE renewal_date NOT {between(r)}")
r = period("this", "fiscal year")
case('accounts | where not (renewal_date in this fiscal year) | count',   # two-valued not
     f"SELECT count(*) FROM accounts WHERE NOT coalesce(renewal_date {between(r)}, false)")

# --- paths (to-one, depth 1–3, null keys) --------------------------------------------------
case('opportunities | where id <= "O00000060" | select id, account.name, account.owner.name, '
     'account.owner.region, account.parent.name, account.parent.parent.name, account.parent.owner.email',
     "SELECT o.id, a.name, am.name, am.region, ap.name, app.name, apm.email " + OPP_PATHS +
     " LEFT JOIN managers apm ON apm.id = ap.owner_id WHERE o.id <= 'O00000060' ORDER BY o.ord")
case('accounts | where parent_id is not null | select id, parent.name, parent.parent.name, '
     'parent.parent.parent.id, parent.owner.lead.name, owner.lead.lead.name',
     "SELECT a.id, p.name, pp.name, ppp.id, pol.name, oll.name FROM accounts a "
     "LEFT JOIN accounts p ON p.id = a.parent_id LEFT JOIN accounts pp ON pp.id = p.parent_id "
     "LEFT JOIN accounts ppp ON ppp.id = pp.parent_id "
     "LEFT JOIN managers po ON po.id = p.owner_id LEFT JOIN managers pol ON pol.id = po.lead_id "
     "LEFT JOIN managers o ON o.id = a.owner_id LEFT JOIN managers ol ON ol.id = o.lead_id "
     "LEFT JOIN managers oll ON oll.id = ol.lead_id "
     "WHERE a.parent_id IS NOT NULL ORDER BY a.ord")
case('managers | select id, lead.name, lead.lead.name, lead.lead.lead.id, lead.quota',
     "SELECT m.id, l.name, ll.name, lll.id, l.quota FROM managers m "
     "LEFT JOIN managers l ON l.id = m.lead_id LEFT JOIN managers ll ON ll.id = l.lead_id "
     "LEFT JOIN managers lll ON lll.id = ll.lead_id ORDER BY m.ord")
case('activities | limit 80 | select id, contact.name, contact.account.owner.name, contact.role, '
     'contact.is_primary, owner.region',
     "SELECT t.id, c.name, cam.name, c.role, c.is_primary, o.region FROM activities t "
     "LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN accounts ca ON ca.id = c.account_id "
     "LEFT JOIN managers cam ON cam.id = ca.owner_id LEFT JOIN managers o ON o.id = t.owner_id "
     "ORDER BY t.ord LIMIT 80")
case('opportunities | where account.owner.region = "EMEA" and account.tier = "strategic" | select id',
     "SELECT o.id " + OPP_PATHS + " WHERE am.region = 'EMEA' AND a.tier = 'strategic' ORDER BY o.ord")
case('accounts | where parent.parent.id is not null | select id, parent.parent.id',
     "SELECT a.id, pp.id FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id "
     "LEFT JOIN accounts pp ON pp.id = p.parent_id WHERE pp.id IS NOT NULL ORDER BY a.ord")
case('contacts | where account.parent.tier = "strategic" | count',
     "SELECT count(*) FROM contacts c JOIN accounts a ON a.id = c.account_id "
     "JOIN accounts p ON p.id = a.parent_id WHERE p.tier = 'strategic'")
case('accounts | where parent.region != "EMEA" | count',            # null parent: null != "EMEA"
     "SELECT count(*) FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id "
     "WHERE p.region IS DISTINCT FROM 'EMEA'")
case('accounts | where parent.health < 50 | select id',             # null parent: false
     "SELECT a.id FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id WHERE p.health < 50 ORDER BY a.ord")
case('activities | where contact.account_id != account_id | count',
     "SELECT count(*) FROM activities t LEFT JOIN contacts c ON c.id = t.contact_id "
     "WHERE c.account_id IS DISTINCT FROM t.account_id")
case('opportunities | where account.products has "AI Assistant" and owner.level = "senior" | select id',
     "SELECT o.id FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id "
     "LEFT JOIN managers m ON m.id = o.owner_id "
     "WHERE lhas(a.products, 'ai assistant') AND m.level = 'senior' ORDER BY o.ord")

# --- sort ----------------------------------------------------------------------------------
case('accounts | sort arr desc, id | limit 15 | select id, arr',
     "SELECT id, arr FROM accounts ORDER BY arr DESC NULLS LAST, id LIMIT 15")
case('accounts | sort nps, id | select id, nps',                   # nulls last (asc)
     "SELECT id, nps FROM accounts ORDER BY nps ASC NULLS LAST, id")
case('accounts | sort nps desc, id | select id, nps',              # nulls last (desc too)
     "SELECT id, nps FROM accounts ORDER BY nps DESC NULLS LAST, id")
case('accounts | sort nps nulls first, id | limit 170 | select id, nps',
     "SELECT id, nps FROM accounts ORDER BY nps ASC NULLS FIRST, id LIMIT 170")
case('accounts | sort nps desc nulls first, id | limit 170 | select id, nps',
     "SELECT id, nps FROM accounts ORDER BY nps DESC NULLS FIRST, id LIMIT 170")
case('accounts | sort nps asc nulls last, id desc | limit 10 offset 345 | select id, nps',
     "SELECT id, nps FROM accounts ORDER BY nps ASC NULLS LAST, id DESC LIMIT 10 OFFSET 345")
case('accounts | sort renewal_date desc nulls last, id | limit 30 | select id, renewal_date',
     "SELECT id, renewal_date FROM accounts ORDER BY renewal_date DESC NULLS LAST, id LIMIT 30")
case('opportunities | sort stage, id | select id, stage',           # enums in declared order
     "SELECT id, stage FROM opportunities ORDER BY ord_stage(stage), id")
case('opportunities | sort stage desc, amount desc, id | limit 60 | select id, stage, amount',
     "SELECT id, stage, amount FROM opportunities ORDER BY ord_stage(stage) DESC, amount DESC, id LIMIT 60")
case('accounts | sort tier | select id, tier',                      # stable: ties keep input order
     "SELECT id, tier FROM accounts ORDER BY ord_tier(tier), ord")
case('accounts | sort region desc, industry, id | select id, region, industry',
     "SELECT id, region, industry FROM accounts ORDER BY ord_region(region) DESC, ord_industry(industry), id")
case('activities | sort outcome nulls first, kind desc, id | limit 300 | select id, outcome, kind',
     "SELECT id, outcome, kind FROM activities "
     "ORDER BY ord_outcome(outcome) ASC NULLS FIRST, ord_kind(kind) DESC, id LIMIT 300")
case('managers | sort name | select id, name',                      # strings case-insensitive
     "SELECT id, name FROM managers ORDER BY lower(name)")
case('managers | sort email desc | select id, email',
     "SELECT id, email FROM managers ORDER BY lower(email) DESC")
case('accounts | where name like "s%" | sort name desc | select id, name',
     "SELECT id, name FROM accounts WHERE name ILIKE 's%' ORDER BY lower(name) DESC")
case('contacts | sort title, id | limit 120 | select id, title',
     "SELECT id, title FROM contacts ORDER BY lower(title), id LIMIT 120")
case('contacts | sort is_primary desc, last_contacted, id | limit 40 | select id, is_primary, last_contacted',
     "SELECT id, is_primary, last_contacted FROM contacts "
     "ORDER BY is_primary DESC, last_contacted NULLS LAST, id LIMIT 40")
case('accounts | sort seats - seats_used, id | limit 12 | select id, seats - seats_used',
     "SELECT id, seats - seats_used FROM accounts ORDER BY seats - seats_used NULLS LAST, id LIMIT 12")
case('opportunities | where amount > 200k | sort account.owner.name, close_date desc, id '
     '| select id, account.owner.name, close_date',
     "SELECT o.id, am.name, o.close_date " + OPP_PATHS +
     " WHERE o.amount > 200000 ORDER BY lower(am.name), o.close_date DESC, o.id")
case('accounts | sort parent.name desc, id | limit 90 | select id, parent.name',
     "SELECT a.id, p.name FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id "
     "ORDER BY lower(p.name) DESC NULLS LAST, a.id LIMIT 90")
case('opportunities | sort close_date desc, id desc | limit 25 | select id, close_date',
     "SELECT id, close_date FROM opportunities ORDER BY close_date DESC, id DESC LIMIT 25")

# --- limit / offset / top / count -------------------------------------------------------------
case('accounts | limit 3 | select id',
     "SELECT id FROM accounts ORDER BY ord LIMIT 3")
case('accounts | sort id desc | limit 5 offset 5 | select id',
     "SELECT id FROM accounts ORDER BY id DESC LIMIT 5 OFFSET 5")
case('accounts | limit 0 | select id',
     "SELECT id FROM accounts LIMIT 0")
case('accounts | limit 10 offset 495 | select id',
     "SELECT id FROM accounts ORDER BY ord LIMIT 10 OFFSET 495")
case('managers | limit 5 offset 100',
     "SELECT * EXCLUDE (ord) FROM managers LIMIT 0")
case('accounts | where region = "APAC" | limit 10 | sort arr desc | select id, arr',
     "SELECT id, arr FROM (SELECT * FROM accounts WHERE region = 'APAC' ORDER BY ord LIMIT 10) "
     "ORDER BY arr DESC NULLS LAST, ord")
case('accounts | top 5 by arr | select id, arr',
     "SELECT id, arr FROM accounts ORDER BY arr DESC NULLS LAST, ord LIMIT 5")
case('accounts | top 7 by nps asc | select id, nps',
     "SELECT id, nps FROM accounts ORDER BY nps ASC NULLS LAST, ord LIMIT 7")
case('accounts | top 3 by renewal_date | select id, renewal_date',
     "SELECT id, renewal_date FROM accounts ORDER BY renewal_date DESC NULLS LAST, ord LIMIT 3")
case('opportunities | top 10 by amount * probability | select id, amount, probability',
     "SELECT id, amount, probability FROM opportunities "
     "ORDER BY amount * probability DESC, ord LIMIT 10")
case('accounts | where region = "LATAM" | top 6 by health | select id, health',  # ties: input order
     "SELECT id, health FROM accounts WHERE region = 'LATAM' ORDER BY health DESC NULLS LAST, ord LIMIT 6")
case('opportunities | top 5 by stage | select id, stage',
     "SELECT id, stage FROM opportunities ORDER BY ord_stage(stage) DESC, ord LIMIT 5")
case('managers | count',
     "SELECT count(*) FROM managers")
case('accounts | limit 7 | count',
     "SELECT count(*) FROM (SELECT * FROM accounts LIMIT 7)")
case('activities | where kind = "qbr" and outcome = "negative" | count',
     "SELECT count(*) FROM activities WHERE kind = 'qbr' AND outcome = 'negative'")
case('contacts | where id = "nobody" | count',
     "SELECT 0")

# --- scalar functions ----------------------------------------------------------------------
case('managers | select id, lower(name), upper(name), length(name), length(email)',
     "SELECT id, lower(name), upper(name), length(name), length(email) FROM managers ORDER BY ord")
case('accounts | limit 60 | select id, length(products), upper(country), lower(name), length(name)',
     "SELECT id, len(products), upper(country), lower(name), length(name) FROM accounts ORDER BY ord LIMIT 60")
case('accounts | where contains(name, "BANK") | select id',
     "SELECT id FROM accounts WHERE contains(lower(name), 'bank') ORDER BY ord")
case('accounts | where starts_with(name, "blue") or ends_with(name, " OY") | select id, name',
     "SELECT id, name FROM accounts WHERE starts_with(lower(name), 'blue') "
     "OR ends_with(lower(name), ' oy') ORDER BY ord")
case('accounts | limit 60 | select id, contains(name, "inc"), starts_with(country, "d"), ends_with(name, "LTD")',
     "SELECT id, contains(lower(name), 'inc'), starts_with(lower(country), 'd'), "
     "ends_with(lower(name), 'ltd') FROM accounts ORDER BY ord LIMIT 60")
case('accounts | where length(products) >= 6 | select id, length(products)',
     "SELECT id, len(products) FROM accounts WHERE len(products) >= 6 ORDER BY ord")
case('accounts | limit 80 | select id, coalesce(nps, health, 0), coalesce(parent.name, name), '
     'coalesce(renewal_date, 2000-01-01), coalesce(arr, 0)',
     "SELECT a.id, coalesce(a.nps, a.health, 0), coalesce(p.name, a.name), "
     "coalesce(a.renewal_date, DATE '2000-01-01'), coalesce(a.arr, 0) FROM accounts a "
     "LEFT JOIN accounts p ON p.id = a.parent_id ORDER BY a.ord LIMIT 80")
case('accounts | limit 80 | select id, if(health < 50, "risk", "ok"), if(nps is null, 0, nps), '
     'if(products has "Mobile", arr, 0)',
     "SELECT id, CASE WHEN health < 50 THEN 'risk' ELSE 'ok' END, CASE WHEN nps IS NULL THEN 0 ELSE nps END, "
     "CASE WHEN lhas(products, 'mobile') THEN arr ELSE 0 END FROM accounts ORDER BY ord LIMIT 80")
case('accounts | limit 80 | select id, round(arr / 1000), round(arr / 7, 2), round(nps / 4), '
     'round(health / 8, 1), round(arr)',
     "SELECT id, rnd(div(arr, 1000), 0), rnd(div(arr, 7), 2), rnd(div(nps, 4), 0), "
     "rnd(div(health, 8), 1), rnd(arr, 0) FROM accounts ORDER BY ord LIMIT 80")
case('managers | limit 1 | select round(2.5), round(-2.5), round(0.125, 2), round(-0.125, 2), round(7), '
     'abs(-4), abs(2.5), floor(-7.5), ceil(-7.5), floor(7.5), ceil(7.2)',
     "SELECT 3, -3, 0.13, -0.13, 7, 4, 2.5, -8, -7, 7, 8")
case('opportunities | limit 60 | select id, round(amount * probability / 100), abs(amount - 50k), '
     'floor(amount / 7), ceil(amount / 7)',
     "SELECT id, rnd(div(amount * probability, 100), 0), abs(amount - 50000), floor(div(amount, 7)), "
     "ceil(div(amount, 7)) FROM opportunities ORDER BY ord LIMIT 60")
case('accounts | limit 80 | select id, abs(nps), floor(health / 3), ceil(health / 3)',
     "SELECT id, abs(nps), floor(div(health, 3)), ceil(div(health, 3)) FROM accounts ORDER BY ord LIMIT 80")
case('opportunities | limit 120 | select id, year(close_date), quarter(close_date), month(close_date), '
     'day(close_date), fiscal_year(close_date), fiscal_quarter(close_date)',
     "SELECT id, year(close_date), quarter(close_date), month(close_date), day(close_date), "
     "fy(close_date), fq(close_date) FROM opportunities ORDER BY ord LIMIT 120")
case('managers | limit 1 | select fiscal_year(2026-01-31), fiscal_year(2026-02-01), fiscal_quarter(2026-01-31), '
     'fiscal_quarter(2026-02-01), fiscal_quarter(2026-04-30), fiscal_quarter(2026-05-01), '
     'fiscal_quarter(2026-07-31), fiscal_quarter(2026-08-01), fiscal_quarter(2026-10-31), '
     'fiscal_quarter(2026-11-01), fiscal_quarter(2026-12-31), fiscal_year(2026-12-31), fiscal_year(today)',
     "SELECT 2026, 2027, 4, 1, 1, 2, 2, 3, 3, 4, 4, 2027, 2027")
case('opportunities | where fiscal_year(close_date) = 2027 and fiscal_quarter(close_date) = 4 | count',
     "SELECT count(*) FROM opportunities WHERE close_date BETWEEN DATE '2026-11-01' AND DATE '2027-01-31'")
case('opportunities | where year(close_date) = 2026 and quarter(close_date) = 3 | select id',
     "SELECT id FROM opportunities WHERE year(close_date) = 2026 AND quarter(close_date) = 3 ORDER BY ord")
case('activities | limit 120 | select id, start_of(date, "week"), start_of(date, "month"), '
     'start_of(date, "quarter"), start_of(date, "year")',
     "SELECT id, date_trunc('week', date)::DATE, date_trunc('month', date)::DATE, "
     "date_trunc('quarter', date)::DATE, date_trunc('year', date)::DATE FROM activities ORDER BY ord LIMIT 120")
case('managers | limit 1 | select start_of(2026-06-14, "week"), start_of(2026-06-15, "week"), '
     'start_of(2026-01-01, "week"), start_of(2026-12-31, "quarter")',
     "SELECT DATE '2026-06-08', DATE '2026-06-15', DATE '2025-12-29', DATE '2026-10-01'")
case('contacts | limit 80 | select id, days_since(last_contacted), days_until(last_contacted)',
     f"SELECT id, {D(TODAY)} - last_contacted, last_contacted - {D(TODAY)} FROM contacts ORDER BY ord LIMIT 80")
case('accounts | where days_until(renewal_date) between 0 and 30 | select id, days_until(renewal_date)',
     f"SELECT id, renewal_date - {D(TODAY)} FROM accounts "
     f"WHERE renewal_date - {D(TODAY)} BETWEEN 0 AND 30 ORDER BY ord")
case('contacts | where days_since(last_contacted) > 360 | count',
     f"SELECT count(*) FROM contacts WHERE {D(TODAY)} - last_contacted > 360")
case('accounts | where upper(name) like "%INC%" and lower(country) = "us" | count',
     "SELECT count(*) FROM accounts WHERE upper(name) ILIKE '%inc%' AND lower(country) = 'us'")

# --- select of each type, *, as, literals, lexical forms --------------------------------------
case('managers | select *',
     "SELECT * EXCLUDE (ord) FROM managers ORDER BY ord")
case('accounts',                                              # every row, every column: the loader
     "SELECT * EXCLUDE (ord) FROM accounts ORDER BY ord")
case('accounts | where parent_id is not null | limit 10 | select *',
     "SELECT * EXCLUDE (ord) FROM accounts WHERE parent_id IS NOT NULL ORDER BY ord LIMIT 10")
case('contacts',
     "SELECT * EXCLUDE (ord) FROM contacts ORDER BY ord")
case('opportunities | select *',
     "SELECT * EXCLUDE (ord) FROM opportunities ORDER BY ord")
case('activities',
     "SELECT * EXCLUDE (ord) FROM activities ORDER BY ord")
case('accounts | where arr is not null | limit 5 | select name as n, arr as revenue, products as p, '
     'renewal_date as r, tier as t, arr / seats as per_seat, owner.name, health > 50 as healthy',
     "SELECT a.name, a.arr, a.products, a.renewal_date, a.tier, div(a.arr, a.seats), m.name, a.health > 50 "
     "FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id WHERE a.arr IS NOT NULL ORDER BY a.ord LIMIT 5",
     names=["n", "revenue", "p", "r", "t", "per_seat", "owner.name", "healthy"])
case('managers | limit 2 | select "x", \'y\', 42, 3.5, true, false, null, 2026-01-01, 250k, 1.5M, 1_000, "a\\tb"',
     "SELECT 'x', 'y', 42, 3.5, true, false, NULL, DATE '2026-01-01', 250000, 1500000, 1000, "
     "'a' || chr(9) || 'b' FROM managers LIMIT 2")
case('ACCOUNTS | WHERE Region = "EMEA" AND Health > 95 | SELECT ID, Arr',
     "SELECT id, arr FROM accounts WHERE region = 'EMEA' AND health > 95 ORDER BY ord")
case('accounts | where `health` > 97 | select `id`, `renewal_date`',
     "SELECT id, renewal_date FROM accounts WHERE health > 97 ORDER BY ord")
case('opportunities | where id = "O00000001" | select name, product, next_step, type, created',
     "SELECT name, product, next_step, type, created FROM opportunities WHERE id = 'O00000001'")
case('opportunities\n  | where stage = "negotiation"\n  | top 3 by amount\n  | select id, amount',
     "SELECT id, amount FROM opportunities WHERE stage = 'negotiation' ORDER BY amount DESC, ord LIMIT 3")


# --- strings beyond ASCII, like with regex metacharacters ---------------------------------
case('accounts | sort name | select id, name',          # lowercased, then by code point
     "SELECT id, name FROM accounts ORDER BY lower(name)")
case('accounts | where name = "ÅLESUND TELECOM B.V." or name = "łazienki capital group" | select id, name',
     "SELECT id, name FROM accounts WHERE lower(name) IN ('ålesund telecom b.v.', 'łazienki capital group') "
     "ORDER BY ord")
case('accounts | where name like "ÅL%" or contains(name, "ÇELIK") or starts_with(name, "đà") | select id',
     "SELECT id FROM accounts WHERE name ILIKE 'ål%' OR contains(lower(name), 'çelik') "
     "OR starts_with(lower(name), 'đà') ORDER BY ord")
case('contacts | where phone like "+44 %" | select id, phone',   # + is not a regex quantifier
     "SELECT id, phone FROM contacts WHERE phone ILIKE '+44 %' ORDER BY ord")
case('accounts | where name like "%.%" | count',                # . is not "any character"
     "SELECT count(*) FROM accounts WHERE name ILIKE '%.%'")
case('accounts | where name like "%(%" or name like "%[%" or name like "%*%" or name like "%$%" | count',
     "SELECT 0")
case('opportunities | where next_step like "%, v_" | select id, next_step',
     "SELECT id, next_step FROM opportunities WHERE next_step ILIKE '%, v_' ORDER BY ord")
case('accounts | where contains(name, "_") or contains(name, "%") or starts_with(name, "%") | count',
     "SELECT 0")
case('contacts | where name like "% o\'%" | select id, name',
     "SELECT id, name FROM contacts WHERE name ILIKE '% o''%' ORDER BY ord")
case('contacts | where phone is null | limit 3 | select id, lower(phone), length(phone), contains(phone, "9"), '
     'starts_with(phone, "+"), if(phone is null, null, 1), coalesce(phone, null)',
     "SELECT id, NULL, NULL, NULL, NULL, NULL, NULL FROM contacts WHERE phone IS NULL ORDER BY ord LIMIT 3")

# --- more comparisons: string dates, enums through paths, precedence, money precision --------
case('opportunities | where close_date in ("2026-06-30", "2026-07-01") | count',
     "SELECT count(*) FROM opportunities WHERE close_date IN (DATE '2026-06-30', DATE '2026-07-01')")
case('opportunities | where close_date between "2026-06-01" and "2026-06-07" and close_date > "2026-06-02" | select id',
     "SELECT id FROM opportunities WHERE close_date BETWEEN DATE '2026-06-01' AND DATE '2026-06-07' "
     "AND close_date > DATE '2026-06-02' ORDER BY ord")
case('accounts | where owner.region != region | select id, region, owner.region',
     "SELECT a.id, a.region, m.region FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id "
     "WHERE m.region IS DISTINCT FROM a.region ORDER BY a.ord")
case('activities | where contact.role = "champion" and kind >= "qbr" | select id, kind',
     "SELECT t.id, t.kind FROM activities t LEFT JOIN contacts c ON c.id = t.contact_id "
     "WHERE c.role = 'champion' AND ord_kind(t.kind) >= ord_kind('qbr') ORDER BY t.ord")
case('opportunities | where stage < lower("CLOSED_WON") | count',     # an enum against any string value
     "SELECT count(*) FROM opportunities WHERE ord_stage(stage) < ord_stage('closed_won')")
case('opportunities | where stage between "qualification" and upper("negotiation") | count',
     "SELECT count(*) FROM opportunities WHERE ord_stage(stage) "
     "BETWEEN ord_stage('qualification') AND ord_stage('negotiation')")
case('opportunities | where stage >= "proposal" and stage <= if(amount > 100k, "closed_won", "negotiation") '
     '| select id, stage',
     "SELECT id, stage FROM opportunities WHERE ord_stage(stage) >= ord_stage('proposal') AND ord_stage(stage) "
     "<= ord_stage(CASE WHEN amount > 100000 THEN 'closed_won' ELSE 'negotiation' END) ORDER BY ord")
case('accounts | where not nps < 0 | count',                   # not (nps < 0)
     "SELECT count(*) FROM accounts WHERE NOT coalesce(nps < 0, false)")
case('accounts | where not health between 40 and 42 | count',
     "SELECT count(*) FROM accounts WHERE NOT coalesce(health BETWEEN 40 AND 42, false)")
case('accounts | where health between 60 and 40 | count',      # reversed bounds: empty
     "SELECT count(*) FROM accounts WHERE health BETWEEN 60 AND 40")
case('accounts | where health between 40 and 45 and nps > 0 | select id',
     "SELECT id FROM accounts WHERE health BETWEEN 40 AND 45 AND nps > 0 ORDER BY ord")
case('accounts | where arr = 56099.494 | count',               # money vs a plain number: units, not cents
     "SELECT count(*) FROM accounts WHERE arr = 56099.494")
case('accounts | where arr > 56099.485 and arr < 56099.494 | select id',
     "SELECT id FROM accounts WHERE arr > 56099.485 AND arr < 56099.494 ORDER BY ord")
case('accounts | where arr is not null | limit 40 | select id, round(arr, 1), abs(-arr), floor(arr), ceil(arr), '
     '-arr, arr / arr',
     "SELECT id, rnd(arr, 1), abs(arr), floor(arr), ceil(arr), -arr, div(arr, arr) "
     "FROM accounts WHERE arr IS NOT NULL ORDER BY ord LIMIT 40")
# money and a decimal: money ± decimal and money × decimal are money (the checker's rule), so
# exact to the cent; the half cent of 214498.05 × 1.5 = 321747.075 rounds away from zero.
case('accounts | where arr is not null | select id, arr + 0.5, arr - 1.25, 0.5 + arr, arr - health / 2',
     "SELECT id, arr + 0.5, arr - 1.25, 0.5 + arr, arr - div(health, 2) "
     "FROM accounts WHERE arr IS NOT NULL ORDER BY ord")
case('accounts | where arr is not null | select id, arr * 1.5, arr * 0.333, 1.5 * arr',
     "SELECT id, rnd(arr * 1.5, 2), rnd(arr * 0.333, 2), rnd(1.5 * arr, 2) "
     "FROM accounts WHERE arr IS NOT NULL ORDER BY ord")
case('accounts | where arr + 0.5 > 1000 | count',
     "SELECT count(*) FROM accounts WHERE arr + 0.5 > 1000")
case('opportunities | limit 40 | select id, amount / account.arr, account.renewal_date - 1 month, '
     'account.renewal_date in next 90 days',
     "SELECT o.id, div(o.amount, a.arr), addm(a.renewal_date, -1), "
     f"coalesce(a.renewal_date {between(rolling('next', 90, 'days'))}, false) "
     "FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id ORDER BY o.ord LIMIT 40")
case('managers | limit 1 | select 0.5k, 1.25k, 1.2345k, 3b, 2M, "a\\\\b", \'it\\\'s\', length(""), -7 / 2, '
     'today + 3000000 days, today - 700000 days',
     "SELECT 500, 1250, 1234.5, 3000000000, 2000000, 'a\\b', 'it''s', 0, -3.5, "
     f"CAST({D(TODAY)} + 3000000 AS VARCHAR), {D(TODAY)} - 700000")
# Dates far outside DuckDB's range: the exact proleptic-Gregorian answer is computed here;
# null (as int overflow gives) or a clean query error (exit 1) are accepted too. A Swift
# trap (SPEC §7: never a crash), a wrapped-around or a silently clamped date is not.
case('managers | limit 1 | select today + 9999999999 days, year(today - 9999999999 days)',
     f"SELECT '{far_date(TODAY, days=9999999999)}', {far_year(TODAY, days=-9999999999)}", overflow_ok=True)
case('accounts | where not (renewal_date >= today + 9999999999 days) | count',   # exact or null: 500
     "SELECT count(*) FROM accounts", error_ok=True)
case('managers | limit 1 | select today + 9999999 years, today + 99999999 months, year(today - 99999999 quarters)',
     f"SELECT '{far_date(TODAY, months=12 * 9999999)}', '{far_date(TODAY, months=99999999)}', "
     f"{far_year(TODAY, months=-3 * 99999999)}", overflow_ok=True)
case('managers | limit 1 | select today + 2000000000000000000 weeks',
     f"SELECT '{far_date(TODAY, days=7 * 2000000000000000000)}'", overflow_ok=True)
case('managers | limit 1 | select today + 4000000000000000000 quarters, today + 1000000000000000000 years',
     f"SELECT '{far_date(TODAY, months=3 * 4000000000000000000)}', "
     f"'{far_date(TODAY, months=12 * 1000000000000000000)}'", overflow_ok=True)
case('accounts | where renewal_date in next 9999999 years | count',
     "SELECT count(*) FROM accounts WHERE renewal_date >= DATE '2026-06-15'", error_ok=True)

case('accounts | where health > 50.5 and health < 52.5 or nps = 18.0 | select id',   # int vs decimal
     "SELECT id FROM accounts WHERE health > 50.5 AND health < 52.5 OR nps = 18 ORDER BY ord")
case('accounts | where arr > employees * 500 | count',                          # money vs int field
     "SELECT count(*) FROM accounts WHERE arr > employees * 500")
case('accounts | where renewal_date = customer_since + 1 year and customer_since < 2015-01-01 | select id',
     "SELECT id FROM accounts WHERE renewal_date = addm(customer_since, 12) "
     "AND customer_since < DATE '2015-01-01' ORDER BY ord")
case('accounts | where customer_since > renewal_date - 300 days | select id, customer_since, renewal_date',
     "SELECT id, customer_since, renewal_date FROM accounts WHERE customer_since > renewal_date - 300 ORDER BY ord")
case('accounts | sort arr / seats desc, id | limit 60 | select id, arr / seats',   # decimal key, nulls last
     "SELECT id, div(arr, seats) FROM accounts ORDER BY div(arr, seats) DESC NULLS LAST, id LIMIT 60")
case('accounts | sort nps < 0 desc, health > 50, id | limit 200 | select id',   # false before true
     "SELECT id FROM accounts ORDER BY coalesce(nps < 0, false) DESC, coalesce(health > 50, false), id LIMIT 200")
case('accounts | top 3 by arr desc | select id',
     "SELECT id FROM accounts ORDER BY arr DESC NULLS LAST, ord LIMIT 3")
case('accounts | where health > 100 | count',
     "SELECT 0")
case('managers | sort quota | limit 100 | select id, quota',
     "SELECT id, quota FROM managers ORDER BY quota NULLS LAST, ord")

# --- later stages see the columns a select made (SPEC §4 Pipelines) -------------------------
case('accounts | select id, arr * 2 as a | where a > 10m | sort a desc, id',
     "SELECT id, arr * 2 AS a FROM accounts WHERE arr * 2 > 10000000 ORDER BY a DESC, id")
case('accounts | select id, owner.name | sort owner.name desc, id | limit 40',
     "SELECT a.id, m.name FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id "
     "ORDER BY lower(m.name) DESC, a.id LIMIT 40")
case('opportunities | select id, amount * probability | top 5 by amount * probability',
     "SELECT id, amount * probability FROM opportunities ORDER BY amount * probability DESC, ord LIMIT 5")
case('accounts | select id, tier as t | sort t desc, id | limit 30',   # still an enum after select
     "SELECT id, tier FROM accounts ORDER BY ord_tier(tier) DESC, id LIMIT 30")
case('accounts | select id, region as r, name as n | where r > "emea" and n like "%a%" | sort n | limit 30',
     "SELECT id, region, name FROM accounts WHERE ord_region(region) > ord_region('EMEA') "
     "AND name ILIKE '%a%' ORDER BY lower(name) LIMIT 30")
case('accounts | select id, renewal_date as r, products as p | where r in next 90 days and p has "mobile" | count',
     f"SELECT count(*) FROM accounts WHERE renewal_date {between(rolling('next', 90, 'days'))} "
     "AND lhas(products, 'mobile')")
case('accounts | select id, health as h | where h = null | count',
     "SELECT count(*) FROM accounts WHERE health IS NULL")
case('opportunities | top 100 by amount | select id, stage, amount | sort stage, amount, id | limit 20 offset 10',
     "SELECT id, stage, amount FROM (SELECT * FROM opportunities ORDER BY amount DESC, ord LIMIT 100) "
     "ORDER BY ord_stage(stage), amount, id LIMIT 20 OFFSET 10")

# --- column names are the canonical text of the expression (SPEC §4 Pipelines) ---------------
case('accounts | where id = "A0000001" | select (2 + 3) * 4, 2 + 3 * 4, -(nps - 1), 10 - (2 - 1), '
     'not (nps > 0 and health > 1)',
     "SELECT 20, 14, -17, 9, false",
     names=["(2 + 3) * 4", "2 + 3 * 4", "-(nps - 1)", "10 - (2 - 1)", "not (nps > 0 and health > 1)"])

# --- collections of collections, hierarchies, analytic functions (SPEC §4) ----------
# These also run on generated portfolios of several sizes (--sizes).

# Every (row, ancestor, depth) pair of the account and manager hierarchies.
ACC_UP = """WITH RECURSIVE up(id, anc, depth) AS (
  SELECT id, parent_id, 1 FROM accounts WHERE parent_id IS NOT NULL
  UNION ALL SELECT up.id, a.parent_id, up.depth + 1 FROM up JOIN accounts a ON a.id = up.anc WHERE a.parent_id IS NOT NULL)"""
MGR_UP = """WITH RECURSIVE up(id, anc, depth) AS (
  SELECT id, lead_id, 1 FROM managers WHERE lead_id IS NOT NULL
  UNION ALL SELECT up.id, m.lead_id, up.depth + 1 FROM up JOIN managers m ON m.id = up.anc WHERE m.lead_id IS NOT NULL)"""

case('managers | select id, count(team.opportunities[stage = "closed_won"]) as won',
     'SELECT m.id, (SELECT count(*) FROM managers t JOIN opportunities o ON o.owner_id = t.id '
     'WHERE t.lead_id = m.id AND o.stage = \'closed_won\') FROM managers m ORDER BY m.ord', sized=True)
case('managers | select id, sum(team.accounts.arr), avg(team.accounts.health), max(team.accounts.renewal_date)',
     'SELECT m.id, coalesce((SELECT sum(a.arr) FROM managers t JOIN accounts a ON a.owner_id = t.id WHERE t.lead_id = m.id), 0), '
     '(SELECT avg(a.health) FROM managers t JOIN accounts a ON a.owner_id = t.id WHERE t.lead_id = m.id), '
     '(SELECT max(a.renewal_date) FROM managers t JOIN accounts a ON a.owner_id = t.id WHERE t.lead_id = m.id) '
     'FROM managers m ORDER BY m.ord', sized=True)
case('managers | select id, sum(accounts[status = "active"].opportunities[stage = "closed_won"].amount) as won',
     'SELECT m.id, coalesce((SELECT sum(o.amount) FROM accounts a JOIN opportunities o ON o.account_id = a.id '
     'WHERE a.owner_id = m.id AND a.status = \'active\' AND o.stage = \'closed_won\'), 0) FROM managers m ORDER BY m.ord', sized=True)
case('accounts | select id, count(contacts[role = "champion"].activities[kind = "qbr"]) as qbrs',
     'SELECT a.id, (SELECT count(*) FROM contacts c JOIN activities x ON x.contact_id = c.id '
     'WHERE c.account_id = a.id AND c.role = \'champion\' AND x.kind = \'qbr\') FROM accounts a ORDER BY a.ord', sized=True)
case('accounts | select id, count(owner.accounts.owner.accounts) as same',   # a row reached twice counts once
     'SELECT a.id, (SELECT count(*) FROM accounts b WHERE b.owner_id = a.owner_id) FROM accounts a ORDER BY a.ord', sized=True)
case('managers | where exists(team.accounts[health < 30]) | select id',
     'SELECT m.id FROM managers m WHERE EXISTS (SELECT 1 FROM managers t JOIN accounts a ON a.owner_id = t.id '
     'WHERE t.lead_id = m.id AND a.health < 30) ORDER BY m.ord', sized=True)
case('accounts | where not exists(opportunities[stage = "closed_won"]) | select id',
     'SELECT a.id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.account_id = a.id '
     'AND o.stage = \'closed_won\') ORDER BY a.ord', sized=True)
case('accounts | where count(contacts[role = "champion"]) >= 2 | select id',
     'SELECT a.id FROM accounts a WHERE (SELECT count(*) FROM contacts c WHERE c.account_id = a.id '
     'AND c.role = \'champion\') >= 2 ORDER BY a.ord', sized=True)
case('accounts | where count(opportunities[stage = "closed_won"]) = 0 and status = "active" | count',
     'SELECT count(*) FROM accounts a WHERE a.status = \'active\' AND NOT EXISTS (SELECT 1 FROM opportunities o '
     'WHERE o.account_id = a.id AND o.stage = \'closed_won\')', sized=True)
case('accounts | where sum(opportunities[stage not in ("closed_won", "closed_lost")].amount) > 500k | select id',
     'SELECT a.id FROM accounts a WHERE (SELECT coalesce(sum(o.amount), 0) FROM opportunities o WHERE o.account_id = a.id '
     'AND o.stage NOT IN (\'closed_won\', \'closed_lost\')) > 500000 ORDER BY a.ord', sized=True)
case('accounts | select id, count(descendants), sum(descendants.arr), min(descendants.health), count(descendants[status = "churned"])',
     ACC_UP + ' SELECT a.id, (SELECT count(*) FROM up WHERE up.anc = a.id), '
     '(SELECT coalesce(sum(d.arr), 0) FROM up JOIN accounts d ON d.id = up.id WHERE up.anc = a.id), '
     '(SELECT min(d.health) FROM up JOIN accounts d ON d.id = up.id WHERE up.anc = a.id), '
     '(SELECT count(*) FROM up JOIN accounts d ON d.id = up.id WHERE up.anc = a.id AND d.status = \'churned\') '
     'FROM accounts a ORDER BY a.ord', sized=True)
case('accounts | select id, root.id, count(ancestors), max(ancestors.arr)',
     ACC_UP + ' SELECT a.id, coalesce((SELECT up.anc FROM up WHERE up.id = a.id ORDER BY up.depth DESC LIMIT 1), a.id), '
     '(SELECT count(*) FROM up WHERE up.id = a.id), '
     '(SELECT max(p.arr) FROM up JOIN accounts p ON p.id = up.anc WHERE up.id = a.id) FROM accounts a ORDER BY a.ord', sized=True)
case('accounts | where parent is not null | select id, ancestors.id',   # nearest first
     ACC_UP + ' SELECT a.id, (SELECT list(up.anc ORDER BY up.depth) FROM up WHERE up.id = a.id) '
     'FROM accounts a WHERE a.parent_id IS NOT NULL ORDER BY a.ord', sized=True)
case('accounts | where sum(descendants.arr) > 1m | select id',
     ACC_UP + ' SELECT a.id FROM accounts a WHERE (SELECT coalesce(sum(d.arr), 0) FROM up JOIN accounts d ON d.id = up.id '
     'WHERE up.anc = a.id) > 1000000 ORDER BY a.ord', sized=True)
case('accounts | where parent is null | select id, arr + sum(descendants.arr) as group_arr | top 5 by group_arr',
     ACC_UP + ' SELECT a.id, a.arr + (SELECT coalesce(sum(d.arr), 0) FROM up JOIN accounts d ON d.id = up.id WHERE up.anc = a.id) AS g '
     'FROM accounts a WHERE a.parent_id IS NULL ORDER BY g DESC NULLS LAST, a.ord LIMIT 5', sized=True)
case('accounts | select id, count(descendants.opportunities[stage = "closed_won"]) as won',
     ACC_UP + ' SELECT a.id, (SELECT count(*) FROM up JOIN opportunities o ON o.account_id = up.id '
     'WHERE up.anc = a.id AND o.stage = \'closed_won\') FROM accounts a ORDER BY a.ord', sized=True)
case('accounts | where parent is not null and not (products has "Analytics") and exists(root.descendants[products has "Analytics"]) | select id',
     ACC_UP + ', roots AS (SELECT a.id, coalesce((SELECT up.anc FROM up WHERE up.id = a.id ORDER BY up.depth DESC LIMIT 1), a.id) AS root FROM accounts a) '
     'SELECT a.id FROM accounts a JOIN roots r ON r.id = a.id WHERE a.parent_id IS NOT NULL '
     'AND NOT coalesce(lhas(a.products, \'Analytics\'), false) '
     'AND EXISTS (SELECT 1 FROM up JOIN accounts d ON d.id = up.id WHERE up.anc = r.root AND lhas(d.products, \'Analytics\')) ORDER BY a.ord', sized=True)
case('managers | select id, count(descendants), sum(descendants.quota), root.id',
     MGR_UP + ' SELECT m.id, (SELECT count(*) FROM up WHERE up.anc = m.id), '
     '(SELECT coalesce(sum(d.quota), 0) FROM up JOIN managers d ON d.id = up.id WHERE up.anc = m.id), '
     'coalesce((SELECT up.anc FROM up WHERE up.id = m.id ORDER BY up.depth DESC LIMIT 1), m.id) FROM managers m ORDER BY m.ord', sized=True)
case('managers | select id, sum(descendants.accounts.arr) as org_book',
     MGR_UP + ' SELECT m.id, (SELECT coalesce(sum(a.arr), 0) FROM up JOIN accounts a ON a.owner_id = up.id WHERE up.anc = m.id) '
     'FROM managers m ORDER BY m.ord', sized=True)
case('accounts | select id, region, arr, rank(arr desc per region) as r, row_number(arr desc per region) as n',
     'SELECT id, region, arr, rank() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST), '
     'row_number() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST, ord) FROM accounts ORDER BY ord', sized=True)
case('accounts | select id, health, rank(health) as r',   # nulls last, ties share a rank
     'SELECT id, health, rank() OVER (ORDER BY health ASC NULLS LAST) FROM accounts ORDER BY ord', sized=True)
case('accounts | sort arr desc, id | select id, arr, running_sum(arr) as run, previous(id) as before, next(arr) as after',
     'SELECT id, arr, sum(arr) OVER w, lag(id) OVER w, lead(arr) OVER (ORDER BY arr DESC NULLS LAST, id) '
     'FROM accounts WINDOW w AS (ORDER BY arr DESC NULLS LAST, id ROWS UNBOUNDED PRECEDING) ORDER BY arr DESC NULLS LAST, id', sized=True)
case('accounts | sort region, arr desc, id | select region, id, running_sum(arr per region) as run, share(arr per region) as part',
     'SELECT region, id, sum(arr) OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST, id ROWS UNBOUNDED PRECEDING), '
     'CAST(arr AS DOUBLE) / nullif(sum(arr) OVER (PARTITION BY region), 0) '
     'FROM accounts ORDER BY ord_region(region) NULLS LAST, arr DESC NULLS LAST, id', sized=True)
case('opportunities | where stage = "closed_won" | group by year(close_date) as y, quarter(close_date) as q aggregate sum(amount) as won '
     '| select y, q, won, won - previous(won) as change',
     'SELECT y, q, won, won - lag(won) OVER (ORDER BY y, q) FROM (SELECT year(close_date) AS y, quarter(close_date) AS q, '
     'sum(amount) AS won FROM opportunities WHERE stage = \'closed_won\' GROUP BY 1, 2) ORDER BY y NULLS LAST, q NULLS LAST', sized=True)
case('opportunities | where stage = "closed_won" | group by owner_id aggregate sum(amount) as won | select owner_id, won, rank(won desc) as r, share(won) as s | sort r, owner_id',
     'SELECT owner_id, won, rank() OVER (ORDER BY won DESC NULLS LAST) AS r, CAST(won AS DOUBLE) / nullif(sum(won) OVER (), 0) '
     'FROM (SELECT owner_id, sum(amount) AS won FROM opportunities WHERE stage = \'closed_won\' GROUP BY owner_id) '
     'ORDER BY r, lower(owner_id) NULLS LAST', sized=True)
case('accounts | select id, region, arr | where rank(arr desc per region) <= 2',
     'SELECT id, region, arr FROM (SELECT id, region, arr, ord, rank() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST) AS r '
     'FROM accounts) WHERE r <= 2 ORDER BY ord', sized=True)


# ---------------------------------------------------------------------------------
# Running folio.
# ---------------------------------------------------------------------------------

@dataclass
class Answer:
    rows: list[list[tuple[str, Any]]] | None = None   # each row: (column, value) pairs
    error: str | None = None
    rc: int = 0                                        # folio's exit code when error is set


def run_folio(folio: str, data: str, queries: list[str]) -> tuple[list[Answer], int, str]:
    """Runs the queries in one process; returns the parsed answers (a prefix of
    `queries` when folio stops at an error), the exit code and stderr."""
    argv = [folio, "--data", data, "--format", "json", "-c", " ;\n".join(queries)]
    for attempt in range(30):   # the binary may be mid-rebuild ("Text file busy")
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
            break
        except OSError as e:
            if e.errno != errno.ETXTBSY or attempt == 29:
                raise
            time.sleep(2)
    out, pos, answers = proc.stdout, 0, []
    decoder = json.JSONDecoder(object_pairs_hook=list)
    while True:
        while pos < len(out) and out[pos].isspace():
            pos += 1
        if pos >= len(out):
            break
        try:
            value, pos = decoder.raw_decode(out, pos)
        except json.JSONDecodeError as e:
            answers.append(Answer(error=f"unparseable JSON on stdout: {e}: {out[pos:pos + 200]!r}"))
            break
        if not isinstance(value, list):
            answers.append(Answer(error=f"stdout is not a JSON array: {value!r:.200}"))
            break
        answers.append(Answer(rows=value))
    return answers, proc.returncode, proc.stderr


def folio_answers(folio: str, data: str, cases: list[Case]) -> list[Answer]:
    """One answer per case, from as few folio processes as possible.

    All queries go to one process. folio stops at a failing statement after printing the
    answers before it; a crash may lose even those (stdout is buffered), so the failing
    statement is found by running the suspect alone and otherwise by halving the batch."""
    if not cases:
        return []
    answers, rc, err = run_folio(folio, data, [c.folio for c in cases])
    good: list[Answer] = []
    for a in answers:
        if a.error is not None:
            break
        good.append(a)
    if rc == 0 and len(good) == len(cases):
        return good
    if len(cases) == 1:
        msg = answers[0].error if answers and answers[0].error else " ".join(err.split())
        if len(msg) > 600:
            msg = msg[:600] + " …"
        how = f"killed by signal {-rc}" if rc < 0 else f"exit code {rc}"
        return [Answer(error=f"{how}: {msg}" if msg else how, rc=rc)]
    if len(good) == len(cases):   # every answer printed, yet a failing exit code
        return good[:-1] + folio_answers(folio, data, cases[-1:])
    k = len(good)
    suspect = folio_answers(folio, data, [cases[k]])
    if suspect[0].error is not None:
        return good + suspect + folio_answers(folio, data, cases[k + 1:])
    rest = cases[k:]   # the suspect is fine alone: output was lost, so bisect
    mid = len(rest) // 2
    return good + folio_answers(folio, data, rest[:mid]) + folio_answers(folio, data, rest[mid:])


# --- group by, aggregates and distinct (groups come out in key order, nulls last) -------
case('accounts | group by region',
     'SELECT region, count(*) FROM accounts GROUP BY region ORDER BY ord_region(region) NULLS LAST')
case('opportunities | group by stage aggregate count(), sum(amount), avg(amount), min(amount), max(amount)',
     'SELECT stage, count(*), sum(amount), avg(amount), min(amount), max(amount) FROM opportunities '
     'GROUP BY stage ORDER BY ord_stage(stage) NULLS LAST')
case('opportunities | group by type aggregate count(amount), count_distinct(account_id), median(amount)',
     'SELECT type, count(amount), count(DISTINCT account_id), round(median(amount::DOUBLE), 2) FROM opportunities '
     'GROUP BY type ORDER BY ord_otype(type) NULLS LAST')
case('opportunities | group by account.region as region aggregate count_if(stage = "closed_won"), '
     'sum_if(amount, stage = "closed_won") as won',
     'SELECT a.region, count(*) FILTER (WHERE o.stage = \'closed_won\'), '
     'coalesce(sum(o.amount) FILTER (WHERE o.stage = \'closed_won\'), 0) '
     'FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id GROUP BY a.region ORDER BY ord_region(a.region) NULLS LAST')
case('accounts | where status = "active" | group by tier, region aggregate avg(health), median(health) | where avg(health) > 60',
     'SELECT tier, region, avg(health), median(health) FROM accounts WHERE status = \'active\' GROUP BY tier, region '
     'HAVING avg(health) > 60 ORDER BY ord_tier(tier), ord_region(region) NULLS LAST')
case('opportunities | group by year(close_date) aggregate sum(amount) | sort sum(amount) desc | limit 3',
     'SELECT year(close_date), sum(amount) FROM opportunities GROUP BY 1 ORDER BY 2 DESC LIMIT 3')
case('accounts | group by parent.name aggregate count() | sort count() desc, parent.name | limit 5',
     'SELECT p.name, count(*) FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id GROUP BY p.name '
     'ORDER BY 2 DESC, lower(p.name) NULLS LAST LIMIT 5')
case('accounts | top 2 by arr per region | select region, id, arr',
     'SELECT region, id, arr FROM (SELECT region, id, arr, ord, row_number() OVER (PARTITION BY region ORDER BY arr DESC NULLS LAST, ord) AS rn '
     'FROM accounts) WHERE rn <= 2 ORDER BY ord_region(region) NULLS LAST, rn')
case('opportunities | where stage = "closed_won" | top 1 by close_date per account.owner.name | select account.owner.name, id, close_date',
     'SELECT name, id, close_date FROM (SELECT m.name, o.id, o.close_date, o.ord, row_number() OVER (PARTITION BY lower(m.name) '
     'ORDER BY o.close_date DESC NULLS LAST, o.ord) AS rn FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id '
     'LEFT JOIN managers m ON m.id = a.owner_id WHERE o.stage = \'closed_won\') WHERE rn <= 1 ORDER BY lower(name) NULLS LAST')
case('accounts | select id, count(opportunities), sum(opportunities.amount), exists(contacts[role = "champion"])',
     'SELECT a.id, (SELECT count(*) FROM opportunities o WHERE o.account_id = a.id), '
     '(SELECT coalesce(sum(o.amount), 0) FROM opportunities o WHERE o.account_id = a.id), '
     'EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND c.role = \'champion\') FROM accounts a ORDER BY a.ord')
case('accounts | where status = "active" and not exists(opportunities[type = "upsell" and stage not in ("closed_won", "closed_lost")]) | select id',
     'SELECT a.id FROM accounts a WHERE a.status = \'active\' AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.account_id = a.id '
     'AND o.type = \'upsell\' AND o.stage NOT IN (\'closed_won\', \'closed_lost\')) ORDER BY a.ord')
case('accounts | where exists(contacts[role = "champion" and count(activities[kind = "qbr"]) > 0]) | select id',
     'SELECT a.id FROM accounts a WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id AND c.role = \'champion\' '
     'AND (SELECT count(*) FROM activities t WHERE t.contact_id = c.id AND t.kind = \'qbr\') > 0) ORDER BY a.ord')
case('accounts | select id, arr + sum(children.arr), avg(children.arr), max(opportunities.close_date), median(opportunities.probability)',
     'SELECT a.id, a.arr + (SELECT coalesce(sum(c.arr), 0) FROM accounts c WHERE c.parent_id = a.id), '
     '(SELECT round(avg(c.arr * 100)) / 100 FROM accounts c WHERE c.parent_id = a.id), '
     '(SELECT max(o.close_date) FROM opportunities o WHERE o.account_id = a.id), '
     '(SELECT median(o.probability) FROM opportunities o WHERE o.account_id = a.id) FROM accounts a ORDER BY a.ord')
case('managers | select id, count(accounts), count(team), count(opportunities[stage = "closed_won"]), sum(accounts[status = "active"].arr)',
     'SELECT m.id, (SELECT count(*) FROM accounts a WHERE a.owner_id = m.id), (SELECT count(*) FROM managers t WHERE t.lead_id = m.id), '
     '(SELECT count(*) FROM opportunities o WHERE o.owner_id = m.id AND o.stage = \'closed_won\'), '
     '(SELECT coalesce(sum(a.arr), 0) FROM accounts a WHERE a.owner_id = m.id AND a.status = \'active\') FROM managers m ORDER BY m.ord')
case('opportunities | where count(account.contacts[role = "blocker"]) > 0 | select id',
     'SELECT o.id FROM opportunities o WHERE (SELECT count(*) FROM contacts c WHERE c.account_id = o.account_id AND c.role = \'blocker\') > 0 ORDER BY o.ord')
case('accounts | select id, count_distinct(opportunities.type), count(contacts.phone)',
     'SELECT a.id, (SELECT count(DISTINCT o.type) FROM opportunities o WHERE o.account_id = a.id), '
     '(SELECT count(c.phone) FROM contacts c WHERE c.account_id = a.id) FROM accounts a ORDER BY a.ord')
case('accounts | distinct region, tier',
     'SELECT DISTINCT region, tier FROM accounts ORDER BY ord_region(region), ord_tier(tier)')
case('contacts | where is_primary | group by role aggregate count(), min(last_contacted), max(last_contacted)',
     'SELECT role, count(*), min(last_contacted), max(last_contacted) FROM contacts WHERE is_primary '
     'GROUP BY role ORDER BY ord_crole(role) NULLS LAST')


# ---------------------------------------------------------------------------------
# Comparing.
# ---------------------------------------------------------------------------------

def norm(v: Any) -> Any:
    """One comparable form per value: numbers → float, dates → ISO strings."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float, decimal.Decimal)):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    return repr(v)


def same_number(a: float, b: float) -> bool:
    if a == b:
        return True
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return False
    # 6 significant digits, and never more than half a cent apart (money is exact to the cent)
    sig = float(f"{a:.6g}") == float(f"{b:.6g}") or math.isclose(a, b, rel_tol=1e-6)
    return sig and abs(a - b) < 0.005


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        return same_number(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def compare(folio_rows: list[list[tuple[str, Any]]], sql_rows: list[tuple],
            names: list[str] | None, null_ok: bool = False) -> tuple[str, int] | None:
    """None when the answers agree; else what differs (up to 5 cells) and the first bad row."""
    f = [[norm(v) for _, v in row] for row in folio_rows]
    s = [[norm(v) for v in row] for row in sql_rows]
    if names is not None and folio_rows:
        got = [k for k, _ in folio_rows[0]]
        if got != names:
            return f"column names {got}, expected {names}", 0
    diffs: list[str] = []
    first = -1
    for i, (x, y) in enumerate(zip(f, s)):
        if len(x) != len(y):
            return f"row {i}: {len(x)} columns from folio, {len(y)} from SQL", i
        for j, (p, q) in enumerate(zip(x, y)):
            if not same(p, q) and not (null_ok and p is None):
                first = i if first < 0 else first
                if len(diffs) < 5:
                    diffs.append(f"row {i}, column {j} ({folio_rows[i][j][0]}): folio {p!r}, SQL {q!r}")
    if len(f) != len(s):
        diffs.insert(0, f"{len(f)} rows from folio, {len(s)} from SQL")
        first = min(len(f), len(s)) if first < 0 else first
    if not diffs:
        return None
    return "; ".join(diffs), max(first, 0)


def show(rows: list[list[Any]], start: int = 0, limit: int = 12) -> str:
    """Up to `limit` rows from just before `start` (the first mismatch)."""
    start = max(0, min(start - 2, len(rows) - limit))
    lines = [f"[{i}] {rows[i]!r}" for i in range(start, min(len(rows), start + limit))]
    if start > 0:
        lines.insert(0, f"… {start} rows before")
    if len(rows) > start + limit:
        lines.append(f"… {len(rows) - start - limit} more rows")
    return "\n".join("      " + ln for ln in lines) if rows else "      (no rows)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folio", default=".build/debug/folio",
                    help="the folio binary (relative paths are relative to the repo root)")
    ap.add_argument("--data", default="Samples/portfolio",
                    help="the sample portfolio (relative to the repo root)")
    ap.add_argument("-k", dest="filter", help="run only cases whose folio query contains TEXT")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    ap.add_argument("--sizes", default="",
                    help="also run the sized cases on generated portfolios of these many accounts (comma-separated)")
    args = ap.parse_args()

    folio = args.folio if os.path.isabs(args.folio) else os.path.join(REPO, args.folio)
    data = args.data if os.path.isabs(args.data) else os.path.join(REPO, args.data)
    if not os.access(folio, os.X_OK):
        sys.exit(f"crosscheck: no folio binary at {folio} (build it, or pass --folio)")

    cases = [c for c in CASES if not args.filter or args.filter.lower() in c.folio.lower()]
    passed = failed = 0
    runs = [(data, cases)]
    for size in [int(n) for n in args.sizes.split(",") if n.strip()]:
        generated = os.path.join(tempfile.mkdtemp(prefix="folio-crosscheck-"), f"portfolio-{size}")
        subprocess.run([folio, "generate", "--accounts", str(size), "--seed", str(size), "--out", generated], check=True)
        runs.append((generated, [c for c in cases if c.sized]))
    for data, cases in runs:
        if data != runs[0][0]:
            print(f"-- {len(cases)} sized cases on {data}")
        p, f = check(folio, data, cases, args.verbose)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def check(folio: str, data: str, cases: list[Case], verbose: bool) -> tuple[int, int]:
    """Runs the cases on one portfolio; prints each failure; returns (passed, failed)."""
    con = duckdb.connect(":memory:")
    load(con, data)
    answers = folio_answers(folio, data, cases)

    passed = failed = 0
    for n, (c, ans) in enumerate(zip(cases, answers), 1):
        try:
            sql_rows = con.execute(c.sql).fetchall()
        except duckdb.Error as e:
            sql_rows, problem = None, f"the SQL failed: {e}"
        at = 0
        if sql_rows is not None:
            if ans.error:
                problem = ans.error
                if c.error_ok and ans.rc == 1:
                    problem = None   # a clean query error is an acceptable answer here
            else:
                diff = compare(ans.rows, sql_rows, c.names, c.overflow_ok)
                problem, at = diff if diff else (None, 0)
        if problem is None:
            passed += 1
            if verbose:
                print(f"ok   {n}: {c.folio}")
            continue
        failed += 1
        print(f"FAIL {n}: {problem}")
        print(f"  folio: {c.folio}")
        print(f"  sql:   {c.sql}")
        if ans.rows is not None:
            print("  folio answer:")
            print(show([[norm(v) for _, v in r] for r in ans.rows], at))
        if sql_rows is not None:
            print("  SQL answer:")
            print(show([[norm(v) for v in r] for r in sql_rows], at))
        print()
    return passed, failed


if __name__ == "__main__":
    sys.exit(main())
