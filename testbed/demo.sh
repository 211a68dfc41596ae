#!/bin/sh
# shellcheck shell=sh
# What `make run` shows inside the guest, once fwctl and fwctl_mock are
# loaded: the device in sysfs and /dev, FWCTL_INFO, an RPC at each scope and
# the taint the debug scopes leave behind.

step() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}

tainted_bit19() {
	echo "TAINT_FWCTL (bit 19): $(($(cat /proc/sys/kernel/tainted) >> 19 & 1))"
}

step ls -l /sys/class/fwctl/ /dev/fwctl/
step readlink -f /sys/class/fwctl/fwctl0/device
step fwctl list
step fwctl info fwctl0

echo
echo "# Kernel taint before any debug-write RPC:"
tainted_bit19

# CONFIGURATION: read-only status and an echo, no capability needed.
step fwctl mock fwctl0 query
step fwctl mock fwctl0 echo "hello firmware"
# DEBUG_READ_ONLY: a firmware log longer than the 64-byte buffer we offer:
# the response is cut there and its full length reported.
step fwctl rpc fwctl0 --scope read --out-len 64 \
	06 00 00 00 00 00 00 00 c8 00 00 00 00 00 00 00
# The same command labelled with a lower scope is refused by the driver.
step fwctl rpc fwctl0 --scope config \
	06 00 00 00 00 00 00 00 c8 00 00 00 00 00 00 00
# DEBUG_WRITE: taints the kernel and logs which process did it.
step fwctl mock fwctl0 write-reg 3 0x1234
step fwctl mock fwctl0 read-reg 3
# DEBUG_WRITE_FULL: root has CAP_SYS_RAWIO here.
step fwctl mock fwctl0 poke 0x10 deadbeef

echo
echo "# Kernel taint after:"
tainted_bit19
step sh -c 'dmesg | grep -E "taints the kernel|type=1316"'

# Every open, ioctl and close is a trace event.
ev=/sys/kernel/tracing/events/fwctl
if [ -d "$ev" ]; then
	echo 1 >"$ev/enable"
	step fwctl mock fwctl0 read-reg 3
	echo 0 >"$ev/enable"
	step sh -c 'grep fwctl_ /sys/kernel/tracing/trace'
fi
