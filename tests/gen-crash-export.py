#!/usr/bin/env python3
"""gen-crash-export.py -- a larger, valid CSV export and manifest for
tests/crash.sh (Python 3 standard library only, deterministic).

    gen-crash-export.py DIR [CUSTOMERS [REQUESTS]]

writes DIR/export/{organizations,customers,products,domain_contacts,
shares,accounts}.csv and DIR/manifest.csv: CUSTOMERS customers (default
20000) under three resellers, four products each (domains with owner,
admin and tech contacts, a certificate, hosting or a mailbox), a few
accounts and shares, and a manifest of REQUESTS requests (default 2000)
for distinct customers.  About one request in fifty is rejected (a
suspended customer, another reseller's customer) so that the run has
every outcome; the rest are released, each with its claim email.

It does not aim at realistic proportions (tools/gen-export does, for the
benchmark); only at a run long enough to be killed at many points.
"""
import csv
import os
import sys


def main():
    out = sys.argv[1]
    ncust = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    nreq = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    exp = os.path.join(out, "export")
    os.makedirs(exp, exist_ok=True)

    def writer(name):
        f = open(os.path.join(exp, name), "w", newline="", encoding="utf-8")
        return f, csv.writer(f, lineterminator="\r\n")

    orgs = [
        ("org-a", "alpha-resell", "FR", "fr", "+33.556000001"),
        ("org-b", "beta-resell", "DE", "de", "+49.4010000001"),
        ("org-c", "gamma-resell", "GB", "en", "+44.2070000001"),
    ]
    f, w = writer("organizations.csv")
    w.writerow(["id", "name", "type", "reseller", "orgname", "firstname",
                "lastname", "email", "streetaddr", "streetaddr2", "zip",
                "city", "state", "country", "phone", "fax", "lang"])
    for oid, name, cc, lang, phone in orgs:
        w.writerow([oid, name, "company", "true", name.title() + " Ltd",
                    "Ops", "Team", "ops@%s.example" % name, "1 Main Street",
                    "", "10001", "Town", "", cc, phone, "", lang])
    f.close()

    f, w = writer("accounts.csv")
    w.writerow(["username", "type", "firstname", "lastname", "orgname",
                "email", "country"])
    for oid, name, cc, _, _ in orgs:
        w.writerow([name + "-admin", "individual", "Ada", "Admin", "",
                    "admin@%s.example" % name, cc])
    f.close()

    cities = {"FR": ("33000", "Bordeaux", "FR-NAQ", "+33.6%08d"),
              "DE": ("20457", "Hamburg", "DE-HH", "+49.170%07d"),
              "GB": ("SW1A 1AA", "London", "", "+44.7700%06d")}
    fc, wc = writer("customers.csv")
    wc.writerow(["id", "reseller_id", "type", "firstname", "lastname",
                 "orgname", "email", "streetaddr", "streetaddr2", "zip",
                 "city", "state", "country", "phone", "fax", "lang",
                 "reference", "status"])
    fp, wp = writer("products.csv")
    wp.writerow(["id", "customer_id", "kind", "name", "status",
                 "expires_at"])
    fd, wd = writer("domain_contacts.csv")
    wd.writerow(["product_id", "role", "org_id", "firstname", "lastname",
                 "orgname", "email"])
    fs, ws = writer("shares.csv")
    ws.writerow(["product_id", "username", "via"])
    kinds = ("certificate", "hosting", "mailbox")
    for i in range(ncust):
        cid = "c-%06d" % i
        oid, oname, cc, lang, _ = orgs[i % 3]
        zipc, city, state, phone = cities[cc]
        email = "customer%06d@mail%d.example" % (i, i % 97)
        company = i % 4 == 0
        status = "suspended" if i % 500 == 30 else "active"
        wc.writerow([cid, oid, "company" if company else "individual",
                     "Firstname%d" % i, "Lastname%d" % i,
                     "Company %d SARL" % i if company else "", email,
                     "%d Long Road" % (i % 300 + 1), "", zipc, city, state,
                     cc, phone % (i % 1000000), "", lang, "REF-%d" % i,
                     status])
        for j in range(4):
            pid = "p-%06d-%d" % (i, j)
            if j < 2:
                dom = "customer%06d-%d.example" % (i, j)
                wp.writerow([pid, cid, "domain", dom, "active",
                             "2027-%02d-01T00:00:00Z" % (i % 12 + 1)])
                for role in ("owner", "admin", "tech"):
                    wd.writerow([pid, role, "", "Firstname%d" % i,
                                 "Lastname%d" % i, "", email])
                if i % 10 == 0 and j == 0:
                    ws.writerow([pid, oname + "-admin", "team"])
            else:
                k = kinds[(i + j) % 3]
                wp.writerow([pid, cid, k, "%s-%06d-%d" % (k, i, j),
                             "active", "2027-06-01T00:00:00Z"])
    for fh in (fc, fp, fd, fs):
        fh.close()

    with open(os.path.join(out, "manifest.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["request_id", "reseller_id", "customer_id",
                    "quickshare_to", "import_to", "reseller_contacts",
                    "on_mismatch", "requested_by"])
        step = max(1, ncust // nreq)
        for r in range(nreq):
            i = (r * step) % ncust
            oid, oname = orgs[i % 3][0], orgs[i % 3][1]
            if r % 100 == 3:
                oid = orgs[(i + 1) % 3][0]      # E_NOT_YOUR_CUSTOMER
            w.writerow(["rq-%06d" % r, oid, "c-%06d" % i,
                        oname + "-admin" if r % 5 == 0 else "", "", "", "",
                        "ops@%s.example" % oname])


if __name__ == "__main__":
    main()
