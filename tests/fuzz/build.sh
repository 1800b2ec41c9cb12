#!/bin/sh
# tests/fuzz/build.sh: builds the libFuzzer targets with clang, apart from the normal build.
#
# usage: build.sh OUTDIR SRCDIR CC [CFLAG...] -- [LIB...] -- SOURCE...
#
# "make fuzz" calls it with the project's sources (the libraries the unit tests link), the
# include paths and the pkg-config flags. Every .c of SOURCE is compiled again with CC and
# -fsanitize=fuzzer-no-link,address,undefined into OUTDIR/obj (kept, recompiled when the
# source, a header or the flags change), archived, and each SRCDIR/tests/fuzz/fuzz_*.c is
# linked against it with -fsanitize=fuzzer into OUTDIR/bin/. A SOURCE is looked for in the
# current (build) directory first, so generated files such as wizard/embedded.c are found.
# FUZZ_JOBS (default 2) compilers run at once.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 OUTDIR SRCDIR CC [CFLAG...] -- [LIB...] -- SOURCE..." >&2; exit 2; }
out=$1 srcdir=$2 cc=$3
shift 3
cflags= libs=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	cflags="$cflags '$1'"
	shift
done
[ $# -gt 0 ] && shift
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	libs="$libs $1"
	shift
done
[ $# -gt 0 ] && shift

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "build.sh: $cc not found: the fuzz targets need clang with libFuzzer" \
	    "(Debian: apt-get install clang libclang-rt-14-dev), or set FUZZ_CC" >&2
	exit 1
fi

san="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
obj=$out/obj bin=$out/bin
mkdir -p "$obj" "$bin"

# Everything is rebuilt when the flags or the compiler change, or any header is newer than
# the last build: simpler than tracking each object's headers, and still only seconds.
sig="$cc $san $cflags"
stamp=$obj/.stamp
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sig" ] ||
    [ -n "$(find "$srcdir/src" "$srcdir/wizard" "$srcdir/tests/fuzz" -name '*.h' \
	-newer "$stamp" 2>/dev/null)" ] ||
    { [ -f config.h ] && [ config.h -nt "$stamp" ]; }; then
	rm -f "$obj"/*.o "$stamp"
fi

jobs=$obj/.jobs
: > "$jobs"
objs=
for f in "$@" "$srcdir/tests/fuzz/fuzz-util.c"; do
	case $f in
	*.c) ;;
	*) continue ;;
	esac
	if [ -f "$f" ]; then
		path=$f
	elif [ -f "$srcdir/$f" ]; then
		path=$srcdir/$f
	else
		echo "build.sh: no source $f" >&2
		exit 1
	fi
	o=$obj/$(echo "${f#"$srcdir"/}" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $o"
	if [ ! -f "$o" ] || [ "$path" -nt "$o" ]; then
		echo "$cc -std=c11 $san -fsanitize=fuzzer-no-link $cflags -I'$srcdir/tests/fuzz' -c '$path' -o '$o'" >> "$jobs"
	fi
done
if [ -s "$jobs" ]; then
	echo "  FUZZCC   $(wc -l < "$jobs") objects"
	# One shell per line: each line is a complete, quoted compiler command.
	tr '\n' '\0' < "$jobs" | xargs -0 -n 1 -P "${FUZZ_JOBS:-2}" sh -c
	echo "$sig" > "$stamp"
fi
rm -f "$jobs"

lib=$obj/libsendfix-fuzz.a
util=$obj/tests_fuzz_fuzz-util.o
lib_objs=
for o in $objs; do
	[ "$o" = "$util" ] || lib_objs="$lib_objs $o"
done
rm -f "$lib"
# shellcheck disable=SC2086
ar rcs "$lib" $lib_objs

for f in "$srcdir"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	if [ ! -f "$bin/$name" ] || [ "$f" -nt "$bin/$name" ] || [ "$stamp" -nt "$bin/$name" ]; then
		echo "  FUZZLD   $bin/$name"
		eval "\"\$cc\" -std=c11 $san -fsanitize=fuzzer -Wall -Wextra $cflags \
		    -I'$srcdir/tests/fuzz' '$f' '$util' '$lib' $libs -o '$bin/$name'"
	fi
done
