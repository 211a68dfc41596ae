// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl against hostile parties, run with the fwctl_mock driver:
 *
 * - a nosy user: no byte the driver or the core did not mean to write
 *   reaches user space, and every byte they write is defined;
 * - a driver that breaks the driver API (fwctl_mock.N/misbehave): the core
 *   fails the call with the documented errno, leaks nothing and recovers;
 * - an operator tracing who did what: one trace record per open, close and
 *   ioctl, and an audit record for the first tainting RPC of an FD.
 *
 * User buffers are filled with a pattern first; whatever still holds it
 * afterwards was not written.
 */
#include "fwctl_utils.h"

#include <fnmatch.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/audit.h>
#include <linux/netlink.h>

/* Instance ids of this program, clear of those of the other programs */
#define HOSTILE_FIRST_ID 1300

#define PATTERN 0xa5
#define TRACEFS "/sys/kernel/tracing"

/* fwctl audits with the record type set aside for modules, and op= */
#define FWCTL_AUDIT_TYPE AUDIT_KERNEL_OTHER

FIXTURE(hostile)
{
	struct fwctl_base base;
};

FIXTURE_SETUP(hostile)
{
	fwctl_base_setup(_metadata, &self->base, HOSTILE_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(hostile)
{
	fwctl_base_teardown(_metadata, &self->base);
}

/* Audit records, as the audit subsystem multicasts them */

/* Longest record text the tests look at */
#define AUDIT_TEXT_MAX 8192

struct audit_seen {
	const char *dev;
	const char *comm;
	pid_t pid;
	/* Matching records, and the type of the last one */
	int count;
	int type;
	char text[512];
};

/* Whether @text has the space-separated token @tok */
static bool has_token(const char *text, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = text;

	while ((p = strstr(p, tok))) {
		if ((p == text || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
		p += n;
	}
	return false;
}

/*
 * An fwctl record of any type naming @s's device, pid and comm at
 * DEBUG_WRITE; the test checks the type.
 */
static void audit_match(struct audit_seen *s, int type, const char *text)
{
	char tok[64];

	if (!s->dev || !has_token(text, "op=fwctl_rpc") ||
	    !has_token(text, "scope=DEBUG_WRITE"))
		return;
	snprintf(tok, sizeof(tok), "dev=%s", s->dev);
	if (!has_token(text, tok))
		return;
	snprintf(tok, sizeof(tok), "pid=%d", s->pid);
	if (!has_token(text, tok))
		return;
	snprintf(tok, sizeof(tok), "comm=\"%s\"", s->comm);
	if (!has_token(text, tok))
		return;
	s->count++;
	s->type = type;
	/* Enough of it for the log */
	snprintf(s->text, sizeof(s->text), "%.*s", (int)sizeof(s->text) - 1,
		 text);
}

/*
 * Join the audit multicast group. kauditd sends every record there, whether
 * or not an audit daemon is registered and whether or not auditing is
 * enabled, so the test neither disturbs an auditd nor depends on one.
 * Returns the socket, or -1 with @why saying why there is none.
 */
static int audit_listen(char *why, size_t len)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1 << (AUDIT_NLGRP_READLOG - 1),
	};
	int rcvbuf = 1 << 20;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		snprintf(why, len,
			 "no audit netlink socket: %s (CONFIG_AUDIT off, or audit=0 on the kernel command line)",
			 strerror(errno));
		return -1;
	}
	/* Records of other tests may be queued: room for a burst of them */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = errno;
		close(fd);
		snprintf(why, len,
			 "cannot join the audit multicast group: %s (needs CAP_AUDIT_READ)",
			 strerror(err));
		return -1;
	}
	return fd;
}

/*
 * Wait up to @timeout_ms for records, then read all those that arrived and
 * match each against every one of @seen. Returns -1 on a socket error, with
 * ENOBUFS if records were lost.
 */
static int audit_read(int fd, struct audit_seen *seen, int nr_seen,
		      int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	static char buf[NLMSG_SPACE(AUDIT_TEXT_MAX) * 4];
	static char text[AUDIT_TEXT_MAX + 1];
	struct nlmsghdr *nlh;
	size_t text_len;
	ssize_t n;
	int i;

	if (poll(&pfd, 1, timeout_ms) < 0)
		return -1;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			text_len = nlh->nlmsg_len - NLMSG_HDRLEN;
			if (text_len > AUDIT_TEXT_MAX)
				text_len = AUDIT_TEXT_MAX;
			memcpy(text, NLMSG_DATA(nlh), text_len);
			text[text_len] = 0;
			for (i = 0; i != nr_seen; i++)
				audit_match(&seen[i], nlh->nlmsg_type, text);
		}
	}
}

/* Read records until @s has one, for up to @seconds */
static void audit_wait(struct __test_metadata *_metadata, int fd,
		       struct audit_seen *seen, int nr_seen,
		       struct audit_seen *s, double seconds)
{
	double end = now_sec() + seconds;

	do {
		ASSERT_OK(audit_read(fd, seen, nr_seen, 20));
		if (s->count)
			return;
	} while (now_sec() < end);
}

/*
 * The first RPC at a tainting scope on an FD is audited, naming the process
 * and the device; a second one on the same FD is not. Skipped if the kernel
 * has no audit or the test may not listen to it; once it listens, a missing
 * record fails it.
 */
TEST_F(hostile, audit)
{
	__u64 reg = 0x1234;
	struct audit_seen seen[2] = {};
	struct fwctl_mock_query query;
	char comm[32], why[256];
	int nl, fd, status;
	pid_t pid;

	nl = audit_listen(why, sizeof(why));
	if (nl < 0)
		SKIP(return, "%s", why);
	ASSERT_OK(read_comm(comm, sizeof(comm)));
	fd = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd);
	seen[0] = (struct audit_seen){
		.dev = self->base.inst.name, .comm = comm, .pid = getpid(),
	};

	test_fw_status(FWCTL_MOCK_STATUS_OK, fd, FWCTL_RPC_DEBUG_WRITE,
		       FWCTL_MOCK_OP_WRITE_REG, 1, &reg, sizeof(reg));
	audit_wait(_metadata, nl, seen, 2, &seen[0], 5);
	if (!seen[0].count)
		TH_LOG("no audit record op=fwctl_rpc dev=%s pid=%d comm=%s in 5 s",
		       seen[0].dev, seen[0].pid, comm);
	ASSERT_EQ(1, seen[0].count);
	TH_LOG("type=%d %s", seen[0].type, seen[0].text);
	ASSERT_EQ(FWCTL_AUDIT_TYPE, seen[0].type);

	/* More tainting RPCs on the same FD: no more records */
	test_fw_status(FWCTL_MOCK_STATUS_OK, fd, FWCTL_RPC_DEBUG_WRITE,
		       FWCTL_MOCK_OP_WRITE_REG, 1, &reg, sizeof(reg));
	ASSERT_OK(_test_cmd_query(fd, FWCTL_RPC_DEBUG_WRITE, &query));

	/*
	 * A child's new FD does get one, and kauditd sends records in
	 * order: once the child's is there, any second one of ours would be.
	 */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct fwctl_mock_rsp rsp;
		int cfd = open(self->base.inst.node, O_RDWR);

		if (cfd < 0 ||
		    _test_cmd_mock_rsp(cfd, FWCTL_RPC_DEBUG_WRITE,
				       FWCTL_MOCK_OP_WRITE_REG, 2, &reg,
				       sizeof(reg), &rsp))
			_exit(1);
		close(cfd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	seen[1] = (struct audit_seen){
		.dev = self->base.inst.name, .comm = comm, .pid = pid,
	};
	audit_wait(_metadata, nl, seen, 2, &seen[1], 5);
	ASSERT_EQ(1, seen[1].count);
	ASSERT_EQ(FWCTL_AUDIT_TYPE, seen[1].type);
	/* Still only the first one of ours */
	ASSERT_EQ(1, seen[0].count);

	ASSERT_OK(close(fd));
	close(nl);
}

/* No kernel bytes */

/* Fill @buf with the pattern and put an FWCTL_INFO struct of @size first */
static void info_prepare(__u8 *buf, size_t buf_len, __u32 size,
			 void *data, __u32 data_len)
{
	struct fwctl_info cmd = {
		.size = size,
		.device_data_len = data_len,
		.out_device_data = (uintptr_t)data,
	};

	memset(buf, PATTERN, buf_len);
	memcpy(buf, &cmd, sizeof(cmd));
	if (size > sizeof(cmd))
		memset(buf + sizeof(cmd), 0, size - sizeof(cmd));
}

/*
 * FWCTL_INFO writes each field of the struct with a defined value, nothing
 * past size, the device data and zeros exactly up to device_data_len, and
 * nothing past it.
 */
TEST_F(hostile, info_no_kernel_bytes)
{
	static const __u32 sizes[] = { sizeof(struct fwctl_info), 25, 32, 64,
				       255 };
	static const __u32 lens[] = { 0, 1, 4, 15, 16, 17, 24, 64, 200,
				      4096, FWCTL_MOCK_INFO_LEN - 1,
				      FWCTL_MOCK_INFO_LEN,
				      FWCTL_MOCK_INFO_LEN + 1,
				      FWCTL_MOCK_INFO_LEN + 200 };
	static __u8 ref[FWCTL_MOCK_INFO_LEN], data[FWCTL_MOCK_INFO_LEN + 512];
	__u8 buf[512];
	struct fwctl_info got;
	size_t i, j;

	/* The fixture's FD is the first of its instance */
	mock_info_expect(ref, 1);
	for (i = 0; i != ARRAY_SIZE(sizes); i++) {
		for (j = 0; j != ARRAY_SIZE(lens); j++) {
			__u32 len = lens[j];
			size_t copy = len < sizeof(ref) ? len : sizeof(ref);

			info_prepare(buf, sizeof(buf), sizes[i], data, len);
			memset(data, PATTERN, sizeof(data));
			ASSERT_OK(ioctl(self->base.fd, FWCTL_INFO, buf));

			/* Every field has its defined value */
			memcpy(&got, buf, sizeof(got));
			ASSERT_EQ(sizes[i], got.size);
			ASSERT_EQ(0U, got.flags);
			ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK,
				  got.out_device_type);
			ASSERT_EQ(len ? FWCTL_MOCK_INFO_LEN : 0,
				  got.device_data_len);
			ASSERT_EQ((uintptr_t)data, got.out_device_data);
			/* The zero tail stays zero, nothing after it changes */
			if (sizes[i] > sizeof(got))
				ASSERT_TRUE(all_bytes(buf + sizeof(got), 0,
						      sizes[i] - sizeof(got)));
			ASSERT_TRUE(all_bytes(buf + sizes[i], PATTERN,
					      sizeof(buf) - sizes[i]));

			/* The data, zeros up to len, then the pattern */
			ASSERT_EQ(0, memcmp(data, ref, copy));
			ASSERT_TRUE(all_bytes(data + copy, 0, len - copy));
			ASSERT_TRUE(all_bytes(data + len, PATTERN,
					      sizeof(data) - len));
		}
	}

	/* A failed INFO writes nothing at all */
	info_prepare(buf, sizeof(buf), sizeof(got), data, 64);
	memset(data, PATTERN, sizeof(data));
	got.flags = 1;
	memcpy(buf + offsetof(struct fwctl_info, flags), &got.flags,
	       sizeof(got.flags));
	ASSERT_ERRNO(EOPNOTSUPP, ioctl(self->base.fd, FWCTL_INFO, buf));
	memcpy(&got, buf, sizeof(got));
	ASSERT_EQ(0U, got.out_device_type);
	ASSERT_EQ(64U, got.device_data_len);
	ASSERT_TRUE(all_bytes(buf + sizeof(got), PATTERN,
			      sizeof(buf) - sizeof(got)));
	ASSERT_TRUE(all_bytes(data, PATTERN, sizeof(data)));
}

/*
 * Send @in and check, for out buffers from empty to larger than the
 * response and for two struct sizes, that the struct comes back with every
 * field defined and nothing past size written, and the out buffer holds
 * exactly the first bytes of the response @exp of @exp_len bytes, then the
 * pattern. Bytes from @skip to @skip + @skip_len of the response are not
 * compared; they are returned in @last, the last full response.
 */
static void check_rpc_bytes(struct __test_metadata *_metadata, int fd,
			    __u32 scope, const void *in, __u32 in_len,
			    const __u8 *exp, __u32 exp_len, size_t skip,
			    size_t skip_len, __u8 *last)
{
	const __u32 out_lens[] = { 0, 1, 8, 15, 16, 17, 31, 32, 33, 64,
				   exp_len - 1, exp_len, exp_len + 100 };
	static const __u32 sizes[] = { sizeof(struct fwctl_rpc), 48 };
	size_t out_size = exp_len + 4096;
	struct fwctl_rpc cmd, got;
	__u8 sbuf[256];
	__u8 *out;
	size_t i, j, k, copy;

	out = malloc(out_size);
	ASSERT_NE(NULL, out);
	for (i = 0; i != ARRAY_SIZE(sizes); i++) {
		for (j = 0; j != ARRAY_SIZE(out_lens); j++) {
			if (out_lens[j] > exp_len + 100)
				continue;
			cmd = (struct fwctl_rpc){
				.size = sizes[i],
				.scope = scope,
				.in_len = in_len,
				.out_len = out_lens[j],
				.in = (uintptr_t)in,
				.out = (uintptr_t)out,
			};
			memset(sbuf, PATTERN, sizeof(sbuf));
			memcpy(sbuf, &cmd, sizeof(cmd));
			memset(sbuf + sizeof(cmd), 0, sizes[i] - sizeof(cmd));
			memset(out, PATTERN, out_size);

			ASSERT_OK(ioctl(fd, FWCTL_RPC, sbuf));

			memcpy(&got, sbuf, sizeof(got));
			ASSERT_EQ(sizes[i], got.size);
			ASSERT_EQ(scope, got.scope);
			ASSERT_EQ(in_len, got.in_len);
			ASSERT_EQ(exp_len, got.out_len);
			ASSERT_EQ((uintptr_t)in, got.in);
			ASSERT_EQ((uintptr_t)out, got.out);
			ASSERT_TRUE(all_bytes(sbuf + sizeof(cmd), 0,
					      sizes[i] - sizeof(cmd)));
			ASSERT_TRUE(all_bytes(sbuf + sizes[i], PATTERN,
					      sizeof(sbuf) - sizes[i]));

			copy = out_lens[j] < exp_len ? out_lens[j] : exp_len;
			for (k = 0; k != copy; k++) {
				if (k >= skip && k < skip + skip_len)
					continue;
				if (out[k] != exp[k])
					TH_LOG("out_len %u: byte %zu is %#x, not %#x",
					       out_lens[j], k, out[k], exp[k]);
				ASSERT_EQ(exp[k], out[k]);
			}
			ASSERT_TRUE(all_bytes(out + copy, PATTERN,
					      out_size - copy));
			if (last && copy == exp_len)
				memcpy(last, out, exp_len);
		}
	}
	free(out);
}

/*
 * Each mock command, answered in place or in a buffer of the driver's: the
 * response is exactly what the command defines, up to out_len and no
 * further, and the struct is written only up to size.
 */
TEST_F(hostile, rpc_no_kernel_bytes)
{
	static const __u32 log_lens[] = { 0, 1, 100, 4096 };
	static const __u32 echo_lens[] = { 0, 1, 100, 4096 - MOCK_HDR_LEN };
	struct fwctl_mock_query query = {
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.nr_objects = 0,
		.nr_regs = FWCTL_MOCK_NUM_REGS,
		.mem_size = FWCTL_MOCK_MEM_SIZE,
	};
	__u8 in[4096], exp[MOCK_RSP_LEN + 4096], last[MOCK_RSP_LEN + 4096];
	struct fwctl_mock_rsp rsp;
	__u64 reg = 0xfeedfacecafebeefULL;
	__u32 in_len;
	size_t i, j;
	__u64 sum;

	for (i = 0; i != sizeof(in); i++)
		in[i] = i * 7 + 0x3c;

	/*
	 * QUERY: longer than the request, so answered in place only when
	 * out_len makes room for it, else in a buffer of the driver's
	 */
	in_len = mock_build(in, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_QUERY, FWCTL_MOCK_STATUS_OK, sizeof(query),
		0);
	memcpy(exp + MOCK_RSP_LEN, &query, sizeof(query));
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
			in_len, exp, MOCK_RSP_LEN + sizeof(query), 0, 0, NULL);

	/* ECHO: in place, exactly the request */
	for (i = 0; i != ARRAY_SIZE(echo_lens); i++) {
		for (j = 0; j != sizeof(in); j++)
			in[j] = j * 7 + 0x3c;
		mock_build(in, FWCTL_MOCK_OP_ECHO, echo_lens[i], NULL, 0);
		in_len = MOCK_HDR_LEN + echo_lens[i];
		check_rpc_bytes(_metadata, self->base.fd,
				FWCTL_RPC_CONFIGURATION, in, in_len, in,
				in_len, 0, 0, NULL);
	}

	/* SUM: in place, shorter than the request */
	for (j = 0; j != sizeof(in); j++)
		in[j] = j * 7 + 0x3c;
	for (j = MOCK_HDR_LEN, sum = 0; j != 200; j++)
		sum += in[j];
	mock_build(in, FWCTL_MOCK_OP_SUM, 0, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_SUM, FWCTL_MOCK_STATUS_OK, 0, sum);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
			200, exp, MOCK_RSP_LEN, 0, 0, NULL);

	/* OBJ_CREATE: any id but zero; OBJ_DESTROY of a missing one */
	in_len = mock_build(in, FWCTL_MOCK_OP_OBJ_CREATE, 42, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_OBJ_CREATE, FWCTL_MOCK_STATUS_OK, 0, 0);
	memset(last, 0, sizeof(last));
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
			in_len, exp, MOCK_RSP_LEN,
			offsetof(struct fwctl_mock_rsp, value), sizeof(__u64),
			last);
	memcpy(&rsp, last, sizeof(rsp));
	ASSERT_NE(0ULL, rsp.value);
	in_len = mock_build(in, FWCTL_MOCK_OP_OBJ_DESTROY, 0, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_OBJ_DESTROY, FWCTL_MOCK_STATUS_NO_OBJECT, 0,
		0);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
			in_len, exp, MOCK_RSP_LEN, 0, 0, NULL);

	/* READ_LOG: header then fwctl_mock_log_byte() */
	for (i = 0; i != ARRAY_SIZE(log_lens); i++) {
		in_len = mock_build(in, FWCTL_MOCK_OP_READ_LOG, log_lens[i],
				    NULL, 0);
		put_rsp(exp, FWCTL_MOCK_OP_READ_LOG, FWCTL_MOCK_STATUS_OK,
			log_lens[i], 0);
		for (j = 0; j != log_lens[i]; j++)
			exp[MOCK_RSP_LEN + j] = fwctl_mock_log_byte(j);
		check_rpc_bytes(_metadata, self->base.fd,
				FWCTL_RPC_DEBUG_READ_ONLY, in, in_len, exp,
				MOCK_RSP_LEN + log_lens[i], 0, 0, NULL);
	}

	/* Registers: WRITE_REG returns the old value, READ_REG the new one */
	test_fw_status(FWCTL_MOCK_STATUS_OK, self->base.fd,
		       FWCTL_RPC_DEBUG_WRITE, FWCTL_MOCK_OP_WRITE_REG, 5, &reg,
		       sizeof(reg));
	in_len = mock_build(in, FWCTL_MOCK_OP_WRITE_REG, 5, &reg, sizeof(reg));
	put_rsp(exp, FWCTL_MOCK_OP_WRITE_REG, FWCTL_MOCK_STATUS_OK, 0, reg);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_DEBUG_WRITE, in,
			in_len, exp, MOCK_RSP_LEN, 0, 0, NULL);
	in_len = mock_build(in, FWCTL_MOCK_OP_READ_REG, 5, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_READ_REG, FWCTL_MOCK_STATUS_OK, 0, reg);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
			in, in_len, exp, MOCK_RSP_LEN, 0, 0, NULL);
	in_len = mock_build(in, FWCTL_MOCK_OP_READ_REG, FWCTL_MOCK_NUM_REGS,
			    NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_READ_REG, FWCTL_MOCK_STATUS_BAD_ARG, 0, 0);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
			in, in_len, exp, MOCK_RSP_LEN, 0, 0, NULL);

	/* POKE: the number of bytes written */
	mock_build(in, FWCTL_MOCK_OP_POKE, 8, NULL, 0);
	in_len = MOCK_HDR_LEN + 40;
	put_rsp(exp, FWCTL_MOCK_OP_POKE, FWCTL_MOCK_STATUS_OK, 0, 40);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_DEBUG_WRITE_FULL,
			in, in_len, exp, MOCK_RSP_LEN, 0, 0, NULL);

	/* PEEK: the bytes the POKE wrote */
	in_len = mock_build(in, FWCTL_MOCK_OP_PEEK, FWCTL_MOCK_PEEK_ARG(8, 40),
			    NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_PEEK, FWCTL_MOCK_STATUS_OK, 40, 8);
	memcpy(exp + MOCK_RSP_LEN, in + MOCK_HDR_LEN, 40);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_DEBUG_READ_ONLY,
			in, in_len, exp, MOCK_RSP_LEN + 40, 0, 0, NULL);

	/* SLEEP: a bare header; @value is not documented */
	in_len = mock_build(in, FWCTL_MOCK_OP_SLEEP, 0, NULL, 0);
	put_rsp(exp, FWCTL_MOCK_OP_SLEEP, FWCTL_MOCK_STATUS_OK, 0, 0);
	check_rpc_bytes(_metadata, self->base.fd, FWCTL_RPC_CONFIGURATION, in,
			in_len, exp, MOCK_RSP_LEN,
			offsetof(struct fwctl_mock_rsp, value), sizeof(__u64),
			NULL);
}

/* Misbehaving driver */

FIXTURE(misbehave)
{
	struct fwctl_base base;
	char path[PATH_MAX];
};

FIXTURE_VARIANT(misbehave)
{
	__u32 mode;
	/* The errno of FWCTL_RPC, or 0 if it works */
	int rpc_errno;
	/* The errno of FWCTL_INFO asking for device data, or 0 */
	int info_errno;
};

FIXTURE_VARIANT_ADD(misbehave, rpc_null)
{
	.mode = FWCTL_MOCK_RPC_NULL,
	.rpc_errno = EIO,
};

FIXTURE_VARIANT_ADD(misbehave, rpc_huge)
{
	.mode = FWCTL_MOCK_RPC_HUGE,
	.rpc_errno = EIO,
};

FIXTURE_VARIANT_ADD(misbehave, rpc_overrun_in_place)
{
	.mode = FWCTL_MOCK_RPC_OVERRUN_IN_PLACE,
	.rpc_errno = EIO,
};

/* Answers from vmalloc() and large kvmalloc() buffers work */
FIXTURE_VARIANT_ADD(misbehave, rpc_vmalloc)
{
	.mode = FWCTL_MOCK_RPC_VMALLOC,
};

FIXTURE_VARIANT_ADD(misbehave, rpc_kvmalloc_large)
{
	.mode = FWCTL_MOCK_RPC_KVMALLOC_LARGE,
};

FIXTURE_VARIANT_ADD(misbehave, rpc_timeout)
{
	.mode = FWCTL_MOCK_RPC_TIMEOUT,
	.rpc_errno = ETIMEDOUT,
};

FIXTURE_VARIANT_ADD(misbehave, info_error)
{
	.mode = FWCTL_MOCK_INFO_ERROR,
	.info_errno = EIO,
};

FIXTURE_VARIANT_ADD(misbehave, info_null)
{
	.mode = FWCTL_MOCK_INFO_NULL,
	.info_errno = EIO,
};

/* Device data from vmalloc() works, and is freed with the right call */
FIXTURE_VARIANT_ADD(misbehave, info_vmalloc)
{
	.mode = FWCTL_MOCK_INFO_VMALLOC,
};

FIXTURE_SETUP(misbehave)
{
	fwctl_base_setup(_metadata, &self->base, HOSTILE_FIRST_ID, 0);
	snprintf(self->path, sizeof(self->path), "%s/fwctl_mock.%u/misbehave",
		 MOCK_DEBUGFS, self->base.inst.id);
}

FIXTURE_TEARDOWN(misbehave)
{
	/* Leave the instance well behaved, whatever happened */
	if (path_exists(self->path))
		EXPECT_OK(write_u32(self->path, FWCTL_MOCK_BEHAVE));
	fwctl_base_teardown(_metadata, &self->base);
}

/*
 * One RPC with @out_len bytes of out buffer: it fails with @err, leaving the
 * struct and the out buffer alone, or works if @err is 0.
 */
static void misbehave_rpc(struct __test_metadata *_metadata, int fd,
			  __u16 opcode, __u32 payload_len, __u32 out_len,
			  int err)
{
	__u8 in[MOCK_HDR_LEN + 64], out[8192];
	/* A log longer than a page, so a response buffer spans pages */
	__u64 arg = opcode == FWCTL_MOCK_OP_READ_LOG ? 6000 : 7;
	struct fwctl_rpc cmd, copy;
	struct fwctl_mock_rsp rsp;
	__u8 payload[64];
	size_t i, copied;

	for (i = 0; i != sizeof(payload); i++)
		payload[i] = i ^ 0x5a;
	cmd = (struct fwctl_rpc){
		.size = sizeof(cmd),
		.scope = FWCTL_RPC_DEBUG_READ_ONLY,
		.in_len = mock_build(in, opcode, arg, payload, payload_len),
		.out_len = out_len,
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
	};
	copy = cmd;
	memset(out, PATTERN, sizeof(out));
	if (!err) {
		ASSERT_OK(ioctl(fd, FWCTL_RPC, &cmd));
		ASSERT_LE(MOCK_RSP_LEN, cmd.out_len);
		copied = out_len < cmd.out_len ? out_len : cmd.out_len;
		/* Written up to the shorter length, and not one byte past */
		ASSERT_TRUE(all_bytes(out + copied, PATTERN,
				      sizeof(out) - copied));
		if (opcode == FWCTL_MOCK_OP_ECHO) {
			ASSERT_EQ(cmd.in_len, cmd.out_len);
			ASSERT_EQ(0, memcmp(in, out, copied));
			return;
		}
		if (copied >= MOCK_RSP_LEN) {
			memcpy(&rsp, out, sizeof(rsp));
			ASSERT_EQ(opcode, rsp.opcode);
			ASSERT_EQ(FWCTL_MOCK_STATUS_OK, rsp.status);
			ASSERT_EQ(cmd.out_len - MOCK_RSP_LEN, rsp.len);
		}
		if (opcode == FWCTL_MOCK_OP_READ_LOG)
			for (i = MOCK_RSP_LEN; i < copied; i++)
				ASSERT_EQ(fwctl_mock_log_byte(i - MOCK_RSP_LEN),
					  out[i]);
		return;
	}
	ASSERT_ERRNO(err, ioctl(fd, FWCTL_RPC, &cmd));
	ASSERT_EQ(0, memcmp(&copy, &cmd, sizeof(cmd)));
	ASSERT_TRUE(all_bytes(out, PATTERN, sizeof(out)));
}

/* FWCTL_INFO with @len bytes of buffer; with 0 the driver is not asked */
static void misbehave_info(struct __test_metadata *_metadata, int fd,
			   __u32 len, int err)
{
	struct fwctl_info cmd, copy;
	__u8 data[256];
	size_t i;

	cmd = (struct fwctl_info){
		.size = sizeof(cmd),
		.device_data_len = len,
		.out_device_data = (uintptr_t)data,
	};
	copy = cmd;
	memset(data, PATTERN, sizeof(data));
	if (!err || !len) {
		ASSERT_OK(ioctl(fd, FWCTL_INFO, &cmd));
		ASSERT_EQ((__u32)FWCTL_DEVICE_TYPE_MOCK, cmd.out_device_type);
		ASSERT_EQ(len ? FWCTL_MOCK_INFO_LEN : 0, cmd.device_data_len);
		if (!len)
			ASSERT_TRUE(all_bytes(data, PATTERN, sizeof(data)));
		/* The capability table after the header, then the pattern */
		for (i = sizeof(struct fwctl_info_mock); i < len; i++)
			ASSERT_EQ(fwctl_mock_info_byte(i - sizeof(struct fwctl_info_mock)),
				  data[i]);
		ASSERT_TRUE(all_bytes(data + len, PATTERN, sizeof(data) - len));
		return;
	}
	ASSERT_ERRNO(err, ioctl(fd, FWCTL_INFO, &cmd));
	ASSERT_EQ(0, memcmp(&copy, &cmd, sizeof(cmd)));
	ASSERT_TRUE(all_bytes(data, PATTERN, sizeof(data)));
}

/* Everything an FD does, with the errno the variant expects */
static void misbehave_calls(struct __test_metadata *_metadata, int fd,
			    int rpc_errno, int info_errno)
{
	static const __u32 out_lens[] = { 0, 16, 64, 4096 };
	size_t i;

	for (i = 0; i != ARRAY_SIZE(out_lens); i++) {
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_ECHO, 0,
			      out_lens[i], rpc_errno);
		/* A 40-byte request: inside the 64-byte slab bucket */
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_ECHO, 24,
			      out_lens[i], rpc_errno);
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_ECHO, 48,
			      out_lens[i], rpc_errno);
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_QUERY, 0,
			      out_lens[i], rpc_errno);
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_READ_LOG, 0,
			      out_lens[i], rpc_errno);
		misbehave_rpc(_metadata, fd, FWCTL_MOCK_OP_OBJ_CREATE, 0,
			      out_lens[i], rpc_errno);
	}
	misbehave_info(_metadata, fd, 0, info_errno);
	misbehave_info(_metadata, fd, 1, info_errno);
	misbehave_info(_metadata, fd, sizeof(struct fwctl_info_mock),
		       info_errno);
	misbehave_info(_metadata, fd, 64, info_errno);
	misbehave_info(_metadata, fd, 0, info_errno);
}

/*
 * Each way of breaking the driver API, on a fresh instance: the documented
 * errno, nothing leaked, and a working device once the driver behaves.
 */
TEST_F(misbehave, modes)
{
	struct fwctl_mock_query query;
	__u64 val = ULLONG_MAX;
	int fd2;

	if (!path_exists(self->path))
		TH_LOG("%s is missing: the mock cannot misbehave", self->path);
	ASSERT_TRUE(path_exists(self->path));
	ASSERT_OK(read_u64(self->path, &val));
	ASSERT_EQ((__u64)FWCTL_MOCK_BEHAVE, val);

	ASSERT_OK(write_u32(self->path, variant->mode));
	ASSERT_OK(read_u64(self->path, &val));
	ASSERT_EQ((__u64)variant->mode, val);

	/* An FD opened before the driver went bad, and one after */
	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	misbehave_calls(_metadata, self->base.fd, variant->rpc_errno,
			variant->info_errno);
	misbehave_calls(_metadata, fd2, variant->rpc_errno,
			variant->info_errno);
	test_counter("uctxs", self->base.uctxs + 2);
	ASSERT_OK(close(fd2));
	test_counter("uctxs", self->base.uctxs + 1);

	/* Well behaved again: everything works on the old FD and a new one */
	ASSERT_OK(write_u32(self->path, FWCTL_MOCK_BEHAVE));
	ASSERT_OK(read_u64(self->path, &val));
	ASSERT_EQ((__u64)FWCTL_MOCK_BEHAVE, val);
	fd2 = open(self->base.inst.node, O_RDWR);
	ASSERT_LE(0, fd2);
	misbehave_calls(_metadata, self->base.fd, 0, 0);
	misbehave_calls(_metadata, fd2, 0, 0);
	test_nr_objects(fd2, 4);
	ASSERT_OK(_test_cmd_query(self->base.fd, FWCTL_RPC_CONFIGURATION,
				  &query));
	ASSERT_OK(close(fd2));
	/* Only the objects of the FD still open are left */
	test_counter("objects", self->base.objects + query.nr_objects);
	test_counter("uctxs", self->base.uctxs + 1);
}

/* Tracepoints */

struct trace_ctx {
	char dir[64];
	char tracing_on[16];
};

static int trace_write(struct trace_ctx *t, const char *file, const char *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	return write_str(path, s, O_TRUNC);
}

/* Find or mount tracefs; false if the kernel has none */
static bool trace_available(struct trace_ctx *t)
{
	struct statfs sfs;

	snprintf(t->dir, sizeof(t->dir), "%s", TRACEFS);
	if (access(TRACEFS "/trace", F_OK) == 0)
		return true;
	if (statfs(TRACEFS, &sfs) == 0 && sfs.f_type != TRACEFS_MAGIC &&
	    !mount("tracefs", TRACEFS, "tracefs", 0, NULL) &&
	    access(TRACEFS "/trace", F_OK) == 0)
		return true;
	snprintf(t->dir, sizeof(t->dir), "%s/tracing", DEBUGFS_ROOT);
	return access(DEBUGFS_ROOT "/tracing/trace", F_OK) == 0;
}

/*
 * Read the trace and keep the fwctl events of process @pid, each line cut
 * to "event: fields", one after the other in @out.
 */
static int trace_collect(struct trace_ctx *t, pid_t pid, char *out,
			 size_t out_len, int *nr)
{
	char path[PATH_MAX], line[1024], tok[32];
	size_t used = 0;
	FILE *fp;

	*nr = 0;
	out[0] = 0;
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	snprintf(tok, sizeof(tok), " pid=%d ", pid);
	while (fgets(line, sizeof(line), fp)) {
		char *ev = strstr(line, ": fwctl_");

		if (line[0] == '#' || !ev || !strstr(ev, tok))
			continue;
		ev += 2;
		ev[strcspn(ev, "\n")] = 0;
		used += snprintf(out + used, out_len - used, "%s\n", ev);
		if (used >= out_len) {
			fclose(fp);
			return fail_errno(ENOSPC);
		}
		(*nr)++;
	}
	fclose(fp);
	return 0;
}

/* Enable the fwctl events on a clean buffer */
static void trace_start(struct __test_metadata *_metadata,
			struct trace_ctx *t)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/events/fwctl/enable", t->dir);
	if (!path_exists(path))
		TH_LOG("%s is missing: fwctl has no tracepoints", path);
	ASSERT_TRUE(path_exists(path));
	snprintf(path, sizeof(path), "%s/tracing_on", t->dir);
	ASSERT_OK(read_file(path, t->tracing_on, sizeof(t->tracing_on)));
	ASSERT_OK(trace_write(t, "trace", ""));
	ASSERT_OK(trace_write(t, "events/fwctl/enable", "1"));
	ASSERT_OK(trace_write(t, "tracing_on", "1"));
}

static void trace_stop(struct __test_metadata *_metadata, struct trace_ctx *t)
{
	EXPECT_OK(trace_write(t, "events/fwctl/enable", "0"));
	if (t->tracing_on[0])
		EXPECT_OK(trace_write(t, "tracing_on", t->tracing_on));
}

/* Whether each line of @got matches the fnmatch() pattern on that of @want */
static bool lines_match(const char *want, const char *got)
{
	char w[1024], g[1024];
	size_t wl, gl;

	while (*want && *got) {
		wl = strcspn(want, "\n");
		gl = strcspn(got, "\n");
		if (wl >= sizeof(w) || gl >= sizeof(g))
			return false;
		memcpy(w, want, wl);
		w[wl] = 0;
		memcpy(g, got, gl);
		g[gl] = 0;
		if (fnmatch(w, g, 0))
			return false;
		want += wl + !!want[wl];
		got += gl + !!got[gl];
	}
	return !*want && !*got;
}

/* Compare the fwctl events of this process with @want, one per line */
static void trace_check(struct __test_metadata *_metadata,
			struct trace_ctx *t, const char *want, int nr_want)
{
	static char got[16384];
	int nr;

	ASSERT_OK(trace_collect(t, getpid(), got, sizeof(got), &nr));
	EXPECT_OK(trace_write(t, "trace", ""));
	if (nr != nr_want || !lines_match(want, got))
		TH_LOG("trace records (%d):\n%s\nexpected (%d):\n%s", nr, got,
		       nr_want, want);
	ASSERT_EQ(nr_want, nr);
	ASSERT_TRUE(lines_match(want, got));
}

#define TRACE_MAX 8192

/* Append one expected record to @buf */
static __printf(3, 4) void trace_want(char *buf, int *nr, const char *fmt,
				      ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, TRACE_MAX - used, fmt, ap);
	va_end(ap);
	used = strlen(buf);
	snprintf(buf + used, TRACE_MAX - used, "\n");
	(*nr)++;
}

/*
 * Open, INFO, an RPC at each scope, failing ones, close: one record each,
 * naming the device, the process and what was asked, with the result.
 */
TEST_F(hostile, tracepoints)
{
	static char want[TRACE_MAX];
	const char *dev = self->base.inst.name;
	struct fwctl_info_mock info;
	struct trace_ctx t = {};
	__u8 in[MOCK_HDR_LEN + 16], out[256];
	char comm[32];
	__u64 reg = 77;
	int pid = getpid();
	__u32 out_len;
	int nr = 0;
	int fd;

	if (!trace_available(&t))
		SKIP(return, "no tracefs: the kernel has no tracing");
	ASSERT_OK(read_comm(comm, sizeof(comm)));
	want[0] = 0;
	trace_start(_metadata, &t);

	fd = open(self->base.inst.node, O_RDWR);
	trace_want(want, &nr, "fwctl_open: dev=%s pid=%d comm=%s ret=0", dev,
		   pid, comm);
	ASSERT_LE(0, fd);

	test_cmd_mock_info(fd, &info);
	/* The full length of the device data, which the call reports */
	trace_want(want, &nr,
		   "fwctl_info: dev=%s pid=%d comm=%s device_data_len=%u ret=0",
		   dev, pid, comm, FWCTL_MOCK_INFO_LEN);
	test_cmd_info(fd, NULL, NULL, &(__u32){ 0 });
	trace_want(want, &nr,
		   "fwctl_info: dev=%s pid=%d comm=%s device_data_len=0 ret=0",
		   dev, pid, comm);
	ASSERT_ERRNO(EOPNOTSUPP,
		     ioctl(fd, FWCTL_INFO, &(struct fwctl_info){
			     .size = sizeof(struct fwctl_info), .flags = 1 }));
	trace_want(want, &nr,
		   "fwctl_info: dev=%s pid=%d comm=%s device_data_len=0 ret=%d",
		   dev, pid, comm, -EOPNOTSUPP);

	/* One RPC at each scope */
	out_len = MOCK_RSP_LEN + sizeof(struct fwctl_mock_query);
	ASSERT_OK(_test_cmd_mock(fd, FWCTL_RPC_CONFIGURATION,
				 FWCTL_MOCK_OP_QUERY, 0, NULL, 0, out,
				 &out_len));
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=CONFIGURATION in_len=16 out_len=32 ret=0",
		   dev, pid, comm);
	/* A response longer than the buffer: its full length is reported */
	out_len = 64;
	ASSERT_OK(_test_cmd_mock(fd, FWCTL_RPC_DEBUG_READ_ONLY,
				 FWCTL_MOCK_OP_READ_LOG, 200, NULL, 0, out,
				 &out_len));
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=DEBUG_READ_ONLY in_len=16 out_len=216 ret=0",
		   dev, pid, comm);
	out_len = MOCK_RSP_LEN;
	ASSERT_OK(_test_cmd_mock(fd, FWCTL_RPC_DEBUG_WRITE,
				 FWCTL_MOCK_OP_WRITE_REG, 3, &reg, sizeof(reg),
				 out, &out_len));
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=DEBUG_WRITE in_len=24 out_len=16 ret=0",
		   dev, pid, comm);
	out_len = MOCK_RSP_LEN;
	ASSERT_OK(_test_cmd_mock(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				 FWCTL_MOCK_OP_POKE, 0, &reg, sizeof(reg), out,
				 &out_len));
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=DEBUG_WRITE_FULL in_len=24 out_len=16 ret=0",
		   dev, pid, comm);

	/* Failing: refused by the driver, and by the core */
	out_len = 0;
	ASSERT_ERRNO(EBADMSG, _test_cmd_mock(fd, FWCTL_RPC_CONFIGURATION,
					     FWCTL_MOCK_OP_WRITE_REG, 3, &reg,
					     sizeof(reg), NULL, &out_len));
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=CONFIGURATION in_len=24 out_len=0 ret=%d",
		   dev, pid, comm, -EBADMSG);
	out_len = 0;
	mock_build(in, FWCTL_MOCK_OP_ECHO, 0, NULL, 0);
	test_err_rpc(EMSGSIZE, fd, FWCTL_RPC_DEBUG_READ_ONLY, in,
		     FWCTL_MAX_RPC_LEN + 1, NULL, &out_len);
	trace_want(want, &nr,
		   "fwctl_rpc: dev=%s pid=%d comm=%s scope=DEBUG_READ_ONLY in_len=%u out_len=0 ret=%d",
		   dev, pid, comm, FWCTL_MAX_RPC_LEN + 1, -EMSGSIZE);

	ASSERT_OK(close(fd));
	trace_want(want, &nr, "fwctl_close: dev=%s pid=%d comm=%s", dev, pid,
		   comm);

	trace_stop(_metadata, &t);
	trace_check(_metadata, &t, want, nr);
}

/*
 * Ioctls the dispatcher refuses before a command runs are ioctls too: each
 * still leaves one record, with the errno.
 */
TEST_F(hostile, tracepoints_bad_struct)
{
	static char want[TRACE_MAX];
	const char *dev = self->base.inst.name;
	struct trace_ctx t = {};
	char comm[32];
	int pid = getpid();
	__u8 buf[64] = {};
	__u32 size;
	int nr = 0;

	if (!trace_available(&t))
		SKIP(return, "no tracefs: the kernel has no tracing");
	ASSERT_OK(read_comm(comm, sizeof(comm)));
	want[0] = 0;
	trace_start(_metadata, &t);

	/* Below the first version of the struct */
	size = 4;
	memcpy(buf, &size, sizeof(size));
	ASSERT_ERRNO(EINVAL, ioctl(self->base.fd, FWCTL_INFO, buf));
	trace_want(want, &nr, "fwctl_info: dev=%s pid=%d comm=%s * ret=%d",
		   dev, pid, comm, -EINVAL);
	size = 8;
	memcpy(buf, &size, sizeof(size));
	ASSERT_ERRNO(EINVAL, ioctl(self->base.fd, FWCTL_RPC, buf));
	trace_want(want, &nr, "fwctl_rpc: dev=%s pid=%d comm=%s * ret=%d",
		   dev, pid, comm, -EINVAL);
	/* Non-zero bytes past it */
	size = sizeof(buf);
	memcpy(buf, &size, sizeof(size));
	buf[sizeof(buf) - 1] = 1;
	ASSERT_ERRNO(E2BIG, ioctl(self->base.fd, FWCTL_RPC, buf));
	trace_want(want, &nr, "fwctl_rpc: dev=%s pid=%d comm=%s * ret=%d",
		   dev, pid, comm, -E2BIG);
	/* Not readable */
	ASSERT_ERRNO(EFAULT, ioctl(self->base.fd, FWCTL_INFO, NULL));
	trace_want(want, &nr, "fwctl_info: dev=%s pid=%d comm=%s * ret=%d",
		   dev, pid, comm, -EFAULT);

	trace_stop(_metadata, &t);
	trace_check(_metadata, &t, want, nr);
}

TEST_HARNESS_MAIN
