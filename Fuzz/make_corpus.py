#!/usr/bin/env python3
"""Regenerates Fuzz/corpus/query/ from the queries folio's own tests run.

Sources: the query of every case in Tests/Golden/*.golden (a `=== title` line, the query,
a `---` line, the expected output), every `(*> ... *)` example in Grammar/folio.ebnf, and
Samples/queries/*.folio. One file per distinct query, named after where it came from; the
folder is emptied first, so a query dropped from the tests leaves the corpus too.

Run from anywhere: python3 Fuzz/make_corpus.py
"""
import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Fuzz" / "corpus" / "query"


def golden_queries(text):
    """The query lines of each case, as GoldenTests.parse reads them."""
    queries, lines, in_case, in_expected = [], [], False, False
    for line in text.split("\n"):
        if line.startswith("=== "):
            if in_case and not in_expected:
                queries.append("\n".join(lines))
            in_case, in_expected, lines = True, False, []
        elif line == "---" and in_case and not in_expected:
            queries.append("\n".join(lines))
            in_expected, lines = True, []
        elif in_case:
            lines.append(line)
    if in_case and not in_expected:
        queries.append("\n".join(lines))
    return [q.strip("\n") for q in queries if q.strip()]


def grammar_examples(text):
    return [m.group(1).strip() for m in re.finditer(r"\(\*>(.*?)\*\)", text, re.S)]


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "empty"


def main():
    entries = []  # (name stem, query)
    for path in sorted((ROOT / "Tests" / "Golden").glob("*.golden")):
        for i, q in enumerate(golden_queries(path.read_text(encoding="utf-8"))):
            entries.append((f"golden_{path.stem}_{i:03d}", q))
    grammar = (ROOT / "Grammar" / "folio.ebnf").read_text(encoding="utf-8")
    for i, q in enumerate(grammar_examples(grammar)):
        entries.append((f"grammar_{i:03d}_{slug(q)}", q))
    for path in sorted((ROOT / "Samples" / "queries").glob("*.folio")):
        entries.append((f"sample_{path.stem}", path.read_text(encoding="utf-8")))

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    seen = set()
    for stem, q in entries:
        digest = hashlib.sha1(q.encode("utf-8")).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        (OUT / stem).write_text(q + ("" if q.endswith("\n") else "\n"), encoding="utf-8")
    print(f"{len(seen)} queries in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
