#!/bin/sh
# bench/emails-layout.sh -- what one directory of many claim emails costs
# the tools an operator runs on it, against the same files spread over
# 256 subdirectories (emails/<2 hex digits>/<customer_id>.eml, the digits
# from the SHA-256 of the customer id).  The files are not copied: the
# spread tree is made of hard links to them, so both layouts hold the
# same bytes on the same disk.
#
#	bench/emails-layout.sh EMAILS_DIR [WORK_DIR]
#	bench/emails-layout.sh --make N WORK_DIR
#
# EMAILS_DIR is a run's emails/ (bench/migration.sh with BENCH_KEEP=1
# keeps one); WORK_DIR (default: beside it) must be on the same file
# system and gets the spread tree, the rsync copies and the timings.
# --make writes WORK_DIR/emails first: N files c-0000000.eml ... of 8,600
# bytes (the mean size of the bench's claim emails) in one directory.  For
# each layout it times, cold where it says so (the page cache dropped
# when it can be, as root):
#
#   ls (unsorted, ls -f), ls -l (sorted, one stat per file), find -type f,
#   du -s, tar c of the tree to /dev/null, rsync -a into an empty
#   directory, rsync -a again (nothing to copy: the scan alone), rm -rf
#   of that copy
#
# and prints one table.  It changes nothing in EMAILS_DIR.
set -eu

usage() {
	echo "usage: bench/emails-layout.sh EMAILS_DIR [WORK_DIR]" >&2
	echo "       bench/emails-layout.sh --make N WORK_DIR" >&2
	exit 2
}
PYTHON3=${PYTHON3:-python3}
if [ "${1:-}" = --make ]; then
	[ $# -eq 3 ] || usage
	case $2 in '' | *[!0-9]*) usage ;; esac
	mkdir -p "$3"
	WORK=$(cd "$3" && pwd)
	if [ ! -f "$WORK/.emails-complete" ]; then
		rm -rf "$WORK/emails" "$WORK/spread" "$WORK/.spread-complete"
		"$PYTHON3" - "$2" "$WORK/emails" <<'PY'
import os, sys
n, d = int(sys.argv[1]), sys.argv[2]
os.mkdir(d, 0o700)
body = b"x" * 8600
for i in range(n):
    fd = os.open(os.path.join(d, "c-%07d.eml" % i),
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, body)
    os.close(fd)
PY
		: >"$WORK/.emails-complete"
	fi
	SRCDIR=$WORK/emails
else
	[ $# -ge 1 ] && [ $# -le 2 ] || usage
	SRCDIR=$(cd "$1" && pwd)
	WORK=${2:-$SRCDIR/../emails-layout}
	mkdir -p "$WORK"
	WORK=$(cd "$WORK" && pwd)
fi
HAVE_RSYNC=0
command -v rsync >/dev/null 2>&1 && HAVE_RSYNC=1

N=$(ls -f "$SRCDIR" | grep -c '\.eml$' || true)
[ "$N" -gt 0 ] || { echo "emails-layout: no .eml in $SRCDIR" >&2; exit 2; }

# the spread tree: hard links, 256 subdirectories
SPREAD=$WORK/spread
if [ ! -f "$WORK/.spread-complete" ]; then
	rm -rf "$SPREAD"
	"$PYTHON3" - "$SRCDIR" "$SPREAD" <<'PY'
import hashlib, os, sys
src, dst = sys.argv[1:]
os.mkdir(dst)
for i in range(256):
    os.mkdir(os.path.join(dst, "%02x" % i))
for name in os.listdir(src):
    if not name.endswith(".eml"):
        continue
    h = hashlib.sha256(name[:-4].encode()).hexdigest()[:2]
    os.link(os.path.join(src, name), os.path.join(dst, h, name))
PY
	: >"$WORK/.spread-complete"
fi

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
}

# timed LAYOUT WHAT CMD...: wall seconds of CMD into the table
RESULTS=$WORK/results.tsv
: >"$RESULTS"
timed() {
	_layout=$1 _what=$2
	shift 2
	_t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || echo "emails-layout: $_what failed" >&2
	_t1=$(date +%s.%N)
	printf '%s\t%s\t%s\n' "$_layout" "$_what" \
	    "$(echo "$_t1 $_t0" | awk '{ printf "%.2f", $1 - $2 }')" >>"$RESULTS"
}

for layout in flat spread; do
	case $layout in flat) T=$SRCDIR ;; spread) T=$SPREAD ;; esac
	drop_caches
	timed $layout "ls -f (cold)" sh -c 'ls -fR "$1" | wc -l' sh "$T"
	timed $layout "ls -f" sh -c 'ls -fR "$1" | wc -l' sh "$T"
	timed $layout "ls -l" ls -lR "$T"
	timed $layout "find -type f" find "$T" -type f
	timed $layout "du -s" du -s "$T"
	timed $layout "tar c > /dev/null" tar cf - -C "$T" .
	if [ $HAVE_RSYNC -eq 1 ]; then
		rm -rf "$WORK/copy"
		timed $layout "rsync -a (copy)" rsync -a "$T/" "$WORK/copy/"
		timed $layout "rsync -a (nothing new)" rsync -a "$T/" \
		    "$WORK/copy/"
		timed $layout "rm -rf of the copy" rm -rf "$WORK/copy"
	fi
done

echo "claim emails: $N files in one directory against 256 subdirectories"
echo "  $(uname -sr), $(df -T "$SRCDIR" | awk 'NR == 2 { print $2 }')," \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
[ $HAVE_RSYNC -eq 1 ] || echo "  (no rsync here: its rows are missing)"
awk -F '\t' '
{ key = $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  t[$1, key] = $3 }
END {
	printf "%-26s %10s %10s\n", "wall s", "flat", "256 dirs"
	for (i = 1; i <= n; i++)
		printf "%-26s %10s %10s\n", order[i], t["flat", order[i]],
		    t["spread", order[i]]
}' "$RESULTS"
