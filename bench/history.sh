#!/bin/sh
# bench/history.sh -- what a large history of committed runs costs a run:
# builds an OUT holding RUNS synthetic committed runs of ROWS released rows
# each (tests/gen-history.py writes their decisions.csv directly, in
# seconds), then runs the samples' 33-request manifest twice on an empty
# OUT and twice on that one (there, the first run builds the history index
# and the second looks its requests up in it), and prints each run's peak
# RSS and wall time.  It does not run in make check (tests/history.sh and
# tests/history-index.sh are the functional tests).
#
#	bench/history.sh BUILDDIR SRCDIR [RUNS [ROWS]]	(default 300 10000)
#
# Environment: PYTHON3 (python3), TMPDIR (where the OUTs are built).
set -eu

[ $# -ge 2 ] || { echo "usage: bench/history.sh BUILDDIR SRCDIR [RUNS [ROWS]]" >&2; exit 2; }
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
runs=${3:-300} rows=${4:-10000}
py=${PYTHON3:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/custrelease-history.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CUSTRELEASE_TEMPLATES="$src/templates" LC_ALL=C.UTF-8 TZ=UTC

"$py" "$src/tests/gen-history.py" "$work/big" "$runs" "$rows"
echo "history: $runs runs of $rows released rows ($((runs * rows)) rows, $(du -sh "$work/big" | cut -f1))"

# measure NAME OUT [NOW]: one run of the samples' manifest; peak RSS and
# wall.
measure() {
	"$py" - "$1" "$build/src/custrelease" run --export "$src/samples/export" \
	    --manifest "$src/samples/manifest.csv" --out "$2" \
	    --now "${3:-2026-12-01T02:00:00Z}" \
	    --token-key "$src/samples/token.key" <<'PY'
import os, resource, sys, time
t = time.monotonic()
# posix_spawn (vfork): the child's peak is custrelease's, not a copy of ours
fa = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ, file_actions=fa)
rc = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
t = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%-22s exit %d  peak RSS %7.1f MB  wall %.3f s"
      % (sys.argv[1], rc, rss / 1024, t))
PY
}
# GNU time, when installed, gives custrelease's own peak; the Python
# fallback's includes the pages the spawning interpreter shares with it.
if [ -x /usr/bin/time ]; then
	measure() {
		/usr/bin/time -f "$(printf '%-22s' "$1") exit %x  peak RSS %M KiB  wall %e s" \
		    "$build/src/custrelease" run --export "$src/samples/export" \
		    --manifest "$src/samples/manifest.csv" --out "$2" \
		    --now "${3:-2026-12-01T02:00:00Z}" \
		    --token-key "$src/samples/token.key" >/dev/null 2>"$work/time" || :
		tail -1 "$work/time"
	}
fi
# Night 1 on the generated history finds no index: it reads every
# decisions.csv, and builds the index after its commit.  Night 2 (the same
# manifest, so every request is already applied on both OUTs) looks its
# requests up; compare it with night 2 on an OUT of one night.
measure "empty OUT, night 1" "$work/empty"
measure "large, night 1" "$work/big"
measure "empty OUT, night 2" "$work/empty" 2026-12-02T02:00:00Z
measure "large, night 2" "$work/big" 2026-12-02T02:00:00Z
echo "index: $(ls "$work/big/.history-index" | wc -l) segments, $(du -sh "$work/big/.history-index" | cut -f1)"
