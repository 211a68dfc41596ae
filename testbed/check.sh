#!/bin/bash
# The whole test bed, what `make check` runs:
#   deps -> debug kernel build -> lint -> debug guest (KUnit, selftests,
#   KASAN/lockdep/kmemleak) -> stock Debian kernel guest (selftests on the
#   out-of-tree modules) -> builtin: a small kernel with fwctl and the mock
#   linked in (init order, the mock registered at boot, the ABI selftest).
# Every phase counts its tests; a phase that cannot build counts one
# failure and the others still run. The last line is
# "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T_START=$SECONDS
# Phases in the order of the summary table.
PHASES=(lint debug stock)
declare -A P=([lint]=0 [debug]=0 [stock]=0) F=([lint]=0 [debug]=0 [stock]=0)
declare -A S=([lint]=0 [debug]=0 [stock]=0) T=([lint]=0 [debug]=0 [stock]=0)
TIMES=()

record() { # PHASE PASS FAIL SKIP SECONDS
	[[ -n ${P[$1]+x} ]] || { PHASES+=("$1"); P[$1]=0 F[$1]=0 S[$1]=0 T[$1]=0; }
	P[$1]=$((P[$1] + $2)) F[$1]=$((F[$1] + $3)) S[$1]=$((S[$1] + $4)) T[$1]=$((T[$1] + $5))
}
fail() { # PHASE WHAT
	log "FAIL $1: $2"
	FAILS+=("$1: $2")
	record "$1" 0 1 0 0
}
FAILS=()

# Count one guest's console log into PHASE. Every selftest program and
# KUnit suite that prepare_guest put in the initramfs must report.
count_guest() { # PHASE LOG TAINT_BITS
	local dir=$FWCTL_CACHE/guest-$1 pass fail skip expect=()
	local sum=$dir/summary
	if [[ -f $dir/expect-selftests ]]; then
		expect+=(--expect-selftests "$(paste -sd, "$dir/expect-selftests")")
	fi
	if [[ -f $dir/expect-kunit ]]; then
		expect+=(--expect-kunit "$(paste -sd, "$dir/expect-kunit")")
	fi
	rm -f "$sum"
	python3 "$TESTBED_DIR/parse.py" --phase "$1" --expected-taint "$3" "${expect[@]}" \
		--uapi "$TESTBED_DIR/../include/uapi/fwctl/fwctl.h" \
		--docs "$TESTBED_DIR/../Documentation/userspace-api/fwctl" \
		--summary "$sum" "$2" || true
	if [[ -f $sum ]]; then
		read -r pass fail skip <"$sum"
		record "$1" "$pass" "$fail" "$skip" 0
		((fail == 0)) || FAILS+=("$1: $fail failed test(s), see above and $2")
	else
		fail "$1" "result parser crashed on $2"
	fi
}

# The sweep, fuzz and stress programs print their figures as '# name: ...'
# lines; collect them so TESTING.md can quote the last run.
figures() {
	local kind log
	for kind in debug stock; do
		log=$LOGDIR/console-$kind.log
		[[ -f $log ]] || continue
		grep -E '^# ((fail_nth|fuzz|stress):|spec: constraints=)' "$log" | sed "s/^# /$kind: /"
	done >"$LOGDIR/figures.txt" || true
	if [[ -s $LOGDIR/figures.txt ]]; then
		echo "figures (also in $LOGDIR/figures.txt):"
		sed 's/^/  /' "$LOGDIR/figures.txt"
	fi
}

summary() {
	local p tp=0 tf=0 ts=0
	echo
	echo "================ fwctl test bed summary ================"
	printf '%-10s %6s %6s %6s %8s\n' phase passed failed skipped seconds
	for p in "${PHASES[@]}"; do
		printf '%-10s %6d %6d %6d %8d\n' "$p" "${P[$p]}" "${F[$p]}" "${S[$p]}" "${T[$p]}"
		tp=$((tp + P[$p])) tf=$((tf + F[$p])) ts=$((ts + S[$p]))
	done
	if ((${#FAILS[@]})); then
		echo "failures:"
		printf '  %s\n' "${FAILS[@]}"
	fi
	figures
	echo "timings: ${TIMES[*]:-} total=$((SECONDS - T_START))s"
	echo "logs: $LOGDIR"
	echo "$tp passed, $tf failed, $ts skipped"
	((tf == 0))
}

step() { bash "$TESTBED_DIR/lib.sh" "$@"; }

# --- deps ---------------------------------------------------------------------
if ! "$TESTBED_DIR/deps.sh"; then
	fail deps "installing the dependencies failed"
	summary
	exit 1
fi
take_lock

# --- debug kernel + lint --------------------------------------------------------
t0=$SECONDS
debug_built=0
if step build_debug; then
	debug_built=1
	TIMES+=("debug-build=$((SECONDS - t0))s")
else
	fail debug "kernel build (log: $LOGDIR/build-debug.log)"
fi
record debug 0 0 0 $((SECONDS - t0))

t0=$SECONDS
if make -C "$REPO" --no-print-directory lint >"$LOGDIR/lint.log" 2>&1; then
	log "lint: clean"
	record lint 1 0 0 $((SECONDS - t0))
else
	cat "$LOGDIR/lint.log"
	fail lint "make lint (log: $LOGDIR/lint.log)"
	record lint 0 0 0 $((SECONDS - t0))
fi

# boot_guest PHASE TAINT_BITS: build the initramfs, boot, count.
boot_guest() {
	local kind=$1 rc=0 t0=$SECONDS
	step prepare_guest "$kind" test || rc=$?
	if ((rc == 3)); then
		fail "$kind" "selftest or CLI build (logs: $LOGDIR/selftests-$kind.log, cli-$kind.log)"
	elif ((rc != 0)); then
		fail "$kind" "initramfs"
		return 0
	fi
	run_qemu "$(guest_kernel "$kind")" "$(guest_initrd "$kind" test)" \
		"$LOGDIR/console-$kind.log"
	TIMES+=("$kind-guest=${GUEST_SECONDS}s")
	count_guest "$kind" "$LOGDIR/console-$kind.log" "$2"
	record "$kind" 0 0 0 $((SECONDS - t0))
}

# --- debug guest ------------------------------------------------------------------
# Allowed taint: 12 (O) the cxl_test modules, built out of tree; 18 (N) the
# KUnit modules ran; 19 (J) fwctl debug-write RPCs.
if ((debug_built)); then
	boot_guest debug 12,18,19
fi

# --- stock Debian kernel ----------------------------------------------------------
# Allowed taint: 12 (O) and 13 (E) unsigned out-of-tree modules; 19 (J) fwctl.
t0=$SECONDS
if step build_stock_modules; then
	record stock 0 0 0 $((SECONDS - t0))
	boot_guest stock 12,13,19
else
	fail stock "out-of-tree module build (log: $LOGDIR/build-stock.log)"
	record stock 0 0 0 $((SECONDS - t0))
fi

# --- fwctl and the mock built in -------------------------------------------------
# A driver built in (the CXL core will be) needs the fwctl class before its
# initcall. The phase appends its own row to the summary. Allowed taint:
# 19 (J) fwctl debug-write RPCs.
t0=$SECONDS
if step build_builtin; then
	TIMES+=("builtin-build=$((SECONDS - t0))s")
	record builtin 0 0 0 $((SECONDS - t0))
	boot_guest builtin 19
else
	fail builtin "kernel build (log: $LOGDIR/build-builtin.log)"
	record builtin 0 0 0 $((SECONDS - t0))
fi

summary
