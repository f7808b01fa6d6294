#!/usr/bin/env python3
"""gen-iso3166.py -- write src/iso3166.c from Debian's iso-codes JSON.

Reads the officially assigned ISO 3166-1 alpha-2 codes and the ISO 3166-2
subdivision codes from the `iso-codes` package (iso_3166-1.json and
iso_3166-2.json) and writes a C file holding them as sorted tables with
bsearch look-ups.  The output is deterministic: the same package version
gives the same bytes (no date, sorted rows).  It deliberately does not
read ISO 3166-3 (withdrawn codes) nor any user-assigned or exceptionally
reserved code (such as UK or EU): iso-codes lists only official ones.

Regenerate (from the top of the source tree):

    python3 tools/gen-iso3166.py -o src/iso3166.c

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys

DEFAULT_DIR = "/usr/share/iso-codes/json"


def package_version(override):
    if override:
        return override
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "iso-codes"],
            check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("gen-iso3166: cannot read the iso-codes version with "
                 "dpkg-query (%s); give --source-version" % e)
    if not out:
        sys.exit("gen-iso3166: iso-codes is not installed "
                 "(apt-get install iso-codes)")
    return out


def load(path, key):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)[key]
    except (OSError, ValueError, KeyError) as e:
        sys.exit("gen-iso3166: %s: %s" % (path, e))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default="-",
                    help="output file (default: stdout)")
    ap.add_argument("--json-dir", default=DEFAULT_DIR,
                    help="directory of iso_3166-1.json and iso_3166-2.json")
    ap.add_argument("--source-version", default=None,
                    help="iso-codes version to cite (default: dpkg-query)")
    args = ap.parse_args()

    version = package_version(args.source_version)
    p1 = os.path.join(args.json_dir, "iso_3166-1.json")
    p2 = os.path.join(args.json_dir, "iso_3166-2.json")

    alpha2 = sorted({c["alpha_2"] for c in load(p1, "3166-1")})
    subs = sorted({s["code"] for s in load(p2, "3166-2")})

    for a in alpha2:
        if not re.fullmatch(r"[A-Z]{2}", a):
            sys.exit("gen-iso3166: unexpected alpha-2 code %r" % a)
    known = set(alpha2)
    for s in subs:
        if not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", s):
            sys.exit("gen-iso3166: unexpected subdivision code %r" % s)
        if s[:2] not in known:
            sys.exit("gen-iso3166: subdivision %r of unknown country" % s)

    out = []
    w = out.append
    w("/*\n")
    w(" * iso3166.c -- GENERATED FILE, do not edit: ISO 3166-1 alpha-2 codes\n")
    w(" * and ISO 3166-2 subdivision codes as sorted tables.\n")
    w(" *\n")
    w(" * Source: Debian package iso-codes %s\n" % version)
    w(" *   %s (%d officially assigned alpha-2 codes)\n" % (p1, len(alpha2)))
    w(" *   %s (%d subdivision codes)\n" % (p2, len(subs)))
    w(" * Regenerate: python3 tools/gen-iso3166.py -o src/iso3166.c\n")
    w(" *\n")
    w(" * Only look-ups live here; what a valid contact is, is validate.c's.\n")
    w(" */\n")
    w("#include <stdlib.h>\n#include <string.h>\n\n#include \"validate.h\"\n\n")
    w("const char cr_iso3166_source[] = \"iso-codes %s\";\n\n" % version)
    w("static const char iso3166_alpha2[%d][3] = {\n" % len(alpha2))
    for i in range(0, len(alpha2), 10):
        w("\t" + " ".join('"%s",' % a for a in alpha2[i:i + 10]) + "\n")
    w("};\n\n")
    w("static const char iso3166_2[%d][7] = {\n" % len(subs))
    for i in range(0, len(subs), 6):
        w("\t" + " ".join('"%s",' % s for s in subs[i:i + 6]) + "\n")
    w("};\n\n")
    w("""static int
iso3166_cmp3(const void *key, const void *elem)
{
	return strcmp(key, elem);
}

/* True when `code` is an officially assigned alpha-2 code (exact case). */
int
cr_iso3166_alpha2_known(const char *code)
{
	if (code == NULL || strlen(code) != 2)
		return 0;
	return bsearch(code, iso3166_alpha2, sizeof iso3166_alpha2 /
	    sizeof iso3166_alpha2[0], sizeof iso3166_alpha2[0],
	    iso3166_cmp3) != NULL;
}

/* True when `code` is a full ISO 3166-2 code such as "FR-NAQ" (exact case). */
int
cr_iso3166_2_known(const char *code)
{
	size_t n;

	if (code == NULL || (n = strlen(code)) < 4 || n > 6)
		return 0;
	return bsearch(code, iso3166_2, sizeof iso3166_2 /
	    sizeof iso3166_2[0], sizeof iso3166_2[0], iso3166_cmp3) != NULL;
}
""")
    text = "".join(out)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
