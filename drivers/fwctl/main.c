// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl core: the fwctl class, its character devices and the ioctls that
 * carry firmware RPCs from user space to device drivers.
 *
 * Locking: fwctl_device.registration_lock is taken for read around every call
 * into the driver and for write by fwctl_unregister(), which then clears
 * ops. fwctl_unregister() waits for every reader, so nothing that user space
 * can make slow runs under it besides the driver's own call: copies to and
 * from user memory, the taint message and the audit record (which can sleep
 * while the audit backlog is full) all happen outside of it. uctx_list_lock
 * nests inside registration_lock.
 */
#define pr_fmt(fmt) "fwctl: " fmt

#include <linux/audit.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "fwctl_internal.h"

#define CREATE_TRACE_POINTS
#include "fwctl_trace.h"

#define FWCTL_MAX_DEVICES 4096

static dev_t fwctl_dev;
static DEFINE_IDA(fwctl_ida);

struct fwctl_counters fwctl_counters;
EXPORT_SYMBOL_IF_KUNIT(fwctl_counters);

/* One kernel command being executed: the struct copied in and where from */
struct fwctl_ucmd {
	struct fwctl_uctx *uctx;
	void __user *ubuffer;
	void *cmd;
	u32 user_size;
};

/* Copy the command struct back, never more than the caller passed */
static int fwctl_ucmd_respond(struct fwctl_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/*
 * Whether a buffer the driver returned can be copied out for @len bytes. The
 * length of a buffer the driver allocated is the driver's word (the core
 * cannot size it soundly); only what is plainly wrong is refused.
 */
static bool fwctl_driver_buf_ok(struct fwctl_device *fwctl, const void *buf,
				size_t len)
{
	if (buf && len <= FWCTL_MAX_RPC_LEN)
		return true;
	dev_err_ratelimited(&fwctl->dev, "driver returned %s of %zu bytes\n",
			    buf ? "a response" : "NULL instead", len);
	return false;
}

static int fwctl_cmd_info(struct fwctl_ucmd *ucmd)
{
	/* kmalloc(), kvmalloc() or vmalloc() memory: kvfree() takes each */
	void *data __free(kvfree) = NULL;
	struct fwctl_device *fwctl = ucmd->uctx->fwctl;
	struct fwctl_info *cmd = ucmd->cmd;
	void __user *udata = u64_to_user_ptr(cmd->out_device_data);
	size_t data_len = 0;
	size_t copy_len;

	scoped_guard(rwsem_read, &fwctl->registration_lock) {
		if (!fwctl->ops)
			return -ENODEV;
		cmd->out_device_type = fwctl->ops->device_type;
		/* A zero length asks for the type alone; the driver is not called */
		if (cmd->device_data_len && fwctl->ops->info) {
			data = fwctl->ops->info(ucmd->uctx, &data_len);
			if (IS_ERR(data))
				return PTR_ERR(data);
			if (!fwctl_driver_buf_ok(fwctl, data, data_len))
				return -EIO;
		}
	}

	if (cmd->device_data_len) {
		copy_len = min_t(size_t, data_len, cmd->device_data_len);
		if (copy_to_user(udata, data, copy_len))
			return -EFAULT;
		/* The whole user buffer is defined: zeros after the data */
		if (clear_user(udata + copy_len,
			       cmd->device_data_len - copy_len))
			return -EFAULT;
		cmd->device_data_len = data_len;
	}

	return fwctl_ucmd_respond(ucmd, sizeof(*cmd));
}

static void fwctl_trace_info(struct fwctl_ucmd *ucmd, int ret)
{
	struct fwctl_info *cmd = ucmd->cmd;

	trace_fwctl_info(ucmd->uctx->fwctl, cmd->device_data_len, ret);
}

static const char *const fwctl_scope_names[] = {
	[FWCTL_RPC_CONFIGURATION] = "CONFIGURATION",
	[FWCTL_RPC_DEBUG_READ_ONLY] = "DEBUG_READ_ONLY",
	[FWCTL_RPC_DEBUG_WRITE] = "DEBUG_WRITE",
	[FWCTL_RPC_DEBUG_WRITE_FULL] = "DEBUG_WRITE_FULL",
};

/* An audit record naming the process, the device and the tainting scope */
static void fwctl_audit_taint(struct fwctl_uctx *uctx, u32 scope)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, FWCTL_AUDIT_TYPE);
	if (!ab)
		return;
	audit_log_format(ab, "op=fwctl_rpc dev=%s scope=%s",
			 dev_name(&uctx->fwctl->dev), fwctl_scope_names[scope]);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/*
 * The debug write scopes may change the device in ways the kernel cannot
 * vouch for: taint before the driver sees such an RPC. Called under
 * registration_lock, once the RPC is sure to reach the driver.
 */
static void fwctl_rpc_taint(u32 scope)
{
	if (scope < FWCTL_RPC_DEBUG_WRITE)
		return;
	add_taint(TAINT_FWCTL, LOCKDEP_STILL_OK);
	atomic_inc(&fwctl_counters.tainting_rpcs);
}

/*
 * Name the process behind a taint: in the log, rate-limited so that a
 * stream of FDs cannot flood it, and in an audit record for every FD.
 */
VISIBLE_IF_KUNIT void fwctl_rpc_report_taint(struct fwctl_uctx *uctx,
					     u32 scope)
{
	KUNIT_STATIC_STUB_REDIRECT(fwctl_rpc_report_taint, uctx, scope);
	dev_warn_ratelimited(&uctx->fwctl->dev,
			     "%s[%d]: RPC at scope %s taints the kernel\n",
			     current->comm, task_pid_nr(current),
			     fwctl_scope_names[scope]);
	fwctl_audit_taint(uctx, scope);
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_rpc_report_taint);

/*
 * The request buffer. For a driver that answers in place it also holds the
 * longest answer the caller takes, zeroed past the request so that no byte
 * the driver leaves unwritten carries old kernel memory out.
 */
static void *fwctl_rpc_alloc_req(const struct fwctl_rpc *cmd, bool in_place,
				 size_t *size)
{
	void *req;

	*size = in_place ? max(cmd->in_len, cmd->out_len) : cmd->in_len;
	/* Charged to the caller's memory cgroup */
	req = kvmalloc(*size, GFP_KERNEL_ACCOUNT);
	if (req)
		memset(req + cmd->in_len, 0, *size - cmd->in_len);
	return req;
}

static int fwctl_cmd_rpc(struct fwctl_ucmd *ucmd)
{
	struct fwctl_device *fwctl = ucmd->uctx->fwctl;
	struct fwctl_rpc *cmd = ucmd->cmd;
	size_t out_len = cmd->out_len;
	size_t req_size;
	void *resp;

	void *req __free(kvfree) =
		fwctl_rpc_alloc_req(cmd, fwctl->answers_in_place, &req_size);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, u64_to_user_ptr(cmd->in), cmd->in_len))
		return -EFAULT;

	/*
	 * The first RPC at a tainting scope on this FD names its process
	 * before the driver runs, whose call may never return, and outside
	 * the lock, since the audit record may sleep.
	 */
	if (cmd->scope >= FWCTL_RPC_DEBUG_WRITE &&
	    !test_and_set_bit(cmd->scope, &ucmd->uctx->taint_logged))
		fwctl_rpc_report_taint(ucmd->uctx, cmd->scope);

	scoped_guard(rwsem_read, &fwctl->registration_lock) {
		if (!fwctl->ops)
			return -ENODEV;
		fwctl_rpc_taint(cmd->scope);
		resp = fwctl->ops->fw_rpc(ucmd->uctx, cmd->scope, req,
					  cmd->in_len, &out_len);
	}
	if (IS_ERR(resp))
		return PTR_ERR(resp);
	if (resp == req) {
		/* The core knows this buffer's size: a longer answer overruns */
		if (out_len > req_size) {
			dev_err_ratelimited(&fwctl->dev,
					    "driver answered %zu bytes in place in a %zu byte buffer\n",
					    out_len, req_size);
			return -EIO;
		}
	} else {
		/* From here on req names the one buffer left to free */
		kvfree(req);
		req = resp;
		if (!fwctl_driver_buf_ok(fwctl, resp, out_len))
			return -EIO;
	}

	if (copy_to_user(u64_to_user_ptr(cmd->out), resp,
			 min_t(size_t, cmd->out_len, out_len)))
		return -EFAULT;
	cmd->out_len = out_len;
	return fwctl_ucmd_respond(ucmd, sizeof(*cmd));
}

static void fwctl_trace_rpc(struct fwctl_ucmd *ucmd, int ret)
{
	struct fwctl_rpc *cmd = ucmd->cmd;

	trace_fwctl_rpc(ucmd->uctx->fwctl, cmd->scope, cmd->in_len,
			cmd->out_len, ret);
}

/* Every command struct, so one stack buffer holds any of them */
union fwctl_ucmd_buffer {
	struct fwctl_info info;
	struct fwctl_rpc rpc;
};

struct fwctl_ioctl_op {
	const struct fwctl_ioctl_spec *spec;
	int (*execute)(struct fwctl_ucmd *ucmd);
	/* Records every call, failed ones too; unread fields are zero */
	void (*trace)(struct fwctl_ucmd *ucmd, int ret);
};

/*
 * The sizes, the field rules and the errnos of each ioctl live in its
 * specification (spec.c); the handlers do what is left.
 */
static const struct fwctl_ioctl_op fwctl_ioctl_ops[] = {
	[FWCTL_CMD_INFO - FWCTL_CMD_BASE] = {
		&fwctl_info_spec, fwctl_cmd_info, fwctl_trace_info
	},
	[FWCTL_CMD_RPC - FWCTL_CMD_BASE] = {
		&fwctl_rpc_spec, fwctl_cmd_rpc, fwctl_trace_rpc
	},
};

static_assert(sizeof(union fwctl_ucmd_buffer) >= sizeof(struct fwctl_info));
static_assert(sizeof(union fwctl_ucmd_buffer) >= sizeof(struct fwctl_rpc));

/* Read the command struct and check it against the ioctl's specification */
static int fwctl_ucmd_copy_in(const struct fwctl_ioctl_op *op,
			      struct fwctl_ucmd *ucmd)
{
	const struct fwctl_ioctl_spec *spec = op->spec;
	int ret;

	if (get_user(ucmd->user_size, (u32 __user *)ucmd->ubuffer))
		return -EFAULT;
	if (ucmd->user_size < spec->min_size)
		return -EINVAL;
	/* Zero-fills a short struct; E2BIG for non-zero bytes past ours */
	ret = copy_struct_from_user(ucmd->cmd, spec->size, ucmd->ubuffer,
				    ucmd->user_size);
	if (ret)
		return ret;
	/* A snapshot: the handler checks again under registration_lock */
	return fwctl_spec_validate(spec, ucmd->cmd,
				   READ_ONCE(ucmd->uctx->fwctl->ops));
}

/*
 * With CONFIG_FWCTL_API_SPEC_CHECK, an errno that neither the ioctl's
 * specification nor the driver lists is a bug in one of the three. User
 * space can provoke it, so it is counted and logged, rate-limited, and
 * never a WARN.
 */
static void fwctl_check_errno(struct fwctl_device *fwctl,
			      const struct fwctl_ioctl_spec *spec, int ret)
{
	const int *errnos = NULL;
	unsigned int nr_errnos = 0;

	if (!IS_ENABLED(CONFIG_FWCTL_API_SPEC_CHECK) || ret >= 0)
		return;
	/* Held while printing: the driver's name belongs to its module */
	guard(rwsem_read)(&fwctl->registration_lock);
	if (fwctl->ops) {
		errnos = fwctl->ops->errnos;
		nr_errnos = fwctl->ops->nr_errnos;
	}
	if (fwctl_spec_has_errno(spec, errnos, nr_errnos, -ret))
		return;
	atomic_inc(&fwctl_counters.undeclared_errnos);
	dev_warn_ratelimited(&fwctl->dev,
			     "%s returned errno %d, which neither its specification nor driver %s lists\n",
			     spec->name, -ret,
			     fwctl->ops ? dev_driver_string(fwctl->dev.parent) :
					  "(unregistered)");
}

/**
 * fwctl_uctx_ioctl - Decode and run one fwctl ioctl
 * @uctx: The FD's context
 * @cmd: The ioctl number
 * @arg: The user pointer to the command struct
 *
 * Return: 0 or a negative errno as documented in the uAPI.
 */
VISIBLE_IF_KUNIT long fwctl_uctx_ioctl(struct fwctl_uctx *uctx,
				       unsigned int cmd, unsigned long arg)
{
	unsigned int idx = _IOC_NR(cmd) - FWCTL_CMD_BASE;
	const struct fwctl_ioctl_op *op;
	union fwctl_ucmd_buffer buf = {};
	struct fwctl_ucmd ucmd = {
		.uctx = uctx,
		.ubuffer = (void __user *)arg,
		.cmd = &buf,
	};
	int ret;

	if (idx >= ARRAY_SIZE(fwctl_ioctl_ops))
		return -ENOTTY;
	op = &fwctl_ioctl_ops[idx];
	if (op->spec->cmd != cmd)
		return -ENOTTY;

	ret = fwctl_ucmd_copy_in(op, &ucmd);
	if (!ret)
		ret = op->execute(&ucmd);
	fwctl_check_errno(uctx->fwctl, op->spec, ret);
	op->trace(&ucmd, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_uctx_ioctl);

/**
 * fwctl_uctx_open - Create the context of a new FD
 * @fwctl: The device being opened
 *
 * Return: the new context, holding a reference on @fwctl, or an ERR_PTR:
 * -ENODEV once the device is unregistered, -ENOMEM, or the driver's error.
 */
VISIBLE_IF_KUNIT struct fwctl_uctx *fwctl_uctx_open(struct fwctl_device *fwctl)
{
	struct fwctl_uctx *uctx;
	int ret;

	guard(rwsem_read)(&fwctl->registration_lock);
	if (!fwctl->ops)
		return ERR_PTR(-ENODEV);

	uctx = kzalloc(fwctl->ops->uctx_size, GFP_KERNEL_ACCOUNT);
	if (!uctx)
		return ERR_PTR(-ENOMEM);
	uctx->fwctl = fwctl;
	ret = fwctl->ops->open_uctx(uctx);
	if (ret) {
		kfree(uctx);
		return ERR_PTR(ret);
	}

	scoped_guard(mutex, &fwctl->uctx_list_lock)
		list_add_tail(&uctx->uctx_list_entry, &fwctl->uctx_list);
	fwctl_get(fwctl);
	return uctx;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_uctx_open);

/* Caller holds registration_lock and uctx_list_lock, and ops is set */
static void fwctl_uctx_detach(struct fwctl_uctx *uctx)
{
	list_del(&uctx->uctx_list_entry);
	uctx->fwctl->ops->close_uctx(uctx);
}

/**
 * fwctl_uctx_release - Tear down the context of a closed FD
 * @uctx: The context from fwctl_uctx_open()
 *
 * Runs the driver's close_uctx unless fwctl_unregister() already did.
 */
VISIBLE_IF_KUNIT void fwctl_uctx_release(struct fwctl_uctx *uctx)
{
	struct fwctl_device *fwctl = uctx->fwctl;

	scoped_guard(rwsem_read, &fwctl->registration_lock) {
		if (fwctl->ops) {
			guard(mutex)(&fwctl->uctx_list_lock);
			fwctl_uctx_detach(uctx);
		}
	}
	kfree(uctx);
	fwctl_put(fwctl);
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_uctx_release);

static int fwctl_fops_open(struct inode *inode, struct file *filp)
{
	struct fwctl_device *fwctl =
		container_of(inode->i_cdev, struct fwctl_device, cdev);
	struct fwctl_uctx *uctx;

	uctx = fwctl_uctx_open(fwctl);
	trace_fwctl_open(fwctl, PTR_ERR_OR_ZERO(uctx));
	if (IS_ERR(uctx))
		return PTR_ERR(uctx);
	filp->private_data = uctx;
	return 0;
}

static int fwctl_fops_release(struct inode *inode, struct file *filp)
{
	struct fwctl_uctx *uctx = filp->private_data;

	trace_fwctl_close(uctx->fwctl);
	fwctl_uctx_release(uctx);
	return 0;
}

static long fwctl_fops_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	return fwctl_uctx_ioctl(filp->private_data, cmd, arg);
}

static const struct file_operations fwctl_fops = {
	.owner = THIS_MODULE,
	.open = fwctl_fops_open,
	.release = fwctl_fops_release,
	.unlocked_ioctl = fwctl_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static void fwctl_device_release(struct device *device)
{
	struct fwctl_device *fwctl =
		container_of(device, struct fwctl_device, dev);

	ida_free(&fwctl_ida, MINOR(fwctl->dev.devt));
	mutex_destroy(&fwctl->uctx_list_lock);
	kfree(fwctl);
}

static char *fwctl_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "fwctl/%s", dev_name(dev));
}

static const struct class fwctl_class = {
	.name = "fwctl",
	.dev_release = fwctl_device_release,
	.devnode = fwctl_devnode,
};

/**
 * _fwctl_alloc_device - Allocate a fwctl device; use fwctl_alloc_device()
 * @parent: The physical device the firmware belongs to
 * @ops: The driver's operations
 * @size: Size of the driver's struct, which embeds &struct fwctl_device at 0
 *
 * Return: the zeroed, initialised device holding one reference, or NULL.
 */
struct fwctl_device *_fwctl_alloc_device(struct device *parent,
					 const struct fwctl_ops *ops,
					 size_t size)
{
	struct fwctl_device *fwctl;
	int minor;

	if (size < sizeof(*fwctl) || !ops->fw_rpc || !ops->open_uctx ||
	    !ops->close_uctx || ops->uctx_size < sizeof(struct fwctl_uctx)) {
		dev_err(parent, "incomplete fwctl_ops, not registering\n");
		return NULL;
	}

	fwctl = kzalloc(size, GFP_KERNEL);
	if (!fwctl)
		return NULL;
	minor = ida_alloc_max(&fwctl_ida, FWCTL_MAX_DEVICES - 1, GFP_KERNEL);
	if (minor < 0) {
		kfree(fwctl);
		return NULL;
	}

	fwctl->dev.class = &fwctl_class;
	fwctl->dev.parent = parent;
	fwctl->dev.devt = MKDEV(MAJOR(fwctl_dev), minor);
	init_rwsem(&fwctl->registration_lock);
	mutex_init(&fwctl->uctx_list_lock);
	INIT_LIST_HEAD(&fwctl->uctx_list);
	fwctl->ops = ops;
	fwctl->answers_in_place = ops->answers_in_place;
	cdev_init(&fwctl->cdev, &fwctl_fops);
	fwctl->cdev.owner = THIS_MODULE;

	/* From here on fwctl_device_release() owns the memory and the minor */
	device_initialize(&fwctl->dev);
	if (dev_set_name(&fwctl->dev, "fwctl%d", minor)) {
		fwctl_put(fwctl);
		return NULL;
	}
	return fwctl;
}
EXPORT_SYMBOL_NS_GPL(_fwctl_alloc_device, FWCTL);

/**
 * fwctl_register - Make a fwctl device visible to user space
 * @fwctl: A device from fwctl_alloc_device()
 *
 * User space may open the device node before this returns, and keep it open
 * even if this fails; the driver's ops must be ready to be called.
 *
 * Return: 0 or a negative errno. On failure, call fwctl_put() and not
 * fwctl_unregister().
 */
int fwctl_register(struct fwctl_device *fwctl)
{
	int ret;

	ret = cdev_device_add(&fwctl->cdev, &fwctl->dev);
	if (ret)
		return ret;
	fwctl->debugfs = fwctl_spec_debugfs_add_device(fwctl);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(fwctl_register, FWCTL);

/**
 * fwctl_unregister - Detach the driver from a fwctl device
 * @fwctl: A device that fwctl_register() added
 *
 * Removes the device node, waits for the driver calls in flight to finish,
 * and calls close_uctx for every FD still open. Those FDs stay valid, but
 * every ioctl on them fails with -ENODEV. When this returns the driver's
 * ops are never called again for @fwctl; it still has to drop its own
 * reference with fwctl_put().
 */
void fwctl_unregister(struct fwctl_device *fwctl)
{
	struct fwctl_uctx *uctx, *next;

	debugfs_remove_recursive(fwctl->debugfs);
	cdev_device_del(&fwctl->cdev, &fwctl->dev);

	guard(rwsem_write)(&fwctl->registration_lock);
	scoped_guard(mutex, &fwctl->uctx_list_lock) {
		list_for_each_entry_safe(uctx, next, &fwctl->uctx_list,
					 uctx_list_entry)
			fwctl_uctx_detach(uctx);
	}
	WRITE_ONCE(fwctl->ops, NULL);
}
EXPORT_SYMBOL_NS_GPL(fwctl_unregister, FWCTL);

static int __init fwctl_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&fwctl_dev, 0, FWCTL_MAX_DEVICES, "fwctl");
	if (ret)
		return ret;

	ret = class_register(&fwctl_class);
	if (ret) {
		unregister_chrdev_region(fwctl_dev, FWCTL_MAX_DEVICES);
		return ret;
	}
	fwctl_spec_debugfs_init();
	return 0;
}

static void __exit fwctl_exit(void)
{
	fwctl_spec_debugfs_exit();
	class_unregister(&fwctl_class);
	unregister_chrdev_region(fwctl_dev, FWCTL_MAX_DEVICES);
}

/*
 * Before device_initcall: built-in drivers (the CXL core) register their
 * devices then, and the class must exist by that time.
 */
subsys_initcall(fwctl_init);
module_exit(fwctl_exit);
MODULE_DESCRIPTION("fwctl device firmware access framework");
MODULE_LICENSE("GPL");
