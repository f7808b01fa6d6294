#!/usr/bin/env python3
"""join.py -- the core join of `custrelease run`, as a short Python 3 csv
script: the benchmark's "ordinary script" contender (docs/performance.md).

    join.py EXPORT_DIR MANIFEST.csv OUT.csv

Streams the export once like custrelease does, keeping only what the
manifest touches: its resellers, its customers, their products, those
products' domain contacts and shares, and the accounts it names.  Writes
one row per product of a request whose reseller is a reseller and whose
customer is active and belongs to it, with where the product goes, how many
contacts it has, how many of them are the reseller (admin, tech or bill, by
org_id or e-mail), and how many shares.  It decides nothing else (no
contact validation, no e-mails, no bundle): it is the lower bound of a
script that does the job.  bench/join.sql computes the same rows.
"""
import csv
import os
import sys


def table(d, name, key, keep):
    """(column index, rows whose `key` column is in `keep`)."""
    with open(os.path.join(d, name), newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        col = {h: i for i, h in enumerate(next(rd))}
        k = col[key]
        return col, [r for r in rd if r[k] in keep]


def main(exp, manifest, out):
    with open(manifest, newline="", encoding="utf-8") as f:
        reqs = list(csv.DictReader(f))
    oc, orgs = table(exp, "organizations.csv", "id",
                     {q["reseller_id"] for q in reqs})
    orgs = {r[oc["id"]]: r for r in orgs}
    cc, cus = table(exp, "customers.csv", "id",
                    {q["customer_id"] for q in reqs})
    cus = {r[cc["id"]]: r for r in cus}
    pc, prods = table(exp, "products.csv", "customer_id", cus)
    by_cus, contacts, shares = {}, {}, {}
    for p in prods:
        by_cus.setdefault(p[pc["customer_id"]], []).append(p)
        contacts[p[pc["id"]]], shares[p[pc["id"]]] = [], 0
    dc, rows = table(exp, "domain_contacts.csv", "product_id", contacts)
    for r in rows:
        contacts[r[dc["product_id"]]].append(r)
    sc, rows = table(exp, "shares.csv", "product_id", shares)
    for r in rows:
        shares[r[sc["product_id"]]] += 1
    ac, rows = table(exp, "accounts.csv", "username",
                     {q["import_to"] for q in reqs if q["import_to"]})
    accs = {r[ac["username"]] for r in rows}
    n = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["request_id", "product_id", "kind", "name", "customer_id",
                    "from_reseller_id", "to", "contacts",
                    "reseller_contacts", "shares"])
        for q in reqs:
            o, c = orgs.get(q["reseller_id"]), cus.get(q["customer_id"])
            if (o is None or
                    o[oc["reseller"]].lower() not in ("true", "1", "yes") or
                    c is None or c[cc["reseller_id"]] != o[oc["id"]] or
                    c[cc["status"]] != "active"):
                continue
            oid, oemail = o[oc["id"]], o[oc["email"]].lower()
            to = ("account:" + q["import_to"] if q["import_to"] in accs
                  else "new-account")
            for p in by_cus.get(c[cc["id"]], ()):
                pid, pcs = p[pc["id"]], contacts[p[pc["id"]]]
                rc = sum(1 for x in pcs if x[dc["role"]] != "owner" and (
                    x[dc["org_id"]] == oid or
                    x[dc["email"]].lower() == oemail))
                w.writerow([q["request_id"], pid, p[pc["kind"]],
                            p[pc["name"]], c[cc["id"]], oid, to, len(pcs),
                            rc, shares[pid]])
                n += 1
    print("join.py: %d requests, %d ownership rows" % (len(reqs), n))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: join.py EXPORT_DIR MANIFEST.csv OUT.csv")
    main(*sys.argv[1:])
