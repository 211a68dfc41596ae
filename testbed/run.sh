#!/bin/bash
# What `make run` runs: build the debug kernel (as check.sh does), boot it
# with fwctl and fwctl_mock loaded, run testbed/demo.sh in the guest, then
# power off. INTERACTIVE=1 drops to a busybox shell instead of powering off
# (leave it with `poweroff -f`).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$TESTBED_DIR/deps.sh"
take_lock
bash "$TESTBED_DIR/lib.sh" build_debug
# A selftest or CLI build failure (exit 3) still leaves a bootable initramfs.
rc=0
bash "$TESTBED_DIR/lib.sh" prepare_guest debug run || rc=$?
((rc == 0 || rc == 3)) || die "could not build the initramfs"
((rc == 0)) || log "selftests or CLI did not build; booting without them"
export FWCTL_TEE=1
run_qemu "$(guest_kernel debug)" "$(guest_initrd debug run)" "$LOGDIR/console-run.log"
