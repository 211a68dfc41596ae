// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the PDS fwctl driver. pdsfc_fw_cmd(), the one function
 * that reaches the AdminQ, is replaced by a fake firmware that follows a
 * script (limits, endpoints, operations and their attributes, failures,
 * RPC answers) and records every command it gets. The driver probes a fake
 * pds_core auxiliary device whose parent is a KUnit device with plain
 * direct DMA, so the fake reads and writes the driver's DMA buffers by
 * their addresses, as the device would. RPC payloads live in user memory
 * mapped into the test thread. Most cases call the driver's fwctl_ops
 * directly; two go through the fwctl core's file operations, as open(2),
 * ioctl(2) and close(2) on the device node would.
 *
 * The fake takes a reference on the page of every coherent buffer it is
 * handed. Once the driver frees such a buffer, the fake's reference is the
 * only one left: that is how the tests count the buffers the driver still
 * holds. Between commands the driver holds none. The reference also keeps
 * the page from being reused, so the fake may still write a listing after
 * the driver freed it, as a device that kept the address could.
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/fwctl/fwctl.h>
#include <uapi/fwctl/pds.h>

#include "../fwctl_kunit_driver.h"
#include "pds_fwctl.h"

/* An operation id: command in bits 15:0, version in bits 23:16 */
#define KT_OP(cmd, ver)		(((u32)(ver) << 16) | (u32)(cmd))

#define KT_EP_A			0x11
#define KT_EP_B			0x22
#define KT_EP_NONE		0x33
#define KT_EP_BASE		0x1000

#define KT_MAX_REQ		256
#define KT_MAX_RESP		512
#define KT_RPC_ERR		0x1234abcd
#define KT_RETVAL_UNSET		0x77777777

#define KT_USER_LEN		(4 * PAGE_SIZE)
#define KT_IN_OFF		0
#define KT_OUT_OFF		(2 * PAGE_SIZE)
#define KT_USER_BYTE		0x5a
/* The ioctls' own structs, in the last page of user memory */
#define KT_CMD_OFF		(3 * PAGE_SIZE)
#define KT_RPC_IN_OFF		(KT_CMD_OFF + 256)
#define KT_RPC_OUT_OFF		(KT_CMD_OFF + 512)
#define KT_INFO_DATA_OFF	(KT_CMD_OFF + 768)

#define KT_MAX_RECS		8
#define KT_REQ_BYTES		64
#define KT_MAX_PAGES		16
#define KT_FAIL_NTH_MAX		1000

#define KT_CONF			FWCTL_RPC_CONFIGURATION
#define KT_READ_ONLY		FWCTL_RPC_DEBUG_READ_ONLY
#define KT_WRITE		FWCTL_RPC_DEBUG_WRITE
#define KT_FULL			FWCTL_RPC_DEBUG_WRITE_FULL
#define KT_NR_SCOPES		(FWCTL_RPC_DEBUG_WRITE_FULL + 1)

/* The commands the fake tells apart */
enum kt_kind {
	KT_IDENT,
	KT_ROOT,	/* QUERY of the endpoints */
	KT_ENDPOINT,	/* QUERY of one endpoint's operations */
	KT_RPC,
	KT_NR_KINDS,
};

struct kt_op {
	u32 id;
	u8 attr;
};

struct kt_ep {
	u32 id;
	const struct kt_op *ops;
	/* Entries the fake writes, at most what the buffer holds */
	u32 nr_ops;
	/* num_entries the fake reports if non-zero, else nr_ops */
	u32 claim;
};

/* One command as the fake saw it */
struct kt_rec {
	enum kt_kind kind;
	size_t cmd_len;
	u8 opcode;
	u8 entity;
	u8 version;
	u16 flags;
	u32 ep;
	u32 op;
	/* IDENT and QUERY: the buffer */
	u64 pa;
	u32 len;
	/* RPC */
	u64 req_pa;
	u32 req_sz;
	u8 req_sg;
	u64 resp_pa;
	u32 resp_sz;
	u8 resp_sg;
	/* The first bytes of the request, read at req_pa */
	u8 req[KT_REQ_BYTES];
};

struct kt_state {
	struct device *dev;
	struct pds_auxiliary_dev *padev;
	unsigned long ubase;

	/* The bound driver and one open file descriptor on it */
	struct pdsfc_dev *pdsfc;
	struct pdsfc_uctx uctx;
	/* Files opened through the core, and its file operations */

	/* The script */
	u32 max_req_sz;
	u32 max_resp_sz;
	const struct kt_ep *eps;
	u32 nr_eps;
	u32 root_claim;
	int fail[KT_NR_KINDS];
	u32 rpc_err;
	const u8 *resp;
	u32 resp_len;

	/* What the fake saw */
	unsigned int nr_cmds;
	unsigned int nr[KT_NR_KINDS];
	struct kt_rec recs[KT_MAX_RECS];
	struct kt_rec scratch;
	struct page *pages[KT_MAX_PAGES];
	unsigned int nr_pages;
	/* The last operations listing written, while its page is held */
	struct pds_fwctl_query_data *ops_listing;
};

static const struct auxiliary_device_id kt_id = {
	.name = PDS_CORE_DRV_NAME "." PDS_DEV_TYPE_FWCTL_STR,
};

static const struct kt_op kt_ops_a[] = {
	{ KT_OP(1, 0), PDSFC_FW_CMD_ATTR_READ },
	{ KT_OP(2, 0), PDSFC_FW_CMD_ATTR_DEBUG_READ },
	{ KT_OP(3, 0), PDSFC_FW_CMD_ATTR_DEBUG_WRITE },
	/* One command twice: the first entry whose version fits decides */
	{ KT_OP(7, 1), PDSFC_FW_CMD_ATTR_READ },
	{ KT_OP(7, 3), PDSFC_FW_CMD_ATTR_DEBUG_WRITE },
	{ KT_OP(9, 2), PDSFC_FW_CMD_ATTR_WRITE },
};

static const struct kt_op kt_ops_b[] = {
	{ KT_OP(1, 0), PDSFC_FW_CMD_ATTR_SYNC },
};

static const struct kt_ep kt_default_eps[] = {
	{ KT_EP_A, kt_ops_a, ARRAY_SIZE(kt_ops_a) },
	{ KT_EP_B, kt_ops_b, ARRAY_SIZE(kt_ops_b) },
};

/* The fake firmware */

static void *kt_virt(struct kt_state *st, u64 pa)
{
	return phys_to_virt(dma_to_phys(st->dev, pa));
}

/*
 * The CPU address of a coherent buffer of @len bytes at @pa, whose page the
 * fake holds from now on, or NULL if the driver passed a bad buffer.
 */
static void *kt_pin(struct kunit *test, struct kt_state *st, u64 pa, u32 len)
{
	phys_addr_t phys = dma_to_phys(st->dev, pa);
	struct page *page;

	if (!pa || !len || offset_in_page(phys) + len > PAGE_SIZE) {
		KUNIT_FAIL(test, "bad DMA buffer %#llx, %u bytes", pa, len);
		return NULL;
	}
	if (st->nr_pages == KT_MAX_PAGES) {
		KUNIT_FAIL(test, "more than %d coherent buffers", KT_MAX_PAGES);
		return NULL;
	}
	page = pfn_to_page(PHYS_PFN(phys));
	get_page(page);
	st->pages[st->nr_pages++] = page;
	return phys_to_virt(phys);
}

/*
 * Drop the pages of the coherent buffers the driver freed; return how many
 * buffers the driver still holds.
 */
static unsigned int kt_live_pages(struct kt_state *st)
{
	unsigned int i, live = 0;

	for (i = 0; i < st->nr_pages; i++) {
		struct page *page = st->pages[i];

		if (page_ref_count(page) > 1) {
			st->pages[live++] = page;
			continue;
		}
		if (st->ops_listing && virt_to_page(st->ops_listing) == page)
			st->ops_listing = NULL;
		put_page(page);
	}
	st->nr_pages = live;
	return live;
}

static const struct kt_ep *kt_find_ep(struct kt_state *st, u32 id)
{
	u32 i;

	for (i = 0; i < st->nr_eps; i++)
		if (st->eps[i].id == id)
			return &st->eps[i];
	return NULL;
}

static int kt_fw_ident(struct kunit *test, struct kt_state *st,
		       const struct pds_fwctl_ident_cmd *c, struct kt_rec *rec)
{
	struct pds_fwctl_ident *ident;

	rec->version = c->version;
	rec->len = le32_to_cpu(c->len);
	rec->pa = le64_to_cpu(c->ident_pa);
	ident = kt_pin(test, st, rec->pa, rec->len);
	if (!ident)
		return -EIO;
	if (st->fail[KT_IDENT])
		return st->fail[KT_IDENT];
	if (rec->len < sizeof(*ident)) {
		KUNIT_FAIL(test, "IDENT buffer of %u bytes", rec->len);
		return -EIO;
	}

	*ident = (struct pds_fwctl_ident) {
		.version = 1,
		.max_req_sz = cpu_to_le32(st->max_req_sz),
		.max_resp_sz = cpu_to_le32(st->max_resp_sz),
	};
	return 0;
}

static int kt_fw_query(struct kunit *test, struct kt_state *st,
		       enum kt_kind kind, const struct pds_fwctl_query_cmd *c,
		       struct kt_rec *rec)
{
	struct pds_fwctl_query_data *data;
	const struct kt_ep *ep;
	u32 i, n, claim, room;

	rec->entity = c->entity;
	rec->version = c->version;
	rec->len = le32_to_cpu(c->query_data_buf_len);
	rec->pa = le64_to_cpu(c->query_data_buf_pa);
	rec->ep = le32_to_cpu(c->ep);
	data = kt_pin(test, st, rec->pa, rec->len);
	if (!data)
		return -EIO;
	if (st->fail[kind])
		return st->fail[kind];
	if (rec->len < sizeof(*data)) {
		KUNIT_FAIL(test, "QUERY buffer of %u bytes", rec->len);
		return -EIO;
	}

	if (kind == KT_ROOT) {
		struct pds_fwctl_query_data_endpoint *entry =
			(struct pds_fwctl_query_data_endpoint *)data->entries;

		n = st->nr_eps;
		claim = st->root_claim ?: n;
		room = (rec->len - sizeof(*data)) / sizeof(*entry);
		for (i = 0; i < min(n, room); i++)
			entry[i].id = cpu_to_le32(st->eps[i].id);
	} else {
		struct pds_fwctl_query_data_operation *entry =
			(struct pds_fwctl_query_data_operation *)data->entries;

		ep = kt_find_ep(st, rec->ep);
		if (!ep)
			return -ENOENT;
		st->ops_listing = data;
		n = ep->nr_ops;
		claim = ep->claim ?: n;
		room = (rec->len - sizeof(*data)) / sizeof(*entry);
		for (i = 0; i < min(n, room); i++) {
			entry[i].id = cpu_to_le32(ep->ops[i].id);
			entry[i].scope = ep->ops[i].attr;
		}
	}
	data->num_entries = cpu_to_le32(claim);
	return 0;
}

static int kt_fw_rpc(struct kt_state *st, const struct pds_fwctl_rpc_cmd *c,
		     struct kt_rec *rec, union pds_core_adminq_comp *comp)
{
	u32 n = 0;

	rec->flags = le16_to_cpu(c->flags);
	rec->ep = le32_to_cpu(c->ep);
	rec->op = le32_to_cpu(c->op);
	rec->req_pa = le64_to_cpu(c->req_pa);
	rec->req_sz = le32_to_cpu(c->req_sz);
	rec->req_sg = c->req_sg_elems;
	rec->resp_pa = le64_to_cpu(c->resp_pa);
	rec->resp_sz = le32_to_cpu(c->resp_sz);
	rec->resp_sg = c->resp_sg_elems;

	if (rec->req_sz && rec->req_pa)
		memcpy(rec->req, kt_virt(st, rec->req_pa),
		       min_t(u32, rec->req_sz, KT_REQ_BYTES));
	/* Written even if the command then fails, as a device might */
	if (rec->resp_sz && rec->resp_pa && st->resp_len) {
		n = min(st->resp_len, rec->resp_sz);
		memcpy(kt_virt(st, rec->resp_pa), st->resp, n);
	}
	if (st->fail[KT_RPC])
		return st->fail[KT_RPC];

	comp->fwctl_rpc.err = cpu_to_le32(st->rpc_err);
	comp->fwctl_rpc.resp_sz = cpu_to_le32(n);
	return 0;
}

/* Replaces pdsfc_fw_cmd(); allocates nothing, so fail-nth never hits it */
static int kt_fw_cmd(struct pds_auxiliary_dev *padev,
		     union pds_core_adminq_cmd *cmd, size_t cmd_len,
		     union pds_core_adminq_comp *comp)
{
	struct kunit *test = kunit_get_current_test();
	struct kt_state *st = test->priv;
	struct kt_rec *rec;
	enum kt_kind kind;

	KUNIT_EXPECT_PTR_EQ(test, padev, st->padev);
	switch (cmd->opcode) {
	case PDS_FWCTL_CMD_IDENT:
		kind = KT_IDENT;
		break;
	case PDS_FWCTL_CMD_QUERY:
		kind = cmd->fwctl_query.entity == PDS_FWCTL_RPC_ROOT ?
		       KT_ROOT : KT_ENDPOINT;
		break;
	case PDS_FWCTL_CMD_RPC:
		kind = KT_RPC;
		break;
	default:
		KUNIT_FAIL(test, "unexpected opcode %u", cmd->opcode);
		return -EIO;
	}

	rec = st->nr_cmds < KT_MAX_RECS ? &st->recs[st->nr_cmds] : &st->scratch;
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->opcode = cmd->opcode;
	rec->cmd_len = cmd_len;
	st->nr_cmds++;
	st->nr[kind]++;
	memset(comp, 0, sizeof(*comp));

	switch (kind) {
	case KT_IDENT:
		return kt_fw_ident(test, st, &cmd->fwctl_ident, rec);
	case KT_ROOT:
	case KT_ENDPOINT:
		return kt_fw_query(test, st, kind, &cmd->fwctl_query, rec);
	default:
		return kt_fw_rpc(st, &cmd->fwctl_rpc, rec, comp);
	}
}

/* Test helpers */

static void kt_reset_log(struct kt_state *st)
{
	st->nr_cmds = 0;
	memset(st->nr, 0, sizeof(st->nr));
}

static int kt_count_child(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* Devices below the parent: a registered fwctl device is one */
static unsigned int kt_nr_children(struct kt_state *st)
{
	unsigned int n = 0;

	device_for_each_child(st->dev, &n, kt_count_child);
	return n;
}

static void kt_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_device *fwctl;

	KUNIT_ASSERT_EQ(test, pdsfc_probe(&st->padev->aux_dev, &kt_id), 0);
	st->pdsfc = auxiliary_get_drvdata(&st->padev->aux_dev);
	KUNIT_ASSERT_NOT_NULL(test, st->pdsfc);

	fwctl = &st->pdsfc->fwctl;
	memset(&st->uctx, 0, sizeof(st->uctx));
	st->uctx.uctx.fwctl = fwctl;
	KUNIT_ASSERT_EQ(test, fwctl->ops->open_uctx(&st->uctx.uctx), 0);
}

static void kt_remove(struct kt_state *st)
{
	st->pdsfc->fwctl.ops->close_uctx(&st->uctx.uctx);
	pdsfc_remove(&st->padev->aux_dev);
	auxiliary_set_drvdata(&st->padev->aux_dev, NULL);
	st->pdsfc = NULL;
}

static int kt_fd_open(struct kt_state *st, struct fwctl_kunit_file *fd)
{
	return fwctl_kunit_file_open(fd, &st->pdsfc->fwctl.cdev);
}

/* ioctl(2) on @fd, with the command struct at KT_CMD_OFF */
static long kt_fd_ioctl(struct kt_state *st, struct fwctl_kunit_file *fd,
			unsigned int cmd)
{
	return fwctl_kunit_file_ioctl(fd, cmd, st->ubase + KT_CMD_OFF);
}

static struct fwctl_rpc_pds *kt_req(struct kunit *test, u32 ep, u32 op,
				    u32 req_len, u32 resp_len)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc;

	rpc = kunit_kzalloc(test, sizeof(*rpc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rpc);
	rpc->in.ep = ep;
	rpc->in.op = op;
	rpc->in.len = req_len;
	rpc->in.payload = st->ubase + KT_IN_OFF;
	rpc->out.retval = KT_RETVAL_UNSET;
	rpc->out.len = resp_len;
	rpc->out.payload = st->ubase + KT_OUT_OFF;
	return rpc;
}

/* The driver's fw_rpc, as the core calls it, with nothing checked */
static void *kt_fw_rpc_call(struct kt_state *st, enum fwctl_rpc_scope scope,
			    void *rpc, size_t in_len, size_t *out_len)
{
	*out_len = sizeof(struct fwctl_rpc_pds);
	return st->pdsfc->fwctl.ops->fw_rpc(&st->uctx.uctx, scope, rpc, in_len,
					    out_len);
}

/* One RPC of @in_len bytes at @rpc: 0 or its errno */
static int kt_rpc_len(struct kunit *test, enum fwctl_rpc_scope scope,
		      void *rpc, size_t in_len)
{
	size_t out_len;
	void *ret;

	ret = kt_fw_rpc_call(test->priv, scope, rpc, in_len, &out_len);
	KUNIT_ASSERT_NOT_NULL(test, ret);
	if (IS_ERR(ret))
		return PTR_ERR(ret);
	/* The answer is the request itself, all of it */
	KUNIT_EXPECT_PTR_EQ(test, ret, rpc);
	KUNIT_EXPECT_EQ(test, out_len, in_len);
	return 0;
}

static int kt_rpc(struct kunit *test, enum fwctl_rpc_scope scope,
		  struct fwctl_rpc_pds *rpc)
{
	return kt_rpc_len(test, scope, rpc, sizeof(*rpc));
}

static void kt_uset(struct kunit *test, unsigned long uaddr, int c,
		    size_t len)
{
	KUNIT_ASSERT_EQ(test, clear_user((void __user *)uaddr, len), 0);
	if (c) {
		u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, buf);
		memset(buf, c, len);
		KUNIT_ASSERT_EQ(test,
				copy_to_user((void __user *)uaddr, buf, len),
				0);
	}
}

static void kt_uget(struct kunit *test, void *dst, unsigned long uaddr,
		    size_t len)
{
	KUNIT_ASSERT_EQ(test, copy_from_user(dst, (void __user *)uaddr, len),
			0);
}

static void kt_uput(struct kunit *test, unsigned long uaddr, const void *src,
		    size_t len)
{
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)uaddr, src, len), 0);
}

/* @nr operations: command i + 1, version 0, attribute @attr */
static struct kt_op *kt_gen_ops(struct kunit *test, u32 nr, u8 attr)
{
	struct kt_op *ops = kunit_kcalloc(test, max(nr, 1U), sizeof(*ops),
					  GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, ops);
	for (i = 0; i < max(nr, 1U); i++)
		ops[i] = (struct kt_op){ KT_OP(i + 1, 0), attr };
	return ops;
}

/* Script a single endpoint KT_EP_A with @nr_ops of @ops */
static struct kt_ep *kt_one_ep(struct kunit *test, const struct kt_op *ops,
			       u32 nr_ops)
{
	struct kt_state *st = test->priv;
	struct kt_ep *ep = kunit_kzalloc(test, sizeof(*ep), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ep);
	*ep = (struct kt_ep){ KT_EP_A, ops, nr_ops };
	st->eps = ep;
	st->nr_eps = 1;
	return ep;
}

static int kt_init(struct kunit *test)
{
	struct kt_state *st;
	unsigned long addr;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	test->priv = st;

	st->dev = kunit_device_register(test, "pds-fwctl-kunit");
	if (IS_ERR(st->dev))
		return PTR_ERR(st->dev);
	/* Direct DMA with no limit; the DMA API warns without a mask */
	st->dev->coherent_dma_mask = DMA_BIT_MASK(64);
	st->dev->dma_mask = &st->dev->coherent_dma_mask;

	st->padev = kunit_kzalloc(test, sizeof(*st->padev), GFP_KERNEL);
	if (!st->padev)
		return -ENOMEM;
	st->padev->aux_dev.name = PDS_DEV_TYPE_FWCTL_STR;
	st->padev->aux_dev.dev.init_name = "pds_core.fwctl.kunit";
	st->padev->aux_dev.dev.parent = st->dev;

	addr = fwctl_kunit_user_map(test, KT_USER_LEN);
	if (!addr)
		return -ENOMEM;
	st->ubase = addr;

	st->max_req_sz = KT_MAX_REQ;
	st->max_resp_sz = KT_MAX_RESP;
	st->eps = kt_default_eps;
	st->nr_eps = ARRAY_SIZE(kt_default_eps);
	st->rpc_err = KT_RPC_ERR;
	kunit_activate_static_stub(test, pdsfc_fw_cmd, kt_fw_cmd);
	return 0;
}

static void kt_exit(struct kunit *test)
{
	struct kt_state *st = test->priv;
	unsigned int i;

	if (!st)
		return;
	/* The device goes first, as on an unbind with files still open */
	if (st->pdsfc)
		kt_remove(st);
	kt_live_pages(st);
	/* Whatever the driver leaked, the fake's references go */
	for (i = 0; i < st->nr_pages; i++)
		put_page(st->pages[i]);
	st->nr_pages = 0;
}

/* Probe and remove */

static void pds_fwctl_test_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;
	const struct kt_rec *ident = &st->recs[0];
	const struct kt_rec *root = &st->recs[1];
	struct pdsfc_dev *pdsfc;

	kt_probe(test);
	pdsfc = st->pdsfc;

	KUNIT_ASSERT_EQ(test, st->nr_cmds, 2);
	KUNIT_EXPECT_EQ(test, ident->kind, KT_IDENT);
	KUNIT_EXPECT_EQ(test, ident->opcode, PDS_FWCTL_CMD_IDENT);
	KUNIT_EXPECT_EQ(test, ident->cmd_len,
			sizeof(struct pds_fwctl_ident_cmd));
	KUNIT_EXPECT_EQ(test, ident->version, 0);
	KUNIT_EXPECT_EQ(test, ident->len, sizeof(struct pds_fwctl_ident));
	KUNIT_EXPECT_NE(test, ident->pa, 0);

	KUNIT_EXPECT_EQ(test, root->kind, KT_ROOT);
	KUNIT_EXPECT_EQ(test, root->opcode, PDS_FWCTL_CMD_QUERY);
	KUNIT_EXPECT_EQ(test, root->cmd_len,
			sizeof(struct pds_fwctl_query_cmd));
	KUNIT_EXPECT_EQ(test, root->entity, PDS_FWCTL_RPC_ROOT);
	KUNIT_EXPECT_EQ(test, root->version, 0);
	KUNIT_EXPECT_EQ(test, root->len, PAGE_SIZE);
	KUNIT_EXPECT_NE(test, root->pa, 0);

	/* The limits and the endpoints as the firmware gave them */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(pdsfc->ident.max_req_sz), KT_MAX_REQ);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(pdsfc->ident.max_resp_sz),
			KT_MAX_RESP);
	KUNIT_ASSERT_EQ(test, pdsfc->nr_eps, 2);
	KUNIT_EXPECT_EQ(test, pdsfc->eps[0].id, KT_EP_A);
	KUNIT_EXPECT_EQ(test, pdsfc->eps[1].id, KT_EP_B);
	KUNIT_EXPECT_NULL(test, pdsfc->eps[0].ops);
	KUNIT_EXPECT_NULL(test, pdsfc->eps[1].ops);
	KUNIT_EXPECT_EQ(test, pdsfc->caps, 1);

	KUNIT_EXPECT_PTR_EQ(test, pdsfc->fwctl.dev.parent, st->dev);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&pdsfc->fwctl.dev));
	KUNIT_EXPECT_EQ(test, kt_nr_children(st), 1);

	/* The IDENT buffer and the ROOT listing are both gone */
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	kt_reset_log(st);
	kt_remove(st);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
	KUNIT_EXPECT_EQ(test, kt_nr_children(st), 0);
}

struct kt_probe_case {
	const char *name;
	enum kt_kind fail_kind;	/* KT_NR_KINDS: nothing fails */
	int fail;
	u32 nr_eps;
	u32 claim;
	int err;
};

static const struct kt_probe_case kt_probe_cases[] = {
	{ "IDENT fails", KT_IDENT, -EIO, 2, 0, -EIO },
	{ "IDENT times out", KT_IDENT, -ETIMEDOUT, 2, 0, -ETIMEDOUT },
	{ "ROOT listing fails", KT_ROOT, -ENXIO, 2, 0, -ENXIO },
	{ "ROOT listing refused", KT_ROOT, -EPERM, 2, 0, -EPERM },
	{ "no endpoint", KT_NR_KINDS, 0, 0, 0, 0 },
	{ "one endpoint", KT_NR_KINDS, 0, 1, 0, 0 },
	{ "as many endpoints as the buffer holds", KT_NR_KINDS, 0,
	  PDSFC_MAX_ENDPOINTS, 0, 0 },
	{ "one endpoint more than the buffer holds", KT_NR_KINDS, 0,
	  PDSFC_MAX_ENDPOINTS, PDSFC_MAX_ENDPOINTS + 1, -EIO },
	{ "U32_MAX endpoints", KT_NR_KINDS, 0, 1, U32_MAX, -EIO },
};

KUNIT_ARRAY_PARAM_DESC(kt_probe, kt_probe_cases, name);

static void pds_fwctl_test_probe_listing(struct kunit *test)
{
	const struct kt_probe_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc;
	struct kt_ep *eps;
	u32 i;
	int err;

	eps = kunit_kcalloc(test, max(c->nr_eps, 1U), sizeof(*eps),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, eps);
	for (i = 0; i < c->nr_eps; i++)
		eps[i] = (struct kt_ep){ KT_EP_BASE + i, kt_ops_b,
					 ARRAY_SIZE(kt_ops_b) };
	st->eps = eps;
	st->nr_eps = c->nr_eps;
	st->root_claim = c->claim;
	if (c->fail_kind != KT_NR_KINDS)
		st->fail[c->fail_kind] = c->fail;

	err = pdsfc_probe(&st->padev->aux_dev, &kt_id);
	KUNIT_ASSERT_EQ(test, err, c->err);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, c->fail_kind == KT_IDENT ? 1 : 2);

	if (err) {
		/* Cleanly: no device, no buffer, no drvdata */
		KUNIT_EXPECT_NULL(test,
				  auxiliary_get_drvdata(&st->padev->aux_dev));
		KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
		KUNIT_EXPECT_EQ(test, kt_nr_children(st), 0);
		return;
	}

	st->pdsfc = auxiliary_get_drvdata(&st->padev->aux_dev);
	KUNIT_ASSERT_NOT_NULL(test, st->pdsfc);
	st->uctx.uctx.fwctl = &st->pdsfc->fwctl;
	KUNIT_ASSERT_EQ(test, st->pdsfc->fwctl.ops->open_uctx(&st->uctx.uctx),
			0);
	KUNIT_ASSERT_EQ(test, st->pdsfc->nr_eps, c->nr_eps);
	for (i = 0; i < c->nr_eps; i++)
		KUNIT_EXPECT_EQ(test, st->pdsfc->eps[i].id, KT_EP_BASE + i);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	/* The last endpoint listed works; with none, nothing does */
	rpc = kt_req(test, KT_EP_BASE + max(c->nr_eps, 1U) - 1, KT_OP(1, 0),
		     0, 0);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc),
			c->nr_eps ? 0 : -EINVAL);

	kt_remove(st);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
	KUNIT_EXPECT_EQ(test, kt_nr_children(st), 0);
}

/* Endpoint and operation discovery */

static void pds_fwctl_test_discovery(struct kunit *test)
{
	struct kt_state *st = test->priv;
	const struct kt_rec *query = &st->recs[0];
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 0, 0);
	unsigned int i;

	kt_probe(test);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	/* First RPC to A: its operations are fetched, then the RPC sent */
	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
	KUNIT_ASSERT_EQ(test, st->nr_cmds, 2);
	KUNIT_EXPECT_EQ(test, query->kind, KT_ENDPOINT);
	KUNIT_EXPECT_EQ(test, query->opcode, PDS_FWCTL_CMD_QUERY);
	KUNIT_EXPECT_EQ(test, query->cmd_len,
			sizeof(struct pds_fwctl_query_cmd));
	KUNIT_EXPECT_EQ(test, query->entity, PDS_FWCTL_RPC_ENDPOINT);
	KUNIT_EXPECT_EQ(test, query->version, 0);
	KUNIT_EXPECT_EQ(test, query->len, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, query->ep, KT_EP_A);
	KUNIT_EXPECT_NE(test, query->pa, 0);
	KUNIT_EXPECT_EQ(test, st->recs[1].kind, KT_RPC);
	KUNIT_ASSERT_NOT_NULL(test, st->pdsfc->eps[0].ops);
	KUNIT_ASSERT_EQ(test, st->pdsfc->eps[0].nr_ops, ARRAY_SIZE(kt_ops_a));
	KUNIT_EXPECT_NULL(test, st->pdsfc->eps[1].ops);
	/* Kept as ids and mapped scopes; the listing buffer is gone */
	for (i = 0; i < ARRAY_SIZE(kt_ops_a); i++) {
		KUNIT_EXPECT_EQ(test, st->pdsfc->eps[0].ops[i].id,
				kt_ops_a[i].id);
		KUNIT_EXPECT_EQ(test, st->pdsfc->eps[0].ops[i].scope,
				pdsfc_attr_to_scope(kt_ops_a[i].attr));
	}
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	/* Cached: another operation of A, and a refused one, ask nothing */
	kt_reset_log(st);
	rpc->in.op = KT_OP(2, 0);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_READ_ONLY, rpc), 0);
	KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 0);
	KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], 1);
	kt_reset_log(st);
	rpc->in.op = KT_OP(3, 0);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), -EPERM);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);

	/* B has its own listing, fetched on its own first use */
	kt_reset_log(st);
	rpc->in.ep = KT_EP_B;
	rpc->in.op = KT_OP(1, 0);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
	KUNIT_ASSERT_EQ(test, st->nr_cmds, 2);
	KUNIT_EXPECT_EQ(test, query->kind, KT_ENDPOINT);
	KUNIT_EXPECT_EQ(test, query->ep, KT_EP_B);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
	KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 0);

	kt_remove(st);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

struct kt_listing_case {
	const char *name;
	int fail;	/* errno of the endpoint's QUERY */
	u32 nr_ops;
	u32 claim;
	int err;	/* of the first RPC */
	bool cached;	/* the listing is kept despite err */
};

/*
 * Only the AdminQ's timeout and its "firmware not running" keep their errno;
 * any other failed QUERY is EIO, whatever status the firmware gave, so that
 * it cannot pass for a refused scope, an unknown operation, an orphaned FD
 * or a failed allocation.
 */
static const struct kt_listing_case kt_listing_cases[] = {
	{ "AdminQ timeout", -ETIMEDOUT, 1, 0, -ETIMEDOUT, false },
	{ "firmware not running", -ENXIO, 1, 0, -ENXIO, false },
	{ "firmware busy: EIO", -EAGAIN, 1, 0, -EIO, false },
	{ "firmware does not know the endpoint: EIO", -ENOENT, 1, 0, -EIO,
	  false },
	{ "firmware EPERM: EIO, not a refused scope", -EPERM, 1, 0, -EIO,
	  false },
	{ "firmware EINVAL: EIO, not an unknown operation", -EINVAL, 1, 0,
	  -EIO, false },
	{ "firmware ENODEV: EIO, not an orphaned FD", -ENODEV, 1, 0, -EIO,
	  false },
	{ "firmware ENOMEM: EIO, not a failed allocation", -ENOMEM, 1, 0,
	  -EIO, false },
	{ "one operation more than the buffer holds", 0, PDSFC_MAX_OPERATIONS,
	  PDSFC_MAX_OPERATIONS + 1, -EIO, false },
	{ "U32_MAX operations", 0, 1, U32_MAX, -EIO, false },
	{ "as many operations as the buffer holds", 0, PDSFC_MAX_OPERATIONS,
	  0, 0, true },
	{ "no operation", 0, 0, 0, -EINVAL, true },
};

KUNIT_ARRAY_PARAM_DESC(kt_listing, kt_listing_cases, name);

/* A failed listing is not kept: the next RPC asks again */
static void pds_fwctl_test_op_listing(struct kunit *test)
{
	const struct kt_listing_case *c = test->param_value;
	struct kt_state *st = test->priv;
	u32 last = max(c->nr_ops, 1U);
	struct fwctl_rpc_pds *rpc;
	struct kt_ep *ep;

	ep = kt_one_ep(test, kt_gen_ops(test, last, PDSFC_FW_CMD_ATTR_READ),
		       c->nr_ops);
	ep->claim = c->claim;
	st->fail[KT_ENDPOINT] = c->fail;
	rpc = kt_req(test, KT_EP_A, KT_OP(last, 0), 0, 0);
	kt_probe(test);

	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), c->err);
	KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 1);
	KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], c->err ? 0 : 1);
	KUNIT_EXPECT_EQ(test, !!st->pdsfc->eps[0].ops, c->cached);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	/* The firmware recovers */
	st->fail[KT_ENDPOINT] = 0;
	ep->claim = 0;
	ep->nr_ops = last;
	kt_reset_log(st);
	if (c->cached) {
		KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), c->err);
		KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 0);
	} else {
		KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
		KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 1);
		KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], 1);
	}
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	kt_remove(st);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

/*
 * The firmware changes its listing once the driver read it: neither writing
 * the buffer it was given nor answering differently changes a decision.
 */
static const struct kt_op kt_ops_tamper[] = {
	{ KT_OP(1, 0), 0x01 },	/* undefined attribute: DEBUG_WRITE_FULL */
	{ KT_OP(2, 0), PDSFC_FW_CMD_ATTR_DEBUG_WRITE },
	{ KT_OP(3, 0), PDSFC_FW_CMD_ATTR_READ },
};

/* What a hostile firmware would like: all of it READ, and one more */
static const struct kt_op kt_ops_relaxed[] = {
	{ KT_OP(1, 0), PDSFC_FW_CMD_ATTR_READ },
	{ KT_OP(2, 0), PDSFC_FW_CMD_ATTR_READ },
	{ KT_OP(3, 0), PDSFC_FW_CMD_ATTR_READ },
	{ KT_OP(4, 0), PDSFC_FW_CMD_ATTR_READ },
};

struct kt_decision {
	u32 op;
	enum fwctl_rpc_scope scope;
	int err;
};

/* The decisions kt_ops_tamper makes, which must hold throughout */
static const struct kt_decision kt_tamper_decisions[] = {
	{ KT_OP(1, 0), KT_CONF, -EPERM },
	{ KT_OP(1, 0), KT_WRITE, -EPERM },
	{ KT_OP(1, 0), KT_FULL, 0 },
	{ KT_OP(2, 0), KT_READ_ONLY, -EPERM },
	{ KT_OP(2, 0), KT_WRITE, 0 },
	{ KT_OP(3, 0), KT_CONF, 0 },
	{ KT_OP(4, 0), KT_FULL, -EINVAL },
};

/* Check kt_tamper_decisions on KT_EP_A; none of them asks the firmware */
static void kt_check_decisions(struct kunit *test, const char *when)
{
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, 0, 0, 0);
	struct kt_state *st = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_tamper_decisions); i++) {
		const struct kt_decision *d = &kt_tamper_decisions[i];

		rpc->in.op = d->op;
		kt_reset_log(st);
		KUNIT_EXPECT_EQ_MSG(test, kt_rpc(test, d->scope, rpc), d->err,
				    "%s: op %#x at %s", when, d->op,
				    fwctl_kunit_scope_name(d->scope));
		KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 0);
		KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], d->err ? 0 : 1);
	}
}

static void pds_fwctl_test_listing_rewritten(struct kunit *test)
{
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(3, 0), 0, 0);
	struct pds_fwctl_query_data_operation *entry;
	struct kt_state *st = test->priv;
	struct pds_fwctl_query_data *listing;
	struct kt_ep *ep;
	unsigned int i;

	ep = kt_one_ep(test, kt_ops_tamper, ARRAY_SIZE(kt_ops_tamper));
	kt_probe(test);

	/* The first RPC to A fetches its operations */
	kt_reset_log(st);
	KUNIT_ASSERT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
	KUNIT_ASSERT_EQ(test, st->nr[KT_ENDPOINT], 1);
	kt_check_decisions(test, "as listed");

	/*
	 * The firmware rewrites the listing buffer it was given: every id,
	 * every attribute and the count. The fake's page reference keeps
	 * that memory its own even though the driver freed the buffer.
	 */
	listing = st->ops_listing;
	KUNIT_ASSERT_NOT_NULL(test, listing);
	entry = (struct pds_fwctl_query_data_operation *)listing->entries;
	for (i = 0; i < ARRAY_SIZE(kt_ops_relaxed); i++) {
		entry[i].id = cpu_to_le32(kt_ops_relaxed[i].id);
		entry[i].scope = kt_ops_relaxed[i].attr;
	}
	listing->num_entries = cpu_to_le32(U32_MAX);
	kt_check_decisions(test, "after the buffer was rewritten");

	/* The firmware would now list everything as READ */
	ep->ops = kt_ops_relaxed;
	ep->nr_ops = ARRAY_SIZE(kt_ops_relaxed);
	kt_check_decisions(test, "after the firmware changed its listing");

	/* The driver holds no buffer the firmware could still write */
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
	KUNIT_EXPECT_NULL(test, st->ops_listing);
}

/* Scopes */

struct kt_attr_case {
	u8 attr;
	const char *name;
	enum fwctl_rpc_scope scope;
};

static const struct kt_attr_case kt_attr_cases[] = {
	{ PDSFC_FW_CMD_ATTR_READ, "0x00 READ", KT_CONF },
	{ PDSFC_FW_CMD_ATTR_DEBUG_READ, "0x02 DEBUG_READ", KT_READ_ONLY },
	{ PDSFC_FW_CMD_ATTR_WRITE, "0x04 WRITE", KT_CONF },
	{ PDSFC_FW_CMD_ATTR_DEBUG_WRITE, "0x08 DEBUG_WRITE", KT_WRITE },
	{ PDSFC_FW_CMD_ATTR_SYNC, "0x10 SYNC", KT_CONF },
	{ 0x01, "0x01 undefined bit", KT_FULL },
	{ 0x06, "0x06 DEBUG_READ|WRITE", KT_FULL },
	{ 0x0a, "0x0a DEBUG_READ|DEBUG_WRITE", KT_FULL },
	{ 0x14, "0x14 WRITE|SYNC", KT_FULL },
	{ 0x20, "0x20 undefined bit", KT_FULL },
	{ 0x80, "0x80 undefined bit", KT_FULL },
	{ 0xff, "0xff every bit", KT_FULL },
};

KUNIT_ARRAY_PARAM_DESC(kt_attr, kt_attr_cases, name);

/* An operation of each attribute, tried at every scope */
static void pds_fwctl_test_attr_scope(struct kunit *test)
{
	const struct kt_attr_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 0, 0);
	int scope;

	KUNIT_EXPECT_EQ(test, pdsfc_attr_to_scope(c->attr), c->scope);

	kt_one_ep(test, kt_gen_ops(test, 1, c->attr), 1);
	kt_probe(test);
	for (scope = 0; scope < KT_NR_SCOPES; scope++) {
		int expected = scope >= c->scope ? 0 : -EPERM;

		kt_reset_log(st);
		KUNIT_EXPECT_EQ_MSG(test, kt_rpc(test, scope, rpc), expected,
				    "at %s", fwctl_kunit_scope_name(scope));
		KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], expected ? 0 : 1);
	}
}

struct kt_lookup_case {
	const char *name;
	u32 ep;
	u32 op;
	enum fwctl_rpc_scope scope;
	int err;
	bool queried;	/* the endpoint's operations were fetched */
};

static const struct kt_lookup_case kt_lookup_cases[] = {
	{ "listed operation", KT_EP_A, KT_OP(1, 0), KT_CONF, 0, true },
	{ "at the firmware's version", KT_EP_A, KT_OP(9, 2), KT_CONF, 0,
	  true },
	{ "below the firmware's version", KT_EP_A, KT_OP(9, 1), KT_CONF, 0,
	  true },
	{ "version 0 of a version 2 entry", KT_EP_A, KT_OP(9, 0), KT_CONF, 0,
	  true },
	{ "above the firmware's version", KT_EP_A, KT_OP(9, 3), KT_FULL,
	  -EINVAL, true },
	{ "bits 31:24 are not compared", KT_EP_A, KT_OP(9, 2) | 0xff000000,
	  KT_CONF, 0, true },
	{ "unlisted command", KT_EP_A, KT_OP(4, 0), KT_FULL, -EINVAL, true },
	{ "command of another endpoint", KT_EP_B, KT_OP(2, 0), KT_FULL,
	  -EINVAL, true },
	{ "first entry fits: READ", KT_EP_A, KT_OP(7, 1), KT_CONF, 0, true },
	{ "only the second fits: DEBUG_WRITE refused", KT_EP_A, KT_OP(7, 2),
	  KT_READ_ONLY, -EPERM, true },
	{ "only the second fits: DEBUG_WRITE allowed", KT_EP_A, KT_OP(7, 3),
	  KT_WRITE, 0, true },
	{ "no entry of that version", KT_EP_A, KT_OP(7, 4), KT_FULL, -EINVAL,
	  true },
	{ "unlisted endpoint", KT_EP_NONE, KT_OP(1, 0), KT_FULL, -EINVAL,
	  false },
	{ "endpoint 0", 0, KT_OP(1, 0), KT_FULL, -EINVAL, false },
};

KUNIT_ARRAY_PARAM_DESC(kt_lookup, kt_lookup_cases, name);

static void pds_fwctl_test_lookup(struct kunit *test)
{
	const struct kt_lookup_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, c->ep, c->op, 0, 0);
	const struct kt_rec *sent;

	kt_probe(test);
	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, c->scope, rpc), c->err);
	KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], c->queried ? 1 : 0);
	KUNIT_ASSERT_EQ(test, st->nr[KT_RPC], c->err ? 0 : 1);
	if (c->err)
		return;
	/* The ids reach the firmware as user space gave them */
	sent = &st->recs[st->nr_cmds - 1];
	KUNIT_EXPECT_EQ(test, sent->kind, KT_RPC);
	KUNIT_EXPECT_EQ(test, sent->ep, c->ep);
	KUNIT_EXPECT_EQ(test, sent->op, c->op);
}

/*
 * The policy, derived from the RPC check itself: for every attribute an
 * operation can carry, the lowest scope its RPC is allowed at.
 */
static void pds_fwctl_test_policy(struct kunit *test)
{
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, 0, 0, 0);
	enum fwctl_rpc_scope other = KT_NR_SCOPES;
	unsigned int nr_other = 0;
	struct kt_op *ops = kt_gen_ops(test, 256, 0);
	u8 *lowest;
	int attr, scope;

	lowest = kunit_kmalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lowest);

	/* Operation attr + 1 carries attribute attr */
	for (attr = 0; attr < 256; attr++)
		ops[attr].attr = attr;
	kt_one_ep(test, ops, 256);
	kt_probe(test);

	for (attr = 0; attr < 256; attr++) {
		bool allowed[KT_NR_SCOPES];

		rpc->in.op = KT_OP(attr + 1, 0);
		lowest[attr] = KT_NR_SCOPES;
		for (scope = 0; scope < KT_NR_SCOPES; scope++) {
			int err = kt_rpc(test, scope, rpc);

			KUNIT_ASSERT_TRUE_MSG(test, !err || err == -EPERM,
					      "attr 0x%02x at %s: %d", attr,
					      fwctl_kunit_scope_name(scope), err);
			allowed[scope] = !err;
			if (allowed[scope] && lowest[attr] == KT_NR_SCOPES)
				lowest[attr] = scope;
		}
		/* Allowed at a scope means allowed at every higher one */
		for (scope = 0; scope < KT_NR_SCOPES - 1; scope++)
			KUNIT_EXPECT_TRUE_MSG(test,
					      !allowed[scope] ||
					      allowed[scope + 1],
					      "attr 0x%02x allowed at %s, not at %s",
					      attr, fwctl_kunit_scope_name(scope),
					      fwctl_kunit_scope_name(scope + 1));
		KUNIT_ASSERT_LT_MSG(test, lowest[attr], KT_NR_SCOPES,
				    "attr 0x%02x allowed nowhere", attr);
		KUNIT_EXPECT_EQ(test, lowest[attr], pdsfc_attr_to_scope(attr));
	}

	for (attr = 0; attr < 256; attr++) {
		if (lowest[attr] == KT_FULL)
			continue;
		kunit_info(test, "policy pds attr=0x%02x scope=%s\n", attr,
			   fwctl_kunit_scope_name(lowest[attr]));
	}
	/* Every other value shares one scope */
	for (attr = 0; attr < 256; attr++) {
		if (lowest[attr] != KT_FULL)
			continue;
		if (other == KT_NR_SCOPES)
			other = lowest[attr];
		KUNIT_EXPECT_EQ(test, lowest[attr], other);
		nr_other++;
	}
	KUNIT_ASSERT_GT(test, nr_other, 0);
	kunit_info(test, "policy pds attr=other scope=%s\n",
		   fwctl_kunit_scope_name(other));
}

/* Lengths */

struct kt_len_case {
	const char *name;
	u32 max_req;
	u32 max_resp;
	size_t in_len;
	u32 req_len;
	u32 resp_len;
	int err;
};

static const struct kt_len_case kt_len_cases[] = {
	{ "in_len 0", KT_MAX_REQ, KT_MAX_RESP, 0, 0, 0, -EINVAL },
	{ "in_len 47", KT_MAX_REQ, KT_MAX_RESP, 47, 0, 0, -EINVAL },
	{ "in_len 48", KT_MAX_REQ, KT_MAX_RESP, 48, 16, 16, 0 },
	{ "in_len 64", KT_MAX_REQ, KT_MAX_RESP, 64, 16, 16, 0 },
	{ "empty payloads", KT_MAX_REQ, KT_MAX_RESP, 48, 0, 0, 0 },
	{ "request at the maximum", KT_MAX_REQ, KT_MAX_RESP, 48, KT_MAX_REQ,
	  0, 0 },
	{ "request above the maximum", KT_MAX_REQ, KT_MAX_RESP, 48,
	  KT_MAX_REQ + 1, 0, -EINVAL },
	{ "request of U32_MAX", KT_MAX_REQ, KT_MAX_RESP, 48, U32_MAX, 0,
	  -EINVAL },
	{ "response at the maximum", KT_MAX_REQ, KT_MAX_RESP, 48, 0,
	  KT_MAX_RESP, 0 },
	{ "response above the maximum", KT_MAX_REQ, KT_MAX_RESP, 48, 0,
	  KT_MAX_RESP + 1, -EINVAL },
	{ "response of U32_MAX", KT_MAX_REQ, KT_MAX_RESP, 48, 0, U32_MAX,
	  -EINVAL },
	{ "zero maxima, empty payloads", 0, 0, 48, 0, 0, 0 },
	{ "zero maxima, one request byte", 0, 0, 48, 1, 0, -EINVAL },
	{ "zero maxima, one response byte", 0, 0, 48, 0, 1, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(kt_len, kt_len_cases, name);

static void pds_fwctl_test_lengths(struct kunit *test)
{
	const struct kt_len_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0),
					   c->req_len, c->resp_len);
	const struct kt_rec *sent;
	void *buf;

	st->max_req_sz = c->max_req;
	st->max_resp_sz = c->max_resp;
	kt_probe(test);

	/* Exactly in_len bytes, so that KASAN sees any read past them */
	buf = kunit_kzalloc(test, c->in_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, rpc, min(c->in_len, sizeof(*rpc)));

	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc_len(test, KT_CONF, buf, c->in_len),
			c->err);
	if (c->err) {
		/* Refused before the firmware heard of it */
		KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, st->nr[KT_RPC], 1);
	sent = &st->recs[st->nr_cmds - 1];
	KUNIT_EXPECT_EQ(test, sent->req_sz, c->req_len);
	KUNIT_EXPECT_EQ(test, sent->resp_sz, c->resp_len);
	/* An empty payload is sent as address 0 */
	KUNIT_EXPECT_EQ(test, !sent->req_pa, !c->req_len);
	KUNIT_EXPECT_EQ(test, !sent->resp_pa, !c->resp_len);
}

/* The RPC round trip */

static void pds_fwctl_test_round_trip(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(9, 1), 24, 40);
	unsigned long uout = st->ubase + KT_OUT_OFF;
	struct fwctl_rpc_pds before;
	const struct kt_rec *sent;
	u8 req[24], resp[32], got[48];
	unsigned int i;

	for (i = 0; i < sizeof(req); i++)
		req[i] = 7 * i + 1;
	for (i = 0; i < sizeof(resp); i++)
		resp[i] = 0xc0 + i;
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(st->ubase +
							   KT_IN_OFF),
					   req, sizeof(req)), 0);
	kt_uset(test, uout, KT_USER_BYTE, sizeof(got));
	st->resp = resp;
	st->resp_len = sizeof(resp);
	/* Reserved fields are neither checked nor changed */
	rpc->in.rsvd = 0xaaaa;
	rpc->out.rsvd[0] = 1;
	rpc->out.rsvd[1] = 2;
	before = *rpc;

	kt_probe(test);
	kt_reset_log(st);
	KUNIT_ASSERT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);

	KUNIT_ASSERT_EQ(test, st->nr_cmds, 2);
	sent = &st->recs[1];
	KUNIT_EXPECT_EQ(test, sent->kind, KT_RPC);
	KUNIT_EXPECT_EQ(test, sent->opcode, PDS_FWCTL_CMD_RPC);
	KUNIT_EXPECT_EQ(test, sent->cmd_len, sizeof(struct pds_fwctl_rpc_cmd));
	KUNIT_EXPECT_EQ(test, sent->flags,
			PDS_FWCTL_RPC_IND_REQ | PDS_FWCTL_RPC_IND_RESP);
	KUNIT_EXPECT_EQ(test, sent->ep, KT_EP_A);
	KUNIT_EXPECT_EQ(test, sent->op, KT_OP(9, 1));
	KUNIT_EXPECT_NE(test, sent->req_pa, 0);
	KUNIT_EXPECT_EQ(test, sent->req_sz, sizeof(req));
	KUNIT_EXPECT_EQ(test, sent->req_sg, 0);
	KUNIT_EXPECT_NE(test, sent->resp_pa, 0);
	KUNIT_EXPECT_EQ(test, sent->resp_sz, 40);
	KUNIT_EXPECT_EQ(test, sent->resp_sg, 0);
	KUNIT_EXPECT_MEMEQ(test, sent->req, req, sizeof(req));

	/* out.len bytes reach user memory: the answer, then zeroes */
	kt_uget(test, got, uout, sizeof(got));
	KUNIT_EXPECT_MEMEQ(test, got, resp, sizeof(resp));
	for (i = sizeof(resp); i < 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], 0, "byte %u", i);
	for (; i < sizeof(got); i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], KT_USER_BYTE, "byte %u", i);

	/* Only retval changed */
	KUNIT_EXPECT_EQ(test, rpc->out.retval, KT_RPC_ERR);
	before.out.retval = KT_RPC_ERR;
	KUNIT_EXPECT_MEMEQ(test, rpc, &before, sizeof(before));
}

struct kt_errno_case {
	const char *name;
	int err;
};

static const struct kt_errno_case kt_errno_cases[] = {
	{ "EIO", -EIO },
	{ "ETIMEDOUT", -ETIMEDOUT },
	{ "ENXIO", -ENXIO },
	{ "EPERM", -EPERM },
	{ "EAGAIN", -EAGAIN },
	{ "ENOMEM", -ENOMEM },
	{ "EINVAL", -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(kt_errno, kt_errno_cases, name);

/* An AdminQ failure is the RPC's errno, and nothing is copied out */
static void pds_fwctl_test_adminq_error(struct kunit *test)
{
	const struct kt_errno_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 8, 32);
	unsigned long uout = st->ubase + KT_OUT_OFF;
	static const u8 resp[32] = { [0 ... 31] = 0xee };
	u8 got[32];
	unsigned int i;

	kt_uset(test, uout, KT_USER_BYTE, sizeof(got));
	st->resp = resp;
	st->resp_len = sizeof(resp);
	st->fail[KT_RPC] = c->err;
	kt_probe(test);

	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), c->err);
	KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], 1);
	KUNIT_EXPECT_EQ(test, rpc->out.retval, KT_RETVAL_UNSET);
	kt_uget(test, got, uout, sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], KT_USER_BYTE, "byte %u", i);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

enum kt_uptr {
	KT_UPTR_OK,
	KT_UPTR_NULL,
	KT_UPTR_KERNEL,
	KT_UPTR_RO,
	KT_UPTR_NONE,
};

struct kt_uptr_case {
	const char *name;
	enum kt_uptr in;
	enum kt_uptr out;
	int err;
	bool sent;
};

static const struct kt_uptr_case kt_uptr_cases[] = {
	{ "request at NULL", KT_UPTR_NULL, KT_UPTR_OK, -EFAULT, false },
	{ "request in kernel memory", KT_UPTR_KERNEL, KT_UPTR_OK, -EFAULT,
	  false },
	{ "request in PROT_NONE memory", KT_UPTR_NONE, KT_UPTR_OK, -EFAULT,
	  false },
	{ "request in read-only memory", KT_UPTR_RO, KT_UPTR_OK, 0, true },
	{ "response at NULL", KT_UPTR_OK, KT_UPTR_NULL, -EFAULT, true },
	{ "response in kernel memory", KT_UPTR_OK, KT_UPTR_KERNEL, -EFAULT,
	  true },
	{ "response in PROT_NONE memory", KT_UPTR_OK, KT_UPTR_NONE, -EFAULT,
	  true },
	{ "response in read-only memory", KT_UPTR_OK, KT_UPTR_RO, -EFAULT,
	  true },
};

KUNIT_ARRAY_PARAM_DESC(kt_uptr, kt_uptr_cases, name);

static u64 kt_uptr(struct kunit *test, enum kt_uptr kind, u64 ok)
{
	unsigned long prot = kind == KT_UPTR_RO ? PROT_READ : PROT_NONE;
	unsigned long addr;

	switch (kind) {
	case KT_UPTR_OK:
		return ok;
	case KT_UPTR_NULL:
		return 0;
	case KT_UPTR_KERNEL:
		return (unsigned long)test;
	default:
		addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, prot,
				     MAP_ANONYMOUS | MAP_PRIVATE, 0);
		KUNIT_ASSERT_TRUE(test, addr && addr < TASK_SIZE);
		return addr;
	}
}

static void pds_fwctl_test_user_pointers(struct kunit *test)
{
	const struct kt_uptr_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 16, 16);

	rpc->in.payload = kt_uptr(test, c->in, rpc->in.payload);
	rpc->out.payload = kt_uptr(test, c->out, rpc->out.payload);
	kt_probe(test);

	kt_reset_log(st);
	KUNIT_EXPECT_EQ(test, kt_rpc(test, KT_CONF, rpc), c->err);
	KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], c->sent ? 1 : 0);
	KUNIT_EXPECT_EQ(test, rpc->out.retval,
			c->err ? KT_RETVAL_UNSET : KT_RPC_ERR);
	/* No coherent buffer outlives a command */
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
	kt_remove(st);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

/* INFO */

static void pds_fwctl_test_info(struct kunit *test)
{
	struct kt_state *st = test->priv;
	const struct fwctl_ops *ops;
	struct fwctl_info_pds *info;
	size_t len = 0;

	kt_probe(test);
	ops = st->pdsfc->fwctl.ops;
	KUNIT_EXPECT_EQ(test, ops->device_type, FWCTL_DEVICE_TYPE_PDS);
	KUNIT_EXPECT_EQ(test, ops->uctx_size, sizeof(struct pdsfc_uctx));

	kt_reset_log(st);
	info = ops->info(&st->uctx.uctx, &len);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, len, sizeof(struct fwctl_info_pds));
	KUNIT_EXPECT_EQ(test, len, 4);
	/* As upstream: PDS_FWCTL_QUERY_CAP | PDS_FWCTL_SEND_CAP */
	KUNIT_EXPECT_EQ(test, info->uctx_caps, 1);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
	kfree(info);
}

/* Through the fwctl core's file operations */

/* FWCTL_INFO on @fd with a @len byte buffer; 0 or the ioctl's errno */
static long kt_fd_info(struct kunit *test, struct fwctl_kunit_file *fd, u32 len,
		       struct fwctl_info *info)
{
	struct kt_state *st = test->priv;
	long ret;

	*info = (struct fwctl_info) {
		.size = sizeof(*info),
		.device_data_len = len,
		.out_device_data = st->ubase + KT_INFO_DATA_OFF,
	};
	kt_uput(test, st->ubase + KT_CMD_OFF, info, sizeof(*info));
	ret = kt_fd_ioctl(st, fd, FWCTL_INFO);
	kt_uget(test, info, st->ubase + KT_CMD_OFF, sizeof(*info));
	return ret;
}

/*
 * FWCTL_RPC on @fd at @scope, its struct fwctl_rpc_pds @rpc copied to user
 * memory; 0 or the ioctl's errno. @cmd is what the core wrote back.
 */
static long kt_fd_rpc(struct kunit *test, struct fwctl_kunit_file *fd,
		      enum fwctl_rpc_scope scope,
		      const struct fwctl_rpc_pds *rpc, struct fwctl_rpc *cmd)
{
	struct kt_state *st = test->priv;
	long ret;

	*cmd = (struct fwctl_rpc) {
		.size = sizeof(*cmd),
		.scope = scope,
		.in_len = sizeof(*rpc),
		.out_len = sizeof(*rpc),
		.in = st->ubase + KT_RPC_IN_OFF,
		.out = st->ubase + KT_RPC_OUT_OFF,
	};
	kt_uput(test, st->ubase + KT_RPC_IN_OFF, rpc, sizeof(*rpc));
	kt_uput(test, st->ubase + KT_CMD_OFF, cmd, sizeof(*cmd));
	ret = kt_fd_ioctl(st, fd, FWCTL_RPC);
	kt_uget(test, cmd, st->ubase + KT_CMD_OFF, sizeof(*cmd));
	return ret;
}

/*
 * open(2), FWCTL_INFO, FWCTL_RPC and close(2) as user space does them: the
 * INFO reply carries the 4 bytes of struct fwctl_info_pds (upstream reports
 * none), and an RPC makes the round trip from and to user memory.
 */
static void pds_fwctl_test_core_ioctls(struct kunit *test)
{
	struct kt_state *st = test->priv;
	unsigned long udata = st->ubase + KT_INFO_DATA_OFF;
	unsigned long urpc_out = st->ubase + KT_RPC_OUT_OFF;
	unsigned long uout = st->ubase + KT_OUT_OFF;
	struct fwctl_rpc_pds *rpc, expected, answer;
	struct fwctl_info_pds caps;
	struct fwctl_info info;
	struct fwctl_rpc cmd;
	struct fwctl_kunit_file *fds[2];
	u8 data[16], req[24], resp[32], got[48], tail[16];
	const struct kt_rec *sent;
	unsigned int i;

	kt_probe(test);
	kt_reset_log(st);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = fwctl_kunit_file_alloc(test);
		KUNIT_ASSERT_EQ(test, kt_fd_open(st, fds[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, list_count_nodes(&st->pdsfc->fwctl.uctx_list),
			ARRAY_SIZE(fds));

	/* The type, then the device data and its length, on each FD */
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		kt_uset(test, udata, KT_USER_BYTE, sizeof(data));
		KUNIT_ASSERT_EQ(test, kt_fd_info(test, fds[i], sizeof(data),
						 &info), 0);
		KUNIT_EXPECT_EQ(test, info.size, sizeof(info));
		KUNIT_EXPECT_EQ(test, info.out_device_type,
				FWCTL_DEVICE_TYPE_PDS);
		KUNIT_EXPECT_EQ(test, info.device_data_len, 4);
		kt_uget(test, data, udata, sizeof(data));
		memcpy(&caps, data, sizeof(caps));
		/* As upstream: PDS_FWCTL_QUERY_CAP | PDS_FWCTL_SEND_CAP */
		KUNIT_EXPECT_EQ(test, caps.uctx_caps, 1);
		/* The core zeroes the rest of the caller's buffer */
		KUNIT_EXPECT_TRUE(test, !memchr_inv(data + sizeof(caps), 0,
						    sizeof(data) -
						    sizeof(caps)));
	}

	/* A shorter buffer gets the start; the length is still the whole */
	kt_uset(test, udata, KT_USER_BYTE, sizeof(data));
	KUNIT_ASSERT_EQ(test, kt_fd_info(test, fds[0], 2, &info), 0);
	KUNIT_EXPECT_EQ(test, info.device_data_len, 4);
	kt_uget(test, data, udata, sizeof(data));
	caps.uctx_caps = 1;
	KUNIT_EXPECT_MEMEQ(test, data, &caps, 2);
	KUNIT_EXPECT_EQ(test, data[2], KT_USER_BYTE);

	/* Opening and INFO ask the firmware nothing */
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);

	/* An RPC: request and response payloads in user memory */
	for (i = 0; i < sizeof(req); i++)
		req[i] = 3 * i + 5;
	for (i = 0; i < sizeof(resp); i++)
		resp[i] = 0x90 + i;
	kt_uput(test, st->ubase + KT_IN_OFF, req, sizeof(req));
	kt_uset(test, uout, KT_USER_BYTE, sizeof(got));
	kt_uset(test, urpc_out, KT_USER_BYTE, sizeof(answer) + sizeof(tail));
	st->resp = resp;
	st->resp_len = sizeof(resp);
	rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), sizeof(req), 40);
	expected = *rpc;
	expected.out.retval = KT_RPC_ERR;

	KUNIT_ASSERT_EQ(test, kt_fd_rpc(test, fds[1], KT_CONF, rpc, &cmd), 0);
	/* The answer is as long as the request */
	KUNIT_EXPECT_EQ(test, cmd.out_len, sizeof(*rpc));
	KUNIT_ASSERT_EQ(test, st->nr_cmds, 2);
	KUNIT_EXPECT_EQ(test, st->recs[0].kind, KT_ENDPOINT);
	sent = &st->recs[1];
	KUNIT_EXPECT_EQ(test, sent->kind, KT_RPC);
	KUNIT_EXPECT_EQ(test, sent->ep, KT_EP_A);
	KUNIT_EXPECT_EQ(test, sent->op, KT_OP(1, 0));
	KUNIT_EXPECT_EQ(test, sent->req_sz, sizeof(req));
	KUNIT_EXPECT_EQ(test, sent->resp_sz, 40);
	KUNIT_EXPECT_MEMEQ(test, sent->req, req, sizeof(req));

	/* The struct comes back with retval set, and nothing past it */
	kt_uget(test, &answer, urpc_out, sizeof(answer));
	KUNIT_EXPECT_MEMEQ(test, &answer, &expected, sizeof(answer));
	kt_uget(test, tail, urpc_out + sizeof(answer), sizeof(tail));
	for (i = 0; i < sizeof(tail); i++)
		KUNIT_EXPECT_EQ_MSG(test, tail[i], KT_USER_BYTE, "byte %u", i);

	/* out.len bytes of response: the firmware's, then zeroes */
	kt_uget(test, got, uout, sizeof(got));
	KUNIT_EXPECT_MEMEQ(test, got, resp, sizeof(resp));
	for (i = sizeof(resp); i < 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], 0, "byte %u", i);
	for (; i < sizeof(got); i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], KT_USER_BYTE, "byte %u", i);

	/* The driver's own errno reaches user space: a scope too low */
	kt_reset_log(st);
	rpc->in.op = KT_OP(3, 0);
	KUNIT_EXPECT_EQ(test, kt_fd_rpc(test, fds[0], KT_CONF, rpc, &cmd),
			-EPERM);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);

	/* Closing asks the firmware nothing either */
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		fwctl_kunit_file_close(fds[i]);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&st->pdsfc->fwctl.uctx_list));
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

/*
 * Unbinding with files open: the files are orphaned. Every later ioctl on
 * them fails with ENODEV and reaches neither the driver nor the firmware,
 * a new open of the same node fails too, and closing them is safe. The
 * driver holds no DMA buffer from the remove on.
 */
static void pds_fwctl_test_remove_with_open_fds(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 8, 8);
	struct fwctl_info info;
	struct fwctl_rpc cmd;
	struct fwctl_kunit_file *fds[3], *late;
	unsigned int i;

	kt_probe(test);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = fwctl_kunit_file_alloc(test);
		KUNIT_ASSERT_EQ(test, kt_fd_open(st, fds[i]), 0);
	}
	/* Endpoint A's operations are fetched, so the remove frees them */
	KUNIT_ASSERT_EQ(test, kt_fd_rpc(test, fds[0], KT_CONF, rpc, &cmd), 0);
	KUNIT_ASSERT_NOT_NULL(test, st->pdsfc->eps[0].ops);

	kt_reset_log(st);
	kt_remove(st);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
	KUNIT_EXPECT_EQ(test, kt_nr_children(st), 0);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		KUNIT_EXPECT_EQ_MSG(test, kt_fd_info(test, fds[i], 4, &info),
				    -ENODEV, "FD %u", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    kt_fd_rpc(test, fds[i], KT_CONF, rpc, &cmd),
				    -ENODEV, "FD %u", i);
	}

	/* An open that raced with the remove, on the same inode */
	late = fwctl_kunit_file_alloc(test);
	KUNIT_EXPECT_EQ(test, fwctl_kunit_file_open(late, fds[0]->inode.i_cdev),
			-ENODEV);

	/* The files hold the device; the last close frees it */
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		fwctl_kunit_file_close(fds[i]);
	KUNIT_EXPECT_EQ(test, st->nr_cmds, 0);
	KUNIT_EXPECT_EQ(test, kt_live_pages(st), 0);
}

/* Every failed allocation unwinds */

static void pds_fwctl_test_fail_nth_probe(struct kunit *test)
{
	struct kt_state *st = test->priv;
	struct auxiliary_device *adev = &st->padev->aux_dev;
	bool done = false;
	unsigned int n;

	fwctl_kunit_require_failslab(test);
	for (n = 1; n <= KT_FAIL_NTH_MAX && !done; n++) {
		bool hit;
		int err;

		kt_reset_log(st);
		fwctl_kunit_fail_nth_arm(n);
		err = pdsfc_probe(adev, &kt_id);
		hit = fwctl_kunit_fail_nth_disarm();

		if (!hit) {
			/* Fewer than n fault points: probe ran clean */
			KUNIT_EXPECT_EQ(test, err, 0);
			done = true;
		} else if (err) {
			KUNIT_EXPECT_EQ_MSG(test, err, -ENOMEM, "fault %u", n);
			KUNIT_EXPECT_NULL(test, auxiliary_get_drvdata(adev));
		}
		/* Else the failure was tolerated: probe must have worked */
		if (!err) {
			struct pdsfc_dev *pdsfc = auxiliary_get_drvdata(adev);

			KUNIT_ASSERT_NOT_NULL(test, pdsfc);
			KUNIT_EXPECT_EQ_MSG(test, pdsfc->nr_eps,
					    ARRAY_SIZE(kt_default_eps),
					    "fault %u", n);
			KUNIT_EXPECT_EQ_MSG(test, kt_live_pages(st), 0,
					    "fault %u", n);
			pdsfc_remove(adev);
			auxiliary_set_drvdata(adev, NULL);
		}
		KUNIT_EXPECT_EQ_MSG(test, kt_live_pages(st), 0, "fault %u", n);
		KUNIT_EXPECT_EQ_MSG(test, kt_nr_children(st), 0, "fault %u", n);
	}
	KUNIT_EXPECT_TRUE_MSG(test, done, "probe still faulting after %u",
			      KT_FAIL_NTH_MAX);
	kunit_info(test, "probe ran clean with %u fault points\n", n - 2);
}

struct kt_fail_rpc_case {
	const char *name;
	bool first_use;
};

static const struct kt_fail_rpc_case kt_fail_rpc_cases[] = {
	{ "first use of the endpoint", true },
	{ "cached endpoint", false },
};

KUNIT_ARRAY_PARAM_DESC(kt_fail_rpc, kt_fail_rpc_cases, name);

static void pds_fwctl_test_fail_nth_rpc(struct kunit *test)
{
	const struct kt_fail_rpc_case *c = test->param_value;
	struct kt_state *st = test->priv;
	struct fwctl_rpc_pds *rpc = kt_req(test, KT_EP_A, KT_OP(1, 0), 16, 16);
	static const u8 resp[16] = { [0 ... 15] = 0x3c };
	bool done = false;
	unsigned int n;

	fwctl_kunit_require_failslab(test);
	st->resp = resp;
	st->resp_len = sizeof(resp);
	if (!c->first_use) {
		kt_probe(test);
		KUNIT_ASSERT_EQ(test, kt_rpc(test, KT_CONF, rpc), 0);
	}

	for (n = 1; n <= KT_FAIL_NTH_MAX && !done; n++) {
		size_t out_len;
		void *ret;
		bool hit;

		if (c->first_use)
			kt_probe(test);
		kt_reset_log(st);
		rpc->out.retval = KT_RETVAL_UNSET;
		fwctl_kunit_fail_nth_arm(n);
		ret = kt_fw_rpc_call(st, KT_CONF, rpc, sizeof(*rpc), &out_len);
		hit = fwctl_kunit_fail_nth_disarm();

		if (!hit)
			done = true;
		if (IS_ERR(ret)) {
			KUNIT_EXPECT_TRUE_MSG(test, hit, "fault %u", n);
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(ret), -ENOMEM,
					    "fault %u", n);
			KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], 0);
			KUNIT_EXPECT_EQ(test, rpc->out.retval,
					KT_RETVAL_UNSET);
			/* A listing lost to the fault is asked for again */
			if (!st->pdsfc->eps[0].ops) {
				kt_reset_log(st);
				KUNIT_EXPECT_EQ_MSG(test,
						    kt_rpc(test, KT_CONF, rpc),
						    0, "fault %u", n);
				KUNIT_EXPECT_EQ(test, st->nr[KT_ENDPOINT], 1);
			}
		} else {
			KUNIT_EXPECT_PTR_EQ_MSG(test, ret, rpc, "fault %u", n);
			KUNIT_EXPECT_EQ(test, out_len, sizeof(*rpc));
			KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], 1);
			KUNIT_EXPECT_EQ(test, rpc->out.retval, KT_RPC_ERR);
		}
		/* No coherent buffer outlives the RPC, failed or not */
		KUNIT_EXPECT_EQ_MSG(test, kt_live_pages(st), 0, "fault %u", n);
		if (c->first_use) {
			kt_remove(st);
			KUNIT_EXPECT_EQ_MSG(test, kt_live_pages(st), 0,
					    "fault %u", n);
		}
	}
	KUNIT_EXPECT_TRUE_MSG(test, done, "RPC still faulting after %u",
			      KT_FAIL_NTH_MAX);
}

/*
 * Seeded random requests against the default endpoints: any input length,
 * payload lengths around the firmware's limits, known and unknown
 * endpoints, commands and versions, at any scope. Each gets exactly the
 * answer the rules give (EINVAL, EPERM or success), an allowed one reaches
 * the firmware as the operation asked, and no DMA buffer is left behind.
 */
#define KT_FUZZ_ROUNDS 1000

/* The rules, from the test's own tables: 0, -EINVAL or -EPERM */
static int kt_fuzz_expected(struct kt_state *st, const struct fwctl_rpc_pds *rpc,
			    size_t in_len, enum fwctl_rpc_scope scope)
{
	const struct kt_ep *ep;
	u32 i;

	if (in_len < sizeof(*rpc) || rpc->in.len > KT_MAX_REQ ||
	    rpc->out.len > KT_MAX_RESP)
		return -EINVAL;
	ep = kt_find_ep(st, rpc->in.ep);
	if (!ep)
		return -EINVAL;
	for (i = 0; i < ep->nr_ops; i++) {
		if (!pds_fwctl_rpc_opcode_cmp(rpc->in.op, ep->ops[i].id))
			continue;
		return scope < pdsfc_attr_to_scope(ep->ops[i].attr) ? -EPERM : 0;
	}
	return -EINVAL;
}

static void pds_fwctl_test_fuzz(struct kunit *test)
{
	static const u32 eps[] = { KT_EP_A, KT_EP_B, KT_EP_NONE };
	struct kt_state *st = test->priv;
	unsigned int i, sent = 0, refused = 0;
	struct rnd_state rnd;
	u8 *buf;

	buf = kunit_kzalloc(test, sizeof(struct fwctl_rpc_pds) + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	prandom_seed_state(&rnd, 0x70647366);
	kt_probe(test);
	for (i = 0; i < KT_FUZZ_ROUNDS; i++) {
		u32 r = prandom_u32_state(&rnd);
		enum fwctl_rpc_scope scope = r % 4;
		unsigned int cmds = st->nr_cmds;
		const struct kt_rec *last;
		struct fwctl_rpc_pds *rpc;
		size_t in_len;
		int expected;

		rpc = kt_req(test, eps[(r >> 2) % ARRAY_SIZE(eps)],
			     KT_OP(prandom_u32_state(&rnd) % 11,
				   prandom_u32_state(&rnd) % 5),
			     prandom_u32_state(&rnd) % (KT_MAX_REQ + 2),
			     prandom_u32_state(&rnd) % (KT_MAX_RESP + 2));
		/* Now and then bits 31:24 of the operation, which are ignored */
		if (!(r & 0x300))
			rpc->in.op |= prandom_u32_state(&rnd) << 24;
		/* Mostly the struct; else shorter, or longer with a tail */
		in_len = sizeof(*rpc);
		if (!(r & 0x3000))
			in_len = prandom_u32_state(&rnd) % sizeof(*rpc);
		else if ((r & 0x3000) == 0x1000)
			in_len += prandom_u32_state(&rnd) % 17;
		memset(buf, 0, sizeof(*rpc) + 16);
		memcpy(buf, rpc, sizeof(*rpc));
		expected = kt_fuzz_expected(st, rpc, in_len, scope);

		KUNIT_ASSERT_EQ_MSG(test, kt_rpc_len(test, scope, buf, in_len),
				    expected,
				    "round %u: ep %u op 0x%x scope %d, %u/%u bytes, in_len %zu",
				    i, rpc->in.ep, rpc->in.op, scope, rpc->in.len,
				    rpc->out.len, in_len);
		KUNIT_ASSERT_EQ(test, kt_live_pages(st), 0);
		if (expected) {
			refused++;
			continue;
		}
		/* The operations QUERY of a first use, then the RPC */
		KUNIT_ASSERT_GE(test, st->nr_cmds - cmds, 1U);
		KUNIT_ASSERT_LE(test, st->nr_cmds - cmds, 2U);
		last = st->nr_cmds <= KT_MAX_RECS ? &st->recs[st->nr_cmds - 1] :
						      &st->scratch;
		KUNIT_ASSERT_EQ(test, last->kind, KT_RPC);
		KUNIT_ASSERT_EQ(test, last->ep, rpc->in.ep);
		KUNIT_ASSERT_EQ(test, last->op, rpc->in.op);
		KUNIT_ASSERT_EQ(test, last->req_sz, rpc->in.len);
		KUNIT_ASSERT_EQ(test, last->resp_sz, rpc->out.len);
		sent++;
	}
	KUNIT_EXPECT_GT(test, sent, 0U);
	KUNIT_EXPECT_GT(test, refused, 0U);
	KUNIT_EXPECT_EQ(test, st->nr[KT_RPC], sent);
}

static struct kunit_case pds_fwctl_test_cases[] = {
	KUNIT_CASE(pds_fwctl_test_probe),
	KUNIT_CASE_PARAM(pds_fwctl_test_probe_listing, kt_probe_gen_params),
	KUNIT_CASE(pds_fwctl_test_discovery),
	KUNIT_CASE_PARAM(pds_fwctl_test_op_listing, kt_listing_gen_params),
	KUNIT_CASE(pds_fwctl_test_listing_rewritten),
	KUNIT_CASE_PARAM(pds_fwctl_test_attr_scope, kt_attr_gen_params),
	KUNIT_CASE_PARAM(pds_fwctl_test_lookup, kt_lookup_gen_params),
	KUNIT_CASE(pds_fwctl_test_policy),
	KUNIT_CASE_PARAM(pds_fwctl_test_lengths, kt_len_gen_params),
	KUNIT_CASE(pds_fwctl_test_round_trip),
	KUNIT_CASE_PARAM(pds_fwctl_test_adminq_error, kt_errno_gen_params),
	KUNIT_CASE_PARAM(pds_fwctl_test_user_pointers, kt_uptr_gen_params),
	KUNIT_CASE(pds_fwctl_test_info),
	KUNIT_CASE(pds_fwctl_test_core_ioctls),
	KUNIT_CASE(pds_fwctl_test_remove_with_open_fds),
	KUNIT_CASE(pds_fwctl_test_fail_nth_probe),
	KUNIT_CASE_PARAM(pds_fwctl_test_fail_nth_rpc, kt_fail_rpc_gen_params),
	KUNIT_CASE(pds_fwctl_test_fuzz),
	{}
};

static struct kunit_suite pds_fwctl_test_suite = {
	.name = "pds_fwctl",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = pds_fwctl_test_cases,
};

kunit_test_suite(pds_fwctl_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the PDS fwctl driver");
MODULE_LICENSE("GPL");
