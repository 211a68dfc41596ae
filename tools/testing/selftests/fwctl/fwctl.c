// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl selftests, run against the fwctl_mock driver.
 *
 * Every test gets its own mock instance, added through debugfs and removed
 * again in the teardown, which also checks that the mock's object and
 * context counts went back to where they were: each test is a leak check.
 *
 * The taint test reads the core's count of tainting RPCs, so it does not
 * matter what tainted the kernel before it.
 */
#include "fwctl_utils.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

/* Instance ids the tests use, far from those created by nr_devices */
#define FIXTURE_FIRST_ID 100
#define UNPLUG_FIRST_ID 500
#define ADD_REMOVE_FIRST_ID 900

/* Two pages, the second one inaccessible; returns the first */
static __u8 *map_guarded(size_t page)
{
	__u8 *buf;

	buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return NULL;
	if (mprotect(buf + page, page, PROT_NONE)) {
		munmap(buf, 2 * page);
		return NULL;
	}
	return buf;
}

static bool log_matches(const __u8 *buf, __u64 first, size_t len)
{
	size_t i;

	for (i = 0; i != len; i++)
		if (buf[i] != fwctl_mock_log_byte(first + i))
			return false;
	return true;
}

FIXTURE(fwctl)
{
	struct fwctl_base base;
};

FIXTURE_SETUP(fwctl)
{
	fwctl_base_setup(_metadata, &self->base, FIXTURE_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(fwctl)
{
	fwctl_base_teardown(_metadata, &self->base);
}

static void child_write_full_no_rawio(struct __test_metadata *_metadata,
				      void *arg)
{
	struct fwctl_mock_query query;
	int fd = *(int *)arg;

	EXPECT_OK(cap_change(CAP_SYS_RAWIO, false, false));
	EXPECT_ERRNO(EPERM,
		     _test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE_FULL, &query));
}

/*
 * Only the RPCs that reach the driver at DEBUG_WRITE or DEBUG_WRITE_FULL
 * taint the kernel. The core counts them, so the test holds whatever tainted
 * the kernel before it ran; the taint bit itself is checked as far as its
 * state before the test allows.
 */
TEST_F(fwctl, taint)
{
	const unsigned long long bit = 1ULL << FWCTL_TAINT_BIT;
	unsigned long long tainted_before, tainted;
	struct fwctl_mock_query query;
	__u8 out[MOCK_RSP_LEN + 64];
	__u8 in[MOCK_HDR_LEN];
	__u64 reg = 0x5a5a0001;
	__u64 count, id;
	__u32 out_len;
	int fd = self->base.fd;

	if (fwctl_tainting_rpcs(&count))
		SKIP(return,
		     "cannot read %s/tainting_rpcs: %s (debugfs not mounted, or a core without the counter)",
		     FWCTL_DEBUGFS, strerror(errno));
	ASSERT_OK(read_tainted(&tainted_before));

	/* CONFIGURATION and DEBUG_READ_ONLY never taint */
	test_cmd_query(fd, &query);
	test_cmd_echo(fd, "hello", 5);
	test_cmd_obj_create(fd, 1, &id);
	test_cmd_obj_destroy(fd, id);
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_READ_ONLY, &query));
	test_fw_status(FWCTL_MOCK_STATUS_OK, fd, FWCTL_RPC_DEBUG_READ_ONLY,
		       FWCTL_MOCK_OP_READ_REG, 0, NULL, 0);
	out_len = sizeof(out);
	ASSERT_OK(_test_cmd_mock(fd, FWCTL_RPC_DEBUG_READ_ONLY,
				 FWCTL_MOCK_OP_READ_LOG, 64, NULL, 0, out,
				 &out_len));
	/* Refused by the driver below its scope: no taint either */
	test_err_mock(EBADMSG, fd, FWCTL_RPC_DEBUG_READ_ONLY,
		      FWCTL_MOCK_OP_WRITE_REG, 0, &reg, sizeof(reg));
	test_tainting_rpcs(count);

	/* Refused by the core before the driver: no taint */
	mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);
	out_len = sizeof(out);
	test_err_rpc(EOPNOTSUPP, fd, FWCTL_RPC_DEBUG_WRITE_FULL + 1, in,
		     sizeof(in), out, &out_len);
	test_err_rpc(EMSGSIZE, fd, FWCTL_RPC_DEBUG_WRITE, in,
		     FWCTL_MAX_RPC_LEN + 1, out, &out_len);
	run_in_child(_metadata, child_write_full_no_rawio, &fd);
	test_tainting_rpcs(count);
	ASSERT_OK(read_tainted(&tainted));
	ASSERT_EQ(tainted_before & bit, tainted & bit);

	/* Each RPC that reaches the driver at a tainting scope counts once */
	test_fw_status(FWCTL_MOCK_STATUS_OK, fd, FWCTL_RPC_DEBUG_WRITE,
		       FWCTL_MOCK_OP_WRITE_REG, 0, &reg, sizeof(reg));
	test_tainting_rpcs(count + 1);
	ASSERT_OK(read_tainted(&tainted));
	ASSERT_TRUE(tainted & bit);
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE_FULL, &query));
	test_tainting_rpcs(count + 2);
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query));
	test_tainting_rpcs(count + 2);

	ksft_print_msg("taint: TAINT_FWCTL was %s before the test\n",
		       tainted_before & bit ? "set already" : "clear");
}

/* The first tainting RPC on each FD is logged, naming the process */
/*
 * The taint message is rate-limited with the kernel's default of 10 lines
 * per 5 s window; the flood opens more FDs than that.
 */
#define TAINT_LOG_INTERVAL_US 5100000
#define TAINT_FLOOD_FDS 16

TEST_F(fwctl, taint_log)
{
	struct fwctl_mock_query query;
	int fds[TAINT_FLOOD_FDS];
	char comm[32] = "";
	char needle[160];
	__u64 reg = 0x5a5a0002;
	__u64 count;
	int kmsg;
	int fd2;
	int i;

	/* Start with a fresh window of the message's rate limit */
	usleep(TAINT_LOG_INTERVAL_US);
	kmsg = kmsg_open();
	ASSERT_OK(kmsg < 0 ? -1 : 0);

	/* Two DEBUG_WRITE RPCs on this FD and three on a second one */
	for (i = 0; i != 2; i++)
		test_fw_status(FWCTL_MOCK_STATUS_OK, self->base.fd,
			       FWCTL_RPC_DEBUG_WRITE, FWCTL_MOCK_OP_WRITE_REG,
			       0, &reg, sizeof(reg));
	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	for (i = 0; i != 3; i++)
		ASSERT_OK(_test_cmd_query(fd2, FWCTL_RPC_DEBUG_WRITE, &query));
	ASSERT_OK(close(fd2));

	/* One line per FD, on the fwctl device, naming comm and pid */
	ASSERT_OK(read_comm(comm, sizeof(comm)));
	snprintf(needle, sizeof(needle),
		 "%s: %s[%d]: RPC at scope DEBUG_WRITE taints the kernel",
		 self->base.inst.name, comm, getpid());
	i = kmsg_count(kmsg, needle);
	if (i != 2)
		TH_LOG("expected 2 kernel log lines with \"%s\"", needle);
	ASSERT_EQ(2, i);

	/*
	 * A stream of new FDs cannot flood the log: each one's RPC taints and
	 * counts, but the lines stop at the rate limit's burst.
	 */
	if (fwctl_tainting_rpcs(&count))
		count = ULLONG_MAX;
	for (i = 0; i != TAINT_FLOOD_FDS; i++) {
		fds[i] = open(self->base.inst.node, O_RDWR);
		ASSERT_LE(0, fds[i]);
		ASSERT_OK(_test_cmd_query(fds[i], FWCTL_RPC_DEBUG_WRITE,
					  &query));
	}
	for (i = 0; i != TAINT_FLOOD_FDS; i++)
		ASSERT_OK(close(fds[i]));
	if (count != ULLONG_MAX)
		test_tainting_rpcs(count + TAINT_FLOOD_FDS);
	i = kmsg_count(kmsg, needle);
	ksft_print_msg("taint: %d FDs in a row logged %d lines\n",
		       TAINT_FLOOD_FDS, i);
	/* Fewer than one a FD; the burst, unless the window ran out */
	ASSERT_LE(1, i);
	ASSERT_GT(TAINT_FLOOD_FDS, i);
	close(kmsg);
}

/* /sys/class/fwctl/fwctlN and /dev/fwctl/fwctlN */
TEST_F(fwctl, dev_layout)
{
	char path[PATH_MAX], real[PATH_MAX], real2[PATH_MAX];
	const char *name = self->base.inst.name;
	unsigned int maj, min, n;
	char buf[512];
	struct stat st;
	int ret;

	ret = sscanf(name, "fwctl%u", &n);
	ASSERT_EQ(1, ret);

	ASSERT_OK(stat(FWCTL_CLASS_DIR, &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, name);
	ASSERT_OK(stat(path, &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));

	/* dev matches the node */
	snprintf(path, sizeof(path), "%s/%s/dev", FWCTL_CLASS_DIR, name);
	ASSERT_OK(read_file(path, buf, sizeof(buf)));
	ret = sscanf(buf, "%u:%u", &maj, &min);
	ASSERT_EQ(2, ret);
	ASSERT_OK(stat(FWCTL_DEV_DIR, &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_OK(stat(self->base.inst.node, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(makedev(maj, min), st.st_rdev);
	ASSERT_EQ(0600U, st.st_mode & 07777);
	ASSERT_EQ(0U, st.st_uid);

	/* uevent names the node */
	snprintf(path, sizeof(path), "%s/%s/uevent", FWCTL_CLASS_DIR, name);
	ASSERT_OK(read_file(path, buf, sizeof(buf)));
	snprintf(path, sizeof(path), "DEVNAME=fwctl/%s\n", name);
	ASSERT_NE(NULL, strstr(buf, path));

	/* device points at the parent, the mock's platform device */
	snprintf(path, sizeof(path), "%s/%s/device", FWCTL_CLASS_DIR, name);
	ASSERT_NE(NULL, realpath(path, real));
	snprintf(path, sizeof(path), "%s/fwctl_mock.%u", MOCK_PLATFORM_DIR,
		 self->base.inst.id);
	ASSERT_NE(NULL, realpath(path, real2));
	ASSERT_STREQ(real2, real);

	/* and the parent has the class device below it */
	snprintf(path, sizeof(path), "%s/fwctl_mock.%u/fwctl/%s",
		 MOCK_PLATFORM_DIR, self->base.inst.id, name);
	ASSERT_NE(NULL, realpath(path, real));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, name);
	ASSERT_NE(NULL, realpath(path, real2));
	ASSERT_STREQ(real, real2);

	snprintf(path, sizeof(path), "%s/%s/subsystem", FWCTL_CLASS_DIR, name);
	ASSERT_NE(NULL, realpath(path, real));
	ASSERT_NE(NULL, realpath(FWCTL_CLASS_DIR, real2));
	ASSERT_STREQ(real2, real);
}

/* Only the two exact ioctl numbers are fwctl's */
TEST_F(fwctl, ioctl_unknown)
{
	static const unsigned long bad[] = {
		_IO(FWCTL_TYPE, 2),
		_IO(FWCTL_TYPE, 0x7f),
		_IO(FWCTL_TYPE, 0xff),
		_IO(FWCTL_TYPE - 1, FWCTL_CMD_INFO),
		_IO(0x9B, FWCTL_CMD_INFO),
		_IO(0x9B, FWCTL_CMD_RPC),
		_IOWR(FWCTL_TYPE, FWCTL_CMD_INFO, struct fwctl_info),
		_IOR(FWCTL_TYPE, FWCTL_CMD_INFO, struct fwctl_info),
		_IOW(FWCTL_TYPE, FWCTL_CMD_INFO, struct fwctl_info),
		_IOWR(FWCTL_TYPE, FWCTL_CMD_RPC, struct fwctl_rpc),
		_IOW(FWCTL_TYPE, FWCTL_CMD_RPC, struct fwctl_rpc),
		_IOC(_IOC_NONE, FWCTL_TYPE, FWCTL_CMD_INFO, 4),
	};
	struct fwctl_info info = { .size = sizeof(info) };
	struct fwctl_info info_copy = info;
	__u8 in[MOCK_HDR_LEN], out[64];
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.in_len = mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0),
		.out_len = sizeof(out),
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
	};
	struct fwctl_rpc rpc_copy = rpc;
	size_t i;

	for (i = 0; i != ARRAY_SIZE(bad); i++) {
		ASSERT_ERRNO(ENOTTY, ioctl(self->base.fd, bad[i], &info));
		ASSERT_EQ(0, memcmp(&info, &info_copy, sizeof(info)));
		ASSERT_ERRNO(ENOTTY, ioctl(self->base.fd, bad[i], &rpc));
		ASSERT_EQ(0, memcmp(&rpc, &rpc_copy, sizeof(rpc)));
	}

	/* The real ones still work */
	ASSERT_OK(ioctl(self->base.fd, FWCTL_INFO, &info));
	ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK, info.out_device_type);
	ASSERT_OK(ioctl(self->base.fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(MOCK_RSP_LEN + sizeof(struct fwctl_mock_query), rpc.out_len);
}

/* The argument of either ioctl cannot be read */
TEST_F(fwctl, ioctl_efault)
{
	size_t page = sysconf(_SC_PAGESIZE);
	static const unsigned long cmds[] = { FWCTL_INFO, FWCTL_RPC };
	static const __u32 sizes[] = { sizeof(struct fwctl_info),
				       sizeof(struct fwctl_rpc) };
	__u8 *buf;
	size_t i;

	buf = map_guarded(page);
	ASSERT_NE(NULL, buf);
	for (i = 0; i != ARRAY_SIZE(cmds); i++) {
		ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, cmds[i], NULL));
		ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, cmds[i], (void *)8));
		ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, cmds[i], buf + page));
		/* size itself readable, the rest of the struct not */
		*(__u32 *)(buf + page - 4) = sizes[i];
		ASSERT_ERRNO(EFAULT,
			     ioctl(self->base.fd, cmds[i], buf + page - 4));
	}
	ASSERT_OK(munmap(buf, 2 * page));
}

/*
 * The extensible struct rules for the ioctl @cmd: @tmpl is a valid struct of
 * @len bytes, the size of the first version; @check, if not NULL, is the
 * offset of a __u32 the kernel writes back on success, with @check_val.
 */
static void check_struct_size(struct __test_metadata *_metadata, int fd,
			      unsigned long cmd, const void *tmpl, size_t len,
			      size_t check, __u32 check_val)
{
	size_t page = sysconf(_SC_PAGESIZE);
	static const __u32 short_sizes[] = { 0, 1, 4, 8, 16 };
	size_t extra, pos, i;
	__u8 *buf;

	buf = map_guarded(page);
	ASSERT_NE(NULL, buf);

	/* Below the first version: EINVAL, and nothing is written back */
	for (i = 0; i <= ARRAY_SIZE(short_sizes); i++) {
		__u32 size = i < ARRAY_SIZE(short_sizes) ? short_sizes[i] :
							    len - 1;

		memcpy(buf, tmpl, len);
		*(__u32 *)buf = size;
		ASSERT_ERRNO(EINVAL, ioctl(fd, cmd, buf));
		ASSERT_EQ(0, memcmp(buf + 4, (__u8 *)tmpl + 4, len - 4));
	}

	/* Exactly the struct: nothing is written past it */
	memcpy(buf, tmpl, len);
	memset(buf + len, 0xff, 64);
	ASSERT_OK(ioctl(fd, cmd, buf));
	ASSERT_EQ(check_val, *(__u32 *)(buf + check));
	ASSERT_TRUE(all_bytes(buf + len, 0xff, 64));

	/* Trailing zero bytes behave like the plain struct */
	for (extra = 1; extra <= 8; extra++) {
		memcpy(buf, tmpl, len);
		*(__u32 *)buf = len + extra;
		memset(buf + len, 0, extra);
		memset(buf + len + extra, 0xff, 64);
		ASSERT_OK(ioctl(fd, cmd, buf));
		ASSERT_EQ(check_val, *(__u32 *)(buf + check));
		ASSERT_TRUE(all_bytes(buf + len, 0, extra));
		ASSERT_TRUE(all_bytes(buf + len + extra, 0xff, 64));
	}

	/* So does a whole page of them */
	memset(buf, 0, page);
	memcpy(buf, tmpl, len);
	*(__u32 *)buf = page;
	ASSERT_OK(ioctl(fd, cmd, buf));
	ASSERT_EQ(check_val, *(__u32 *)(buf + check));
	ASSERT_TRUE(all_bytes(buf + len, 0, page - len));

	/* One non-zero byte anywhere past the struct: E2BIG */
	for (extra = 1; extra <= 8; extra++) {
		for (pos = 0; pos != extra; pos++) {
			memcpy(buf, tmpl, len);
			*(__u32 *)buf = len + extra;
			memset(buf + len, 0, extra);
			buf[len + pos] = pos & 1 ? 0x80 : 0x01;
			ASSERT_ERRNO(E2BIG, ioctl(fd, cmd, buf));
			ASSERT_EQ(0, memcmp(buf + 4, (__u8 *)tmpl + 4,
					    len - 4));
		}
	}
	memset(buf, 0, page);
	memcpy(buf, tmpl, len);
	*(__u32 *)buf = page;
	buf[page - 1] = 1;
	ASSERT_ERRNO(E2BIG, ioctl(fd, cmd, buf));

	/* Trailing bytes that cannot be read */
	memcpy(buf + page - len, tmpl, len);
	*(__u32 *)(buf + page - len) = len + 8;
	ASSERT_ERRNO(EFAULT, ioctl(fd, cmd, buf + page - len));
	/* while the exact struct right before the hole is fine */
	memcpy(buf + page - len, tmpl, len);
	ASSERT_OK(ioctl(fd, cmd, buf + page - len));

	ASSERT_OK(munmap(buf, 2 * page));
}

TEST_F(fwctl, info_struct_size)
{
	struct fwctl_info tmpl = { .size = sizeof(tmpl) };

	ASSERT_EQ(24UL, sizeof(tmpl));
	ASSERT_EQ(24UL, offsetof(struct fwctl_info, out_device_data) + 8);
	check_struct_size(_metadata, self->base.fd, FWCTL_INFO, &tmpl,
			  sizeof(tmpl),
			  offsetof(struct fwctl_info, out_device_type),
			  FWCTL_DEVICE_TYPE_MOCK);
}

TEST_F(fwctl, rpc_struct_size)
{
	struct {
		struct fwctl_mock_rsp rsp;
		struct fwctl_mock_query query;
		__u8 spare[32];
	} out;
	__u8 in[MOCK_HDR_LEN];
	struct fwctl_rpc tmpl = {
		.size = sizeof(tmpl),
		.scope = FWCTL_RPC_CONFIGURATION,
		.in_len = mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0),
		.out_len = sizeof(out),
		.in = (uintptr_t)in,
		.out = (uintptr_t)&out,
	};

	ASSERT_EQ(32UL, sizeof(tmpl));
	ASSERT_EQ(32UL, offsetof(struct fwctl_rpc, out) + 8);
	check_struct_size(_metadata, self->base.fd, FWCTL_RPC, &tmpl,
			  sizeof(tmpl), offsetof(struct fwctl_rpc, out_len),
			  MOCK_RSP_LEN + sizeof(struct fwctl_mock_query));
}

TEST_F(fwctl, info_flags)
{
	static const __u32 flags[] = { 1, 2, 0x80000000, 0xffffffff };
	struct fwctl_info_mock data;
	struct fwctl_info cmd;
	size_t i;

	for (i = 0; i != ARRAY_SIZE(flags); i++) {
		cmd = (struct fwctl_info){
			.size = sizeof(cmd),
			.flags = flags[i],
		};
		ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->base.fd, FWCTL_INFO, &cmd));
		ASSERT_EQ(0U, cmd.out_device_type);
		cmd.device_data_len = sizeof(data);
		cmd.out_device_data = (uintptr_t)&data;
		ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->base.fd, FWCTL_INFO, &cmd));
	}
}

/*
 * The device data, FWCTL_MOCK_INFO_LEN bytes: no buffer, short, exact and
 * long buffers, and buffers the kernel cannot write
 */
TEST_F(fwctl, info_device_data)
{
	const size_t buf_len = FWCTL_MOCK_INFO_LEN + 128;
	const size_t len_max = FWCTL_MOCK_INFO_LEN;
	size_t page = sysconf(_SC_PAGESIZE);
	/* Room for all of the data and 32 bytes more, then a hole */
	size_t room = (len_max + 32 + page - 1) / page * page;
	struct fwctl_info_mock ref;
	__u8 *exp, *buf, *map;
	__u32 type = 0;
	__u32 len;

	test_cmd_mock_info(self->base.fd, &ref);
	ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, ref.fw_version);
	ASSERT_NE(0U, ref.uctx_id);
	ASSERT_EQ((__u32)FWCTL_MOCK_MAX_OBJECTS, ref.max_objects);
	ASSERT_EQ(0U, ref.__reserved);
	/* More than a page, which the core has to copy whole */
	ASSERT_LT(page, len_max);
	exp = malloc(len_max);
	buf = malloc(buf_len);
	ASSERT_NE(NULL, exp);
	ASSERT_NE(NULL, buf);
	mock_info_expect(exp, ref.uctx_id);

	/* No buffer: the type only, the pointer is not looked at */
	len = 0;
	test_cmd_info(self->base.fd, &type, (void *)8, &len);
	ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK, type);
	ASSERT_EQ(0U, len);

	/* Short buffers get the start of the data and the full length */
	for (len = 1; len < len_max; len += len < 64 ? 7 : 997) {
		__u32 want = len;

		memset(buf, 0xa5, buf_len);
		test_cmd_info(self->base.fd, &type, buf, &len);
		ASSERT_EQ(len_max, len);
		ASSERT_EQ(0, memcmp(buf, exp, want));
		ASSERT_TRUE(all_bytes(buf + want, 0xa5, buf_len - want));
		len = want;
	}

	/* Exact */
	memset(buf, 0xa5, buf_len);
	len = len_max;
	test_cmd_info(self->base.fd, &type, buf, &len);
	ASSERT_EQ(len_max, len);
	ASSERT_EQ(0, memcmp(buf, exp, len_max));
	ASSERT_TRUE(all_bytes(buf + len_max, 0xa5, buf_len - len_max));

	/* Long: the data, then zeros up to the buffer's end, then nothing */
	memset(buf, 0xa5, buf_len);
	len = len_max + 64;
	test_cmd_info(self->base.fd, &type, buf, &len);
	ASSERT_EQ(len_max, len);
	ASSERT_EQ(0, memcmp(buf, exp, len_max));
	ASSERT_TRUE(all_bytes(buf + len_max, 0, 64));
	ASSERT_TRUE(all_bytes(buf + len_max + 64, 0xa5,
			      buf_len - len_max - 64));

	/* A buffer the kernel cannot write */
	map = map_guarded(room);
	ASSERT_NE(NULL, map);
	len = sizeof(ref);
	test_err_info(EFAULT, self->base.fd, NULL, &len);
	len = sizeof(ref);
	test_err_info(EFAULT, self->base.fd, (void *)8, &len);
	len = sizeof(ref);
	test_err_info(EFAULT, self->base.fd, map + room, &len);
	/* The data runs into the hole */
	len = 64;
	test_err_info(EFAULT, self->base.fd, map + room - 32, &len);
	len = len_max;
	test_err_info(EFAULT, self->base.fd, map + room - len_max + 1, &len);
	/* The data fits, the zero fill runs into the hole */
	len = len_max + 64;
	test_err_info(EFAULT, self->base.fd, map + room - len_max - 32, &len);
	/* Exactly up to the hole is fine */
	len = 32;
	test_cmd_info(self->base.fd, &type, map + room - 32, &len);
	ASSERT_EQ(len_max, len);
	ASSERT_EQ(0, memcmp(map + room - 32, exp, 32));
	len = len_max + 32;
	test_cmd_info(self->base.fd, &type, map + room - len_max - 32, &len);
	ASSERT_EQ(len_max, len);
	ASSERT_EQ(0, memcmp(map + room - len_max - 32, exp, len_max));
	ASSERT_TRUE(all_bytes(map + room - 32, 0, 32));
	ASSERT_OK(mprotect(map, room, PROT_READ));
	len = sizeof(ref);
	test_err_info(EFAULT, self->base.fd, map, &len);
	ASSERT_OK(munmap(map, 2 * room));
	free(exp);
	free(buf);
}

/* Every open has its own context */
TEST_F(fwctl, info_uctx_id)
{
	struct fwctl_info_mock a, b, c, again;
	int fd2, fd3;

	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	fd3 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd3);
	test_cmd_mock_info(self->base.fd, &a);
	test_cmd_mock_info(fd2, &b);
	test_cmd_mock_info(fd3, &c);
	ASSERT_NE(0U, a.uctx_id);
	ASSERT_NE(0U, b.uctx_id);
	ASSERT_NE(0U, c.uctx_id);
	ASSERT_NE(a.uctx_id, b.uctx_id);
	ASSERT_NE(a.uctx_id, c.uctx_id);
	ASSERT_NE(b.uctx_id, c.uctx_id);
	test_counter("uctxs", self->base.uctxs + 3);
	ASSERT_OK(close(fd3));
	test_counter("uctxs", self->base.uctxs + 2);

	/* Stable per FD, and never reused for a new open */
	test_cmd_mock_info(fd2, &again);
	ASSERT_EQ(b.uctx_id, again.uctx_id);
	fd3 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd3);
	test_cmd_mock_info(fd3, &again);
	ASSERT_NE(a.uctx_id, again.uctx_id);
	ASSERT_NE(b.uctx_id, again.uctx_id);
	ASSERT_NE(c.uctx_id, again.uctx_id);
	ASSERT_OK(close(fd3));
	ASSERT_OK(close(fd2));
}

TEST_F(fwctl, rpc_bad_scope)
{
	static const __u32 scopes[] = { 4, 5, 0x100, 0x7fffffff, 0xffffffff };
	struct fwctl_mock_query query;
	size_t i;

	for (i = 0; i != ARRAY_SIZE(scopes); i++)
		ASSERT_ERRNO(EOPNOTSUPP,
			     _test_cmd_query(self->base.fd, scopes[i], &query));
	for (i = FWCTL_RPC_CONFIGURATION; i <= FWCTL_RPC_DEBUG_WRITE_FULL; i++)
		ASSERT_OK(_test_cmd_query(self->base.fd, i, &query));
}

/* in_len and out_len are limited to 2 MiB, inclusive */
TEST_F_TIMEOUT(fwctl, rpc_msgsize, 120)
{
	size_t max = FWCTL_MAX_RPC_LEN;
	struct fwctl_mock_rsp *rsp;
	__u8 *in, *out;
	__u32 out_len;
	size_t i;

	in = malloc(max + 64);
	out = malloc(max + 64);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	for (i = 0; i != max + 64; i++)
		in[i] = i * 13 + (i >> 12);
	mock_build(in, FWCTL_MOCK_OP_ECHO, 0, NULL, 0);

	/* One byte over, with buffers really that long */
	out_len = max;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     max + 1, out, &out_len);
	out_len = max + 1;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     max, out, &out_len);
	out_len = max + 1;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     max + 1, out, &out_len);
	/* Far over, whatever the pointers */
	out_len = 64;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     UINT32_MAX, out, &out_len);
	out_len = UINT32_MAX;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);
	out_len = 0x80000000;
	test_err_rpc(EMSGSIZE, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);

	/* Exactly 2 MiB both ways */
	out_len = max;
	memset(out, 0, max + 64);
	test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, in, max, out,
		     &out_len);
	ASSERT_EQ(max, out_len);
	ASSERT_EQ(0, memcmp(in, out, max));
	ASSERT_TRUE(all_bytes(out + max, 0, 64));

	/* The longest log the mock returns */
	memset(out, 0xa5, max + 64);
	out_len = max;
	ASSERT_OK(_test_cmd_mock(self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
				 FWCTL_MOCK_OP_READ_LOG, max - MOCK_RSP_LEN,
				 NULL, 0, out, &out_len));
	ASSERT_EQ(max, out_len);
	rsp = (struct fwctl_mock_rsp *)out;
	ASSERT_EQ(FWCTL_MOCK_OP_READ_LOG, rsp->opcode);
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp->status);
	ASSERT_EQ(max - MOCK_RSP_LEN, rsp->len);
	ASSERT_TRUE(log_matches(out + MOCK_RSP_LEN, 0, max - MOCK_RSP_LEN));
	ASSERT_TRUE(all_bytes(out + max, 0xa5, 64));
	free(in);
	free(out);
}

/* Request or response buffers that cannot be accessed */
TEST_F(fwctl, rpc_efault)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct mock_query_rsp rsp;
	__u8 in[MOCK_HDR_LEN];
	__u32 in_len, out_len;
	__u8 *map;

	map = map_guarded(page);
	ASSERT_NE(NULL, map);
	in_len = mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);

	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION, NULL,
		     in_len, &rsp, &out_len);
	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION,
		     map + page, in_len, &rsp, &out_len);
	/* The request runs into the hole */
	memcpy(map + page - 8, in, 8);
	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION,
		     map + page - 8, in_len, &rsp, &out_len);

	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     in_len, NULL, &out_len);
	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     in_len, map + page, &out_len);
	/* The response runs into the hole */
	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     in_len, map + page - 8, &out_len);
	/* A read-only response buffer */
	ASSERT_OK(mprotect(map, page, PROT_READ));
	out_len = sizeof(rsp);
	test_err_rpc(EFAULT, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     in_len, map, &out_len);
	/* but a read-only request is fine */
	ASSERT_OK(mprotect(map, page, PROT_READ | PROT_WRITE));
	memcpy(map, in, in_len);
	ASSERT_OK(mprotect(map, page, PROT_READ));
	out_len = sizeof(rsp);
	test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, map, in_len, &rsp,
		     &out_len);
	ASSERT_EQ(sizeof(rsp), out_len);
	ASSERT_OK(munmap(map, 2 * page));
}

/*
 * The response is copied up to the caller's out_len and no further; out_len
 * then tells the full length.
 */
TEST_F(fwctl, rpc_out_len)
{
	static const __u32 log_lens[] = { 0, 1, 15, 16, 17, 48, 100, 4096,
					  100000 };
	static const __u32 buf_lens[] = { 0, 1, 8, 16, 17, 64, 116, 200 };
	struct mock_query_rsp *q;
	struct fwctl_mock_rsp *rsp;
	__u8 out[512], in[512];
	__u32 out_len, full;
	__u64 sum;
	size_t i, j;

	/* READ_LOG: longer or shorter than the buffer */
	for (i = 0; i != ARRAY_SIZE(log_lens); i++) {
		for (j = 0; j != ARRAY_SIZE(buf_lens); j++) {
			__u32 copied;

			full = MOCK_RSP_LEN + log_lens[i];
			copied = full < buf_lens[j] ? full : buf_lens[j];
			memset(out, 0x5a, sizeof(out));
			out_len = buf_lens[j];
			ASSERT_OK(_test_cmd_mock(self->base.fd,
						 FWCTL_RPC_DEBUG_READ_ONLY,
						 FWCTL_MOCK_OP_READ_LOG,
						 log_lens[i], NULL, 0, out,
						 &out_len));
			ASSERT_EQ(full, out_len);
			if (copied >= 2)
				ASSERT_EQ(FWCTL_MOCK_OP_READ_LOG,
					  *(__u16 *)out);
			if (copied >= 8)
				ASSERT_EQ(log_lens[i], *(__u32 *)(out + 4));
			if (copied > MOCK_RSP_LEN)
				ASSERT_TRUE(log_matches(out + MOCK_RSP_LEN, 0,
							copied - MOCK_RSP_LEN));
			ASSERT_TRUE(all_bytes(out + copied, 0x5a,
					      sizeof(out) - copied));
		}
	}

	/* ECHO: exactly as long as the request */
	for (i = 0; i != sizeof(in); i++)
		in[i] = i ^ 0x3c;
	mock_build(in, FWCTL_MOCK_OP_ECHO, 7, NULL, 0);
	for (j = 0; j != ARRAY_SIZE(buf_lens); j++) {
		__u32 copied = buf_lens[j] < 100 ? buf_lens[j] : 100;

		memset(out, 0x5a, sizeof(out));
		out_len = buf_lens[j];
		test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, in, 100,
			     out, &out_len);
		ASSERT_EQ(100U, out_len);
		ASSERT_EQ(0, memcmp(in, out, copied));
		ASSERT_TRUE(all_bytes(out + copied, 0x5a,
				      sizeof(out) - copied));
	}

	/* SUM: the response is shorter than the request */
	for (i = MOCK_HDR_LEN, sum = 0; i != 200; i++)
		sum += in[i];
	mock_build(in, FWCTL_MOCK_OP_SUM, 0, NULL, 0);
	memset(out, 0x5a, sizeof(out));
	out_len = 200;
	test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, in, 200, out,
		     &out_len);
	ASSERT_EQ(MOCK_RSP_LEN, out_len);
	rsp = (struct fwctl_mock_rsp *)out;
	ASSERT_EQ(FWCTL_MOCK_OP_SUM, rsp->opcode);
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp->status);
	ASSERT_EQ(0U, rsp->len);
	ASSERT_EQ(sum, rsp->value);
	ASSERT_TRUE(all_bytes(out + MOCK_RSP_LEN, 0x5a,
			      sizeof(out) - MOCK_RSP_LEN));

	/* QUERY: longer than the request */
	memset(out, 0x5a, sizeof(out));
	out_len = sizeof(out);
	test_cmd_rpc(self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0), out,
		     &out_len);
	ASSERT_EQ(sizeof(*q), out_len);
	q = (struct mock_query_rsp *)out;
	ASSERT_EQ(FWCTL_MOCK_OP_QUERY, q->rsp.opcode);
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, q->rsp.status);
	ASSERT_EQ(sizeof(q->query), q->rsp.len);
	ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, q->query.fw_version);
	ASSERT_EQ(0U, q->query.nr_objects);
	ASSERT_EQ((__u32)FWCTL_MOCK_NUM_REGS, q->query.nr_regs);
	ASSERT_EQ((__u32)FWCTL_MOCK_MEM_SIZE, q->query.mem_size);
	ASSERT_TRUE(all_bytes(out + sizeof(struct mock_query_rsp), 0x5a,
			      sizeof(out) - sizeof(struct mock_query_rsp)));
}

/* Requests the mock driver refuses with an errno */
TEST_F(fwctl, mock_errors)
{
	__u8 in[64] = {}, out[64];
	struct fwctl_mock_cmd *cmd = (struct fwctl_mock_cmd *)in;
	__u8 payload[16] = { 1, 2, 3 };
	__u32 out_len, len;

	/* Shorter than the header */
	mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);
	for (len = 0; len < MOCK_HDR_LEN; len += len < 8 ? 4 : 7) {
		out_len = sizeof(out);
		test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION,
			     in, len, out, &out_len);
	}
	out_len = sizeof(out);
	test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN - 1, out, &out_len);

	/* Non-zero flags or reserved */
	cmd->flags = 1;
	out_len = sizeof(out);
	test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);
	cmd->flags = 0x8000;
	test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);
	cmd->flags = 0;
	cmd->__reserved = 1;
	test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);
	cmd->__reserved = 0x80000000;
	test_err_rpc(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
		     MOCK_HDR_LEN, out, &out_len);

	/* Unknown opcodes, at any scope */
	test_err_mock(EOPNOTSUPP, self->base.fd, FWCTL_RPC_CONFIGURATION, 0, 0,
		      NULL, 0);
	test_err_mock(EOPNOTSUPP, self->base.fd, FWCTL_RPC_CONFIGURATION,
		      FWCTL_MOCK_OP_LAST + 1, 0, NULL, 0);
	test_err_mock(EOPNOTSUPP, self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
		      FWCTL_MOCK_OP_LAST + 1, 0, NULL, 0);
	test_err_mock(EOPNOTSUPP, self->base.fd, FWCTL_RPC_CONFIGURATION,
		      0xffff, 0, NULL, 0);

	/* Payloads of the wrong length */
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION,
		      FWCTL_MOCK_OP_QUERY, 0, payload, 8);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION,
		      FWCTL_MOCK_OP_OBJ_CREATE, 0, payload, 1);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_CONFIGURATION,
		      FWCTL_MOCK_OP_OBJ_DESTROY, 1, payload, 8);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
		      FWCTL_MOCK_OP_READ_LOG, 16, payload, 4);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
		      FWCTL_MOCK_OP_READ_REG, 0, payload, 8);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
		      FWCTL_MOCK_OP_WRITE_REG, 0, NULL, 0);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
		      FWCTL_MOCK_OP_WRITE_REG, 0, payload, 4);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
		      FWCTL_MOCK_OP_WRITE_REG, 0, payload, 7);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
		      FWCTL_MOCK_OP_WRITE_REG, 0, payload, 9);
	test_err_mock(EINVAL, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
		      FWCTL_MOCK_OP_WRITE_REG, 0, payload, 16);
	test_nr_objects(self->base.fd, 0);
}

/* Failures the firmware reports in the response, with the ioctl succeeding */
TEST_F(fwctl, mock_status)
{
	__u8 payload[FWCTL_MOCK_MEM_SIZE + 8] = {};
	struct fwctl_mock_rsp rsp;
	__u64 val;
	__u64 id;

	/* Objects that do not exist */
	test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, self->base.fd, 0);
	test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, self->base.fd,
				12345);
	test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, self->base.fd,
				ULLONG_MAX);
	test_cmd_obj_create(self->base.fd, 0, &id);
	test_cmd_obj_destroy(self->base.fd, id);
	test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, self->base.fd,
				id);

	/* Registers: in range, out of range */
	test_fw_status(FWCTL_MOCK_STATUS_OK, self->base.fd,
		       FWCTL_RPC_DEBUG_READ_ONLY, FWCTL_MOCK_OP_READ_REG,
		       FWCTL_MOCK_NUM_REGS - 1, NULL, 0);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_READ_ONLY, FWCTL_MOCK_OP_READ_REG,
		       FWCTL_MOCK_NUM_REGS, NULL, 0);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_READ_ONLY, FWCTL_MOCK_OP_READ_REG,
		       ULLONG_MAX, NULL, 0);
	val = 1;
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_WRITE_REG,
		       FWCTL_MOCK_NUM_REGS, &val, sizeof(val));

	/* A register keeps what was written; WRITE_REG returns the old value */
	val = 0x1122334455667788ULL;
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_DEBUG_WRITE,
				     FWCTL_MOCK_OP_WRITE_REG, 3, &val,
				     sizeof(val), &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	val = 0xdeadbeef;
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_DEBUG_WRITE,
				     FWCTL_MOCK_OP_WRITE_REG, 3, &val,
				     sizeof(val), &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	ASSERT_EQ(0x1122334455667788ULL, rsp.value);
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
				     FWCTL_MOCK_OP_READ_REG, 3, NULL, 0,
				     &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	ASSERT_EQ(0xdeadbeef, rsp.value);

	/* POKE: the whole range must fit the firmware memory */
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				     FWCTL_MOCK_OP_POKE, 0, payload,
				     FWCTL_MOCK_MEM_SIZE, &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	ASSERT_EQ((__u64)FWCTL_MOCK_MEM_SIZE, rsp.value);
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				     FWCTL_MOCK_OP_POKE,
				     FWCTL_MOCK_MEM_SIZE - 4, payload, 4,
				     &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	ASSERT_EQ(4ULL, rsp.value);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE,
		       FWCTL_MOCK_MEM_SIZE - 4, payload, 5);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE,
		       FWCTL_MOCK_MEM_SIZE, payload, 1);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE, 0,
		       payload, FWCTL_MOCK_MEM_SIZE + 1);
	/* offset + length wrapping around must not fool the range check */
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE,
		       ULLONG_MAX - 2, payload, 8);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE,
		       0x100000000ULL, payload, 8);
}

/*
 * The scope of WRITE_REG depends on the register: DEBUG_WRITE for a debug
 * register, DEBUG_WRITE_FULL for a control register and for an index that
 * names no register. Below that the driver refuses it and the register
 * keeps its value; READ_REG reads any register at DEBUG_READ_ONLY.
 */
TEST_F(fwctl, write_reg_scope)
{
	static const __u64 no_regs[] = { FWCTL_MOCK_NUM_REGS,
					 FWCTL_MOCK_NUM_REGS + 1,
					 1ULL << 32, ULLONG_MAX };
	struct fwctl_mock_rsp rsp;
	__u64 reg, val, old, now;
	__u32 scope, need;
	size_t i;

	for (reg = 0; reg != FWCTL_MOCK_NUM_REGS; reg++) {
		need = reg < FWCTL_MOCK_NUM_DEBUG_REGS ?
		       FWCTL_RPC_DEBUG_WRITE : FWCTL_RPC_DEBUG_WRITE_FULL;
		test_cmd_read_reg(self->base.fd, reg, &old);
		for (scope = FWCTL_RPC_CONFIGURATION;
		     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
			val = 0x5c00000000000000ULL | reg << 8 | scope;
			if (scope < need) {
				test_err_mock(EBADMSG, self->base.fd, scope,
					      FWCTL_MOCK_OP_WRITE_REG, reg,
					      &val, sizeof(val));
				test_cmd_read_reg(self->base.fd, reg, &now);
				ASSERT_EQ(old, now);
				continue;
			}
			ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, scope,
						     FWCTL_MOCK_OP_WRITE_REG,
						     reg, &val, sizeof(val),
						     &rsp));
			ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
			ASSERT_EQ(old, rsp.value);
			test_cmd_read_reg(self->base.fd, reg, &now);
			ASSERT_EQ(val, now);
			old = val;
		}
	}

	/* No such register: refused below DEBUG_WRITE_FULL, BAD_ARG at it */
	val = 1;
	for (i = 0; i != ARRAY_SIZE(no_regs); i++) {
		test_err_mock(EBADMSG, self->base.fd, FWCTL_RPC_DEBUG_WRITE,
			      FWCTL_MOCK_OP_WRITE_REG, no_regs[i], &val,
			      sizeof(val));
		test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
			       FWCTL_RPC_DEBUG_WRITE_FULL,
			       FWCTL_MOCK_OP_WRITE_REG, no_regs[i], &val,
			       sizeof(val));
	}
}

/*
 * What POKE writes, PEEK reads back byte for byte, from any FD of the
 * instance; nothing else in the firmware memory changes, and a POKE or PEEK
 * out of range is refused by the firmware.
 */
TEST_F(fwctl, poke_peek)
{
	static const struct {
		__u32 off;
		__u32 len;
	} pokes[] = {
		{ 0, 1 }, { 0, FWCTL_MOCK_MEM_SIZE }, { 5, 3 },
		{ FWCTL_MOCK_MEM_SIZE - 1, 1 }, { 100, 77 },
		{ FWCTL_MOCK_MEM_SIZE, 0 }, { 17, 0 }, { 64, 128 },
	};
	static const __u32 offs[] = { 0, 1, 100, FWCTL_MOCK_MEM_SIZE - 1,
				      FWCTL_MOCK_MEM_SIZE };
	static const __u64 bad_args[] = {
		FWCTL_MOCK_PEEK_ARG(FWCTL_MOCK_MEM_SIZE, 1),
		FWCTL_MOCK_PEEK_ARG(0, FWCTL_MOCK_MEM_SIZE + 1),
		FWCTL_MOCK_PEEK_ARG(FWCTL_MOCK_MEM_SIZE + 1, 0),
		FWCTL_MOCK_PEEK_ARG(1, FWCTL_MOCK_MEM_SIZE),
		/* offset + length wraps around in 32 bits */
		FWCTL_MOCK_PEEK_ARG(UINT32_MAX, 2),
		FWCTL_MOCK_PEEK_ARG(2, UINT32_MAX),
		ULLONG_MAX,
	};
	__u8 model[FWCTL_MOCK_MEM_SIZE], got[FWCTL_MOCK_MEM_SIZE];
	__u8 data[FWCTL_MOCK_MEM_SIZE + 1];
	size_t i, j;
	__u32 len;
	int fd2;

	/* A new instance's memory is zeroed */
	test_cmd_peek(self->base.fd, 0, FWCTL_MOCK_MEM_SIZE, got);
	ASSERT_TRUE(all_bytes(got, 0, sizeof(got)));
	memset(model, 0, sizeof(model));

	for (i = 0; i != ARRAY_SIZE(pokes); i++) {
		for (j = 0; j != sizeof(data); j++)
			data[j] = i * 41 + j * 7 + 1;
		test_cmd_poke(self->base.fd, pokes[i].off, data, pokes[i].len);
		memcpy(model + pokes[i].off, data, pokes[i].len);
		memset(got, 0xa5, sizeof(got));
		test_cmd_peek(self->base.fd, 0, FWCTL_MOCK_MEM_SIZE, got);
		ASSERT_EQ(0, memcmp(model, got, sizeof(model)))
			TH_LOG("after POKE %zu of %u bytes at %u", i,
			       pokes[i].len, pokes[i].off);
	}

	/* Any range reads back its part */
	for (i = 0; i != ARRAY_SIZE(offs); i++) {
		for (len = 0; len <= FWCTL_MOCK_MEM_SIZE - offs[i];
		     len = len < 8 ? len + 1 : len * 3) {
			memset(got, 0xa5, sizeof(got));
			test_cmd_peek(self->base.fd, offs[i], len, got);
			ASSERT_EQ(0, memcmp(model + offs[i], got, len));
			ASSERT_TRUE(all_bytes(got + len, 0xa5,
					      sizeof(got) - len));
		}
	}

	/* The memory is the instance's: another FD sees the same */
	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	test_cmd_peek(fd2, 0, FWCTL_MOCK_MEM_SIZE, got);
	ASSERT_EQ(0, memcmp(model, got, sizeof(model)));
	ASSERT_OK(close(fd2));

	/* Out of range: refused by the firmware, and nothing written */
	for (i = 0; i != ARRAY_SIZE(bad_args); i++)
		test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
			       FWCTL_RPC_DEBUG_READ_ONLY, FWCTL_MOCK_OP_PEEK,
			       bad_args[i], NULL, 0);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE,
		       FWCTL_MOCK_MEM_SIZE - 4, data, 5);
	test_fw_status(FWCTL_MOCK_STATUS_BAD_ARG, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_MOCK_OP_POKE, 0, data,
		       FWCTL_MOCK_MEM_SIZE + 1);
	test_cmd_peek(self->base.fd, 0, FWCTL_MOCK_MEM_SIZE, got);
	ASSERT_EQ(0, memcmp(model, got, sizeof(model)));
}

/* Up to FWCTL_MOCK_MAX_OBJECTS per FD, then ENOSPC */
TEST_F(fwctl, objects_max)
{
	__u64 ids[FWCTL_MOCK_MAX_OBJECTS];
	int i, j;

	for (i = 0; i != FWCTL_MOCK_MAX_OBJECTS; i++) {
		test_cmd_obj_create(self->base.fd, 1000 + i, &ids[i]);
		for (j = 0; j != i; j++)
			ASSERT_NE(ids[j], ids[i]);
	}
	test_nr_objects(self->base.fd, FWCTL_MOCK_MAX_OBJECTS);
	test_counter("objects", self->base.objects + FWCTL_MOCK_MAX_OBJECTS);
	test_err_obj_create(ENOSPC, self->base.fd, 1);
	test_err_obj_create(ENOSPC, self->base.fd, 2);
	test_counter("objects", self->base.objects + FWCTL_MOCK_MAX_OBJECTS);

	/* Room for one again */
	test_cmd_obj_destroy(self->base.fd, ids[7]);
	test_cmd_obj_create(self->base.fd, 7, &ids[7]);
	test_err_obj_create(ENOSPC, self->base.fd, 3);

	for (i = 0; i != FWCTL_MOCK_MAX_OBJECTS; i++)
		test_cmd_obj_destroy(self->base.fd, ids[i]);
	for (i = 0; i < FWCTL_MOCK_MAX_OBJECTS; i += 9)
		test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT,
					self->base.fd, ids[i]);
	test_nr_objects(self->base.fd, 0);
	test_counter("objects", self->base.objects);
}

/*
 * An FD sees and destroys only its own objects. Object ids are the FD's own:
 * another FD may use the same numbers for its objects.
 */
TEST_F(fwctl, objects_isolation)
{
	__u64 mine[3], theirs, extra;
	int fd2;
	int i;

	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	for (i = 0; i != 3; i++)
		test_cmd_obj_create(self->base.fd, i, &mine[i]);
	test_cmd_obj_create(fd2, 10, &theirs);
	test_nr_objects(self->base.fd, 3);
	test_nr_objects(fd2, 1);
	test_counter("objects", self->base.objects + 4);

	/* fd2 cannot reach the objects of the first FD */
	for (i = 0; i != 3; i++) {
		if (mine[i] == theirs)
			continue;
		test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, fd2,
					mine[i]);
	}
	test_nr_objects(self->base.fd, 3);
	test_nr_objects(fd2, 1);

	/* Destroying its own object leaves the first FD's alone */
	test_cmd_obj_destroy(fd2, theirs);
	test_fw_err_obj_destroy(FWCTL_MOCK_STATUS_NO_OBJECT, fd2, theirs);
	test_nr_objects(self->base.fd, 3);
	test_nr_objects(fd2, 0);
	test_counter("objects", self->base.objects + 3);

	/* A full FD does not limit another one */
	for (i = 0; i != FWCTL_MOCK_MAX_OBJECTS; i++)
		test_cmd_obj_create(fd2, 100 + i, &extra);
	test_err_obj_create(ENOSPC, fd2, 0);
	test_cmd_obj_create(self->base.fd, 3, &extra);
	test_nr_objects(self->base.fd, 4);
	test_cmd_obj_destroy(self->base.fd, extra);

	for (i = 0; i != 3; i++)
		test_cmd_obj_destroy(self->base.fd, mine[i]);
	test_nr_objects(self->base.fd, 0);
	test_nr_objects(fd2, FWCTL_MOCK_MAX_OBJECTS);
	test_counter("objects", self->base.objects + FWCTL_MOCK_MAX_OBJECTS);
	ASSERT_OK(close(fd2));
	test_counter("objects", self->base.objects);
}

/* Closing an FD frees its objects and its context */
TEST_F(fwctl, objects_freed_on_close)
{
	__u64 id, keep;
	int fd2, fd3;
	int i;

	test_cmd_obj_create(self->base.fd, 1, &keep);
	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	fd3 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd3);
	for (i = 0; i != 10; i++)
		test_cmd_obj_create(fd2, i, &id);
	for (i = 0; i != FWCTL_MOCK_MAX_OBJECTS; i++)
		test_cmd_obj_create(fd3, i, &id);
	test_counter("objects",
		     self->base.objects + 11 + FWCTL_MOCK_MAX_OBJECTS);
	test_counter("uctxs", self->base.uctxs + 3);

	ASSERT_OK(close(fd2));
	test_counter("objects", self->base.objects + 1 + FWCTL_MOCK_MAX_OBJECTS);
	test_counter("uctxs", self->base.uctxs + 2);
	ASSERT_OK(close(fd3));
	test_counter("objects", self->base.objects + 1);
	test_counter("uctxs", self->base.uctxs + 1);

	/* The survivor is intact */
	test_nr_objects(self->base.fd, 1);
	test_cmd_obj_destroy(self->base.fd, keep);
}

/* An FD shared with a child: both use the same context */
TEST_F(fwctl, fd_inherited)
{
	struct fwctl_info_mock parent, child;
	__u64 id;
	int status;
	pid_t pid;

	test_cmd_mock_info(self->base.fd, &parent);
	test_cmd_obj_create(self->base.fd, 1, &id);
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u16 st = 0xffff;

		EXPECT_OK(_test_cmd_mock_info(self->base.fd, &child));
		EXPECT_EQ(parent.uctx_id, child.uctx_id);
		EXPECT_OK(_test_cmd_obj_destroy(self->base.fd, id, &st));
		EXPECT_EQ(FWCTL_MOCK_STATUS_OK, st);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child's exit closed nothing */
	test_counter("uctxs", self->base.uctxs + 1);
	test_nr_objects(self->base.fd, 0);
}

static void child_no_rawio(struct __test_metadata *_metadata, void *arg)
{
	__u8 poke[4] = { 1, 2, 3, 4 };
	struct fwctl_mock_query query;
	struct fwctl_mock_rsp rsp;
	int fd = *(int *)arg;
	__u64 reg = 42;

	/* Drop CAP_SYS_RAWIO from the effective set only */
	EXPECT_OK(cap_change(CAP_SYS_RAWIO, false, false));
	EXPECT_FALSE(cap_effective(CAP_SYS_RAWIO));
	EXPECT_ERRNO(EPERM, _test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       FWCTL_MOCK_OP_POKE, 0, poke,
					       sizeof(poke), &rsp));
	/* whatever the command */
	EXPECT_ERRNO(EPERM,
		     _test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE_FULL, &query));
	/* The lower scopes need no capability */
	EXPECT_OK(_test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE,
				     FWCTL_MOCK_OP_WRITE_REG, 1, &reg,
				     sizeof(reg), &rsp));
	EXPECT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	/* A control register needs DEBUG_WRITE_FULL, so the capability too */
	EXPECT_ERRNO(EBADMSG, _test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE,
						 FWCTL_MOCK_OP_WRITE_REG,
						 FWCTL_MOCK_NUM_DEBUG_REGS,
						 &reg, sizeof(reg), &rsp));
	EXPECT_ERRNO(EPERM, _test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       FWCTL_MOCK_OP_WRITE_REG,
					       FWCTL_MOCK_NUM_DEBUG_REGS,
					       &reg, sizeof(reg), &rsp));
	EXPECT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE, &query));
	EXPECT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_READ_ONLY, &query));
	EXPECT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query));

	/* Raised again: allowed */
	EXPECT_OK(cap_change(CAP_SYS_RAWIO, true, false));
	EXPECT_OK(_test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				     FWCTL_MOCK_OP_POKE, 0, poke, sizeof(poke),
				     &rsp));
	EXPECT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);

	/* Gone from the permitted set too: for good */
	EXPECT_OK(cap_change(CAP_SYS_RAWIO, false, true));
	EXPECT_ERRNO(EPERM, cap_change(CAP_SYS_RAWIO, true, false));
	EXPECT_ERRNO(EPERM,
		     _test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE_FULL, &query));
	EXPECT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE, &query));
}

/* DEBUG_WRITE_FULL needs CAP_SYS_RAWIO in the effective set, at each RPC */
TEST_F(fwctl, debug_write_full_cap)
{
	struct fwctl_mock_query query;

	ASSERT_TRUE(cap_effective(CAP_SYS_RAWIO));
	ASSERT_OK(_test_cmd_query(self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				  &query));
	run_in_child(_metadata, child_no_rawio, &self->base.fd);
	ASSERT_OK(_test_cmd_query(self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				  &query));
}

static void child_nobody_open(struct __test_metadata *_metadata, void *arg)
{
	const char *node = arg;

	EXPECT_OK(become_user(NOBODY, NOBODY));
	EXPECT_ERRNO(EACCES, open(node, O_RDWR));
	EXPECT_ERRNO(EACCES, open(node, O_RDONLY));
}

static void child_nobody_rpc(struct __test_metadata *_metadata, void *arg)
{
	const char *node = arg;
	struct fwctl_mock_query query;
	struct fwctl_info_mock info;
	struct fwctl_mock_rsp rsp;
	__u8 payload[8] = { 9, 8, 7 };
	__u16 status = 0xffff;
	__u64 id = 0;
	int fd;

	EXPECT_OK(become_user(NOBODY, NOBODY));
	fd = open(node, O_RDWR);
	EXPECT_LE(0, fd);
	if (fd < 0)
		return;
	EXPECT_OK(_test_cmd_mock_info(fd, &info));
	EXPECT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query));
	EXPECT_OK(_test_cmd_echo(fd, FWCTL_RPC_CONFIGURATION, payload,
				 sizeof(payload)));
	EXPECT_OK(_test_cmd_sum(fd, payload, sizeof(payload)));
	EXPECT_OK(_test_cmd_obj_create(fd, 5, &id));
	EXPECT_OK(_test_cmd_obj_destroy(fd, id, &status));
	EXPECT_EQ(FWCTL_MOCK_STATUS_OK, status);
	EXPECT_ERRNO(EPERM,
		     _test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE_FULL, &query));
	EXPECT_ERRNO(EPERM, _test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       FWCTL_MOCK_OP_POKE, 0, payload,
					       sizeof(payload), &rsp));
	/* Reading the firmware memory back needs no capability */
	EXPECT_OK(_test_cmd_peek(fd, 0, sizeof(payload), payload));
	EXPECT_OK(close(fd));
}

/* An unprivileged user, first with the default mode then with 0666 */
TEST_F(fwctl, unprivileged)
{
	char *node = self->base.inst.node;
	struct stat st;

	ASSERT_OK(stat(node, &st));
	ASSERT_EQ(0600U, st.st_mode & 07777);
	run_in_child(_metadata, child_nobody_open, node);

	ASSERT_OK(chmod(node, 0666));
	run_in_child(_metadata, child_nobody_rpc, node);
	ASSERT_OK(chmod(node, 0600));
	ASSERT_OK(stat(node, &st));
	ASSERT_EQ(0600U, st.st_mode & 07777);
}

/* Many FDs open on one device at once */
TEST_F_TIMEOUT(fwctl, many_fds, 120)
{
	enum { NR_FDS = 512 };
	__u32 ids[NR_FDS + 1];
	struct fwctl_info_mock info;
	struct rlimit rlim;
	int fds[NR_FDS];
	__u64 obj;
	int i, j;

	ASSERT_OK(getrlimit(RLIMIT_NOFILE, &rlim));
	if (rlim.rlim_cur < NR_FDS + 64) {
		rlim.rlim_cur = NR_FDS + 64;
		if (rlim.rlim_max < rlim.rlim_cur)
			rlim.rlim_max = rlim.rlim_cur;
		ASSERT_OK(setrlimit(RLIMIT_NOFILE, &rlim));
	}

	test_cmd_mock_info(self->base.fd, &info);
	ids[NR_FDS] = info.uctx_id;
	for (i = 0; i != NR_FDS; i++) {
		fds[i] = open(self->base.inst.node, O_RDWR);
		ASSERT_LE(0, fds[i]);
		test_cmd_mock_info(fds[i], &info);
		ids[i] = info.uctx_id;
		test_cmd_obj_create(fds[i], i, &obj);
	}
	test_counter("uctxs", self->base.uctxs + NR_FDS + 1);
	test_counter("objects", self->base.objects + NR_FDS);
	for (i = 0; i != NR_FDS + 1; i++) {
		ASSERT_NE(0U, ids[i]);
		for (j = 0; j != i; j++)
			ASSERT_NE(ids[j], ids[i]);
	}
	/* Each one still answers */
	for (i = 0; i < NR_FDS; i += 37)
		test_nr_objects(fds[i], 1);
	for (i = 0; i != NR_FDS; i++)
		ASSERT_OK(close(fds[i]));
	test_counter("uctxs", self->base.uctxs + 1);
	test_counter("objects", self->base.objects);
}

static void check_orphan(struct __test_metadata *_metadata, int fd)
{
	struct fwctl_info_mock data;
	struct fwctl_mock_query query;
	__u32 len = 0;

	test_err_info(ENODEV, fd, NULL, &len);
	len = sizeof(data);
	test_err_info(ENODEV, fd, &data, &len);
	ASSERT_ERRNO(ENODEV,
		     _test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query));
	ASSERT_ERRNO(ENODEV,
		     _test_cmd_query(fd, FWCTL_RPC_DEBUG_READ_ONLY, &query));
	test_err_obj_create(ENODEV, fd, 1);
	ASSERT_ERRNO(ENODEV, _test_cmd_echo(fd, FWCTL_RPC_CONFIGURATION, "x", 1));
}

static void check_inst_gone(struct __test_metadata *_metadata,
			    struct mock_inst *inst)
{
	char path[PATH_MAX];

	ASSERT_FALSE(path_exists(inst->node));
	ASSERT_ERRNO(ENOENT, open(inst->node, O_RDWR));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, inst->name);
	ASSERT_FALSE(path_exists(path));
	snprintf(path, sizeof(path), "%s/fwctl_mock.%u", MOCK_PLATFORM_DIR,
		 inst->id);
	ASSERT_FALSE(path_exists(path));
}

/* Hot unplug with FDs open: they become orphans */
TEST_F(fwctl, unplug)
{
	struct fwctl_info_mock info;
	struct mock_inst inst;
	__u64 id;
	int fd1, fd2;
	int i;

	ASSERT_OK(mock_inst_add(&inst, UNPLUG_FIRST_ID));
	ASSERT_STRNE(self->base.inst.name, inst.name);
	fd1 = open(inst.node, O_RDWR);
	ASSERT_LE(0, fd1);
	fd2 = open(inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	for (i = 0; i != 3; i++)
		test_cmd_obj_create(fd1, i, &id);
	for (i = 0; i != 2; i++)
		test_cmd_obj_create(fd2, i, &id);
	test_cmd_obj_create(self->base.fd, 9, &id);
	test_counter("objects", self->base.objects + 6);
	test_counter("uctxs", self->base.uctxs + 3);

	ASSERT_OK(mock_inst_remove(&inst));

	/* The contexts were closed by the unplug, not by close() */
	test_counter("objects", self->base.objects + 1);
	test_counter("uctxs", self->base.uctxs + 1);
	check_orphan(_metadata, fd1);
	check_orphan(_metadata, fd2);
	check_inst_gone(_metadata, &inst);

	/* The other instance is unaffected */
	test_cmd_mock_info(self->base.fd, &info);
	test_nr_objects(self->base.fd, 1);
	test_cmd_obj_destroy(self->base.fd, id);

	ASSERT_OK(close(fd1));
	check_orphan(_metadata, fd2);
	ASSERT_OK(close(fd2));
	test_counter("uctxs", self->base.uctxs + 1);
	test_counter("objects", self->base.objects);
}

/* Add and remove an instance again and again, with the same id */
TEST_F_TIMEOUT(fwctl, add_remove, 120)
{
	struct fwctl_info_mock info;
	struct mock_inst inst;
	unsigned int id = 0;
	__u64 obj;
	int fd;
	int i;

	for (i = 0; i != 20; i++) {
		ASSERT_OK(mock_inst_add(&inst, i ? id : ADD_REMOVE_FIRST_ID));
		if (!i)
			id = inst.id;
		ASSERT_EQ(id, inst.id);
		ASSERT_ERRNO(EEXIST, write_u32(MOCK_DEBUGFS "/add", id));

		fd = open(inst.node, O_RDWR);
		ASSERT_LE(0, fd);
		test_cmd_mock_info(fd, &info);
		ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, info.fw_version);
		test_cmd_obj_create(fd, i, &obj);
		test_counter("objects", self->base.objects + 1);
		test_counter("uctxs", self->base.uctxs + 2);
		/* Every other round the FD outlives the device */
		if (i & 1) {
			ASSERT_OK(close(fd));
			ASSERT_OK(mock_inst_remove(&inst));
		} else {
			ASSERT_OK(mock_inst_remove(&inst));
			check_orphan(_metadata, fd);
			ASSERT_OK(close(fd));
		}
		test_counter("objects", self->base.objects);
		test_counter("uctxs", self->base.uctxs + 1);
		check_inst_gone(_metadata, &inst);
	}
	ASSERT_EQ(-1, write_u32(MOCK_DEBUGFS "/remove", id));
}

FIXTURE(fwctl_scope)
{
	struct fwctl_base base;
};

FIXTURE_VARIANT(fwctl_scope)
{
	__u16 opcode;
	__u32 min_scope;
	__u64 arg;
	__u32 payload_len;
};

FIXTURE_SETUP(fwctl_scope)
{
	fwctl_base_setup(_metadata, &self->base, FIXTURE_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(fwctl_scope)
{
	fwctl_base_teardown(_metadata, &self->base);
}

FIXTURE_VARIANT_ADD(fwctl_scope, query)
{
	.opcode = FWCTL_MOCK_OP_QUERY,
	.min_scope = FWCTL_RPC_CONFIGURATION,
};

FIXTURE_VARIANT_ADD(fwctl_scope, echo)
{
	.opcode = FWCTL_MOCK_OP_ECHO,
	.min_scope = FWCTL_RPC_CONFIGURATION,
	.payload_len = 24,
};

FIXTURE_VARIANT_ADD(fwctl_scope, sum)
{
	.opcode = FWCTL_MOCK_OP_SUM,
	.min_scope = FWCTL_RPC_CONFIGURATION,
	.payload_len = 24,
};

FIXTURE_VARIANT_ADD(fwctl_scope, obj_create)
{
	.opcode = FWCTL_MOCK_OP_OBJ_CREATE,
	.min_scope = FWCTL_RPC_CONFIGURATION,
	.arg = 77,
};

FIXTURE_VARIANT_ADD(fwctl_scope, obj_destroy)
{
	.opcode = FWCTL_MOCK_OP_OBJ_DESTROY,
	.min_scope = FWCTL_RPC_CONFIGURATION,
};

FIXTURE_VARIANT_ADD(fwctl_scope, read_log)
{
	.opcode = FWCTL_MOCK_OP_READ_LOG,
	.min_scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.arg = 64,
};

FIXTURE_VARIANT_ADD(fwctl_scope, read_reg)
{
	.opcode = FWCTL_MOCK_OP_READ_REG,
	.min_scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.arg = 1,
};

FIXTURE_VARIANT_ADD(fwctl_scope, write_reg)
{
	.opcode = FWCTL_MOCK_OP_WRITE_REG,
	.min_scope = FWCTL_RPC_DEBUG_WRITE,
	.arg = 2,
	.payload_len = 8,
};

FIXTURE_VARIANT_ADD(fwctl_scope, write_ctrl_reg)
{
	.opcode = FWCTL_MOCK_OP_WRITE_REG,
	.min_scope = FWCTL_RPC_DEBUG_WRITE_FULL,
	.arg = FWCTL_MOCK_NUM_DEBUG_REGS + 1,
	.payload_len = 8,
};

FIXTURE_VARIANT_ADD(fwctl_scope, poke)
{
	.opcode = FWCTL_MOCK_OP_POKE,
	.min_scope = FWCTL_RPC_DEBUG_WRITE_FULL,
	.arg = 16,
	.payload_len = 8,
};

FIXTURE_VARIANT_ADD(fwctl_scope, peek)
{
	.opcode = FWCTL_MOCK_OP_PEEK,
	.min_scope = FWCTL_RPC_DEBUG_READ_ONLY,
	.arg = FWCTL_MOCK_PEEK_ARG(16, 100),
};

/* Each command works at its own scope and above, never below */
TEST_F(fwctl_scope, min_scope)
{
	__u8 payload[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	__u8 out[MOCK_RSP_LEN + 128];
	struct fwctl_mock_rsp *rsp = (struct fwctl_mock_rsp *)out;
	__u32 scope, out_len, created = 0;
	__u64 arg;
	int rc;

	for (scope = FWCTL_RPC_CONFIGURATION;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		arg = variant->arg;
		if (variant->opcode == FWCTL_MOCK_OP_OBJ_DESTROY)
			test_cmd_obj_create(self->base.fd, scope, &arg);
		memset(out, 0xa5, sizeof(out));
		out_len = sizeof(out);
		rc = _test_cmd_mock(self->base.fd, scope, variant->opcode, arg,
				    payload, variant->payload_len, out,
				    &out_len);
		if (scope < variant->min_scope) {
			ASSERT_ERRNO(EBADMSG, rc);
			ASSERT_TRUE(all_bytes(out, 0xa5, sizeof(out)));
			continue;
		}
		ASSERT_OK(rc);
		ASSERT_LE(MOCK_RSP_LEN, out_len);
		ASSERT_EQ(variant->opcode, rsp->opcode);
		if (variant->opcode != FWCTL_MOCK_OP_ECHO) {
			ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp->status);
			ASSERT_EQ(MOCK_RSP_LEN + rsp->len, out_len);
		}
		if (variant->opcode == FWCTL_MOCK_OP_OBJ_CREATE)
			created++;
	}
	test_nr_objects(self->base.fd, created);
}

/* An unknown scope is refused by the core, before the driver sees it */
TEST_F(fwctl_scope, bad_scope)
{
	__u8 payload[32] = {};
	__u8 out[MOCK_RSP_LEN + 128];
	__u32 out_len = sizeof(out);

	ASSERT_ERRNO(EOPNOTSUPP,
		     _test_cmd_mock(self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL + 1,
				    variant->opcode, variant->arg, payload,
				    variant->payload_len, out, &out_len));
	test_nr_objects(self->base.fd, 0);
}

/* RPCs from several threads, on one shared FD or on an FD each */
FIXTURE(fwctl_threads)
{
	struct fwctl_base base;
};

FIXTURE_VARIANT(fwctl_threads)
{
	bool shared_fd;
	unsigned int nr_threads;
	unsigned int iterations;
};

FIXTURE_SETUP(fwctl_threads)
{
	fwctl_base_setup(_metadata, &self->base, FIXTURE_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(fwctl_threads)
{
	fwctl_base_teardown(_metadata, &self->base);
}

FIXTURE_VARIANT_ADD(fwctl_threads, shared_fd)
{
	.shared_fd = true,
	.nr_threads = 8,
	.iterations = 2000,
};

FIXTURE_VARIANT_ADD(fwctl_threads, separate_fds)
{
	.shared_fd = false,
	.nr_threads = 8,
	.iterations = 2000,
};

struct rpc_thread {
	pthread_t thread;
	int fd;
	unsigned int idx;
	unsigned int iterations;
	/* Results */
	unsigned int done;
	int finished;
	unsigned int errors;
	int last_errno;
	char first_error[128];
	/* For the unplug test: run until an RPC fails or @stop is set */
	bool until_error;
	int *stop;
};

static void rpc_thread_error(struct rpc_thread *t, const char *what,
			     unsigned int i)
{
	if (!t->errors++)
		snprintf(t->first_error, sizeof(t->first_error),
			 "thread %u iteration %u: %s: %s", t->idx, i, what,
			 strerror(errno));
}

static int rpc_thread_one(struct rpc_thread *t, unsigned int i,
			  const char **what)
{
	__u8 payload[40];
	__u16 status;
	size_t k;
	__u64 id;

	for (k = 0; k != sizeof(payload); k++)
		payload[k] = t->idx * 131 + i * 7 + k;
	switch (i % 3) {
	case 0:
		*what = "echo";
		return _test_cmd_echo(t->fd, FWCTL_RPC_CONFIGURATION, payload,
				      1 + i % sizeof(payload));
	case 1:
		*what = "sum";
		return _test_cmd_sum(t->fd, payload, 1 + i % sizeof(payload));
	default:
		*what = "object create";
		if (_test_cmd_obj_create(t->fd, ((__u64)t->idx << 32) | i, &id))
			return -1;
		*what = "object destroy";
		if (_test_cmd_obj_destroy(t->fd, id, &status))
			return -1;
		if (status != FWCTL_MOCK_STATUS_OK)
			return fail_errno(EPROTO);
		return 0;
	}
}

static void *rpc_thread_fn(void *arg)
{
	struct rpc_thread *t = arg;
	const char *what;
	unsigned int i;

	for (i = 0; i != t->iterations; i++) {
		if (t->until_error && __atomic_load_n(t->stop, __ATOMIC_ACQUIRE))
			break;
		if (rpc_thread_one(t, i, &what)) {
			t->last_errno = errno;
			if (t->until_error)
				break;
			rpc_thread_error(t, what, i);
			continue;
		}
		__atomic_store_n(&t->done, i + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void threads_start(struct __test_metadata *_metadata,
			  struct fwctl_base *base, bool shared_fd,
			  struct rpc_thread *threads, unsigned int nr,
			  unsigned int iterations)
{
	unsigned int i;

	for (i = 0; i != nr; i++) {
		threads[i].idx = i;
		threads[i].iterations = iterations;
		threads[i].fd = shared_fd ? base->fd :
					    open(base->inst.node, O_RDWR);
		ASSERT_LE(0, threads[i].fd);
	}
	for (i = 0; i != nr; i++)
		ASSERT_EQ(0, pthread_create(&threads[i].thread, NULL,
					    rpc_thread_fn, &threads[i]));
}

static void threads_join(struct __test_metadata *_metadata,
			 struct rpc_thread *threads, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i != nr; i++)
		ASSERT_EQ(0, pthread_join(threads[i].thread, NULL));
}

TEST_F_TIMEOUT(fwctl_threads, rpcs, 300)
{
	struct rpc_thread threads[16] = {};
	unsigned int nr = variant->nr_threads;
	unsigned int i;

	threads_start(_metadata, &self->base, variant->shared_fd, threads, nr,
		      variant->iterations);
	if (!variant->shared_fd)
		test_counter("uctxs", self->base.uctxs + 1 + nr);
	threads_join(_metadata, threads, nr);

	for (i = 0; i != nr; i++) {
		if (threads[i].errors)
			TH_LOG("%u errors, first: %s", threads[i].errors,
			       threads[i].first_error);
		EXPECT_EQ(0U, threads[i].errors);
		EXPECT_EQ(variant->iterations, threads[i].done);
	}
	for (i = 0; i != nr; i++) {
		test_nr_objects(threads[i].fd, 0);
		if (!variant->shared_fd)
			ASSERT_OK(close(threads[i].fd));
	}
	test_counter("objects", self->base.objects);
	test_counter("uctxs", self->base.uctxs + 1);
}

/*
 * Unplug while threads are busy sending RPCs: each RPC either completes
 * correctly or fails with ENODEV, and after the unplug every one fails.
 */
TEST_F_TIMEOUT(fwctl_threads, unplug_busy, 120)
{
	struct rpc_thread threads[16] = {};
	unsigned int nr = variant->nr_threads;
	int stop = 0;
	unsigned int i;
	int tries;

	for (i = 0; i != nr; i++) {
		threads[i].until_error = true;
		threads[i].stop = &stop;
	}
	threads_start(_metadata, &self->base, variant->shared_fd, threads, nr,
		      UINT_MAX);

	/* Let every thread get going */
	for (tries = 0; tries != 2000; tries++) {
		for (i = 0; i != nr; i++)
			if (__atomic_load_n(&threads[i].done,
					    __ATOMIC_ACQUIRE) < 20)
				break;
		if (i == nr)
			break;
		usleep(1000);
	}

	ASSERT_OK(mock_inst_remove(&self->base.inst));
	self->base.removed = true;
	test_counter("uctxs", self->base.uctxs);
	test_counter("objects", self->base.objects);

	/* Any RPC started now fails, which ends each thread */
	for (tries = 0; tries != 30000; tries++) {
		for (i = 0; i != nr; i++)
			if (!__atomic_load_n(&threads[i].finished,
					     __ATOMIC_ACQUIRE))
				break;
		if (i == nr)
			break;
		usleep(1000);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	threads_join(_metadata, threads, nr);

	for (i = 0; i != nr; i++) {
		if (threads[i].last_errno != ENODEV)
			TH_LOG("thread %u after %u RPCs: %s", i,
			       threads[i].done,
			       threads[i].last_errno ?
			       strerror(threads[i].last_errno) :
			       "still running after the unplug");
		EXPECT_EQ(ENODEV, threads[i].last_errno);
		EXPECT_LT(0U, threads[i].done);
		check_orphan(_metadata, threads[i].fd);
		if (!variant->shared_fd)
			ASSERT_OK(close(threads[i].fd));
	}
	check_inst_gone(_metadata, &self->base.inst);
}

/*
 * A signal during an RPC that waits in the mock's mailbox, for the firmware
 * or for a free slot: the RPC fails with EINTR at once, whatever SA_RESTART
 * says, the firmware finishes the command on its own, and the device goes
 * on working. The RPC is a SLEEP on an FD of its own, so that the test
 * decides when that FD is closed.
 */
FIXTURE(fwctl_signal)
{
	struct fwctl_base base;
	struct sigaction old_sa;
	bool sa_set;
};

FIXTURE_VARIANT(fwctl_signal)
{
	/* sa_flags of the SIGUSR1 handler */
	int sa_flags;
	/* Busy every slot first: the RPC waits for one, not for the firmware */
	bool mailbox_full;
	/* Remove the instance while the firmware still runs the command */
	bool unplug;
};

FIXTURE_SETUP(fwctl_signal)
{
	fwctl_base_setup(_metadata, &self->base, FIXTURE_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(fwctl_signal)
{
	if (self->sa_set)
		EXPECT_OK(sigaction(SIGUSR1, &self->old_sa, NULL));
	fwctl_base_teardown(_metadata, &self->base);
}

FIXTURE_VARIANT_ADD(fwctl_signal, wait_firmware)
{
	.sa_flags = 0,
};

FIXTURE_VARIANT_ADD(fwctl_signal, wait_firmware_sa_restart)
{
	.sa_flags = SA_RESTART,
};

FIXTURE_VARIANT_ADD(fwctl_signal, wait_slot)
{
	.sa_flags = 0,
	.mailbox_full = true,
};

FIXTURE_VARIANT_ADD(fwctl_signal, wait_slot_sa_restart)
{
	.sa_flags = SA_RESTART,
	.mailbox_full = true,
};

FIXTURE_VARIANT_ADD(fwctl_signal, unplug)
{
	.sa_flags = 0,
	.unplug = true,
};

/* How long after the RPC entered ioctl() the signal comes */
#define SIGNAL_DELAY_US 100000

static void signal_handler(int sig)
{
}

/* Send SIGUSR1 to thread @tid once it has been in ioctl() for a while */
struct interrupter {
	pthread_t thread;
	pid_t tid;
	double t_sent;
	bool sent;
};

static void *interrupter_fn(void *arg)
{
	struct interrupter *in = arg;
	double deadline = now_sec() + 5;

	while (!thread_in_ioctl(in->tid)) {
		if (now_sec() > deadline)
			return NULL;
		usleep(500);
	}
	usleep(SIGNAL_DELAY_US);
	in->t_sent = now_sec();
	in->sent = !syscall(SYS_tgkill, getpid(), in->tid, SIGUSR1);
	return NULL;
}

/* Busy every slot of the mailbox with a held RPC each */
static void fill_mailbox(struct __test_metadata *_metadata,
			 struct fwctl_base *base, struct held_rpc *sl)
{
	unsigned int i;

	for (i = 0; i != FWCTL_MOCK_MBOX_DEPTH; i++) {
		sl[i].fd = open(base->inst.node, O_RDWR);
		ASSERT_LE(0, sl[i].fd);
		sl[i].sleep_us = FWCTL_MOCK_MAX_SLEEP_US;
		ASSERT_EQ(0, pthread_create(&sl[i].thread, NULL, held_rpc_fn,
					    &sl[i]));
	}
	ASSERT_EQ(FWCTL_MOCK_MBOX_DEPTH,
		  held_rpcs_wait(sl, FWCTL_MOCK_MBOX_DEPTH));
	/* From the system call to the slot takes far less */
	usleep(100000);
}

/* The held RPCs ran to completion, and their FDs are closed */
static void drain_mailbox(struct __test_metadata *_metadata,
			  struct held_rpc *sl)
{
	unsigned int i;

	for (i = 0; i != FWCTL_MOCK_MBOX_DEPTH; i++) {
		ASSERT_EQ(0, pthread_join(sl[i].thread, NULL));
		if (sl[i].ret)
			TH_LOG("held RPC %u: %s", i, strerror(sl[i].err));
		EXPECT_EQ(0, sl[i].ret);
		EXPECT_EQ(FWCTL_MOCK_STATUS_OK, sl[i].rsp.status);
		EXPECT_EQ((__u64)FWCTL_MOCK_MAX_SLEEP_US, sl[i].rsp.value);
		EXPECT_OK(close(sl[i].fd));
	}
}

TEST_F_TIMEOUT(fwctl_signal, interrupt, 60)
{
	double sleep_s = FWCTL_MOCK_MAX_SLEEP_US / 1e6;
	struct held_rpc sl[FWCTL_MOCK_MBOX_DEPTH] = {};
	struct interrupter in = {};
	struct sigaction sa = {
		.sa_handler = signal_handler,
		.sa_flags = variant->sa_flags,
	};
	struct fwctl_mock_query query;
	struct fwctl_mock_rsp rsp;
	double t_start, t_end, t;
	__u64 arg;
	int fd, ret, err;

	sigemptyset(&sa.sa_mask);
	ASSERT_OK(sigaction(SIGUSR1, &sa, &self->old_sa));
	self->sa_set = true;
	fd = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd);
	if (variant->mailbox_full)
		fill_mailbox(_metadata, &self->base, sl);

	/*
	 * With a free slot the firmware holds the RPC for the longest sleep;
	 * without one the RPC would be over in a millisecond once it got a
	 * slot, which it cannot before the signal.
	 */
	arg = variant->mailbox_full ? 1000 : FWCTL_MOCK_MAX_SLEEP_US;
	in.tid = syscall(SYS_gettid);
	ASSERT_EQ(0, pthread_create(&in.thread, NULL, interrupter_fn, &in));
	t_start = now_sec();
	ret = _test_cmd_mock_rsp(fd, FWCTL_RPC_CONFIGURATION,
				 FWCTL_MOCK_OP_SLEEP, arg, NULL, 0, &rsp);
	err = ret ? errno : 0;
	t_end = now_sec();
	ASSERT_EQ(0, pthread_join(in.thread, NULL));
	ASSERT_TRUE(in.sent);
	if (ret != -1 || err != EINTR)
		TH_LOG("the RPC returned %d (%s) %.0f ms after the signal",
		       ret, ret ? strerror(err) : "success",
		       (t_end - in.t_sent) * 1000);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EINTR, err);
	/* At once, not when the firmware or a slot was done */
	ASSERT_GT(0.5 * sleep_s, t_end - in.t_sent);

	/* The device works meanwhile, on this FD and on another */
	t = now_sec();
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, &query));
	test_cmd_query(self->base.fd, &query);
	/* Not held up by the command left in the firmware */
	if (!variant->mailbox_full)
		ASSERT_GT(0.5 * sleep_s, now_sec() - t);

	if (variant->unplug) {
		/* The removal waits for the firmware to finish the command */
		ASSERT_OK(mock_inst_remove(&self->base.inst));
		self->base.removed = true;
		EXPECT_LE(sleep_s, now_sec() - t_start);
		ASSERT_ERRNO(ENODEV, _test_cmd_query(fd,
						     FWCTL_RPC_CONFIGURATION,
						     &query));
		test_counter("uctxs", self->base.uctxs);
		ASSERT_OK(close(fd));
		return;
	}

	/* So does closing its FD */
	ASSERT_OK(close(fd));
	if (variant->mailbox_full)
		drain_mailbox(_metadata, sl);
	else
		EXPECT_LE(sleep_s, now_sec() - t_start);

	/* And afterwards a command runs its full course */
	ASSERT_OK(_test_cmd_mock_rsp(self->base.fd, FWCTL_RPC_CONFIGURATION,
				     FWCTL_MOCK_OP_SLEEP, 1000, NULL, 0,
				     &rsp));
	ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
	ASSERT_EQ(1000ULL, rsp.value);
}

TEST_HARNESS_MAIN
