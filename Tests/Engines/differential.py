#!/usr/bin/env python3
"""The differential test: every query, in memory and on every SQL engine, same answers.

folio's in-memory engine is the reference (SPEC §8). For each portfolio (the sample, and
generated ones with --sizes) the queries run in memory (`folio --format json`), and on
each engine: SQLite, DuckDB and Spark SQL load `folio export --dialect D` through its own
`schema.sql` and run what `folio sql --dialect D` prints; PostgreSQL gets the portfolio with
`folio push` and runs the queries through `folio --engine` (when FOLIO_TEST_POSTGRES names a
server). The queries: every case of Tests/Golden (a file's cases share a session, as in the
golden test), every query of Tests/CrossCheck, the examples of Grammar/folio.ebnf, the saved
playbooks, and --random N generated ones (Tests/Engines/querygen.py).

    python3 Tests/Engines/differential.py [--folio PATH] [--engines sqlite,duckdb,spark,postgres]
                                          [--sizes 300] [--random 300 --seed 1] [-k TEXT] [-v]

A disagreement prints the query, the SQL and both answers; exit 1 if there was one. A query a
dialect cannot express must say so ("cannot be expressed in …"); those are counted apart.
Numbers agree when equal, or (floating point only) within a relative 1e-9: engines add
floats in other orders. Money and whole numbers must be equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Tests", "CrossCheck"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------

@dataclass
class Script:
    """Statements that run in one session; each query statement gives one answer."""
    origin: str
    statements: list[str]
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ;\n".join(self.statements)


def is_query(statement: str) -> bool:
    s = statement.strip()
    return bool(s) and not s.startswith("let ") and not s.startswith("explain")


def runnable(statement: str) -> bool:
    """A case the differential test takes: no dot-command, no explain (its answer is a plan)."""
    s = statement.strip()
    return bool(s) and not s.startswith(".") and "explain" not in s


def golden_scripts() -> list[Script]:
    out = []
    folder = os.path.join(REPO, "Tests", "Golden")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".golden") or name in ("explain.golden", "errors.golden"):
            continue
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        statements = []
        for block in re.split(r"^=== ", text, flags=re.M)[1:]:
            head, _, rest = block.partition("\n")
            query, _, expected = rest.partition("\n---\n")
            if expected.lstrip().startswith(("error", "warning")) or "\n." in "\n" + query:
                continue
            if runnable(query):
                statements.append(query.strip())
        if statements:
            out.append(Script("golden " + name, statements))
    return out


def crosscheck_scripts() -> list[Script]:
    import crosscheck
    return [Script("crosscheck", [c.folio for c in crosscheck.CASES if not c.error_ok])]


def grammar_scripts() -> list[Script]:
    text = open(os.path.join(REPO, "Grammar", "folio.ebnf"), encoding="utf-8").read()
    examples = [m.strip() for m in re.findall(r"\(\*>(.*?)\*\)", text, flags=re.S)]
    return [Script("grammar", [e for e in examples if runnable(e)])]


def playbook_scripts() -> list[Script]:
    folder = os.path.join(REPO, "Samples", "queries")
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".folio"):
            continue
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        params = dict(re.findall(r"--param (\w+)=(\S+)", text))
        body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
        out.append(Script("playbook " + name, [body.strip()], params))
    return out


# ---------------------------------------------------------------------------------
# Running folio
# ---------------------------------------------------------------------------------

def folio_cmd(folio: str, data: str | None, params: dict[str, str]) -> list[str]:
    argv = [folio] + (["--data", data] if data else [])
    for k, v in params.items():
        argv += ["--param", f"{k}={v}"]
    return argv


def decode_stream(out: str) -> list[Any]:
    decoder = json.JSONDecoder(object_pairs_hook=list)
    pos, values = 0, []
    while True:
        while pos < len(out) and out[pos].isspace():
            pos += 1
        if pos >= len(out):
            return values
        v, pos = decoder.raw_decode(out, pos)
        values.append(v)


@dataclass
class Answer:
    rows: list | None = None
    error: str | None = None


def folio_answers(folio: str, data: str, script: Script, extra: list[str] | None = None) -> list[Answer]:
    """The in-memory answers of a script's queries (or through --engine with `extra`)."""
    argv = folio_cmd(folio, None if extra else data, script.params) + (extra or []) + ["--format", "json", "-c", script.text]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    try:
        answers = [Answer(rows=v) for v in decode_stream(p.stdout)]
    except json.JSONDecodeError as e:
        return [Answer(error=f"unreadable output: {e}")]
    if p.returncode != 0:
        answers.append(Answer(error=" ".join(p.stderr.split())[:800] or f"exit {p.returncode}"))
    return answers


def engine_answers(folio: str, script: Script, queries: list[str], extra: list[str], data: str | None = None) -> list[Answer]:
    """Answers in memory (with `data`) or through `folio --engine` (`extra`), one per query: a
    script stops at its first error, so the queries after it run again (after the script's
    `let`s)."""
    answers: list[Answer] = []
    lets = [st for st in script.statements if st.strip().startswith("let ") and ";" not in st]
    rest = None
    while True:
        s = script if rest is None else Script(script.origin, lets + rest, script.params)
        got = folio_answers(folio, data, s, extra)
        answers += got
        done = len(answers)
        if done >= len(queries) or not got or got[-1].error is None:
            return answers
        rest = queries[done:]


def folio_sql(folio: str, data: str, script: Script, dialect: str) -> list[dict]:
    argv = folio_cmd(folio, data, script.params) + ["sql", script.text, "--dialect", dialect, "--format", "json"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if p.returncode not in (0, 1):
        return [{"error": " ".join(p.stderr.split())[:800] or f"exit {p.returncode}"}]
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------

def statements_of(schema_sql: str) -> list[str]:
    """schema.sql's statements: SQL ending in ';' (and dot-commands, a line each)."""
    out, current = [], []
    for line in schema_sql.splitlines():
        if line.startswith("--") or not line.strip():
            continue
        if line.startswith(".") or line.startswith("\\"):
            out.append(line)
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if current:
        out.append("\n".join(current))
    return out


class Engine:
    name = ""
    dialect = ""

    def load(self, folder: str) -> None: ...
    def query(self, sql: str) -> list[tuple]: ...
    def close(self) -> None: ...


class SQLiteEngine(Engine):
    """Python's sqlite3 with a Unicode lower() (SQLite's own folds ASCII only); `.import`
    is done here as the sqlite3 shell does it: every field as text, '' for an empty one."""
    name = dialect = "sqlite"

    def load(self, folder: str) -> None:
        import csv
        self.con = sqlite3.connect(":memory:")
        self.con.create_function("lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True)
        self.con.create_function("upper", 1, lambda s: s.upper() if isinstance(s, str) else s, deterministic=True)
        for st in statements_of(open(os.path.join(folder, "schema.sql"), encoding="utf-8").read()):
            if st.startswith(".import"):
                m = re.match(r"\.import --csv --skip 1 '([^']+)' (\S+)", st)
                assert m, st
                with open(os.path.join(folder, m.group(1)), newline="", encoding="utf-8") as f:
                    rows = list(csv.reader(f))[1:]
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    self.con.executemany(f"INSERT INTO {m.group(2)} VALUES ({marks})", rows)
            elif st in ("BEGIN", "COMMIT"):
                continue
            else:
                self.con.execute(st)
        self.con.commit()

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.con.close()


class DuckDBEngine(Engine):
    name = dialect = "duckdb"

    def load(self, folder: str) -> None:
        import duckdb
        self.con = duckdb.connect(":memory:")
        here = os.getcwd()
        os.chdir(folder)
        try:
            self.con.execute(open("schema.sql", encoding="utf-8").read())
        finally:
            os.chdir(here)

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.con.close()


class SparkEngine(Engine):
    """Spark SQL in local mode (pyspark), on the export's CSV files through its schema.sql."""
    name = dialect = "spark"
    session = None

    def load(self, folder: str) -> None:
        if SparkEngine.session is None:
            os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--driver-memory 2g pyspark-shell")
            from pyspark.sql import SparkSession
            SparkEngine.session = (SparkSession.builder.master("local[2]").appName("folio-differential")
                                   .config("spark.sql.shuffle.partitions", "2")
                                   .config("spark.ui.enabled", "false")
                                   .config("spark.sql.session.timeZone", "UTC")
                                   .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="folio-spark-wh-"))
                                   .getOrCreate())
            SparkEngine.session.sparkContext.setLogLevel("ERROR")
        here = os.getcwd()
        os.chdir(folder)
        try:
            for st in statements_of(open("schema.sql", encoding="utf-8").read()):
                # The CSV paths are relative to the folder: made absolute for Spark.
                st = re.sub(r"path '([^']+)'", lambda m: f"path '{os.path.join(folder, m.group(1))}'", st)
                SparkEngine.session.sql(st)
        finally:
            os.chdir(here)

    def query(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in SparkEngine.session.sql(sql).collect()]

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------

def engine_value(v: Any, typ: str) -> Any:
    """An engine's value in folio's JSON form for the column's type."""
    if v is None:
        return None
    if typ == "bool":
        return bool(v)
    if typ == "list of string":
        if isinstance(v, str):
            v = json.loads(v)
        return [str(x) for x in v] if v else None
    if isinstance(v, (dt.datetime,)):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if typ == "date" and isinstance(v, str):
        return v[:10] if len(v) > 10 and v[10] in " T" else v
    if typ in ("int", "money", "decimal") and isinstance(v, (int, float, decimal.Decimal, str)):
        return float(v)
    return v


def folio_value(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [str(x) for x in v]
    return v


def same(a: Any, b: Any, typ: str) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if a == b:
            return True
        if typ != "decimal" or math.isnan(a) or math.isnan(b):
            return False
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def compare(folio_rows: list, engine_rows: list[tuple], columns: list[dict]) -> str | None:
    types = [c["type"] for c in columns]
    f = [[folio_value(v) for _, v in row] for row in folio_rows]
    e = [[engine_value(v, types[j] if j < len(types) else "") for j, v in enumerate(row)] for row in engine_rows]
    diffs = []
    if len(f) != len(e):
        diffs.append(f"{len(f)} rows in memory, {len(e)} on the engine")
    for i, (x, y) in enumerate(zip(f, e)):
        if len(x) != len(y):
            diffs.append(f"row {i}: {len(x)} columns in memory, {len(y)} on the engine")
            break
        for j, (p, q) in enumerate(zip(x, y)):
            if not same(p, q, types[j]):
                diffs.append(f"row {i}, column {columns[j]['name']}: memory {p!r}, engine {q!r}")
                if len(diffs) >= 5:
                    return "; ".join(diffs)
    return "; ".join(diffs) if diffs else None


def show(rows: list, limit: int = 8) -> str:
    lines = [f"      {r!r}" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"      … {len(rows) - limit} more")
    return "\n".join(lines) if lines else "      (no rows)"


# ---------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------

@dataclass
class Tally:
    agreed: int = 0
    failed: int = 0
    inexpressible: int = 0
    notes: list[str] = field(default_factory=list)


def run_dataset(folio: str, data: str, scripts: list[Script], engines: list[Engine], tally: dict[str, Tally],
                keyword: str | None, verbose: bool, postgres: str | None) -> None:
    work = tempfile.mkdtemp(prefix="folio-differential-")
    try:
        memory: dict[int, list[Answer]] = {}
        for k, s in enumerate(scripts):
            queries = [c.get("query", "?") for c in folio_sql(folio, data, s, "postgres")]
            memory[k] = engine_answers(folio, s, queries, [], data)
        for engine in engines:
            t = tally[engine.name]
            if engine.name == "postgres":
                p = subprocess.run(folio_cmd(folio, data, {}) + ["push", postgres], capture_output=True, text=True)
                if p.returncode != 0:
                    t.failed += 1
                    t.notes.append(f"folio push failed: {p.stderr.strip()}")
                    continue
            else:
                folder = os.path.join(work, engine.dialect)
                p = subprocess.run(folio_cmd(folio, data, {}) + ["export", "--out", folder, "--dialect", engine.dialect],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    t.failed += 1
                    t.notes.append(f"folio export failed: {p.stderr.strip()}")
                    continue
                engine.load(folder)
            for k, s in enumerate(scripts):
                answers = memory[k]
                compiled = folio_sql(folio, data, s, engine.dialect or "postgres")
                queries = [c.get("query", "?") for c in compiled]
                remote = engine_answers(folio, s, queries, ["--engine", postgres]) if engine.name == "postgres" else None
                for i, q in enumerate(queries):
                    if keyword and keyword not in q:
                        continue
                    if i >= len(answers) or answers[i].error is not None:
                        if i < len(answers):
                            t.notes.append(f"{s.origin}: in memory: {answers[i].error}: {q}")
                        continue
                    mem = answers[i].rows
                    c = compiled[i] if i < len(compiled) else {"error": "no SQL printed"}
                    if remote is not None:
                        if i >= len(remote) or remote[i].error is not None:
                            why = remote[i].error if i < len(remote) else "no answer"
                            if "cannot be expressed" in (why or ""):
                                t.inexpressible += 1
                                continue
                            t.failed += 1
                            print(f"FAIL [{engine.name}] {s.origin}\n  query: {q}\n  error: {why}\n")
                            continue
                        rows = [tuple(v for _, v in r) for r in remote[i].rows]
                        diff = None if mem == remote[i].rows else compare(mem, rows, c.get("columns", []))
                        sql = c.get("sql", "(no SQL)")
                    else:
                        if "error" in c:
                            if "cannot be expressed" in c["error"]:
                                t.inexpressible += 1
                                if verbose:
                                    print(f"inexpressible [{engine.name}] {q}: {' '.join(c['error'].split())[:200]}")
                                continue
                            t.failed += 1
                            print(f"FAIL [{engine.name}] {s.origin}\n  query: {q}\n  folio sql: {c['error']}\n")
                            continue
                        try:
                            rows = engine.query(c["sql"])
                        except Exception as e:  # noqa: BLE001 - any engine error is a failure to report
                            t.failed += 1
                            print(f"FAIL [{engine.name}] {s.origin}\n  query: {q}\n  SQL:\n{indent(c['sql'])}\n  engine error: {str(e)[:1500]}\n")
                            continue
                        diff = compare(mem, rows, c["columns"])
                        sql = c["sql"]
                    if diff is None:
                        t.agreed += 1
                        continue
                    t.failed += 1
                    print(f"FAIL [{engine.name}] {s.origin} on {os.path.basename(data)}\n  query: {q}\n  SQL:\n{indent(sql)}\n"
                          f"  {diff}\n  in memory:\n{show([[v for _, v in r] for r in mem])}\n  engine:\n{show(rows)}\n")
    finally:
        for e in engines:
            try:
                e.close()
            except Exception:  # noqa: BLE001
                pass
        shutil.rmtree(work, ignore_errors=True)


def indent(s: str) -> str:
    return "\n".join("      " + ln for ln in s.splitlines())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folio", default=".build/debug/folio")
    ap.add_argument("--engines", default="sqlite,duckdb")
    ap.add_argument("--data", default="Samples/portfolio")
    ap.add_argument("--sizes", default="", help="also generated portfolios of these many accounts (comma-separated)")
    ap.add_argument("--random", type=int, default=0, help="this many generated queries as well")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--postgres", default=os.environ.get("FOLIO_TEST_POSTGRES"), help="a connection string for the postgres engine")
    ap.add_argument("-k", dest="keyword", help="only queries containing this text")
    ap.add_argument("-v", dest="verbose", action="store_true")
    args = ap.parse_args()
    os.chdir(REPO)
    folio = os.path.abspath(args.folio)

    scripts = golden_scripts() + crosscheck_scripts() + grammar_scripts() + playbook_scripts()
    if args.random:
        import querygen
        scripts.append(Script(f"random (seed {args.seed})", querygen.generate(args.random, args.seed)))

    makers: dict[str, Callable[[], Engine]] = {"sqlite": SQLiteEngine, "duckdb": DuckDBEngine, "spark": SparkEngine}
    names = [n for n in args.engines.split(",") if n]
    if "postgres" in names and not args.postgres:
        print("postgres: skipped (no --postgres or FOLIO_TEST_POSTGRES)")
        names.remove("postgres")
    tally = {n: Tally() for n in names}

    datasets = [os.path.abspath(args.data)]
    gen_root = tempfile.mkdtemp(prefix="folio-differential-data-")
    for n in [int(x) for x in args.sizes.split(",") if x]:
        out = os.path.join(gen_root, f"generated-{n}")
        subprocess.run([folio, "generate", "--accounts", str(n), "--seed", "7", "--out", out], check=True)
        datasets.append(out)
    started = time.time()
    try:
        for data in datasets:
            engines = []
            for n in names:
                if n == "postgres":
                    e = Engine()
                    e.name = "postgres"
                    engines.append(e)
                else:
                    engines.append(makers[n]())
            run_dataset(folio, data, scripts, engines, tally, args.keyword, args.verbose, args.postgres)
    finally:
        shutil.rmtree(gen_root, ignore_errors=True)
    failed = 0
    for n, t in tally.items():
        print(f"{n}: {t.agreed} agreed, {t.failed} disagreed, {t.inexpressible} cannot be expressed")
        for note in t.notes[:10]:
            print(f"  note: {note}")
        failed += t.failed
    print(f"({len(datasets)} portfolios, {time.time() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
