// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the fwctl core, driven through a test driver whose every
 * callback is counted and whose failures are chosen per test. The ioctls run
 * against real user memory mapped into the test thread.
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fwctl.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "fwctl_internal.h"
#include "fwctl_kunit_driver.h"

#define KT_DEVICE_TYPE FWCTL_DEVICE_TYPE_BNXT
#define KT_INFO_LEN 16
#define KT_INFO_BYTE 0xa5
#define KT_USER_LEN (FWCTL_MAX_RPC_LEN + 2 * PAGE_SIZE)

enum kt_rpc_mode {
	KT_RPC_IN_PLACE,	/* answer in the request buffer */
	KT_RPC_NEW_BUFFER,	/* answer in a new, larger buffer */
	KT_RPC_ERROR,
	KT_RPC_NULL,		/* a driver bug: NULL instead of ERR_PTR */
	KT_RPC_HUGE_LEN,	/* a driver bug: claims a 4 MiB response */
	KT_RPC_OVERRUN,		/* a driver bug: in place, longer than the request */
	KT_RPC_VMALLOC,		/* answer in a vmalloc() buffer */
	KT_RPC_IN_PLACE_FULL,	/* in place, claiming the caller's whole out_len */
	KT_RPC_ERRNO,		/* fail with kt_state.rpc_errno */
};

enum kt_info_mode {
	KT_INFO_OK,
	KT_INFO_ERROR,
	KT_INFO_NULL,		/* a driver bug: NULL with a length */
	KT_INFO_VMALLOC,	/* the data in a vmalloc() buffer */
	KT_INFO_KVMALLOC,	/* the data in a kvmalloc() buffer */
};

struct kt_state {
	struct fwctl_device *fwctl;
	bool registered;
	char __user *umem;
	int open_err;
	enum kt_info_mode info_mode;
	enum kt_rpc_mode rpc_mode;
	size_t new_buffer_len;
	int rpc_errno;
	int nr_open;
	int nr_close;
	int nr_info;
	int nr_rpc;
	enum fwctl_rpc_scope last_scope;
	int nr_taint_reports;
	bool reported_under_lock;
};

struct kt_device {
	struct fwctl_device fwctl;
	struct kt_state *st;
};

struct kt_uctx {
	struct fwctl_uctx uctx;
	u64 driver_data;
};

static struct kt_state *kt_state(struct fwctl_uctx *uctx)
{
	return container_of(uctx->fwctl, struct kt_device, fwctl)->st;
}

static int kt_open_uctx(struct fwctl_uctx *uctx)
{
	struct kt_state *st = kt_state(uctx);

	if (st->open_err)
		return st->open_err;
	st->nr_open++;
	return 0;
}

static void kt_close_uctx(struct fwctl_uctx *uctx)
{
	kt_state(uctx)->nr_close++;
}

static void *kt_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct kt_state *st = kt_state(uctx);
	void *data;

	st->nr_info++;
	if (st->info_mode == KT_INFO_ERROR)
		return ERR_PTR(-EIO);
	*length = KT_INFO_LEN;
	switch (st->info_mode) {
	case KT_INFO_NULL:
		return NULL;
	case KT_INFO_VMALLOC:
		data = vmalloc(KT_INFO_LEN);
		break;
	case KT_INFO_KVMALLOC:
		data = kvmalloc(KT_INFO_LEN, GFP_KERNEL);
		break;
	default:
		data = kmalloc(KT_INFO_LEN, GFP_KERNEL);
		break;
	}
	if (!data)
		return ERR_PTR(-ENOMEM);
	memset(data, KT_INFO_BYTE, KT_INFO_LEN);
	return data;
}

static void *kt_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		       void *rpc_in, size_t in_len, size_t *out_len)
{
	struct kt_state *st = kt_state(uctx);
	u8 *resp;

	st->nr_rpc++;
	st->last_scope = scope;
	switch (st->rpc_mode) {
	case KT_RPC_IN_PLACE:
		*out_len = in_len;
		return rpc_in;
	case KT_RPC_NEW_BUFFER:
		resp = kvmalloc(st->new_buffer_len, GFP_KERNEL);
		if (!resp)
			return ERR_PTR(-ENOMEM);
		memset(resp, 0x3c, st->new_buffer_len);
		*out_len = st->new_buffer_len;
		return resp;
	case KT_RPC_ERROR:
		return ERR_PTR(-EBADMSG);
	case KT_RPC_NULL:
		return NULL;
	case KT_RPC_HUGE_LEN:
		*out_len = 2 * FWCTL_MAX_RPC_LEN;
		return rpc_in;
	case KT_RPC_OVERRUN:
		*out_len = in_len + 1;
		return rpc_in;
	case KT_RPC_VMALLOC:
		resp = vmalloc(st->new_buffer_len);
		if (!resp)
			return ERR_PTR(-ENOMEM);
		memset(resp, 0x3c, st->new_buffer_len);
		*out_len = st->new_buffer_len;
		return resp;
	case KT_RPC_IN_PLACE_FULL:
		/* Claims more than the request; writes none of the rest */
		*out_len += st->new_buffer_len;
		return rpc_in;
	case KT_RPC_ERRNO:
		return ERR_PTR(st->rpc_errno);
	}
	return ERR_PTR(-EINVAL);
}

/* What the test driver returns beyond the core's errnos */
static const int kt_errnos[] = { EBADMSG };

static const struct fwctl_ops kt_ops = {
	.device_type = KT_DEVICE_TYPE,
	.uctx_size = sizeof(struct kt_uctx),
	.open_uctx = kt_open_uctx,
	.close_uctx = kt_close_uctx,
	.info = kt_info,
	.fw_rpc = kt_fw_rpc,
	.errnos = kt_errnos,
	.nr_errnos = ARRAY_SIZE(kt_errnos),
};

static const struct fwctl_ops kt_ops_in_place = {
	.device_type = KT_DEVICE_TYPE,
	.uctx_size = sizeof(struct kt_uctx),
	.open_uctx = kt_open_uctx,
	.close_uctx = kt_close_uctx,
	.info = kt_info,
	.fw_rpc = kt_fw_rpc,
	.errnos = kt_errnos,
	.nr_errnos = ARRAY_SIZE(kt_errnos),
	.answers_in_place = true,
};

/* A driver that lists no errnos of its own, as upstream's do */
static const struct fwctl_ops kt_ops_no_info = {
	.device_type = KT_DEVICE_TYPE,
	.uctx_size = sizeof(struct kt_uctx),
	.open_uctx = kt_open_uctx,
	.close_uctx = kt_close_uctx,
	.fw_rpc = kt_fw_rpc,
};

static struct fwctl_device *kt_alloc(struct kunit *test,
				     const struct fwctl_ops *ops)
{
	struct kt_state *st = test->priv;
	struct device *parent;
	struct kt_device *kdev;

	parent = kunit_device_register(test, "fwctl-kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);
	kdev = fwctl_alloc_device(parent, ops, struct kt_device, fwctl);
	KUNIT_ASSERT_NOT_NULL(test, kdev);
	kdev->st = st;
	return &kdev->fwctl;
}

/* A registered device with the full test ops, torn down by kt_exit() */
static struct fwctl_device *kt_setup(struct kunit *test,
				     const struct fwctl_ops *ops)
{
	struct kt_state *st = test->priv;

	st->fwctl = kt_alloc(test, ops);
	KUNIT_ASSERT_EQ(test, fwctl_register(st->fwctl), 0);
	st->registered = true;
	return st->fwctl;
}

static void kt_unregister(struct kt_state *st)
{
	if (st->registered) {
		fwctl_unregister(st->fwctl);
		st->registered = false;
	}
}

static struct fwctl_uctx *kt_open(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_uctx *uctx = fwctl_uctx_open(st->fwctl);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, uctx);
	return uctx;
}

static int kt_init(struct kunit *test)
{
	struct kt_state *st;
	unsigned long addr;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	test->priv = st;

	addr = fwctl_kunit_user_map(test, KT_USER_LEN);
	if (!addr)
		return -ENOMEM;
	st->umem = (char __user *)addr;
	return 0;
}

static void kt_exit(struct kunit *test)
{
	struct kt_state *st = test->priv;

	if (!st->fwctl)
		return;
	kt_unregister(st);
	fwctl_put(st->fwctl);
}

/* Copy @len bytes of @src to the user buffer at @off and return its address */
static unsigned long kt_put(struct kunit *test, size_t off, const void *src,
			    size_t len)
{
	struct kt_state *st = test->priv;

	KUNIT_ASSERT_EQ(test, copy_to_user(st->umem + off, src, len), 0);
	return (unsigned long)(st->umem + off);
}

static void kt_get(struct kunit *test, void *dst, unsigned long uaddr,
		   size_t len)
{
	KUNIT_ASSERT_EQ(test,
			copy_from_user(dst, (void __user *)uaddr, len), 0);
}

static void fwctl_test_alloc_names_device(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_device *fwctl = kt_setup(test, &kt_ops);
	char name[16];

	snprintf(name, sizeof(name), "fwctl%u", MINOR(fwctl->dev.devt));
	KUNIT_EXPECT_STREQ(test, dev_name(&fwctl->dev), name);
	KUNIT_EXPECT_STREQ(test, fwctl->dev.class->name, "fwctl");
	KUNIT_EXPECT_PTR_EQ(test, fwctl->ops, &kt_ops);
	KUNIT_EXPECT_EQ(test, st->nr_open, 0);
}

static void fwctl_test_alloc_rejects_bad_ops(struct kunit *test)
{
	static const struct fwctl_ops no_rpc = {
		.uctx_size = sizeof(struct kt_uctx),
		.open_uctx = kt_open_uctx,
		.close_uctx = kt_close_uctx,
	};
	static const struct fwctl_ops small_uctx = {
		.uctx_size = sizeof(struct fwctl_uctx) - 1,
		.open_uctx = kt_open_uctx,
		.close_uctx = kt_close_uctx,
		.fw_rpc = kt_fw_rpc,
	};
	struct device *parent = kunit_device_register(test, "fwctl-kunit");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);
	KUNIT_EXPECT_NULL(test, _fwctl_alloc_device(parent, &no_rpc,
						    sizeof(struct kt_device)));
	KUNIT_EXPECT_NULL(test, _fwctl_alloc_device(parent, &small_uctx,
						    sizeof(struct kt_device)));
	KUNIT_EXPECT_NULL(test, _fwctl_alloc_device(parent, &kt_ops,
						    sizeof(struct fwctl_device) - 1));
}

/* Minors come from a bounded IDA and are reused once a device is freed */
static void fwctl_test_minor_exhaustion(struct kunit *test)
{
	struct fwctl_device **devs;
	struct fwctl_device *again;
	unsigned int n = 0, i, freed_minor;
	struct device *parent;

	parent = kunit_device_register(test, "fwctl-kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);
	devs = kunit_kcalloc(test, 4097, sizeof(*devs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, devs);

	while (n < 4097) {
		devs[n] = _fwctl_alloc_device(parent, &kt_ops,
					      sizeof(struct kt_device));
		if (!devs[n])
			break;
		KUNIT_EXPECT_LT(test, MINOR(devs[n]->dev.devt), 4096U);
		n++;
	}
	/* Other fwctl devices may hold some minors, never more than 4096 */
	KUNIT_EXPECT_GT(test, n, 0U);
	KUNIT_EXPECT_LT(test, n, 4097U);

	if (n) {
		freed_minor = MINOR(devs[n / 2]->dev.devt);
		fwctl_put(devs[n / 2]);
		again = _fwctl_alloc_device(parent, &kt_ops,
					    sizeof(struct kt_device));
		KUNIT_EXPECT_NOT_NULL(test, again);
		if (again) {
			KUNIT_EXPECT_EQ(test, MINOR(again->dev.devt),
					freed_minor);
			devs[n / 2] = again;
		}
	}
	for (i = 0; i < n; i++)
		if (devs[i])
			fwctl_put(devs[i]);
}

static void fwctl_test_open_close(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_device *fwctl = kt_setup(test, &kt_ops);
	struct fwctl_uctx *a = kt_open(test);
	struct fwctl_uctx *b = kt_open(test);

	KUNIT_EXPECT_PTR_EQ(test, a->fwctl, fwctl);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, st->nr_open, 2);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&fwctl->uctx_list), 2);

	fwctl_uctx_release(a);
	KUNIT_EXPECT_EQ(test, st->nr_close, 1);
	fwctl_uctx_release(b);
	KUNIT_EXPECT_EQ(test, st->nr_close, 2);
	KUNIT_EXPECT_TRUE(test, list_empty(&fwctl->uctx_list));
}

static void fwctl_test_open_error(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_device *fwctl = kt_setup(test, &kt_ops);

	st->open_err = -EIO;
	KUNIT_EXPECT_PTR_EQ(test, fwctl_uctx_open(fwctl), ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, st->nr_close, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&fwctl->uctx_list));
}

/*
 * Unregister closes every open context at once; the FDs then fail with
 * ENODEV, releasing them does not close twice, and the device memory stays
 * valid until the last of them is gone (KASAN would see a use after free).
 */
static void fwctl_test_unregister_orphans_uctx(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_device *fwctl = kt_setup(test, &kt_ops);
	struct fwctl_uctx *a = kt_open(test);
	struct fwctl_uctx *b = kt_open(test);
	struct fwctl_info info = { .size = sizeof(info) };
	unsigned long uinfo = kt_put(test, 0, &info, sizeof(info));

	kt_unregister(st);
	KUNIT_EXPECT_EQ(test, st->nr_close, 2);
	KUNIT_EXPECT_NULL(test, fwctl->ops);
	KUNIT_EXPECT_PTR_EQ(test, fwctl_uctx_open(fwctl), ERR_PTR(-ENODEV));

	/* The driver lets go of its reference; the FDs still hold theirs */
	fwctl_put(fwctl);
	st->fwctl = NULL;
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(a, FWCTL_INFO, uinfo),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, st->nr_info, 0);

	fwctl_uctx_release(a);
	fwctl_uctx_release(b);
	KUNIT_EXPECT_EQ(test, st->nr_close, 2);
}

struct kt_dispatch_case {
	const char *name;
	unsigned int cmd;
	u32 size;
	u8 tail_byte;	/* written past the struct when size is larger */
	int expected;
};

static const struct kt_dispatch_case kt_dispatch_cases[] = {
	{ "unknown nr", _IO(FWCTL_TYPE, 2), 24, 0, -ENOTTY },
	{ "unknown type", _IO(FWCTL_TYPE + 1, FWCTL_CMD_INFO), 24, 0, -ENOTTY },
	{ "sized encoding", _IOWR(FWCTL_TYPE, FWCTL_CMD_INFO, struct fwctl_info),
	  24, 0, -ENOTTY },
	{ "info size 0", FWCTL_INFO, 0, 0, -EINVAL },
	{ "info below min", FWCTL_INFO, 23, 0, -EINVAL },
	{ "info exact", FWCTL_INFO, 24, 0, 0 },
	{ "info zero tail", FWCTL_INFO, 32, 0, 0 },
	{ "info page tail", FWCTL_INFO, PAGE_SIZE, 0, 0 },
	{ "info dirty tail", FWCTL_INFO, 25, 1, -E2BIG },
	{ "info dirty far tail", FWCTL_INFO, PAGE_SIZE, 0x80, -E2BIG },
	{ "rpc below min", FWCTL_RPC, 31, 0, -EINVAL },
	{ "rpc exact", FWCTL_RPC, 32, 0, 0 },
	{ "rpc zero tail", FWCTL_RPC, 40, 0, 0 },
	{ "rpc dirty tail", FWCTL_RPC, 33, 0xff, -E2BIG },
};

KUNIT_ARRAY_PARAM_DESC(kt_dispatch, kt_dispatch_cases, name);

/* The struct size rules, the same for every ioctl */
static void fwctl_test_dispatch(struct kunit *test)
{
	const struct kt_dispatch_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_uctx *uctx;
	u8 *buf;
	long ret;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);

	/* A valid INFO or RPC (an empty in-place echo) fills the first bytes */
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, &c->size, sizeof(c->size));
	if (c->tail_byte)
		buf[c->size - 1] = c->tail_byte;
	kt_put(test, 0, buf, PAGE_SIZE);

	ret = fwctl_uctx_ioctl(uctx, c->cmd, (unsigned long)st->umem);
	KUNIT_EXPECT_EQ(test, ret, c->expected);
	fwctl_uctx_release(uctx);
}

static void fwctl_test_dispatch_efault(struct kunit *test)
{
	struct fwctl_uctx *uctx;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_INFO, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, 8), -EFAULT);
	fwctl_uctx_release(uctx);
}

/* Only min(size, sizeof(struct)) bytes are written back */
static void fwctl_test_respond_bounded(struct kunit *test)
{
	struct fwctl_info info = { .size = sizeof(info) + 8 };
	struct fwctl_uctx *uctx;
	unsigned long uinfo;
	u8 back[sizeof(info) + 8];

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);
	memset(back, 0, sizeof(back));
	memcpy(back, &info, sizeof(info));
	uinfo = kt_put(test, 0, back, sizeof(back));

	KUNIT_ASSERT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_INFO, uinfo), 0);
	kt_get(test, back, uinfo, sizeof(back));
	memcpy(&info, back, sizeof(info));
	KUNIT_EXPECT_EQ(test, info.out_device_type, KT_DEVICE_TYPE);
	KUNIT_EXPECT_EQ(test, info.size, (u32)sizeof(info) + 8);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(back + sizeof(info), 0, 8));
	fwctl_uctx_release(uctx);
}

struct kt_info_case {
	const char *name;
	u32 user_len;
	bool no_info_op;
	enum kt_info_mode mode;
	int expected;
};

static const struct kt_info_case kt_info_cases[] = {
	{ "type only", 0, false, KT_INFO_OK, 0 },
	{ "short buffer", 8, false, KT_INFO_OK, 0 },
	{ "exact buffer", KT_INFO_LEN, false, KT_INFO_OK, 0 },
	{ "long buffer", 100, false, KT_INFO_OK, 0 },
	{ "driver has no info", 40, true, KT_INFO_OK, 0 },
	{ "driver info fails", 40, false, KT_INFO_ERROR, -EIO },
	{ "driver info NULL", 40, false, KT_INFO_NULL, -EIO },
	{ "driver info from vmalloc", 40, false, KT_INFO_VMALLOC, 0 },
	{ "driver info from kvmalloc", 40, false, KT_INFO_KVMALLOC, 0 },
	{ "type only, info would fail", 0, false, KT_INFO_ERROR, 0 },
};

KUNIT_ARRAY_PARAM_DESC(kt_info, kt_info_cases, name);

static void fwctl_test_info(struct kunit *test)
{
	const struct kt_info_case *c = test->param_value;
	struct kt_state *st = test->priv;
	size_t data_len = c->no_info_op || !c->user_len ? 0 : KT_INFO_LEN;
	size_t copied = min_t(size_t, data_len, c->user_len);
	struct fwctl_info info;
	struct fwctl_uctx *uctx;
	unsigned long uinfo, udata;
	u8 *data;

	kt_setup(test, c->no_info_op ? &kt_ops_no_info : &kt_ops);
	st->info_mode = c->mode;
	uctx = kt_open(test);

	data = kunit_kmalloc(test, 128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	memset(data, 0x77, 128);
	udata = kt_put(test, 256, data, 128);
	info = (struct fwctl_info){
		.size = sizeof(info),
		.device_data_len = c->user_len,
		.out_device_data = udata,
	};
	uinfo = kt_put(test, 0, &info, sizeof(info));

	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_INFO, uinfo),
			c->expected);
	KUNIT_EXPECT_EQ(test, st->nr_info,
			!c->no_info_op && c->user_len ? 1 : 0);
	if (c->expected)
		goto out;

	kt_get(test, &info, uinfo, sizeof(info));
	kt_get(test, data, udata, 128);
	KUNIT_EXPECT_EQ(test, info.out_device_type, KT_DEVICE_TYPE);
	KUNIT_EXPECT_EQ(test, info.device_data_len, c->user_len ? data_len : 0);
	/* Driver bytes, then zeros up to the caller's length, then untouched */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(data, KT_INFO_BYTE, copied));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(data + copied, 0,
					    c->user_len - copied));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(data + c->user_len, 0x77,
					    128 - c->user_len));
out:
	fwctl_uctx_release(uctx);
}

static void fwctl_test_info_flags(struct kunit *test)
{
	struct fwctl_info info = { .size = sizeof(info), .flags = 1 };
	struct kt_state *st = test->priv;
	struct fwctl_uctx *uctx;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_INFO,
					       kt_put(test, 0, &info,
						      sizeof(info))),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, st->nr_info, 0);
	fwctl_uctx_release(uctx);
}

struct kt_rpc_case {
	const char *name;
	u32 scope;
	u32 in_len;
	u32 out_len;
	enum kt_rpc_mode mode;
	size_t new_buffer_len;
	bool drop_rawio;
	int expected;
	bool in_place_ops;	/* the driver sets answers_in_place */
};

static const struct kt_rpc_case kt_rpc_cases[] = {
	{ "in place", FWCTL_RPC_CONFIGURATION, 64, 64, KT_RPC_IN_PLACE, 0,
	  false, 0 },
	{ "in place, short out", FWCTL_RPC_DEBUG_READ_ONLY, 64, 10,
	  KT_RPC_IN_PLACE, 0, false, 0 },
	{ "empty", FWCTL_RPC_CONFIGURATION, 0, 0, KT_RPC_IN_PLACE, 0, false,
	  0 },
	{ "new buffer", FWCTL_RPC_CONFIGURATION, 16, 4096, KT_RPC_NEW_BUFFER,
	  300, false, 0 },
	{ "new buffer, truncated", FWCTL_RPC_CONFIGURATION, 16, 100,
	  KT_RPC_NEW_BUFFER, 3000, false, 0 },
	{ "maximum lengths", FWCTL_RPC_CONFIGURATION, FWCTL_MAX_RPC_LEN,
	  FWCTL_MAX_RPC_LEN, KT_RPC_IN_PLACE, 0, false, 0 },
	{ "in_len too big", FWCTL_RPC_CONFIGURATION, FWCTL_MAX_RPC_LEN + 1, 0,
	  KT_RPC_IN_PLACE, 0, false, -EMSGSIZE },
	{ "out_len too big", FWCTL_RPC_CONFIGURATION, 0, FWCTL_MAX_RPC_LEN + 1,
	  KT_RPC_IN_PLACE, 0, false, -EMSGSIZE },
	{ "unknown scope", FWCTL_RPC_DEBUG_WRITE_FULL + 1, 8, 8,
	  KT_RPC_IN_PLACE, 0, false, -EOPNOTSUPP },
	{ "scope ~0", ~0U, 8, 8, KT_RPC_IN_PLACE, 0, false, -EOPNOTSUPP },
	{ "write full without CAP_SYS_RAWIO", FWCTL_RPC_DEBUG_WRITE_FULL, 8, 8,
	  KT_RPC_IN_PLACE, 0, true, -EPERM },
	{ "driver error", FWCTL_RPC_CONFIGURATION, 8, 8, KT_RPC_ERROR, 0,
	  false, -EBADMSG },
	{ "driver returns NULL", FWCTL_RPC_CONFIGURATION, 8, 8, KT_RPC_NULL, 0,
	  false, -EIO },
	{ "driver claims 4 MiB", FWCTL_RPC_CONFIGURATION, 8, 8,
	  KT_RPC_HUGE_LEN, 0, false, -EIO },
	{ "driver overruns in place", FWCTL_RPC_CONFIGURATION, 8, 64,
	  KT_RPC_OVERRUN, 0, false, -EIO },
	{ "vmalloc buffer", FWCTL_RPC_CONFIGURATION, 16, 4096, KT_RPC_VMALLOC,
	  300, false, 0 },
	{ "in place, up to out_len", FWCTL_RPC_CONFIGURATION, 8, 64,
	  KT_RPC_IN_PLACE_FULL, 0, false, 0, true },
	{ "in place, past out_len", FWCTL_RPC_CONFIGURATION, 8, 64,
	  KT_RPC_IN_PLACE_FULL, 1, false, -EIO, true },
	/* ksize() would say 64: the core goes by the size it asked for */
	{ "in place, past the buffer in its slab bucket",
	  FWCTL_RPC_CONFIGURATION, 40, 40, KT_RPC_IN_PLACE_FULL, 24, false,
	  -EIO, true },
	{ "in place, in_len above out_len", FWCTL_RPC_CONFIGURATION, 64, 8,
	  KT_RPC_IN_PLACE, 0, false, 0, true },
};

KUNIT_ARRAY_PARAM_DESC(kt_rpc, kt_rpc_cases, name);

/*
 * Run as a task without CAP_SYS_RAWIO in its effective set until
 * revert_creds(); returns the credentials to restore, or NULL.
 */
static const struct cred *kt_drop_rawio(void)
{
	struct cred *new = prepare_creds();
	const struct cred *old;

	if (!new)
		return NULL;
	cap_lower(new->cap_effective, CAP_SYS_RAWIO);
	old = override_creds(new);
	/* override_creds() took its own reference */
	put_cred(new);
	return old;
}

/* Run one RPC with CAP_SYS_RAWIO dropped from the effective set */
static long kt_ioctl_without_rawio(struct fwctl_uctx *uctx, unsigned int cmd,
				   unsigned long arg)
{
	const struct cred *old = kt_drop_rawio();
	long ret;

	if (!old)
		return -ENOMEM;
	ret = fwctl_uctx_ioctl(uctx, cmd, arg);
	revert_creds(old);
	return ret;
}

/*
 * RPC length and scope rules and the response copy. The tainting scopes are
 * left to fwctl_test_taint_reported_unlocked().
 */
static void fwctl_test_rpc(struct kunit *test)
{
	const struct kt_rpc_case *c = test->param_value;
	struct kt_state *st = test->priv;
	bool new_buffer = c->mode == KT_RPC_NEW_BUFFER ||
			  c->mode == KT_RPC_VMALLOC;
	size_t resp_len = new_buffer ? c->new_buffer_len : c->in_len;
	size_t copied, from_req;
	size_t in_off = PAGE_SIZE, out_off = PAGE_SIZE;
	struct fwctl_uctx *uctx;
	struct fwctl_rpc rpc;
	unsigned long urpc;
	u8 *out;
	long ret;

	if (c->mode == KT_RPC_IN_PLACE_FULL)
		resp_len = c->out_len + c->new_buffer_len;
	copied = min_t(size_t, resp_len, c->out_len);
	/* In place, the bytes past the request are the core's zeros */
	from_req = min_t(size_t, copied, c->in_len);

	kt_setup(test, c->in_place_ops ? &kt_ops_in_place : &kt_ops);
	st->rpc_mode = c->mode;
	st->new_buffer_len = c->new_buffer_len;
	uctx = kt_open(test);

	/* The request is 0x11 bytes, the out buffer starts as 0x22 */
	out = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	memset(out, 0x22, PAGE_SIZE);
	kt_put(test, out_off, out, PAGE_SIZE);
	memset(out, 0x11, PAGE_SIZE);
	if (c->in_len <= PAGE_SIZE) {
		in_off = 2 * PAGE_SIZE;
		kt_put(test, in_off, out, PAGE_SIZE);
	}
	rpc = (struct fwctl_rpc){
		.size = sizeof(rpc),
		.scope = c->scope,
		.in_len = c->in_len,
		.out_len = c->out_len,
		.in = (unsigned long)st->umem + in_off,
		.out = (unsigned long)st->umem + out_off,
	};
	urpc = kt_put(test, 0, &rpc, sizeof(rpc));

	if (c->drop_rawio)
		ret = kt_ioctl_without_rawio(uctx, FWCTL_RPC, urpc);
	else
		ret = fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc);
	KUNIT_EXPECT_EQ(test, ret, c->expected);
	if (c->expected == -EMSGSIZE || c->expected == -EOPNOTSUPP ||
	    c->expected == -EPERM)
		KUNIT_EXPECT_EQ(test, st->nr_rpc, 0);
	if (ret)
		goto out;

	KUNIT_EXPECT_EQ(test, st->last_scope, c->scope);
	kt_get(test, &rpc, urpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, rpc.out_len, resp_len);
	if (c->in_len <= PAGE_SIZE) {
		kt_get(test, out, (unsigned long)st->umem + out_off,
		       PAGE_SIZE);
		if (new_buffer) {
			KUNIT_EXPECT_TRUE(test, !memchr_inv(out, 0x3c, copied));
		} else {
			KUNIT_EXPECT_TRUE(test, !memchr_inv(out, 0x11, from_req));
			KUNIT_EXPECT_TRUE(test, !memchr_inv(out + from_req, 0,
							    copied - from_req));
		}
		KUNIT_EXPECT_TRUE(test, !memchr_inv(out + copied, 0x22,
						    PAGE_SIZE - copied));
	}
out:
	fwctl_uctx_release(uctx);
}

/* The field rules of FWCTL_RPC, straight from its specification */
static void fwctl_test_spec_validate(struct kunit *test)
{
	struct fwctl_rpc rpc = { .size = sizeof(rpc) };
	const struct cred *old;
	u32 scope;

	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		rpc.scope = scope;
		KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true),
				0);
	}
	rpc.scope = FWCTL_RPC_DEBUG_WRITE_FULL + 1;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true),
			-EOPNOTSUPP);
	rpc.scope = ~0U;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true),
			-EOPNOTSUPP);

	rpc.scope = FWCTL_RPC_CONFIGURATION;
	rpc.in_len = FWCTL_MAX_RPC_LEN;
	rpc.out_len = FWCTL_MAX_RPC_LEN;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true), 0);
	rpc.out_len = FWCTL_MAX_RPC_LEN + 1;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true),
			-EMSGSIZE);
	rpc.out_len = 0;

	old = kt_drop_rawio();
	KUNIT_ASSERT_NOT_NULL(test, old);
	rpc.scope = FWCTL_RPC_DEBUG_WRITE;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true), 0);
	rpc.scope = FWCTL_RPC_DEBUG_WRITE_FULL;
	KUNIT_EXPECT_EQ(test, fwctl_spec_validate(&fwctl_rpc_spec, &rpc, true),
			-EPERM);
	revert_creds(old);
}

/* Every rule is in the order exactly once, and the order names nothing else */
static void kt_check_order(struct kunit *test,
			   const struct fwctl_ioctl_spec *spec)
{
	unsigned int i, j, seen;
	bool rule;

	for (j = 0; j <= spec->nr_fields; j++) {
		/* j == nr_fields stands for FWCTL_RULE_ATTACHED */
		rule = j == spec->nr_fields ||
		       spec->fields[j].check == FWCTL_CHECK_ZERO ||
		       spec->fields[j].check == FWCTL_CHECK_ENUM ||
		       spec->fields[j].check == FWCTL_CHECK_MAX;
		seen = 0;
		for (i = 0; i != spec->nr_order; i++)
			if (spec->order[i] == (j == spec->nr_fields ?
					       FWCTL_RULE_ATTACHED : j))
				seen++;
		KUNIT_EXPECT_EQ_MSG(test, seen, rule ? 1U : 0U, "%s rule %u",
				    spec->name, j);
	}
	for (i = 0; i != spec->nr_order; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      spec->order[i] == FWCTL_RULE_ATTACHED ||
				      spec->order[i] < spec->nr_fields,
				      "%s order[%u]", spec->name, i);
}

/*
 * Each specification covers its struct field by field with no gap or
 * overlap, every field's errno is one the ioctl lists, and the length
 * field of every user pointer is a length.
 */
static void fwctl_test_spec_consistent(struct kunit *test)
{
	const struct fwctl_ioctl_spec *specs[] = {
		&fwctl_info_spec, &fwctl_rpc_spec,
	};
	const struct fwctl_field_spec *f;
	unsigned int i, j, end;

	for (i = 0; i != ARRAY_SIZE(specs); i++) {
		end = 0;
		KUNIT_EXPECT_LE(test, specs[i]->min_size, specs[i]->size);
		KUNIT_EXPECT_EQ(test, specs[i]->fields[0].check,
				FWCTL_CHECK_SIZE);
		for (j = 0; j != specs[i]->nr_fields; j++) {
			f = &specs[i]->fields[j];
			KUNIT_EXPECT_EQ_MSG(test, f->offset, end, "%s.%s",
					    specs[i]->name, f->name);
			end = f->offset + f->size;
			if (f->err)
				KUNIT_EXPECT_NOT_NULL_MSG(test, fwctl_spec_errno(specs[i], f->err),
							  "%s.%s", specs[i]->name,
							  f->name);
			if (f->check == FWCTL_CHECK_UPTR)
				KUNIT_EXPECT_EQ(test, specs[i]->fields[f->len_field].size,
						4);
		}
		KUNIT_EXPECT_EQ(test, end, specs[i]->size);
		KUNIT_EXPECT_NOT_NULL(test, fwctl_spec_errno(specs[i], ENOTTY));
		kt_check_order(test, specs[i]);
	}
}

/*
 * A tainting RPC that never reaches the driver (too long, or on an orphaned
 * FD) does not taint: the core's count of tainting RPCs stays, and so does
 * the taint flag if it was clear.
 */
static void fwctl_test_taint_only_when_delivered(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_DEBUG_WRITE,
		.in_len = FWCTL_MAX_RPC_LEN + 1,
	};
	int tainting = atomic_read(&fwctl_counters.tainting_rpcs);
	bool tainted = test_taint(TAINT_FWCTL);
	struct fwctl_uctx *uctx;
	unsigned long urpc;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);
	urpc = kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc),
			-EMSGSIZE);

	rpc.in_len = 8;
	rpc.in = (unsigned long)st->umem + PAGE_SIZE;
	urpc = kt_put(test, 0, &rpc, sizeof(rpc));
	kt_unregister(st);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc), -ENODEV);

	KUNIT_EXPECT_EQ(test, atomic_read(&fwctl_counters.tainting_rpcs),
			tainting);
	KUNIT_EXPECT_EQ(test, test_taint(TAINT_FWCTL), tainted);
	KUNIT_EXPECT_EQ(test, uctx->taint_logged, 0UL);
	KUNIT_EXPECT_EQ(test, st->nr_rpc, 0);
	fwctl_uctx_release(uctx);
}

static void kt_report_taint(struct fwctl_uctx *uctx, u32 scope)
{
	struct kt_state *st = kt_state(uctx);

	st->nr_taint_reports++;
	if (rwsem_is_locked(&uctx->fwctl->registration_lock))
		st->reported_under_lock = true;
}

/*
 * A delivered tainting RPC taints and counts every time; the first at each
 * scope on an FD is logged and audited, and that happens with
 * registration_lock dropped, since audit can sleep for a minute when its
 * backlog is full and fwctl_unregister() would wait that long. The report
 * itself is replaced by a stub that sees whether the lock is held.
 */
static void fwctl_test_taint_reported_unlocked(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_DEBUG_WRITE,
		.in_len = 8,
		.out_len = 8,
		.in = (unsigned long)st->umem + PAGE_SIZE,
		.out = (unsigned long)st->umem + 2 * PAGE_SIZE,
	};
	int tainting = atomic_read(&fwctl_counters.tainting_rpcs);
	struct fwctl_uctx *uctx;
	unsigned long urpc;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);
	kunit_activate_static_stub(test, fwctl_rpc_report_taint,
				   kt_report_taint);

	urpc = kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc), 0);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc), 0);
	KUNIT_EXPECT_EQ(test, st->nr_taint_reports, 1);
	rpc.scope = FWCTL_RPC_DEBUG_WRITE_FULL;
	urpc = kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc), 0);
	KUNIT_EXPECT_EQ(test, st->nr_taint_reports, 2);
	rpc.scope = FWCTL_RPC_DEBUG_READ_ONLY;
	urpc = kt_put(test, 0, &rpc, sizeof(rpc));
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC, urpc), 0);

	KUNIT_EXPECT_EQ(test, st->nr_taint_reports, 2);
	KUNIT_EXPECT_FALSE(test, st->reported_under_lock);
	KUNIT_EXPECT_EQ(test, st->nr_rpc, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&fwctl_counters.tainting_rpcs) -
			tainting, 3);
	KUNIT_EXPECT_TRUE(test, test_taint(TAINT_FWCTL));
	fwctl_uctx_release(uctx);
}

#define KT_TOO_LONG (FWCTL_MAX_RPC_LEN + 1)

struct kt_order_case {
	const char *name;
	unsigned int cmd;
	u32 size;		/* 0: the struct's own */
	u32 word1;		/* flags or scope */
	u32 in_len;
	u32 out_len;
	bool dirty_tail;	/* a non-zero byte past the struct */
	bool orphaned;
	bool drop_rawio;
	int expected;
};

/*
 * Calls that break two rules at once get the errno upstream gives them:
 * the struct size rules, then ENODEV, then the lengths, then the scope.
 */
static const struct kt_order_case kt_order_cases[] = {
	{ "info: orphaned, bad flags", FWCTL_INFO, 0, 1, 0, 0, false, true,
	  false, -ENODEV },
	{ "info: short size, orphaned", FWCTL_INFO, 23, 0, 0, 0, false, true,
	  false, -EINVAL },
	{ "info: dirty tail, orphaned", FWCTL_INFO, 32, 0, 0, 0, true, true,
	  false, -E2BIG },
	{ "info: dirty tail, bad flags", FWCTL_INFO, 32, 1, 0, 0, true, false,
	  false, -E2BIG },
	{ "rpc: orphaned, unknown scope", FWCTL_RPC, 0, 99, 8, 8, false, true,
	  false, -ENODEV },
	{ "rpc: orphaned, in_len too long", FWCTL_RPC, 0, 0, KT_TOO_LONG, 8,
	  false, true, false, -ENODEV },
	{ "rpc: orphaned, out_len too long", FWCTL_RPC, 0, 0, 8, KT_TOO_LONG,
	  false, true, false, -ENODEV },
	{ "rpc: orphaned, no CAP_SYS_RAWIO", FWCTL_RPC, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, 8, 8, false, true, true, -ENODEV },
	{ "rpc: short size, orphaned", FWCTL_RPC, 31, 0, 8, 8, false, true,
	  false, -EINVAL },
	{ "rpc: dirty tail, orphaned", FWCTL_RPC, 40, 0, 8, 8, true, true,
	  false, -E2BIG },
	{ "rpc: dirty tail, unknown scope", FWCTL_RPC, 40, 99, 8, 8, true,
	  false, false, -E2BIG },
	{ "rpc: in_len too long, unknown scope", FWCTL_RPC, 0, 99,
	  KT_TOO_LONG, 8, false, false, false, -EMSGSIZE },
	{ "rpc: out_len too long, unknown scope", FWCTL_RPC, 0, 99, 8,
	  KT_TOO_LONG, false, false, false, -EMSGSIZE },
	{ "rpc: in_len too long, no CAP_SYS_RAWIO", FWCTL_RPC, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, KT_TOO_LONG, 8, false, false, true,
	  -EMSGSIZE },
	{ "rpc: out_len too long, no CAP_SYS_RAWIO", FWCTL_RPC, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, 8, KT_TOO_LONG, false, false, true,
	  -EMSGSIZE },
};

KUNIT_ARRAY_PARAM_DESC(kt_order, kt_order_cases, name);

static void fwctl_test_errno_order(struct kunit *test)
{
	const struct kt_order_case *c = test->param_value;
	struct kt_state *st = test->priv;
	bool rpc = c->cmd == FWCTL_RPC;
	u32 size = c->size ?: (rpc ? sizeof(struct fwctl_rpc) :
				     sizeof(struct fwctl_info));
	struct fwctl_uctx *uctx;
	u32 *words;
	long ret;

	kt_setup(test, &kt_ops);
	uctx = kt_open(test);

	/* Both structs start with size, then flags or scope, then lengths */
	words = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, words);
	words[0] = size;
	words[1] = c->word1;
	if (rpc) {
		words[2] = c->in_len;
		words[3] = c->out_len;
	}
	if (c->dirty_tail)
		((u8 *)words)[size - 1] = 0x5a;
	kt_put(test, 0, words, 64);

	if (c->orphaned)
		kt_unregister(st);
	if (c->drop_rawio)
		ret = kt_ioctl_without_rawio(uctx, c->cmd,
					     (unsigned long)st->umem);
	else
		ret = fwctl_uctx_ioctl(uctx, c->cmd, (unsigned long)st->umem);
	KUNIT_EXPECT_EQ(test, ret, c->expected);
	KUNIT_EXPECT_EQ(test, st->nr_rpc + st->nr_info, 0);
	fwctl_uctx_release(uctx);
}

struct kt_errno_case {
	const char *name;
	bool driver_lists_errnos;
	int err;
	bool reported;
};

static const struct kt_errno_case kt_errno_cases[] = {
	{ "listed by the driver", true, -EBADMSG, false },
	{ "listed by nobody", true, -EXDEV, true },
	{ "driver lists none", false, -EBADMSG, true },
	{ "signal, driver lists none", false, -EINTR, false },
	{ "restart, driver lists none", false, -ERESTARTSYS, false },
	{ "timeout, driver lists none", false, -ETIMEDOUT, false },
	{ "a core errno", false, -EIO, false },
};

KUNIT_ARRAY_PARAM_DESC(kt_errno, kt_errno_cases, name);

/*
 * The API checker counts an errno nobody lists, without a WARN (which
 * panic_on_warn would turn into a crash user space could cause).
 */
static void fwctl_test_errno_check(struct kunit *test)
{
	const struct kt_errno_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc rpc = { .size = sizeof(rpc) };
	atomic_t *undeclared = &fwctl_counters.undeclared_errnos;
	struct fwctl_uctx *uctx;
	int before;

	if (!IS_ENABLED(CONFIG_FWCTL_API_SPEC_CHECK))
		kunit_skip(test, "CONFIG_FWCTL_API_SPEC_CHECK is off");

	kt_setup(test, c->driver_lists_errnos ? &kt_ops : &kt_ops_no_info);
	st->rpc_mode = KT_RPC_ERRNO;
	st->rpc_errno = c->err;
	uctx = kt_open(test);
	before = atomic_read(undeclared);
	KUNIT_EXPECT_EQ(test, fwctl_uctx_ioctl(uctx, FWCTL_RPC,
					       kt_put(test, 0, &rpc,
						      sizeof(rpc))),
			(long)c->err);
	KUNIT_EXPECT_EQ(test, atomic_read(undeclared) - before,
			c->reported ? 1 : 0);
	/* The selftests expect the count to hold only what they caused */
	atomic_set(undeclared, before);
	fwctl_uctx_release(uctx);
}

static struct kunit_case fwctl_test_cases[] = {
	KUNIT_CASE(fwctl_test_alloc_names_device),
	KUNIT_CASE(fwctl_test_alloc_rejects_bad_ops),
	KUNIT_CASE(fwctl_test_minor_exhaustion),
	KUNIT_CASE(fwctl_test_open_close),
	KUNIT_CASE(fwctl_test_open_error),
	KUNIT_CASE(fwctl_test_unregister_orphans_uctx),
	KUNIT_CASE_PARAM(fwctl_test_dispatch, kt_dispatch_gen_params),
	KUNIT_CASE(fwctl_test_dispatch_efault),
	KUNIT_CASE(fwctl_test_respond_bounded),
	KUNIT_CASE_PARAM(fwctl_test_info, kt_info_gen_params),
	KUNIT_CASE(fwctl_test_info_flags),
	KUNIT_CASE_PARAM(fwctl_test_rpc, kt_rpc_gen_params),
	KUNIT_CASE(fwctl_test_spec_validate),
	KUNIT_CASE(fwctl_test_spec_consistent),
	KUNIT_CASE(fwctl_test_taint_only_when_delivered),
	KUNIT_CASE(fwctl_test_taint_reported_unlocked),
	KUNIT_CASE_PARAM(fwctl_test_errno_order, kt_order_gen_params),
	KUNIT_CASE_PARAM(fwctl_test_errno_check, kt_errno_gen_params),
	{}
};

static struct kunit_suite fwctl_test_suite = {
	.name = "fwctl",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = fwctl_test_cases,
};

kunit_test_suite(fwctl_test_suite);

MODULE_IMPORT_NS(FWCTL);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the fwctl core");
MODULE_LICENSE("GPL");
