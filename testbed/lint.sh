#!/bin/bash
# What `make lint` runs. Over every C file and header of the overlay:
#   - scripts/checkpatch.pl --strict --no-tree -f: 0 errors/warnings/checks
#     (false positives can be ignored per file in testbed/checkpatch.ignore)
#   - scripts/kernel-doc -none -Wall: no output
#   - sphinx-build -W of Documentation/userspace-api/fwctl alone, with the
#     kernel's kerneldoc extension: no warning, no kernel-doc message;
#     and the uAPI index must list fwctl/index
#   - sparse (C=2) + W=1 build of drivers/fwctl and of the CXL core's
#     Features files against the debug kernel tree: no warning line
# plus checkpatch on patches/*.patch; for tools/fwctl its host test (ASan,
# UBSan), a MOCK=0 build, `make install` and groff on its man page; and for
# the test bed itself shellcheck, a python syntax check and parse.py's
# self-test on sample logs (testbed/samples/expected). Prints every problem; exits 1 if there was any.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

take_lock
cd "$REPO"
PROBLEMS=0
problem() { # WHAT OUTPUT
	echo "lint: FAIL $1"
	local l
	while IFS= read -r l; do
		printf '    %s\n' "$l"
	done <<<"$2"
	PROBLEMS=$((PROBLEMS + 1))
}

# The kernel scripts come from the (patched) source tree; sparse needs the
# configured and built debug tree for Module.symvers.
bash "$TESTBED_DIR/lib.sh" prepare_tree
bash "$TESTBED_DIR/lib.sh" configure_debug
if [[ ! -f $O_DEBUG/Module.symvers || ! -f $O_DEBUG/scripts/mod/modpost ]]; then
	log "lint: debug tree not built yet, building it"
	bash "$TESTBED_DIR/lib.sh" build_debug
fi

mapfile -t FILES < <(
	{
		find drivers/fwctl -name '*.[ch]'
		find include/linux/fwctl.h include/uapi/fwctl tools/testing/selftests/fwctl \
			tools/fwctl tools/fwctl/test include/cxl include/uapi/cxl drivers/cxl/core \
			-maxdepth 1 -name '*.[ch]'
	} 2>/dev/null | sort
)
log "lint: ${#FILES[@]} files: ${FILES[*]}"

# Per-file false positives, documented in testbed/checkpatch.ignore.
ignore_for() {
	awk -v f="$1" '$1 == f { printf "%s%s", sep, $2; sep = "," }' "$TESTBED_DIR/checkpatch.ignore"
}

for f in "${FILES[@]}"; do
	ign=$(ignore_for "$f")
	out=$("$SRC/scripts/checkpatch.pl" --strict --no-tree --show-types ${ign:+--ignore "$ign"} \
		-f "$f" 2>&1 || true)
	if ! grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		problem "checkpatch $f" "$out"
	fi
	out=$("$SRC/scripts/kernel-doc" -none -Wall "$f" 2>&1 || true)
	[[ -z $out ]] || problem "kernel-doc $f" "$out"
done

# The fwctl documentation, built by the kernel's own `make htmldocs` for
# that directory alone from the synced tree, with sphinx -W, so that every
# kernel-doc directive renders its source and every reference and toctree
# entry resolves. kernel-doc's own warnings do not fail sphinx: any warning
# or error in the output is a problem. About 5 s.
docs=$FWCTL_CACHE/lint-htmldocs
rm -rf "$docs"
if ! command -v sphinx-build >/dev/null; then
	problem "docs build" "sphinx-build not found: install python3-sphinx (testbed/deps.sh)"
elif ! out=$(make -C "$SRC" O="$docs" htmldocs SPHINXDIRS=userspace-api/fwctl \
	SPHINXOPTS="-W --keep-going" 2>&1) ||
	grep -qiE 'warning|error' <<<"$out"; then
	problem "make htmldocs SPHINXDIRS=userspace-api/fwctl" "$out"
fi
# The one link that the build above cannot see: from the uAPI index.
grep -qxF '   fwctl/index' "$SRC/Documentation/userspace-api/index.rst" ||
	problem "docs index" "Documentation/userspace-api/index.rst does not list fwctl/index"

shopt -s nullglob
patches=(patches/*.patch)
shopt -u nullglob
for p in "${patches[@]}"; do
	# On stdin: given the path of a file git tracks, checkpatch checks the
	# commit that added the file instead of the patch inside it.
	out=$("$SRC/scripts/checkpatch.pl" --strict --no-tree - <"$p" 2>&1 || true)
	if ! grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		problem "checkpatch $p" "$out"
	fi
done

# sparse and W=1 on a fresh copy of the synced drivers/fwctl, built as an
# external module against the debug tree: fresh, so every file is compiled
# (and warned about) every time, and the debug build dir is left alone.
lintsrc=$FWCTL_CACHE/lint-src/fwctl
rm -rf "$lintsrc"
mkdir -p "$lintsrc"
if [[ -d $SRC/drivers/fwctl ]]; then
	rsync -r "$SRC/drivers/fwctl/" "$lintsrc/"
	if out=$(make -C "$O_DEBUG" M="$lintsrc" C=2 W=1 -j"$JOBS" modules 2>&1); then
		warn=$(grep -E ': (warning|error):|^WARNING:|^ERROR:' <<<"$out" || true)
		[[ -z $warn ]] || problem "sparse/W=1 build of drivers/fwctl" "$warn"
	else
		problem "sparse/W=1 build of drivers/fwctl failed" "$out"
	fi
fi

# The same for the CXL core's Features files, compiled on their own (they
# are part of cxl_core, which the debug tree builds): no link, no modpost.
lintcxl=$FWCTL_CACHE/lint-src/cxl
rm -rf "$lintcxl"
mkdir -p "$lintcxl"
cxlobjs=()
for f in "$SRC"/drivers/cxl/core/features*.c; do
	[[ -f $f ]] || continue
	cp "$f" "$lintcxl/"
	cxlobjs+=("$(basename "$f" .c).o")
done
if ((${#cxlobjs[@]})); then
	# shellcheck disable=SC2016 # $(srctree) is for make
	printf '%s\n' 'ccflags-y := -I$(srctree)/drivers/cxl -I$(srctree)/drivers/cxl/core' \
		"obj-m := ${cxlobjs[*]}" >"$lintcxl/Kbuild"
	if out=$(make -C "$O_DEBUG" M="$lintcxl" C=2 W=1 "${cxlobjs[@]}" 2>&1); then
		warn=$(grep -E ': (warning|error):|^WARNING:|^ERROR:' <<<"$out" || true)
		[[ -z $warn ]] || problem "sparse/W=1 build of drivers/cxl/core/features*.c" "$warn"
	else
		problem "sparse/W=1 build of drivers/cxl/core/features*.c failed" "$out"
	fi
fi

# The out-of-tree build on a kernel newer than 6.12 that has no fwctl: since
# 6.13, EXPORT_SYMBOL_NS*() and MODULE_IMPORT_NS() take the namespace as a
# string literal. The stock headers, copied (the big -common dir as hard
# links) and given 6.13's two macros and version code, stand in for such a
# kernel. Without compat/fwctl_ns.h the build must fail there, which shows
# that the copy does behave like 6.13; with it, it must build, modpost must
# find the mock's import matching the core's exports, and the mock must
# import namespace FWCTL.
newer_kernel_build() {
	local rel ver root newk hdrs common src out
	rel=$(stock_release) ver=${rel%-*} root=$FWCTL_CACHE/stock/root
	newk=$FWCTL_CACHE/lint-newer-kernel
	hdrs=$newk/usr/src/linux-headers-$rel common=$newk/usr/src/linux-headers-$ver-common
	rm -rf "$newk"
	mkdir -p "$newk/usr/src" "$newk/usr/lib"
	cp -a "$root/usr/src/linux-headers-$rel" "$newk/usr/src/"
	cp -al "$root/usr/src/linux-headers-$ver-common" "$newk/usr/src/"
	ln -s "$root/usr/lib/linux-kbuild-$ver" "$newk/usr/lib/"
	sed -i "s|^include .*/linux-headers-$ver-common/Makefile|include $common/Makefile|" "$hdrs/Makefile"
	# sed -i writes new files: the hard-linked originals stay as they are
	sed -i 's/^\(#define MODULE_IMPORT_NS(ns)\s*MODULE_INFO(import_ns, \)__stringify(ns))/\1ns)/' \
		"$common/include/linux/module.h"
	sed -i 's/^\(#define EXPORT_SYMBOL_NS\(_GPL\)\?(sym, ns)\s.*\)__stringify(ns))$/\1ns)/' \
		"$common/include/linux/export.h"
	sed -i -e 's/^#define LINUX_VERSION_CODE .*/#define LINUX_VERSION_CODE 396544/' \
		-e 's/^#define LINUX_VERSION_PATCHLEVEL .*/#define LINUX_VERSION_PATCHLEVEL 13/' \
		"$hdrs/include/generated/uapi/linux/version.h"
	if grep -q '__stringify(ns)' "$common/include/linux/module.h" "$common/include/linux/export.h"; then
		echo "could not give the copied headers 6.13's namespace macros"
		return 1
	fi
	src=$newk/src
	oot_source "$src"
	if out=$(make -C "$src" KDIR="$hdrs" FWCTL_CPPFLAGS="-I$src/include -I$src/include/uapi \
		-DCONFIG_FWCTL_MODULE=1 -DCONFIG_FWCTL_MOCK_MODULE=1" modules 2>&1); then
		echo "the build without compat/fwctl_ns.h succeeded: the headers do not act like 6.13"
		return 1
	fi
	make -C "$src" clean >/dev/null
	make -C "$src" KDIR="$hdrs" -j"$JOBS" modules || return 1
	out=$(modinfo -F import_ns "$src/drivers/fwctl/mock/fwctl_mock.ko")
	[[ $out == FWCTL ]] || {
		echo "fwctl_mock.ko imports namespace '$out', not FWCTL"
		return 1
	}
}
if [[ ! -d $FWCTL_CACHE/stock/root ]]; then
	problem "out-of-tree build on a 6.13-style kernel" "no stock headers: run testbed/deps.sh"
elif ! out=$(newer_kernel_build 2>&1); then
	problem "out-of-tree build on a 6.13-style kernel (string namespaces)" "$out"
else
	log "lint: out-of-tree build on a 6.13-style kernel: fwctl_mock.ko imports FWCTL"
fi

# The command-line tool's host test, under ASan and UBSan: built afresh in
# the cache, so the work tree stays clean.
hosttest=$FWCTL_CACHE/tools-fwctl/
rm -rf "$hosttest"
mkdir -p "$hosttest"
if out=$(make -s -C tools/fwctl OUTPUT="$hosttest" check 2>&1); then
	log "lint: tools/fwctl host test: $(tail -n 1 <<<"$out")"
else
	problem "tools/fwctl host test (make -C tools/fwctl check)" "$(grep -v '^ok ' <<<"$out")"
fi

# The tool without the mock's commands, warning-free, and what
# `make install` puts where; its man page and bash completion.
if ! out=$(make -s -C tools/fwctl OUTPUT="$hosttest/nomock-" MOCK=0 \
	CFLAGS="-O2 -Werror" 2>&1); then
	problem "tools/fwctl built with MOCK=0" "$out"
elif "$hosttest/nomock-fwctl" help mock >/dev/null 2>&1; then
	problem "tools/fwctl built with MOCK=0" "it still has the mock command"
fi
if ! out=$(make -s -C tools/fwctl OUTPUT="$hosttest" DESTDIR="$hosttest/root" \
	PREFIX=/usr install 2>&1); then
	problem "make -C tools/fwctl install" "$out"
else
	for f in sbin/fwctl share/man/man8/fwctl.8 share/bash-completion/completions/fwctl; do
		[[ -f $hosttest/root/usr/$f ]] ||
			problem "make -C tools/fwctl install" "no /usr/$f in DESTDIR"
	done
fi
out=$(groff -man -ww -z tools/fwctl/fwctl.8 2>&1)
[[ -z $out ]] || problem "groff -man -ww tools/fwctl/fwctl.8" "$out"

# The test bed's own scripts, and the tool's bash completion.
if command -v shellcheck >/dev/null; then
	out=$(shellcheck -x testbed/*.sh .ci/run 2>&1) || problem "shellcheck" "$out"
	out=$(shellcheck -s bash tools/fwctl/fwctl.bash 2>&1) ||
		problem "shellcheck tools/fwctl/fwctl.bash" "$out"
else
	log "lint: shellcheck not installed, skipped"
fi
out=$(python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' testbed/parse.py 2>&1) ||
	problem "python3 syntax of testbed/parse.py" "$out"
# The result parser against console logs with known counts, listed with
# the options to read them in testbed/samples/expected: good runs, and
# broken ones in which something did not run and must not count as a pass.
samples=testbed/samples
while read -r logf pass fail skip opts; do
	[[ -z $logf || $logf == \#* ]] && continue
	read -ra optv <<<"$opts"
	rm -f "$FWCTL_CACHE/parse-sample"
	python3 testbed/parse.py "${optv[@]}" --summary "$FWCTL_CACHE/parse-sample" \
		"$samples/$logf" </dev/null >/dev/null || true
	got=$(cat "$FWCTL_CACHE/parse-sample" 2>/dev/null || echo "parser crashed")
	[[ $got == "$pass $fail $skip" ]] ||
		problem "parse.py on $samples/$logf" \
			"expected pass/fail/skip '$pass $fail $skip', got '$got'"
done <"$samples/expected"
for f in "$samples"/*.log; do
	grep -q "^$(basename "$f") " "$samples/expected" ||
		problem "parse.py self-test" "$f has no line in $samples/expected"
done

if ((PROBLEMS)); then
	echo "lint: $PROBLEMS problem(s)"
	exit 1
fi
echo "lint: clean (${#FILES[@]} files, ${#patches[@]} patches)"
