#!/usr/bin/env python3
"""Loading a mapped export against loading folio's own files (issue 12): the same generated
portfolio twice, once as `folio generate` writes it and once renamed as a CRM would export
it (Salesforce-style file names and headers, `Won`/`Lost` stage labels, `Tech` and `Gov`
industries, a dropped column), read through a folio.json with `entities`. Both are loaded
from the files (no snapshot), and the medians compared.

    python3 Benchmarks/mapped_load.py [--accounts 1000000] [--data DIR] [--runs 5]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# file → (export name, {folio header → export header})
RENAMES = {
    "accounts.csv": ("Account.csv", {"id": "Id", "name": "Account Name", "parent_id": "ParentId", "owner_id": "OwnerId",
                                     "industry": "Industry", "tier": "Tier", "region": "Region", "country": "BillingCountry",
                                     "status": "Status", "employees": "NumberOfEmployees", "arr": "ARR", "health": "Health Score",
                                     "nps": "NPS", "products": "Products", "seats": "Seats", "seats_used": "Seats Used",
                                     "customer_since": "Customer Since", "renewal_date": "Renewal Date"}),
    "contacts.csv": ("Contact.csv", {"id": "Id", "name": "Full Name", "title": "Title", "email": "Email", "phone": "Phone",
                                     "account_id": "AccountId", "role": "Contact Role", "is_primary": "Primary",
                                     "last_contacted": "Last Activity"}),
    "managers.csv": ("User.csv", {"id": "Id", "name": "Full Name", "email": "Email", "role": "Title", "level": "Level",
                                  "region": "Region", "lead_id": "ManagerId", "quota": "Quota"}),
    "opportunities.csv": ("Opportunity.csv", {"id": "Id", "name": "Opportunity Name", "product": "Product", "next_step": "NextStep",
                                              "account_id": "AccountId", "owner_id": "OwnerId", "type": "Type", "stage": "StageName",
                                              "amount": "Amount", "probability": "Probability", "created": "CreatedDate",
                                              "close_date": "CloseDate"}),
    "activities.csv": ("Task.csv", {"id": "Id", "subject": "Subject", "account_id": "AccountId", "contact_id": "WhoId",
                                    "owner_id": "OwnerId", "kind": "Type", "date": "ActivityDate", "outcome": "Outcome"}),
}
# file → [(folio value, export label)], replaced as whole cells.
LABELS = {
    "opportunities.csv": ("stage", [("closed_won", "Won"), ("closed_lost", "Lost")]),
    "accounts.csv": ("industry", [("technology", "Tech"), ("public_sector", "Gov")]),
}


def make_mapped(native, mapped):
    os.makedirs(mapped, exist_ok=True)
    entities = {}
    for name, (export, headers) in RENAMES.items():
        entity = name[:-4]
        with open(os.path.join(native, name), "rb") as src:
            header = src.readline().decode().rstrip("\n").split(",")
            body = src.read()
        if name in LABELS:
            _, pairs = LABELS[name]
            for value, label in pairs:
                body = body.replace(f",{value},".encode(), f",{label},".encode())
        with open(os.path.join(mapped, export), "wb") as out:
            out.write((",".join(headers[h] for h in header) + "\n").encode())
            out.write(body)
        m = {"file": export, "columns": {headers[h]: h for h in header if headers[h] != h}}
        if name in LABELS:
            field, pairs = LABELS[name]
            m["values"] = {field: {label: value for value, label in pairs}}
        entities[entity] = m
    with open(os.path.join(native, "folio.json")) as f:
        config = json.load(f)
    config["entities"] = entities
    with open(os.path.join(mapped, "folio.json"), "w") as f:
        json.dump(config, f, indent=2)


def load_ms(folio, data):
    started = time.perf_counter()
    r = subprocess.run([folio, "--data", data, "--no-snapshot", "-c", "accounts | count", "--format", "csv"],
                       capture_output=True, text=True)
    ms = (time.perf_counter() - started) * 1000
    if r.returncode != 0:
        sys.exit(f"folio failed on {data}: {r.stderr}")
    return ms, r.stdout.strip().splitlines()[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folio", default=".build/release/folio")
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--data", help="a portfolio `folio generate` wrote (made here when absent)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    folio = os.path.abspath(args.folio)
    work = tempfile.mkdtemp(prefix="folio-mapped-")
    native = args.data or os.path.join(work, "native")
    if not os.path.exists(os.path.join(native, "accounts.csv")):
        subprocess.run([folio, "generate", "--accounts", str(args.accounts), "--out", native], check=True)
    mapped = os.path.join(work, "mapped")
    make_mapped(native, mapped)
    same = [folio, "-c", "opportunities | group by stage aggregate count(), sum(amount)", "--format", "csv", "--no-snapshot"]
    answers = [subprocess.run(same + ["--data", d], capture_output=True, text=True).stdout for d in (native, mapped)]
    if answers[0] != answers[1]:
        sys.exit(f"the mapped portfolio answers differently:\n{answers[0]}\n{answers[1]}")
    times = {"native": [], "mapped": []}
    for _ in range(args.runs):  # interleaved, so that the page cache and the machine treat both alike
        for kind, d in (("native", native), ("mapped", mapped)):
            times[kind].append(load_ms(folio, d)[0])
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"load from the files ({args.runs} runs each, medians): folio's own files {med['native']:.0f} ms, "
          f"the mapped export {med['mapped']:.0f} ms, ratio {med['mapped'] / med['native']:.3f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if med["mapped"] <= med["native"] * 1.15 else 1


if __name__ == "__main__":
    sys.exit(main())
