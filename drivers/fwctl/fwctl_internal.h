/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl core internals, shared with its KUnit suite only.
 */
#ifndef __FWCTL_INTERNAL_H
#define __FWCTL_INTERNAL_H

#include <linux/fwctl.h>
#include <linux/sizes.h>

/* The largest request or response buffer the core accepts */
#define FWCTL_MAX_RPC_LEN SZ_2M

#if IS_ENABLED(CONFIG_KUNIT)
int fwctl_rpc_check_scope(struct fwctl_uctx *uctx, u32 scope);
long fwctl_uctx_ioctl(struct fwctl_uctx *uctx, unsigned int cmd,
		      unsigned long arg);
struct fwctl_uctx *fwctl_uctx_open(struct fwctl_device *fwctl);
void fwctl_uctx_release(struct fwctl_uctx *uctx);
#endif

#endif
