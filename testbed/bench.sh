#!/bin/bash
# What `make bench` runs: the cost of a fwctl RPC on the production-like
# kernel. Builds fwctl.ko and fwctl_mock.ko out of tree against Debian's
# stock 6.12 headers and the selftests (fwctl_bench is one of their
# TEST_GEN_PROGS_EXTENDED), both as the stock guest of check.sh does, boots
# Debian's vmlinuz under TCG with -smp 2, runs fwctl_bench against the mock
# device and prints its tables.
#
# The tables are kept in $FWCTL_CACHE/logs/bench.txt, and in bench.md beside
# it as they would go into BENCHMARKS.md. The work tree is left alone unless
# FWCTL_BENCH_UPDATE=1 (`make bench UPDATE=1`): then bench.md replaces what is
# between the bench-table markers of BENCHMARKS.md. FWCTL_BENCH_ARGS passes
# options to fwctl_bench ("-q" for a quick smoke run, "-n" without the
# ftrace profile).
#
# It fails only when the benchmark could not run or print its tables, never
# on a number. It takes the test bed lock, so it waits for a running
# `make check` instead of sharing the CPUs with it, and then waits up to
# FWCTL_BENCH_IDLE_WAIT seconds (default 180) for the rest of the host to
# go quiet: the guest's two vCPUs are two host threads.
set -euo pipefail

# fwctl_bench runs for about a minute; leave it room on a slow host.
export FWCTL_SELFTEST_TIMEOUT=${FWCTL_SELFTEST_TIMEOUT:-900}

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_MD=$REPO/BENCHMARKS.md
IDLE_WAIT=${FWCTL_BENCH_IDLE_WAIT:-180}
DIR=$FWCTL_CACHE/guest-bench
CONSOLE=$LOGDIR/console-bench.log
OUT=$LOGDIR/bench.txt
OUT_MD=$LOGDIR/bench.md

# cpu_busy SECONDS: percentage of the host's CPU time spent busy.
cpu_busy() {
	local -a a b
	local i total=0 idle
	read -ra a </proc/stat
	sleep "$1"
	read -ra b </proc/stat
	# cpu user nice system idle iowait irq softirq steal
	for ((i = 1; i <= 8; i++)); do
		total=$((total + b[i] - a[i]))
	done
	idle=$((b[4] - a[4] + b[5] - a[5]))
	echo $((total ? 100 * (total - idle) / total : 0))
}

"$TESTBED_DIR/deps.sh"
take_lock

bash "$TESTBED_DIR/lib.sh" build_stock_modules
# The selftests' Makefile includes the kernel tree's lib.mk.
bash "$TESTBED_DIR/lib.sh" prepare_tree
# What was measured, for BENCHMARKS.md: the tree as it was built.
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$REPO" diff --quiet HEAD -- drivers include 2>/dev/null ||
	commit+=" with uncommitted changes to drivers/ or include/"

rm -rf "$DIR"
mkdir -p "$DIR/modules" "$DIR/prog" "$FWCTL_CACHE/guest-stock"
find "$(stock_modules_dir)" -name '*.ko' -exec cp {} "$DIR/modules/" \;
log "building the selftests and fwctl_bench (log: $LOGDIR/selftests-bench.log)"
bash "$TESTBED_DIR/lib.sh" build_selftests "$DIR/selftests" "$REPO/include/uapi" bench ||
	die "selftest build failed (log: $LOGDIR/selftests-bench.log)"
[[ -x $DIR/selftests/fwctl_bench ]] ||
	die "the selftests' Makefile did not build fwctl_bench"
cp "$DIR/selftests/fwctl_bench" "$DIR/prog/fwctl_bench.bin"

# The guest's init runs every program listed in .progs from /selftests,
# without arguments: a wrapper passes FWCTL_BENCH_ARGS on.
cat >"$DIR/prog/fwctl_bench" <<-EOF
	#!/bin/sh
	exec ./fwctl_bench.bin ${FWCTL_BENCH_ARGS:-}
EOF
chmod 755 "$DIR/prog/fwctl_bench"
echo "$DIR/prog/fwctl_bench" >"$DIR/prog/.progs"
echo "$DIR/prog/fwctl_bench.bin" >"$DIR/prog/.extras"

make_initramfs "$DIR/initramfs.cpio.gz" "$DIR/modules" "$DIR/prog" \
	"$DIR/no-cli" stock bench

# "quiet" keeps the kernel's boot messages off the serial console, which
# is slow under TCG; those that remain carry a time stamp, by which they
# are told apart from the tables.
export FWCTL_APPEND="quiet printk.time=1 ${FWCTL_APPEND:-}"
# Whatever else runs on the host (outside the lock) takes CPU time from
# the vCPUs and shows most in the thread rows: wait for a quiet spell, and
# say how busy the host was.
t0=$SECONDS
busy=$(cpu_busy 3)
while ((busy > 25 && SECONDS - t0 < IDLE_WAIT)); do
	log "host CPUs ${busy}% busy; waiting for them to quiet down"
	sleep 10
	busy=$(cpu_busy 3)
done
log "booting $(stock_release) with fwctl_bench (console: $CONSOLE)"
run_qemu "$(stock_vmlinuz)" "$DIR/initramfs.cpio.gz" "$CONSOLE"

# The program's output, without carriage returns and kernel messages.
tr -d '\r' <"$CONSOLE" | awk '
	/^@@testbed: selftest begin fwctl_bench$/ { on = 1; next }
	/^@@testbed: selftest end fwctl_bench / { on = 0; print "@@rc " $NF; next }
	on && !/^\[ *[0-9]+\.[0-9]+\]/ { print }
' >"$OUT.raw"
rc=$(sed -n 's/^@@rc rc=//p' "$OUT.raw")
{
	grep -v '^@@rc ' "$OUT.raw"
	echo
	echo "host: $(nproc) CPUs, $(qemu-system-x86_64 --version | head -n 1)," \
		"-smp 2 -m 2G under TCG; host CPUs ${busy}% busy just before the guest"
} >"$OUT"
rm -f "$OUT.raw"

if [[ $rc != 0 ]] || ! grep -q '^targets ' "$OUT"; then
	cat "$OUT" >&2
	die "fwctl_bench did not complete (rc=${rc:-none}); console log: $CONSOLE"
fi

cat "$OUT"

{
	echo "Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit."
	echo
	echo '```'
	cat "$OUT"
	echo '```'
} >"$OUT_MD"

if [[ ${FWCTL_BENCH_UPDATE:-0} == 0 ]]; then
	log "tables: $OUT and $OUT_MD; BENCHMARKS.md left alone (make bench UPDATE=1 updates it)"
elif [[ -f $BENCH_MD ]] && grep -q '^<!-- bench-table-begin -->$' "$BENCH_MD"; then
	awk -v table="$OUT_MD" '
		/^<!-- bench-table-begin -->$/ {
			print
			while ((getline line < table) > 0)
				print line
			skip = 1
			next
		}
		/^<!-- bench-table-end -->$/ { skip = 0 }
		!skip { print }
	' "$BENCH_MD" >"$BENCH_MD.tmp"
	mv "$BENCH_MD.tmp" "$BENCH_MD"
	log "tables: $OUT; updated the table in $BENCH_MD"
else
	die "no bench-table markers in $BENCH_MD to update; the tables are in $OUT_MD"
fi
