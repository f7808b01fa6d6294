#!/bin/sh
# layering.sh -- the shape of src/: no call cycle between its files (from
# the symbols each object of libcustrelease.a defines and uses, as nm
# lists them) and no include cycle between its headers.  A cycle means two
# files can no longer be read, changed or tested one at a time.  And only
# the command layer (cmd-*.c, main.c) prints or picks an exit code: the
# library records what failed in the error handle (err.h) and returns.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
cd "$top_srcdir" || exit 1

LIB=$top_builddir/src/libcustrelease.a
[ -f "$LIB" ]; ok $? "the library is built ($LIB)"
nm -A "$LIB" > "$TMP/nm" 2>/dev/null
ok $? "nm lists its symbols"

"$PYTHON3" - "$TMP/nm" > "$TMP/calls" <<'PY'
import collections, re, sys
defs, uses = {}, collections.defaultdict(set)
for line in open(sys.argv[1]):
    m = re.match(r'^[^:]*:([^:]+)\.o:\s*(?:[0-9a-f]+\s+)?([A-Za-z])\s+(\S+)$', line.strip())
    if not m:
        continue
    f, kind, sym = m.groups()
    if kind in "TDBR":
        defs[sym] = f
    elif kind == "U":
        uses[f].add(sym)
g = {f: {defs[u] for u in us if u in defs and defs[u] != f}
     for f, us in uses.items()}
print("files %d edges %d" % (len(set(defs.values())),
                             sum(len(v) for v in g.values())))
# a cycle: a file that reaches itself
for start in sorted(g):
    seen, todo = set(), list(g[start])
    while todo:
        f = todo.pop()
        if f == start:
            print("cycle through %s" % start)
            break
        if f not in seen:
            seen.add(f)
            todo.extend(g.get(f, ()))
PY
ok $? "the call graph is computed"
grep '^files' "$TMP/calls" | sed 's/^/# /'
n=$(grep '^files' "$TMP/calls" | awk '{ print $4 }')
[ "${n:-0}" -gt 50 ]; ok $? "the call graph has edges ($n): nm was understood"
grep '^cycle' "$TMP/calls" | sed 's/^/# /'
! grep -q '^cycle' "$TMP/calls"; ok $? "no call cycle between the files of src/"

"$PYTHON3" - src > "$TMP/incl" <<'PY'
import os, re, sys
d = sys.argv[1]
inc = {}
for f in os.listdir(d):
    if f.endswith(".h"):
        inc[f] = set(re.findall(r'^#include "([^"]+)"',
                                open(os.path.join(d, f)).read(), re.M))
for start in sorted(inc):
    seen, todo = set(), list(inc[start])
    while todo:
        f = todo.pop()
        if f == start:
            print("include cycle through %s" % start)
            break
        if f not in seen:
            seen.add(f)
            todo.extend(inc.get(f, ()))
PY
grep . "$TMP/incl" | sed 's/^/# /'
[ ! -s "$TMP/incl" ]; ok $? "no include cycle between the headers of src/"

# Objects of the library outside the command layer that print to stdout
# or stderr, call the command layer's printers, or exit.
"$PYTHON3" - "$TMP/nm" > "$TMP/print" <<'PY'
import re, sys
bad = {"printf", "puts", "putchar", "vprintf", "perror", "stdout", "stderr",
       "exit", "cr_diag_stream", "cr_diag_set_stream", "cr_cmd_exit_code"}
seen = set()
for line in open(sys.argv[1]):
    m = re.match(r'^[^:]*:([^:]+)\.o:\s*U\s+(\S+)$', line.strip())
    if not m:
        continue
    f, sym = m.groups()
    seen.add(f)
    if sym in bad and not f.startswith("cmd-"):
        print("%s uses %s" % (f, sym))
print("checked %d objects" % len(seen))
PY
sed 's/^/# /' "$TMP/print"
n=$(sed -n 's/^checked \([0-9]*\) objects$/\1/p' "$TMP/print")
[ "${n:-0}" -gt 50 ]; ok $? "undefined symbols of $n objects were read"
! grep -q ' uses ' "$TMP/print"
ok $? "no library object prints, exits or calls the command layer's printers"

grep -ln 'CR_EXIT_' src/*.c src/*.h | grep -v '^src/cmd' | grep -v '^src/main\.c$' > "$TMP/exits"
sed 's/^/# /' "$TMP/exits"
[ ! -s "$TMP/exits" ]; ok $? "exit codes are named only in the command layer"
grep -q 'CR_EXIT_DATAERR' src/cmd.h; ok $? "the exit codes are in cmd.h"

done_testing
