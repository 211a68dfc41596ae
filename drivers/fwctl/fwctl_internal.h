/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl core internals, shared with its KUnit suite only.
 */
#ifndef __FWCTL_INTERNAL_H
#define __FWCTL_INTERNAL_H

#include <linux/audit.h>
#include <linux/fwctl.h>
#include <linux/panic.h>
#include <linux/sizes.h>

/*
 * Kernels before 6.15 have no fwctl taint flag. Set the bit upstream assigned
 * to it anyway, so /proc/sys/kernel/tainted reads the same on every kernel
 * that runs this code (the letter is only printed where the flag is known).
 */
#ifndef TAINT_FWCTL
#define TAINT_FWCTL 19
#endif

/*
 * Kernels without a record type of their own for fwctl use the one set aside
 * for modules.
 */
#ifndef AUDIT_FWCTL
#define AUDIT_FWCTL AUDIT_KERNEL_OTHER
#endif

/* The largest request or response buffer the core accepts */
#define FWCTL_MAX_RPC_LEN SZ_2M

#if IS_ENABLED(CONFIG_KUNIT)
int fwctl_rpc_check_scope(u32 scope);
long fwctl_uctx_ioctl(struct fwctl_uctx *uctx, unsigned int cmd,
		      unsigned long arg);
struct fwctl_uctx *fwctl_uctx_open(struct fwctl_device *fwctl);
void fwctl_uctx_release(struct fwctl_uctx *uctx);
#endif

#endif
