#!/usr/bin/env python3
"""Random well-typed folio queries, for the differential test (Tests/Engines).

A seed and a count give the same queries every time. Each query starts from an entity and
adds up to four stages drawn in proportion (where, select, sort, limit, top [per], group
by … aggregate, distinct, count), with expressions of every form SPEC §4 has: fields, to-one
paths, root, collections (filtered, nested, hierarchies) with every aggregate, exists and not,
comparisons, in, between, like, is null, has, date ranges and durations, arithmetic, the
scalar functions and the analytic ones. Types are tracked so that every query checks.

    python3 Tests/Engines/querygen.py --count 20 --seed 1      # prints them
"""

from __future__ import annotations

import argparse
import random

REGIONS = ["AMER", "EMEA", "APAC", "LATAM"]
PICKS = {
    ("managers", "role"): ["strategic", "key", "technical", "sales", "customer_success", "global"],
    ("managers", "level"): ["junior", "mid", "senior"],
    ("managers", "region"): REGIONS,
    ("accounts", "tier"): ["strategic", "key", "growth", "standard"],
    ("accounts", "region"): REGIONS,
    ("accounts", "status"): ["active", "churned", "prospect"],
    ("accounts", "industry"): ["technology", "manufacturing", "financial_services", "healthcare", "retail", "telecom"],
    ("contacts", "role"): ["decision_maker", "champion", "influencer", "user", "blocker"],
    ("opportunities", "type"): ["new_business", "upsell", "cross_sell", "renewal"],
    ("opportunities", "stage"): ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"],
    ("activities", "kind"): ["call", "email", "meeting", "qbr", "note"],
    ("activities", "outcome"): ["positive", "neutral", "negative"],
}

# field → type: s string, i int, m money, d date, b bool, e enum, l list
FIELDS = {
    "managers": {"id": "s", "name": "s", "email": "s", "role": "e", "level": "e", "region": "e", "quota": "m"},
    "accounts": {"id": "s", "name": "s", "industry": "e", "tier": "e", "region": "e", "country": "s", "status": "e",
                 "employees": "i", "arr": "m", "health": "i", "nps": "i", "products": "l", "seats": "i",
                 "seats_used": "i", "customer_since": "d", "renewal_date": "d"},
    "contacts": {"id": "s", "name": "s", "title": "s", "email": "s", "phone": "s", "role": "e", "is_primary": "b",
                 "last_contacted": "d"},
    "opportunities": {"id": "s", "name": "s", "product": "s", "next_step": "s", "type": "e", "stage": "e",
                      "amount": "m", "probability": "i", "created": "d", "close_date": "d"},
    "activities": {"id": "s", "subject": "s", "kind": "e", "date": "d", "outcome": "e"},
}
# to-one paths: name → entity
PATHS = {
    "managers": {"lead": "managers"},
    "accounts": {"owner": "managers", "parent": "accounts", "root": "accounts"},
    "contacts": {"account": "accounts"},
    "opportunities": {"account": "accounts", "owner": "managers"},
    "activities": {"account": "accounts", "contact": "contacts", "owner": "managers"},
}
# collections: name → entity
COLLS = {
    "managers": {"accounts": "accounts", "team": "managers", "opportunities": "opportunities", "activities": "activities",
                 "descendants": "managers"},
    "accounts": {"opportunities": "opportunities", "contacts": "contacts", "activities": "activities",
                 "children": "accounts", "descendants": "accounts", "ancestors": "accounts"},
    "contacts": {"activities": "activities"},
    "opportunities": {},
    "activities": {},
}
PRODUCTS = ["CRM Cloud", "Analytics", "Data Platform", "Security", "Mobile"]
WORDS = ["a", "an", "bank", "tech", "group", "ltd", "es", "o"]


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng

    def pick(self, xs):
        return self.r.choice(list(xs))

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # --- values of an entity row --------------------------------------------------

    def field(self, entity: str, types: str, depth: int = 0) -> tuple[str, str] | None:
        """A field of the row or along a path, of one of `types`: (text, type)."""
        options = [(f, t) for f, t in FIELDS[entity].items() if t in types]
        if depth < 2 and PATHS[entity] and self.chance(0.25):
            name, target = self.pick(PATHS[entity].items())
            inner = self.field(target, types, depth + 1)
            if inner:
                return f"{name}.{inner[0]}", inner[1]
        if not options:
            return None
        f, t = self.pick(options)
        return f, t

    def constant(self, entity: str, path: str, t: str) -> str:
        base = path.split(".")[-1]
        owner = entity
        for hop in path.split(".")[:-1]:
            owner = PATHS[owner][hop]
        if t == "e":
            return f'"{self.pick(PICKS[(owner, base)])}"'
        if t == "i":
            return str(self.pick([0, 1, 5, 20, 50, 60, 75, 100, 250, 1000]))
        if t == "m":
            return self.pick(["10k", "50000", "100k", "250k", "1m", "12345.67"])
        if t == "d":
            return self.pick(["2025-01-01", "2026-06-15", "today", "today - 90 days", "2024-02-29"])
        if t == "s":
            return f'"{self.pick(WORDS)}"'
        if t == "b":
            return self.pick(["true", "false"])
        return "null"

    def condition(self, entity: str, depth: int = 0) -> str:
        k = self.r.random()
        if depth < 2 and k < 0.12:
            op = self.pick(["and", "or"])
            return f"({self.condition(entity, depth + 1)} {op} {self.condition(entity, depth + 1)})"
        if depth < 2 and k < 0.17:
            return f"not ({self.condition(entity, depth + 1)})"
        if depth < 2 and k < 0.32 and COLLS[entity]:
            return self.collection_condition(entity, depth)
        f = self.field(entity, "simedbl")
        if f is None:
            return "true"
        path, t = f
        c = self.constant(entity, path, t)
        if t == "l":
            mode = self.pick(["has", "has any", "has all", "not has"])
            if mode == "has" or mode == "not has":
                return f'{path} {mode} "{self.pick(PRODUCTS)}"'
            return f'{path} {mode} ("{self.pick(PRODUCTS)}", "{self.pick(PRODUCTS)}")'
        if t == "b":
            return self.pick([path, f"not {path}", f"{path} = {c}", f"{path} is null"])
        if t == "d" and self.chance(0.4):
            return f"{path} in {self.pick(['next 90 days', 'last 30 days', 'this year', 'last quarter', 'next month', 'this fiscal year'])}"
        if t == "s" and self.chance(0.4):
            return self.pick([f'{path} like "%{self.pick(WORDS)}%"', f'contains({path}, "{self.pick(WORDS)}")',
                              f'starts_with({path}, "{self.pick(WORDS).upper()}")', f"{path} is not null"])
        if t == "e" and self.chance(0.3):
            owner = entity
            for hop in path.split(".")[:-1]:
                owner = PATHS[owner][hop]
            vals = PICKS[(owner, path.split(".")[-1])]
            items = ", ".join(f'"{v}"' for v in self.r.sample(vals, min(2, len(vals))))
            return f"{path} {self.pick(['in', 'not in'])} ({items})"
        if t in "im" and self.chance(0.2):
            return f"{path} between {self.constant(entity, path, t)} and {self.constant(entity, path, t)}"
        if self.chance(0.1):
            return f"{path} is {self.pick(['', 'not '])}null"
        op = self.pick(["=", "!=", "<", "<=", ">", ">="]) if t in "imde" or t == "s" else "="
        return f"{path} {op} {c}"

    def collection(self, entity: str, depth: int) -> tuple[str, str]:
        name, child = self.pick(COLLS[entity].items())
        text = name
        if self.chance(0.5):
            text += f"[{self.condition(child, depth + 1)}]"
        if self.chance(0.2) and COLLS[child] and depth < 1:
            name2, child2 = self.pick(COLLS[child].items())
            text += f".{name2}"
            child = child2
        return text, child

    def collection_condition(self, entity: str, depth: int) -> str:
        coll, child = self.collection(entity, depth)
        if self.chance(0.5):
            return f"{self.pick(['', 'not '])}exists({coll})"
        return f"count({coll}) {self.pick(['>', '>=', '=', '<'])} {self.pick([0, 1, 2, 3])}"

    def collection_value(self, entity: str) -> tuple[str, str]:
        coll, child = self.collection(entity, 1)
        agg = self.pick(["count", "count", "sum", "avg", "min", "max", "count_distinct", "median", "exists"])
        if agg in ("count", "exists") and self.chance(0.6):
            return f"{agg}({coll})", "i" if agg == "count" else "b"
        types = {"sum": "im", "avg": "im", "median": "im", "min": "imdse", "max": "imdse", "count": "simde",
                 "count_distinct": "simde", "exists": "simde"}[agg]
        options = [(f, t) for f, t in FIELDS[child].items() if t in types]
        if not options:
            return f"count({coll})", "i"
        f, t = self.pick(options)
        if agg == "exists":
            return f"exists({coll})", "b"
        rt = {"count": "i", "count_distinct": "i", "sum": t, "avg": "x" if t == "i" else "m", "median": "x" if t == "i" else t,
              "min": t, "max": t}[agg]
        return f"{agg}({coll}.{f})", rt

    def value(self, entity: str) -> tuple[str, str]:
        """A select item: (text, type) — type x is a decimal."""
        k = self.r.random()
        if k < 0.2 and COLLS[entity]:
            return self.collection_value(entity)
        if k < 0.35:
            f = self.field(entity, "im")
            if f:
                g = self.field(entity, "im") or f
                op = self.pick(["+", "-", "*", "/"])
                rt = "x" if op == "/" or (f[1] == "m" and g[1] == "m" and op == "*") else ("m" if "m" in (f[1], g[1]) else "i")
                if self.chance(0.3):
                    return f"{f[0]} {self.pick(['*', '+'])} {self.pick(['1.5', '2', '0.25', '100'])}", "x" if f[1] == "i" and self.chance(0) else ("m" if f[1] == "m" else "x")
                return f"{f[0]} {op} {g[0]}", rt
        if k < 0.5:
            f = self.field(entity, "d")
            if f:
                return self.pick([(f"year({f[0]})", "i"), (f"month({f[0]})", "i"), (f"quarter({f[0]})", "i"),
                                  (f"fiscal_quarter({f[0]})", "i"), (f"days_since({f[0]})", "i"),
                                  (f"{f[0]} + {self.pick(['30 days', '1 month', '2 weeks', '1 year', '1 quarter'])}", "d"),
                                  (f"start_of({f[0]}, \"{self.pick(['month', 'quarter', 'year', 'week'])}\")", "d")])
        if k < 0.6:
            f = self.field(entity, "s")
            if f:
                return self.pick([(f"lower({f[0]})", "s"), (f"upper({f[0]})", "s"), (f"length({f[0]})", "i"),
                                  (f'coalesce({f[0]}, "none")', "s")])
        if k < 0.66:
            f = self.field(entity, "i")
            if f:
                return self.pick([(f"round({f[0]} / 3, 1)", "x"), (f"abs({f[0]} - 50)", "i"),
                                  (f"if({f[0]} > 50, \"high\", \"low\")", "s"), (f"coalesce({f[0]}, 0)", "i")])
        if k < 0.7 and entity == "accounts":
            return self.pick([("root.name", "s"), ("count(ancestors)", "i"), ("parent.name", "s")])
        f = self.field(entity, "simedbl")
        return f if f else ("id", "s")

    # --- a pipeline -----------------------------------------------------------

    def query(self) -> str:
        entity = self.pick(["accounts", "accounts", "accounts", "opportunities", "opportunities", "contacts", "managers", "activities"])
        parts = [entity]
        columns: list[tuple[str, str]] | None = None   # None: the entity's rows
        stages = self.r.randint(1, 4)
        grouped = counted = False
        for _ in range(stages):
            if counted:
                break
            k = self.r.random()
            if columns is None:
                if k < 0.35:
                    parts.append("where " + self.condition(entity))
                elif k < 0.55:
                    items = []
                    columns = []
                    for i in range(self.r.randint(1, 4)):
                        v, t = self.value(entity)
                        items.append(f"{v} as c{i + 1}")
                        columns.append((f"c{i + 1}", t))
                    if self.chance(0.2):
                        key = self.field(entity, "im")
                        if key:
                            fn = self.pick([f"rank({key[0]} desc)", f"row_number({key[0]} desc)", f"share({key[0]})",
                                            f"running_sum({key[0]})", f"previous({key[0]})"])
                            items.append(f"{fn} as c{len(columns) + 1}")
                            columns.append((f"c{len(columns) + 1}", "x" if fn.startswith("share") else key[1]))
                    parts.append("select " + ", ".join(items))
                elif k < 0.68:
                    f = self.field(entity, "simde")
                    g = self.field(entity, "simde")
                    keys = [f"{f[0]}{self.pick(['', ' desc'])}"] if f else []
                    if g and self.chance(0.4):
                        keys.append(f"{g[0]}{self.pick(['', ' desc'])}")
                    if keys:
                        parts.append("sort " + ", ".join(keys))
                elif k < 0.76:
                    parts.append(f"limit {self.pick([1, 5, 10, 50])}")
                elif k < 0.84:
                    f = self.field(entity, "imd")
                    if f:
                        per = ""
                        if self.chance(0.5):
                            g = self.field(entity, "e")
                            if g:
                                per = f" per {g[0]}"
                        parts.append(f"top {self.pick([1, 3, 5])} by {f[0]}{self.pick(['', ' desc'])}{per}")
                elif k < 0.95:
                    keys = []
                    columns = []
                    for i in range(self.r.randint(1, 2)):
                        f = self.field(entity, "sedib")
                        if f:
                            keys.append(f"{f[0]} as k{i + 1}")
                            columns.append((f"k{i + 1}", f[1]))
                    if not keys:
                        keys, columns = ["region" if "region" in FIELDS[entity] else "id"], [("region", "e")]
                    aggs = []
                    for i in range(self.r.randint(1, 3)):
                        agg = self.pick(["count()", "sum", "avg", "min", "max", "count_distinct", "median", "count_if"])
                        if agg == "count()":
                            aggs.append(f"count() as a{i + 1}")
                            columns.append((f"a{i + 1}", "i"))
                            continue
                        if agg == "count_if":
                            aggs.append(f"count_if({self.condition(entity, 1)}) as a{i + 1}")
                            columns.append((f"a{i + 1}", "i"))
                            continue
                        f = self.field(entity, "im" if agg in ("sum", "avg", "median") else "imds")
                        if f:
                            aggs.append(f"{agg}({f[0]}) as a{i + 1}")
                            columns.append((f"a{i + 1}", "i" if agg == "count_distinct" else ("x" if agg in ("avg", "median") and f[1] == "i" else f[1])))
                    parts.append(f"group by {', '.join(keys)} aggregate {', '.join(aggs) or 'count()'}")
                    if not aggs:
                        columns.append(("count()", "i"))
                    grouped = True
                else:
                    parts.append("count")
                    counted = True
            else:
                nums = [c for c, t in columns if t in "imx"]
                if k < 0.4 and nums:
                    c = self.pick(nums)
                    parts.append(f"where {c} {self.pick(['>', '<', '>=', '!='])} {self.pick([0, 1, 10, 50, 1000])}")
                elif k < 0.7 and any(t != "l" for _, t in columns):
                    c = self.pick([c for c, t in columns if t != "l"])
                    parts.append(f"sort {c}{self.pick(['', ' desc'])}")
                elif k < 0.85:
                    parts.append(f"limit {self.pick([1, 3, 10])}")
                elif k < 0.92 and nums and not grouped:
                    c = self.pick(nums)
                    parts.append(f"select {', '.join(n for n, _ in columns)}, rank({c} desc) as r")
                    columns = columns + [("r", "i")]
                else:
                    parts.append("count")
                    counted = True
        return " | ".join(parts)


def generate(count: int, seed: int) -> list[str]:
    g = Gen(random.Random(seed))
    return [g.query() for _ in range(count)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for q in generate(a.count, a.seed):
        print(q)
