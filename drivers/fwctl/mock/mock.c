// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl mock driver: a fwctl device backed by an emulated firmware mailbox,
 * for the fwctl selftests and benchmarks.
 *
 * Each instance is a platform device "fwctl_mock.N" whose "firmware" keeps
 * debug registers, a small memory and per-FD objects. The command set and
 * the debugfs controls are the test ABI in fwctl_mock.h.
 */
#define pr_fmt(fmt) "fwctl_mock: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fault-inject.h>
#include <linux/fwctl.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "fwctl_mock.h"

#define MOCK_DRV_NAME "fwctl_mock"
#define MOCK_MAX_LOG_LEN (SZ_2M - sizeof(struct fwctl_mock_rsp))

static unsigned int nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Number of mock instances created at load (default 1)");

/* Live firmware objects and contexts of all instances, read by the tests */
static atomic_t mock_nr_objects = ATOMIC_INIT(0);
static atomic_t mock_nr_uctxs = ATOMIC_INIT(0);

/* <debugfs>/fwctl_mock: the controls and a directory per instance */
static struct dentry *mock_debugfs_dir;
static struct dentry *mock_fault_dir;

#if IS_ENABLED(CONFIG_FAULT_INJECTION)
/*
 * Firmware failures on demand, on top of FAILSLAB: they reach the error
 * paths a real mailbox takes (context refused, command timed out), and
 * /proc/self/task/<tid>/fail-nth counts them like any other fault point.
 */
static DECLARE_FAULT_ATTR(fail_fwctl_mock);

static bool mock_should_fail(void)
{
	return should_fail(&fail_fwctl_mock, 1);
}

static struct dentry *mock_fault_init(void)
{
	return fault_create_debugfs_attr("fail_fwctl_mock", NULL,
					 &fail_fwctl_mock);
}
#else
static bool mock_should_fail(void)
{
	return false;
}

static struct dentry *mock_fault_init(void)
{
	return NULL;
}
#endif

/* Instances by id; the lock serialises their creation and removal */
static DEFINE_XARRAY(mock_instances);
static DEFINE_MUTEX(mock_instances_lock);

struct mock_fwctl {
	struct fwctl_device fwctl;
	struct dentry *debugfs;
	/* An enum fwctl_mock_misbehave, set through debugfs */
	u32 misbehave;
	atomic_t next_uctx_id;
	atomic_t next_object_id;
	/* The firmware's debug state, changed by the tainting commands */
	spinlock_t fw_lock;
	u64 regs[FWCTL_MOCK_NUM_REGS];
	u8 mem[FWCTL_MOCK_MEM_SIZE];
};

struct mock_uctx {
	struct fwctl_uctx uctx;
	u32 id;
	atomic_t nr_objects;
	struct xarray objects;
};

struct mock_object {
	u64 tag;
};

/* One mailbox command being executed */
struct mock_rpc {
	struct mock_fwctl *mock;
	struct mock_uctx *mu;
	struct fwctl_mock_cmd *cmd;
	void *payload;
	size_t payload_len;
	size_t *out_len;
};

/*
 * Answer with a bare header, in place: every request is at least as long as
 * a header, and the command fields are no longer needed once this is called.
 */
static void *mock_rsp_inline(struct mock_rpc *rpc, u16 status, u64 value)
{
	struct fwctl_mock_rsp *rsp = (struct fwctl_mock_rsp *)rpc->cmd;
	u16 opcode = rpc->cmd->opcode;

	*rsp = (struct fwctl_mock_rsp){
		.opcode = opcode,
		.status = status,
		.value = value,
	};
	*rpc->out_len = sizeof(*rsp);
	return rsp;
}

/* A header plus @len payload bytes, which the caller must all write */
static struct fwctl_mock_rsp *mock_rsp_alloc(struct mock_rpc *rpc, size_t len)
{
	struct fwctl_mock_rsp *rsp;

	rsp = kvmalloc(sizeof(*rsp) + len, GFP_KERNEL_ACCOUNT);
	if (!rsp)
		return NULL;
	*rsp = (struct fwctl_mock_rsp){
		.opcode = rpc->cmd->opcode,
		.len = len,
	};
	*rpc->out_len = sizeof(*rsp) + len;
	return rsp;
}

static void *mock_cmd_query(struct mock_rpc *rpc)
{
	struct fwctl_mock_rsp *rsp;
	struct fwctl_mock_query *query;

	rsp = mock_rsp_alloc(rpc, sizeof(*query));
	if (!rsp)
		return ERR_PTR(-ENOMEM);
	query = (struct fwctl_mock_query *)(rsp + 1);
	*query = (struct fwctl_mock_query){
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.nr_objects = atomic_read(&rpc->mu->nr_objects),
		.nr_regs = FWCTL_MOCK_NUM_REGS,
		.mem_size = FWCTL_MOCK_MEM_SIZE,
	};
	return rsp;
}

static void *mock_cmd_echo(struct mock_rpc *rpc)
{
	*rpc->out_len = sizeof(*rpc->cmd) + rpc->payload_len;
	return rpc->cmd;
}

static void *mock_cmd_sum(struct mock_rpc *rpc)
{
	const u8 *bytes = rpc->payload;
	u64 sum = 0;
	size_t i;

	for (i = 0; i < rpc->payload_len; i++)
		sum += bytes[i];
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, sum);
}

static void *mock_cmd_obj_create(struct mock_rpc *rpc)
{
	struct mock_uctx *mu = rpc->mu;
	struct mock_object *obj;
	u32 id;
	int ret;

	if (atomic_inc_return(&mu->nr_objects) > FWCTL_MOCK_MAX_OBJECTS) {
		atomic_dec(&mu->nr_objects);
		return ERR_PTR(-ENOSPC);
	}
	obj = kzalloc(sizeof(*obj), GFP_KERNEL_ACCOUNT);
	if (!obj) {
		atomic_dec(&mu->nr_objects);
		return ERR_PTR(-ENOMEM);
	}
	obj->tag = rpc->cmd->arg;
	/* Ids are unique in the instance, so one FD can name another's */
	id = atomic_inc_return(&rpc->mock->next_object_id);
	ret = xa_insert(&mu->objects, id, obj, GFP_KERNEL_ACCOUNT);
	if (ret) {
		kfree(obj);
		atomic_dec(&mu->nr_objects);
		return ERR_PTR(ret);
	}
	atomic_inc(&mock_nr_objects);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, id);
}

static void mock_obj_free(struct mock_uctx *mu, struct mock_object *obj)
{
	kfree(obj);
	atomic_dec(&mu->nr_objects);
	atomic_dec(&mock_nr_objects);
}

static void *mock_cmd_obj_destroy(struct mock_rpc *rpc)
{
	struct mock_object *obj = NULL;

	if (rpc->cmd->arg <= U32_MAX)
		obj = xa_erase(&rpc->mu->objects, rpc->cmd->arg);
	if (!obj)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_NO_OBJECT, 0);
	mock_obj_free(rpc->mu, obj);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, 0);
}

static void *mock_cmd_read_log(struct mock_rpc *rpc)
{
	u64 len = rpc->cmd->arg;
	struct fwctl_mock_rsp *rsp;
	u8 *log;
	size_t i;

	if (len > MOCK_MAX_LOG_LEN)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_BAD_ARG, 0);
	rsp = mock_rsp_alloc(rpc, len);
	if (!rsp)
		return ERR_PTR(-ENOMEM);
	log = (u8 *)(rsp + 1);
	for (i = 0; i < len; i++)
		log[i] = fwctl_mock_log_byte(i);
	return rsp;
}

static void *mock_cmd_read_reg(struct mock_rpc *rpc)
{
	u64 idx = rpc->cmd->arg;

	if (idx >= FWCTL_MOCK_NUM_REGS)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_BAD_ARG, 0);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK,
			       READ_ONCE(rpc->mock->regs[idx]));
}

static void *mock_cmd_write_reg(struct mock_rpc *rpc)
{
	u64 idx = rpc->cmd->arg;
	u64 val, old;

	if (idx >= FWCTL_MOCK_NUM_REGS)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_BAD_ARG, 0);
	memcpy(&val, rpc->payload, sizeof(val));
	old = xchg(&rpc->mock->regs[idx], val);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, old);
}

static void *mock_cmd_poke(struct mock_rpc *rpc)
{
	struct mock_fwctl *mock = rpc->mock;
	u64 off = rpc->cmd->arg;

	if (off > FWCTL_MOCK_MEM_SIZE ||
	    rpc->payload_len > FWCTL_MOCK_MEM_SIZE - off)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_BAD_ARG, 0);
	scoped_guard(spinlock, &mock->fw_lock)
		memcpy(mock->mem + off, rpc->payload, rpc->payload_len);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, rpc->payload_len);
}

static void *mock_cmd_sleep(struct mock_rpc *rpc)
{
	u64 usecs = rpc->cmd->arg;

	if (usecs > FWCTL_MOCK_MAX_SLEEP_US)
		return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_BAD_ARG, 0);
	fsleep(usecs);
	return mock_rsp_inline(rpc, FWCTL_MOCK_STATUS_OK, usecs);
}

#define MOCK_HDR ((u32)sizeof(struct fwctl_mock_cmd))
#define MOCK_RSP ((u32)sizeof(struct fwctl_mock_rsp))
#define MOCK_MAX SZ_2M

#define MOCK_CMD(_op, _name, _scope, _req_min, _req_max, _resp_min, _resp_max) \
	[FWCTL_MOCK_OP_##_op - 1] = {                                          \
		.id = FWCTL_MOCK_OP_##_op,                                     \
		.name = _name,                                                 \
		.min_scope = FWCTL_RPC_##_scope,                               \
		.req_min = _req_min,                                           \
		.req_max = _req_max,                                           \
		.resp_min = _resp_min,                                         \
		.resp_max = _resp_max,                                         \
	}

/*
 * The command catalog: the scope and request lengths the driver enforces,
 * published through the fwctl core for tools. Indexed by opcode - 1.
 */
static const struct fwctl_cmd_spec mock_catalog[] = {
	MOCK_CMD(QUERY, "query", CONFIGURATION, MOCK_HDR, MOCK_HDR,
		 MOCK_RSP + sizeof(struct fwctl_mock_query),
		 MOCK_RSP + sizeof(struct fwctl_mock_query)),
	MOCK_CMD(ECHO, "echo", CONFIGURATION, MOCK_HDR, MOCK_MAX, MOCK_HDR,
		 MOCK_MAX),
	MOCK_CMD(SUM, "sum", CONFIGURATION, MOCK_HDR, MOCK_MAX, MOCK_RSP,
		 MOCK_RSP),
	MOCK_CMD(OBJ_CREATE, "obj_create", CONFIGURATION, MOCK_HDR, MOCK_HDR,
		 MOCK_RSP, MOCK_RSP),
	MOCK_CMD(OBJ_DESTROY, "obj_destroy", CONFIGURATION, MOCK_HDR, MOCK_HDR,
		 MOCK_RSP, MOCK_RSP),
	MOCK_CMD(READ_LOG, "read_log", DEBUG_READ_ONLY, MOCK_HDR, MOCK_HDR,
		 MOCK_RSP, MOCK_MAX),
	MOCK_CMD(READ_REG, "read_reg", DEBUG_READ_ONLY, MOCK_HDR, MOCK_HDR,
		 MOCK_RSP, MOCK_RSP),
	MOCK_CMD(WRITE_REG, "write_reg", DEBUG_WRITE, MOCK_HDR + sizeof(u64),
		 MOCK_HDR + sizeof(u64), MOCK_RSP, MOCK_RSP),
	MOCK_CMD(POKE, "poke", DEBUG_WRITE_FULL, MOCK_HDR, MOCK_MAX, MOCK_RSP,
		 MOCK_RSP),
	MOCK_CMD(SLEEP, "sleep", CONFIGURATION, MOCK_HDR, MOCK_HDR, MOCK_RSP,
		 MOCK_RSP),
};

static_assert(ARRAY_SIZE(mock_catalog) == FWCTL_MOCK_OP_LAST);

static void *(*const mock_exec[])(struct mock_rpc *rpc) = {
	[FWCTL_MOCK_OP_QUERY - 1] = mock_cmd_query,
	[FWCTL_MOCK_OP_ECHO - 1] = mock_cmd_echo,
	[FWCTL_MOCK_OP_SUM - 1] = mock_cmd_sum,
	[FWCTL_MOCK_OP_OBJ_CREATE - 1] = mock_cmd_obj_create,
	[FWCTL_MOCK_OP_OBJ_DESTROY - 1] = mock_cmd_obj_destroy,
	[FWCTL_MOCK_OP_READ_LOG - 1] = mock_cmd_read_log,
	[FWCTL_MOCK_OP_READ_REG - 1] = mock_cmd_read_reg,
	[FWCTL_MOCK_OP_WRITE_REG - 1] = mock_cmd_write_reg,
	[FWCTL_MOCK_OP_POKE - 1] = mock_cmd_poke,
	[FWCTL_MOCK_OP_SLEEP - 1] = mock_cmd_sleep,
};

static_assert(ARRAY_SIZE(mock_exec) == ARRAY_SIZE(mock_catalog));

/* Errnos the mock returns beyond the core's, for the catalog */
static const int mock_errnos[] = {
	EINVAL, EOPNOTSUPP, EBADMSG, ENOSPC, ETIMEDOUT, ENOMEM,
};

/*
 * Break the driver API the way fwctl_mock.h says: true with *@resp set if
 * the instance misbehaves, false to behave. The mode is read once.
 */
static bool mock_rpc_misbehave(struct mock_fwctl *mock, void *rpc_in,
			       size_t in_len, size_t *out_len, void **resp)
{
	switch (READ_ONCE(mock->misbehave)) {
	case FWCTL_MOCK_RPC_NULL:
		*out_len = in_len;
		*resp = NULL;
		return true;
	case FWCTL_MOCK_RPC_HUGE:
		*out_len = SZ_2M + 1;
		*resp = rpc_in;
		return true;
	case FWCTL_MOCK_RPC_OVERRUN_IN_PLACE:
		*out_len = in_len + 64;
		*resp = rpc_in;
		return true;
	case FWCTL_MOCK_RPC_OVERRUN_ALLOC:
		*resp = kzalloc(16, GFP_KERNEL_ACCOUNT);
		if (!*resp)
			*resp = ERR_PTR(-ENOMEM);
		*out_len = 4096;
		return true;
	case FWCTL_MOCK_RPC_TIMEOUT:
		*resp = ERR_PTR(-ETIMEDOUT);
		return true;
	default:
		return false;
	}
}

/*
 * The driver half of the scope contract: the core has checked the caller's
 * capability for @scope, and this refuses any command that needs more.
 */
static void *mock_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			 void *rpc_in, size_t in_len, size_t *out_len)
{
	struct fwctl_mock_cmd *cmd = rpc_in;
	const struct fwctl_cmd_spec *spec;
	void *resp;
	struct mock_rpc rpc = {
		.mock = container_of(uctx->fwctl, struct mock_fwctl, fwctl),
		.mu = container_of(uctx, struct mock_uctx, uctx),
		.cmd = cmd,
		.payload = cmd + 1,
		.payload_len = in_len - sizeof(*cmd),
		.out_len = out_len,
	};

	if (mock_rpc_misbehave(rpc.mock, rpc_in, in_len, out_len, &resp))
		return resp;
	if (in_len < sizeof(*cmd) || cmd->flags || cmd->__reserved)
		return ERR_PTR(-EINVAL);
	if (!cmd->opcode || cmd->opcode > ARRAY_SIZE(mock_catalog))
		return ERR_PTR(-EOPNOTSUPP);
	spec = &mock_catalog[cmd->opcode - 1];
	if (scope < spec->min_scope)
		return ERR_PTR(-EBADMSG);
	if (in_len < spec->req_min || in_len > spec->req_max)
		return ERR_PTR(-EINVAL);
	if (mock_should_fail())
		return ERR_PTR(-ETIMEDOUT);
	return mock_exec[cmd->opcode - 1](&rpc);
}

static int mock_open_uctx(struct fwctl_uctx *uctx)
{
	struct mock_fwctl *mock =
		container_of(uctx->fwctl, struct mock_fwctl, fwctl);
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);

	if (mock_should_fail())
		return -EIO;
	mu->id = atomic_inc_return(&mock->next_uctx_id);
	xa_init_flags(&mu->objects, XA_FLAGS_ACCOUNT);
	atomic_inc(&mock_nr_uctxs);
	return 0;
}

/* What real firmware needs most from a driver: nothing an FD made outlives it */
static void mock_close_uctx(struct fwctl_uctx *uctx)
{
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);
	struct mock_object *obj;
	unsigned long id;

	xa_for_each(&mu->objects, id, obj)
		mock_obj_free(mu, obj);
	xa_destroy(&mu->objects);
	atomic_dec(&mock_nr_uctxs);
}

static void *mock_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct mock_fwctl *mock =
		container_of(uctx->fwctl, struct mock_fwctl, fwctl);
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);
	struct fwctl_info_mock *info;

	switch (READ_ONCE(mock->misbehave)) {
	case FWCTL_MOCK_INFO_ERROR:
		return ERR_PTR(-EIO);
	case FWCTL_MOCK_INFO_NULL:
		*length = sizeof(*info);
		return NULL;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->fw_version = FWCTL_MOCK_FW_VERSION;
	info->uctx_id = mu->id;
	info->max_objects = FWCTL_MOCK_MAX_OBJECTS;
	*length = sizeof(*info);
	if (READ_ONCE(mock->misbehave) == FWCTL_MOCK_INFO_OVERRUN)
		*length = 64;
	return info;
}

static const struct fwctl_ops mock_ops = {
	.device_type = (enum fwctl_device_type)FWCTL_DEVICE_TYPE_MOCK,
	.uctx_size = sizeof(struct mock_uctx),
	.open_uctx = mock_open_uctx,
	.close_uctx = mock_close_uctx,
	.info = mock_info,
	.fw_rpc = mock_fw_rpc,
	.commands = mock_catalog,
	.nr_commands = ARRAY_SIZE(mock_catalog),
	.errnos = mock_errnos,
	.nr_errnos = ARRAY_SIZE(mock_errnos),
};

static int mock_probe(struct platform_device *pdev)
{
	struct mock_fwctl *mock __free(fwctl) =
		fwctl_alloc_device(&pdev->dev, &mock_ops, struct mock_fwctl,
				   fwctl);
	int ret;

	if (!mock)
		return -ENOMEM;
	spin_lock_init(&mock->fw_lock);
	if (mock_should_fail())
		return -EIO;

	ret = fwctl_register(&mock->fwctl);
	if (ret)
		return ret;
	mock->debugfs = debugfs_create_dir(dev_name(&pdev->dev),
					   mock_debugfs_dir);
	debugfs_create_u32("misbehave", 0600, mock->debugfs, &mock->misbehave);
	platform_set_drvdata(pdev, no_free_ptr(mock));
	return 0;
}

static void mock_remove(struct platform_device *pdev)
{
	struct mock_fwctl *mock = platform_get_drvdata(pdev);

	debugfs_remove_recursive(mock->debugfs);
	fwctl_unregister(&mock->fwctl);
	fwctl_put(&mock->fwctl);
}

static struct platform_driver mock_driver = {
	.driver = {
		.name = MOCK_DRV_NAME,
	},
	.probe = mock_probe,
	.remove = mock_remove,
};

static int mock_add_instance(u64 id)
{
	struct platform_device *pdev;
	int ret;

	if (id > INT_MAX)
		return -EINVAL;

	guard(mutex)(&mock_instances_lock);
	if (xa_load(&mock_instances, id))
		return -EEXIST;
	pdev = platform_device_register_simple(MOCK_DRV_NAME, id, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	/* Probe ran synchronously; a failure there is not reported otherwise */
	if (!device_is_bound(&pdev->dev)) {
		platform_device_unregister(pdev);
		return -ENODEV;
	}
	ret = xa_err(xa_store(&mock_instances, id, pdev, GFP_KERNEL));
	if (ret)
		platform_device_unregister(pdev);
	return ret;
}

static int mock_remove_instance(u64 id)
{
	struct platform_device *pdev;

	if (id > INT_MAX)
		return -EINVAL;

	guard(mutex)(&mock_instances_lock);
	pdev = xa_erase(&mock_instances, id);
	if (!pdev)
		return -ENOENT;
	platform_device_unregister(pdev);
	return 0;
}

static void mock_remove_all(void)
{
	struct platform_device *pdev;
	unsigned long id;

	guard(mutex)(&mock_instances_lock);
	xa_for_each(&mock_instances, id, pdev) {
		xa_erase(&mock_instances, id);
		platform_device_unregister(pdev);
	}
}

static int mock_debugfs_add(void *data, u64 val)
{
	return mock_add_instance(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(mock_add_fops, NULL, mock_debugfs_add, "%llu\n");

static int mock_debugfs_remove(void *data, u64 val)
{
	return mock_remove_instance(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(mock_remove_fops, NULL, mock_debugfs_remove,
			 "%llu\n");

static int mock_debugfs_counter(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mock_counter_fops, mock_debugfs_counter, NULL,
			 "%llu\n");

static void mock_debugfs_init(void)
{
	debugfs_create_file_unsafe("add", 0200, mock_debugfs_dir, NULL,
				   &mock_add_fops);
	debugfs_create_file_unsafe("remove", 0200, mock_debugfs_dir, NULL,
				   &mock_remove_fops);
	debugfs_create_file_unsafe("objects", 0400, mock_debugfs_dir,
				   &mock_nr_objects, &mock_counter_fops);
	debugfs_create_file_unsafe("uctxs", 0400, mock_debugfs_dir,
				   &mock_nr_uctxs, &mock_counter_fops);
}

static int __init mock_init(void)
{
	unsigned int i;
	int ret;

	mock_debugfs_dir = debugfs_create_dir(MOCK_DRV_NAME, NULL);
	mock_fault_dir = mock_fault_init();
	ret = platform_driver_register(&mock_driver);
	if (ret)
		goto err_debugfs;

	for (i = 0; i < nr_devices; i++) {
		ret = mock_add_instance(i);
		if (ret)
			goto err_instances;
	}
	mock_debugfs_init();
	return 0;

err_instances:
	mock_remove_all();
	platform_driver_unregister(&mock_driver);
err_debugfs:
	debugfs_remove_recursive(mock_fault_dir);
	debugfs_remove_recursive(mock_debugfs_dir);
	return ret;
}

/*
 * Open debugfs files pin the module, so no add or remove can run here; the
 * instances go first, each taking its own directory with it.
 */
static void __exit mock_exit(void)
{
	mock_remove_all();
	platform_driver_unregister(&mock_driver);
	debugfs_remove_recursive(mock_fault_dir);
	debugfs_remove_recursive(mock_debugfs_dir);
}

module_init(mock_init);
module_exit(mock_exit);
MODULE_IMPORT_NS(FWCTL);
MODULE_DESCRIPTION("fwctl mock device for the selftests");
MODULE_LICENSE("GPL");
