#!/bin/sh
# run.sh -- build the libFuzzer targets of fuzz/ with clang and run them.
#
#	fuzz/run.sh [BUILDDIR]		(default: fuzz/build)
#
# For each target: replay every file of fuzz/regressions/<target>/, then
# fuzz for $FUZZ_SECONDS seconds (default 30) from a corpus kept in
# BUILDDIR/corpus/<target> plus seeds made from samples/, tests/data/ and
# templates/ (fuzz/mkseeds.py).  Exits 1 and prints the input's path when
# any target crashes, leaks, times out or runs out of memory; such an input
# is also copied to fuzz/regressions/<target>/, to be committed as a
# regression fixture.  Exit 2: the build failed.
#
# Environment: FUZZ_SECONDS, FUZZ_TARGETS (default: all), CLANG (default
# clang), FUZZ_FLAGS (more libFuzzer options), FUZZ_SAVE=0 (do not copy
# crashes into fuzz/regressions).  It deliberately needs no configured
# tree: the parsers include no config.h.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
fz=$top/fuzz
build=${1:-$fz/build}
mkdir -p "$build" || exit 2
build=$(cd "$build" && pwd)
seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-"csv xml manifest validate email template verify sshsig history config"}
cc=${CLANG:-clang}

# The library: every source of src/ but main.c, compiled into each target
# with the sanitizers (Debian's libcsv itself is not instrumented), so a
# target links whatever the code it reaches calls.  config.h and the
# generated templates-builtin.c come from the build tree (CONFIG_H_DIR,
# default the source tree: an in-tree build).
cfgdir=${CONFIG_H_DIR:-$top}
lib_srcs=
for c in "$top"/src/*.c; do
	case ${c##*/} in main.c|templates-builtin.c) continue ;; esac
	lib_srcs="$lib_srcs ${c%.c}"
done
lib_srcs="$lib_srcs $cfgdir/src/templates-builtin"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -fno-omit-frame-pointer $san
	-I$cfgdir -DHAVE_CONFIG_H -I$top/src -I$fz
	$(pkg-config --cflags libxml-2.0 2>/dev/null ||
	echo -I/usr/include/libxml2)"
libs="-lcsv -lxml2 -larchive -lhogweed -lnettle -lidn2 -lunistring -lsodium
	-pthread"

command -v "$cc" >/dev/null 2>&1 || {
	echo "run.sh: $cc not found: apt-get install clang libclang-rt-14-dev" >&2
	exit 2
}

# --- build ----------------------------------------------------------------
echo "run.sh: building into $build"
mkdir -p "$build/obj" || exit 2
# stale OUT SRC: OUT is missing or older than SRC or than any header.
stale() {
	[ ! -f "$1" ] || [ -n "$(find "$2" -newer "$1")" ] ||
	    [ -n "$(find "$top/src" "$fz" \( -name '*.h' -o -name '*.def' \) -newer "$1")" ]
}
objs=
for s in $lib_srcs $fz/fuzz-common; do
	case $s in /*) c=$s.c ;; *) c=$top/src/$s.c ;; esac
	o=$build/obj/$(basename "$s").o
	if stale "$o" "$c"; then
		# shellcheck disable=SC2086
		$cc $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$o" ||
		    exit 2
	fi
	objs="$objs $o"
done
for t in $targets; do
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer \
	    -DFUZZ_TEMPLATES_DIR="\"$top/templates\"" \
	    "$fz/fuzz-$t.c" $objs $libs -o "$build/fuzz-$t" || exit 2
done

# --- seeds ----------------------------------------------------------------
# Only this run's targets are replaced: runs of other targets may share
# BUILDDIR.
tmp=$build/seeds.$$
rm -rf "$tmp"
python3 "$fz/mkseeds.py" "$top" "$tmp" || exit 2
mkdir -p "$build/seeds"
for t in $targets; do
	rm -rf "$build/seeds/$t"
	[ -d "$tmp/$t" ] && mv "$tmp/$t" "$build/seeds/$t"
done
rm -rf "$tmp"

# --- run ------------------------------------------------------------------
CUSTRELEASE_TEMPLATES=${CUSTRELEASE_TEMPLATES:-$top/templates}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CUSTRELEASE_TEMPLATES ASAN_OPTIONS UBSAN_OPTIONS

fail=0
opts="-max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1"

dict_of() {
	case $1 in
	csv) echo "$fz/csv.dict" ;;
	xml) echo "$fz/xml.dict" ;;
	manifest) cat "$fz/csv.dict" "$fz/xml.dict" >"$build/manifest.dict"
		echo "$build/manifest.dict" ;;
	email|template) echo "$fz/template.dict" ;;
	*) echo "" ;;
	esac
}

# Report the artifacts of target $1 that are crashes; copy them to the
# regressions.  Returns 1 when there was any.
artifacts() {
	found=0
	for a in "$build/artifacts/$1"/crash-* "$build/artifacts/$1"/leak-* \
	    "$build/artifacts/$1"/timeout-* "$build/artifacts/$1"/oom-*; do
		[ -f "$a" ] || continue
		found=1
		echo "run.sh: fuzz-$1: FAILING INPUT: $a"
		if [ "${FUZZ_SAVE:-1}" != 0 ]; then
			mkdir -p "$fz/regressions/$1"
			cp "$a" "$fz/regressions/$1/" &&
			    echo "run.sh: fuzz-$1: saved as" \
				"fuzz/regressions/$1/$(basename "$a")"
		fi
	done
	return $found
}

for t in $targets; do
	bin=$build/fuzz-$t
	log=$build/fuzz-$t.log
	rm -rf "$build/artifacts/$t"
	mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
	: >"$log"

	# Regressions first: libFuzzer runs each file given once.
	reg=$(find "$fz/regressions/$t" -type f 2>/dev/null | sort)
	if [ -n "$reg" ]; then
		n=$(echo "$reg" | wc -l)
		# shellcheck disable=SC2086
		if ! "$bin" $opts -artifact_prefix="$build/artifacts/$t/" \
		    $reg >>"$log" 2>&1; then
			echo "run.sh: fuzz-$t: a regression fails (log: $log)"
			grep -m3 -E \
			    'Running: |ERROR: |invariant failed|SUMMARY' "$log"
			fail=1
			continue
		fi
		echo "run.sh: fuzz-$t: $n regression input(s) pass"
	fi

	d=$(dict_of "$t")
	set -- -max_total_time="$seconds" \
	    -artifact_prefix="$build/artifacts/$t/"
	[ -n "$d" ] && set -- "$@" -dict="$d"
	seeds=$build/seeds/$t
	[ -d "$seeds" ] || seeds=
	# shellcheck disable=SC2086
	timeout $((seconds + 300)) "$bin" $opts ${FUZZ_FLAGS:-} "$@" \
	    "$build/corpus/$t" $seeds >>"$log" 2>&1
	rc=$?
	stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	execs=$(grep '^stat::number_of_executed_units' "$log" | tail -1 |
	    sed 's/.*: *//')
	echo "run.sh: fuzz-$t: exit $rc, ${execs:-?} execs; ${stats:-no stats}"
	found=0
	artifacts "$t" || found=1
	if [ $rc -ne 0 ] || [ $found -ne 0 ]; then
		fail=1
		grep -m3 -E 'ERROR: |invariant failed|SUMMARY' "$log"
		echo "run.sh: fuzz-$t: log in $log"
	fi
done
[ $fail -eq 0 ] && echo "run.sh: all targets clean"
exit $fail
