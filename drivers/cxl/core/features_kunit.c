// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the policy behind CXL Features over fwctl: the scope a Set
 * Feature needs for each effects word, the checks of an RPC that need no
 * device state, and the features the kernel keeps for itself. Each is a
 * pure function of its arguments, so every case runs without a device.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/fwctl.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include <cxl/features.h>
#include <uapi/fwctl/cxl.h>

/* The opcodes as the uAPI fixes them, independent of the CXL core's enum */
#define KT_OP_GET_SUPPORTED	0x0500
#define KT_OP_GET_FEATURE	0x0501
#define KT_OP_SET_FEATURE	0x0502

#define KT_WRITE		FWCTL_RPC_DEBUG_WRITE
#define KT_FULL			FWCTL_RPC_DEBUG_WRITE_FULL

struct kt_policy_case {
	const char *name;
	u16 effects;
	int expected;
};

static const struct kt_policy_case kt_policy_cases[] = {
	/* Each bit alone */
	{ "config change after cold reset", BIT(0), KT_WRITE },
	{ "config change immediate", BIT(1), KT_FULL },
	{ "data change immediate", BIT(2), KT_FULL },
	{ "policy change immediate", BIT(3), KT_FULL },
	{ "log change immediate", BIT(4), KT_FULL },
	{ "security state change alone", BIT(5), -EINVAL },
	{ "background operation", BIT(6), -EINVAL },
	{ "background abort alone", BIT(7), -EINVAL },
	{ "bit 8 alone", BIT(8), -EINVAL },
	{ "effects valid alone", BIT(9), -EINVAL },
	{ "config change after conventional reset", BIT(10), KT_WRITE },
	{ "config change after CXL reset", BIT(11), KT_WRITE },
	{ "reserved bit 12", BIT(12), -EINVAL },
	{ "reserved bit 13", BIT(13), -EINVAL },
	{ "reserved bit 14", BIT(14), -EINVAL },
	{ "reserved bit 15", BIT(15), -EINVAL },
	/* The combinations that decide */
	{ "no effect at all", 0, -EINVAL },
	{ "cxl_test's feature: cold reset, valid", 0x0201, KT_WRITE },
	{ "patrol scrub: config immediate, valid", 0x0202, KT_FULL },
	{ "data immediate, valid", 0x0204, KT_FULL },
	{ "cold reset and config immediate", 0x0203, KT_FULL },
	{ "every reset bit", 0x0c01, KT_WRITE },
	{ "every immediate bit and every reset bit", 0x0c1f, KT_FULL },
	{ "background with cold reset", 0x0241, -EINVAL },
	{ "background with config immediate", 0x0242, -EINVAL },
	{ "reserved bit 12 with cold reset", 0x1201, -EINVAL },
	{ "reserved bit 15 with data immediate", 0x8204, -EINVAL },
	{ "valid only", 0x0200, -EINVAL },
	{ "ignored bits with cold reset", 0x03a1, KT_WRITE },
	{ "ignored bits with log immediate", 0x03b0, KT_FULL },
	{ "ignored bits only", 0x03a0, -EINVAL },
	{ "every bit but background and reserved", 0x0fbf, KT_FULL },
	{ "every bit", 0xffff, -EINVAL },
};

static void kt_policy_desc(const struct kt_policy_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "0x%04x %s", c->effects, c->name);
}

KUNIT_ARRAY_PARAM(kt_policy, kt_policy_cases, kt_policy_desc);

static void cxl_features_test_policy(struct kunit *test)
{
	const struct kt_policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, cxl_feature_set_min_scope(c->effects),
			c->expected);
}

/*
 * The policy again, as a walk over a classification of each bit instead of
 * masks: any refusing bit wins, then any immediate change, then any reset.
 */
enum kt_bit_class {
	KT_BIT_IGNORED,
	KT_BIT_RESET,
	KT_BIT_IMMEDIATE,
	KT_BIT_REFUSED,
};

static const enum kt_bit_class kt_bit_classes[16] = {
	[0] = KT_BIT_RESET,
	[1] = KT_BIT_IMMEDIATE,
	[2] = KT_BIT_IMMEDIATE,
	[3] = KT_BIT_IMMEDIATE,
	[4] = KT_BIT_IMMEDIATE,
	[5] = KT_BIT_IGNORED,
	[6] = KT_BIT_REFUSED,
	[7] = KT_BIT_IGNORED,
	[8] = KT_BIT_IGNORED,
	[9] = KT_BIT_IGNORED,
	[10] = KT_BIT_RESET,
	[11] = KT_BIT_RESET,
	[12] = KT_BIT_REFUSED,
	[13] = KT_BIT_REFUSED,
	[14] = KT_BIT_REFUSED,
	[15] = KT_BIT_REFUSED,
};

static int kt_policy_model(unsigned int effects)
{
	enum kt_bit_class worst = KT_BIT_IGNORED;
	unsigned int bit;

	for (bit = 0; bit < ARRAY_SIZE(kt_bit_classes); bit++)
		if (effects & BIT(bit))
			worst = max(worst, kt_bit_classes[bit]);

	switch (worst) {
	case KT_BIT_RESET:
		return FWCTL_RPC_DEBUG_WRITE;
	case KT_BIT_IMMEDIATE:
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	default:
		return -EINVAL;
	}
}

/* Every effects word, against the model (checked first on the table) */
static void cxl_features_test_policy_exhaustive(struct kunit *test)
{
	unsigned int effects, i, failures = 0;

	for (i = 0; i < ARRAY_SIZE(kt_policy_cases); i++)
		KUNIT_ASSERT_EQ_MSG(test,
				    kt_policy_model(kt_policy_cases[i].effects),
				    kt_policy_cases[i].expected,
				    "the model disagrees with case %s",
				    kt_policy_cases[i].name);

	for (effects = 0; effects <= U16_MAX; effects++) {
		int expected = kt_policy_model(effects);
		int got = cxl_feature_set_min_scope(effects);

		if (got == expected)
			continue;
		KUNIT_FAIL(test, "effects 0x%04x: got %d, expected %d",
			   effects, got, expected);
		if (++failures == 8) {
			KUNIT_FAIL(test, "stopping after %u failures", failures);
			return;
		}
	}
}

struct kt_rpc_case {
	const char *name;
	size_t in_len;
	size_t out_len;
	u32 opcode;
	u32 flags;
	u32 op_size;
	u32 reserved1;
	/* count of Get Supported Features (le32) or Get Feature (le16) */
	u32 count;
	/* offset of Get Feature or Set Feature (le16) */
	u16 offset;
	int expected;
};

#define KT_GET_SUP(_name, _in, _out, _op_size, _count, _exp) \
	{ .name = _name, .in_len = _in, .out_len = _out, \
	  .opcode = KT_OP_GET_SUPPORTED, .op_size = _op_size, \
	  .count = _count, .expected = _exp }
#define KT_GET_FEAT(_name, _in, _out, _op_size, _count, _exp) \
	{ .name = _name, .in_len = _in, .out_len = _out, \
	  .opcode = KT_OP_GET_FEATURE, .op_size = _op_size, \
	  .count = _count, .expected = _exp }
#define KT_SET_FEAT(_name, _in, _out, _op_size, _exp) \
	{ .name = _name, .in_len = _in, .out_len = _out, \
	  .opcode = KT_OP_SET_FEATURE, .op_size = _op_size, \
	  .expected = _exp }

static const struct kt_rpc_case kt_rpc_cases[] = {
	/* The 16-byte header must be there before any of it is read */
	KT_GET_SUP("no input", 0, 64, 8, 0, -EINVAL),
	KT_GET_SUP("header short by 1", 15, 64, 8, 0, -EINVAL),
	KT_GET_FEAT("header only, payload missing", 16, 64, 21, 4, -EINVAL),
	/* The opcode, all 32 bits of it */
	{ .name = "opcode 0", .in_len = 48, .out_len = 64, .opcode = 0,
	  .op_size = 8, .expected = -EINVAL },
	{ .name = "opcode 0x04ff", .in_len = 48, .out_len = 64,
	  .opcode = 0x04ff, .op_size = 8, .expected = -EINVAL },
	{ .name = "opcode 0x0503", .in_len = 48, .out_len = 64,
	  .opcode = 0x0503, .op_size = 8, .expected = -EINVAL },
	{ .name = "Get Supported in the upper half too", .in_len = 48,
	  .out_len = 64, .opcode = 0x00010500, .op_size = 8,
	  .expected = -EINVAL },
	{ .name = "Get Feature with bit 31", .in_len = 48, .out_len = 64,
	  .opcode = 0x80000501, .op_size = 21, .count = 4,
	  .expected = -EINVAL },
	/* Reserved header fields */
	{ .name = "flags 1", .in_len = 48, .out_len = 64,
	  .opcode = KT_OP_GET_SUPPORTED, .flags = 1, .op_size = 8,
	  .expected = -EINVAL },
	{ .name = "flags bit 31", .in_len = 48, .out_len = 64,
	  .opcode = KT_OP_GET_SUPPORTED, .flags = BIT(31), .op_size = 8,
	  .expected = -EINVAL },
	{ .name = "reserved1 1", .in_len = 48, .out_len = 64,
	  .opcode = KT_OP_GET_SUPPORTED, .op_size = 8, .reserved1 = 1,
	  .expected = -EINVAL },
	{ .name = "reserved1 bit 31", .in_len = 48, .out_len = 64,
	  .opcode = KT_OP_GET_FEATURE, .op_size = 21, .reserved1 = BIT(31),
	  .count = 4, .expected = -EINVAL },
	/*
	 * in_len must cover op_size, computed without overflow: a sum that
	 * wraps lets the checks below read past the 16 bytes (KASAN reports)
	 */
	KT_GET_SUP("Get Supported, in_len exact", 24, 16, 8, 0, 0),
	KT_GET_SUP("Get Supported, in_len short by 1", 23, 16, 8, 0, -EINVAL),
	KT_GET_FEAT("Get Feature, in_len exact", 37, 12, 21, 4, 0),
	KT_GET_FEAT("Get Feature, in_len short by 1", 36, 12, 21, 4, -EINVAL),
	KT_GET_FEAT("Get Feature, count cut off", 33, 12, 21, 4, -EINVAL),
	KT_SET_FEAT("Set Feature, in_len exact", 49, 8, 33, 0),
	KT_SET_FEAT("Set Feature, in_len short by 1", 48, 8, 33, -EINVAL),
	KT_SET_FEAT("op_size U32_MAX", 16, 16, U32_MAX, -EINVAL),
	KT_SET_FEAT("op_size U32_MAX, in_len 4096", 4096, 16, U32_MAX,
		    -EINVAL),
	KT_SET_FEAT("16 + op_size wraps to 0 in 32 bits", 16, 16, 0xfffffff0,
		    -EINVAL),
	KT_GET_FEAT("in_len far beyond the payload", 4096, 12, 21, 4, 0),
	/* Get Supported Features */
	KT_GET_SUP("Get Supported, op_size 7", 48, 16, 7, 0, -EINVAL),
	KT_GET_SUP("Get Supported, op_size 9", 48, 16, 9, 0, -EINVAL),
	KT_GET_SUP("Get Supported, op_size 0", 48, 16, 0, 0, -EINVAL),
	KT_GET_SUP("Get Supported, count U32_MAX", 48, 16, 8, U32_MAX, 0),
	/* Get Feature */
	KT_GET_FEAT("Get Feature, op_size 20", 48, 12, 20, 4, -EINVAL),
	KT_GET_FEAT("Get Feature, op_size 22", 48, 12, 22, 4, -EINVAL),
	KT_GET_FEAT("Get Feature, count 0", 48, 64, 21, 0, -EINVAL),
	KT_GET_FEAT("Get Feature, count 1, out_len 9", 48, 9, 21, 1, 0),
	KT_GET_FEAT("Get Feature, count 1, out_len 8", 48, 8, 21, 1, -EINVAL),
	KT_GET_FEAT("Get Feature, count 4, out_len 11", 48, 11, 21, 4,
		    -EINVAL),
	KT_GET_FEAT("Get Feature, count 4, out_len 12", 48, 12, 21, 4, 0),
	KT_GET_FEAT("Get Feature, count 4, out_len 0", 48, 0, 21, 4, -EINVAL),
	KT_GET_FEAT("Get Feature, count 256, out_len 263", 48, 263, 21, 256,
		    -EINVAL),
	KT_GET_FEAT("Get Feature, count 256, out_len 264", 48, 264, 21, 256, 0),
	KT_GET_FEAT("Get Feature, count U16_MAX, out_len short by 1", 48,
		    8 + U16_MAX - 1, 21, U16_MAX, -EINVAL),
	KT_GET_FEAT("Get Feature, count U16_MAX, out_len exact", 48,
		    8 + U16_MAX, 21, U16_MAX, 0),
	/* The data asked for must end within the 64 KiB a feature can have */
	{ .name = "Get Feature, last 4 bytes", .in_len = 48, .out_len = 12,
	  .opcode = KT_OP_GET_FEATURE, .op_size = 21, .count = 4,
	  .offset = 0xfffc, .expected = 0 },
	{ .name = "Get Feature, 1 byte past the end", .in_len = 48,
	  .out_len = 12, .opcode = KT_OP_GET_FEATURE, .op_size = 21,
	  .count = 4, .offset = 0xfffd, .expected = -EINVAL },
	/* Set Feature */
	KT_SET_FEAT("Set Feature, op_size 32", 48, 8, 32, -EINVAL),
	KT_SET_FEAT("Set Feature, op_size 0", 48, 8, 0, -EINVAL),
	KT_SET_FEAT("Set Feature, op_size 33", 49, 8, 33, 0),
	KT_SET_FEAT("Set Feature, out_len 7", 49, 7, 33, -EINVAL),
	KT_SET_FEAT("Set Feature, out_len 0", 49, 0, 33, -EINVAL),
	{ .name = "Set Feature, last byte", .in_len = 49, .out_len = 8,
	  .opcode = KT_OP_SET_FEATURE, .op_size = 33, .offset = 0xffff,
	  .expected = 0 },
	{ .name = "Set Feature, 1 byte past the end", .in_len = 50,
	  .out_len = 8, .opcode = KT_OP_SET_FEATURE, .op_size = 34,
	  .offset = 0xffff, .expected = -EINVAL },
	/* What tools written for upstream send: they must keep working */
	KT_GET_SUP("upstream tool: count probe", 56, 24, 8, 0, 0),
	KT_GET_SUP("upstream tool: one entry", 56, 72, 8, 48, 0),
	KT_GET_FEAT("upstream tool: Get Feature", 69, 20, 21, 4, 0),
	KT_SET_FEAT("upstream tool: Set Feature", 84, 20, 36, 0),
	/* What the fixed upstream refuses: a count or header with no room */
	KT_GET_FEAT("upstream refusal: Get Feature, out_len 8", 69, 8, 21, 4,
		    -EINVAL),
	KT_SET_FEAT("upstream refusal: Set Feature, out_len 0", 84, 0, 36,
		    -EINVAL),
};

static void kt_rpc_desc(const struct kt_rpc_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s (in_len %zu, out_len %zu)",
		 c->name, c->in_len, c->out_len);
}

KUNIT_ARRAY_PARAM(kt_rpc, kt_rpc_cases, kt_rpc_desc);

/*
 * The request is handed over in a buffer of exactly in_len bytes, so that
 * KASAN reports any read past what the caller sent.
 */
static void cxl_features_test_validate(struct kunit *test)
{
	const struct kt_rpc_case *c = test->param_value;
	size_t full_len = max(c->in_len, sizeof(struct fwctl_rpc_cxl));
	struct fwctl_rpc_cxl *full;
	void *rpc;

	full = kunit_kzalloc(test, full_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, full);
	full->opcode = c->opcode;
	full->flags = c->flags;
	full->op_size = c->op_size;
	full->reserved1 = c->reserved1;
	if (c->opcode == KT_OP_GET_SUPPORTED) {
		full->get_sup_feats_in.count = cpu_to_le32(c->count);
	} else if (c->opcode == KT_OP_GET_FEATURE) {
		full->get_feat_in.count = cpu_to_le16(c->count);
		full->get_feat_in.offset = cpu_to_le16(c->offset);
	} else if (c->opcode == KT_OP_SET_FEATURE) {
		full->set_feat_in.offset = cpu_to_le16(c->offset);
	}

	rpc = kunit_kzalloc(test, c->in_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rpc);
	memcpy(rpc, full, c->in_len);

	KUNIT_EXPECT_EQ(test, cxlctl_validate_rpc(rpc, c->in_len, c->out_len),
			c->expected);
}

struct kt_owned_case {
	const char *name;
	const char *uuid;
	bool as_guid;	/* the string parsed into the mixed-endian GUID order */
	bool expected;
};

static const struct kt_owned_case kt_owned_cases[] = {
	{ "patrol scrub", "96dad7d6-fde8-482b-a733-75774e06db8a", false, true },
	{ "ECS", "e5b13f22-2328-4a14-b8ba-b9691e893386", false, true },
	{ "soft PPR", "892ba475-fad8-474e-9d3e-692c917568bb", false, true },
	{ "hard PPR", "80ea4521-786f-4127-afb1-ec7459fb0e24", false, true },
	{ "cacheline sparing", "96c33386-91dd-44c7-9ecb-fdaf6503bac4", false,
	  true },
	{ "row sparing", "450ebf67-b135-4f97-a498-c2d57f279bed", false, true },
	{ "bank sparing", "78b79636-90ac-4b64-a4ef-faac5d18a863", false, true },
	{ "rank sparing", "34dbaff5-0552-4281-8f76-da0b5e7a76a7", false, true },
	{ "cxl_test's feature", "ffffffff-ffff-ffff-ffff-ffffffffffff", false,
	  false },
	{ "nil UUID", "00000000-0000-0000-0000-000000000000", false, false },
	{ "a vendor feature", "c0ffee00-0000-4000-8000-000000000002", false,
	  false },
	{ "patrol scrub in GUID byte order",
	  "96dad7d6-fde8-482b-a733-75774e06db8a", true, false },
};

static void kt_owned_desc(const struct kt_owned_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", c->name, c->uuid);
}

KUNIT_ARRAY_PARAM(kt_owned, kt_owned_cases, kt_owned_desc);

static void kt_parse(struct kunit *test, const struct kt_owned_case *c,
		     uuid_t *uuid)
{
	guid_t guid;

	if (c->as_guid) {
		KUNIT_ASSERT_EQ(test, guid_parse(c->uuid, &guid), 0);
		import_uuid(uuid, guid.b);
	} else {
		KUNIT_ASSERT_EQ(test, uuid_parse(c->uuid, uuid), 0);
	}
}

static void cxl_features_test_kernel_owned(struct kunit *test)
{
	const struct kt_owned_case *c = test->param_value;
	uuid_t uuid;

	kt_parse(test, c, &uuid);
	KUNIT_EXPECT_EQ(test, cxl_feature_is_kernel_owned(&uuid), c->expected);
}

/* Every UUID one bit away from a kernel-owned one belongs to user space */
static void cxl_features_test_kernel_owned_bit_flips(struct kunit *test)
{
	unsigned int i, bit;
	uuid_t uuid;

	for (i = 0; i < ARRAY_SIZE(kt_owned_cases); i++) {
		const struct kt_owned_case *c = &kt_owned_cases[i];

		if (!c->expected)
			continue;
		kt_parse(test, c, &uuid);
		for (bit = 0; bit < 8 * UUID_SIZE; bit++) {
			uuid.b[bit / 8] ^= BIT(bit % 8);
			KUNIT_EXPECT_FALSE_MSG(test,
					       cxl_feature_is_kernel_owned(&uuid),
					       "%s with bit %u flipped",
					       c->name, bit);
			uuid.b[bit / 8] ^= BIT(bit % 8);
		}
		KUNIT_EXPECT_TRUE(test, cxl_feature_is_kernel_owned(&uuid));
	}
}

static struct kunit_case cxl_features_test_cases[] = {
	KUNIT_CASE_PARAM(cxl_features_test_policy, kt_policy_gen_params),
	KUNIT_CASE(cxl_features_test_policy_exhaustive),
	KUNIT_CASE_PARAM(cxl_features_test_validate, kt_rpc_gen_params),
	KUNIT_CASE_PARAM(cxl_features_test_kernel_owned, kt_owned_gen_params),
	KUNIT_CASE(cxl_features_test_kernel_owned_bit_flips),
	{}
};

static struct kunit_suite cxl_features_test_suite = {
	.name = "cxl_features_fwctl",
	.test_cases = cxl_features_test_cases,
};

kunit_test_suite(cxl_features_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of the fwctl policy of CXL Features");
MODULE_LICENSE("GPL");
