#!/usr/bin/env python3
"""profile-check.py PROFILE BAG_DIR -- check an extracted bag against a
BagIt profile (bagit-profiles specification 1.3.0): the Bag-Info tags
(required, repeatable, values), the required and allowed manifests and
tag manifests, the allowed and required tag files, the required payload
files, fetch.txt, an empty payload, and the BagIt version.  Serialization
is the caller's to check (it has the archive).  Prints one line per
problem; exit 0 when there is none.  Written for custrelease's tests, from
the specification's text, independent of custrelease's own code."""
import fnmatch
import json
import os
import re
import sys


def tags(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if ":" in line and not line[0].isspace():
                k, v = line.split(":", 1)
                out.setdefault(k.strip(), []).append(v.strip())
    return out


def main():
    profile = json.load(open(sys.argv[1], encoding="utf-8"))
    bag = sys.argv[2]
    problems = []
    info = tags(os.path.join(bag, "bag-info.txt"))
    for name, rule in profile.get("Bag-Info", {}).items():
        vals = info.get(name, [])
        if rule.get("required") and not vals:
            problems.append("bag-info.txt: %s is required" % name)
        if rule.get("repeatable", True) is False and len(vals) > 1:
            problems.append("bag-info.txt: %s is repeated" % name)
        if "values" in rule and any(v not in rule["values"] for v in vals):
            problems.append("bag-info.txt: %s not one of %s" %
                            (name, rule["values"]))
    top = sorted(os.listdir(bag))
    for kind, req, allow in (("manifest", "Manifests-Required",
                              "Manifests-Allowed"),
                             ("tagmanifest", "Tag-Manifests-Required",
                              "Tag-Manifests-Allowed")):
        have = [m.group(1) for f in top
                for m in [re.fullmatch(kind + r"-(\w+)\.txt", f)] if m]
        for a in profile.get(req, []):
            if a not in have:
                problems.append("%s-%s.txt is required" % (kind, a))
        if allow in profile:
            for a in have:
                if a not in profile[allow]:
                    problems.append("%s-%s.txt is not allowed" % (kind, a))
    standard = {"bagit.txt", "bag-info.txt", "fetch.txt", "data"}
    for f in top:
        if f in standard or re.fullmatch(r"(tag)?manifest-\w+\.txt", f):
            continue
        if "Tag-Files-Allowed" in profile and not any(
                fnmatch.fnmatch(f, p) for p in profile["Tag-Files-Allowed"]):
            problems.append("tag file %s is not allowed" % f)
    for f in profile.get("Tag-Files-Required", []):
        if not os.path.isfile(os.path.join(bag, f)):
            problems.append("tag file %s is required" % f)
    for f in profile.get("Payload-Files-Required", []):
        if not os.path.isfile(os.path.join(bag, f)):
            problems.append("payload file %s is required" % f)
    if profile.get("Allow-Fetch.txt") is False and "fetch.txt" in top:
        problems.append("fetch.txt is not allowed")
    if profile.get("Data-Empty") is False and not any(
            files for _, _, files in os.walk(os.path.join(bag, "data"))):
        problems.append("the payload is empty")
    version = tags(os.path.join(bag, "bagit.txt")).get("BagIt-Version", [""])
    if version[0] not in profile.get("Accept-BagIt-Version", []):
        problems.append("BagIt-Version %s is not accepted" % version[0])
    for p in problems:
        print(p)
    return 1 if problems else 0


sys.exit(main())
