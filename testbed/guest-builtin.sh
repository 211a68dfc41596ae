#!/bin/sh
# shellcheck shell=sh
# Checks of the builtin test bed guest, whose kernel has fwctl and the mock
# linked in (testbed/builtin.config). guest-init.sh runs it as a selftest
# program: it prints kselftest TAP for testbed/parse.py and exits 1 if a
# check failed, 0 otherwise.
#
# A kernel that builds in a fwctl driver (the CXL core here) needs the
# fwctl class before that driver's initcall; drivers/cxl/ is linked before
# drivers/fwctl/, so fwctl must not rely on the link order. The kernel logs
# every initcall (initcall_debug on its command line): fwctl_init has to run
# before the device level, that is before populate_rootfs(), the
# rootfs_initcall right in front of it.

PATH=/bin
export PATH

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n $1"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
note() { echo "# $*"; }
result() { # NAME STATUS: one result from a check's exit status
	if [ "$2" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# Line number in the kernel log of the first line matching an ERE, or 0.
log_line() {
	grep -nE "$1" /tmp/dmesg | head -n 1 | cut -d: -f1 | grep . || echo 0
}

init_order() {
	core=$(log_line 'calling +fwctl_init\+0x')
	rootfs=$(log_line 'calling +populate_rootfs\+0x')
	grep -E 'calling +(fwctl_init|populate_rootfs)\+0x' /tmp/dmesg |
		sed 's/^/# /'
	if [ "$core" = 0 ] || [ "$rootfs" = 0 ]; then
		note "fwctl_init or populate_rootfs not found in the kernel log"
		return 1
	fi
	[ "$core" -lt "$rootfs" ]
}

# The CXL core is built in with Features (builtin.config): its PCI driver,
# whose probe registers a memdev's fwctl device, starts after fwctl_init.
cxl_order() {
	core=$(log_line 'calling +fwctl_init\+0x')
	cxl=$(log_line 'calling +cxl_pci_driver_init\+0x')
	grep -E 'initcall cxl_pci_driver_init\+0x' /tmp/dmesg | sed 's/^/# /'
	if [ "$core" = 0 ] || [ "$cxl" = 0 ]; then
		note "fwctl_init or cxl_pci_driver_init not found in the kernel log"
		return 1
	fi
	[ "$core" -lt "$cxl" ] &&
		grep -qE 'initcall cxl_pci_driver_init\+0x[0-9a-f]+/0x[0-9a-f]+ returned 0 ' /tmp/dmesg
}

init_ret() {
	grep -E 'initcall fwctl_init\+0x' /tmp/dmesg | sed 's/^/# /'
	grep -qE 'initcall fwctl_init\+0x[0-9a-f]+/0x[0-9a-f]+ returned 0 ' /tmp/dmesg
}

# fwctl0 is the first and only device at boot: the mock's instance 0.
class_dev() {
	dev=$(readlink -f /sys/class/fwctl/fwctl0/device)
	want=$(readlink -f /sys/bus/platform/devices/fwctl_mock.0)
	note "fwctl0/device -> ${dev:-none}; fwctl_mock.0 is ${want:-none}"
	[ -d /sys/class/fwctl/fwctl0 ] && [ -d "$want" ] && [ "$dev" = "$want" ]
}

dev_node() {
	[ -c /dev/fwctl/fwctl0 ] || { note "/dev/fwctl/fwctl0 missing"; return 1; }
	sysdev=$(cat /sys/class/fwctl/fwctl0/dev) || return 1
	# shellcheck disable=SC2046 # major and minor in hex, two words
	set -- $(stat -c '%t %T' /dev/fwctl/fwctl0)
	[ $# = 2 ] || return 1
	note "node $((0x$1)):$((0x$2)), sysfs $sysdev"
	[ "$((0x$1)):$((0x$2))" = "$sysdev" ]
}

info_type() {
	out=$(/bin/fwctl info /dev/fwctl/fwctl0 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	[ "$rc" = 0 ] && echo "$out" | grep -q '^type: mock ('
}

# Parameters of built-in code are under /sys/module too, but only a loaded
# module has an initstate.
mock_builtin() {
	for p in /sys/module/fwctl_mock/parameters/*; do
		note "parameter: $p"
	done
	[ -d /sys/module/fwctl_mock/parameters ] &&
		[ ! -e /sys/module/fwctl_mock/initstate ]
}

echo "TAP version 13"
echo "1..7"
if grep -qw initcall_debug /proc/cmdline; then
	dmesg >/tmp/dmesg
	init_order
	result "fwctl core initialised before the device initcalls" $?
	init_ret
	result "fwctl core initcall returned 0" $?
	cxl_order
	result "built-in CXL PCI driver initialised after the fwctl core" $?
else
	why="initcall_debug is not on the kernel command line"
	skip "fwctl core initialised before the device initcalls" "$why"
	skip "fwctl core initcall returned 0" "$why"
	skip "built-in CXL PCI driver initialised after the fwctl core" "$why"
fi
class_dev
result "fwctl0 registered at boot below the mock's fwctl_mock.0" $?
dev_node
result "/dev/fwctl/fwctl0 is fwctl0's character device" $?
if [ -x /bin/fwctl ]; then
	info_type
	result "FWCTL_INFO on /dev/fwctl/fwctl0 reports the mock device type" $?
else
	skip "FWCTL_INFO on /dev/fwctl/fwctl0 reports the mock device type" \
		"the fwctl CLI was not built"
fi
mock_builtin
result "the mock is built in, not a module" $?
exit "$failed"
