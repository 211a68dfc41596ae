// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl fault-injection sweep, run against the fwctl_mock driver.
 *
 * Each test takes one path into fwctl (open, FWCTL_INFO, FWCTL_RPC at every
 * scope, close, device register and unregister) and sweeps every fault
 * injection point on it with /proc/self/task/<tid>/fail-nth, as the iommufd
 * fail_nth test does: the path runs once cleanly, then for n = 1, 2, ... with
 * the nth fault point failing, until the nth point is never reached. The
 * points are those of failslab and of the mock's own fault attribute,
 * fail_fwctl_mock, when it exists.
 *
 * fail-nth is armed right before the one system call under test and disarmed
 * right after it, so nothing else the test does is faulted. After every
 * iteration the mock's object and context counts must be back where they
 * were, and the device must still work: a failed call may fail only with
 * one of the errno values listed for its path, and must leave nothing
 * behind.
 *
 * The CXL tests sweep the three Features commands the same way, on the
 * fwctl device of a cxl_test memdev: every injected failure must give
 * ENOMEM, or an RPC that worked or whose device error came back in retval
 * and changed nothing, and the device must answer right after. They skip
 * without cxl_test, or fail with FWCTL_CXL_REQUIRED=1.
 *
 * The CXL probe sweep binds a memdev's platform device to cxl_mock_mem
 * with each fault point of the driver's probe failing in turn: the probe
 * that reads the Features and registers the fwctl device. A bind that
 * fails must leave nothing; one that works must leave a memdev with either
 * no fwctl device, as a Features or fwctl setup failure is only logged, or
 * one that works. See cxl_probe_nth for the points it leaves out.
 *
 * Each path prints one line, for the documentation to quote:
 *   # fail_nth: path=NAME points=N failed=F errnos=E1,E2
 * points is how many fault points the path has, failed how many of them made
 * the call fail (the others were absorbed by the kernel), errnos the errno
 * values seen, or "none".
 */
#include "fwctl_cxl.h"

/* Instance ids of this program, clear of those of the fwctl program */
#define NTH_FIRST_ID 200
/* Instances added and removed by the add and remove sweeps */
#define NTH_SUB_FIRST_ID 300

/* Far more than any path has; reaching it fails the test */
#define NTH_MAX_ITERATIONS 10000
/* The same for the CXL probe, which takes a bind and an unbind per point */
#define NTH_MAX_PROBE_POINTS 2000

/* Distinct errno values one path may report */
#define NTH_MAX_ERRNOS 16

/* Fault attribute settings changed by the test and restored after it */
#define NTH_MAX_KNOBS 48

/* Objects held by the FD that the close and remove sweeps tear down */
#define NTH_HELD_OBJECTS 3

/* Debug register the DEBUG_WRITE sweep writes */
#define NTH_REG 5

/*
 * Requests and responses stay well below a page: kvmalloc() of more falls
 * back to vmalloc(), whose failure is reported with a stack dump on the
 * console (warn_alloc()), which the test bed counts as a kernel problem.
 * The mock's device data is more than a page, so the info sweep goes
 * through that fallback too; the mock asks for no warning there.
 */
#define NTH_PAYLOAD_LEN 48
#define NTH_LOG_LEN 256
#define NTH_BUF_LEN 512

/* One FWCTL_RPC sweep: a mock command at a scope */
struct rpc_case {
	const char *name;
	__u32 scope;
	__u16 opcode;
	__u64 arg;
	__u32 payload_len;
	/* Length of a successful response */
	__u32 rsp_len;
	/* Length of the response buffer, if not all of nth_state.out */
	__u32 out_len;
};

struct nth_state {
	struct fault_knobs knobs;
	int nth_fd;
	/* The instance of the test and an FD held on it */
	struct mock_inst inst;
	bool inst_live;
	int fd;
	__u64 objects;
	__u64 uctxs;

	/* The sweep in progress, for the failure report */
	const char *path;
	unsigned int n;
	/* The call reached the fault point armed for it */
	bool faulted;
	__u64 iter_objects;
	__u64 iter_uctxs;

	/* Made by prepare() and the call, released by finish() */
	int call_fd;
	int dbg_fd;
	char dbg_buf[32];
	size_t dbg_len;
	struct fwctl_info_mock info;
	const struct rpc_case *rpc;
	__u8 in[NTH_BUF_LEN];
	__u8 out[NTH_BUF_LEN];
	__u32 in_len;
	__u32 out_len;
	__u64 reg_val;
	__u64 new_reg_val;
	/* The start of the firmware memory, and what a POKE writes there */
	__u8 mem[NTH_PAYLOAD_LEN];
	__u8 new_mem[NTH_PAYLOAD_LEN];

	/* The instance of the add and remove sweeps */
	unsigned int sub_id;
	char sub_name[32];
	bool sub_live;
	unsigned int misplaced_nodes;
	unsigned int stale_nodes;

	/* The CXL sweeps: the test feature's value, and what a Set writes */
	__u32 cxl_scope;
	__u32 cxl_val;
	__u32 cxl_new_val;
	/* Set Features that failed with an errno but had been applied */
	unsigned int cxl_applied;

	/* The CXL probe sweep: the platform device it binds, and its memdev */
	char cxl_pdev[32];
	struct cxl_memdev cxl_md;
	/* The names the clean bind gave the memdev and its fwctl device */
	char cxl_memdev_name[32];
	char cxl_fwctl_name[32];
	/* fwctl devices below the other memdevs */
	unsigned int cxl_others;
	/* Binds that worked, and those of them without a fwctl device */
	unsigned int cxl_bound;
	unsigned int cxl_no_fwctl;
};

/* Generic helpers */

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	/* In alphabetical order, the order they are printed in */
	{ EAGAIN, "EAGAIN" },
	{ EBADMSG, "EBADMSG" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EFAULT, "EFAULT" },
	{ EINVAL, "EINVAL" },
	{ EIO, "EIO" },
	{ ENODEV, "ENODEV" },
	{ ENOENT, "ENOENT" },
	{ ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" },
	{ ENXIO, "ENXIO" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EPROTO, "EPROTO" },
	{ ETIMEDOUT, "ETIMEDOUT" },
};

/* Append the names of the errno values in @errs to @buf, comma separated */
static void errno_list(char *buf, size_t len, const int *errs, int nr)
{
	size_t used = 0;
	unsigned int i;
	int j;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		for (j = 0; j < nr; j++)
			if (errs[j] == errno_names[i].err)
				used += snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "",
						 errno_names[i].name);
	for (j = 0; j < nr && used < len; j++) {
		bool named = false;

		for (i = 0; i < ARRAY_SIZE(errno_names); i++)
			named |= errs[j] == errno_names[i].err;
		if (!named)
			used += snprintf(buf + used, len - used, "%sE%d",
					 used ? "," : "", errs[j]);
	}
	if (!used)
		snprintf(buf, len, "none");
}

static bool errno_in(const int *list, int err)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

/* Mock instances */

static void platform_path(char *buf, size_t len, unsigned int id)
{
	snprintf(buf, len, "%s/fwctl_mock.%u", MOCK_PLATFORM_DIR, id);
}

/* The first instance id from @first on that is not in use, or 0 */
static unsigned int free_inst_id(unsigned int first)
{
	char path[PATH_MAX];
	unsigned int id;

	for (id = first; id < first + 1000; id++) {
		platform_path(path, sizeof(path), id);
		if (!path_exists(path))
			return id;
	}
	return 0;
}

/* Open @node and check that the device answers, holding nothing */
static int node_usable(const char *node)
{
	struct fwctl_info_mock info;
	struct fwctl_mock_query query;
	int ret;
	int err;
	int fd;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = _test_cmd_mock_info(fd, &info);
	if (!ret)
		ret = _test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query);
	if (!ret && (info.fw_version != FWCTL_MOCK_FW_VERSION ||
		     !info.uctx_id || query.nr_objects))
		ret = fail_errno(EPROTO);
	err = errno;
	close(fd);
	return ret ? fail_errno(err) : 0;
}

/*
 * Remove the fwctl device nodes no device stands behind any more, and
 * return how many there were. fwctl_devnode() allocates the node's name:
 * when that fails, devtmpfs falls back to /dev/fwctlN when adding the node,
 * and cannot name it when deleting it, so the node stays.
 */
static unsigned int drop_stale_nodes(void)
{
	static const char *const dirs[] = { FWCTL_DEV_DIR, "/dev" };
	char path[PATH_MAX];
	char dev[PATH_MAX];
	unsigned int n = 0;
	struct dirent *de;
	struct stat sb;
	unsigned int i;
	DIR *dir;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		dir = opendir(dirs[i]);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			if (strncmp(de->d_name, "fwctl", 5))
				continue;
			snprintf(dev, sizeof(dev), "%s/%s", dirs[i], de->d_name);
			if (lstat(dev, &sb) || !S_ISCHR(sb.st_mode))
				continue;
			snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR,
				 de->d_name);
			if (!path_exists(path) && !unlink(dev))
				n++;
		}
		closedir(dir);
	}
	return n;
}

/* Remove instance @id cleanly and check that it is gone */
static void sub_remove(struct __test_metadata *_metadata,
		       struct nth_state *st, unsigned int id, const char *name)
{
	char path[PATH_MAX];

	ASSERT_OK(write_u32(MOCK_DEBUGFS "/remove", id));
	st->sub_live = false;
	platform_path(path, sizeof(path), id);
	ASSERT_FALSE(path_exists(path));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, name);
	ASSERT_FALSE(path_exists(path));
	st->stale_nodes += drop_stale_nodes();
}

/* Instance @id can be added, works, and can be removed again */
static void sub_readd(struct __test_metadata *_metadata, struct nth_state *st,
		      unsigned int id)
{
	struct mock_inst inst;

	ASSERT_OK(mock_inst_add(&inst, id));
	st->sub_live = true;
	ASSERT_EQ(id, inst.id);
	ASSERT_OK(node_usable(inst.node));
	sub_remove(_metadata, st, id, inst.name);
}

/* The sweep */

struct nth_path {
	/* Errno values a failed call may return, 0 terminated */
	const int *errnos;
	/* Set up what the call needs, without fault injection */
	void (*prepare)(struct __test_metadata *_metadata,
			struct nth_state *st);
	/* The one system call under test: 0, or -1 and errno */
	int (*call)(struct nth_state *st);
	/* Check the result and release what prepare() and the call made */
	void (*finish)(struct __test_metadata *_metadata, struct nth_state *st,
		       int ret, int err);
	/*
	 * Check that nothing leaked and the device still works; if NULL,
	 * check_clean() with the mock's counts
	 */
	void (*check)(struct __test_metadata *_metadata, struct nth_state *st);
	/* Most points the path may have; if 0, NTH_MAX_ITERATIONS */
	unsigned int max;
};

/* Nothing leaked, and the test's instance still works */
static void check_clean(struct __test_metadata *_metadata,
			struct nth_state *st)
{
	struct fwctl_mock_query query;
	__u64 val = ULLONG_MAX;

	ASSERT_OK(mock_counter("objects", &val));
	ASSERT_EQ(st->iter_objects, val);
	ASSERT_OK(mock_counter("uctxs", &val));
	ASSERT_EQ(st->iter_uctxs, val);
	ASSERT_OK(_test_cmd_query(st->fd, FWCTL_RPC_CONFIGURATION, &query));
	ASSERT_EQ(0, query.nr_objects);
	ASSERT_OK(node_usable(st->inst.node));
	st->stale_nodes += drop_stale_nodes();
}

static void sweep(struct __test_metadata *_metadata, struct nth_state *st,
		  const char *name, const struct nth_path *path)
{
	int errs[NTH_MAX_ERRNOS];
	unsigned int failed = 0;
	unsigned int left = 0;
	char list[256];
	int nr_errs = 0;
	unsigned int n;
	int ret;
	int err;

	st->path = name;
	for (n = 0;; n++) {
		ASSERT_GT(path->max ?: NTH_MAX_ITERATIONS, n);
		st->n = n;
		if (!path->check) {
			ASSERT_OK(mock_counter("objects", &st->iter_objects));
			ASSERT_OK(mock_counter("uctxs", &st->iter_uctxs));
		}
		path->prepare(_metadata, st);

		if (n)
			ASSERT_OK(nth_arm(st->nth_fd, n));
		ret = path->call(st);
		err = ret ? errno : 0;
		if (n)
			ASSERT_OK(nth_disarm(st->nth_fd, &left));

		/* Without an injected fault the call must succeed */
		if (!n || left) {
			ASSERT_EQ(0, ret)
				TH_LOG("%s, fail-nth %u: %s with no fault injected",
				       name, n, strerror(err));
		}
		if (ret) {
			int i;

			failed++;
			for (i = 0; i < nr_errs && errs[i] != err; i++)
				;
			if (i == nr_errs && nr_errs < NTH_MAX_ERRNOS)
				errs[nr_errs++] = err;
			EXPECT_TRUE(errno_in(path->errnos, err))
				TH_LOG("%s, fail-nth %u: unexpected errno %d (%s)",
				       name, n, err, strerror(err));
		}
		st->faulted = n && !left;
		path->finish(_metadata, st, ret, err);
		if (path->check)
			path->check(_metadata, st);
		else
			check_clean(_metadata, st);
		if (n && left)
			break;
	}

	errno_list(list, sizeof(list), errs, nr_errs);
	ksft_print_msg("fail_nth: path=%s points=%u failed=%u errnos=%s\n",
		       name, n - 1, failed, list);
	fflush(stdout);
	st->path = NULL;
}

/* What every fixture of this file sets up and tears down */

/* Nothing open yet, for the teardown */
static void nth_state_init(struct nth_state *st)
{
	st->nth_fd = -1;
	st->fd = -1;
	st->call_fd = -1;
	st->dbg_fd = -1;
}

/*
 * Why the sweeps cannot run, or NULL if they can: they need root, fail-nth,
 * debugfs and failslab, and with @mock the fwctl_mock driver. The reason
 * is a constant or is written into @buf.
 */
static const char *nth_skip_reason(char *buf, size_t len, bool mock)
{
	char path[64];

	if (geteuid())
		return "the fwctl selftests must run as root";
	nth_path(path, sizeof(path));
	if (!path_exists(path)) {
		snprintf(buf, len,
			 "%s does not exist: the kernel has no fault injection (CONFIG_FAULT_INJECTION)",
			 path);
		return buf;
	}
	if (mock ? !mock_available(buf, len) : !debugfs_available(buf, len))
		return buf;
	if (!path_exists(DEBUGFS_ROOT "/failslab")) {
		snprintf(buf, len,
			 "%s/failslab does not exist: the kernel lacks CONFIG_FAILSLAB or CONFIG_FAULT_INJECTION_DEBUG_FS",
			 DEBUGFS_ROOT);
		return buf;
	}
	return NULL;
}

/*
 * Last in a setup: open this thread's fail-nth and change the fault
 * settings, so that a setup failure leaves the settings alone.
 */
static void nth_setup_last(struct __test_metadata *_metadata,
			   struct nth_state *st)
{
	st->nth_fd = nth_open();
	ASSERT_LE(0, st->nth_fd);
	ASSERT_OK(knobs_setup(&st->knobs, NTH_MAX_KNOBS, true));
}

/*
 * First in a teardown: disarm fail-nth, put the fault settings back, say
 * where a sweep failed, and close what its last step left open.
 */
static void nth_teardown(struct __test_metadata *_metadata,
			 struct nth_state *st)
{
	unsigned int left;

	if (st->nth_fd >= 0) {
		nth_disarm(st->nth_fd, &left);
		close(st->nth_fd);
	}
	EXPECT_EQ(0, knobs_restore(&st->knobs));
	if (st->path)
		TH_LOG("failed while sweeping %s, at fail-nth %u", st->path,
		       st->n);
	if (st->call_fd >= 0)
		close(st->call_fd);
	if (st->dbg_fd >= 0)
		close(st->dbg_fd);
}

static const int errnos_none[] = { 0 };
static const int errnos_nomem[] = { ENOMEM, 0 };
/*
 * The mock fails an add whose probe failed with ENODEV. EINVAL comes from
 * the driver core: platform_device_add() ignores a failure to allocate the
 * device's name, and device_add() then refuses a device without one.
 */
static const int errnos_add[] = { ENOMEM, ENODEV, EINVAL, 0 };
/* The mock fails creating an FD's context with EIO */
static const int errnos_open[] = { ENOMEM, EIO, 0 };
/* The mock fails a command with ETIMEDOUT, as on a mailbox timeout */
static const int errnos_rpc[] = { ENOMEM, ETIMEDOUT, 0 };

FIXTURE(fail_nth)
{
	struct nth_state st;
};

FIXTURE_SETUP(fail_nth)
{
	struct nth_state *st = &self->st;
	const char *why;
	char buf[256];

	nth_state_init(st);
	why = nth_skip_reason(buf, sizeof(buf), true);
	if (why)
		SKIP(return, "%s", why);

	ASSERT_OK(mock_counter("objects", &st->objects));
	ASSERT_OK(mock_counter("uctxs", &st->uctxs));
	ASSERT_OK(mock_inst_add(&st->inst, NTH_FIRST_ID));
	st->inst_live = true;
	st->fd = open(st->inst.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, st->fd);
	nth_setup_last(_metadata, st);
}

FIXTURE_TEARDOWN(fail_nth)
{
	struct nth_state *st = &self->st;
	__u64 val = ULLONG_MAX;

	nth_teardown(_metadata, st);
	if (st->sub_live)
		write_u32(MOCK_DEBUGFS "/remove", st->sub_id);
	if (st->fd >= 0)
		EXPECT_OK(close(st->fd));
	if (st->inst_live)
		EXPECT_OK(mock_inst_remove(&st->inst));
	EXPECT_OK(mock_counter("objects", &val));
	EXPECT_EQ(st->objects, val);
	EXPECT_OK(mock_counter("uctxs", &val));
	EXPECT_EQ(st->uctxs, val);
}

/* open() of the device node */

static void open_prepare(struct __test_metadata *_metadata,
			 struct nth_state *st)
{
}

static int open_call(struct nth_state *st)
{
	st->call_fd = open(st->inst.node, O_RDWR | O_CLOEXEC);
	return st->call_fd < 0 ? -1 : 0;
}

static void open_finish(struct __test_metadata *_metadata,
			struct nth_state *st, int ret, int err)
{
	struct fwctl_info_mock info;

	if (ret) {
		st->call_fd = -1;
		return;
	}
	ASSERT_OK(_test_cmd_mock_info(st->call_fd, &info));
	ASSERT_NE(0, info.uctx_id);
	ASSERT_OK(close(st->call_fd));
	st->call_fd = -1;
}

static const struct nth_path open_path = {
	.errnos = errnos_open,
	.prepare = open_prepare,
	.call = open_call,
	.finish = open_finish,
};

TEST_F_TIMEOUT(fail_nth, open, 120)
{
	sweep(_metadata, &self->st, "open", &open_path);
}

/* FWCTL_INFO with device data */

static void info_prepare(struct __test_metadata *_metadata,
			 struct nth_state *st)
{
	memset(&st->info, 0xa5, sizeof(st->info));
}

static int info_call(struct nth_state *st)
{
	return _test_cmd_mock_info(st->fd, &st->info);
}

static void info_finish(struct __test_metadata *_metadata,
			struct nth_state *st, int ret, int err)
{
	if (ret)
		return;
	ASSERT_EQ(FWCTL_MOCK_FW_VERSION, st->info.fw_version);
	ASSERT_NE(0, st->info.uctx_id);
	ASSERT_EQ(FWCTL_MOCK_MAX_OBJECTS, st->info.max_objects);
	ASSERT_EQ(0, st->info.__reserved);
}

static const struct nth_path info_path = {
	.errnos = errnos_nomem,
	.prepare = info_prepare,
	.call = info_call,
	.finish = info_finish,
};

TEST_F_TIMEOUT(fail_nth, info, 120)
{
	sweep(_metadata, &self->st, "info", &info_path);
}

/* FWCTL_RPC */

static void rpc_prepare(struct __test_metadata *_metadata,
			struct nth_state *st)
{
	const struct rpc_case *rpc = st->rpc;
	__u8 payload[NTH_PAYLOAD_LEN];
	unsigned int i;

	ASSERT_GE(sizeof(payload), rpc->payload_len);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i * 7 + st->n;
	if (rpc->opcode == FWCTL_MOCK_OP_WRITE_REG) {
		st->new_reg_val = 0x6e74680000000000ULL | st->n;
		memcpy(payload, &st->new_reg_val, sizeof(st->new_reg_val));
	}
	if (rpc->opcode == FWCTL_MOCK_OP_POKE)
		memcpy(st->new_mem, payload, sizeof(st->new_mem));
	if (rpc->opcode == FWCTL_MOCK_OP_PEEK) {
		/* Bytes of this iteration's own for the PEEK to read back */
		test_cmd_poke(st->fd, 0, payload, sizeof(st->mem));
		memcpy(st->mem, payload, sizeof(st->mem));
	}
	memset(st->in, 0, sizeof(st->in));
	st->in_len = mock_build(st->in, rpc->opcode, rpc->arg, payload,
				rpc->payload_len);
	memset(st->out, 0xa5, sizeof(st->out));
	st->out_len = rpc->out_len ? rpc->out_len : sizeof(st->out);
}

static int rpc_call(struct nth_state *st)
{
	return _test_cmd_rpc(st->fd, st->rpc->scope, st->in, st->in_len,
			     st->out, &st->out_len);
}

static __u64 read_reg(struct __test_metadata *_metadata, struct nth_state *st)
{
	__u64 val = 0;

	test_cmd_read_reg(st->fd, NTH_REG, &val);
	return val;
}

/* The start of the firmware memory, which the POKE and PEEK sweeps use */
static void read_mem(struct __test_metadata *_metadata, struct nth_state *st,
		     __u8 *mem)
{
	test_cmd_peek(st->fd, 0, NTH_PAYLOAD_LEN, mem);
}

/* A failed WRITE_REG or POKE: not delivered after a failed allocation */
static void rpc_no_effect(struct __test_metadata *_metadata,
			  struct nth_state *st, int err)
{
	__u8 mem[NTH_PAYLOAD_LEN];
	__u64 val;

	switch (st->rpc->opcode) {
	case FWCTL_MOCK_OP_WRITE_REG:
		val = read_reg(_metadata, st);
		if (err != ENOMEM && val == st->new_reg_val)
			st->reg_val = val;
		ASSERT_EQ(st->reg_val, val);
		break;
	case FWCTL_MOCK_OP_POKE:
		read_mem(_metadata, st, mem);
		if (err != ENOMEM && !memcmp(mem, st->new_mem, sizeof(mem)))
			memcpy(st->mem, mem, sizeof(mem));
		ASSERT_EQ(0, memcmp(st->mem, mem, sizeof(mem)));
		break;
	}
}

static void rpc_finish(struct __test_metadata *_metadata,
		       struct nth_state *st, int ret, int err)
{
	const struct fwctl_mock_rsp *rsp = (void *)st->out;
	const struct rpc_case *rpc = st->rpc;
	const struct fwctl_mock_query *query;
	__u8 mem[NTH_PAYLOAD_LEN];
	__u32 i, copied;

	if (ret) {
		rpc_no_effect(_metadata, st, err);
		return;
	}

	ASSERT_EQ(rpc->rsp_len, st->out_len);
	/* Up to the buffer's length, and not a byte further */
	copied = rpc->out_len && rpc->out_len < rpc->rsp_len ? rpc->out_len :
							       rpc->rsp_len;
	ASSERT_TRUE(all_bytes(st->out + copied, 0xa5,
			      sizeof(st->out) - copied));
	if (rpc->opcode == FWCTL_MOCK_OP_ECHO) {
		ASSERT_EQ(0, memcmp(st->in, st->out, st->in_len));
		return;
	}
	ASSERT_EQ(rpc->opcode, rsp->opcode);
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp->status);
	ASSERT_EQ(rpc->rsp_len - MOCK_RSP_LEN, rsp->len);

	switch (rpc->opcode) {
	case FWCTL_MOCK_OP_QUERY:
		query = (const void *)(rsp + 1);
		ASSERT_EQ(FWCTL_MOCK_FW_VERSION, query->fw_version);
		ASSERT_EQ(0, query->nr_objects);
		ASSERT_EQ(FWCTL_MOCK_NUM_REGS, query->nr_regs);
		ASSERT_EQ(FWCTL_MOCK_MEM_SIZE, query->mem_size);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		for (i = 0; i < copied - MOCK_RSP_LEN; i++)
			ASSERT_EQ(fwctl_mock_log_byte(i),
				  ((const __u8 *)(rsp + 1))[i]);
		break;
	case FWCTL_MOCK_OP_PEEK:
		ASSERT_EQ(0, memcmp(st->mem, rsp + 1, sizeof(st->mem)));
		break;
	case FWCTL_MOCK_OP_WRITE_REG:
		ASSERT_EQ(st->reg_val, rsp->value);
		st->reg_val = st->new_reg_val;
		ASSERT_EQ(st->reg_val, read_reg(_metadata, st));
		break;
	case FWCTL_MOCK_OP_POKE:
		ASSERT_EQ(rpc->payload_len, rsp->value);
		/* The bytes arrived */
		read_mem(_metadata, st, mem);
		ASSERT_EQ(0, memcmp(st->new_mem, mem, sizeof(mem)));
		memcpy(st->mem, mem, sizeof(mem));
		break;
	case FWCTL_MOCK_OP_OBJ_CREATE:
		ASSERT_NE(0, rsp->value);
		test_cmd_obj_destroy(st->fd, rsp->value);
		break;
	}
}

static const struct nth_path rpc_path = {
	.errnos = errnos_rpc,
	.prepare = rpc_prepare,
	.call = rpc_call,
	.finish = rpc_finish,
};

static void sweep_rpc(struct __test_metadata *_metadata, struct nth_state *st,
		      const struct rpc_case *rpc)
{
	st->rpc = rpc;
	if (rpc->opcode == FWCTL_MOCK_OP_WRITE_REG)
		st->reg_val = read_reg(_metadata, st);
	if (rpc->opcode == FWCTL_MOCK_OP_POKE)
		read_mem(_metadata, st, st->mem);
	sweep(_metadata, st, rpc->name, &rpc_path);
}

static const struct rpc_case rpc_config_query = {
	.name = "rpc_config_query",
	.scope = FWCTL_RPC_CONFIGURATION,
	.opcode = FWCTL_MOCK_OP_QUERY,
	.rsp_len = sizeof(struct mock_query_rsp),
};

TEST_F_TIMEOUT(fail_nth, rpc_config_query, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_config_query);
}

static const struct rpc_case rpc_config_echo = {
	.name = "rpc_config_echo",
	.scope = FWCTL_RPC_CONFIGURATION,
	.opcode = FWCTL_MOCK_OP_ECHO,
	.arg = NTH_PAYLOAD_LEN,
	.payload_len = NTH_PAYLOAD_LEN,
	.rsp_len = MOCK_HDR_LEN + NTH_PAYLOAD_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_config_echo, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_config_echo);
}

static const struct rpc_case rpc_debug_read_only = {
	.name = "rpc_debug_read_only",
	.scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.opcode = FWCTL_MOCK_OP_READ_LOG,
	.arg = NTH_LOG_LEN,
	.rsp_len = MOCK_RSP_LEN + NTH_LOG_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_debug_read_only, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_debug_read_only);
}

/* A response longer than the caller's buffer: the driver's own buffer */
static const struct rpc_case rpc_debug_read_only_long = {
	.name = "rpc_debug_read_only_long",
	.scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.opcode = FWCTL_MOCK_OP_READ_LOG,
	.arg = NTH_LOG_LEN,
	.rsp_len = MOCK_RSP_LEN + NTH_LOG_LEN,
	.out_len = MOCK_RSP_LEN + 32,
};

TEST_F_TIMEOUT(fail_nth, rpc_debug_read_only_long, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_debug_read_only_long);
}

/* Reading back the firmware memory */
static const struct rpc_case rpc_debug_read_only_peek = {
	.name = "rpc_debug_read_only_peek",
	.scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.opcode = FWCTL_MOCK_OP_PEEK,
	.arg = FWCTL_MOCK_PEEK_ARG(0, NTH_PAYLOAD_LEN),
	.rsp_len = MOCK_RSP_LEN + NTH_PAYLOAD_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_debug_read_only_peek, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_debug_read_only_peek);
}

static const struct rpc_case rpc_debug_write = {
	.name = "rpc_debug_write",
	.scope = FWCTL_RPC_DEBUG_WRITE,
	.opcode = FWCTL_MOCK_OP_WRITE_REG,
	.arg = NTH_REG,
	.payload_len = sizeof(__u64),
	.rsp_len = MOCK_RSP_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_debug_write, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_debug_write);
}

static const struct rpc_case rpc_debug_write_full = {
	.name = "rpc_debug_write_full",
	.scope = FWCTL_RPC_DEBUG_WRITE_FULL,
	.opcode = FWCTL_MOCK_OP_POKE,
	.arg = 0,
	.payload_len = NTH_PAYLOAD_LEN,
	.rsp_len = MOCK_RSP_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_debug_write_full, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_debug_write_full);
}

static const struct rpc_case rpc_obj_create = {
	.name = "rpc_obj_create",
	.scope = FWCTL_RPC_CONFIGURATION,
	.opcode = FWCTL_MOCK_OP_OBJ_CREATE,
	.arg = 0x6e7468,
	.rsp_len = MOCK_RSP_LEN,
};

TEST_F_TIMEOUT(fail_nth, rpc_obj_create, 120)
{
	sweep_rpc(_metadata, &self->st, &rpc_obj_create);
}

/* close() of an FD holding firmware objects: close_uctx frees them */

static void close_prepare(struct __test_metadata *_metadata,
			  struct nth_state *st)
{
	__u64 val = 0;
	__u64 id;
	int i;

	st->call_fd = open(st->inst.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, st->call_fd);
	for (i = 0; i < NTH_HELD_OBJECTS; i++)
		test_cmd_obj_create(st->call_fd, i, &id);
	ASSERT_OK(mock_counter("objects", &val));
	ASSERT_EQ(st->iter_objects + NTH_HELD_OBJECTS, val);
}

static int close_call(struct nth_state *st)
{
	return close(st->call_fd);
}

static void close_finish(struct __test_metadata *_metadata,
			 struct nth_state *st, int ret, int err)
{
	/* Closed even if close() failed */
	st->call_fd = -1;
}

static const struct nth_path close_path = {
	.errnos = errnos_none,
	.prepare = close_prepare,
	.call = close_call,
	.finish = close_finish,
};

TEST_F_TIMEOUT(fail_nth, close, 120)
{
	sweep(_metadata, &self->st, "close", &close_path);
}

/* Device register: write to the mock's debugfs "add" */

static void dbg_prepare(struct __test_metadata *_metadata,
			struct nth_state *st, const char *file)
{
	st->dbg_fd = open(file, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, st->dbg_fd);
	st->dbg_len = snprintf(st->dbg_buf, sizeof(st->dbg_buf), "%u\n",
			       st->sub_id);
}

static int dbg_call(struct nth_state *st)
{
	ssize_t n;

	n = write(st->dbg_fd, st->dbg_buf, st->dbg_len);
	if (n < 0)
		return -1;
	return (size_t)n == st->dbg_len ? 0 : fail_errno(EIO);
}

static void add_prepare(struct __test_metadata *_metadata,
			struct nth_state *st)
{
	st->sub_id = free_inst_id(NTH_SUB_FIRST_ID);
	ASSERT_NE(0, st->sub_id);
	dbg_prepare(_metadata, st, MOCK_DEBUGFS "/add");
}

static void add_finish(struct __test_metadata *_metadata,
		       struct nth_state *st, int ret, int err)
{
	char path[PATH_MAX];
	char node[PATH_MAX];
	char name[32];

	ASSERT_OK(close(st->dbg_fd));
	st->dbg_fd = -1;
	platform_path(path, sizeof(path), st->sub_id);
	if (ret) {
		/* A failed add leaves nothing behind */
		ASSERT_FALSE(path_exists(path));
	} else {
		/* The instance and its fwctl device, which works */
		st->sub_live = true;
		ASSERT_TRUE(path_exists(path));
		ASSERT_OK(mock_inst_find(st->sub_id, name, sizeof(name)));
		snprintf(node, sizeof(node), "%s/%s", FWCTL_DEV_DIR, name);
		if (!path_exists(node)) {
			snprintf(node, sizeof(node), "/dev/%s", name);
			ASSERT_TRUE(path_exists(node))
				TH_LOG("%s has no device node", name);
			st->misplaced_nodes++;
		}
		ASSERT_OK(node_usable(node));
		sub_remove(_metadata, st, st->sub_id, name);
	}
	st->stale_nodes += drop_stale_nodes();
	sub_readd(_metadata, st, st->sub_id);
}

static const struct nth_path add_path = {
	.errnos = errnos_add,
	.prepare = add_prepare,
	.call = dbg_call,
	.finish = add_finish,
};

TEST_F_TIMEOUT(fail_nth, add, 240)
{
	struct nth_state *st = &self->st;

	sweep(_metadata, st, "add", &add_path);
	ksft_print_msg("fail_nth: path=add misplaced_nodes=%u stale_nodes=%u\n",
		       st->misplaced_nodes, st->stale_nodes);
}

/*
 * Device unregister: write to the mock's debugfs "remove" while an FD holds
 * firmware objects, which the unregister has to free.
 */

static void remove_prepare(struct __test_metadata *_metadata,
			   struct nth_state *st)
{
	struct mock_inst inst;
	__u64 id;
	int i;

	ASSERT_OK(mock_inst_add(&inst, NTH_SUB_FIRST_ID));
	st->sub_id = inst.id;
	st->sub_live = true;
	memcpy(st->sub_name, inst.name, sizeof(st->sub_name));
	st->call_fd = open(inst.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, st->call_fd);
	for (i = 0; i < NTH_HELD_OBJECTS; i++)
		test_cmd_obj_create(st->call_fd, i, &id);
	dbg_prepare(_metadata, st, MOCK_DEBUGFS "/remove");
}

static void remove_finish(struct __test_metadata *_metadata,
			  struct nth_state *st, int ret, int err)
{
	struct fwctl_mock_query query;
	char path[PATH_MAX];
	__u64 val = 0;

	ASSERT_OK(close(st->dbg_fd));
	st->dbg_fd = -1;
	platform_path(path, sizeof(path), st->sub_id);
	if (ret) {
		/* Still there, and the FD still holds its objects */
		ASSERT_TRUE(path_exists(path));
		ASSERT_OK(_test_cmd_query(st->call_fd, FWCTL_RPC_CONFIGURATION,
					  &query));
		ASSERT_EQ(NTH_HELD_OBJECTS, query.nr_objects);
		ASSERT_OK(close(st->call_fd));
		st->call_fd = -1;
		sub_remove(_metadata, st, st->sub_id, st->sub_name);
	} else {
		st->sub_live = false;
		ASSERT_FALSE(path_exists(path));
		snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR,
			 st->sub_name);
		ASSERT_FALSE(path_exists(path));
		st->stale_nodes += drop_stale_nodes();
		/* The open FD is an orphan, and its objects are gone */
		ASSERT_ERRNO(ENODEV, _test_cmd_query(st->call_fd,
						     FWCTL_RPC_CONFIGURATION,
						     &query));
		ASSERT_OK(mock_counter("objects", &val));
		ASSERT_EQ(st->iter_objects, val);
		ASSERT_OK(mock_counter("uctxs", &val));
		ASSERT_EQ(st->iter_uctxs, val);
		ASSERT_OK(close(st->call_fd));
		st->call_fd = -1;
	}
	sub_readd(_metadata, st, st->sub_id);
}

static const struct nth_path remove_path = {
	.errnos = errnos_nomem,
	.prepare = remove_prepare,
	.call = dbg_call,
	.finish = remove_finish,
};

TEST_F_TIMEOUT(fail_nth, remove, 240)
{
	struct nth_state *st = &self->st;

	sweep(_metadata, st, "remove", &remove_path);
	ksft_print_msg("fail_nth: path=remove stale_nodes=%u\n",
		       st->stale_nodes);
}

/*
 * The CXL Features commands, on the fwctl device of a cxl_test memdev.
 * Requests and replies are small: st->in and st->out hold them.
 */

FIXTURE(cxl_fail_nth)
{
	struct nth_state st;
	struct cxl_memdevs cxl;
};

FIXTURE_SETUP(cxl_fail_nth)
{
	struct nth_state *st = &self->st;
	struct cxl_memdev *md;
	const char *why;
	char buf[256];

	nth_state_init(st);
	why = nth_skip_reason(buf, sizeof(buf), false);
	if (why)
		SKIP(return, "%s", why);
	why = cxl_open_first(_metadata, &self->cxl, &md, &st->fd);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_OK(_cxl_check_default(st->fd, &st->cxl_val));
	nth_setup_last(_metadata, st);
}

FIXTURE_TEARDOWN(cxl_fail_nth)
{
	struct nth_state *st = &self->st;

	nth_teardown(_metadata, st);
	if (st->fd < 0)
		return;
	/* The value of the probe, for the programs after this one */
	EXPECT_OK(_cxl_write_u32(st->fd, FWCTL_RPC_DEBUG_WRITE,
				 cxl_test_feat_uuid, CXL_TEST_FEAT_PROBE_VAL));
	EXPECT_OK(close(st->fd));
}

static int cxl_call(struct nth_state *st)
{
	return _test_cmd_rpc(st->fd, st->cxl_scope, st->in, st->in_len,
			     st->out, &st->out_len);
}

/* The reply header, from st->out */
static struct fwctl_rpc_cxl_out_hdr cxl_out_hdr(const struct nth_state *st)
{
	struct fwctl_rpc_cxl_out_hdr hdr;

	memcpy(&hdr, st->out, sizeof(hdr));
	return hdr;
}

/* After every call: the device lists its feature and reads the value */
static void cxl_check(struct __test_metadata *_metadata, struct nth_state *st)
{
	__u32 val = 0;

	ASSERT_OK(_cxl_check_default(st->fd, &val));
	ASSERT_EQ(st->cxl_val, val);
}

/* Lay out the request in st->in and fill st->out; @out_len to pass */
static void cxl_prepare(struct __test_metadata *_metadata,
			struct nth_state *st, __u32 opcode,
			const void *payload, __u32 op_size, __u32 out_len)
{
	st->in_len = cxl_req_build(st->in, sizeof(st->in), opcode, op_size,
				   payload, op_size);
	ASSERT_NE(0, st->in_len);
	memset(st->out, CXL_PATTERN, sizeof(st->out));
	ASSERT_GE(sizeof(st->out), out_len);
	st->out_len = out_len;
}

/* Get Supported Features, served from the kernel's copy of the list */

static void cxl_sup_prepare(struct __test_metadata *_metadata,
			    struct nth_state *st)
{
	struct cxl_mbox_get_sup_feats_in in = {
		.count = htole32(CXL_ENTRY_LEN),
	};

	st->cxl_scope = FWCTL_RPC_CONFIGURATION;
	cxl_prepare(_metadata, st, CXL_OP_GET_SUPPORTED_FEATURES, &in,
		    sizeof(in), CXL_SUP_OUT_LEN(1));
}

static void cxl_sup_finish(struct __test_metadata *_metadata,
			   struct nth_state *st, int ret, int err)
{
	struct fwctl_rpc_cxl_out_hdr hdr = cxl_out_hdr(st);
	struct cxl_mbox_get_sup_feats_out_hdr sup;
	struct cxl_feat_entry ent;

	if (ret)
		return;
	/* No device behind it: a reply is a whole one */
	ASSERT_EQ(CXL_SUP_OUT_LEN(1), st->out_len);
	ASSERT_EQ(CXL_SUP_HDR_LEN + CXL_ENTRY_LEN, hdr.size);
	ASSERT_EQ(CXL_RC_SUCCESS, hdr.retval);
	memcpy(&sup, st->out + CXL_RSP_HDR_LEN, sizeof(sup));
	ASSERT_EQ(1, le16toh(sup.num_entries));
	ASSERT_EQ(1, le16toh(sup.supported_feats));
	memcpy(&ent, st->out + CXL_RSP_HDR_LEN + CXL_SUP_HDR_LEN,
	       sizeof(ent));
	ASSERT_TRUE(cxl_is_test_feat(&ent));
	ASSERT_TRUE(all_bytes(st->out + CXL_SUP_OUT_LEN(1), CXL_PATTERN,
			      sizeof(st->out) - CXL_SUP_OUT_LEN(1)));
}

static const struct nth_path cxl_sup_path = {
	.errnos = errnos_nomem,
	.prepare = cxl_sup_prepare,
	.call = cxl_call,
	.finish = cxl_sup_finish,
	.check = cxl_check,
};

TEST_F_TIMEOUT(cxl_fail_nth, get_supported, 120)
{
	sweep(_metadata, &self->st, "cxl_get_supported", &cxl_sup_path);
}

/* Get Feature of the test feature, through the mailbox */

static void cxl_get_prepare(struct __test_metadata *_metadata,
			    struct nth_state *st)
{
	struct cxl_mbox_get_feat_in in = { .count = htole16(4) };

	memcpy(in.uuid, cxl_test_feat_uuid, sizeof(in.uuid));
	st->cxl_scope = FWCTL_RPC_CONFIGURATION;
	cxl_prepare(_metadata, st, CXL_OP_GET_FEATURE, &in, sizeof(in),
		    CXL_GET_OUT_LEN(4));
}

static void cxl_get_finish(struct __test_metadata *_metadata,
			   struct nth_state *st, int ret, int err)
{
	struct fwctl_rpc_cxl_out_hdr hdr = cxl_out_hdr(st);
	__le32 val;

	if (ret)
		return;
	if (hdr.retval != CXL_RC_SUCCESS) {
		/* A mailbox command that failed, only with a fault */
		ASSERT_TRUE(st->faulted)
			TH_LOG("retval %u with no fault injected", hdr.retval);
		ASSERT_EQ(CXL_GET_OUT_LEN(0), st->out_len);
		ASSERT_EQ(0, hdr.size);
	} else {
		ASSERT_EQ(CXL_GET_OUT_LEN(4), st->out_len);
		ASSERT_EQ(4, hdr.size);
		memcpy(&val, st->out + CXL_RSP_HDR_LEN, sizeof(val));
		ASSERT_EQ(st->cxl_val, le32toh(val));
	}
	ASSERT_TRUE(all_bytes(st->out + st->out_len, CXL_PATTERN,
			      sizeof(st->out) - st->out_len));
}

static const struct nth_path cxl_get_path = {
	.errnos = errnos_nomem,
	.prepare = cxl_get_prepare,
	.call = cxl_call,
	.finish = cxl_get_finish,
	.check = cxl_check,
};

TEST_F_TIMEOUT(cxl_fail_nth, get_feature, 120)
{
	sweep(_metadata, &self->st, "cxl_get_feature", &cxl_get_path);
}

/* Set Feature of the test feature at DEBUG_WRITE, a new value each time */

static void cxl_set_prepare(struct __test_metadata *_metadata,
			    struct nth_state *st)
{
	__u8 in[CXL_SET_FEAT_HDR_LEN + sizeof(__le32)] = {};
	__le32 data;

	st->cxl_new_val = 0x6e740000 | st->n;
	data = htole32(st->cxl_new_val);
	memcpy(in, cxl_test_feat_uuid, sizeof(cxl_test_feat_uuid));
	memcpy(in + CXL_SET_FEAT_HDR_LEN, &data, sizeof(data));
	st->cxl_scope = FWCTL_RPC_DEBUG_WRITE;
	cxl_prepare(_metadata, st, CXL_OP_SET_FEATURE, in, sizeof(in),
		    CXL_GET_OUT_LEN(4));
}

static void cxl_set_finish(struct __test_metadata *_metadata,
			   struct nth_state *st, int ret, int err)
{
	struct fwctl_rpc_cxl_out_hdr hdr = cxl_out_hdr(st);
	__u32 val = 0;

	ASSERT_OK(_cxl_read_u32(st->fd, cxl_test_feat_uuid, &val));
	if (ret) {
		/* Not applied, or the failure came after the device took it */
		if (val == st->cxl_new_val && val != st->cxl_val) {
			st->cxl_applied++;
			st->cxl_val = val;
		}
		ASSERT_EQ(st->cxl_val, val);
		return;
	}
	ASSERT_EQ(CXL_SET_OUT_LEN, st->out_len);
	ASSERT_EQ(0, hdr.size);
	ASSERT_TRUE(all_bytes(st->out + CXL_SET_OUT_LEN, CXL_PATTERN,
			      sizeof(st->out) - CXL_SET_OUT_LEN));
	if (hdr.retval != CXL_RC_SUCCESS) {
		/* Never sent, or refused: nothing changed */
		ASSERT_TRUE(st->faulted)
			TH_LOG("retval %u with no fault injected", hdr.retval);
		ASSERT_EQ(st->cxl_val, val);
		return;
	}
	ASSERT_EQ(st->cxl_new_val, val);
	st->cxl_val = val;
}

static const struct nth_path cxl_set_path = {
	.errnos = errnos_nomem,
	.prepare = cxl_set_prepare,
	.call = cxl_call,
	.finish = cxl_set_finish,
	.check = cxl_check,
};

TEST_F_TIMEOUT(cxl_fail_nth, set_feature, 120)
{
	struct nth_state *st = &self->st;

	sweep(_metadata, st, "cxl_set_feature", &cxl_set_path);
	ksft_print_msg("fail_nth: path=cxl_set_feature applied_before_errno=%u\n",
		       st->cxl_applied);
}

/*
 * The probe of a cxl_test memdev: a write of "cxl_mem.K" to cxl_mock_mem's
 * bind file runs the driver's probe in the writing thread, so the test's
 * fail-nth reaches its fault points. The probe reads the Features
 * (devm_cxl_setup_features()) before it adds the memdev, and registers the
 * fwctl device (devm_cxl_setup_fwctl()) after; a failure of either is only
 * logged, and the bind still works.
 *
 * Only the fault points reached from cxl_mock_mem_probe() count, through
 * the fault attributes' stack filter (CONFIG_FAULT_INJECTION_STACKTRACE_
 * FILTER), and of those not the ones inside vmalloc(): the mock vmallocs
 * its label and firmware areas first thing, and vmalloc() reports each
 * failure, an injected one too, with a stack dump (warn_alloc()), which
 * the test bed takes for a kernel problem. How many points vmalloc() has
 * changes from one call to the next, so they cannot be skipped by number.
 *
 * The CXL bus's driver autoprobe is off during the sweep: the new memdev
 * is not probed by cxl_mem, whose port enumeration would otherwise run in
 * the same thread. That is the CXL core's topology code, not the Features
 * or fwctl path, and its error paths are left to its own tests.
 */

#define CXL_AUTOPROBE "/sys/bus/cxl/drivers_autoprobe"
#define CXL_PROBE_FN "cxl_mock_mem_probe"
#define VMALLOC_FN "__vmalloc_node_range_noprof"

/* A function's text, from its address to the next symbol's */
struct ksym_range {
	const char *name;
	unsigned long start;
	unsigned long end;
};

/*
 * Find the text of each of the @nr functions of @syms in /proc/kallsyms.
 * ENOENT if one is not there, EPERM if the addresses are hidden
 * (kptr_restrict).
 */
static int ksym_ranges(struct ksym_range *syms, unsigned int nr)
{
	char line[1024], name[512];
	unsigned int i, found = 0;
	unsigned long addr;
	bool hidden = false;
	char type;
	FILE *f;

	for (i = 0; i != nr; i++) {
		syms[i].start = 0;
		syms[i].end = ULONG_MAX;
	}
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %511s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (i = 0; i != nr; i++) {
			if (syms[i].start || strcmp(name, syms[i].name))
				continue;
			if (!addr)
				hidden = true;
			syms[i].start = addr;
			found += !!addr;
		}
	}
	if (hidden || found != nr) {
		fclose(f);
		return fail_errno(hidden ? EPERM : ENOENT);
	}
	/* The end: the lowest address above the start, of any symbol */
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %511s", &addr, &type, name) != 3)
			continue;
		for (i = 0; i != nr; i++)
			if (addr > syms[i].start && addr < syms[i].end)
				syms[i].end = addr;
	}
	fclose(f);
	return 0;
}

/*
 * Make the slab and page allocation fault points count for fail-nth only
 * when reached from @require's function, and never through @reject's.
 */
static int stack_filter_setup(struct fault_knobs *k,
			      const struct ksym_range *require,
			      const struct ksym_range *reject)
{
	static const char *const dirs[] = { "failslab", "fail_page_alloc" };
	char req_start[24], req_end[24], rej_start[24], rej_end[24];
	char path[128];
	unsigned int i;

	snprintf(req_start, sizeof(req_start), "%lu", require->start);
	snprintf(req_end, sizeof(req_end), "%lu", require->end);
	snprintf(rej_start, sizeof(rej_start), "%lu", reject->start);
	snprintf(rej_end, sizeof(rej_end), "%lu", reject->end);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s/require-start",
			 DEBUGFS_ROOT, dirs[i]);
		if (!path_exists(path))
			continue;
		/* The deepest walk there is, so that the probe is on it */
		if (knob_set(k, dirs[i], "stacktrace-depth", "32") ||
		    knob_set(k, dirs[i], "require-start", req_start) ||
		    knob_set(k, dirs[i], "require-end", req_end) ||
		    knob_set(k, dirs[i], "reject-start", rej_start) ||
		    knob_set(k, dirs[i], "reject-end", rej_end))
			return -1;
	}
	return 0;
}

/*
 * What a failed probe returns: ENOMEM, or EINVAL from device_add() for the
 * firmware upload device, whose name firmware_upload_register() sets
 * without checking that it could be allocated. The mock's mailbox
 * allocates nothing, so no command of the probe fails.
 */
static const int errnos_cxl_bind[] = { ENOMEM, EINVAL, 0 };

FIXTURE(cxl_probe_nth)
{
	struct nth_state st;
	struct cxl_memdevs cxl;
	/* The memdev the sweep binds, and whether cxl_mem had probed it */
	struct cxl_memdev md;
	bool md_driver;
	struct ksym_range probe;
	struct ksym_range vmalloc;
	/* The CXL bus's driver autoprobe as the test found it */
	char autoprobe[16];
	bool autoprobe_off;
	/* The platform device is not bound as the test found it */
	bool dirty;
};

FIXTURE_SETUP(cxl_probe_nth)
{
	struct nth_state *st = &self->st;
	struct ksym_range syms[2] = {
		{ .name = CXL_PROBE_FN },
		{ .name = VMALLOC_FN },
	};
	const char *why;
	char buf[256];

	nth_state_init(st);
	why = nth_skip_reason(buf, sizeof(buf), false);
	if (why)
		SKIP(return, "%s", why);
	why = cxl_find_rebind(_metadata, &self->cxl, &self->md, st->cxl_pdev,
			      sizeof(st->cxl_pdev));
	if (why)
		SKIP(return, "%s", why);
	if (!path_exists(DEBUGFS_ROOT "/failslab/require-start"))
		SKIP(return,
		     "no stack filter for fault injection (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER): the probe's vmalloc() would report each injected failure with a stack dump");
	if (ksym_ranges(syms, ARRAY_SIZE(syms)))
		SKIP(return, "%s or %s not found in /proc/kallsyms: %s",
		     CXL_PROBE_FN, VMALLOC_FN, strerror(errno));
	self->probe = syms[0];
	self->vmalloc = syms[1];

	self->md_driver = cxl_memdev_has_driver(&self->md);
	/* The target has one of them */
	st->cxl_others = cxl_fwctl_on_memdevs() - 1;
	ASSERT_OK(read_file(CXL_AUTOPROBE, self->autoprobe,
			    sizeof(self->autoprobe)));
	self->autoprobe[strcspn(self->autoprobe, "\n")] = 0;
	/* Left over by a run that was killed: it has no effect until a probe */
	ASSERT_OK(cxl_mock_params_reset());
	st->nth_fd = nth_open();
	ASSERT_LE(0, st->nth_fd);
}

FIXTURE_TEARDOWN(cxl_probe_nth)
{
	struct nth_state *st = &self->st;

	nth_teardown(_metadata, st);
	if (self->autoprobe_off)
		EXPECT_OK(write_str(CXL_AUTOPROBE, self->autoprobe,
				    O_CLOEXEC));
	if (self->dirty) {
		/* Logs what failed: the programs after this one will fail too */
		EXPECT_OK(cxl_pdev_rebind(st->cxl_pdev, &self->md, true));
		cxl_expect_default_md(_metadata, &self->md, false);
	}
	drop_stale_nodes();
}

static void cxl_bind_prepare(struct __test_metadata *_metadata,
			     struct nth_state *st)
{
	memset(&st->cxl_md, 0, sizeof(st->cxl_md));
	ASSERT_FALSE(cxl_pdev_bound(st->cxl_pdev));
	st->dbg_fd = open(CXL_MOCK_DRIVER_DIR "/bind", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, st->dbg_fd);
	st->dbg_len = snprintf(st->dbg_buf, sizeof(st->dbg_buf), "%s",
			       st->cxl_pdev);
}

/* The memdev's fwctl device, which must work as a default memdev's */
static void cxl_bind_check_fwctl(struct __test_metadata *_metadata,
				 struct nth_state *st)
{
	struct cxl_memdev *md = &st->cxl_md;
	__u32 type = 0, len = 0, val = 0;

	if (!path_exists(md->node)) {
		/* Its name was not allocated: devtmpfs put it in /dev */
		snprintf(md->node, sizeof(md->node), "/dev/%s", md->fwctl);
		ASSERT_TRUE(st->faulted && path_exists(md->node))
			TH_LOG("%s has no device node", md->fwctl);
		st->misplaced_nodes++;
	}
	st->call_fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, st->call_fd)
		TH_LOG("%s: %s", md->node, strerror(errno));
	test_cmd_info(st->call_fd, &type, NULL, &len);
	ASSERT_EQ(FWCTL_DEVICE_TYPE_CXL, type);
	ASSERT_OK(_cxl_check_default(st->call_fd, &val));
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
	ASSERT_OK(close(st->call_fd));
	st->call_fd = -1;
}

static void cxl_bind_finish(struct __test_metadata *_metadata,
			    struct nth_state *st, int ret, int err)
{
	struct cxl_memdev *md = &st->cxl_md;
	char name[32];

	ASSERT_OK(close(st->dbg_fd));
	st->dbg_fd = -1;
	if (ret) {
		/* No driver, no memdev */
		ASSERT_FALSE(cxl_pdev_bound(st->cxl_pdev));
		ASSERT_ERRNO(ENOENT, cxl_pdev_memdev(st->cxl_pdev, name,
						     sizeof(name)));
		return;
	}

	st->cxl_bound++;
	ASSERT_TRUE(cxl_pdev_bound(st->cxl_pdev));
	ASSERT_OK(cxl_pdev_memdev(st->cxl_pdev, name, sizeof(name)));
	ASSERT_OK(cxl_memdev_load(md, name));
	/* The ids are allocated lowest first: a leaked one shows here */
	if (!st->n)
		memcpy(st->cxl_memdev_name, md->name, sizeof(md->name));
	ASSERT_STREQ(st->cxl_memdev_name, md->name);
	if (md->fwctl[0]) {
		if (!st->n)
			memcpy(st->cxl_fwctl_name, md->fwctl,
			       sizeof(md->fwctl));
		ASSERT_STREQ(st->cxl_fwctl_name, md->fwctl);
		cxl_bind_check_fwctl(_metadata, st);
	} else {
		/* Only logged by the probe, so only with a fault injected */
		ASSERT_TRUE(st->faulted)
			TH_LOG("%s has no fwctl device with no fault injected",
			       md->name);
		st->cxl_no_fwctl++;
	}
	/* No other fwctl device below a memdev, this one's or another's */
	ASSERT_EQ(st->cxl_others + !!md->fwctl[0], cxl_fwctl_on_memdevs());
	ASSERT_OK(cxl_pdev_unbind(st->cxl_pdev));
}

/* Unbound, the memdev and its fwctl device are gone */
static void cxl_bind_check(struct __test_metadata *_metadata,
			   struct nth_state *st)
{
	char path[PATH_MAX], name[32];

	ASSERT_FALSE(cxl_pdev_bound(st->cxl_pdev));
	ASSERT_ERRNO(ENOENT, cxl_pdev_memdev(st->cxl_pdev, name,
					     sizeof(name)));
	if (st->cxl_md.name[0]) {
		snprintf(path, sizeof(path), "%s/%s", CXL_DEVICES_DIR,
			 st->cxl_md.name);
		ASSERT_FALSE(path_exists(path));
	}
	if (st->cxl_md.fwctl[0]) {
		snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR,
			 st->cxl_md.fwctl);
		ASSERT_FALSE(path_exists(path));
	}
	ASSERT_EQ(st->cxl_others, cxl_fwctl_on_memdevs());
	st->stale_nodes += drop_stale_nodes();
}

static const struct nth_path cxl_bind_path = {
	.errnos = errnos_cxl_bind,
	.prepare = cxl_bind_prepare,
	.call = dbg_call,
	.finish = cxl_bind_finish,
	.check = cxl_bind_check,
	.max = NTH_MAX_PROBE_POINTS,
};

TEST_F_TIMEOUT(cxl_probe_nth, bind, 900)
{
	struct nth_state *st = &self->st;
	double t0;
	__u32 val = 0;

	/* Changed here: the teardown runs only after a complete setup */
	ASSERT_OK(knobs_setup(&st->knobs, NTH_MAX_KNOBS, true));
	ASSERT_OK(stack_filter_setup(&st->knobs, &self->probe,
				     &self->vmalloc));
	ASSERT_OK(write_str(CXL_AUTOPROBE, "0", O_CLOEXEC));
	self->autoprobe_off = true;
	self->dirty = true;
	ASSERT_OK(cxl_pdev_unbind(st->cxl_pdev));
	ASSERT_EQ(st->cxl_others, cxl_fwctl_on_memdevs());

	t0 = now_sec();
	sweep(_metadata, st, "cxl_bind", &cxl_bind_path);
	ksft_print_msg("fail_nth: path=cxl_bind bound=%u without_fwctl=%u seconds=%.0f\n",
		       st->cxl_bound, st->cxl_no_fwctl, now_sec() - t0);
	ksft_print_msg("fail_nth: path=cxl_bind misplaced_nodes=%u stale_nodes=%u\n",
		       st->misplaced_nodes, st->stale_nodes);

	/* Bound as it was, the memdev probed by cxl_mem again */
	ASSERT_OK(write_str(CXL_AUTOPROBE, self->autoprobe, O_CLOEXEC));
	self->autoprobe_off = false;
	ASSERT_OK(cxl_pdev_bind(st->cxl_pdev));
	ASSERT_OK(cxl_pdev_wait(st->cxl_pdev, &self->md, true,
				CXL_REBIND_TIMEOUT_S));
	ASSERT_EQ(self->md_driver, cxl_memdev_has_driver(&self->md));
	st->call_fd = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, st->call_fd);
	ASSERT_OK(_cxl_check_default(st->call_fd, &val));
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
	ASSERT_OK(close(st->call_fd));
	st->call_fd = -1;
	ASSERT_EQ(st->cxl_others + 1, cxl_fwctl_on_memdevs());
	self->dirty = false;
}

TEST_HARNESS_MAIN
