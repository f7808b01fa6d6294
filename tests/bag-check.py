#!/usr/bin/env python3
"""bag-check.py -- an independent check of a BagIt 1.0 bag (RFC 8493) in a
.tar.gz or .zip, written with the Python standard library only, so that
the tests do not trust custrelease's own `verify` alone.

    bag-check.py BUNDLE

Checks: one top directory; bagit.txt is exactly the two lines of BagIt
1.0; every payload manifest (manifest-<alg>.txt, sha256 required) lists
every file under data/ exactly once with the right digest, and no file
that is absent; Payload-Oxum in bag-info.txt; every tag manifest lists
the tag files with the right digests.  Prints each problem on stderr and
exits 0 (a valid bag) or 1; 2 for a usage error.

It deliberately knows nothing of custrelease's records: that is
`custrelease verify`'s job.
"""
import hashlib
import re
import sys
import tarfile
import zipfile

ALGS = {"sha256": 64, "sha512": 128}


def read_members(path):
    """Return {name: bytes} of the regular files in the archive."""
    files = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = z.read(info)
        return files
    with tarfile.open(path, "r:*") as t:
        for m in t.getmembers():
            if m.isfile():
                files[m.name] = t.extractfile(m).read()
            elif not m.isdir():
                raise ValueError("%s: not a regular file or directory" % m.name)
    return files


def parse_manifest(text, problems, mname):
    entries = {}
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line:
            continue
        m = re.match(r"^([0-9a-fA-F]+)[ \t]+(.+)$", line)
        if not m:
            problems.append("%s: line %d: malformed" % (mname, n))
            continue
        path = (m.group(2).replace("%0A", "\n").replace("%0D", "\r")
                .replace("%25", "%"))
        if path in entries:
            problems.append("%s: %s listed twice" % (mname, path))
        entries[path] = m.group(1).lower()
    return entries


def check(path):
    problems = []
    try:
        members = read_members(path)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, ValueError) as e:
        return ["not a readable archive: %s" % e]
    tops = {name.split("/", 1)[0] for name in members}
    if len(tops) != 1:
        return ["expected one top directory, found %s" % sorted(tops)]
    top = tops.pop()
    bag = {name[len(top) + 1:]: data for name, data in members.items()
           if name.startswith(top + "/")}

    if bag.get("bagit.txt") != (b"BagIt-Version: 1.0\n"
                                b"Tag-File-Character-Encoding: UTF-8\n"):
        problems.append("bagit.txt: not the two lines of BagIt 1.0")

    payload = {p: d for p, d in bag.items() if p.startswith("data/")}
    tags = {p: d for p, d in bag.items() if "/" not in p}

    manifests = [p for p in tags if re.match(r"^manifest-\w+\.txt$", p)]
    if "manifest-sha256.txt" not in manifests:
        problems.append("manifest-sha256.txt: missing")
    for mname in sorted(manifests):
        alg = mname[len("manifest-"):-len(".txt")]
        if alg not in ALGS:
            continue
        entries = parse_manifest(tags[mname].decode("utf-8"), problems, mname)
        for p, digest in entries.items():
            if p not in payload:
                problems.append("%s: listed in %s but missing" % (p, mname))
            elif hashlib.new(alg, payload[p]).hexdigest() != digest:
                problems.append("%s: %s checksum differs" % (p, alg))
        for p in payload:
            if p not in entries:
                problems.append("%s: not in %s" % (p, mname))

    info = tags.get("bag-info.txt", b"").decode("utf-8")
    m = re.search(r"^Payload-Oxum:[ \t]*([0-9]+)\.([0-9]+)[ \t]*\r?$", info,
                  re.M)
    if not m:
        problems.append("bag-info.txt: no Payload-Oxum")
    else:
        octets = sum(len(d) for d in payload.values())
        if (int(m.group(1)), int(m.group(2))) != (octets, len(payload)):
            problems.append("bag-info.txt: Payload-Oxum %s.%s, payload is "
                            "%d.%d" % (m.group(1), m.group(2), octets,
                                       len(payload)))

    tagmanifests = [p for p in tags if re.match(r"^tagmanifest-\w+\.txt$", p)]
    if "tagmanifest-sha256.txt" not in tagmanifests:
        problems.append("tagmanifest-sha256.txt: missing")
    for mname in sorted(tagmanifests):
        alg = mname[len("tagmanifest-"):-len(".txt")]
        if alg not in ALGS:
            continue
        entries = parse_manifest(tags[mname].decode("utf-8"), problems, mname)
        for p, digest in entries.items():
            if p not in bag:
                problems.append("%s: listed in %s but missing" % (p, mname))
            elif hashlib.new(alg, bag[p]).hexdigest() != digest:
                problems.append("%s: %s checksum differs" % (p, alg))
        for p in tags:
            if not p.startswith("tagmanifest-") and p not in entries:
                problems.append("%s: not in %s" % (p, mname))
    for p in bag:
        if "/" in p and not p.startswith("data/"):
            problems.append("%s: neither a tag file nor payload" % p)
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: bag-check.py BUNDLE", file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print("bag-check: %s: %s" % (argv[1], p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
