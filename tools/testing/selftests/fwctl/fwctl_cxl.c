// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl on CXL memory devices, run against cxl_test's mock memdevs.
 *
 * The tests find each memdev's fwctl device from user space alone, as a
 * tool does, and drive the three Features commands of
 * include/uapi/fwctl/cxl.h through it:
 *
 * - discovery: one fwctl device per memdev with features, the memdev as its
 *   parent, FWCTL_DEVICE_TYPE_CXL with no device data;
 * - the sequence of upstream's ndctl test (test/fwctl.c) on every memdev,
 *   with the lengths it sends and the out_len it gets back;
 * - every refusal, with its errno, and the device's own errors, which come
 *   back in retval;
 * - the Set Feature policy on the features cxl_mock_mem adds with
 *   policy_features=1, and a memdev whose only feature is kernel-owned
 *   (kernel_owned_serial), which gets no fwctl device;
 * - an unprivileged caller, and the unbind of a memdev with an FD open.
 *
 * A Set Feature changes the test feature's value, which every probe sets
 * to 0xdeadbeef: the tests put it back, and so do the teardowns. The tests
 * that rebind a memdev put the mock's parameters back to their defaults and
 * rebind it in their teardown, whatever happened, so that the programs run
 * after this one find the devices cxl_test made.
 *
 * Without cxl_test the tests skip; with FWCTL_CXL_REQUIRED=1 they fail.
 */
#include "fwctl_cxl.h"

/* Values the tests write into the test feature */
#define NDCTL_VAL 0xabcdabcd
#define OTHER_VAL 0x5a5a0001

/* The features cxl_mock_mem lists with policy_features=1 */
#define POLICY_NR_FEATS 7
/* The value of policy feature @i at probe, for i >= 1 */
#define POLICY_PROBE_VAL(i) (0x11110000 + (i))
/* No scope lets the feature be set */
#define NEVER (-1)

static const struct policy_feat {
	const char *uuid;
	/* What user space sees */
	__u16 set_feat_size;
	__u32 flags;
	__u16 effects;
	/* Lowest scope a Set Feature needs, or NEVER */
	int min_scope;
	/* The errno of a Set Feature at that scope and above; 0 if it works */
	int err;
} policy_feats[POLICY_NR_FEATS] = {
	/* The test feature: reset-time effect only */
	{ "ffffffff-ffff-ffff-ffff-ffffffffffff", 4, CXL_TEST_FEAT_FLAGS,
	  CXL_TEST_FEAT_EFFECTS, FWCTL_RPC_DEBUG_WRITE, 0 },
	/* Patrol scrub, kernel-owned: not changeable, no set size, EPERM */
	{ "96dad7d6-fde8-482b-a733-75774e06db8a", 0, 0,
	  CXL_CMD_CONFIG_CHANGE_IMMEDIATE | CXL_CMD_EFFECTS_VALID,
	  FWCTL_RPC_DEBUG_WRITE_FULL, EPERM },
	/* An immediate effect */
	{ "c0ffee00-0000-4000-8000-000000000002", 4, CXL_FEATURE_F_CHANGEABLE,
	  CXL_CMD_DATA_CHANGE_IMMEDIATE | CXL_CMD_EFFECTS_VALID,
	  FWCTL_RPC_DEBUG_WRITE_FULL, 0 },
	/* A background operation */
	{ "c0ffee00-0000-4000-8000-000000000003", 4, CXL_FEATURE_F_CHANGEABLE,
	  CXL_CMD_BACKGROUND | CXL_CMD_CONFIG_CHANGE_COLD_RESET |
	  CXL_CMD_EFFECTS_VALID, NEVER, 0 },
	/* A reserved effect bit */
	{ "c0ffee00-0000-4000-8000-000000000004", 4, CXL_FEATURE_F_CHANGEABLE,
	  (1U << 12) | CXL_CMD_CONFIG_CHANGE_COLD_RESET |
	  CXL_CMD_EFFECTS_VALID, NEVER, 0 },
	/* No effect claimed */
	{ "c0ffee00-0000-4000-8000-000000000005", 4, CXL_FEATURE_F_CHANGEABLE,
	  CXL_CMD_EFFECTS_VALID, NEVER, 0 },
	/* Not changeable */
	{ "c0ffee00-0000-4000-8000-000000000006", 4, 0,
	  CXL_TEST_FEAT_EFFECTS, NEVER, 0 },
};

static const __u32 all_scopes[] = {
	FWCTL_RPC_CONFIGURATION,
	FWCTL_RPC_DEBUG_READ_ONLY,
	FWCTL_RPC_DEBUG_WRITE,
	FWCTL_RPC_DEBUG_WRITE_FULL,
};

/* A UUID no memdev of cxl_test has */
static const __u8 unknown_uuid[16] = {
	0x0f, 0x3c, 0x5a, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0x01,
};

/* Put the test feature of every memdev with a fwctl device back */
static void restore_probe_values(struct __test_metadata *_metadata,
				 struct cxl_memdevs *c)
{
	unsigned int i;
	__u32 val;
	int fd;

	for (i = 0; i != c->nr; i++) {
		if (!c->md[i].fwctl[0])
			continue;
		fd = cxl_fwctl_open(&c->md[i], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!_cxl_read_u32(fd, cxl_test_feat_uuid, &val) &&
		    val != CXL_TEST_FEAT_PROBE_VAL)
			EXPECT_OK(_cxl_write_u32(fd, FWCTL_RPC_DEBUG_WRITE,
						 cxl_test_feat_uuid,
						 CXL_TEST_FEAT_PROBE_VAL));
		close(fd);
	}
}

FIXTURE(cxl)
{
	struct cxl_memdevs cxl;
	/* The first memdev with a fwctl device, and an FD on it */
	struct cxl_memdev *md;
	int fd;
};

FIXTURE_SETUP(cxl)
{
	const char *why;

	self->fd = -1;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	why = cxl_open_first(_metadata, &self->cxl, &self->md, &self->fd);
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(cxl)
{
	if (self->fd >= 0)
		EXPECT_OK(close(self->fd));
	restore_probe_values(_metadata, &self->cxl);
}

/* Whether memdev @md must have a fwctl device */
static bool expect_fwctl(struct __test_metadata *_metadata,
			 const struct cxl_memdev *md)
{
	char driver[64], owned[32];
	__u64 serial;

	if (!md->pdev[0])
		return false;
	cxl_pdev_driver(md->pdev, driver, sizeof(driver));
	if (strcmp(driver, CXL_MOCK_DRIVER))
		return false;
	/* A mock memdev has the test feature, unless all it has is owned */
	if (cxl_mock_param_exists("kernel_owned_serial")) {
		EXPECT_OK(cxl_mock_param_get("kernel_owned_serial", owned,
					     sizeof(owned)));
		EXPECT_OK(cxl_memdev_serial(md, &serial));
		if (atoll(owned) >= 0 && (__u64)atoll(owned) == serial)
			return false;
	}
	return true;
}

/*
 * Every memdev has at most one fwctl device, every mock memdev with a
 * feature for user space has one, whose parent is the memdev, and it is a
 * CXL device without device data. No other fwctl device has a memdev as
 * its parent.
 */
TEST_F(cxl, discovery)
{
	char path[PATH_MAX], real_md[PATH_MAX], real_parent[PATH_MAX];
	unsigned int i, found = 0;
	struct stat st;
	__u8 data[64];
	__u32 type, len;
	int fd;

	for (i = 0; i != self->cxl.nr; i++) {
		struct cxl_memdev *md = &self->cxl.md[i];

		ASSERT_TRUE(md->fwctl[0] || !expect_fwctl(_metadata, md))
			TH_LOG("%s (%s) has no fwctl device", md->name,
			       md->pdev);
		if (!md->fwctl[0])
			continue;
		found++;

		snprintf(path, sizeof(path), "%s/%s", CXL_DEVICES_DIR,
			 md->name);
		ASSERT_NE(NULL, realpath(path, real_md));
		snprintf(path, sizeof(path), "%s/%s/device", FWCTL_CLASS_DIR,
			 md->fwctl);
		ASSERT_NE(NULL, realpath(path, real_parent));
		ASSERT_STREQ(real_md, real_parent);

		ASSERT_OK(stat(md->node, &st));
		ASSERT_TRUE(S_ISCHR(st.st_mode));
		fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", md->node, strerror(errno));

		len = 0;
		type = 0;
		test_cmd_info(fd, &type, NULL, &len);
		ASSERT_EQ(FWCTL_DEVICE_TYPE_CXL, type);
		/* No device data: the buffer is zeroed, the length 0 */
		memset(data, CXL_PATTERN, sizeof(data));
		len = sizeof(data);
		type = 0;
		test_cmd_info(fd, &type, data, &len);
		ASSERT_EQ(FWCTL_DEVICE_TYPE_CXL, type);
		ASSERT_EQ(0, len);
		ASSERT_TRUE(all_bytes(data, 0, sizeof(data)));
		ASSERT_OK(close(fd));
	}
	ASSERT_EQ(found, cxl_fwctl_on_memdevs());
	ksft_print_msg("cxl: memdevs=%u with_fwctl=%u\n", self->cxl.nr,
		       found);
}

/* Set the test feature as ndctl does: out_len 20, reply of 16 */
static void ndctl_set(struct __test_metadata *_metadata, int fd, __u32 scope,
		      __u32 val)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	__le32 data = htole32(val);

	ASSERT_OK(_cxl_set_feature(fd, scope, cxl_test_feat_uuid, 0, &data,
				   sizeof(data), &r));
	ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
	ASSERT_EQ(0, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_TRUE(cxl_reply_untouched(&r));
}

/* ndctl's test/fwctl.c, step by step, on one memdev */
static void ndctl_sequence(struct __test_metadata *_metadata, int fd)
{
	struct cxl_mbox_get_sup_feats_out_hdr sup;
	struct cxl_reply r = {};
	struct cxl_feat_entry ent;
	unsigned long long tainted = 0;

	/* 1: the count probe, with a header-only buffer */
	r.len = CXL_SUP_OUT_LEN(0);
	ASSERT_OK(_cxl_get_supported(fd, FWCTL_RPC_CONFIGURATION, 0, 0, &r));
	ASSERT_EQ(24, r.out_len);
	ASSERT_EQ(CXL_SUP_HDR_LEN, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	sup = cxl_reply_sup(&r);
	ASSERT_EQ(1, le16toh(sup.supported_feats));
	ASSERT_EQ(0, le16toh(sup.num_entries));

	/* 2: the full list: one entry, the test feature */
	r.len = CXL_SUP_OUT_LEN(1);
	ASSERT_OK(_cxl_get_supported(fd, FWCTL_RPC_CONFIGURATION,
				     CXL_ENTRY_LEN, 0, &r));
	ASSERT_EQ(72, r.out_len);
	ASSERT_EQ(CXL_SUP_HDR_LEN + CXL_ENTRY_LEN, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	sup = cxl_reply_sup(&r);
	ASSERT_EQ(1, le16toh(sup.supported_feats));
	ASSERT_EQ(1, le16toh(sup.num_entries));
	ent = cxl_reply_entry(&r, 0);
	ASSERT_TRUE(all_bytes(ent.uuid, 0xff, sizeof(ent.uuid)));
	ASSERT_EQ(0, le16toh(ent.id));
	ASSERT_EQ(4, le16toh(ent.get_feat_size));
	ASSERT_EQ(4, le16toh(ent.set_feat_size));
	ASSERT_EQ(0x61, le32toh(ent.flags));
	ASSERT_EQ(1, ent.get_feat_ver);
	ASSERT_EQ(1, ent.set_feat_ver);
	ASSERT_EQ(0x0201, le16toh(ent.effects));
	ASSERT_TRUE(all_bytes(ent.reserved, 0, sizeof(ent.reserved)));

	/* 3: Get Feature reads the value of the probe */
	r.len = CXL_GET_OUT_LEN(4);
	ASSERT_OK(_cxl_get_feature(fd, FWCTL_RPC_CONFIGURATION,
				   cxl_test_feat_uuid, 0, 4, &r));
	ASSERT_EQ(20, r.out_len);
	ASSERT_EQ(4, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, cxl_reply_le32(&r, 0));

	/* 4: Set Feature at DEBUG_WRITE_FULL, as ndctl does, and read back */
	ndctl_set(_metadata, fd, FWCTL_RPC_DEBUG_WRITE_FULL, NDCTL_VAL);
	test_cxl_value(fd, NDCTL_VAL);
	ndctl_set(_metadata, fd, FWCTL_RPC_DEBUG_WRITE_FULL,
		  CXL_TEST_FEAT_PROBE_VAL);
	test_cxl_value(fd, CXL_TEST_FEAT_PROBE_VAL);

	/* The lowest scope the test feature needs is enough */
	ndctl_set(_metadata, fd, FWCTL_RPC_DEBUG_WRITE, NDCTL_VAL);
	test_cxl_value(fd, NDCTL_VAL);
	ASSERT_OK(read_tainted(&tainted));
	ASSERT_TRUE(tainted & (1ULL << FWCTL_TAINT_BIT));

	/* Back to the probe value, for the programs after this one */
	ndctl_set(_metadata, fd, FWCTL_RPC_DEBUG_WRITE,
		  CXL_TEST_FEAT_PROBE_VAL);
	test_cxl_value(fd, CXL_TEST_FEAT_PROBE_VAL);
}

TEST_F(cxl, ndctl_sequence)
{
	unsigned int i, done = 0;
	int fd;

	for (i = 0; i != self->cxl.nr; i++) {
		struct cxl_memdev *md = &self->cxl.md[i];

		if (!md->fwctl[0])
			continue;
		fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", md->node, strerror(errno));
		ndctl_sequence(_metadata, fd);
		ASSERT_OK(close(fd));
		done++;
	}
	ksft_print_msg("cxl: ndctl sequence passed on %u memdevs\n", done);
}

/* Reads work at every scope; a scope past the last is the core's refusal */
TEST_F(cxl, scopes)
{
	struct cxl_reply r = { .len = CXL_SUP_OUT_LEN(1) };
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(all_scopes); i++) {
		ASSERT_OK(_cxl_get_supported(self->fd, all_scopes[i],
					     CXL_ENTRY_LEN, 0, &r));
		ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
		ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
		ASSERT_OK(_cxl_get_feature(self->fd, all_scopes[i],
					   cxl_test_feat_uuid, 0, 4, &r));
		ASSERT_EQ(CXL_GET_OUT_LEN(4), r.out_len);
		ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
		ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, cxl_reply_le32(&r, 0));
	}
	ASSERT_ERRNO(EOPNOTSUPP,
		     _cxl_get_supported(self->fd,
					FWCTL_RPC_DEBUG_WRITE_FULL + 1,
					CXL_ENTRY_LEN, 0, &r));
	ASSERT_ERRNO(EOPNOTSUPP,
		     _cxl_get_feature(self->fd, UINT32_MAX, cxl_test_feat_uuid,
				      0, 4, &r));
}

/*
 * Get Supported Features returns count / 48 entries, at most those left
 * from start_idx; a count below 48 is the count probe. The reply's length
 * does not depend on the buffer: the core copies what fits.
 */
TEST_F(cxl, get_supported_count)
{
	static const __u32 probes[] = { 0, 1, 8, 47 };
	static const __u32 ones[] = { 48, 55, 56, 95, 96, 4096, UINT32_MAX };
	struct cxl_reply r = { .len = sizeof(r.buf) };
	struct cxl_feat_entry ent;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(probes); i++) {
		ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
					     probes[i], 0, &r));
		ASSERT_EQ(CXL_SUP_OUT_LEN(0), r.out_len);
		ASSERT_EQ(CXL_SUP_HDR_LEN, r.size);
		ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
		ASSERT_EQ(0, le16toh(cxl_reply_sup(&r).num_entries));
		ASSERT_EQ(1, le16toh(cxl_reply_sup(&r).supported_feats));
		ASSERT_TRUE(cxl_reply_untouched(&r));
	}
	for (i = 0; i != ARRAY_SIZE(ones); i++) {
		ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
					     ones[i], 0, &r));
		ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
		ASSERT_EQ(CXL_SUP_HDR_LEN + CXL_ENTRY_LEN, r.size);
		ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
		ASSERT_EQ(1, le16toh(cxl_reply_sup(&r).num_entries));
		ent = cxl_reply_entry(&r, 0);
		ASSERT_TRUE(cxl_is_test_feat(&ent));
		ASSERT_TRUE(cxl_reply_untouched(&r));
	}

	/* A buffer shorter than the reply gets its first bytes only */
	r.len = CXL_RSP_HDR_LEN;
	ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
				     CXL_ENTRY_LEN, 0, &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
	ASSERT_EQ(CXL_SUP_HDR_LEN + CXL_ENTRY_LEN, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_TRUE(cxl_reply_untouched(&r));
	r.len = 0;
	ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
				     CXL_ENTRY_LEN, 0, &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
	ASSERT_TRUE(all_bytes(r.buf, CXL_PATTERN, sizeof(r.buf)));
}

/* Build a Get Supported Features request for all entries into @in */
static __u32 build_get_supported(void *in, size_t len)
{
	struct cxl_mbox_get_sup_feats_in p = {
		.count = htole32(CXL_ENTRY_LEN),
	};

	return cxl_req_build(in, len, CXL_OP_GET_SUPPORTED_FEATURES,
			     sizeof(p), &p, sizeof(p));
}

static __u32 build_get_feature(void *in, size_t len)
{
	struct cxl_mbox_get_feat_in p = { .count = htole16(4) };

	memcpy(p.uuid, cxl_test_feat_uuid, sizeof(p.uuid));
	return cxl_req_build(in, len, CXL_OP_GET_FEATURE, sizeof(p), &p,
			     sizeof(p));
}

/* A Set Feature of the test feature to @val: valid at DEBUG_WRITE */
static __u32 build_set_feature(void *in, size_t len, __u32 val)
{
	__u8 p[CXL_SET_FEAT_HDR_LEN + sizeof(__le32)] = {};
	__le32 data = htole32(val);

	memcpy(p, cxl_test_feat_uuid, sizeof(cxl_test_feat_uuid));
	memcpy(p + CXL_SET_FEAT_HDR_LEN, &data, sizeof(data));
	return cxl_req_build(in, len, CXL_OP_SET_FEATURE, sizeof(p), p,
			     sizeof(p));
}

static __u32 build_set_other(void *in, size_t len)
{
	return build_set_feature(in, len, OTHER_VAL);
}

/* Assert that request @in of @in_len bytes fails with @err at @scope */
#define test_err_req(_errno, fd, scope, in, in_len)                     \
	({                                                              \
		struct cxl_reply __r = { .len = sizeof(__r.buf) };      \
		ASSERT_ERRNO(_errno, _cxl_rpc(fd, scope, in, in_len,    \
					      &__r));                   \
		ASSERT_TRUE(all_bytes(__r.buf, CXL_PATTERN,             \
				      sizeof(__r.buf)));                \
	})

/* A request that works, and the scope it is sent at */
struct good_req {
	__u32 (*build)(void *in, size_t len);
	__u32 scope;
};

/*
 * One of each command, a Set Feature at both scopes that allow it, for the
 * tests below to break one way at a time
 */
enum { REQ_SUP, REQ_GET, REQ_SET, REQ_SET_FULL };

static const struct good_req good_reqs[] = {
	[REQ_SUP] = { build_get_supported, FWCTL_RPC_CONFIGURATION },
	[REQ_GET] = { build_get_feature, FWCTL_RPC_CONFIGURATION },
	[REQ_SET] = { build_set_other, FWCTL_RPC_DEBUG_WRITE },
	[REQ_SET_FULL] = { build_set_other, FWCTL_RPC_DEBUG_WRITE_FULL },
};

/* The header fields the tests set, by their offset */
#define HDR_OPCODE offsetof(struct fwctl_rpc_cxl_hdr, opcode)
#define HDR_FLAGS offsetof(struct fwctl_rpc_cxl_hdr, flags)
#define HDR_OP_SIZE offsetof(struct fwctl_rpc_cxl_hdr, op_size)
#define HDR_RESERVED1 offsetof(struct fwctl_rpc_cxl_hdr, reserved1)

/* Assert that request @r fails with EINVAL once header @field is @val */
static void test_bad_field(struct __test_metadata *_metadata, int fd,
			   const struct good_req *r, size_t field, __u32 val)
{
	union cxl_req in;
	__u32 in_len;

	in_len = r->build(in.buf, sizeof(in.buf));
	memcpy(in.buf + field, &val, sizeof(val));
	test_err_req(EINVAL, fd, r->scope, in.buf, in_len);
}

/* Assert that request @r fails with EINVAL if only @in_len bytes are sent */
static void test_short_req(struct __test_metadata *_metadata, int fd,
			   const struct good_req *r, __u32 in_len)
{
	union cxl_req in;

	r->build(in.buf, sizeof(in.buf));
	test_err_req(EINVAL, fd, r->scope, in.buf, in_len);
}

/* A request shorter than the 16-byte header */
TEST_F(cxl, short_request)
{
	static const __u32 lens[] = { 0, 1, 4, 8, 12, 15 };
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(lens); i++) {
		test_short_req(_metadata, self->fd, &good_reqs[REQ_SUP],
			       lens[i]);
		test_short_req(_metadata, self->fd, &good_reqs[REQ_SET],
			       lens[i]);
	}
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/* Only the three Features opcodes, compared on all 32 bits */
TEST_F(cxl, unknown_opcode)
{
	static const __u32 opcodes[] = {
		0, 1, 0x0400, 0x04ff, 0x0503, 0x0600, 0xffff,
		0x10500, 0x10501, 0x10502, 0x80000500, 0xffff0501,
		0xffffffff,
	};
	unsigned int i, j;

	for (i = 0; i != ARRAY_SIZE(opcodes); i++) {
		for (j = 0; j != ARRAY_SIZE(all_scopes); j++) {
			const struct good_req sup = {
				build_get_supported, all_scopes[j]
			};

			test_bad_field(_metadata, self->fd, &sup, HDR_OPCODE,
				       opcodes[i]);
		}
		/* With a Set Feature's payload */
		test_bad_field(_metadata, self->fd, &good_reqs[REQ_SET],
			       HDR_OPCODE, opcodes[i]);
	}
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/* flags and reserved1 of the header must be 0, for every command */
TEST_F(cxl, reserved_fields)
{
	static const __u32 vals[] = { 1, 0x100, 0x80000000, UINT32_MAX };
	unsigned int i, rsvd, j;

	for (i = 0; i != ARRAY_SIZE(vals); i++)
		for (rsvd = 0; rsvd != 2; rsvd++)
			for (j = REQ_SUP; j <= REQ_SET; j++)
				test_bad_field(_metadata, self->fd,
					       &good_reqs[j],
					       rsvd ? HDR_RESERVED1 : HDR_FLAGS,
					       vals[i]);
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/*
 * in_len must cover the header and op_size bytes of payload; it may be
 * longer, as tools send it, or exactly that long.
 */
TEST_F(cxl, truncated_payload)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	static const __u32 huge[] = {
		0xfffffff0, 0xffffffef, 0xffffffff, 0x80000000,
	};
	union cxl_req in;
	unsigned int i, j;
	__u32 len;

	/* Get Supported Features: 16 + 8 */
	for (len = CXL_REQ_HDR_LEN; len < CXL_REQ_HDR_LEN + 8; len++)
		test_short_req(_metadata, self->fd, &good_reqs[REQ_SUP], len);
	build_get_supported(in.buf, sizeof(in.buf));
	r.len = CXL_SUP_OUT_LEN(1);
	ASSERT_OK(_cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, in.buf,
			   CXL_REQ_HDR_LEN + 8, &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);

	/* Get Feature: 16 + 21 */
	for (len = CXL_REQ_HDR_LEN; len < CXL_REQ_HDR_LEN + 21; len += 4)
		test_short_req(_metadata, self->fd, &good_reqs[REQ_GET], len);
	test_short_req(_metadata, self->fd, &good_reqs[REQ_GET],
		       CXL_REQ_HDR_LEN + 20);
	build_get_feature(in.buf, sizeof(in.buf));
	r.len = CXL_GET_OUT_LEN(4);
	ASSERT_OK(_cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, in.buf,
			   CXL_REQ_HDR_LEN + 21, &r));
	ASSERT_EQ(CXL_GET_OUT_LEN(4), r.out_len);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, cxl_reply_le32(&r, 0));

	/* Set Feature: 16 + 36 */
	for (len = CXL_REQ_HDR_LEN; len < CXL_REQ_HDR_LEN + 36; len += 5)
		test_short_req(_metadata, self->fd, &good_reqs[REQ_SET], len);
	test_short_req(_metadata, self->fd, &good_reqs[REQ_SET],
		       CXL_REQ_HDR_LEN + 35);
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
	build_set_feature(in.buf, sizeof(in.buf), OTHER_VAL);
	ASSERT_OK(_cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, in.buf,
			   CXL_REQ_HDR_LEN + 36, &r));
	ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	test_cxl_value(self->fd, OTHER_VAL);
	test_cmd_cxl_write(self->fd, FWCTL_RPC_DEBUG_WRITE, cxl_test_feat_uuid,
			   CXL_TEST_FEAT_PROBE_VAL);

	/* An op_size for which 16 + op_size overflows 32 bits */
	for (i = 0; i != ARRAY_SIZE(huge); i++)
		for (j = 0; j != ARRAY_SIZE(good_reqs); j++)
			test_bad_field(_metadata, self->fd, &good_reqs[j],
				       HDR_OP_SIZE, huge[i]);
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/* Each command has one payload size: 8, 21, more than 32 */
TEST_F(cxl, op_size)
{
	static const __u32 sup[] = { 0, 4, 7, 9, 16, 21 };
	static const __u32 get[] = { 0, 8, 16, 20, 22, 32 };
	static const __u32 set[] = { 0, 8, 16, 31, 32 };
	unsigned int i;

	/* in_len always covers the payload; only op_size is wrong */
	for (i = 0; i != ARRAY_SIZE(sup); i++)
		test_bad_field(_metadata, self->fd, &good_reqs[REQ_SUP],
			       HDR_OP_SIZE, sup[i]);
	for (i = 0; i != ARRAY_SIZE(get); i++)
		test_bad_field(_metadata, self->fd, &good_reqs[REQ_GET],
			       HDR_OP_SIZE, get[i]);
	for (i = 0; i != ARRAY_SIZE(set); i++) {
		test_bad_field(_metadata, self->fd, &good_reqs[REQ_SET],
			       HDR_OP_SIZE, set[i]);
		test_bad_field(_metadata, self->fd, &good_reqs[REQ_SET_FULL],
			       HDR_OP_SIZE, set[i]);
	}
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/* start_idx past the last feature */
TEST_F(cxl, start_idx)
{
	static const __u16 idx[] = { 1, 2, 0x100, 0x8000, 0xffff };
	struct cxl_reply r = { .len = sizeof(r.buf) };
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(idx); i++) {
		ASSERT_ERRNO(EINVAL,
			     _cxl_get_supported(self->fd,
						FWCTL_RPC_CONFIGURATION,
						CXL_ENTRY_LEN, idx[i], &r));
		ASSERT_ERRNO(EINVAL,
			     _cxl_get_supported(self->fd,
						FWCTL_RPC_CONFIGURATION, 0,
						idx[i], &r));
		ASSERT_TRUE(all_bytes(r.buf, CXL_PATTERN, sizeof(r.buf)));
	}
}

/*
 * Get Feature: count 0 is refused, and so is a count that does not fit in
 * out_len after the 8-byte reply header. A count that fits is read even if
 * the reply's 8 trailing bytes do not.
 */
TEST_F(cxl, get_count)
{
	struct cxl_reply r = {};
	__u8 *big;
	size_t big_len = CXL_RSP_HDR_LEN + 0xffff + 64;
	struct cxl_mbox_get_feat_in p = {};
	union cxl_req in;
	__u32 in_len, out_len;
	bool intact;

	r.len = CXL_GET_OUT_LEN(4);
	ASSERT_ERRNO(EINVAL, _cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, 0, &r));

	for (r.len = 0; r.len != CXL_RSP_HDR_LEN + 4; r.len++)
		ASSERT_ERRNO(EINVAL,
			     _cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, 4, &r));
	ASSERT_TRUE(all_bytes(r.buf, CXL_PATTERN, sizeof(r.buf)));

	/* 12 bytes: the header and the four data bytes */
	r.len = CXL_RSP_HDR_LEN + 4;
	ASSERT_OK(_cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
				   cxl_test_feat_uuid, 0, 4, &r));
	ASSERT_EQ(CXL_GET_OUT_LEN(4), r.out_len);
	ASSERT_EQ(4, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, cxl_reply_le32(&r, 0));
	ASSERT_TRUE(cxl_reply_untouched(&r));

	r.len = CXL_RSP_HDR_LEN + 2;
	ASSERT_OK(_cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
				   cxl_test_feat_uuid, 0, 2, &r));
	ASSERT_EQ(CXL_GET_OUT_LEN(2), r.out_len);
	ASSERT_EQ(2, r.size);
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL & 0xffff,
		  r.buf[CXL_RSP_HDR_LEN] | r.buf[CXL_RSP_HDR_LEN + 1] << 8);
	ASSERT_TRUE(cxl_reply_untouched(&r));

	/* The largest count does not fit in 20 bytes */
	r.len = CXL_GET_OUT_LEN(4);
	ASSERT_ERRNO(EINVAL, _cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, 0xffff,
					      &r));

	/*
	 * It fits in 8 + 65535 bytes: the device refuses to read past the
	 * feature's 4 bytes, and nothing lands past the reply header.
	 */
	big = malloc(big_len);
	ASSERT_NE(NULL, big);
	memset(big, CXL_PATTERN, big_len);
	p.count = htole16(0xffff);
	memcpy(p.uuid, cxl_test_feat_uuid, sizeof(p.uuid));
	in_len = cxl_req_build(in.buf, sizeof(in.buf), CXL_OP_GET_FEATURE,
			       sizeof(p), &p, sizeof(p));
	out_len = CXL_RSP_HDR_LEN + 0xffff;
	if (_test_cmd_rpc(self->fd, FWCTL_RPC_CONFIGURATION, in.buf, in_len,
			  big, &out_len)) {
		free(big);
		ASSERT_OK(-1);
	}
	memcpy(&r.size, big, sizeof(r.size));
	memcpy(&r.retval, big + sizeof(r.size), sizeof(r.retval));
	r.out_len = out_len;
	intact = all_bytes(big + CXL_GET_OUT_LEN(0), CXL_PATTERN,
			   big_len - CXL_GET_OUT_LEN(0));
	free(big);
	ASSERT_EQ(CXL_GET_OUT_LEN(0), r.out_len);
	ASSERT_EQ(0, r.size);
	ASSERT_EQ(CXL_RC_INPUT, r.retval);
	ASSERT_TRUE(intact);
}

/* Set Feature needs room for the 8-byte reply header, no more */
TEST_F(cxl, set_out_len)
{
	static const __u32 short_lens[] = { 0, 1, 4, 7 };
	struct cxl_reply r = {};
	__le32 data = htole32(OTHER_VAL);
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(short_lens); i++) {
		r.len = short_lens[i];
		ASSERT_ERRNO(EINVAL,
			     _cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_WRITE,
					      cxl_test_feat_uuid, 0, &data,
					      sizeof(data), &r));
		ASSERT_TRUE(all_bytes(r.buf, CXL_PATTERN, sizeof(r.buf)));
	}
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);

	r.len = CXL_RSP_HDR_LEN;
	ASSERT_OK(_cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_WRITE,
				   cxl_test_feat_uuid, 0, &data, sizeof(data),
				   &r));
	ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
	ASSERT_EQ(0, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_TRUE(cxl_reply_untouched(&r));
	test_cxl_value(self->fd, OTHER_VAL);
	test_cmd_cxl_write(self->fd, FWCTL_RPC_DEBUG_WRITE, cxl_test_feat_uuid,
			   CXL_TEST_FEAT_PROBE_VAL);
}

/*
 * The test feature's effects are reset-time only: a Set needs
 * DEBUG_WRITE; below it EINVAL, above the last scope the core's EOPNOTSUPP.
 */
TEST_F(cxl, set_scope)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	__le32 data = htole32(OTHER_VAL);

	ASSERT_ERRNO(EINVAL, _cxl_set_feature(self->fd, FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, &data,
					      sizeof(data), &r));
	ASSERT_ERRNO(EINVAL,
		     _cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
				      cxl_test_feat_uuid, 0, &data,
				      sizeof(data), &r));
	ASSERT_ERRNO(EOPNOTSUPP,
		     _cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL + 1,
				      cxl_test_feat_uuid, 0, &data,
				      sizeof(data), &r));
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/* A Set Feature of a feature the device did not list */
TEST_F(cxl, set_unknown_uuid)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	__le32 data = htole32(OTHER_VAL);
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(all_scopes); i++)
		ASSERT_ERRNO(EINVAL,
			     _cxl_set_feature(self->fd, all_scopes[i],
					      unknown_uuid, 0, &data,
					      sizeof(data), &r));
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/*
 * What the device refuses comes back in retval of a successful ioctl, with
 * no data: an unknown feature (UNSUPPORTED), a range past its data (INPUT).
 */
TEST_F(cxl, get_device_errors)
{
	static const struct {
		__u16 offset;
		__u16 count;
	} bad[] = { { 4, 4 }, { 1, 4 }, { 0, 5 }, { 3, 2 }, { 5, 1 },
		    { 0xffff, 1 } };
	struct cxl_reply r = { .len = 64 };
	unsigned int i;

	ASSERT_OK(_cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
				   unknown_uuid, 0, 4, &r));
	ASSERT_EQ(CXL_GET_OUT_LEN(0), r.out_len);
	ASSERT_EQ(0, r.size);
	ASSERT_EQ(CXL_RC_UNSUPPORTED, r.retval);
	ASSERT_TRUE(cxl_reply_untouched(&r));

	for (i = 0; i != ARRAY_SIZE(bad); i++) {
		ASSERT_OK(_cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
					   cxl_test_feat_uuid, bad[i].offset,
					   bad[i].count, &r));
		ASSERT_EQ(CXL_GET_OUT_LEN(0), r.out_len)
			TH_LOG("offset %u count %u", bad[i].offset,
			       bad[i].count);
		ASSERT_EQ(0, r.size);
		ASSERT_EQ(CXL_RC_INPUT, r.retval);
		ASSERT_TRUE(cxl_reply_untouched(&r));
	}

	/* A range inside the data: bytes 2 and 3 of le32 0xdeadbeef */
	ASSERT_OK(_cxl_get_feature(self->fd, FWCTL_RPC_CONFIGURATION,
				   cxl_test_feat_uuid, 2, 2, &r));
	ASSERT_EQ(CXL_GET_OUT_LEN(2), r.out_len);
	ASSERT_EQ(2, r.size);
	ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
	ASSERT_EQ(0xad, r.buf[CXL_RSP_HDR_LEN]);
	ASSERT_EQ(0xde, r.buf[CXL_RSP_HDR_LEN + 1]);
}

/*
 * cxl_test takes a Set Feature of exactly the feature's 4 bytes at offset
 * 0; anything else is its INPUT error, in retval, and changes nothing.
 */
TEST_F(cxl, set_device_errors)
{
	static const __u8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const size_t lens[] = { 1, 2, 3, 5, 8 };
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(lens); i++) {
		ASSERT_OK(_cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_WRITE,
					   cxl_test_feat_uuid, 0, data,
					   lens[i], &r));
		ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
		ASSERT_EQ(0, r.size);
		ASSERT_EQ(CXL_RC_INPUT, r.retval) TH_LOG("%zu bytes", lens[i]);
		test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
	}
	ASSERT_OK(_cxl_set_feature(self->fd, FWCTL_RPC_DEBUG_WRITE,
				   cxl_test_feat_uuid, 2, data, 4, &r));
	ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
	ASSERT_EQ(0, r.size);
	ASSERT_EQ(CXL_RC_INPUT, r.retval);
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/*
 * The kernel chooses the transfer action itself: whatever bits 2:0 of the
 * flags say, 4 bytes go as one full transfer, which cxl_test takes.
 */
TEST_F(cxl, set_transfer_action)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	union cxl_req in;
	struct cxl_mbox_set_feat_in *set;
	__u32 flags, in_len, val;

	for (flags = CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER;
	     flags <= CXL_SET_FEAT_FLAG_DATA_TRANSFER_MASK; flags++) {
		val = OTHER_VAL + flags;
		in_len = build_set_feature(in.buf, sizeof(in.buf), val);
		set = (void *)(in.buf + CXL_REQ_HDR_LEN);
		set->flags = htole32(flags);
		ASSERT_OK(_cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, in.buf,
				   in_len, &r));
		ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
		ASSERT_EQ(CXL_RC_SUCCESS, r.retval) TH_LOG("flags %#x", flags);
		test_cxl_value(self->fd, val);
	}
	test_cmd_cxl_write(self->fd, FWCTL_RPC_DEBUG_WRITE, cxl_test_feat_uuid,
			   CXL_TEST_FEAT_PROBE_VAL);
}

struct nobody_args {
	int fd;
	const char *node;
};

/*
 * As nobody, without capabilities, on the FD root opened: reads and a Set
 * at DEBUG_WRITE, which needs no capability, work; DEBUG_WRITE_FULL needs
 * CAP_SYS_RAWIO. The node itself cannot be opened.
 */
static void child_nobody(struct __test_metadata *_metadata, void *arg)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	const struct nobody_args *a = arg;
	__le32 data = htole32(OTHER_VAL);
	__u32 val = 0;

	EXPECT_OK(become_user(NOBODY, NOBODY));
	if (getuid() != NOBODY || geteuid() != NOBODY)
		return;
	EXPECT_FALSE(cap_effective(CAP_SYS_RAWIO));

	EXPECT_ERRNO(EACCES, open(a->node, O_RDWR));
	EXPECT_ERRNO(EACCES, open(a->node, O_RDONLY));

	EXPECT_OK(_cxl_check_default(a->fd, &val));
	EXPECT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);

	EXPECT_ERRNO(EPERM,
		     _cxl_set_feature(a->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				      cxl_test_feat_uuid, 0, &data,
				      sizeof(data), &r));
	EXPECT_OK(_cxl_read_u32(a->fd, cxl_test_feat_uuid, &val));
	EXPECT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);

	EXPECT_OK(_cxl_write_u32(a->fd, FWCTL_RPC_DEBUG_WRITE,
				 cxl_test_feat_uuid, OTHER_VAL));
	EXPECT_OK(_cxl_read_u32(a->fd, cxl_test_feat_uuid, &val));
	EXPECT_EQ(OTHER_VAL, val);
	EXPECT_OK(_cxl_write_u32(a->fd, FWCTL_RPC_DEBUG_WRITE,
				 cxl_test_feat_uuid, CXL_TEST_FEAT_PROBE_VAL));
}

TEST_F(cxl, unprivileged)
{
	struct nobody_args a = { .fd = self->fd, .node = self->md->node };

	run_in_child(_metadata, child_nobody, &a);
	test_cxl_value(self->fd, CXL_TEST_FEAT_PROBE_VAL);
}

/*
 * Tests that unbind and rebind a memdev, and may change cxl_mock_mem's
 * parameters: the teardown puts both back and rebinds the memdev, and
 * checks that it is a default memdev again.
 */
FIXTURE(cxl_rebind)
{
	struct cxl_memdevs cxl;
	/* The memdev the test rebinds, as it is now */
	struct cxl_memdev md;
	char pdev[32];
	int fd;
	/* The test changed the memdev: rebind it with default parameters */
	bool dirty;
};

FIXTURE_SETUP(cxl_rebind)
{
	const char *why;

	self->fd = -1;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	why = cxl_find_rebind(_metadata, &self->cxl, &self->md, self->pdev,
			      sizeof(self->pdev));
	if (why)
		SKIP(return, "%s", why);
	/* Left over by a run that was killed: it has no effect until a probe */
	ASSERT_OK(cxl_mock_params_reset());
}

FIXTURE_TEARDOWN(cxl_rebind)
{
	if (self->fd >= 0)
		EXPECT_OK(close(self->fd));
	EXPECT_OK(cxl_mock_params_reset());
	if (!self->dirty && cxl_pdev_bound(self->pdev))
		return;
	/* Logs what failed: the programs after this one will fail too */
	EXPECT_OK(cxl_pdev_rebind(self->pdev, &self->md, true));
	cxl_expect_default_md(_metadata, &self->md, false);
}

/* Skip, or fail with FWCTL_CXL_REQUIRED=1, without the mock's parameters */
static bool have_policy_params(struct __test_metadata *_metadata)
{
	if (cxl_mock_param_exists("policy_features") &&
	    cxl_mock_param_exists("kernel_owned_serial"))
		return true;
	ASSERT_FALSE(cxl_required())
		TH_LOG("FWCTL_CXL_REQUIRED=1, but %s has no policy_features or kernel_owned_serial",
		       CXL_MOCK_PARAMS);
	return false;
}

/*
 * With policy_features=1 the memdev lists seven features. User space sees
 * the kernel-owned one as not changeable, with no set size, and each Set
 * Feature gets what the effects policy says.
 */
TEST_F_TIMEOUT(cxl_rebind, policy_features, 180)
{
	struct cxl_feat_entry ents[POLICY_NR_FEATS + 1];
	struct cxl_reply r = { .len = sizeof(r.buf) };
	unsigned int nr = 0, i, j;
	__u32 val, want;
	__u8 uuid[16];
	__le32 data;
	int ret, err, got;

	if (!have_policy_params(_metadata))
		SKIP(return, "%s has no policy_features parameter",
		     CXL_MOCK_DRIVER);
	ASSERT_OK(cxl_mock_param_set("policy_features", "1"));
	self->dirty = true;
	ASSERT_OK(cxl_pdev_rebind(self->pdev, &self->md, true));
	self->fd = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);

	ASSERT_OK(_cxl_list(self->fd, ents, ARRAY_SIZE(ents), &nr));
	ASSERT_EQ(POLICY_NR_FEATS, nr);
	ASSERT_TRUE(cxl_is_test_feat(&ents[0]));
	for (i = 0; i != nr; i++) {
		const struct policy_feat *p = &policy_feats[i];

		ASSERT_OK(cxl_uuid_parse(p->uuid, uuid));
		ASSERT_EQ(0, memcmp(uuid, ents[i].uuid, sizeof(uuid)))
			TH_LOG("entry %u is not %s", i, p->uuid);
		ASSERT_EQ(4, le16toh(ents[i].get_feat_size));
		ASSERT_EQ(p->set_feat_size, le16toh(ents[i].set_feat_size))
			TH_LOG("entry %u", i);
		ASSERT_EQ(p->flags, le32toh(ents[i].flags))
			TH_LOG("entry %u", i);
		ASSERT_EQ(p->effects, le16toh(ents[i].effects))
			TH_LOG("entry %u", i);

		/* Every feature can be read, the kernel-owned one too */
		want = i ? POLICY_PROBE_VAL(i) : CXL_TEST_FEAT_PROBE_VAL;
		test_cmd_cxl_read(self->fd, uuid, &val);
		ASSERT_EQ(want, val) TH_LOG("entry %u", i);

		for (j = 0; j != ARRAY_SIZE(all_scopes); j++) {
			/* Below its scope EINVAL, then the policy's answer */
			err = p->min_scope == NEVER ||
			      all_scopes[j] < (__u32)p->min_scope ? EINVAL :
								    p->err;
			data = htole32(0x5e700000 + i * 16 + j);
			r.len = CXL_GET_OUT_LEN(4);
			ret = _cxl_set_feature(self->fd, all_scopes[j], uuid,
					       0, &data, sizeof(data), &r);
			got = ret ? errno : 0;
			ASSERT_EQ(err, got)
				TH_LOG("entry %u, scope %u: %s", i,
				       all_scopes[j],
				       got ? strerror(got) : "success");
			if (!err) {
				ASSERT_EQ(CXL_SET_OUT_LEN, r.out_len);
				ASSERT_EQ(0, r.size);
				ASSERT_EQ(CXL_RC_SUCCESS, r.retval);
				want = le32toh(data);
			}
			test_cmd_cxl_read(self->fd, uuid, &val);
			ASSERT_EQ(want, val)
				TH_LOG("entry %u, scope %u", i, all_scopes[j]);
		}
	}

	/* Listing from start_idx on */
	r.len = sizeof(r.buf);
	ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
				     2 * CXL_ENTRY_LEN, 3, &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(2), r.out_len);
	ASSERT_EQ(2, le16toh(cxl_reply_sup(&r).num_entries));
	ASSERT_EQ(POLICY_NR_FEATS, le16toh(cxl_reply_sup(&r).supported_feats));
	for (i = 0; i != 2; i++) {
		struct cxl_feat_entry ent = cxl_reply_entry(&r, i);

		ASSERT_EQ(0, memcmp(&ents[3 + i], &ent, sizeof(ent)));
	}
	ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION,
				     10 * CXL_ENTRY_LEN, POLICY_NR_FEATS - 1,
				     &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(1), r.out_len);
	ASSERT_EQ(1, le16toh(cxl_reply_sup(&r).num_entries));
	ASSERT_OK(_cxl_get_supported(self->fd, FWCTL_RPC_CONFIGURATION, 0, 5,
				     &r));
	ASSERT_EQ(CXL_SUP_OUT_LEN(0), r.out_len);
	ASSERT_EQ(POLICY_NR_FEATS, le16toh(cxl_reply_sup(&r).supported_feats));
	ASSERT_ERRNO(EINVAL, _cxl_get_supported(self->fd,
						FWCTL_RPC_CONFIGURATION,
						CXL_ENTRY_LEN,
						POLICY_NR_FEATS, &r));
	ksft_print_msg("cxl: policy checked on %s (%s), %u features\n",
		       self->md.name, self->pdev, nr);
}

/*
 * A memdev whose only feature is kernel-owned has nothing for user space:
 * no fwctl device, while the other memdevs keep theirs.
 */
TEST_F_TIMEOUT(cxl_rebind, kernel_owned, 120)
{
	struct cxl_memdevs *after;
	char val[32];
	__u64 serial;
	bool others;

	if (!have_policy_params(_metadata))
		SKIP(return, "%s has no kernel_owned_serial parameter",
		     CXL_MOCK_DRIVER);
	ASSERT_OK(cxl_memdev_serial(&self->md, &serial));
	ASSERT_EQ((__u64)self->md.pdev_id, serial);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)serial);
	ASSERT_OK(cxl_mock_param_set("kernel_owned_serial", val));
	self->dirty = true;

	ASSERT_OK(cxl_pdev_rebind(self->pdev, &self->md, false));
	ASSERT_EQ(0, self->md.fwctl[0])
		TH_LOG("%s has fwctl device %s", self->md.name, self->md.fwctl);
	ASSERT_OK(cxl_memdev_serial(&self->md, &serial));
	ASSERT_EQ((__u64)self->md.pdev_id, serial);

	after = malloc(sizeof(*after));
	ASSERT_NE(NULL, after);
	if (cxl_memdevs_scan(after)) {
		free(after);
		ASSERT_OK(-1);
	}
	ksft_print_msg("cxl: %s (%s) has no fwctl device; %u of %u memdevs have one\n",
		       self->md.name, self->pdev, after->nr_fwctl, after->nr);
	others = after->nr == self->cxl.nr &&
		 after->nr_fwctl == self->cxl.nr_fwctl - 1;
	free(after);
	ASSERT_TRUE(others);
}

/*
 * Unbinding a memdev with FDs open: every call on them fails with ENODEV,
 * they close cleanly, and the memdev comes back when bound again.
 */
TEST_F_TIMEOUT(cxl_rebind, unplug_open_fd, 120)
{
	struct cxl_reply r = { .len = sizeof(r.buf) };
	__le32 data = htole32(OTHER_VAL);
	char path[PATH_MAX];
	union cxl_req in;
	int fds[2];
	unsigned int i;
	__u32 len, val;

	for (i = 0; i != ARRAY_SIZE(fds); i++) {
		fds[i] = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[i]);
		ASSERT_OK(_cxl_check_default(fds[i], &val));
	}
	self->fd = fds[0];

	self->dirty = true;
	ASSERT_OK(cxl_pdev_unbind(self->pdev));
	ASSERT_FALSE(cxl_pdev_bound(self->pdev));
	snprintf(path, sizeof(path), "%s/%s/%s", PLATFORM_DEVICES_DIR,
		 self->pdev, self->md.name);
	ASSERT_FALSE(path_exists(path));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, self->md.fwctl);
	ASSERT_FALSE(path_exists(path));
	ASSERT_ERRNO(ENOENT, open(self->md.node, O_RDWR));

	for (i = 0; i != ARRAY_SIZE(fds); i++) {
		len = 0;
		test_err_info(ENODEV, fds[i], NULL, &len);
		ASSERT_ERRNO(ENODEV,
			     _cxl_get_supported(fds[i], FWCTL_RPC_CONFIGURATION,
						CXL_ENTRY_LEN, 0, &r));
		ASSERT_ERRNO(ENODEV,
			     _cxl_get_feature(fds[i], FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, 4, &r));
		ASSERT_ERRNO(ENODEV,
			     _cxl_set_feature(fds[i], FWCTL_RPC_DEBUG_WRITE,
					      cxl_test_feat_uuid, 0, &data,
					      sizeof(data), &r));
		/* Even requests the driver would refuse */
		build_get_supported(in.buf, sizeof(in.buf));
		ASSERT_ERRNO(ENODEV, _cxl_rpc(fds[i], FWCTL_RPC_CONFIGURATION,
					      in.buf, 0, &r));
		ASSERT_TRUE(all_bytes(r.buf, CXL_PATTERN, sizeof(r.buf)));
	}
	self->fd = -1;
	for (i = 0; i != ARRAY_SIZE(fds); i++)
		ASSERT_OK(close(fds[i]));

	ASSERT_OK(cxl_pdev_bind(self->pdev));
	ASSERT_OK(cxl_pdev_wait(self->pdev, &self->md, true,
				CXL_REBIND_TIMEOUT_S));
	self->fd = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_OK(_cxl_check_default(self->fd, &val));
	ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
	self->dirty = false;
}

TEST_HARNESS_MAIN
