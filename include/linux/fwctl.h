/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl driver API: how a device driver exposes its firmware RPC mailbox to
 * user space through /dev/fwctl/fwctlN.
 */
#ifndef __LINUX_FWCTL_H
#define __LINUX_FWCTL_H

#include <linux/cdev.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <uapi/fwctl/fwctl.h>

struct dentry;
struct fwctl_device;
struct fwctl_uctx;

/**
 * struct fwctl_cmd_spec - One entry of a driver's command catalog
 * @id: The command's number in the device's RPC format
 * @name: A short name for tools
 * @min_scope: The lowest scope the driver accepts the command at
 * @req_min: Shortest valid request, in bytes
 * @req_max: Longest valid request, in bytes
 * @resp_min: Shortest response, in bytes
 * @resp_max: Longest response, in bytes
 *
 * Published under debugfs for each device, so tools can read what a device
 * accepts without a driver-specific header.
 */
struct fwctl_cmd_spec {
	u32 id;
	const char *name;
	enum fwctl_rpc_scope min_scope;
	u32 req_min;
	u32 req_max;
	u32 resp_min;
	u32 resp_max;
};

/**
 * struct fwctl_ops - What a driver provides to the fwctl core
 * @device_type: The &enum fwctl_device_type reported by FWCTL_INFO
 * @uctx_size: Size of the driver's per-FD struct, which must begin with a
 *	&struct fwctl_uctx. The core allocates and zeroes it.
 * @open_uctx: Called when user space opens the device. Set up whatever the
 *	FD needs (for example a firmware user context); return 0 or a negative
 *	errno, which fails the open.
 * @close_uctx: Called exactly once for every successful @open_uctx: when the
 *	FD is closed, or earlier from fwctl_unregister(). It must release every
 *	firmware resource that RPCs on this FD created.
 * @info: Optional. Returns device data for FWCTL_INFO and its length in
 *	@length, or an ERR_PTR. The memory may come from kmalloc(), kvmalloc()
 *	or vmalloc(); the core frees it with kvfree().
 * @commands: Optional catalog of the commands the driver accepts
 * @nr_commands: Number of @commands
 * @errnos: Positive errnos @fw_rpc and @info may return beyond the core's
 *	own, published with the catalog and used by the API checker. Any
 *	driver may return EINTR (or a restart code) when a signal cuts its wait
 *	short, and ETIMEDOUT, without listing them.
 * @nr_errnos: Number of @errnos
 * @answers_in_place: The driver answers in @rpc_in. The core then makes that
 *	buffer max(@in_len, *@out_len) bytes long, zero past the request, so
 *	any answer that fits the caller's buffer fits in place, and refuses one
 *	that does not fit with EIO. Without it the buffer is @in_len bytes.
 * @fw_rpc: Executes one RPC at @scope. @rpc_in holds @in_len bytes of the
 *	request and may be modified. On entry *@out_len is the size of the
 *	caller's response buffer; on success set it to the response length and
 *	return either @rpc_in itself (answering in place, within the buffer
 *	sizes above) or a buffer from kmalloc(), kvmalloc() or vmalloc() that
 *	the core frees with kvfree(). The core cannot tell the size of a buffer
 *	the driver allocated: it copies *@out_len bytes of it, at most the
 *	caller's length and never more than 2 MiB, so *@out_len must not exceed
 *	what the driver allocated and wrote. Return an ERR_PTR on failure. The
 *	driver must refuse any request whose effect needs a higher scope than
 *	@scope.
 *
 * The core serialises none of these calls: @info and @fw_rpc may run in
 * parallel on the same or different FDs. None of them runs after
 * fwctl_unregister() has returned.
 */
struct fwctl_ops {
	enum fwctl_device_type device_type;
	size_t uctx_size;
	int (*open_uctx)(struct fwctl_uctx *uctx);
	void (*close_uctx)(struct fwctl_uctx *uctx);
	void *(*info)(struct fwctl_uctx *uctx, size_t *length);
	void *(*fw_rpc)(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			void *rpc_in, size_t in_len, size_t *out_len);
	const struct fwctl_cmd_spec *commands;
	unsigned int nr_commands;
	const int *errnos;
	unsigned int nr_errnos;
	bool answers_in_place;
};

/**
 * struct fwctl_device - One fwctl character device
 * @dev: The class device, /sys/class/fwctl/fwctlN
 * @cdev: The character device, /dev/fwctl/fwctlN
 * @registration_lock: Held for read by every file operation that calls into
 *	the driver, and for write by fwctl_unregister() while it detaches the
 *	driver.
 * @uctx_list_lock: Protects @uctx_list
 * @uctx_list: Every open &struct fwctl_uctx whose @close_uctx has not run
 * @ops: The driver's operations; NULL once the device is unregistered.
 *	Protected by @registration_lock.
 * @debugfs: The device's debugfs directory, holding its command catalog
 * @answers_in_place: &fwctl_ops.answers_in_place, copied at allocation so
 *	that sizing a request buffer needs neither @ops nor its lock
 *
 * Drivers embed this struct as the first member of their own device struct
 * and allocate it with fwctl_alloc_device(). Its memory is refcounted through
 * @dev and lives until the last FD is closed, which may be long after the
 * driver unbound.
 */
struct fwctl_device {
	struct device dev;
	struct cdev cdev;
	struct rw_semaphore registration_lock;
	/* protects uctx_list */
	struct mutex uctx_list_lock;
	struct list_head uctx_list;
	const struct fwctl_ops *ops;
	struct dentry *debugfs;
	bool answers_in_place;
};

struct fwctl_device *_fwctl_alloc_device(struct device *parent,
					 const struct fwctl_ops *ops,
					 size_t size);

/**
 * fwctl_alloc_device - Allocate a driver struct that embeds a fwctl_device
 * @parent: The physical device the firmware belongs to
 * @ops: The driver's operations, which must outlive the registration
 * @drv_struct: The driver's struct type
 * @member: The name of the &struct fwctl_device member of @drv_struct, which
 *	must be its first member
 *
 * The result is refcounted: release it with fwctl_put(), also after
 * fwctl_unregister(). Until the last reference goes the struct stays valid.
 *
 * Return: a pointer to the zeroed @drv_struct, or NULL on failure.
 */
#define fwctl_alloc_device(parent, ops, drv_struct, member)                   \
	({                                                                    \
		static_assert(__same_type(struct fwctl_device,                \
					  ((drv_struct *)NULL)->member));     \
		static_assert(offsetof(drv_struct, member) == 0);             \
		(drv_struct *)_fwctl_alloc_device(parent, ops,                \
						  sizeof(drv_struct));        \
	})

/**
 * fwctl_get - Take a reference on a fwctl device
 * @fwctl: The device
 *
 * Return: @fwctl
 */
static inline struct fwctl_device *fwctl_get(struct fwctl_device *fwctl)
{
	get_device(&fwctl->dev);
	return fwctl;
}

/**
 * fwctl_put - Drop a reference on a fwctl device
 * @fwctl: The device; its memory is freed with the last reference
 */
static inline void fwctl_put(struct fwctl_device *fwctl)
{
	put_device(&fwctl->dev);
}

/* Lets a probe function drop its reference on every error return */
DEFINE_FREE(fwctl, struct fwctl_device *, _T ? fwctl_put(_T) : (void)0)

int fwctl_register(struct fwctl_device *fwctl);
void fwctl_unregister(struct fwctl_device *fwctl);

/**
 * struct fwctl_uctx - Per-FD context, embedded in the driver's own struct
 * @fwctl: The device this FD was opened on
 * @uctx_list_entry: Entry in &fwctl_device.uctx_list
 * @taint_logged: Bit N is set once a tainting RPC at scope N was logged
 *
 * The driver's struct named by &fwctl_ops.uctx_size begins with this member.
 */
struct fwctl_uctx {
	struct fwctl_device *fwctl;
	struct list_head uctx_list_entry;
	unsigned long taint_logged;
};

#endif
