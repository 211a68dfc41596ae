/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl core internals, shared with its KUnit suite only.
 */
#ifndef __FWCTL_INTERNAL_H
#define __FWCTL_INTERNAL_H

#include <linux/atomic.h>
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
 * The audit record type of a tainting RPC. Upstream has no type for fwctl and
 * any new number could collide with one it assigns later, so fwctl uses the
 * type set aside for kernel modules; its "op=fwctl_rpc" field tells the
 * records apart.
 */
#define FWCTL_AUDIT_TYPE AUDIT_KERNEL_OTHER

/* The largest request or response buffer the core accepts */
#define FWCTL_MAX_RPC_LEN SZ_2M

/* Direction of a struct field, seen from user space */
enum fwctl_field_dir {
	FWCTL_DIR_IN,
	FWCTL_DIR_OUT,
	FWCTL_DIR_INOUT,
};

/* What the dispatcher checks a field for */
enum fwctl_field_check {
	FWCTL_CHECK_NONE,
	FWCTL_CHECK_SIZE,	/* the leading size: the struct rules */
	FWCTL_CHECK_ZERO,	/* reserved: must be 0 */
	FWCTL_CHECK_ENUM,	/* an enum whose values run from 0 to max */
	FWCTL_CHECK_MAX,	/* a length of at most max */
	FWCTL_CHECK_UPTR,	/* a user pointer; its length is len_field */
};

/**
 * struct fwctl_field_spec - One field of an ioctl struct
 * @name: The member's name
 * @doc: What it holds
 * @offset: offsetof() the member, taken from the struct itself
 * @size: sizeof() the member, taken from the struct itself
 * @dir: &enum fwctl_field_dir
 * @check: &enum fwctl_field_check
 * @len_field: For FWCTL_CHECK_UPTR, the index of the length field
 * @err: The positive errno a failed check returns
 * @max: For FWCTL_CHECK_ENUM and FWCTL_CHECK_MAX, the largest valid value
 */
struct fwctl_field_spec {
	const char *name;
	const char *doc;
	u16 offset;
	u8 size;
	u8 dir;
	u8 check;
	u8 len_field;
	int err;
	u64 max;
};

/*
 * In &fwctl_ioctl_spec.order, the rule that the device still has its driver:
 * broken on an FD orphaned by fwctl_unregister(), with ENODEV.
 */
#define FWCTL_RULE_ATTACHED U8_MAX

/**
 * struct fwctl_errno_spec - An errno an ioctl may return
 * @err: The positive errno
 * @name: Its symbolic name
 * @meaning: What it means for this ioctl
 */
struct fwctl_errno_spec {
	int err;
	const char *name;
	const char *meaning;
};

/**
 * struct fwctl_ioctl_spec - The contract of one ioctl
 * @name: The ioctl's name
 * @struct_name: Its struct's name
 * @effects: Side effects, as text
 * @cmd: The ioctl number
 * @size: sizeof() the struct this kernel knows
 * @min_size: Size of the first version of the struct; never changes
 * @version: Incremented when the struct or the rules grow
 * @fields: Every field, in order, covering the whole struct
 * @nr_fields: Number of @fields
 * @errnos: The errnos the core may return for this ioctl beyond those
 *	every fwctl ioctl may return
 * @nr_errnos: Number of @errnos
 * @order: The rules in the order the dispatcher checks them, which decides
 *	the errno of a call that breaks several: field indices, and
 *	FWCTL_RULE_ATTACHED. The size rules (EINVAL, E2BIG) come first and are
 *	not listed.
 * @nr_order: Number of @order
 * @scope_field: Index of the field that names an RPC scope
 * @scope_caps: The capability each scope value needs (0: none), or NULL
 */
struct fwctl_ioctl_spec {
	const char *name;
	const char *struct_name;
	const char *effects;
	unsigned int cmd;
	u32 size;
	u32 min_size;
	u32 version;
	const struct fwctl_field_spec *fields;
	unsigned int nr_fields;
	const struct fwctl_errno_spec *errnos;
	unsigned int nr_errnos;
	const u8 *order;
	unsigned int nr_order;
	unsigned int scope_field;
	const u8 *scope_caps;
};

extern const struct fwctl_ioctl_spec fwctl_info_spec;
extern const struct fwctl_ioctl_spec fwctl_rpc_spec;

/**
 * struct fwctl_counters - Events of the core, published under debugfs
 * @tainting_rpcs: RPCs at a tainting scope that reached a driver
 * @undeclared_errnos: ioctls that returned an errno neither their
 *	specification nor the driver lists (with CONFIG_FWCTL_API_SPEC_CHECK)
 */
struct fwctl_counters {
	atomic_t tainting_rpcs;
	atomic_t undeclared_errnos;
};

extern struct fwctl_counters fwctl_counters;

int fwctl_spec_validate(const struct fwctl_ioctl_spec *spec, const void *cmd,
			bool attached);
const struct fwctl_errno_spec *
fwctl_spec_errno(const struct fwctl_ioctl_spec *spec, int err);
bool fwctl_spec_has_errno(const struct fwctl_ioctl_spec *spec,
			  const int *errnos, unsigned int nr_errnos, int err);
void fwctl_spec_debugfs_init(void);
void fwctl_spec_debugfs_exit(void);
struct dentry *fwctl_spec_debugfs_add_device(struct fwctl_device *fwctl);

#if IS_ENABLED(CONFIG_KUNIT)
long fwctl_uctx_ioctl(struct fwctl_uctx *uctx, unsigned int cmd,
		      unsigned long arg);
struct fwctl_uctx *fwctl_uctx_open(struct fwctl_device *fwctl);
void fwctl_uctx_release(struct fwctl_uctx *uctx);
void fwctl_rpc_report_taint(struct fwctl_uctx *uctx, u32 scope);
#endif

#endif
