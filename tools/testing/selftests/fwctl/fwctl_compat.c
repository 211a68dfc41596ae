// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fwctl ioctls from both ABIs of the machine, run against the
 * fwctl_mock driver. This file is built twice: as fwctl_compat, a native
 * program, and on x86-64 as fwctl_compat32, a 32-bit one whose ioctls reach
 * the core through its compat_ioctl. Both run the same tests, so a
 * difference between the two paths fails one of the programs.
 *
 * The uAPI structs have the same layout on both ABIs: their pointers are
 * __aligned_u64, which a 32-bit process fills with its pointers
 * zero-extended. The kernel must use all 64 bits of them: a pointer with
 * bit 32 set must not reach the page at its low 32 bits.
 */
#include "fwctl_utils.h"

#include <assert.h>
#include <sys/mman.h>

/* Instance ids of this program, clear of those of the other programs */
#define COMPAT_FIRST_ID 1700

#define PATTERN 0xa5

/* Bit 32 of a pointer */
#define PTR_BIT32 0x100000000ULL

static_assert(sizeof(struct fwctl_info) == 24, "struct fwctl_info size");
static_assert(offsetof(struct fwctl_info, out_device_data) == 16,
	      "struct fwctl_info layout");
static_assert(sizeof(struct fwctl_rpc) == 32, "struct fwctl_rpc size");
static_assert(offsetof(struct fwctl_rpc, in) == 16 &&
	      offsetof(struct fwctl_rpc, out) == 24,
	      "struct fwctl_rpc layout");

FIXTURE(compat)
{
	struct fwctl_base base;
};

FIXTURE_SETUP(compat)
{
	fwctl_base_setup(_metadata, &self->base, COMPAT_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(compat)
{
	fwctl_base_teardown(_metadata, &self->base);
}

/*
 * FWCTL_INFO: the type alone, the whole device data, and a short buffer,
 * which gets what fits while device_data_len reports the full length.
 */
TEST_F(compat, info)
{
	/* Room for device data of any length the mock may come to have */
	static __u8 big[256 * 1024];
	struct fwctl_info_mock info;
	__u32 type = 0, len = 0;
	__u32 full_len;
	__u8 buf[16];

	ksft_print_msg("compat: a %u-bit process\n",
		       (unsigned int)sizeof(void *) * 8);

	test_cmd_info(self->base.fd, &type, NULL, &len);
	ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK, type);
	ASSERT_EQ(0U, len);

	len = sizeof(big);
	test_cmd_info(self->base.fd, &type, big, &len);
	full_len = len;
	ASSERT_LE(sizeof(info), full_len);
	memcpy(&info, big, sizeof(info));
	ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, info.fw_version);
	ASSERT_EQ((__u32)FWCTL_MOCK_MAX_OBJECTS, info.max_objects);
	ASSERT_NE(0U, info.uctx_id);

	memset(buf, PATTERN, sizeof(buf));
	len = 4;
	test_cmd_info(self->base.fd, &type, buf, &len);
	ASSERT_EQ(full_len, len);
	ASSERT_EQ(0, memcmp(buf, big, 4));
	ASSERT_TRUE(all_bytes(buf + 4, PATTERN, sizeof(buf) - 4));
}

/* FWCTL_RPC: requests in, responses out, firmware objects */
TEST_F(compat, rpc)
{
	struct mock_query_rsp out;
	struct fwctl_mock_query query;
	__u8 payload[100];
	__u8 in[MOCK_HDR_LEN];
	__u32 out_len;
	size_t i;
	__u64 id;

	for (i = 0; i != sizeof(payload); i++)
		payload[i] = i * 7 + 1;
	ASSERT_OK(_test_cmd_echo(self->base.fd, FWCTL_RPC_CONFIGURATION,
				 payload, sizeof(payload)));
	ASSERT_OK(_test_cmd_echo(self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
				 payload, 1));
	ASSERT_OK(_test_cmd_sum(self->base.fd, payload, sizeof(payload)));

	test_cmd_query(self->base.fd, &query);
	ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, query.fw_version);
	test_cmd_obj_create(self->base.fd, 0x1122334455667788ULL, &id);
	test_nr_objects(self->base.fd, 1);
	test_cmd_obj_destroy(self->base.fd, id);
	test_nr_objects(self->base.fd, 0);

	/* A short out buffer gets what fits; out_len is the full length */
	memset(&out, PATTERN, sizeof(out));
	out_len = MOCK_RSP_LEN;
	test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0), &out,
		     &out_len);
	ASSERT_EQ(sizeof(out), out_len);
	ASSERT_EQ(FWCTL_MOCK_OP_QUERY, out.rsp.opcode);
	ASSERT_EQ(sizeof(query), out.rsp.len);
	ASSERT_TRUE(all_bytes(&out.query, PATTERN, sizeof(out.query)));
}

/* The errnos of the struct and field rules */
TEST_F(compat, errnos)
{
	struct {
		struct fwctl_rpc rpc;
		__u8 extra[8];
	} big_rpc;
	struct {
		struct fwctl_info info;
		__u8 extra[8];
	} big_info;
	__u8 in[MOCK_HDR_LEN], out[64];
	struct fwctl_info info;
	struct fwctl_rpc rpc;
	__u32 out_len;
	size_t in_len;

	in_len = mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);

	/* size below the first version */
	info = (struct fwctl_info){ .size = 4 };
	ASSERT_ERRNO(EINVAL, ioctl(self->base.fd, FWCTL_INFO, &info));
	rpc = (struct fwctl_rpc){ .size = 4 };
	ASSERT_ERRNO(EINVAL, ioctl(self->base.fd, FWCTL_RPC, &rpc));

	/* Trailing bytes: zeros are fine, anything else is E2BIG */
	memset(&big_info, 0, sizeof(big_info));
	big_info.info.size = sizeof(big_info);
	ASSERT_OK(ioctl(self->base.fd, FWCTL_INFO, &big_info));
	ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK,
		  big_info.info.out_device_type);
	big_info.extra[7] = 1;
	ASSERT_ERRNO(E2BIG, ioctl(self->base.fd, FWCTL_INFO, &big_info));

	memset(&big_rpc, 0, sizeof(big_rpc));
	big_rpc.rpc = (struct fwctl_rpc){
		.size = sizeof(big_rpc),
		.in_len = in_len,
		.out_len = sizeof(out),
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
	};
	ASSERT_OK(ioctl(self->base.fd, FWCTL_RPC, &big_rpc));
	ASSERT_EQ(MOCK_RSP_LEN + sizeof(struct fwctl_mock_query),
		  big_rpc.rpc.out_len);
	big_rpc.extra[0] = 0x80;
	ASSERT_ERRNO(E2BIG, ioctl(self->base.fd, FWCTL_RPC, &big_rpc));

	/* Values the kernel does not know */
	info = (struct fwctl_info){ .size = sizeof(info), .flags = 1 };
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->base.fd, FWCTL_INFO, &info));
	out_len = sizeof(out);
	test_err_rpc(EOPNOTSUPP, self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL + 1,
		     in, in_len, out, &out_len);
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     FWCTL_MAX_RPC_LEN + 1, out, &out_len);

	/* An unknown ioctl, and a struct that cannot be read */
	ASSERT_ERRNO(ENOTTY, ioctl(self->base.fd, _IO(FWCTL_TYPE, 2), &info));
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_INFO, NULL));
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_RPC, NULL));
}

/*
 * Map a page below 4 GiB at *@low and point *@high at the same address
 * with bit 32 set, where nothing can be read. A 32-bit process has nothing
 * mapped above 4 GiB; a native one keeps an inaccessible page there.
 */
static int map_low_high(size_t page, __u8 **low, __u64 *high)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (sizeof(void *) > 4)
		flags |= MAP_32BIT;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	*low = p;
	*high = (uintptr_t)p + PTR_BIT32;
	if (sizeof(void *) > 4) {
		void *hole = (void *)(uintptr_t)*high;
		void *q;

		q = mmap(hole, page, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (q != hole) {
			if (q != MAP_FAILED)
				munmap(q, page);
			munmap(p, page);
			return fail_errno(EEXIST);
		}
	}
	return 0;
}

static void unmap_low_high(size_t page, __u8 *low, __u64 high)
{
	munmap(low, page);
	if (sizeof(void *) > 4)
		munmap((void *)(uintptr_t)high, page);
}

/* The kernel uses all 64 bits of every pointer field */
TEST_F(compat, pointer_high_bits)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct fwctl_info_mock info;
	struct fwctl_info cmd;
	struct fwctl_rpc rpc;
	__u8 out[64];
	__u8 *low;
	__u64 high;

	ASSERT_OK(map_low_high(page, &low, &high));
	cmd = (struct fwctl_info){
		.size = sizeof(cmd),
		.device_data_len = sizeof(info),
		.out_device_data = high,
	};
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_INFO, &cmd));
	cmd.out_device_data = (uintptr_t)low;
	cmd.device_data_len = sizeof(info);
	ASSERT_OK(ioctl(self->base.fd, FWCTL_INFO, &cmd));
	memcpy(&info, low, sizeof(info));
	ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, info.fw_version);

	rpc = (struct fwctl_rpc){
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_CONFIGURATION,
		.in_len = mock_build(low, FWCTL_MOCK_OP_QUERY, 0, NULL, 0),
		.out_len = sizeof(out),
		.in = high,
		.out = (uintptr_t)out,
	};
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_RPC, &rpc));
	rpc.in = (uintptr_t)low;
	rpc.out = high;
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_RPC, &rpc));
	rpc.out = (uintptr_t)out;
	rpc.out_len = sizeof(out);
	ASSERT_OK(ioctl(self->base.fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(MOCK_RSP_LEN + sizeof(struct fwctl_mock_query), rpc.out_len);

	unmap_low_high(page, low, high);
}

TEST_HARNESS_MAIN
