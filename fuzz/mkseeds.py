#!/usr/bin/env python3
"""mkseeds.py -- write the seed corpora of the libFuzzer targets from the
sample data (samples/, tests/data/, templates/) in the input layout each
target expects (see the comment at the top of each fuzz/fuzz-*.c).

Usage: mkseeds.py TOP_SRCDIR OUTDIR   (writes OUTDIR/<target>/...)
Python 3 standard library only.  It deliberately invents no data: every
seed is a sample file or a row of one, with the control bytes added.
"""
import csv
import hashlib
import io
import os
import struct
import sys

TABLES = ["organizations", "customers", "products", "domain_contacts",
          "shares", "accounts", "manifest", "decisions"]
CONTACT = ["type", "firstname", "lastname", "orgname", "email",
           "streetaddr", "streetaddr2", "zip", "city", "state", "country",
           "phone", "fax", "lang"]


def files(top, ext):
    for base in ("samples", "tests/data"):
        for root, dirs, names in os.walk(os.path.join(top, base)):
            dirs.sort()
            for n in sorted(names):
                if n.endswith(ext):
                    yield os.path.join(root, n)


def table_of(path):
    """'dup-header.products.csv' -> 'products'; None when unknown."""
    stem = os.path.basename(path)[:-len(".csv")]
    name = stem.rsplit(".", 1)[-1]
    if name.startswith("manifest"):
        name = "manifest"
    return name if name in TABLES else None


def put(outdir, target, data):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def rows(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        return []


def main():
    top, outdir = sys.argv[1], sys.argv[2]
    contacts = []
    for path in files(top, ".csv"):
        with open(path, "rb") as f:
            data = f.read()
        t = table_of(path)
        if t is not None:
            i = TABLES.index(t)
            put(outdir, "csv", bytes([i, 0]) + data)
            put(outdir, "csv", bytes([i, 7]) + data)
            if t == "manifest":
                put(outdir, "manifest", b"\0" + data)
            if t in ("customers", "organizations", "accounts"):
                for r in rows(path):
                    contacts.append(r)
    for path in files(top, ".xml"):
        with open(path, "rb") as f:
            data = f.read()
        docs = [data]
        # The same document in UTF-16 (with a BOM): the fuzzer would not
        # find the transcoding by itself.
        try:
            text = data.decode("utf-8").replace('encoding="UTF-8"',
                                                'encoding="UTF-16"')
            docs.append(b"\xff\xfe" + text.encode("utf-16-le"))
            docs.append(b"\xfe\xff" + text.encode("utf-16-be"))
        except UnicodeDecodeError:
            pass
        for doc in docs:
            put(outdir, "xml", b"\0" + doc)
            if "manifest" in os.path.basename(path):
                put(outdir, "manifest", b"\0" + doc)
        put(outdir, "xml", b"\x05" + data)

    def fields(r):
        return [(r.get(k) or "").encode("utf-8") for k in CONTACT]

    for a, b in zip(contacts, contacts[1:] + contacts[:1]):
        put(outdir, "validate", b"\0".join(fields(a) + fields(b)))

    # Claim emails from customers: 2 products, 1 share, 1 contact update.
    n = 0
    for r in contacts:
        if "reseller_id" not in r or not r.get("email"):
            continue
        flags = n % 8
        hdr = bytes([flags, 2 | 1 << 3, 1]) + \
            struct.pack("<qq", 1796090400, 1797300000 + 86400 * n)
        f = [b"20261201T020000Z-a1b2", b"rq-2026-%04d" % n,
             r["id"].encode(), (r.get("firstname") or "").encode(),
             (r.get("lastname") or "").encode(), r["email"].encode(),
             (r.get("lang") or "").encode(), "ACME Hébergement".encode(),
             b"ACME Hosting <noreply@acme-hosting.example>",
             b"https://claim.example/c?t=",
             b"q3Jx-9_ZkLmNoPqRsTuVwXyZ0123456789abcdefgh",
             b"zoe.martin" if n % 2 else b"",
             b"domain", b"photo-zoe.example", b"mailbox", b"zoe@mail.example",
             b"photo-zoe.example", b"acme-admin",
             b"photo-zoe.example", b"admin", b"ops@acme-hosting.example",
             r["email"].encode()]
        put(outdir, "email", hdr + b"\0".join(f))
        n += 1

    tdir = os.path.join(top, "templates")
    langs = sorted({n.split(".")[0] for n in os.listdir(tdir)
                    if n.endswith(".txt")})
    for lang in langs:
        parts = []
        for ext in ("subject", "txt", "html"):
            p = os.path.join(tdir, lang + "." + ext)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    parts.append(f.read())
        put(outdir, "template", b"\0".join(parts))
        put(outdir, "template", b"\0".join(parts[:2]))


if __name__ == "__main__":
    main()
