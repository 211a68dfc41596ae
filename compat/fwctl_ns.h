/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forced into every file of the out-of-tree build (see the top-level
 * Makefile), never part of a kernel tree.
 *
 * The sources follow 6.12, whose EXPORT_SYMBOL_NS*() and MODULE_IMPORT_NS()
 * stringify a bare namespace name: EXPORT_SYMBOL_NS_GPL(sym, FWCTL). Since
 * 6.13 they take a string literal, "FWCTL", and a bare FWCTL would not
 * compile. On such a kernel, make the bare name that literal.
 */
#ifndef __FWCTL_COMPAT_NS_H
#define __FWCTL_COMPAT_NS_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define FWCTL "FWCTL"
#endif

#endif
