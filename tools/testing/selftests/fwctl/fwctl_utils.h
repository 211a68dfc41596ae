/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the fwctl selftests: the mock driver's debugfs controls,
 * the two fwctl ioctls, the mock's mailbox commands, capabilities and the
 * kernel log.
 *
 * Command helpers come in threes, as in the iommufd selftests:
 * _test_cmd_x() returns the ioctl's result, test_cmd_x() asserts it
 * succeeded and test_err_x() asserts it failed with a given errno.
 */
#ifndef __SELFTEST_FWCTL_UTILS_H
#define __SELFTEST_FWCTL_UTILS_H

#include "../kselftest_harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/magic.h>

#include <fwctl/fwctl.h>
#include "../../../../drivers/fwctl/mock/fwctl_mock.h"

#define DEBUGFS_ROOT "/sys/kernel/debug"
#define FWCTL_DEBUGFS DEBUGFS_ROOT "/fwctl"
#define MOCK_DEBUGFS DEBUGFS_ROOT "/fwctl_mock"
#define MOCK_PLATFORM_DIR "/sys/bus/platform/devices"
#define FWCTL_CLASS_DIR "/sys/class/fwctl"
#define FWCTL_DEV_DIR "/dev/fwctl"

/* Largest in_len and out_len the core accepts */
#define FWCTL_MAX_RPC_LEN (2 * 1024 * 1024)
/* TAINT_FWCTL in /proc/sys/kernel/tainted */
#define FWCTL_TAINT_BIT 19

#define MOCK_HDR_LEN sizeof(struct fwctl_mock_cmd)
#define MOCK_RSP_LEN sizeof(struct fwctl_mock_rsp)

/* Assert that @cmd returned -1 and left @expected_errno in errno */
#define ASSERT_ERRNO(expected_errno, cmd)                 \
	({                                                \
		ASSERT_EQ(-1, cmd);                       \
		ASSERT_EQ(expected_errno, errno);         \
	})

/* The same without bailing out: also usable in forked children */
#define EXPECT_ERRNO(expected_errno, cmd)                 \
	({                                                \
		EXPECT_EQ(-1, cmd);                       \
		EXPECT_EQ(expected_errno, errno);         \
	})

/* Assert that @cmd returned 0, logging errno if it did not */
#define ASSERT_OK(cmd)                                                     \
	({                                                                 \
		int __rc = (cmd);                                          \
		if (__rc)                                                  \
			TH_LOG("%s failed: %s", #cmd, strerror(errno));    \
		ASSERT_EQ(0, __rc);                                        \
	})

#define EXPECT_OK(cmd)                                                     \
	({                                                                 \
		int __rc = (cmd);                                          \
		if (__rc)                                                  \
			TH_LOG("%s failed: %s", #cmd, strerror(errno));    \
		EXPECT_EQ(0, __rc);                                        \
	})

/* Keep errno across cleanup code that may change it */
static inline int fail_errno(int err)
{
	errno = err;
	return -1;
}

/* uid and gid of nobody */
#define NOBODY 65534

/* Whether all @len bytes at @buf are @c */
static inline bool all_bytes(const void *buf, int c, size_t len)
{
	const __u8 *p = buf;
	size_t i;

	for (i = 0; i != len; i++)
		if (p[i] != (__u8)c)
			return false;
	return true;
}

/* CLOCK_MONOTONIC in seconds */
static inline double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* sysfs, debugfs and procfs */

static inline int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return fail_errno(err);
	}
	close(fd);
	buf[n] = 0;
	return 0;
}

static inline int read_u64(const char *path, __u64 *val)
{
	char buf[64];
	char *end;

	if (read_file(path, buf, sizeof(buf)))
		return -1;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return fail_errno(EINVAL);
	return 0;
}

static inline int write_u32(const char *path, unsigned int val)
{
	char buf[32];
	ssize_t n;
	int len;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%u\n", val);
	n = write(fd, buf, len);
	if (n != len) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		return fail_errno(err);
	}
	return close(fd);
}

/* Write string @val to @path, opened O_WRONLY and with @flags */
static inline int write_str(const char *path, const char *val, int flags)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | flags);
	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		return fail_errno(err);
	}
	return close(fd);
}

/* The calling process's name, without the newline */
static inline int read_comm(char *comm, size_t len)
{
	if (read_file("/proc/self/comm", comm, len))
		return -1;
	comm[strcspn(comm, "\n")] = 0;
	return 0;
}

static inline int mock_counter(const char *name, __u64 *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", MOCK_DEBUGFS, name);
	return read_u64(path, val);
}

/* Assert that mock counter @name is @expected */
#define test_counter(name, expected)                             \
	({                                                       \
		__u64 __val = ULLONG_MAX;                        \
		ASSERT_OK(mock_counter(name, &__val));           \
		ASSERT_EQ(expected, __val);                      \
	})

static inline int read_tainted(unsigned long long *val)
{
	__u64 v;

	if (read_u64("/proc/sys/kernel/tainted", &v))
		return -1;
	*val = v;
	return 0;
}

/*
 * How many RPCs reached a driver at DEBUG_WRITE or DEBUG_WRITE_FULL, and so
 * tainted the kernel, as the core counts them
 */
static inline int fwctl_tainting_rpcs(__u64 *val)
{
	return read_u64(FWCTL_DEBUGFS "/tainting_rpcs", val);
}

/* Assert that the core counted @expected tainting RPCs so far */
#define test_tainting_rpcs(expected)                             \
	({                                                       \
		__u64 __val = ULLONG_MAX;                        \
		ASSERT_OK(fwctl_tainting_rpcs(&__val));          \
		ASSERT_EQ((__u64)(expected), __val);             \
	})

static inline bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * Whether thread @tid of this process is blocked in ioctl(), as
 * /proc/self/task/<tid>/syscall tells
 */
static inline bool thread_in_ioctl(pid_t tid)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	if (read_file(path, buf, sizeof(buf)))
		return false;
	return atol(buf) == SYS_ioctl && buf[0] >= '0' && buf[0] <= '9';
}

/*
 * Make sure debugfs is mounted on DEBUGFS_ROOT, mounting it if nobody did.
 * On failure @why says what is missing.
 */
static inline bool debugfs_available(char *why, size_t len)
{
	struct statfs sfs;

	if (!statfs(DEBUGFS_ROOT, &sfs) && sfs.f_type == DEBUGFS_MAGIC)
		return true;
	if (!mount("debugfs", DEBUGFS_ROOT, "debugfs", 0, NULL))
		return true;
	snprintf(why, len,
		 "debugfs is not mounted on %s and mounting it failed: %s (needs CONFIG_DEBUG_FS and root)",
		 DEBUGFS_ROOT, strerror(errno));
	return false;
}

/*
 * Make sure the mock's debugfs directory can be reached, mounting debugfs if
 * nobody did. On failure @why says what is missing.
 */
static inline bool mock_available(char *why, size_t len)
{
	if (access(MOCK_DEBUGFS, F_OK) == 0)
		return true;
	if (!debugfs_available(why, len))
		return false;
	if (access(MOCK_DEBUGFS, F_OK) == 0)
		return true;
	snprintf(why, len,
		 "%s not found: the fwctl_mock module is not loaded (CONFIG_FWCTL_MOCK, modprobe fwctl_mock)",
		 MOCK_DEBUGFS);
	return false;
}

/* Mock instances */

struct mock_inst {
	unsigned int id;
	/* Class device name, fwctlN */
	char name[32];
	/* /dev/fwctl/fwctlN */
	char node[sizeof(FWCTL_DEV_DIR) + 32];
};

/*
 * The name of the one fwctl device in @dir, the "fwctl" class directory
 * sysfs makes below a parent device: ENOENT if there is none or no @dir,
 * EEXIST if there are several.
 */
static inline int fwctl_dir_find(const char *dir, char *name, size_t len)
{
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		if (n >= len) {
			closedir(d);
			return fail_errno(ENAMETOOLONG);
		}
		memcpy(name, de->d_name, n + 1);
		found++;
	}
	closedir(d);
	if (found != 1)
		return fail_errno(found ? EEXIST : ENOENT);
	return 0;
}

/* Find the name of the fwctl device below platform device fwctl_mock.@id */
static inline int mock_inst_find(unsigned int id, char *name, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fwctl_mock.%u/fwctl",
		 MOCK_PLATFORM_DIR, id);
	return fwctl_dir_find(path, name, len);
}

/*
 * Create a mock instance with the first free id from @first_id on, and wait
 * until its fwctl device and /dev node exist.
 */
static inline int mock_inst_add(struct mock_inst *inst, unsigned int first_id)
{
	unsigned int id;
	int tries;

	for (id = first_id; id < first_id + 1000; id++) {
		if (!write_u32(MOCK_DEBUGFS "/add", id))
			break;
		if (errno != EEXIST)
			return -1;
	}
	if (id == first_id + 1000)
		return fail_errno(EEXIST);

	memset(inst, 0, sizeof(*inst));
	inst->id = id;
	/* Probing may be asynchronous: give the device a few seconds */
	for (tries = 0; tries < 500; tries++) {
		if (!mock_inst_find(id, inst->name, sizeof(inst->name))) {
			snprintf(inst->node, sizeof(inst->node), "%s/%s",
				 FWCTL_DEV_DIR, inst->name);
			if (path_exists(inst->node))
				return 0;
		}
		usleep(10000);
	}
	write_u32(MOCK_DEBUGFS "/remove", id);
	return fail_errno(ENODEV);
}

static inline int mock_inst_remove(struct mock_inst *inst)
{
	return write_u32(MOCK_DEBUGFS "/remove", inst->id);
}

/*
 * The fixture of most tests: a mock instance of their own, an FD on it and
 * the mock's object and context counts, which must be back where they were
 * once the test closed the FD.
 */
struct fwctl_base {
	struct mock_inst inst;
	int fd;
	__u64 objects;
	__u64 uctxs;
	/* The test removed the instance itself */
	bool removed;
};

/*
 * Skip unless root with the mock loaded, then add an instance with the first
 * free id from @first_id on and open it with O_RDWR | @flags.
 */
static inline void fwctl_base_setup(struct __test_metadata *_metadata,
				    struct fwctl_base *base,
				    unsigned int first_id, int flags)
{
	char why[256];
	int err;

	base->fd = -1;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!mock_available(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_OK(mock_counter("objects", &base->objects));
	ASSERT_OK(mock_counter("uctxs", &base->uctxs));
	ASSERT_OK(mock_inst_add(&base->inst, first_id));
	base->fd = open(base->inst.node, O_RDWR | flags);
	if (base->fd < 0) {
		err = errno;
		mock_inst_remove(&base->inst);
		errno = err;
	}
	ASSERT_OK(base->fd < 0 ? -1 : 0);
}

/* Close the FD, check for leaks, remove the instance unless the test did */
static inline void fwctl_base_teardown(struct __test_metadata *_metadata,
				       struct fwctl_base *base)
{
	__u64 val = ULLONG_MAX;

	if (base->fd >= 0)
		EXPECT_OK(close(base->fd));
	/* Everything the test opened and created must be gone again */
	EXPECT_OK(mock_counter("objects", &val));
	EXPECT_EQ(base->objects, val);
	EXPECT_OK(mock_counter("uctxs", &val));
	EXPECT_EQ(base->uctxs, val);
	if (!base->removed)
		EXPECT_OK(mock_inst_remove(&base->inst));
}

/* FWCTL_INFO */

static inline int _test_cmd_info(int fd, __u32 *type, void *data, __u32 *data_len)
{
	struct fwctl_info cmd = {
		.size = sizeof(cmd),
		.device_data_len = data_len ? *data_len : 0,
		.out_device_data = (uintptr_t)data,
	};
	int ret;

	ret = ioctl(fd, FWCTL_INFO, &cmd);
	if (ret)
		return ret;
	if (type)
		*type = cmd.out_device_type;
	if (data_len)
		*data_len = cmd.device_data_len;
	return 0;
}

#define test_cmd_info(fd, type, data, data_len) \
	ASSERT_OK(_test_cmd_info(fd, type, data, data_len))
#define test_err_info(_errno, fd, data, data_len) \
	ASSERT_ERRNO(_errno, _test_cmd_info(fd, NULL, data, data_len))

/*
 * FWCTL_INFO for a mock device, reading the struct at the start of the
 * device data: checks the type and the full length too
 */
static inline int _test_cmd_mock_info(int fd, struct fwctl_info_mock *info)
{
	__u32 len = sizeof(*info);
	__u32 type;

	if (_test_cmd_info(fd, &type, info, &len))
		return -1;
	if (type != FWCTL_DEVICE_TYPE_MOCK || len != FWCTL_MOCK_INFO_LEN)
		return fail_errno(EPROTO);
	return 0;
}

/*
 * The FWCTL_MOCK_INFO_LEN bytes of device data of the FD whose context is
 * @uctx_id, into @buf
 */
static inline void mock_info_expect(__u8 *buf, __u32 uctx_id)
{
	struct fwctl_info_mock info = {
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.uctx_id = uctx_id,
		.max_objects = FWCTL_MOCK_MAX_OBJECTS,
	};
	size_t i;

	memcpy(buf, &info, sizeof(info));
	for (i = 0; i != FWCTL_MOCK_INFO_LEN - sizeof(info); i++)
		buf[sizeof(info) + i] = fwctl_mock_info_byte(i);
}

#define test_cmd_mock_info(fd, info) ASSERT_OK(_test_cmd_mock_info(fd, info))
#define test_err_mock_info(_errno, fd) \
	ASSERT_ERRNO(_errno, _test_cmd_mock_info(fd, &(struct fwctl_info_mock){}))

/* FWCTL_RPC */

static inline int _test_cmd_rpc(int fd, __u32 scope, const void *in,
				__u32 in_len, void *out, __u32 *out_len)
{
	struct fwctl_rpc cmd = {
		.size = sizeof(cmd),
		.scope = scope,
		.in_len = in_len,
		.out_len = *out_len,
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
	};
	int ret;

	ret = ioctl(fd, FWCTL_RPC, &cmd);
	if (ret)
		return ret;
	*out_len = cmd.out_len;
	return 0;
}

#define test_cmd_rpc(fd, scope, in, in_len, out, out_len) \
	ASSERT_OK(_test_cmd_rpc(fd, scope, in, in_len, out, out_len))
#define test_err_rpc(_errno, fd, scope, in, in_len, out, out_len) \
	ASSERT_ERRNO(_errno, _test_cmd_rpc(fd, scope, in, in_len, out, out_len))

/* Lay out a mock request in @buf; returns its length */
static inline size_t mock_build(void *buf, __u16 opcode, __u64 arg,
				const void *payload, size_t payload_len)
{
	struct fwctl_mock_cmd *cmd = buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = opcode;
	cmd->arg = arg;
	if (payload_len)
		memcpy(cmd + 1, payload, payload_len);
	return sizeof(*cmd) + payload_len;
}

/* Write a mock response header into @buf */
static inline void put_rsp(void *buf, __u16 opcode, __u16 status, __u32 len,
			   __u64 value)
{
	struct fwctl_mock_rsp rsp = {
		.opcode = opcode,
		.status = status,
		.len = len,
		.value = value,
	};

	memcpy(buf, &rsp, sizeof(rsp));
}

/* Send one mock command; the response lands in @out, up to *@out_len */
static inline int _test_cmd_mock(int fd, __u32 scope, __u16 opcode, __u64 arg,
				 const void *payload, size_t payload_len,
				 void *out, __u32 *out_len)
{
	void *in;
	int ret;

	in = malloc(MOCK_HDR_LEN + payload_len);
	if (!in)
		return -1;
	ret = _test_cmd_rpc(fd, scope, in,
			    mock_build(in, opcode, arg, payload, payload_len),
			    out, out_len);
	if (ret) {
		int err = errno;

		free(in);
		return fail_errno(err);
	}
	free(in);
	return 0;
}

/*
 * A mock command whose response is the header alone. Fails with EPROTO if
 * the response is malformed; the firmware status is left in @rsp.
 */
static inline int _test_cmd_mock_rsp(int fd, __u32 scope, __u16 opcode,
				     __u64 arg, const void *payload,
				     size_t payload_len,
				     struct fwctl_mock_rsp *rsp)
{
	__u32 out_len = sizeof(*rsp);

	memset(rsp, 0xa5, sizeof(*rsp));
	if (_test_cmd_mock(fd, scope, opcode, arg, payload, payload_len, rsp,
			   &out_len))
		return -1;
	if (out_len != sizeof(*rsp) || rsp->opcode != opcode || rsp->len)
		return fail_errno(EPROTO);
	return 0;
}

/*
 * A thread that holds an RPC in flight: a SLEEP of @sleep_us in the mock's
 * firmware, on @fd. Start it with pthread_create(..., held_rpc_fn, ...).
 */
struct held_rpc {
	pthread_t thread;
	int fd;
	__u64 sleep_us;
	pid_t tid;
	int started;
	double t_start;
	int ret;
	int err;
	struct fwctl_mock_rsp rsp;
};

static inline void *held_rpc_fn(void *arg)
{
	struct held_rpc *h = arg;

	h->tid = syscall(SYS_gettid);
	h->t_start = now_sec();
	__atomic_store_n(&h->started, 1, __ATOMIC_RELEASE);
	h->ret = _test_cmd_mock_rsp(h->fd, FWCTL_RPC_CONFIGURATION,
				    FWCTL_MOCK_OP_SLEEP, h->sleep_us, NULL, 0,
				    &h->rsp);
	h->err = h->ret ? errno : 0;
	return NULL;
}

/* How many of the @n threads sit in their ioctl; waits up to 5 s for all */
static inline unsigned int held_rpcs_wait(struct held_rpc *h, unsigned int n)
{
	double deadline = now_sec() + 5;
	unsigned int i, in;

	do {
		for (i = 0, in = 0; i != n; i++)
			if (__atomic_load_n(&h[i].started, __ATOMIC_ACQUIRE) &&
			    thread_in_ioctl(h[i].tid))
				in++;
		if (in == n)
			break;
		usleep(500);
	} while (now_sec() < deadline);
	return in;
}

#define test_err_mock(_errno, fd, scope, opcode, arg, payload, payload_len) \
	ASSERT_ERRNO(_errno,                                               \
		     _test_cmd_mock_rsp(fd, scope, opcode, arg, payload,   \
					payload_len,                       \
					&(struct fwctl_mock_rsp){}))

/* Assert that a header-only mock command answered with firmware @status */
#define test_fw_status(_status, fd, scope, opcode, arg, payload, payload_len) \
	({                                                                   \
		struct fwctl_mock_rsp __rsp;                                 \
		ASSERT_OK(_test_cmd_mock_rsp(fd, scope, opcode, arg,         \
					     payload, payload_len, &__rsp)); \
		ASSERT_EQ(_status, __rsp.status);                            \
	})

/* READ_REG of register @reg, which must exist: its value in *@val */
static inline int _test_cmd_read_reg(int fd, __u64 reg, __u64 *val)
{
	struct fwctl_mock_rsp rsp;

	if (_test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_MOCK_OP_READ_REG, reg, NULL, 0, &rsp))
		return -1;
	if (rsp.status != FWCTL_MOCK_STATUS_OK)
		return fail_errno(EPROTO);
	*val = rsp.value;
	return 0;
}

#define test_cmd_read_reg(fd, reg, val) \
	ASSERT_OK(_test_cmd_read_reg(fd, reg, val))

/* POKE @len bytes from @data into firmware memory at @off */
static inline int _test_cmd_poke(int fd, __u64 off, const void *data,
				 size_t len)
{
	struct fwctl_mock_rsp rsp;

	if (_test_cmd_mock_rsp(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
			       FWCTL_MOCK_OP_POKE, off, data, len, &rsp))
		return -1;
	if (rsp.status != FWCTL_MOCK_STATUS_OK || rsp.value != len)
		return fail_errno(EPROTO);
	return 0;
}

#define test_cmd_poke(fd, off, data, len) \
	ASSERT_OK(_test_cmd_poke(fd, off, data, len))

/* PEEK @len bytes of firmware memory at @off into @buf */
static inline int _test_cmd_peek(int fd, __u32 off, __u32 len, void *buf)
{
	__u32 out_len = MOCK_RSP_LEN + len;
	struct fwctl_mock_rsp *rsp;
	int ret = -1;
	__u8 *out;

	out = malloc(out_len);
	if (!out)
		return -1;
	rsp = (struct fwctl_mock_rsp *)out;
	if (_test_cmd_mock(fd, FWCTL_RPC_DEBUG_READ_ONLY, FWCTL_MOCK_OP_PEEK,
			   FWCTL_MOCK_PEEK_ARG(off, len), NULL, 0, out,
			   &out_len))
		goto out;
	if (out_len != MOCK_RSP_LEN + len ||
	    rsp->opcode != FWCTL_MOCK_OP_PEEK ||
	    rsp->status != FWCTL_MOCK_STATUS_OK || rsp->len != len ||
	    rsp->value != off) {
		errno = EPROTO;
		goto out;
	}
	memcpy(buf, out + MOCK_RSP_LEN, len);
	ret = 0;
out:
	if (ret) {
		int err = errno;

		free(out);
		return fail_errno(err);
	}
	free(out);
	return 0;
}

#define test_cmd_peek(fd, off, len, buf) \
	ASSERT_OK(_test_cmd_peek(fd, off, len, buf))

struct mock_query_rsp {
	struct fwctl_mock_rsp rsp;
	struct fwctl_mock_query query;
};

static inline int _test_cmd_query(int fd, __u32 scope, struct fwctl_mock_query *query)
{
	struct mock_query_rsp out;
	__u32 out_len = sizeof(out);

	if (_test_cmd_mock(fd, scope, FWCTL_MOCK_OP_QUERY, 0, NULL, 0, &out,
			   &out_len))
		return -1;
	if (out_len != sizeof(out) || out.rsp.opcode != FWCTL_MOCK_OP_QUERY ||
	    out.rsp.status != FWCTL_MOCK_STATUS_OK ||
	    out.rsp.len != sizeof(out.query))
		return fail_errno(EPROTO);
	*query = out.query;
	return 0;
}

#define test_cmd_query(fd, query) \
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION, query))

/* Objects held by this FD, as the firmware counts them */
#define test_nr_objects(fd, nr)                                         \
	({                                                              \
		struct fwctl_mock_query __q;                            \
		ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_CONFIGURATION,  \
					  &__q));                       \
		ASSERT_EQ((__u32)(nr), __q.nr_objects);                       \
	})

static inline int _test_cmd_obj_create(int fd, __u64 tag, __u64 *id)
{
	struct fwctl_mock_rsp rsp;

	if (_test_cmd_mock_rsp(fd, FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_OBJ_CREATE, tag, NULL, 0, &rsp))
		return -1;
	if (rsp.status != FWCTL_MOCK_STATUS_OK || !rsp.value)
		return fail_errno(EPROTO);
	*id = rsp.value;
	return 0;
}

#define test_cmd_obj_create(fd, tag, id) \
	ASSERT_OK(_test_cmd_obj_create(fd, tag, id))
#define test_err_obj_create(_errno, fd, tag) \
	ASSERT_ERRNO(_errno, _test_cmd_obj_create(fd, tag, &(__u64){0}))

/* Returns the firmware status in *@status */
static inline int _test_cmd_obj_destroy(int fd, __u64 id, __u16 *status)
{
	struct fwctl_mock_rsp rsp;

	if (_test_cmd_mock_rsp(fd, FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_OBJ_DESTROY, id, NULL, 0, &rsp))
		return -1;
	*status = rsp.status;
	return 0;
}

#define test_cmd_obj_destroy(fd, id)                                    \
	({                                                              \
		__u16 __status = 0xffff;                                \
		ASSERT_OK(_test_cmd_obj_destroy(fd, id, &__status));    \
		ASSERT_EQ(FWCTL_MOCK_STATUS_OK, __status);              \
	})
#define test_fw_err_obj_destroy(_status, fd, id)                        \
	({                                                              \
		__u16 __status = 0xffff;                                \
		ASSERT_OK(_test_cmd_obj_destroy(fd, id, &__status));    \
		ASSERT_EQ(_status, __status);                           \
	})

/* ECHO: the response must equal the request */
static inline int _test_cmd_echo(int fd, __u32 scope, const void *payload,
				 size_t payload_len)
{
	size_t len = MOCK_HDR_LEN + payload_len;
	__u32 out_len = len;
	void *in, *out;
	int ret = -1;

	in = malloc(len);
	out = malloc(len);
	if (!in || !out)
		goto out;
	mock_build(in, FWCTL_MOCK_OP_ECHO, payload_len, payload, payload_len);
	ret = _test_cmd_rpc(fd, scope, in, len, out, &out_len);
	if (!ret && (out_len != len || memcmp(in, out, len))) {
		errno = EPROTO;
		ret = -1;
	}
out:
	if (ret) {
		int err = errno;

		free(in);
		free(out);
		return fail_errno(err);
	}
	free(in);
	free(out);
	return 0;
}

#define test_cmd_echo(fd, payload, payload_len) \
	ASSERT_OK(_test_cmd_echo(fd, FWCTL_RPC_CONFIGURATION, payload, payload_len))

/* SUM: @value must be the sum of the payload bytes */
static inline int _test_cmd_sum(int fd, const __u8 *payload, size_t payload_len)
{
	struct fwctl_mock_rsp rsp;
	__u64 sum = 0;
	size_t i;

	for (i = 0; i != payload_len; i++)
		sum += payload[i];
	if (_test_cmd_mock_rsp(fd, FWCTL_RPC_CONFIGURATION, FWCTL_MOCK_OP_SUM,
			       0, payload, payload_len, &rsp))
		return -1;
	if (rsp.status != FWCTL_MOCK_STATUS_OK || rsp.value != sum)
		return fail_errno(EPROTO);
	return 0;
}

/*
 * Run @fn in a forked child, which may change its credentials freely. The
 * child reports failures through EXPECT_*() on the shared _metadata; it
 * must not use ASSERT_*(), which would run the teardown in the child.
 */
typedef void (*child_fn)(struct __test_metadata *_metadata, void *arg);

static inline void run_in_child(struct __test_metadata *_metadata,
				child_fn fn, void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fn(_metadata, arg);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* Capabilities, through the raw system calls */

static inline int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &hdr, data);
}

static inline int caps_set(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capset, &hdr, data);
}

/* Change @cap in the effective set and, if @permitted, the permitted set */
static inline int cap_change(int cap, bool raise, bool permitted)
{
	struct __user_cap_data_struct data[2];
	__u32 mask = CAP_TO_MASK(cap);
	int idx = CAP_TO_INDEX(cap);

	if (caps_get(data))
		return -1;
	if (raise) {
		data[idx].effective |= mask;
		if (permitted)
			data[idx].permitted |= mask;
	} else {
		data[idx].effective &= ~mask;
		if (permitted)
			data[idx].permitted &= ~mask;
	}
	return caps_set(data);
}

static inline bool cap_effective(int cap)
{
	struct __user_cap_data_struct data[2];

	if (caps_get(data))
		return false;
	return data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* Become @uid/@gid with no capabilities in any set */
static inline int become_user(uid_t uid, gid_t gid)
{
	struct __user_cap_data_struct data[2] = {};

	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return -1;
	if (caps_set(data))
		return -1;
	if (caps_get(data))
		return -1;
	if (data[0].effective || data[1].effective || data[0].permitted ||
	    data[1].permitted || data[0].inheritable || data[1].inheritable)
		return fail_errno(EPERM);
	return 0;
}

/* The kernel log */

/* Open /dev/kmsg positioned after every record logged so far */
static inline int kmsg_open(void)
{
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = errno;

		close(fd);
		return fail_errno(err);
	}
	return fd;
}

/*
 * Read the next record of the log into @rec, of @len bytes, and point *@text
 * at its text, cut at the end of its line, or at NULL if it has none. @rec
 * keeps the record's prefix. Returns what read() does.
 */
static inline ssize_t kmsg_read(int fd, char *rec, size_t len, char **text)
{
	ssize_t n;
	char *t;

	n = read(fd, rec, len - 1);
	if (n <= 0)
		return n;
	rec[n] = 0;
	/* "prio,seq,usec,flags;text\n" then " KEY=value" lines */
	t = strchr(rec, ';');
	if (t) {
		*t++ = 0;
		t[strcspn(t, "\n")] = 0;
	}
	*text = t;
	return n;
}

/* Count the records logged since kmsg_open() whose text has @needle */
static inline int kmsg_count(int fd, const char *needle)
{
	char rec[8192];
	int count = 0;
	ssize_t n;

	for (;;) {
		char *text;

		n = kmsg_read(fd, rec, sizeof(rec), &text);
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			if (errno == EAGAIN)
				return count;
			return -1;
		}
		if (n == 0)
			return count;
		if (text && strstr(text, needle))
			count++;
	}
}

/* Fault injection */

/* Room for the fault attribute settings one test changes */
#define FAULT_MAX_KNOBS 48

struct fault_knob {
	char path[128];
	char old[32];
};

/* Fault attribute settings changed by a test, and their old values */
struct fault_knobs {
	struct fault_knob knob[FAULT_MAX_KNOBS];
	/* How many the test may change, FAULT_MAX_KNOBS at most */
	unsigned int max;
	unsigned int nr;
};

/*
 * Set debugfs file @dir/@name to @val, or only remember it if @val is NULL,
 * so that knobs_restore() can put the old value back.
 */
static inline int knob_set(struct fault_knobs *k, const char *dir,
			   const char *name, const char *val)
{
	struct fault_knob *knob;

	if (k->nr == k->max)
		return fail_errno(ENOSPC);
	knob = &k->knob[k->nr];
	snprintf(knob->path, sizeof(knob->path), "%s/%s/%s", DEBUGFS_ROOT, dir,
		 name);
	if (read_file(knob->path, knob->old, sizeof(knob->old)))
		return -1;
	knob->old[strcspn(knob->old, "\n")] = 0;
	if (val && write_str(knob->path, val, O_CLOEXEC))
		return -1;
	k->nr++;
	return 0;
}

/* The same, doing nothing if there is no such file */
static inline int knob_set_if_present(struct fault_knobs *k, const char *dir,
				      const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s/%s", DEBUGFS_ROOT, dir, name);
	if (!path_exists(path))
		return 0;
	return knob_set(k, dir, name, val);
}

/* Returns how many settings could not be restored */
static inline unsigned int knobs_restore(struct fault_knobs *k)
{
	unsigned int failed = 0;

	while (k->nr) {
		k->nr--;
		if (write_str(k->knob[k->nr].path, k->knob[k->nr].old,
			      O_CLOEXEC))
			failed++;
	}
	return failed;
}

/*
 * Let fail-nth fail every GFP_KERNEL slab allocation and, with @page_alloc,
 * those of every slab cache and GFP_KERNEL page allocations too; and quieten
 * every fault attribute: an injected failure must not print a stack trace,
 * which the test bed would take for a kernel problem. fail_page_alloc keeps
 * its min-order (1 by default): failing order-0 pages would fail the page
 * faults of user copies, an EFAULT that is not fwctl's doing. Changes at most
 * @max settings, and none if it fails.
 */
static inline int knobs_setup(struct fault_knobs *k, unsigned int max,
			      bool page_alloc)
{
	struct dirent *de;
	DIR *dir;
	int err;

	k->max = max;
	k->nr = 0;
	if (knob_set(k, "failslab", "ignore-gfp-wait", "N"))
		goto err;
	if (page_alloc &&
	    (knob_set_if_present(k, "failslab", "cache-filter", "N") ||
	     knob_set_if_present(k, "fail_page_alloc", "ignore-gfp-wait", "N") ||
	     knob_set_if_present(k, "fail_page_alloc", "ignore-gfp-highmem",
				 "N")))
		goto err;

	dir = opendir(DEBUGFS_ROOT);
	if (!dir)
		goto err;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "fail", 4) ||
		    strlen(de->d_name) > 64)
			continue;
		/* A failure through fail-nth counts down "times" too */
		if (knob_set_if_present(k, de->d_name, "verbose", "0") ||
		    knob_set_if_present(k, de->d_name, "times", NULL)) {
			err = errno;
			closedir(dir);
			errno = err;
			goto err;
		}
	}
	closedir(dir);
	return 0;

err:
	err = errno;
	knobs_restore(k);
	return fail_errno(err);
}

/* The path of the calling thread's fail-nth */
static inline void nth_path(char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
}

/* Open the calling thread's fail-nth */
static inline int nth_open(void)
{
	char path[64];

	nth_path(path, sizeof(path));
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Make the @n-th fault point this thread reaches from now on fail */
static inline int nth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len;

	len = snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(fd, buf, len, 0) != len)
		return -1;
	return 0;
}

/*
 * Disarm, and return in @left what was left of the count: 0 if the armed
 * fault point was reached, more if the call did not get that far. The
 * buffers are on the stack, which is mapped, so neither system call can
 * fault a page in and reach a fault point itself.
 */
static inline int nth_disarm(int fd, unsigned int *left)
{
	char zero[2] = "0";
	char buf[16];
	ssize_t len;
	int err = 0;

	memset(buf, 0, sizeof(buf));
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		err = len < 0 ? errno : EIO;
	if (pwrite(fd, zero, 1, 0) != 1)
		return -1;
	if (err)
		return fail_errno(err);
	*left = strtoul(buf, NULL, 10);
	return 0;
}

#endif
