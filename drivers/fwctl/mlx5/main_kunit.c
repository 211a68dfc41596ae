// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the mlx5 fwctl driver, with no hardware.
 *
 * The function is a zeroed struct mlx5_core_dev whose device is a KUnit
 * device and whose general capabilities are a buffer the test writes
 * uctx_cap into. The firmware is a fake behind the driver's one command
 * executor, mlx5ctl_cmd_do(): it records every command, hands out and
 * tracks user ids, writes recognisable responses, and fails on demand,
 * with a firmware status or with a transport errno.
 *
 * Most cases call the driver's fwctl_ops directly. Those about the device
 * lifetime and the ioctls go through the real fwctl core: the driver's
 * probe and remove register and unregister a real fwctl device, and the
 * core's file operations open, drive and close it, with the ioctl
 * arguments in user memory mapped into the test thread.
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/mlx5/driver.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/fwctl/mlx5.h>

#include "../fwctl_kunit_driver.h"
#include "mlx5_fwctl.h"

#define KT_IN_HDR MLX5_ST_SZ_BYTES(mlx5ctl_cmd_in_hdr)
#define KT_OUT_HDR MLX5_ST_SZ_BYTES(mlx5ctl_cmd_out_hdr)
/* The commands the fake keeps, the last ones first overwritten */
#define KT_MAX_CMDS 128
#define KT_NR_UIDS 65536
#define KT_FIRST_UID 0x0021
#define KT_MAX_SCRIPT 4
#define KT_MAX_FDS 16
/* A uid no FD has: what a caller puts in the header to borrow another's */
#define KT_FOREIGN_UID 0x7777
#define KT_USER_LEN (4 * PAGE_SIZE)
#define KT_REQ_BYTE 0xc3
#define KT_NO_SCOPE -1

/* One command as the fake firmware received it */
struct kt_cmd {
	u16 opcode;
	u16 uid;		/* from the header */
	u16 op_mod;
	u32 cap;		/* CREATE_UCTX: uctx.cap */
	u16 obj_uid;		/* DESTROY_UCTX: the context to destroy */
	int in_len;
	int out_len;
	bool in_place;		/* the output mailbox is the input's buffer */
};

/* How the fake answers the commands with @opcode */
struct kt_script {
	u16 opcode;
	int err;		/* -EREMOTEIO: @status and @syndrome in the header */
	u8 status;
	u32 syndrome;
};

struct kt_state {
	/* The function and what the driver made of it */
	struct mlx5_core_dev *mdev;
	struct mlx5_adev *madev;
	struct mlx5ctl_dev *mcdev;
	const struct fwctl_ops *ops;
	bool probed;
	struct fwctl_kunit_file *fds[KT_MAX_FDS];
	unsigned int nr_fds;
	char __user *umem;

	/* The fake firmware */
	struct kt_cmd cmds[KT_MAX_CMDS];
	unsigned int nr_cmds;
	unsigned int nr_created;
	unsigned int nr_destroyed;
	unsigned int nr_live;
	unsigned int nr_bad_destroys;
	/* RPCs that carried no live user context */
	unsigned int nr_stale_uids;
	u16 next_uid;
	bool uid_zero;
	struct kt_script script[KT_MAX_SCRIPT];
	unsigned int nr_script;
	DECLARE_BITMAP(live, KT_NR_UIDS);
};

static const struct auxiliary_device_id kt_id = {
	.name = MLX5_ADEV_NAME ".fwctl",
};

/* The byte at @off of the fake's response to @opcode, past the header */
static u8 kt_resp_byte(u16 opcode, size_t off)
{
	return (u8)(0x5a ^ off ^ opcode);
}

static const struct kt_cmd *kt_last_cmd(struct kt_state *st)
{
	return &st->cmds[(st->nr_cmds - 1) % KT_MAX_CMDS];
}

static const struct kt_script *kt_script_find(struct kt_state *st, u16 opcode)
{
	unsigned int i;

	for (i = 0; i < st->nr_script; i++)
		if (st->script[i].opcode == opcode)
			return &st->script[i];
	return NULL;
}

/* From now on, commands with @opcode fail with @err */
static void kt_script(struct kunit *test, u16 opcode, int err, u8 status,
		      u32 syndrome)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_LT(test, st->nr_script, KT_MAX_SCRIPT);
	st->script[st->nr_script++] = (struct kt_script){
		.opcode = opcode,
		.err = err,
		.status = status,
		.syndrome = syndrome,
	};
}

static int kt_fw_create_uctx(struct kunit *test, struct kt_state *st,
			     void *out, int out_len)
{
	u16 uid = st->uid_zero ? 0 : st->next_uid++;

	KUNIT_EXPECT_EQ(test, out_len, MLX5_ST_SZ_BYTES(create_uctx_out));
	if (out_len < MLX5_ST_SZ_BYTES(create_uctx_out))
		return -EINVAL;
	st->nr_created++;
	if (uid) {
		KUNIT_EXPECT_FALSE(test, test_bit(uid, st->live));
		__set_bit(uid, st->live);
		st->nr_live++;
	}
	MLX5_SET(create_uctx_out, out, uid, uid);
	return 0;
}

static int kt_fw_destroy_uctx(struct kt_state *st, const struct kt_cmd *c,
			      void *out)
{
	if (!c->obj_uid || !test_bit(c->obj_uid, st->live)) {
		st->nr_bad_destroys++;
		MLX5_SET(mlx5ctl_cmd_out_hdr, out, status,
			 MLX5_CMD_STAT_BAD_RES_STATE_ERR);
		return -EREMOTEIO;
	}
	__clear_bit(c->obj_uid, st->live);
	st->nr_live--;
	st->nr_destroyed++;
	return 0;
}

/* The fake firmware, in place of the device's command interface */
static int kt_fw_cmd_do(struct mlx5_core_dev *mdev, void *in, int in_len,
			void *out, int out_len)
{
	struct kunit *test = kunit_get_current_test();
	struct kt_state *st = test->priv;
	const struct kt_script *s;
	struct kt_cmd c = {};
	u8 *bytes = out;
	int i;

	KUNIT_EXPECT_PTR_EQ(test, mdev, st->mdev);
	if (in_len < KT_IN_HDR || out_len < KT_OUT_HDR) {
		KUNIT_FAIL(test, "command of %d/%d bytes", in_len, out_len);
		return -EINVAL;
	}

	/* Read it all before writing anything: @out may be @in */
	c.opcode = MLX5_GET(mlx5ctl_cmd_in_hdr, in, opcode);
	c.uid = MLX5_GET(mlx5ctl_cmd_in_hdr, in, uid);
	c.op_mod = MLX5_GET(mlx5ctl_cmd_in_hdr, in, op_mod);
	c.in_len = in_len;
	c.out_len = out_len;
	c.in_place = in == out;
	if (c.opcode == MLX5_CMD_OP_CREATE_UCTX &&
	    in_len >= MLX5_ST_SZ_BYTES(create_uctx_in))
		c.cap = MLX5_GET(create_uctx_in, in, uctx.cap);
	if (c.opcode == MLX5_CMD_OP_DESTROY_UCTX &&
	    in_len >= MLX5_ST_SZ_BYTES(destroy_uctx_in))
		c.obj_uid = MLX5_GET(destroy_uctx_in, in, uid);
	st->cmds[st->nr_cmds++ % KT_MAX_CMDS] = c;

	s = kt_script_find(st, c.opcode);
	/* The command never ran: nothing written */
	if (s && s->err != -EREMOTEIO)
		return s->err;

	memset(out, 0, out_len);
	if (s) {
		MLX5_SET(mlx5ctl_cmd_out_hdr, out, status, s->status);
		MLX5_SET(mlx5ctl_cmd_out_hdr, out, syndrome, s->syndrome);
		return -EREMOTEIO;
	}

	switch (c.opcode) {
	case MLX5_CMD_OP_CREATE_UCTX:
		return kt_fw_create_uctx(test, st, out, out_len);
	case MLX5_CMD_OP_DESTROY_UCTX:
		return kt_fw_destroy_uctx(st, &c, out);
	default:
		if (!test_bit(c.uid, st->live))
			st->nr_stale_uids++;
		for (i = KT_OUT_HDR; i < out_len; i++)
			bytes[i] = kt_resp_byte(c.opcode, i);
		return 0;
	}
}

static void kt_set_uctx_cap(struct kt_state *st, u32 uctx_cap)
{
	MLX5_SET(cmd_hca_cap, st->mdev->caps.hca[MLX5_CAP_GENERAL]->cur,
		 uctx_cap, uctx_cap);
}

static void kt_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_EQ(test, mlx5ctl_probe(&st->madev->adev, &kt_id), 0);
	st->probed = true;
	st->mcdev = auxiliary_get_drvdata(&st->madev->adev);
	KUNIT_ASSERT_NOT_NULL(test, st->mcdev);
	st->ops = st->mcdev->fwctl.ops;
}

static void kt_remove(struct kt_state *st)
{
	if (!st->probed)
		return;
	mlx5ctl_remove(&st->madev->adev);
	st->probed = false;
}

/* A user context opened straight through the driver's ops */
static struct mlx5ctl_uctx *kt_uctx_open(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd;

	mfd = kunit_kzalloc(test, st->ops->uctx_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mfd);
	mfd->uctx.fwctl = &st->mcdev->fwctl;
	KUNIT_ASSERT_EQ(test, st->ops->open_uctx(&mfd->uctx), 0);
	return mfd;
}

static void kt_uctx_close(struct kunit *test, struct mlx5ctl_uctx *mfd)
{
	struct kt_state *st = test->priv;

	st->ops->close_uctx(&mfd->uctx);
}

/* A file, allocated before whatever opens it, and listed for the exit */
static struct fwctl_kunit_file *kt_fd_alloc(struct kunit *test)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_LT(test, st->nr_fds, KT_MAX_FDS);
	st->fds[st->nr_fds] = fwctl_kunit_file_alloc(test);
	return st->fds[st->nr_fds++];
}

static int kt_fd_open(struct kt_state *st, struct fwctl_kunit_file *fd)
{
	return fwctl_kunit_file_open(fd, &st->mcdev->fwctl.cdev);
}

static struct mlx5ctl_uctx *kt_fd_uctx(struct fwctl_kunit_file *fd)
{
	return container_of((struct fwctl_uctx *)fd->file.private_data,
			    struct mlx5ctl_uctx, uctx);
}

/* ioctl(2) on @fd, with the command struct at the start of the user memory */
static long kt_fd_ioctl(struct kt_state *st, struct fwctl_kunit_file *fd,
			unsigned int cmd)
{
	return fwctl_kunit_file_ioctl(fd, cmd, (unsigned long)st->umem);
}

static int kt_init(struct kunit *test)
{
	struct mlx5_hca_cap *gen;
	struct kt_state *st;
	unsigned long addr;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	test->priv = st;
	st->next_uid = KT_FIRST_UID;

	st->mdev = kunit_kzalloc(test, sizeof(*st->mdev), GFP_KERNEL);
	gen = kunit_kzalloc(test, sizeof(*gen), GFP_KERNEL);
	st->madev = kunit_kzalloc(test, sizeof(*st->madev), GFP_KERNEL);
	if (!st->mdev || !gen || !st->madev)
		return -ENOMEM;
	st->mdev->device = kunit_device_register(test, "mlx5-fwctl-kunit");
	if (IS_ERR(st->mdev->device))
		return PTR_ERR(st->mdev->device);
	st->mdev->caps.hca[MLX5_CAP_GENERAL] = gen;
	kt_set_uctx_cap(st, MLX5_UCTX_CAP_RAW_TX |
			MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES);
	st->madev->mdev = st->mdev;

	addr = fwctl_kunit_user_map(test, KT_USER_LEN);
	if (!addr)
		return -ENOMEM;
	st->umem = (char __user *)addr;

	kunit_activate_static_stub(test, mlx5ctl_cmd_do, kt_fw_cmd_do);
	return 0;
}

/* Whatever a case left: the device goes first, as on a real unbind */
static void kt_exit(struct kunit *test)
{
	struct kt_state *st = test->priv;
	unsigned int i;

	kt_remove(st);
	for (i = 0; i < st->nr_fds; i++)
		fwctl_kunit_file_close(st->fds[i]);
}

static void kt_put(struct kunit *test, size_t off, const void *src,
		   size_t len)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_EQ(test, copy_to_user(st->umem + off, src, len), 0);
}

static void kt_get(struct kunit *test, void *dst, size_t off, size_t len)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_EQ(test, copy_from_user(dst, st->umem + off, len), 0);
}

/* A request of @len bytes (at least the header) for @opcode */
static void kt_req(void *buf, size_t len, u16 opcode, u16 op_mod, u16 uid)
{
	memset(buf, KT_REQ_BYTE, len);
	memset(buf, 0, KT_IN_HDR);
	MLX5_SET(mlx5ctl_cmd_in_hdr, buf, opcode, opcode);
	MLX5_SET(mlx5ctl_cmd_in_hdr, buf, uid, uid);
	MLX5_SET(mlx5ctl_cmd_in_hdr, buf, op_mod, op_mod);
}

/*
 * One RPC straight into the driver, with a request buffer of exactly
 * @in_len bytes as the core allocates it. Returns 0 or the errno; on
 * success, the @out_len bytes of the response are copied to @resp (if
 * given) and *@in_place tells whether the driver answered in the request's
 * buffer.
 */
static int kt_rpc(struct kunit *test, struct mlx5ctl_uctx *mfd,
		  enum fwctl_rpc_scope scope, const void *req, size_t in_len,
		  size_t out_len, void *resp, bool *in_place)
{
	struct kt_state *st = test->priv;
	size_t len = out_len;
	void *in, *out;

	in = kvmalloc(in_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	memcpy(in, req, in_len);
	out = st->ops->fw_rpc(&mfd->uctx, scope, in, in_len, &len);
	if (IS_ERR(out)) {
		kvfree(in);
		return PTR_ERR(out);
	}
	KUNIT_EXPECT_EQ(test, len, out_len);
	if (in_place)
		*in_place = out == in;
	if (resp)
		memcpy(resp, out, out_len);
	if (out != in)
		kvfree(out);
	kvfree(in);
	return 0;
}

/* Whether bytes [KT_OUT_HDR, @len) of @resp are the fake's for @opcode */
static bool kt_resp_ok(const u8 *resp, size_t len, u16 opcode)
{
	size_t i;

	for (i = KT_OUT_HDR; i < len; i++)
		if (resp[i] != kt_resp_byte(opcode, i))
			return false;
	return true;
}

/*
 * A response longer than a page may come from vmalloc(): kvzalloc() falls
 * back to it when the slab cannot serve. Make it so by failing the slab
 * attempt, then check that the driver hands such a buffer back on success
 * and frees it with kvfree() when the command fails (kfree() of vmalloc
 * memory is the bug upstream once had; KASAN would report it).
 */
static void mlx5_fwctl_test_vmalloc_response(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd;
	size_t out_len, len;
	void *in, *out;
	bool hit;

	fwctl_kunit_require_failslab(test);
	kt_probe(test);
	mfd = kt_uctx_open(test);
	out_len = 2 * PAGE_SIZE;
	in = kunit_kzalloc(test, KT_IN_HDR, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);

	/* Answered: the vmalloc() buffer is the response */
	kt_req(in, KT_IN_HDR, MLX5_CMD_OP_QUERY_VPORT_STATE, 0, 0);
	len = out_len;
	fwctl_kunit_fail_nth_arm(1);
	out = st->ops->fw_rpc(&mfd->uctx, FWCTL_RPC_DEBUG_READ_ONLY, in,
			      KT_IN_HDR, &len);
	hit = fwctl_kunit_fail_nth_disarm();
	KUNIT_EXPECT_TRUE(test, hit);
	KUNIT_ASSERT_FALSE(test, IS_ERR(out));
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(out));
	KUNIT_EXPECT_EQ(test, len, out_len);
	KUNIT_EXPECT_TRUE(test, kt_resp_ok(out, out_len,
					   MLX5_CMD_OP_QUERY_VPORT_STATE));
	kvfree(out);

	/* The command fails: the driver frees the vmalloc() buffer itself */
	kt_script(test, MLX5_CMD_OP_QUERY_VPORT_STATE, -ETIMEDOUT, 0, 0);
	kt_req(in, KT_IN_HDR, MLX5_CMD_OP_QUERY_VPORT_STATE, 0, 0);
	len = out_len;
	fwctl_kunit_fail_nth_arm(1);
	out = st->ops->fw_rpc(&mfd->uctx, FWCTL_RPC_DEBUG_READ_ONLY, in,
			      KT_IN_HDR, &len);
	hit = fwctl_kunit_fail_nth_disarm();
	KUNIT_EXPECT_TRUE(test, hit);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(out), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 3U);

	kt_uctx_close(test, mfd);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
}

/*
 * Seeded random requests: whatever their lengths, header and scope, each
 * either reaches the firmware once, as a command the allow-list admits at
 * that scope and under the FD's uid, or is refused with EMSGSIZE or
 * EBADMSG with nothing sent. Half the opcodes come from a few the list
 * knows, so that both outcomes occur.
 */
#define KT_FUZZ_ROUNDS 2000

static void mlx5_fwctl_test_fuzz(struct kunit *test)
{
	static const u16 opcodes[] = {
		MLX5_CMD_OP_QUERY_HCA_CAP, MLX5_CMD_OP_ACCESS_REG,
		MLX5_CMD_OP_QUERY_QP, MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS,
		MLX5_CMD_OP_CREATE_UCTX,
	};
	struct kt_state *st = test->priv;
	unsigned int i, sent = 0, refused = 0;
	struct mlx5ctl_uctx *mfd;
	struct rnd_state rnd;
	u8 req[64];

	prandom_seed_state(&rnd, 0x6d6c7835);
	kt_probe(test);
	mfd = kt_uctx_open(test);
	for (i = 0; i < KT_FUZZ_ROUNDS; i++) {
		size_t in_len = prandom_u32_state(&rnd) % (sizeof(req) + 1);
		size_t out_len = prandom_u32_state(&rnd) % 65;
		enum fwctl_rpc_scope scope = prandom_u32_state(&rnd) % 4;
		unsigned int cmds = st->nr_cmds;
		u16 opcode, op_mod;
		int ret, expected;

		prandom_bytes_state(&rnd, req, sizeof(req));
		if (i % 2)
			MLX5_SET(mlx5ctl_cmd_in_hdr, req, opcode,
				 opcodes[prandom_u32_state(&rnd) %
					 ARRAY_SIZE(opcodes)]);
		opcode = MLX5_GET(mlx5ctl_cmd_in_hdr, req, opcode);
		op_mod = MLX5_GET(mlx5ctl_cmd_in_hdr, req, op_mod);
		if (in_len < KT_IN_HDR || out_len < KT_OUT_HDR)
			expected = -EMSGSIZE;
		else if (!mlx5ctl_validate_rpc(scope, opcode, op_mod))
			expected = -EBADMSG;
		else
			expected = 0;

		ret = kt_rpc(test, mfd, scope, req, in_len, out_len, NULL,
			     NULL);
		KUNIT_ASSERT_EQ_MSG(test, ret, expected,
				    "round %u: opcode 0x%x op_mod %u scope %d, %zu/%zu bytes",
				    i, opcode, op_mod, scope, in_len, out_len);
		if (ret) {
			KUNIT_ASSERT_EQ(test, st->nr_cmds, cmds);
			refused++;
			continue;
		}
		KUNIT_ASSERT_EQ(test, st->nr_cmds, cmds + 1);
		KUNIT_ASSERT_EQ(test, kt_last_cmd(st)->opcode, opcode);
		KUNIT_ASSERT_EQ(test, kt_last_cmd(st)->uid, mfd->uid);
		sent++;
	}
	KUNIT_EXPECT_GT(test, sent, 0U);
	KUNIT_EXPECT_GT(test, refused, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_stale_uids, 0U);
	kt_uctx_close(test, mfd);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
}

/* Probe, remove */

static void mlx5_fwctl_test_probe_remove(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct mlx5ctl_dev *mcdev;

	kt_probe(test);
	mcdev = st->mcdev;
	KUNIT_EXPECT_PTR_EQ(test, mcdev->mdev, st->mdev);
	KUNIT_EXPECT_PTR_EQ(test, mcdev->fwctl.dev.parent, st->mdev->device);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&mcdev->fwctl.dev));
	KUNIT_EXPECT_EQ(test, st->ops->device_type, FWCTL_DEVICE_TYPE_MLX5);
	KUNIT_EXPECT_EQ(test, st->ops->uctx_size, sizeof(struct mlx5ctl_uctx));
	KUNIT_EXPECT_NOT_NULL(test, st->ops->info);
	KUNIT_EXPECT_FALSE(test, st->ops->answers_in_place);
	KUNIT_EXPECT_GT(test, st->ops->nr_errnos, 0U);
	/* No firmware traffic until an FD opens */
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0U);

	kt_remove(st);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0U);
}

/* Unbinding with FDs open destroys their contexts; the FDs are orphaned */
static void mlx5_fwctl_test_remove_with_open_fds(struct kunit *test)
{
	struct fwctl_info info = { .size = sizeof(info) };
	struct kt_state *st = test->priv;
	struct fwctl_kunit_file *fds[3];
	u16 uids[3];
	unsigned int i, cmds;

	kt_probe(test);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = kt_fd_alloc(test);
		KUNIT_ASSERT_EQ(test, kt_fd_open(st, fds[i]), 0);
		uids[i] = kt_fd_uctx(fds[i])->uid;
	}
	KUNIT_EXPECT_EQ(test, st->nr_live, 3U);

	cmds = st->nr_cmds;
	kt_remove(st);
	KUNIT_EXPECT_EQ(test, st->nr_cmds - cmds, 3U);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_destroyed, 3U);
	KUNIT_EXPECT_EQ(test, st->nr_bad_destroys, 0U);
	for (i = 0; i < ARRAY_SIZE(uids); i++)
		KUNIT_EXPECT_FALSE(test, test_bit(uids[i], st->live));

	kt_put(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, kt_fd_ioctl(st, fds[0], FWCTL_INFO), -ENODEV);
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		fwctl_kunit_file_close(fds[i]);
	/* Closing an orphaned FD sends nothing */
	KUNIT_EXPECT_EQ(test, st->nr_cmds - cmds, 3U);
}

/* The allow-list */

enum kt_dir {
	KT_ANY,		/* every op_mod */
	KT_WRITE,	/* op_mod 0 */
	KT_READ,	/* any other op_mod */
};

static const char *const kt_dir_names[] = {
	[KT_ANY] = "any",
	[KT_WRITE] = "write",
	[KT_READ] = "read",
};

struct kt_policy {
	u16 opcode;
	u8 dir;
	s8 scope;	/* the lowest scope, or KT_NO_SCOPE if refused */
	const char *name;
};

#define KT_ALLOW(_op, _dir, _scope)                                   \
	{ MLX5_CMD_OP_##_op, KT_##_dir, FWCTL_RPC_##_scope, #_op }
#define KT_REFUSE(_opcode, _name) { _opcode, KT_ANY, KT_NO_SCOPE, _name }

/*
 * The policy, written down apart from the driver: every command of the
 * allow-list, then commands the driver must refuse at every scope.
 */
static const struct kt_policy kt_policies[] = {
	KT_ALLOW(QUERY_HCA_CAP, ANY, CONFIGURATION),
	KT_ALLOW(QUERY_ADAPTER, ANY, CONFIGURATION),
	KT_ALLOW(SET_HCA_CAP, ANY, CONFIGURATION),
	KT_ALLOW(QUERY_OTHER_HCA_CAP, ANY, CONFIGURATION),
	KT_ALLOW(QUERY_ESW_FUNCTIONS, ANY, CONFIGURATION),
	KT_ALLOW(QUERY_ROCE_ADDRESS, ANY, CONFIGURATION),
	KT_ALLOW(QUERY_HCA_VPORT_CONTEXT, ANY, CONFIGURATION),
	{ MLX5_CMD_OPCODE_QUERY_VUID, KT_ANY, FWCTL_RPC_CONFIGURATION,
	  "QUERY_VUID" },
	KT_ALLOW(POSTPONE_CONNECTED_QP_TIMEOUT, ANY, CONFIGURATION),
	KT_ALLOW(ACCESS_REG, WRITE, CONFIGURATION),
	KT_ALLOW(ACCESS_REG, READ, DEBUG_READ_ONLY),
	KT_ALLOW(ACCESS_REGISTER_USER, WRITE, CONFIGURATION),
	KT_ALLOW(ACCESS_REGISTER_USER, READ, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_PAGES, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_ISSI, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DRIVER_VERSION, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SF_PARTITION, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_VHCA_MIGRATION_STATE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_MKEY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SPECIAL_CONTEXTS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_EQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_QP, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RDB, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_PSV, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SRQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_XRC_SRQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DCT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DC_CNAK_TRACE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_XRQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_NVMF_BACKEND_CONTROLLER, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_XRQ_DC_PARAMS_ENTRY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_XRQ_ERROR_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_NVMF_NAMESPACE_CONTEXT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_VPORT_STATE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_ESW_VPORT_CONTEXT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_NIC_VPORT_CONTEXT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_HCA_VPORT_GID, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_HCA_VPORT_PKEY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_VNIC_ENV, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_VPORT_COUNTER, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_Q_COUNTER, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RATE_LIMIT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SCHEDULING_ELEMENT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_MAD_DEMUX, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(NOP, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_BURST_SIZE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DIAGNOSTIC_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DIAGNOSTIC_COUNTERS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CONG_STATUS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CONG_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CONG_STATISTICS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_L2_TABLE_ENTRY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_WOL_ROL, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_LAG, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_TIR, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RQ, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RMP, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DELAY_DROP_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_TIS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RQT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_FLOW_TABLE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_FLOW_GROUP, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_FLOW_TABLE_ENTRY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_FLOW_COUNTER, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_PACKET_REFORMAT_CONTEXT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_MODIFY_HEADER_CONTEXT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(FPGA_QUERY_QP, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(FPGA_QUERY_QP_COUNTERS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_AFU, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CAPI_PEC, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_GENERAL_OBJECT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_UCTX, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_UMEM, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_NVMF_CC_RESPONSE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_EMULATED_FUNCTIONS_INFO, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_REGEXP_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_REGEXP_REGISTER, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(USER_QUERY_XRQ_DC_PARAMS_ENTRY, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(USER_QUERY_XRQ_ERROR_PARAMS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_VHCA_STATE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_MATCH_SAMPLE_INFO, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_CRYPTO_STATE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DPA_PARTITION, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_DPA_PARTITIONS, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_EMULATED_RESOURCES_INFO, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_RSV_RESOURCES, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_MTT, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(QUERY_SCHED_QUEUE, ANY, DEBUG_READ_ONLY),
	KT_ALLOW(SET_DIAGNOSTIC_PARAMS, ANY, DEBUG_WRITE),

	/* The user context commands belong to the driver */
	KT_REFUSE(MLX5_CMD_OP_CREATE_UCTX, "CREATE_UCTX"),
	KT_REFUSE(MLX5_CMD_OP_DESTROY_UCTX, "DESTROY_UCTX"),
	/* Added upstream after 6.15, not here */
	KT_REFUSE(0x0730, "QUERY_ADJACENT_FUNCTIONS_ID"),
	KT_REFUSE(0x0731, "DELEGATE_VHCA_MANAGEMENT"),
	KT_REFUSE(0x0732, "QUERY_DELEGATED_VHCA"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_CONG_STATUS, "MODIFY_CONG_STATUS"),
	/* Commands that change the function, next to listed ones */
	KT_REFUSE(MLX5_CMD_OP_INIT_HCA, "INIT_HCA"),
	KT_REFUSE(MLX5_CMD_OP_MANAGE_PAGES, "MANAGE_PAGES"),
	KT_REFUSE(MLX5_CMD_OP_SET_ISSI, "SET_ISSI"),
	KT_REFUSE(MLX5_CMD_OP_CREATE_MKEY, "CREATE_MKEY"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_ESW_VPORT_CONTEXT,
		  "MODIFY_ESW_VPORT_CONTEXT"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_HCA_VPORT_CONTEXT,
		  "MODIFY_HCA_VPORT_CONTEXT"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_CONG_PARAMS, "MODIFY_CONG_PARAMS"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_GENERAL_OBJECT, "MODIFY_GENERAL_OBJECT"),
	KT_REFUSE(MLX5_CMD_OP_MODIFY_VHCA_STATE, "MODIFY_VHCA_STATE"),
	/* Unassigned values around listed ones, and the ends */
	KT_REFUSE(0x0000, "(0x0000)"),
	KT_REFUSE(0x0804, "(0x0804)"),
	KT_REFUSE(0x0806, "(0x0806)"),
	KT_REFUSE(0x081f, "(0x081f)"),
	KT_REFUSE(0x0b0b, "(0x0b0b)"),
	KT_REFUSE(0x0b21, "(0x0b21)"),
	KT_REFUSE(0x0b23, "(0x0b23)"),
	KT_REFUSE(0x7fff, "(0x7fff)"),
	KT_REFUSE(0x8002, "(0x8002)"),
	KT_REFUSE(0x8007, "(0x8007)"),
	KT_REFUSE(0xffff, "(0xffff)"),
};

static void kt_policy_desc(const struct kt_policy *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "0x%04x %s op_mod=%s", p->opcode,
		 p->name, kt_dir_names[p->dir]);
}

KUNIT_ARRAY_PARAM(kt_policy, kt_policies, kt_policy_desc);

/* The op_mods a row stands for; the first is the one sent to the fake */
static const u16 kt_any_op_mods[] = { 0, 1, 2, 0x8000, 0xffff };
static const u16 kt_write_op_mods[] = { 0 };
static const u16 kt_read_op_mods[] = { 1, 2, 0x8000, 0xffff };

static void kt_dir_op_mods(u8 dir, const u16 **op_mods, unsigned int *n)
{
	switch (dir) {
	case KT_WRITE:
		*op_mods = kt_write_op_mods;
		*n = ARRAY_SIZE(kt_write_op_mods);
		break;
	case KT_READ:
		*op_mods = kt_read_op_mods;
		*n = ARRAY_SIZE(kt_read_op_mods);
		break;
	default:
		*op_mods = kt_any_op_mods;
		*n = ARRAY_SIZE(kt_any_op_mods);
		break;
	}
}

/*
 * Each row at every scope: the check says yes exactly from the row's scope
 * on, and an RPC reaches the firmware then and only then, under the FD's
 * uid; below that scope it fails with EBADMSG.
 */
static void mlx5_fwctl_test_policy(struct kunit *test)
{
	const struct kt_policy *p = test->param_value;
	struct kt_state *st = test->priv;
	u8 req[32], resp[32];
	struct mlx5ctl_uctx *mfd;
	const u16 *op_mods;
	unsigned int n, i, cmds;
	bool expected, in_place;
	int scope, ret;

	kt_dir_op_mods(p->dir, &op_mods, &n);
	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		expected = p->scope != KT_NO_SCOPE && scope >= p->scope;
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ_MSG(test,
					    mlx5ctl_validate_rpc(scope, p->opcode,
								 op_mods[i]),
					    expected, "scope %s op_mod 0x%x",
					    fwctl_kunit_scope_name(scope), op_mods[i]);
	}

	kt_probe(test);
	mfd = kt_uctx_open(test);
	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		expected = p->scope != KT_NO_SCOPE && scope >= p->scope;
		kt_req(req, sizeof(req), p->opcode, op_mods[0], KT_FOREIGN_UID);
		cmds = st->nr_cmds;
		ret = kt_rpc(test, mfd, scope, req, sizeof(req), sizeof(resp),
			     resp, &in_place);
		if (!expected) {
			KUNIT_EXPECT_EQ(test, ret, -EBADMSG);
			KUNIT_EXPECT_EQ(test, st->nr_cmds, cmds);
			continue;
		}
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_ASSERT_EQ(test, st->nr_cmds, cmds + 1);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->opcode, p->opcode);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->op_mod, op_mods[0]);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->uid, mfd->uid);
		KUNIT_EXPECT_TRUE(test, in_place);
		KUNIT_EXPECT_EQ(test, MLX5_GET(mlx5ctl_cmd_out_hdr, resp, status),
				0);
		KUNIT_EXPECT_TRUE(test, kt_resp_ok(resp, sizeof(resp),
						   p->opcode));
	}
	KUNIT_EXPECT_EQ(test, st->nr_stale_uids, 0U);
	kt_uctx_close(test, mfd);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
}

/* The lowest scope mlx5ctl_validate_rpc() allows, or KT_NO_SCOPE */
static int kt_lowest_scope(u16 opcode, u16 op_mod)
{
	int scope;

	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++)
		if (mlx5ctl_validate_rpc(scope, opcode, op_mod))
			return scope;
	return KT_NO_SCOPE;
}

/* Allowed at one scope, allowed at every higher one */
static bool kt_monotonic(u16 opcode, u16 op_mod)
{
	bool allowed = false;
	int scope;

	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		if (allowed && !mlx5ctl_validate_rpc(scope, opcode, op_mod))
			return false;
		allowed = mlx5ctl_validate_rpc(scope, opcode, op_mod);
	}
	return true;
}

static const struct kt_policy *kt_policy_find(u16 opcode, u8 dir)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_policies); i++)
		if (kt_policies[i].opcode == opcode && kt_policies[i].dir == dir)
			return &kt_policies[i];
	return NULL;
}

/* One policy line for the docs check, and the row that must say the same */
static void kt_policy_print(struct kunit *test, u16 opcode, u8 dir, int scope,
			    unsigned int *lines)
{
	const struct kt_policy *p = kt_policy_find(opcode, dir);

	kunit_info(test, "policy mlx5 opcode=0x%04x op_mod=%s scope=%s\n",
		   opcode, kt_dir_names[dir], fwctl_kunit_scope_name(scope));
	(*lines)++;
	KUNIT_EXPECT_TRUE_MSG(test, p && p->scope == scope,
			      "opcode 0x%04x op_mod=%s: the table says %d",
			      opcode, kt_dir_names[dir],
			      p ? p->scope : KT_NO_SCOPE);
}

/*
 * The whole policy, derived from the driver's own check over every opcode:
 * op_mod 0 (a register write) and the non-zero op_mods 1, 2 and 0xffff,
 * which must agree. It must be monotonic in the scope and match the table
 * above row for row; the lines printed are compared with the policy table
 * of Documentation/userspace-api/fwctl/fwctl-mlx5.rst.
 */
static void mlx5_fwctl_test_policy_sweep(struct kunit *test)
{
	static const u16 op_mods[] = { 0, 1, 2, 0xffff };
	unsigned int opcode, i, lines = 0, rows = 0, bad = 0;
	int write, read;

	for (opcode = 0; opcode <= U16_MAX; opcode++) {
		for (i = 0; i < ARRAY_SIZE(op_mods); i++) {
			if (kt_monotonic(opcode, op_mods[i]) || bad++ > 8)
				continue;
			KUNIT_FAIL(test, "opcode 0x%04x op_mod 0x%x is not monotonic",
				   opcode, op_mods[i]);
		}
		write = kt_lowest_scope(opcode, 0);
		read = kt_lowest_scope(opcode, 1);
		if ((kt_lowest_scope(opcode, 2) != read ||
		     kt_lowest_scope(opcode, 0xffff) != read) && bad++ <= 8)
			KUNIT_FAIL(test, "opcode 0x%04x: non-zero op_mods disagree",
				   opcode);

		if (write == read) {
			if (write != KT_NO_SCOPE)
				kt_policy_print(test, opcode, KT_ANY, write,
						&lines);
			continue;
		}
		if (write != KT_NO_SCOPE)
			kt_policy_print(test, opcode, KT_WRITE, write, &lines);
		if (read != KT_NO_SCOPE)
			kt_policy_print(test, opcode, KT_READ, read, &lines);
	}

	for (i = 0; i < ARRAY_SIZE(kt_policies); i++)
		if (kt_policies[i].scope != KT_NO_SCOPE)
			rows++;
	/* Every allowed row of the table was printed */
	KUNIT_EXPECT_EQ(test, lines, rows);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* Header and lengths */

struct kt_len_case {
	const char *name;
	u16 opcode;
	u32 scope;
	size_t in_len;
	size_t out_len;
	int expected;
};

static const struct kt_len_case kt_len_cases[] = {
	{ "in_len 0", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 0, 16, -EMSGSIZE },
	{ "in_len 15", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 15, 16, -EMSGSIZE },
	{ "in_len 16", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, 16, 0 },
	{ "out_len 0", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, 0, -EMSGSIZE },
	{ "out_len 15", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, 15, -EMSGSIZE },
	{ "both 0", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 0, 0, -EMSGSIZE },
	{ "both 15", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 15, 15, -EMSGSIZE },
	{ "in 16, out 17", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, 17, 0 },
	{ "in 17, out 16", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 17, 16, 0 },
	{ "in 16, out 4096", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, 4096, 0 },
	{ "in 4096, out 16", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 4096, 16, 0 },
	{ "in 16, out 64 KiB", MLX5_CMD_OP_QUERY_HCA_CAP, 0, 16, SZ_64K, 0 },
	{ "not listed", MLX5_CMD_OP_CREATE_UCTX, 3, 16, 16, -EBADMSG },
	{ "scope too low", MLX5_CMD_OP_QUERY_PAGES, 0, 16, 16, -EBADMSG },
	{ "length before list", MLX5_CMD_OP_CREATE_UCTX, 3, 15, 16, -EMSGSIZE },
	{ "length before scope", MLX5_CMD_OP_QUERY_PAGES, 0, 16, 15, -EMSGSIZE },
};

KUNIT_ARRAY_PARAM_DESC(kt_len, kt_len_cases, name);

/*
 * Both mailboxes must hold their 16-byte header, checked before anything
 * else; the request buffer is exactly in_len bytes, so KASAN sees any read
 * past it. An accepted RPC reaches the firmware with the caller's lengths.
 */
static void mlx5_fwctl_test_rpc_lengths(struct kunit *test)
{
	const struct kt_len_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd;
	bool in_place = false;
	u8 *req, *resp;
	int ret;

	req = kunit_kzalloc(test, max(c->in_len, KT_IN_HDR), GFP_KERNEL);
	resp = kunit_kzalloc(test, max_t(size_t, c->out_len, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, resp);
	kt_req(req, max(c->in_len, KT_IN_HDR), c->opcode, 0, 0);

	kt_probe(test);
	mfd = kt_uctx_open(test);
	st->nr_cmds = 0;
	ret = kt_rpc(test, mfd, c->scope, req, c->in_len, c->out_len, resp,
		     &in_place);
	KUNIT_EXPECT_EQ(test, ret, c->expected);
	if (ret) {
		KUNIT_EXPECT_EQ(test, st->nr_cmds, 0U);
	} else {
		KUNIT_ASSERT_EQ(test, st->nr_cmds, 1U);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->in_len, (int)c->in_len);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->out_len, (int)c->out_len);
		KUNIT_EXPECT_EQ(test, in_place, c->out_len <= c->in_len);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->in_place,
				c->out_len <= c->in_len);
		KUNIT_EXPECT_TRUE(test, kt_resp_ok(resp, c->out_len, c->opcode));
	}
	kt_uctx_close(test, mfd);
}

/* What the caller writes in the header's uid field, and the buffer sizes */
struct kt_uid_case {
	const char *name;
	u16 uid;
	size_t in_len;
	size_t out_len;
};

static const struct kt_uid_case kt_uid_cases[] = {
	{ "foreign uid, in place", KT_FOREIGN_UID, 64, 32 },
	{ "foreign uid, new buffer", KT_FOREIGN_UID, 32, 256 },
	{ "uid 0 (the kernel's), in place", 0, 64, 64 },
	{ "uid 0 (the kernel's), new buffer", 0, 16, 64 },
	{ "uid 0xffff, in place", 0xffff, 256, 16 },
	{ "uid 0xffff, new buffer", 0xffff, 16, 17 },
};

KUNIT_ARRAY_PARAM_DESC(kt_uid, kt_uid_cases, name);

/*
 * Whatever uid the caller writes, including the kernel's 0 and another
 * FD's, the firmware sees the FD's own; each of two FDs its own. The
 * response is the firmware's, in both buffer paths, without a byte of the
 * request left in it.
 */
static void mlx5_fwctl_test_uid_forced(struct kunit *test)
{
	const struct kt_uid_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd[2];
	bool in_place;
	u8 *req, *resp;
	unsigned int i;
	u16 uid;

	req = kunit_kzalloc(test, c->in_len, GFP_KERNEL);
	resp = kunit_kzalloc(test, c->out_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, resp);

	kt_probe(test);
	mfd[0] = kt_uctx_open(test);
	mfd[1] = kt_uctx_open(test);
	KUNIT_EXPECT_NE(test, mfd[0]->uid, mfd[1]->uid);
	for (i = 0; i < ARRAY_SIZE(mfd); i++) {
		/* The other FD's uid, where the case has a foreign one */
		uid = c->uid == KT_FOREIGN_UID ? mfd[!i]->uid : c->uid;
		kt_req(req, c->in_len, MLX5_CMD_OP_QUERY_HCA_CAP, 1, uid);
		memset(resp, 0, c->out_len);
		KUNIT_ASSERT_EQ(test, kt_rpc(test, mfd[i], FWCTL_RPC_CONFIGURATION,
					     req, c->in_len, c->out_len, resp,
					     &in_place), 0);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->uid, mfd[i]->uid);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->op_mod, 1);
		KUNIT_EXPECT_EQ(test, in_place, c->out_len <= c->in_len);
		KUNIT_EXPECT_EQ(test, MLX5_GET(mlx5ctl_cmd_out_hdr, resp, status),
				0);
		KUNIT_EXPECT_TRUE(test, kt_resp_ok(resp, c->out_len,
						   MLX5_CMD_OP_QUERY_HCA_CAP));
	}
	KUNIT_EXPECT_EQ(test, st->nr_stale_uids, 0U);
	kt_uctx_close(test, mfd[0]);
	kt_uctx_close(test, mfd[1]);
}

/* Answers of the firmware */

struct kt_answer_case {
	const char *name;
	int err;		/* what the command interface returns */
	u8 status;
	u32 syndrome;
	size_t in_len;
	size_t out_len;
	int expected;
};

static const struct kt_answer_case kt_answer_cases[] = {
	{ "bad param status, in place", -EREMOTEIO,
	  MLX5_CMD_STAT_BAD_PARAM_ERR, 0x12345678, 64, 32, 0 },
	{ "bad param status, new buffer", -EREMOTEIO,
	  MLX5_CMD_STAT_BAD_PARAM_ERR, 0x12345678, 32, 64, 0 },
	{ "bad opcode status, in place", -EREMOTEIO, MLX5_CMD_STAT_BAD_OP_ERR,
	  0xffffffff, 16, 16, 0 },
	{ "no resources status, new buffer", -EREMOTEIO,
	  MLX5_CMD_STAT_NO_RES_ERR, 1, 16, 4096, 0 },
	{ "timeout, in place", -ETIMEDOUT, 0, 0, 64, 32, -ETIMEDOUT },
	{ "timeout, new buffer", -ETIMEDOUT, 0, 0, 32, 64, -ETIMEDOUT },
	{ "interface down, in place", -ENXIO, 0, 0, 16, 16, -ENXIO },
	{ "interface down, new buffer", -ENXIO, 0, 0, 16, 4096, -ENXIO },
	{ "no slot, new buffer", -EAGAIN, 0, 0, 16, 64, -EAGAIN },
	{ "busy, new buffer", -EBUSY, 0, 0, 16, 64, -EBUSY },
	{ "cancelled, in place", -ECANCELED, 0, 0, 64, 64, -ECANCELED },
	{ "no mailbox memory, new buffer", -ENOMEM, 0, 0, 16, 64, -ENOMEM },
	{ "bad signature, new buffer", -EHWPOISON, 0, 0, 16, 64, -EHWPOISON },
};

KUNIT_ARRAY_PARAM_DESC(kt_answer, kt_answer_cases, name);

/*
 * A command the firmware refused is a successful RPC whose output header
 * holds the status and syndrome; a command that did not run fails with the
 * interface's errno, and a buffer the driver allocated is freed (kmemleak
 * would tell).
 */
static void mlx5_fwctl_test_rpc_answers(struct kunit *test)
{
	const struct kt_answer_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd;
	u8 *req, *resp;
	size_t i;
	int ret;

	req = kunit_kzalloc(test, c->in_len, GFP_KERNEL);
	resp = kunit_kzalloc(test, c->out_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, resp);
	kt_req(req, c->in_len, MLX5_CMD_OP_QUERY_VPORT_STATE, 0, 0);

	kt_probe(test);
	mfd = kt_uctx_open(test);
	kt_script(test, MLX5_CMD_OP_QUERY_VPORT_STATE, c->err, c->status,
		  c->syndrome);
	ret = kt_rpc(test, mfd, FWCTL_RPC_DEBUG_READ_ONLY, req, c->in_len,
		     c->out_len, resp, NULL);
	KUNIT_EXPECT_EQ(test, ret, c->expected);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->opcode,
			MLX5_CMD_OP_QUERY_VPORT_STATE);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, MLX5_GET(mlx5ctl_cmd_out_hdr, resp, status),
				c->status);
		KUNIT_EXPECT_EQ(test,
				MLX5_GET(mlx5ctl_cmd_out_hdr, resp, syndrome),
				c->syndrome);
		/* The rest is the firmware's, zero here */
		for (i = 8; i < c->out_len; i++)
			if (resp[i])
				break;
		KUNIT_EXPECT_EQ(test, i, c->out_len);
	}
	kt_uctx_close(test, mfd);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
}

/*
 * Through the core: the ioctl succeeds for a refused command, and the
 * caller's buffer receives the output mailbox; EBADMSG reaches user space.
 */
static void mlx5_fwctl_test_rpc_through_core(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_DEBUG_READ_ONLY,
		.in_len = 32,
		.out_len = 48,
		.in = (unsigned long)st->umem + PAGE_SIZE,
		.out = (unsigned long)st->umem + 2 * PAGE_SIZE,
	};
	struct fwctl_kunit_file *fd;
	u8 req[32], resp[64];

	kt_probe(test);
	fd = kt_fd_alloc(test);
	KUNIT_ASSERT_EQ(test, kt_fd_open(st, fd), 0);

	kt_req(req, sizeof(req), MLX5_CMD_OP_QUERY_Q_COUNTER, 0,
	       KT_FOREIGN_UID);
	kt_put(test, PAGE_SIZE, req, sizeof(req));
	memset(resp, 0xee, sizeof(resp));
	kt_put(test, 2 * PAGE_SIZE, resp, sizeof(resp));
	kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_ASSERT_EQ(test, kt_fd_ioctl(st, fd, FWCTL_RPC), 0);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->uid, kt_fd_uctx(fd)->uid);
	kt_get(test, &rpc, 0, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, rpc.out_len, 48U);
	kt_get(test, resp, 2 * PAGE_SIZE, sizeof(resp));
	KUNIT_EXPECT_TRUE(test, kt_resp_ok(resp, 48,
					   MLX5_CMD_OP_QUERY_Q_COUNTER));
	/* Nothing past the caller's out_len */
	KUNIT_EXPECT_EQ(test, resp[48], 0xee);

	/* A firmware refusal is still a successful ioctl */
	kt_script(test, MLX5_CMD_OP_QUERY_Q_COUNTER, -EREMOTEIO,
		  MLX5_CMD_STAT_BAD_RES_ERR, 0xabcdef01);
	KUNIT_ASSERT_EQ(test, kt_fd_ioctl(st, fd, FWCTL_RPC), 0);
	kt_get(test, resp, 2 * PAGE_SIZE, sizeof(resp));
	KUNIT_EXPECT_EQ(test, MLX5_GET(mlx5ctl_cmd_out_hdr, resp, status),
			MLX5_CMD_STAT_BAD_RES_ERR);
	KUNIT_EXPECT_EQ(test, MLX5_GET(mlx5ctl_cmd_out_hdr, resp, syndrome),
			0xabcdef01);

	rpc.scope = FWCTL_RPC_CONFIGURATION;
	kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, kt_fd_ioctl(st, fd, FWCTL_RPC), -EBADMSG);
	fwctl_kunit_file_close(fd);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
}

/* User contexts */

struct kt_open_case {
	const char *name;
	int err;
	u8 status;
	bool uid_zero;
	int expected;
};

static const struct kt_open_case kt_open_cases[] = {
	{ "bad state status", -EREMOTEIO, MLX5_CMD_STAT_BAD_SYS_STATE_ERR,
	  false, -EIO },
	{ "bad param status", -EREMOTEIO, MLX5_CMD_STAT_BAD_PARAM_ERR, false,
	  -EINVAL },
	{ "busy status", -EREMOTEIO, MLX5_CMD_STAT_RES_BUSY, false, -EBUSY },
	{ "limit status", -EREMOTEIO, MLX5_CMD_STAT_LIM_ERR, false, -ENOMEM },
	{ "no resource status", -EREMOTEIO, MLX5_CMD_STAT_NO_RES_ERR, false,
	  -EAGAIN },
	{ "device in error", -ENXIO, 0, false, -ENOLINK },
	{ "timeout", -ETIMEDOUT, 0, false, -ETIMEDOUT },
	{ "no memory", -ENOMEM, 0, false, -ENOMEM },
	{ "uid 0 handed out", 0, 0, true, -EIO },
};

KUNIT_ARRAY_PARAM_DESC(kt_open, kt_open_cases, name);

/*
 * An FD whose CREATE_UCTX fails does not open: a bad firmware status gives
 * mlx5_core's errno for it, a device in error ENOLINK, another transport
 * errno passes through, and a context with the kernel's uid 0 is refused.
 * No context is left and none is destroyed.
 */
static void mlx5_fwctl_test_open_fails(struct kunit *test)
{
	const struct kt_open_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd;
	struct fwctl_kunit_file *fd;

	kt_probe(test);
	if (c->err)
		kt_script(test, MLX5_CMD_OP_CREATE_UCTX, c->err, c->status, 0);
	st->uid_zero = c->uid_zero;

	mfd = kunit_kzalloc(test, st->ops->uctx_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mfd);
	mfd->uctx.fwctl = &st->mcdev->fwctl;
	KUNIT_EXPECT_EQ(test, st->ops->open_uctx(&mfd->uctx), c->expected);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 1U);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->opcode, MLX5_CMD_OP_CREATE_UCTX);

	/* The same through the core: open(2) fails */
	fd = kt_fd_alloc(test);
	KUNIT_EXPECT_EQ(test, kt_fd_open(st, fd), c->expected);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 2U);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_destroyed + st->nr_bad_destroys, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&st->mcdev->fwctl.uctx_list));
}

/*
 * Many FDs, each its own context, closed out of order: every close
 * destroys exactly its FD's context, and none is left.
 */
static void mlx5_fwctl_test_uctx_pairing(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd[64];
	unsigned int i, j;

	kt_probe(test);
	for (i = 0; i < ARRAY_SIZE(mfd); i++) {
		mfd[i] = kt_uctx_open(test);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->opcode,
				MLX5_CMD_OP_CREATE_UCTX);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->uid, 0);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, mfd[i]->uid, mfd[j]->uid);
	}
	KUNIT_EXPECT_EQ(test, st->nr_live, (unsigned int)ARRAY_SIZE(mfd));

	/* Odd ones first, then the even ones backwards */
	for (i = 1; i < ARRAY_SIZE(mfd); i += 2) {
		kt_uctx_close(test, mfd[i]);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->opcode,
				MLX5_CMD_OP_DESTROY_UCTX);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->obj_uid, mfd[i]->uid);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->in_len,
				MLX5_ST_SZ_BYTES(destroy_uctx_in));
	}
	for (i = ARRAY_SIZE(mfd); i >= 2; i -= 2) {
		kt_uctx_close(test, mfd[i - 2]);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->obj_uid,
				mfd[i - 2]->uid);
	}
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_created, (unsigned int)ARRAY_SIZE(mfd));
	KUNIT_EXPECT_EQ(test, st->nr_destroyed, st->nr_created);
	KUNIT_EXPECT_EQ(test, st->nr_bad_destroys, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 2 * (unsigned int)ARRAY_SIZE(mfd));
}

/* The same through the core's open and release */
static void mlx5_fwctl_test_uctx_pairing_core(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_kunit_file *fd[8];
	unsigned int i;

	kt_probe(test);
	for (i = 0; i < ARRAY_SIZE(fd); i++) {
		fd[i] = kt_fd_alloc(test);
		KUNIT_ASSERT_EQ(test, kt_fd_open(st, fd[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, st->nr_live, (unsigned int)ARRAY_SIZE(fd));
	for (i = 0; i < ARRAY_SIZE(fd); i++) {
		u16 uid = kt_fd_uctx(fd[i])->uid;

		fwctl_kunit_file_close(fd[i]);
		KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->obj_uid, uid);
	}
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_destroyed, (unsigned int)ARRAY_SIZE(fd));
	KUNIT_EXPECT_EQ(test, st->nr_bad_destroys, 0U);
}

struct kt_caps_case {
	const char *name;
	u32 uctx_cap;
	u32 expected;
};

static const struct kt_caps_case kt_caps_cases[] = {
	{ "none", 0, 0 },
	{ "raw tx", MLX5_UCTX_CAP_RAW_TX, 0 },
	{ "raw tx, internal resources",
	  MLX5_UCTX_CAP_RAW_TX | MLX5_UCTX_CAP_INTERNAL_DEV_RES, 0 },
	{ "tools resources", MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES,
	  MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES },
	{ "all three", 0x7, MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES },
	{ "every bit but tools", ~(u32)MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES,
	  0 },
	{ "every bit", U32_MAX, MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES },
};

KUNIT_ARRAY_PARAM_DESC(kt_caps, kt_caps_cases, name);

/*
 * The context asks for the tools resources exactly when the device offers
 * them, and nothing else; the FD's info reports what it asked for.
 */
static void mlx5_fwctl_test_uctx_caps(struct kunit *test)
{
	const struct kt_caps_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_info_mlx5 *info;
	struct mlx5ctl_uctx *mfd;
	size_t len = 0;

	kt_set_uctx_cap(st, c->uctx_cap);
	kt_probe(test);
	mfd = kt_uctx_open(test);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->cap, c->expected);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->in_len,
			MLX5_ST_SZ_BYTES(create_uctx_in));
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->out_len,
			MLX5_ST_SZ_BYTES(create_uctx_out));
	KUNIT_EXPECT_EQ(test, mfd->uctx_caps, c->expected);

	info = st->ops->info(&mfd->uctx, &len);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, info->uctx_caps, c->expected);
	kfree(info);
	kt_uctx_close(test, mfd);
}

struct kt_destroy_case {
	const char *name;
	int err;
	u8 status;
};

static const struct kt_destroy_case kt_destroy_cases[] = {
	{ "bad status", -EREMOTEIO, MLX5_CMD_STAT_BAD_RES_STATE_ERR },
	{ "internal error status", -EREMOTEIO, MLX5_CMD_STAT_INT_ERR },
	{ "device in error", -ENXIO, 0 },
	{ "timeout", -ETIMEDOUT, 0 },
};

KUNIT_ARRAY_PARAM_DESC(kt_destroy, kt_destroy_cases, name);

/*
 * A DESTROY_UCTX that fails is logged and nothing more: the close goes on,
 * it is sent once, and the FDs after it work.
 */
static void mlx5_fwctl_test_destroy_fails(struct kunit *test)
{
	const struct kt_destroy_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct mlx5ctl_uctx *mfd, *next;
	struct fwctl_kunit_file *fd;
	u16 uid;

	kt_probe(test);
	mfd = kt_uctx_open(test);
	uid = mfd->uid;
	kt_script(test, MLX5_CMD_OP_DESTROY_UCTX, c->err, c->status, 0);
	kt_uctx_close(test, mfd);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 2U);
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->obj_uid, uid);

	/* Through the core too; the fd goes away all the same */
	fd = kt_fd_alloc(test);
	KUNIT_ASSERT_EQ(test, kt_fd_open(st, fd), 0);
	fwctl_kunit_file_close(fd);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 4U);
	KUNIT_EXPECT_TRUE(test, list_empty(&st->mcdev->fwctl.uctx_list));

	/* The firmware kept both contexts; new ones still come */
	KUNIT_EXPECT_EQ(test, st->nr_live, 2U);
	st->nr_script = 0;
	next = kt_uctx_open(test);
	KUNIT_EXPECT_NE(test, next->uid, uid);
	kt_uctx_close(test, next);
	KUNIT_EXPECT_EQ(test, st->nr_destroyed, 1U);
}

/* INFO: the FD's uid and caps, 8 bytes, from kzalloc'd memory */
static void mlx5_fwctl_test_info(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_info_mlx5 *info, got;
	struct fwctl_info cmd = {
		.size = sizeof(cmd),
		.out_device_data = (unsigned long)st->umem + PAGE_SIZE,
	};
	struct mlx5ctl_uctx *mfd;
	struct fwctl_kunit_file *fd;
	size_t len = 0;
	u8 buf[16];

	kt_probe(test);
	mfd = kt_uctx_open(test);
	info = st->ops->info(&mfd->uctx, &len);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, len, sizeof(*info));
	KUNIT_EXPECT_EQ(test, len, 8);
	KUNIT_EXPECT_EQ(test, info->uid, mfd->uid);
	KUNIT_EXPECT_EQ(test, info->uctx_caps,
			MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES);
	kfree(info);
	kt_uctx_close(test, mfd);

	/* Through the core: a longer buffer gets zeros, a shorter the start */
	fd = kt_fd_alloc(test);
	KUNIT_ASSERT_EQ(test, kt_fd_open(st, fd), 0);
	memset(buf, 0xee, sizeof(buf));
	kt_put(test, PAGE_SIZE, buf, sizeof(buf));
	cmd.device_data_len = sizeof(buf);
	kt_put(test, 0, &cmd, sizeof(cmd));
	KUNIT_ASSERT_EQ(test, kt_fd_ioctl(st, fd, FWCTL_INFO), 0);
	kt_get(test, &cmd, 0, sizeof(cmd));
	KUNIT_EXPECT_EQ(test, cmd.out_device_type, FWCTL_DEVICE_TYPE_MLX5);
	KUNIT_EXPECT_EQ(test, cmd.device_data_len, 8U);
	kt_get(test, buf, PAGE_SIZE, sizeof(buf));
	memcpy(&got, buf, sizeof(got));
	KUNIT_EXPECT_EQ(test, got.uid, kt_fd_uctx(fd)->uid);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf + 8, 0, 8));

	memset(buf, 0xee, sizeof(buf));
	kt_put(test, PAGE_SIZE, buf, sizeof(buf));
	cmd.device_data_len = 4;
	kt_put(test, 0, &cmd, sizeof(cmd));
	KUNIT_ASSERT_EQ(test, kt_fd_ioctl(st, fd, FWCTL_INFO), 0);
	kt_get(test, &cmd, 0, sizeof(cmd));
	KUNIT_EXPECT_EQ(test, cmd.device_data_len, 8U);
	kt_get(test, buf, PAGE_SIZE, sizeof(buf));
	memcpy(&got, buf, sizeof(got));
	KUNIT_EXPECT_EQ(test, got.uid, kt_fd_uctx(fd)->uid);
	KUNIT_EXPECT_EQ(test, buf[4], 0xee);
	fwctl_kunit_file_close(fd);
}

/* Allocation failures */

struct kt_nth_case {
	const char *name;
	/* Outside the armed window: everything the path needs */
	void (*prepare)(struct kunit *test);
	/* The path, in the armed window */
	int (*run)(struct kunit *test);
	/* Undo a run that succeeded, and check what it did */
	void (*undo)(struct kunit *test, int ret);
	/* Commands a successful run sends */
	unsigned int cmds;
	/* The errno of a failed user copy is allowed too */
	bool user_copy;
};

static void kt_nth_prepare_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;

	auxiliary_set_drvdata(&st->madev->adev, NULL);
}

static int kt_nth_run_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;

	return mlx5ctl_probe(&st->madev->adev, &kt_id);
}

static void kt_nth_undo_probe(struct kunit *test, int ret)
{
	struct kt_state *st = test->priv;

	if (ret) {
		KUNIT_EXPECT_NULL(test, auxiliary_get_drvdata(&st->madev->adev));
		return;
	}
	KUNIT_EXPECT_NOT_NULL(test, auxiliary_get_drvdata(&st->madev->adev));
	mlx5ctl_remove(&st->madev->adev);
	auxiliary_set_drvdata(&st->madev->adev, NULL);
}

/* Probed, with one file open */
static void kt_nth_prepare_fd(struct kunit *test)
{
	struct kt_state *st = test->priv;

	kt_probe(test);
	kt_fd_alloc(test);
	KUNIT_ASSERT_EQ(test, kt_fd_open(st, st->fds[0]), 0);
}

static void kt_nth_prepare_open(struct kunit *test)
{
	kt_probe(test);
	kt_fd_alloc(test);
}

static int kt_nth_run_open(struct kunit *test)
{
	struct kt_state *st = test->priv;

	return kt_fd_open(st, st->fds[0]);
}

static void kt_nth_undo_open(struct kunit *test, int ret)
{
	struct kt_state *st = test->priv;

	KUNIT_EXPECT_EQ(test, st->nr_live, ret ? 0U : 1U);
	fwctl_kunit_file_close(st->fds[0]);
	KUNIT_EXPECT_EQ(test, st->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, st->nr_destroyed, st->nr_created);
}

static void kt_nth_prepare_rpc(struct kunit *test, u32 in_len, u32 out_len)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_DEBUG_READ_ONLY,
		.in_len = in_len,
		.out_len = out_len,
		.in = (unsigned long)st->umem + PAGE_SIZE,
		.out = (unsigned long)st->umem + 2 * PAGE_SIZE,
	};
	u8 buf[128] = {};

	kt_nth_prepare_fd(test);
	/* Every user page touched now, so that no fault allocates later */
	kt_put(test, 2 * PAGE_SIZE, buf, sizeof(buf));
	kt_req(buf, in_len, MLX5_CMD_OP_QUERY_CQ, 0, 0);
	kt_put(test, PAGE_SIZE, buf, in_len);
	kt_put(test, 0, &rpc, sizeof(rpc));
}

static void kt_nth_prepare_rpc_in_place(struct kunit *test)
{
	kt_nth_prepare_rpc(test, 64, 32);
}

static void kt_nth_prepare_rpc_new_buffer(struct kunit *test)
{
	kt_nth_prepare_rpc(test, 32, 64);
}

static int kt_nth_run_ioctl_rpc(struct kunit *test)
{
	struct kt_state *st = test->priv;

	return kt_fd_ioctl(st, st->fds[0], FWCTL_RPC);
}

static void kt_nth_undo_rpc(struct kunit *test, int ret)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc;
	u8 resp[64];

	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, kt_last_cmd(st)->uid, kt_fd_uctx(st->fds[0])->uid);
	kt_get(test, &rpc, 0, sizeof(rpc));
	kt_get(test, resp, 2 * PAGE_SIZE, rpc.out_len);
	KUNIT_EXPECT_TRUE(test, kt_resp_ok(resp, rpc.out_len,
					   MLX5_CMD_OP_QUERY_CQ));
}

static void kt_nth_prepare_info(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_info cmd = {
		.size = sizeof(cmd),
		.device_data_len = 8,
		.out_device_data = (unsigned long)st->umem + PAGE_SIZE,
	};
	u8 buf[8] = {};

	kt_nth_prepare_fd(test);
	kt_put(test, PAGE_SIZE, buf, sizeof(buf));
	kt_put(test, 0, &cmd, sizeof(cmd));
}

static int kt_nth_run_ioctl_info(struct kunit *test)
{
	struct kt_state *st = test->priv;

	return kt_fd_ioctl(st, st->fds[0], FWCTL_INFO);
}

static void kt_nth_undo_info(struct kunit *test, int ret)
{
	struct kt_state *st = test->priv;
	struct fwctl_info_mlx5 info;

	if (ret)
		return;
	kt_get(test, &info, PAGE_SIZE, sizeof(info));
	KUNIT_EXPECT_EQ(test, info.uid, kt_fd_uctx(st->fds[0])->uid);
}

static const struct kt_nth_case kt_nth_cases[] = {
	{ "probe", kt_nth_prepare_probe, kt_nth_run_probe, kt_nth_undo_probe,
	  0, false },
	{ "open", kt_nth_prepare_open, kt_nth_run_open, kt_nth_undo_open, 1,
	  false },
	{ "rpc in place", kt_nth_prepare_rpc_in_place, kt_nth_run_ioctl_rpc,
	  kt_nth_undo_rpc, 1, true },
	{ "rpc in a new buffer", kt_nth_prepare_rpc_new_buffer,
	  kt_nth_run_ioctl_rpc, kt_nth_undo_rpc, 1, true },
	{ "info", kt_nth_prepare_info, kt_nth_run_ioctl_info, kt_nth_undo_info,
	  0, true },
};

KUNIT_ARRAY_PARAM_DESC(kt_nth, kt_nth_cases, name);

#define KT_NTH_MAX 200

/*
 * Fail the 1st, 2nd, ... allocation of the path until it has no more: each
 * time it fails with ENOMEM (or succeeds, if it could do without) and sends
 * the firmware nothing it does not undo, and the books balance after.
 */
static void kt_fail_nth(struct kunit *test, const struct kt_nth_case *c)
{
	struct kt_state *st = test->priv;
	unsigned int n, cmds;
	bool injected;
	int ret;

	fwctl_kunit_require_failslab(test);
	c->prepare(test);
	for (n = 1; n <= KT_NTH_MAX; n++) {
		cmds = st->nr_cmds;
		fwctl_kunit_fail_nth_arm(n);
		ret = c->run(test);
		injected = fwctl_kunit_fail_nth_disarm();

		if (injected)
			KUNIT_EXPECT_TRUE_MSG(test, !ret || ret == -ENOMEM ||
					      (c->user_copy && ret == -EFAULT),
					      "allocation %u failed, path returned %d",
					      n, ret);
		else
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "no fault %u", n);
		KUNIT_EXPECT_EQ_MSG(test, st->nr_cmds - cmds,
				    ret ? 0 : c->cmds, "allocation %u", n);
		c->undo(test, ret);
		KUNIT_EXPECT_EQ(test, st->nr_bad_destroys, 0U);
		KUNIT_EXPECT_EQ(test, st->nr_stale_uids, 0U);
		if (!injected)
			break;
	}
	/* The path allocates, and not without end */
	KUNIT_EXPECT_GT(test, n, 1U);
	KUNIT_EXPECT_LE(test, n, KT_NTH_MAX);
}

static void mlx5_fwctl_test_fail_nth(struct kunit *test)
{
	kt_fail_nth(test, test->param_value);
}

static struct kunit_case mlx5_fwctl_test_cases[] = {
	KUNIT_CASE(mlx5_fwctl_test_probe_remove),
	KUNIT_CASE(mlx5_fwctl_test_remove_with_open_fds),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_policy, kt_policy_gen_params),
	KUNIT_CASE(mlx5_fwctl_test_policy_sweep),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_rpc_lengths, kt_len_gen_params),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_uid_forced, kt_uid_gen_params),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_rpc_answers, kt_answer_gen_params),
	KUNIT_CASE(mlx5_fwctl_test_rpc_through_core),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_open_fails, kt_open_gen_params),
	KUNIT_CASE(mlx5_fwctl_test_uctx_pairing),
	KUNIT_CASE(mlx5_fwctl_test_uctx_pairing_core),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_uctx_caps, kt_caps_gen_params),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_destroy_fails, kt_destroy_gen_params),
	KUNIT_CASE(mlx5_fwctl_test_info),
	KUNIT_CASE_PARAM(mlx5_fwctl_test_fail_nth, kt_nth_gen_params),
	KUNIT_CASE(mlx5_fwctl_test_vmalloc_response),
	KUNIT_CASE(mlx5_fwctl_test_fuzz),
	{}
};

static struct kunit_suite mlx5_fwctl_test_suite = {
	.name = "mlx5_fwctl",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = mlx5_fwctl_test_cases,
};

kunit_test_suite(mlx5_fwctl_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the mlx5 fwctl driver");
MODULE_LICENSE("GPL");
