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
fi

if [ "$KIND" != builtin ]; then
	load fwctl_mock
fi

for t in $SELFTESTS; do
	mark "selftest begin $t"
	(cd /selftests && timeout "$SELFTEST_TIMEOUT" "./$t")
	mark "selftest end $t rc=$?"
done

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
