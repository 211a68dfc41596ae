#!/bin/sh
# shellcheck shell=sh
# /init of the fwctl test bed guests (busybox ash, PID 1).
#
# /etc/testbed.conf (written by testbed/lib.sh) says what to do:
#   KIND=debug|stock|builtin   MODE=test|run   INTERACTIVE=0|1
#   SELFTESTS="prog ..." (in /selftests)   SELFTEST_TIMEOUT=seconds
# Every step prints an "@@testbed: " marker line that testbed/parse.py reads;
# keep the two in sync. The script never exits: PID 1 exiting panics.

PATH=/bin
export PATH
# shellcheck source=/dev/null # written when the initramfs is packed
. /etc/testbed.conf

mark() { echo "@@testbed: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The kernel mounts devtmpfs itself only for a real root fs, not for an
# initramfs.
grep -q '^devtmpfs /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -d /sys/kernel/tracing ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
fi

mark "begin kind=$KIND mode=$MODE kernel=$(uname -r)"

# load NAME: insmod /lib/testbed/NAME.ko after the modules it depends on.
load() {
	[ -f "/lib/testbed/$1.ko" ] || { mark "insmod $1 rc=missing"; return 1; }
	grep -q "^$1 " /proc/modules && return 0
	# One line of space-separated names (modinfo's "depends").
	read -r deps <"/lib/testbed/$1.deps"
	for dep in $deps; do
		[ -f "/lib/testbed/$dep.ko" ] && load "$dep"
	done
	insmod "/lib/testbed/$1.ko"
	rc=$?
	mark "insmod $1 rc=$rc"
	return $rc
}

unload() {
	rmmod "$1"
	rc=$?
	mark "rmmod $1 rc=$rc"
	return $rc
}

# staged NAME: NAME.ko is in the guest's modprobe tree (the debug guest's
# has the CXL core, cxl_test, mlx5_core, pds_core and their suites).
staged() {
	[ -n "$(find /lib/modules -name "$1.ko" 2>/dev/null)" ]
}

CXL_TEST=0
if staged cxl_mock_mem; then
	CXL_TEST=1
fi
have_cxl_test() {
	[ "$CXL_TEST" = 1 ]
}

# probe NAME: modprobe, marked as a load for the result parser.
probe() {
	modprobe "$1"
	rc=$?
	mark "insmod $1 rc=$rc"
	return $rc
}

# The mock memdevs appear asynchronously, each with its fwctl device once
# its Features are read: wait until the count stops changing.
cxl_settle() {
	last=-1 same=0 n=0
	while [ $n -lt 120 ] && [ $same -lt 4 ]; do
		sleep 0.5
		now=$(find /sys/bus/cxl/devices/mem*/fwctl -maxdepth 1 -name 'fwctl[0-9]*' 2>/dev/null | wc -l)
		if [ "$now" = "$last" ] && [ "$now" -gt 0 ]; then
			same=$((same + 1))
		else
			same=0
		fi
		last=$now n=$((n + 1))
	done
	mark "cxl memdevs=$(find /sys/bus/cxl/devices -name 'mem*' 2>/dev/null | wc -l) fwctl=$last"
}

# Unload cxl_test and everything it pulled in, the CXL core included, so
# that fwctl can go: modules nothing uses, until none is left.
cxl_unload() {
	unload cxl_mock_mem
	modprobe -r cxl_test
	mark "rmmod cxl_test rc=$?"
	for _ in 1 2 3 4 5; do
		awk '$3 == 0 && $1 ~ /^(cxl_|libnvdimm|nd_)/ { print $1 }' /proc/modules |
			while read -r m; do rmmod "$m"; done
	done
	left=$(awk '$1 ~ /^cxl_/ { print $1 }' /proc/modules | tr '\n' ' ')
	[ -z "$left" ]
	mark "rmmod cxl_core rc=$? ${left:+left: $left}"
}

finish() {
	mark "tainted begin"
	cat /proc/sys/kernel/tainted
	mark "tainted end"
	mark "end"
	poweroff -f
	sleep 60
}

if [ "$MODE" = run ]; then
	load fwctl
	load fwctl_mock
	mark "demo begin"
	sh /demo.sh
	mark "demo end rc=$?"
	if [ "$INTERACTIVE" = 1 ]; then
		echo "Interactive shell; 'poweroff -f' (or exit) ends the guest."
		setsid cttyhack sh -l
	fi
	finish
fi

# A builtin kernel has fwctl and the mock linked in: nothing to load.
if [ "$KIND" != builtin ]; then
	load fwctl
fi

# The API specification as this kernel exports it: the host checks it
# against the uAPI header's documentation.
for s in /sys/kernel/debug/fwctl/api/*; do
	[ -f "$s" ] || continue
	mark "spec begin $(basename "$s")"
	cat "$s"
	mark "spec end"
done

# KUnit: the suite runs inside insmod and prints KTAP on the console.
if [ -f /lib/testbed/fwctl_kunit.ko ]; then
	mark "kunit begin"
	load fwctl_kunit
	# The CXL Features policy suite, with the CXL core it tests
	if have_cxl_test; then
		probe cxl_features_kunit
	fi
	# The mlx5 and PDS driver suites, with mlx5_core and pds_core (no
	# hardware: they fake the firmware). Their fail-nth cases need
	# failslab to fail GFP_KERNEL allocations (nothing else arms it) and
	# to do so quietly: by default each injected failure dumps a stack.
	kunit_drivers=$(for m in mlx5_fwctl_kunit pds_fwctl_kunit; do
		staged "$m" && echo "$m"
	done)
	if [ -n "$kunit_drivers" ]; then
		failslab=/sys/kernel/debug/failslab
		saved_gfp_wait=$(cat $failslab/ignore-gfp-wait 2>/dev/null)
		saved_verbose=$(cat $failslab/verbose 2>/dev/null)
		[ -n "$saved_gfp_wait" ] && echo N >$failslab/ignore-gfp-wait
		[ -n "$saved_verbose" ] && echo 0 >$failslab/verbose
		for m in $kunit_drivers; do
			probe "$m"
		done
		[ -n "$saved_gfp_wait" ] && echo "$saved_gfp_wait" >$failslab/ignore-gfp-wait
		[ -n "$saved_verbose" ] && echo "$saved_verbose" >$failslab/verbose
	fi
	# Let the console drain before the end marker.
	sleep 1
	mark "kunit end"
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$r" ] || continue
		mark "kunit-debugfs begin $(basename "$(dirname "$r")")"
		cat "$r"
		mark "kunit-debugfs end"
	done
	unload fwctl_kunit
	if have_cxl_test; then
		unload cxl_features_kunit
	fi
	# The driver suites, their drivers, and the core drivers with what
	# they pulled in; fwctl itself stays for the selftests.
	for m in $kunit_drivers; do
		drv=${m%_kunit}
		unload "$m"
		unload "$drv"
		modprobe -r "${drv%_fwctl}_core"
		mark "rmmod ${drv%_fwctl}_core rc=$?"
	done
fi

if [ "$KIND" != builtin ]; then
	load fwctl_mock
fi

# CXL memdevs of the kernel's mock, each with a fwctl device: the CXL
# tests must find them, not skip.
if have_cxl_test; then
	probe cxl_test && probe cxl_mock_mem
	cxl_settle
	FWCTL_CXL_REQUIRED=1
	export FWCTL_CXL_REQUIRED
fi

# The test bed always packs the fwctl tool: its selftest must not skip.
FWCTL_TOOL_REQUIRED=1
export FWCTL_TOOL_REQUIRED

for t in $SELFTESTS; do
	mark "selftest begin $t"
	(cd /selftests && timeout "$SELFTEST_TIMEOUT" "./$t")
	mark "selftest end $t rc=$?"
done

if have_cxl_test; then
	cxl_unload
fi
if [ "$KIND" != builtin ]; then
	unload fwctl_mock
	unload fwctl
fi
mark "modules begin"
cat /proc/modules
mark "modules end"

# kmemleak only reports objects older than 5 s, found unreferenced: scan,
# wait, scan again.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	mark "kmemleak begin"
	cat /sys/kernel/debug/kmemleak
	mark "kmemleak end"
fi

finish
