// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl mock driver: a fwctl device backed by an emulated firmware mailbox,
 * for the fwctl selftests and benchmarks.
 *
 * Each instance is a platform device "fwctl_mock.N" whose "firmware" keeps
 * debug registers, a small memory and per-FD objects. The command set and
 * the debugfs controls are the test ABI in fwctl_mock.h.
 *
 * The driver works the way drivers of real mailboxes do, so that the core's
 * tests meet what those bring: fw_rpc checks the request and its scope,
 * copies it into a mailbox buffer, posts it to a slot under the mailbox
 * lock, and sleeps, interruptibly, until the firmware completes it. The
 * firmware runs in workqueue context, one engine per slot.
 */
#define pr_fmt(fmt) "fwctl_mock: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fault-inject.h>
#include <linux/fwctl.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
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

struct mock_cmd;
struct mock_fwctl;

/* A mailbox slot, and the firmware engine that executes its command */
struct mock_slot {
	struct work_struct work;
	struct mock_fwctl *mock;
	/* The command posted to the slot, NULL if free; under mbox_lock */
	struct mock_cmd *cmd;
};

struct mock_fwctl {
	struct fwctl_device fwctl;
	struct dentry *debugfs;
	/* An enum fwctl_mock_misbehave, set through debugfs */
	u32 misbehave;
	/* Run commands in the caller, without the mailbox; set through debugfs */
	bool direct;
	atomic_t next_uctx_id;
	atomic_t next_object_id;
	/*
	 * The mailbox, as a real driver has one: RPCs take mbox_lock, under
	 * the core's registration_lock, to post to a free slot, and the
	 * firmware takes it to free the slot again. mbox_wait is woken
	 * whenever a slot is freed.
	 */
	struct mutex mbox_lock;
	struct mock_slot slots[FWCTL_MOCK_MBOX_DEPTH];
	wait_queue_head_t mbox_wait;
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
	/* Commands of this FD in the mailbox, which close_uctx waits for */
	atomic_t nr_busy;
};

struct mock_object {
	u64 tag;
};

/*
 * One command, from the RPC that posts it to the firmware that completes it.
 * Each holds a reference: the firmware finishes a command whose RPC was
 * interrupted, and the last one out frees it.
 */
struct mock_cmd {
	struct kref ref;
	struct completion done;
	struct mock_fwctl *mock;
	struct mock_uctx *mu;
	/* The mailbox buffer: the request going in, the response coming out */
	void *buf;
	size_t in_len;
	size_t rsp_len;
	/* What the driver set aside for an OBJ_CREATE, until the firmware takes it */
	struct mock_object *obj;
	u32 obj_id;
};

#define MOCK_HDR ((u32)sizeof(struct fwctl_mock_cmd))
#define MOCK_RSP ((u32)sizeof(struct fwctl_mock_rsp))
#define MOCK_MAX SZ_2M

/* The emulated firmware, which works on the mailbox buffer alone */

static const void *mock_fw_payload(struct mock_cmd *mc)
{
	return mc->buf + sizeof(struct fwctl_mock_cmd);
}

static size_t mock_fw_payload_len(struct mock_cmd *mc)
{
	return mc->in_len - sizeof(struct fwctl_mock_cmd);
}

/*
 * Write the response header over the request's, whose fields the caller
 * has read; returns the length of the response with @len payload bytes.
 */
static size_t mock_fw_rsp(struct mock_cmd *mc, const struct fwctl_mock_cmd *cmd,
			  u16 status, u32 len, u64 value)
{
	struct fwctl_mock_rsp *rsp = mc->buf;

	*rsp = (struct fwctl_mock_rsp){
		.opcode = cmd->opcode,
		.status = status,
		.len = len,
		.value = value,
	};
	return sizeof(*rsp) + len;
}

static size_t mock_fw_query(struct mock_cmd *mc,
			    const struct fwctl_mock_cmd *cmd)
{
	struct fwctl_mock_query *query = mc->buf + MOCK_RSP;

	*query = (struct fwctl_mock_query){
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.nr_objects = atomic_read(&mc->mu->nr_objects),
		.nr_regs = FWCTL_MOCK_NUM_REGS,
		.mem_size = FWCTL_MOCK_MEM_SIZE,
	};
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, sizeof(*query), 0);
}

/* The response is the request, byte for byte */
static size_t mock_fw_echo(struct mock_cmd *mc,
			   const struct fwctl_mock_cmd *cmd)
{
	return mc->in_len;
}

static size_t mock_fw_sum(struct mock_cmd *mc, const struct fwctl_mock_cmd *cmd)
{
	const u8 *bytes = mock_fw_payload(mc);
	size_t len = mock_fw_payload_len(mc);
	u64 sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += bytes[i];
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, sum);
}

/* Takes the object and the index the driver set aside: nothing can fail */
static size_t mock_fw_obj_create(struct mock_cmd *mc,
				 const struct fwctl_mock_cmd *cmd)
{
	struct mock_object *obj = mc->obj;

	mc->obj = NULL;
	obj->tag = cmd->arg;
	/* Into the reserved index: no allocation, so no failure */
	xa_store(&mc->mu->objects, mc->obj_id, obj, GFP_KERNEL);
	atomic_inc(&mock_nr_objects);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, mc->obj_id);
}

static void mock_obj_free(struct mock_uctx *mu, struct mock_object *obj)
{
	kfree(obj);
	atomic_dec(&mu->nr_objects);
	atomic_dec(&mock_nr_objects);
}

static size_t mock_fw_obj_destroy(struct mock_cmd *mc,
				  const struct fwctl_mock_cmd *cmd)
{
	struct mock_object *obj = NULL;

	/*
	 * The index of an object still being created is reserved, and reads
	 * as NULL: leave it alone, so that OBJ_CREATE finds it.
	 */
	if (cmd->arg <= U32_MAX && xa_load(&mc->mu->objects, cmd->arg))
		obj = xa_erase(&mc->mu->objects, cmd->arg);
	if (!obj)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_NO_OBJECT, 0, 0);
	mock_obj_free(mc->mu, obj);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, 0);
}

static size_t mock_fw_read_log(struct mock_cmd *mc,
			       const struct fwctl_mock_cmd *cmd)
{
	u8 *log = mc->buf + MOCK_RSP;
	size_t i;

	if (cmd->arg > MOCK_MAX_LOG_LEN)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	for (i = 0; i < cmd->arg; i++)
		log[i] = fwctl_mock_log_byte(i);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, cmd->arg, 0);
}

static size_t mock_fw_read_reg(struct mock_cmd *mc,
			       const struct fwctl_mock_cmd *cmd)
{
	if (cmd->arg >= FWCTL_MOCK_NUM_REGS)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0,
			   READ_ONCE(mc->mock->regs[cmd->arg]));
}

static size_t mock_fw_write_reg(struct mock_cmd *mc,
				const struct fwctl_mock_cmd *cmd)
{
	u64 val, old;

	if (cmd->arg >= FWCTL_MOCK_NUM_REGS)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	memcpy(&val, mock_fw_payload(mc), sizeof(val));
	old = xchg(&mc->mock->regs[cmd->arg], val);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, old);
}

static size_t mock_fw_poke(struct mock_cmd *mc, const struct fwctl_mock_cmd *cmd)
{
	struct mock_fwctl *mock = mc->mock;
	size_t len = mock_fw_payload_len(mc);

	if (cmd->arg > FWCTL_MOCK_MEM_SIZE ||
	    len > FWCTL_MOCK_MEM_SIZE - cmd->arg)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	scoped_guard(spinlock, &mock->fw_lock)
		memcpy(mock->mem + cmd->arg, mock_fw_payload(mc), len);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, len);
}

/*
 * The offset and length PEEK's @arg names, if the range lies within the
 * firmware memory
 */
static bool mock_peek_range(u64 arg, u32 *off, u32 *len)
{
	*off = lower_32_bits(arg);
	*len = upper_32_bits(arg);
	return *off <= FWCTL_MOCK_MEM_SIZE &&
	       *len <= FWCTL_MOCK_MEM_SIZE - *off;
}

static size_t mock_fw_peek(struct mock_cmd *mc, const struct fwctl_mock_cmd *cmd)
{
	struct mock_fwctl *mock = mc->mock;
	u32 off, len;

	if (!mock_peek_range(cmd->arg, &off, &len))
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	scoped_guard(spinlock, &mock->fw_lock)
		memcpy(mc->buf + MOCK_RSP, mock->mem + off, len);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, len, off);
}

static size_t mock_fw_sleep(struct mock_cmd *mc,
			    const struct fwctl_mock_cmd *cmd)
{
	if (cmd->arg > FWCTL_MOCK_MAX_SLEEP_US)
		return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	fsleep(cmd->arg);
	return mock_fw_rsp(mc, cmd, FWCTL_MOCK_STATUS_OK, 0, cmd->arg);
}

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
 * published through the fwctl core for tools. Indexed by opcode - 1. The
 * scope is the least a command may need: see mock_cmd_scope().
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
	MOCK_CMD(PEEK, "peek", DEBUG_READ_ONLY, MOCK_HDR, MOCK_HDR, MOCK_RSP,
		 MOCK_RSP + FWCTL_MOCK_MEM_SIZE),
};

static_assert(ARRAY_SIZE(mock_catalog) == FWCTL_MOCK_OP_LAST);

static size_t (*const mock_fw_exec[])(struct mock_cmd *mc,
				      const struct fwctl_mock_cmd *cmd) = {
	[FWCTL_MOCK_OP_QUERY - 1] = mock_fw_query,
	[FWCTL_MOCK_OP_ECHO - 1] = mock_fw_echo,
	[FWCTL_MOCK_OP_SUM - 1] = mock_fw_sum,
	[FWCTL_MOCK_OP_OBJ_CREATE - 1] = mock_fw_obj_create,
	[FWCTL_MOCK_OP_OBJ_DESTROY - 1] = mock_fw_obj_destroy,
	[FWCTL_MOCK_OP_READ_LOG - 1] = mock_fw_read_log,
	[FWCTL_MOCK_OP_READ_REG - 1] = mock_fw_read_reg,
	[FWCTL_MOCK_OP_WRITE_REG - 1] = mock_fw_write_reg,
	[FWCTL_MOCK_OP_POKE - 1] = mock_fw_poke,
	[FWCTL_MOCK_OP_SLEEP - 1] = mock_fw_sleep,
	[FWCTL_MOCK_OP_PEEK - 1] = mock_fw_peek,
};

static_assert(ARRAY_SIZE(mock_fw_exec) == ARRAY_SIZE(mock_catalog));

/* Errnos the mock returns beyond the core's, for the catalog */
static const int mock_errnos[] = {
	EINVAL, EOPNOTSUPP, EBADMSG, ENOSPC, ETIMEDOUT, ENOMEM, EINTR,
};

static void mock_cmd_release(struct kref *ref)
{
	struct mock_cmd *mc = container_of(ref, struct mock_cmd, ref);

	kvfree(mc->buf);
	kfree(mc);
}

static void mock_cmd_put(struct mock_cmd *mc)
{
	kref_put(&mc->ref, mock_cmd_release);
}

/*
 * A firmware engine: execute the command in its slot, free the slot and
 * complete the command, whether or not its RPC still waits for it.
 */
static void mock_fw_work(struct work_struct *work)
{
	struct mock_slot *slot = container_of(work, struct mock_slot, work);
	struct mock_fwctl *mock = slot->mock;
	struct fwctl_mock_cmd cmd;
	struct mock_cmd *mc;

	scoped_guard(mutex, &mock->mbox_lock)
		mc = slot->cmd;
	memcpy(&cmd, mc->buf, sizeof(cmd));
	mc->rsp_len = mock_fw_exec[cmd.opcode - 1](mc, &cmd);

	scoped_guard(mutex, &mock->mbox_lock) {
		WRITE_ONCE(slot->cmd, NULL);
		/* The last use of the context: close_uctx may free it now */
		atomic_dec(&mc->mu->nr_busy);
	}
	wake_up_all(&mock->mbox_wait);
	complete(&mc->done);
	mock_cmd_put(mc);
}

/* The driver: check, post, wait */

/*
 * The length of the firmware's response to a valid request, which the
 * driver sizes the mailbox buffer from.
 */
static size_t mock_rsp_len(const struct fwctl_mock_cmd *cmd, size_t in_len)
{
	u32 off, len;

	switch (cmd->opcode) {
	case FWCTL_MOCK_OP_QUERY:
		return MOCK_RSP + sizeof(struct fwctl_mock_query);
	case FWCTL_MOCK_OP_ECHO:
		return in_len;
	case FWCTL_MOCK_OP_READ_LOG:
		return MOCK_RSP + (cmd->arg <= MOCK_MAX_LOG_LEN ? cmd->arg : 0);
	case FWCTL_MOCK_OP_PEEK:
		return MOCK_RSP + (mock_peek_range(cmd->arg, &off, &len) ? len : 0);
	default:
		return MOCK_RSP;
	}
}

/*
 * The scope a command needs. For most it is the catalog's; where it
 * depends on what the command touches, as a real device's register map
 * would have it, the request decides.
 */
static enum fwctl_rpc_scope mock_cmd_scope(const struct fwctl_mock_cmd *cmd,
					   const struct fwctl_cmd_spec *spec)
{
	/* Control registers, and whatever @arg names no register at all */
	if (cmd->opcode == FWCTL_MOCK_OP_WRITE_REG &&
	    cmd->arg >= FWCTL_MOCK_NUM_DEBUG_REGS)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	return spec->min_scope;
}

/*
 * The driver half of the scope contract: the core has checked the caller's
 * capability for @scope, and this refuses any command that needs more.
 */
static int mock_rpc_check(enum fwctl_rpc_scope scope,
			  const struct fwctl_mock_cmd *cmd, size_t in_len)
{
	const struct fwctl_cmd_spec *spec;

	if (in_len < sizeof(*cmd) || cmd->flags || cmd->__reserved)
		return -EINVAL;
	if (!cmd->opcode || cmd->opcode > ARRAY_SIZE(mock_catalog))
		return -EOPNOTSUPP;
	spec = &mock_catalog[cmd->opcode - 1];
	if (scope < mock_cmd_scope(cmd, spec))
		return -EBADMSG;
	if (in_len < spec->req_min || in_len > spec->req_max)
		return -EINVAL;
	return 0;
}

/* Set an object and its index aside for an OBJ_CREATE */
static int mock_cmd_prepare_obj(struct mock_cmd *mc)
{
	struct mock_uctx *mu = mc->mu;
	int ret = -ENOSPC;

	if (atomic_inc_return(&mu->nr_objects) > FWCTL_MOCK_MAX_OBJECTS)
		goto err_count;
	ret = -ENOMEM;
	mc->obj = kzalloc(sizeof(*mc->obj), GFP_KERNEL_ACCOUNT);
	if (!mc->obj)
		goto err_count;
	/* Ids are unique in the instance, so one FD can name another's */
	mc->obj_id = atomic_inc_return(&mc->mock->next_object_id);
	ret = xa_reserve(&mu->objects, mc->obj_id, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_obj;
	return 0;

err_obj:
	kfree(mc->obj);
	mc->obj = NULL;
err_count:
	atomic_dec(&mu->nr_objects);
	return ret;
}

/* Give back what mock_cmd_prepare_obj() set aside, for a command not posted */
static void mock_cmd_unprepare(struct mock_cmd *mc)
{
	if (!mc->obj)
		return;
	xa_release(&mc->mu->objects, mc->obj_id);
	kfree(mc->obj);
	mc->obj = NULL;
	atomic_dec(&mc->mu->nr_objects);
}

/*
 * A command with a copy of the request in a mailbox buffer large enough for
 * the response, and whatever else the firmware needs to execute it.
 */
static struct mock_cmd *mock_cmd_prepare(struct mock_fwctl *mock,
					 struct mock_uctx *mu,
					 const void *rpc_in, size_t in_len)
{
	const struct fwctl_mock_cmd *cmd = rpc_in;
	struct mock_cmd *mc;
	int ret;

	mc = kzalloc(sizeof(*mc), GFP_KERNEL_ACCOUNT);
	if (!mc)
		return ERR_PTR(-ENOMEM);
	kref_init(&mc->ref);
	init_completion(&mc->done);
	mc->mock = mock;
	mc->mu = mu;
	mc->in_len = in_len;
	/* The core takes the failure as ENOMEM, no need for a warning */
	mc->buf = kvmalloc(max(in_len, mock_rsp_len(cmd, in_len)),
			   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!mc->buf) {
		ret = -ENOMEM;
		goto err;
	}
	memcpy(mc->buf, rpc_in, in_len);
	if (cmd->opcode == FWCTL_MOCK_OP_OBJ_CREATE) {
		ret = mock_cmd_prepare_obj(mc);
		if (ret)
			goto err;
	}
	return mc;

err:
	mock_cmd_put(mc);
	return ERR_PTR(ret);
}

/* A free slot: exact under mbox_lock, a hint without it */
static struct mock_slot *mock_mbox_free_slot(struct mock_fwctl *mock)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mock->slots); i++)
		if (!READ_ONCE(mock->slots[i].cmd))
			return &mock->slots[i];
	return NULL;
}

/*
 * Post @mc to a free slot of the mailbox, waiting for one if need be, and
 * ring the doorbell: the firmware now holds a reference.
 */
static int mock_mbox_post(struct mock_fwctl *mock, struct mock_cmd *mc)
{
	struct mock_slot *slot;
	int ret;

	ret = mutex_lock_interruptible(&mock->mbox_lock);
	while (!ret) {
		slot = mock_mbox_free_slot(mock);
		if (slot)
			break;
		mutex_unlock(&mock->mbox_lock);
		ret = wait_event_interruptible(mock->mbox_wait,
					       mock_mbox_free_slot(mock));
		if (!ret)
			ret = mutex_lock_interruptible(&mock->mbox_lock);
	}
	if (ret)
		return -EINTR;

	kref_get(&mc->ref);
	atomic_inc(&mc->mu->nr_busy);
	WRITE_ONCE(slot->cmd, mc);
	queue_work(system_unbound_wq, &slot->work);
	mutex_unlock(&mock->mbox_lock);
	return 0;
}

/* The response in a buffer of the kind misbehaviour @mode asks for */
static void *mock_cmd_answer_in(struct mock_cmd *mc, u32 mode,
				size_t *out_len)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	void *resp;

	if (mode == FWCTL_MOCK_RPC_VMALLOC)
		resp = __vmalloc(mc->rsp_len, gfp);
	else
		resp = kvmalloc(max_t(size_t, mc->rsp_len,
				      KMALLOC_MAX_CACHE_SIZE + 1), gfp);
	if (!resp)
		return ERR_PTR(-ENOMEM);
	memcpy(resp, mc->buf, mc->rsp_len);
	*out_len = mc->rsp_len;
	return resp;
}

/*
 * The response, in place if it fits: the core makes the request's buffer
 * large enough for the request and for the caller's response buffer,
 * whichever is longer.
 */
static void *mock_cmd_answer(struct mock_cmd *mc, void *rpc_in, u32 mode,
			     size_t *out_len)
{
	size_t room = max(mc->in_len, *out_len);
	void *resp;

	if (mode == FWCTL_MOCK_RPC_VMALLOC ||
	    mode == FWCTL_MOCK_RPC_KVMALLOC_LARGE)
		return mock_cmd_answer_in(mc, mode, out_len);
	*out_len = mc->rsp_len;
	if (mc->rsp_len <= room) {
		memcpy(rpc_in, mc->buf, mc->rsp_len);
		return rpc_in;
	}
	/* The mailbox buffer becomes the core's, which kvfree()s it */
	resp = mc->buf;
	mc->buf = NULL;
	return resp;
}

/*
 * Break the driver API the way fwctl_mock.h says: true with *@resp set if
 * @mode is one of the RPC misbehaviours, false to behave.
 */
static bool mock_rpc_misbehave(u32 mode, void *rpc_in, size_t in_len,
			       size_t *out_len, void **resp)
{
	switch (mode) {
	case FWCTL_MOCK_RPC_NULL:
		*out_len = in_len;
		*resp = NULL;
		return true;
	case FWCTL_MOCK_RPC_HUGE:
		*out_len = SZ_2M + 1;
		*resp = rpc_in;
		return true;
	case FWCTL_MOCK_RPC_OVERRUN_IN_PLACE:
		*out_len = max(in_len, *out_len) + 24;
		*resp = rpc_in;
		return true;
	case FWCTL_MOCK_RPC_TIMEOUT:
		*resp = ERR_PTR(-ETIMEDOUT);
		return true;
	default:
		return false;
	}
}

/*
 * The benchmark's path (fwctl_mock.N/direct): the firmware runs the command
 * in the caller, on the core's request buffer, with no mailbox round trip,
 * so that what is timed is the core. Returns NULL where the mailbox is
 * needed: an OBJ_CREATE, or a response that does not fit in place.
 */
static void *mock_fw_rpc_direct(struct mock_fwctl *mock, struct mock_uctx *mu,
				void *rpc_in, size_t in_len, size_t *out_len)
{
	struct mock_cmd mc = {
		.mock = mock,
		.mu = mu,
		.buf = rpc_in,
		.in_len = in_len,
	};
	struct fwctl_mock_cmd cmd;

	memcpy(&cmd, rpc_in, sizeof(cmd));
	if (cmd.opcode == FWCTL_MOCK_OP_OBJ_CREATE ||
	    mock_rsp_len(&cmd, in_len) > max(in_len, *out_len))
		return NULL;
	*out_len = mock_fw_exec[cmd.opcode - 1](&mc, &cmd);
	return rpc_in;
}

/*
 * Like a real driver: check the request, post it to the firmware through
 * the mailbox and sleep until the firmware completes it, or a signal comes.
 * The misbehaviour mode is read once.
 */
static void *mock_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			 void *rpc_in, size_t in_len, size_t *out_len)
{
	struct mock_fwctl *mock =
		container_of(uctx->fwctl, struct mock_fwctl, fwctl);
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);
	u32 mode = READ_ONCE(mock->misbehave);
	struct mock_cmd *mc;
	void *resp = NULL;
	int ret;

	if (mock_rpc_misbehave(mode, rpc_in, in_len, out_len, &resp))
		return resp;
	ret = mock_rpc_check(scope, rpc_in, in_len);
	if (ret)
		return ERR_PTR(ret);
	/* A mailbox that does not answer */
	if (mock_should_fail())
		return ERR_PTR(-ETIMEDOUT);
	if (READ_ONCE(mock->direct) && mode == FWCTL_MOCK_BEHAVE) {
		resp = mock_fw_rpc_direct(mock, mu, rpc_in, in_len, out_len);
		if (resp)
			return resp;
	}

	mc = mock_cmd_prepare(mock, mu, rpc_in, in_len);
	if (IS_ERR(mc))
		return mc;
	ret = mock_mbox_post(mock, mc);
	if (ret)
		mock_cmd_unprepare(mc);
	else if (wait_for_completion_interruptible(&mc->done))
		/* Not -ERESTARTSYS: the command must not run twice */
		ret = -EINTR;
	else
		resp = mock_cmd_answer(mc, rpc_in, mode, out_len);
	mock_cmd_put(mc);
	return ret ? ERR_PTR(ret) : resp;
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
	atomic_set(&mu->nr_busy, 0);
	atomic_inc(&mock_nr_uctxs);
	return 0;
}

/*
 * What real firmware needs most from a driver: nothing an FD made outlives
 * it. Commands whose RPC was interrupted may still be in the firmware; the
 * wait for them is bounded, by FWCTL_MOCK_MAX_SLEEP_US for the longest.
 */
static void mock_close_uctx(struct fwctl_uctx *uctx)
{
	struct mock_fwctl *mock =
		container_of(uctx->fwctl, struct mock_fwctl, fwctl);
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);
	struct mock_object *obj;
	unsigned long id;

	wait_event(mock->mbox_wait, !atomic_read(&mu->nr_busy));
	xa_for_each(&mu->objects, id, obj)
		mock_obj_free(mu, obj);
	xa_destroy(&mu->objects);
	atomic_dec(&mock_nr_uctxs);
}

/* The first @len bytes of the device data, @len at least the struct's */
static void mock_info_fill(void *buf, size_t len, struct mock_uctx *mu)
{
	struct fwctl_info_mock *info = buf;
	u8 *caps = buf + sizeof(*info);
	size_t i;

	*info = (struct fwctl_info_mock){
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.uctx_id = mu->id,
		.max_objects = FWCTL_MOCK_MAX_OBJECTS,
	};
	for (i = 0; i < len - sizeof(*info); i++)
		caps[i] = fwctl_mock_info_byte(i);
}

/* The misbehaviour mode is read once */
static void *mock_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct mock_fwctl *mock =
		container_of(uctx->fwctl, struct mock_fwctl, fwctl);
	struct mock_uctx *mu = container_of(uctx, struct mock_uctx, uctx);
	const size_t hdr_len = sizeof(struct fwctl_info_mock);
	u32 mode = READ_ONCE(mock->misbehave);
	void *info;

	switch (mode) {
	case FWCTL_MOCK_INFO_ERROR:
		return ERR_PTR(-EIO);
	case FWCTL_MOCK_INFO_NULL:
		*length = hdr_len;
		return NULL;
	}

	/*
	 * kvmalloc() falls back to vmalloc(), so no single injected fault
	 * fails it: a fault point of the mock's own stands for both failing.
	 */
	if (mock_should_fail())
		return ERR_PTR(-ENOMEM);

	/*
	 * More than a page, so kvmalloc() may fall back to vmalloc(); the
	 * core kvfree()s it, and reports a failure as ENOMEM.
	 */
	if (mode == FWCTL_MOCK_INFO_VMALLOC)
		info = __vmalloc(FWCTL_MOCK_INFO_LEN, GFP_KERNEL | __GFP_NOWARN);
	else
		info = kvmalloc(FWCTL_MOCK_INFO_LEN, GFP_KERNEL | __GFP_NOWARN);
	if (!info)
		return ERR_PTR(-ENOMEM);
	mock_info_fill(info, FWCTL_MOCK_INFO_LEN, mu);
	*length = FWCTL_MOCK_INFO_LEN;
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
	.answers_in_place = true,
};

static int mock_probe(struct platform_device *pdev)
{
	struct mock_fwctl *mock __free(fwctl) =
		fwctl_alloc_device(&pdev->dev, &mock_ops, struct mock_fwctl,
				   fwctl);
	unsigned int i;
	int ret;

	if (!mock)
		return -ENOMEM;
	mutex_init(&mock->mbox_lock);
	init_waitqueue_head(&mock->mbox_wait);
	for (i = 0; i < ARRAY_SIZE(mock->slots); i++) {
		INIT_WORK(&mock->slots[i].work, mock_fw_work);
		mock->slots[i].mock = mock;
	}
	spin_lock_init(&mock->fw_lock);
	if (mock_should_fail())
		return -EIO;

	ret = fwctl_register(&mock->fwctl);
	if (ret)
		return ret;
	mock->debugfs = debugfs_create_dir(dev_name(&pdev->dev),
					   mock_debugfs_dir);
	debugfs_create_u32("misbehave", 0600, mock->debugfs, &mock->misbehave);
	debugfs_create_bool("direct", 0600, mock->debugfs, &mock->direct);
	platform_set_drvdata(pdev, no_free_ptr(mock));
	return 0;
}

/*
 * Once fwctl_unregister() has returned no RPC can post a command, and
 * close_uctx has waited for every command in the mailbox: only the firmware
 * engines may still be on their way out of mock_fw_work().
 */
static void mock_remove(struct platform_device *pdev)
{
	struct mock_fwctl *mock = platform_get_drvdata(pdev);
	unsigned int i;

	debugfs_remove_recursive(mock->debugfs);
	fwctl_unregister(&mock->fwctl);
	for (i = 0; i < ARRAY_SIZE(mock->slots); i++)
		flush_work(&mock->slots[i].work);
	mutex_destroy(&mock->mbox_lock);
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
