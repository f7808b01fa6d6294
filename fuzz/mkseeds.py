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
import tarfile
import time
import zipfile

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

    verify_seeds(top, outdir)
    sshsig_seeds(top, outdir)
    history_seeds(outdir)
    config_seeds(outdir)


def config_seeds(outdir):
    """fuzz-config: byte 0 (bit 0: run's options, bit 1: --export and
    --strict on the command line), then a --config file."""
    conf = (b"# nightly\n"
            b"export = /srv/export\n"
            b"manifest=/srv/manifest.csv\n"
            b"  out  =  /srv/out  \r\n"
            b"token_key = /etc/custrelease/token.key\n"
            b"claim-url = https://claim.example/c?t=\n"
            b"claim-ttl = 30\n"
            b"from = Registrar <noreply@registrar.example>\n"
            b"templates = /usr/share/custrelease/templates\n"
            b"bundle-format = tar.gz\n"
            b"signing-key = /etc/custrelease/id_ed25519\n"
            b"memory = 256\n"
            b"strict = true\n"
            b"quiet = no\n")
    for b0 in (0, 1, 2, 3):
        put(outdir, "config", bytes([b0]) + conf)
    put(outdir, "config", b"\0nokey\n")
    put(outdir, "config", b"\1strict = maybe\n")
    put(outdir, "config", b"\0" + b"x" * 5000 + b"\n")


def history_seeds(outdir):
    """fuzz-history: byte 0 bit 0 set: a segment body after a valid header;
    clear: a whole segment file (its run line will not match: refused)."""
    body = (b"Cc-1\tr-1\nCc-2\tr\\x09\nRr-1\tc-1\n"
            b"Rr\\\\x\tc-\\x0a\n")
    put(outdir, "history", b"\1" + body)
    put(outdir, "history", b"\1")
    put(outdir, "history", b"\0custrelease-history-index 1\n"
        b"run 20261201T020000Z-0123abcd 79 1.000000000\n"
        b"entries 00000000000000000004 00000000000000000046\n" + body)


def sshsig_seeds(top, outdir):
    """fuzz-sshsig: byte 0 picks the parser (0 key, 1 signature, 2 public
    key base64, 3 allowed_signers), the test keys of tests/data/sshsig."""
    d = os.path.join(top, "tests", "data", "sshsig")
    def read(n):
        with open(os.path.join(d, n), "rb") as f:
            return f.read()
    for n in ("ed25519", "ed25519-pass", "ecdsa"):
        put(outdir, "sshsig", b"\0" + read(n))
    put(outdir, "sshsig", b"\1" + read("message.sig"))
    pub = read("ed25519.pub").split()
    put(outdir, "sshsig", b"\2" + pub[1])
    put(outdir, "sshsig", b"\3" + b"ops@example " + pub[0] + b" " + pub[1] +
        b"\n" + b'* namespaces="custrelease",valid-after="20260101" ' +
        pub[0] + b" " + pub[1] + b" c\n")


def bag_files(top):
    """The audit bag of tests/data/bundle as {path: bytes}, as the bundle
    writer lays it out (bagit.txt, bag-info.txt, data/..., manifests),
    with placeholder reports; and the bag's top directory."""
    pay = os.path.join(top, "tests", "data", "bundle")
    data = {}
    for root, dirs, names in os.walk(pay):
        dirs.sort()
        for n in sorted(names):
            full = os.path.join(root, n)
            rel = os.path.relpath(full, pay).replace(os.sep, "/")
            with open(full, "rb") as f:
                data["data/" + rel] = f.read()
    data["data/report.txt"] = b"report\n"
    data["data/report.html"] = b"<!DOCTYPE html><title>report</title>\n"
    summary = data["data/summary.json"].decode()
    run_id = summary.split('"run_id": "', 1)[1].split('"', 1)[0]
    run_time = summary.split('"run_time": "', 1)[1].split('"', 1)[0]
    files = {"bagit.txt": b"BagIt-Version: 1.0\n"
             b"Tag-File-Character-Encoding: UTF-8\n"}
    oxum = "%d.%d" % (sum(len(v) for v in data.values()), len(data))
    files["bag-info.txt"] = ("Bagging-Date: %s\nExternal-Identifier: %s\n"
                             "Payload-Oxum: %s\n" % (run_time[:10], run_id,
                                                     oxum)).encode()
    files.update(data)
    for alg in ("sha256", "sha512"):
        files["manifest-%s.txt" % alg] = "".join(
            "%s  %s\n" % (hashlib.new(alg, data[k]).hexdigest(), k)
            for k in sorted(data)).encode()
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt",
            "manifest-sha512.txt"]
    for alg in ("sha256", "sha512"):
        files["tagmanifest-%s.txt" % alg] = "".join(
            "%s  %s\n" % (hashlib.new(alg, files[k]).hexdigest(), k)
            for k in tags).encode()
    return "audit-" + run_id, files


def verify_seeds(top, outdir):
    """fuzz-verify: the bag as an uncompressed tar (and a zip), whole and
    with one record file left out."""
    bag, files = bag_files(top)
    variants = [files, {k: v for k, v in files.items()
                        if k != "data/customers.csv"}]
    for fs in variants:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for k in sorted(fs):
                info = tarfile.TarInfo(bag + "/" + k)
                info.size = len(fs[k])
                info.mtime = 1796004000
                t.addfile(info, io.BytesIO(fs[k]))
        put(outdir, "verify", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for k in sorted(files):
            z.writestr(zipfile.ZipInfo(bag + "/" + k,
                                       time.gmtime(1796004000)[:6]), files[k])
    put(outdir, "verify", buf.getvalue())


if __name__ == "__main__":
    main()
