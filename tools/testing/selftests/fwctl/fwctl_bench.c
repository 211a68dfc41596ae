// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl_bench: what one fwctl RPC costs, measured against the fwctl_mock
 * driver, next to the floor of the ioctl path and user-space copies of the
 * same size. testbed/bench.sh (`make bench`) runs it on Debian's stock
 * kernel; BENCHMARKS.md explains the tables and keeps the last ones.
 *
 * A benchmark, not a test: it prints tables, evaluates the targets of
 * BENCHMARKS.md and exits 0 whatever the numbers are. It exits 1 only when
 * it cannot measure: no mock device, or an echo that does not come back
 * intact. A row whose calls did not return what they should is marked
 * INVALID.
 *
 * Every row is warmed up and calibrated, then timed in rounds of many
 * calls, the rounds of all rows interleaved; a row reports the median, min
 * and max over the rounds of the time per call. The user-space references
 * (glibc memcpy, and the copy and clear loops the kernel uses on a CPU
 * without ERMS or FSRM, such as QEMU's default model) run in the same
 * process, so that ratios do not depend on how fast the machine or the
 * emulator is.
 *
 *   fwctl_bench [-d /dev/fwctl/fwctlN] [-r ROUNDS] [-t ROUND_MS] [-q] [-n]
 *
 * -q is a quick smoke run (3 short rounds); -n skips the ftrace profile,
 * which needs tracefs and CONFIG_FUNCTION_GRAPH_TRACER.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/perf_event.h>

#include <fwctl/fwctl.h>
#include "../../../../drivers/fwctl/mock/fwctl_mock.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define PAGE 4096u
#define MAX_RPC_LEN (2 * MIB)
#define HDR_LEN ((__u32)sizeof(struct fwctl_mock_cmd))
/* Below the core's table of ioctls: rejected by its first check */
#define FWCTL_BAD_IOCTL _IO(FWCTL_TYPE, 0x7f)
/* Not an enum fwctl_rpc_scope: rejected before anything is allocated */
#define BAD_SCOPE 0x7f
#define MAX_ROUNDS 99
#define TRACEFS "/sys/kernel/tracing"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static unsigned int opt_rounds = 21;
static unsigned int opt_round_ms = 40;
static unsigned int opt_thread_ms = 100;
static bool opt_profile = true;
static const char *opt_dev;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "fwctl_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * Populated anonymous memory at @off_pages pages past a 2 MiB boundary.
 * Under TCG, where the buffer sits matters: the emulated TLB is indexed
 * by page number, and a copy between two buffers at the same offset from
 * a 2 MiB boundary (a 2 MiB mmap() is aligned to one, and so is the
 * kernel's 2 MiB buffer) thrashes it. Every buffer gets an offset of its
 * own; the alignment rows show what sharing one costs.
 */
static void *map_buf(size_t len, unsigned int off_pages)
{
	size_t span = len + 2 * MIB + (off_pages + 1) * PAGE;
	char *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		die("mmap");
	a = ((uintptr_t)p + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1);
	p = (char *)a + off_pages * PAGE;
	memset(p, 0x5a, len);
	return p;
}

static size_t page_up(size_t len)
{
	return (len + PAGE - 1) & ~(size_t)(PAGE - 1);
}

/*
 * Bytes the core's kvmalloc() of @len (above the largest kmalloc cache,
 * 8 KiB) takes from the page allocator, all of which a kernel with
 * init_on_alloc zeroes: a power-of-two number of pages.
 */
static size_t kmalloc_bytes(size_t len)
{
	size_t sz = PAGE;

	while (sz < len)
		sz *= 2;
	return sz;
}

#ifdef __x86_64__
/* The kernel's copy_user on a CPU without FSRM or ERMS: rep movsq */
static void copy_movsq(void *dst, const void *src, size_t len)
{
	size_t n = len / 8;

	asm volatile("rep movsq"
		     : "+D"(dst), "+S"(src), "+c"(n)
		     :
		     : "memory");
}

/* The kernel's clear_page_orig on a CPU without REP_GOOD: 8-byte stores */
static void clear_movq(void *dst, size_t len)
{
	size_t n = len / 64;

	if (!n)
		return;
	asm volatile("xorl %%eax, %%eax\n"
		     "1:\n"
		     "movq %%rax, 0(%0)\n"
		     "movq %%rax, 8(%0)\n"
		     "movq %%rax, 16(%0)\n"
		     "movq %%rax, 24(%0)\n"
		     "movq %%rax, 32(%0)\n"
		     "movq %%rax, 40(%0)\n"
		     "movq %%rax, 48(%0)\n"
		     "movq %%rax, 56(%0)\n"
		     "leaq 64(%0), %0\n"
		     "decq %1\n"
		     "jnz 1b\n"
		     : "+r"(dst), "+r"(n)
		     :
		     : "rax", "memory");
}
#else
/* Elsewhere the references are only libc's: the columns say x86 */
static void copy_movsq(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
	asm volatile("" : : "r"(dst) : "memory");
}

static void clear_movq(void *dst, size_t len)
{
	memset(dst, 0, len);
	asm volatile("" : : "r"(dst) : "memory");
}
#endif

enum op_kind {
	OP_ENOTTY,
	OP_INFO,
	OP_RPC,
	OP_MEMCPY,
	OP_MOVSQ,
	OP_CLEAR,
};

/* One thing to time: an ioctl with its expected result, or a copy */
struct bench_op {
	enum op_kind kind;
	int fd;
	/* The errno the ioctl has to fail with; 0 if it has to succeed */
	int want_errno;
	struct fwctl_info info;
	struct fwctl_rpc rpc;
	void *dst;
	void *src;
	size_t len;
	/* Calls that did not return what they should have */
	unsigned long bad;
	int bad_errno;
};

static void op_check(struct bench_op *op, int ret)
{
	if (op->want_errno ? ret == -1 && errno == op->want_errno : ret == 0)
		return;
	op->bad++;
	op->bad_errno = ret ? errno : 0;
}

static void op_run(struct bench_op *op, unsigned long n)
{
	unsigned long i;

	switch (op->kind) {
	case OP_ENOTTY:
		for (i = 0; i < n; i++)
			op_check(op, ioctl(op->fd, FWCTL_BAD_IOCTL, &op->info));
		break;
	case OP_INFO:
		for (i = 0; i < n; i++)
			op_check(op, ioctl(op->fd, FWCTL_INFO, &op->info));
		break;
	case OP_RPC:
		for (i = 0; i < n; i++)
			op_check(op, ioctl(op->fd, FWCTL_RPC, &op->rpc));
		break;
	case OP_MEMCPY:
		for (i = 0; i < n; i++) {
			memcpy(op->dst, op->src, op->len);
			/* The copy is used: the compiler may not drop it */
			asm volatile("" : : "r"(op->dst) : "memory");
		}
		break;
	case OP_MOVSQ:
		for (i = 0; i < n; i++)
			copy_movsq(op->dst, op->src, op->len);
		break;
	case OP_CLEAR:
		for (i = 0; i < n; i++)
			clear_movq(op->dst, op->len);
		break;
	}
}

/* Nanoseconds per call over the rounds */
struct result {
	double med;
	double min;
	double max;
	bool valid;
	/* Per round, in the order run, to pair with other rows' rounds */
	double raw[MAX_ROUNDS];
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Fill in med, min and max from the opt_rounds values in raw */
static void summarize(struct result *res)
{
	double v[MAX_ROUNDS];
	unsigned int n = opt_rounds;

	memcpy(v, res->raw, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	res->med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	res->min = v[0];
	res->max = v[n - 1];
}

/*
 * The ratio of two rows round by round: rows of one round ran close in
 * time, so a slow spell of the host touches both and mostly cancels out.
 */
static struct result paired(const struct result *num,
			    const struct result *den)
{
	struct result res = { .valid = num->valid && den->valid };
	unsigned int r;

	for (r = 0; r < opt_rounds; r++)
		res.raw[r] = den->raw[r] > 0 ? num->raw[r] / den->raw[r] : 0;
	summarize(&res);
	return res;
}

/*
 * Every row is registered first and timed later, round by round: round r
 * of every row runs before round r + 1 of any, so that a slow spell of the
 * host (the vCPUs are host threads) spreads over all rows instead of
 * skewing the few that ran during it.
 */
struct timed {
	struct bench_op op;
	struct result *res;
	unsigned long iters;
};

#define MAX_TIMED 64
static struct timed timed[MAX_TIMED];
static unsigned int nr_timed;

static void add_timed(const struct bench_op *op, struct result *res)
{
	if (nr_timed == MAX_TIMED) {
		fprintf(stderr, "fwctl_bench: too many rows\n");
		exit(1);
	}
	timed[nr_timed++] = (struct timed){ .op = *op, .res = res };
}

/* Warm up while doubling the batch until it takes an eighth of a round */
static unsigned long calibrate(struct bench_op *op)
{
	__u64 round_ns = opt_round_ms * 1000000ull, t;
	unsigned long n = 1, iters;

	for (;;) {
		t = now_ns();
		op_run(op, n);
		t = now_ns() - t;
		if (t >= round_ns / 8 || n >= 1ul << 26)
			break;
		n *= 2;
	}
	iters = t ? n * round_ns / t : n;
	return iters ? iters : 1;
}

static void run_timed(void)
{
	unsigned int i, r;
	__u64 t;

	for (i = 0; i < nr_timed; i++) {
		timed[i].iters = calibrate(&timed[i].op);
		timed[i].op.bad = 0;
	}
	for (r = 0; r < opt_rounds; r++) {
		for (i = 0; i < nr_timed; i++) {
			struct timed *tm = &timed[i];

			t = now_ns();
			op_run(&tm->op, tm->iters);
			tm->res->raw[r] = (double)(now_ns() - t) / tm->iters;
		}
	}
	for (i = 0; i < nr_timed; i++) {
		struct timed *tm = &timed[i];
		struct bench_op *op = &tm->op;

		summarize(tm->res);
		tm->res->valid = !op->bad;
		if (op->bad)
			fprintf(stderr,
				"fwctl_bench: %lu calls returned %s instead of %s\n",
				op->bad,
				op->bad_errno ? strerror(op->bad_errno) : "0",
				op->want_errno ? strerror(op->want_errno) : "0");
	}
}

/* The device */

static int dev_type(int fd)
{
	struct fwctl_info info = { .size = sizeof(info) };

	if (ioctl(fd, FWCTL_INFO, &info))
		return -1;
	return (int)info.out_device_type;
}

/* The first fwctl device whose type is the mock's */
static const char *find_mock(void)
{
	static char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd;

	d = opendir("/sys/class/fwctl");
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/fwctl/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (dev_type(fd) == FWCTL_DEVICE_TYPE_MOCK) {
			close(fd);
			closedir(d);
			return path;
		}
		close(fd);
	}
	closedir(d);
	return NULL;
}

/*
 * The mock runs each command through its emulated mailbox and firmware
 * worker, as a real driver does. What is timed here is the core, so have it
 * run them in the caller while the benchmark runs (fwctl_mock.N/direct).
 */
static bool mock_direct(bool on)
{
	char link[PATH_MAX], path[PATH_MAX + 64];
	const char *name = strrchr(opt_dev, '/');
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device",
		 name ? name + 1 : opt_dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	name = strrchr(link, '/');
	snprintf(path, sizeof(path), "/sys/kernel/debug/fwctl_mock/%s/direct",
		 name ? name + 1 : link);
	f = fopen(path, "w");
	if (!f)
		return false;
	fputs(on ? "Y\n" : "N\n", f);
	return fclose(f) == 0;
}

static int open_dev(void)
{
	int fd = open(opt_dev, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(opt_dev);
	return fd;
}

/* An RPC of @in_len bytes: a mock header (ECHO, @flags) and a pattern */
static void rpc_init(struct bench_op *op, int fd, void *in, void *out,
		     __u32 in_len, __u16 flags)
{
	struct fwctl_mock_cmd cmd = {
		.opcode = FWCTL_MOCK_OP_ECHO,
		.flags = flags,
	};
	unsigned char *p = in;
	__u32 i;

	for (i = HDR_LEN; i < in_len; i++)
		p[i] = (unsigned char)(i * 7 + 1);
	memcpy(in, &cmd, sizeof(cmd));
	*op = (struct bench_op){
		.kind = OP_RPC,
		.fd = fd,
		.rpc = {
			.size = sizeof(op->rpc),
			.scope = FWCTL_RPC_CONFIGURATION,
			.in_len = in_len,
			.out_len = in_len,
			.in = (__u64)(uintptr_t)in,
			.out = (__u64)(uintptr_t)out,
		},
		.len = in_len,
	};
}

/* One echo, checked byte for byte: the rows measure what they say */
static void echo_verify(struct bench_op *op)
{
	void *in = (void *)(uintptr_t)op->rpc.in;
	void *out = (void *)(uintptr_t)op->rpc.out;

	memset(out, 0, op->rpc.out_len);
	if (ioctl(op->fd, FWCTL_RPC, &op->rpc))
		die("echo RPC");
	if (op->rpc.out_len != op->rpc.in_len ||
	    memcmp(in, out, op->rpc.in_len)) {
		fprintf(stderr, "fwctl_bench: echo of %u bytes came back wrong\n",
			op->rpc.in_len);
		exit(1);
	}
}

/* The environment, so that a table can be read without its log */

static void kmsg_find(const char *key, char *out, size_t len)
{
	int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p, *e;

	snprintf(out, len, "unknown");
	if (n <= 0)
		return;
	buf = malloc(n + 1);
	if (!buf)
		return;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, n);
	if (n > 0) {
		buf[n] = 0;
		p = strstr(buf, key);
		if (p) {
			p += strlen(key);
			e = strchr(p, '\n');
			if (e)
				*e = 0;
			snprintf(out, len, "%s", p);
		}
	}
	free(buf);
}

static void read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	snprintf(out, len, "unknown");
	if (!f)
		return;
	if (fgets(out, len, f))
		out[strcspn(out, "\n")] = 0;
	fclose(f);
}

static void cpu_info(char *model, size_t mlen, char *flags, size_t flen)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool erms = false, fsrm = false;

	snprintf(model, mlen, "unknown");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *v = strchr(line, ':');

			if (!v)
				continue;
			v += 2;
			v[strcspn(v, "\n")] = 0;
			if (!strncmp(line, "model name", 10))
				snprintf(model, mlen, "%s", v);
			if (!strncmp(line, "flags", 5)) {
				erms = strstr(v, " erms");
				fsrm = strstr(v, " fsrm");
				break;
			}
		}
		fclose(f);
	}
	snprintf(flags, flen, "%s, %s", erms ? "erms" : "no erms",
		 fsrm ? "fsrm" : "no fsrm");
}

static void print_header(void)
{
	char model[256], flags[64], cs[64], init[256];
	struct utsname u;

	uname(&u);
	cpu_info(model, sizeof(model), flags, sizeof(flags));
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  cs, sizeof(cs));
	kmsg_find("mem auto-init: ", init, sizeof(init));
	printf("fwctl RPC benchmark\n");
	printf("  kernel %s, %ld CPUs online, clocksource %s\n", u.release,
	       sysconf(_SC_NPROCESSORS_ONLN), cs);
	printf("  CPU %s (%s)\n", model, flags);
	printf("  mem auto-init: %s\n", init);
	printf("  device %s; %u rounds of ~%u ms per row after warm-up;\n",
	       opt_dev, opt_rounds, opt_round_ms);
	printf("  times are ns per call: median [min .. max] over the rounds\n");
}

/* The tables */

static void fmt_size(char *buf, size_t len, size_t n)
{
	if (n >= MIB && !(n % MIB))
		snprintf(buf, len, "%zu MiB", n / MIB);
	else if (n >= KIB && !(n % KIB))
		snprintf(buf, len, "%zu KiB", n / KIB);
	else
		snprintf(buf, len, "%zu B", n);
}

static void print_row(const char *name, long in_len, struct result r,
		      double base)
{
	char len[16] = "-";

	if (in_len >= 0)
		snprintf(len, sizeof(len), "%ld", in_len);
	printf("  %-34s %8s %11.0f [%9.0f .. %9.0f]", name, len, r.med,
	       r.min, r.max);
	if (base > 0)
		printf(" %8.2f", r.med / base);
	printf("%s\n", r.valid ? "" : "  (INVALID: wrong result)");
}

static double mibps(size_t bytes, double ns)
{
	return ns > 0 ? bytes / ns * 1e9 / MIB : 0;
}

struct rpc_size {
	const char *name;
	const char *label;
	__u32 in_len;
};

static const struct rpc_size rpc_sizes[] = {
	{ "echo 0 B (header only)", "0 B", HDR_LEN },
	{ "echo 64 B", "64 B", HDR_LEN + 64 },
	{ "echo 4 KiB", "4 KiB", HDR_LEN + 4 * KIB },
	{ "echo 64 KiB", "64 KiB", HDR_LEN + 64 * KIB },
	{ "echo 1 MiB", "1 MiB", HDR_LEN + MIB },
	{ "echo 2 MiB (whole request)", "2 MiB total", MAX_RPC_LEN },
};

#define NR_SIZES ARRAY_SIZE(rpc_sizes)
/* Sizes from this index on get the bandwidth and the copy references */
#define FIRST_LARGE 3

/* The RPCs of one size: the echo and the ways to stop it halfway */
struct size_bench {
	struct bench_op echo;
	struct bench_op reject;
	struct bench_op scope;
	struct result r_echo;
	struct result r_reject;
	struct result r_scope;
	struct result r_memcpy;
	struct result r_movsq;
	struct result r_clear;
};

static struct size_bench sizes[NR_SIZES];

static void size_setup(struct size_bench *sb, int fd, __u32 in_len)
{
	size_t alloc = page_up(in_len);
	void *in = map_buf(alloc, 1), *out = map_buf(alloc, 3);
	void *in2 = map_buf(alloc, 5), *out2 = map_buf(alloc, 7);

	rpc_init(&sb->echo, fd, in, out, in_len, 0);
	echo_verify(&sb->echo);

	/* The mock refuses non-zero flags once the core has copied it all in */
	rpc_init(&sb->reject, fd, in2, out2, in_len, 1);
	sb->reject.want_errno = EINVAL;

	/* An unknown scope: refused before anything is allocated or copied */
	rpc_init(&sb->scope, fd, in2, out2, in_len, 1);
	sb->scope.rpc.scope = BAD_SCOPE;
	sb->scope.want_errno = EOPNOTSUPP;
}

/* Echo rows at a power-of-two in_len, beside the +16 B ones above */
struct order_bench {
	const char *name;
	__u32 in_len;
	unsigned int vs;
	struct result r;
};

static struct order_bench orders[] = {
	{ .name = "echo in_len 64 KiB", .in_len = 64 * KIB, .vs = 3 },
	{ .name = "echo in_len 1 MiB", .in_len = MIB, .vs = 4 },
};

#define NR_ORDERS ARRAY_SIZE(orders)

static struct result r_enotty, r_info;

/*
 * A 2 MiB echo and memcpy with the buffers at other offsets (in pages)
 * from a 2 MiB boundary: 0 is where the kernel's buffer sits. Shows how
 * much of a large copy's cost under TCG is the emulator's TLB.
 */
struct align_bench {
	unsigned int in_off;
	unsigned int out_off;
	struct result echo;
	struct result copy;
};

static struct align_bench aligns[] = {
	{ .in_off = 1, .out_off = 3 },
	{ .in_off = 0, .out_off = 3 },
	{ .in_off = 1, .out_off = 0 },
	{ .in_off = 0, .out_off = 0 },
};

static void bench_align(int fd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		void *in = map_buf(MAX_RPC_LEN, aligns[i].in_off);
		void *out = map_buf(MAX_RPC_LEN, aligns[i].out_off);
		struct bench_op op;

		rpc_init(&op, fd, in, out, MAX_RPC_LEN, 0);
		echo_verify(&op);
		add_timed(&op, &aligns[i].echo);
		op = (struct bench_op){
			.kind = OP_MEMCPY,
			.dst = out,
			.src = in,
			.len = MAX_RPC_LEN,
		};
		add_timed(&op, &aligns[i].copy);
	}
}

static void print_align(void)
{
	unsigned int i;

	printf("\n%-36s %12s %12s %12s\n",
	       "2 MiB by buffer placement (TCG TLB)", "echo ns", "memcpy ns",
	       "echo/memcpy");
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		char name[64];

		snprintf(name, sizeof(name), "in at +%u pages, out at +%u pages",
			 aligns[i].in_off, aligns[i].out_off);
		printf("  %-34s %12.0f %12.0f %11.0f%%\n", name,
		       aligns[i].echo.med, aligns[i].copy.med,
		       100 * aligns[i].copy.med / aligns[i].echo.med);
	}
	printf("  (offset from a 2 MiB boundary; the kernel's 2 MiB buffer is at +0;\n"
	       "   every other row of this benchmark uses distinct offsets)\n");
}

static void bench_floor(int fd)
{
	struct bench_op op = {
		.kind = OP_ENOTTY,
		.fd = fd,
		.want_errno = ENOTTY,
		.info = { .size = sizeof(op.info) },
	};

	add_timed(&op, &r_enotty);
	op.kind = OP_INFO;
	op.want_errno = 0;
	add_timed(&op, &r_info);
}

static void bench_sizes(int fd)
{
	struct bench_op ref;
	unsigned int i;

	for (i = 0; i < NR_SIZES; i++) {
		struct size_bench *sb = &sizes[i];

		size_setup(sb, fd, rpc_sizes[i].in_len);
		add_timed(&sb->echo, &sb->r_echo);
		add_timed(&sb->reject, &sb->r_reject);
		add_timed(&sb->scope, &sb->r_scope);
		if (i < FIRST_LARGE)
			continue;
		ref = (struct bench_op){
			.kind = OP_MEMCPY,
			.dst = (void *)(uintptr_t)sb->echo.rpc.out,
			.src = (void *)(uintptr_t)sb->echo.rpc.in,
			.len = sb->echo.len,
		};
		add_timed(&ref, &sb->r_memcpy);
		ref.kind = OP_MOVSQ;
		add_timed(&ref, &sb->r_movsq);
		ref.kind = OP_CLEAR;
		add_timed(&ref, &sb->r_clear);
	}
	for (i = 0; i < NR_ORDERS; i++) {
		struct bench_op op;
		size_t alloc = page_up(orders[i].in_len);

		rpc_init(&op, fd, map_buf(alloc, 1), map_buf(alloc, 3),
			 orders[i].in_len, 0);
		echo_verify(&op);
		add_timed(&op, &orders[i].r);
	}
}

static void print_sizes(void)
{
	double info = r_info.med;
	unsigned int i;

	printf("\n%-36s %8s %11s [%9s .. %9s] %8s\n", "floor and RPC echo",
	       "in_len", "ns median", "min", "max", "x INFO");
	print_row("ioctl ENOTTY (core's first check)", -1, r_enotty, info);
	print_row("FWCTL_INFO, device_data_len 0", -1, r_info, info);
	for (i = 0; i < NR_SIZES; i++)
		print_row(rpc_sizes[i].name, rpc_sizes[i].in_len,
			  sizes[i].r_echo, info);

	printf("\n%-36s %10s %14s %12s %16s %15s\n",
	       "bandwidth (in_len bytes per call)", "echo MiB/s",
	       "memcpy MiB/s", "echo/memcpy", "rep movsq MiB/s",
	       "8B-clear MiB/s");
	for (i = FIRST_LARGE; i < NR_SIZES; i++) {
		struct size_bench *sb = &sizes[i];
		__u32 len = rpc_sizes[i].in_len;

		printf("  %-34s %10.0f %14.0f %11.0f%% %16.0f %15.0f\n",
		       rpc_sizes[i].name, mibps(len, sb->r_echo.med),
		       mibps(len, sb->r_memcpy.med),
		       100 * sb->r_memcpy.med / sb->r_echo.med,
		       mibps(len, sb->r_movsq.med), mibps(len, sb->r_clear.med));
	}
	printf("  (user-space references in this process: glibc memcpy; rep movsq and\n"
	       "   8-byte stores, the kernel's copy_user and clear_page on this CPU model)\n");
}

static void print_phases(void)
{
	unsigned int i;

	printf("\n%-20s %7s %10s %11s %10s %9s %9s\n", "phases (ns median)",
	       "in_len", "bad scope", "drv reject", "echo", "in side",
	       "copy out");
	for (i = 0; i < NR_SIZES; i++) {
		struct size_bench *sb = &sizes[i];

		printf("  %-18s %7u %10.0f %11.0f %10.0f %9.0f %9.0f%s\n",
		       rpc_sizes[i].label, rpc_sizes[i].in_len,
		       sb->r_scope.med, sb->r_reject.med, sb->r_echo.med,
		       sb->r_reject.med - sb->r_scope.med,
		       sb->r_echo.med - sb->r_reject.med,
		       sb->r_scope.valid && sb->r_reject.valid ?
		       "" : "  (INVALID)");
	}
	printf("  bad scope: an unknown scope, EOPNOTSUPP before any allocation;\n"
	       "  drv reject: flags=1, which the mock refuses with EINVAL after the\n"
	       "  core allocated and copied the whole request in and took the lock;\n"
	       "  in side = drv reject - bad scope (alloc, zero, copy in, lock, driver,\n"
	       "  free); copy out = echo - drv reject (copy_to_user and the struct).\n");

	printf("\nallocation order (init_on_alloc zeroes every page kvmalloc takes)\n");
	for (i = 0; i < NR_ORDERS; i++) {
		struct size_bench *sb = &sizes[orders[i].vs];
		size_t a = kmalloc_bytes(orders[i].in_len);
		size_t b = kmalloc_bytes(rpc_sizes[orders[i].vs].in_len);
		char sa[16], sbuf[16];

		fmt_size(sa, sizeof(sa), a);
		fmt_size(sbuf, sizeof(sbuf), b);
		printf("  %-22s %8u  %7s allocated: %10.0f ns\n",
		       orders[i].name, orders[i].in_len, sa, orders[i].r.med);
		printf("  %-22s %8u  %7s allocated: %10.0f ns  (+%.0f ns for 16 B more;"
		       " user 8B-clear of %s: %.0f ns)\n",
		       "echo in_len +16 B", rpc_sizes[orders[i].vs].in_len, sbuf,
		       sb->r_echo.med, sb->r_echo.med - orders[i].r.med, sa,
		       sb->r_clear.med * a / rpc_sizes[orders[i].vs].in_len);
	}

	printf("\nmodel of a large echo: bad scope + 8B-clear of the allocation + 2 x rep movsq\n");
	for (i = FIRST_LARGE; i < NR_SIZES; i++) {
		struct size_bench *sb = &sizes[i];
		__u32 len = rpc_sizes[i].in_len;
		size_t a = kmalloc_bytes(len);
		double clear = sb->r_clear.med * a / len;
		double model = sb->r_scope.med + clear + 2 * sb->r_movsq.med;

		printf("  %-26s measured %10.0f  model %10.0f (%3.0f%%)",
		       rpc_sizes[i].name, sb->r_echo.med, model,
		       100 * model / sb->r_echo.med);
		printf(": clear %.0f, copies 2 x %.0f\n", clear, sb->r_movsq.med);
	}
}

/* Threads */

enum thr_work {
	TW_ECHO,
	TW_INFO,
	TW_ENOTTY,
};

struct thr {
	pthread_t tid;
	struct bench_op op;
	int *stop;
	pthread_barrier_t *bar;
	unsigned long calls;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;

	pthread_barrier_wait(t->bar);
	while (!__atomic_load_n(t->stop, __ATOMIC_RELAXED)) {
		op_run(&t->op, 32);
		t->calls += 32;
	}
	return NULL;
}

struct thr_row {
	const char *name;
	enum thr_work work;
	bool shared;
	struct result r[3];
};

static struct thr_row thr_rows[] = {
	{ .name = "echo 64 B, separate FDs", .work = TW_ECHO },
	{ .name = "echo 64 B, one shared FD", .work = TW_ECHO, .shared = true },
	{ .name = "FWCTL_INFO, separate FDs", .work = TW_INFO },
	{ .name = "ioctl ENOTTY, separate FDs", .work = TW_ENOTTY },
};

#define NR_THR_ROWS ARRAY_SIZE(thr_rows)
#define MAX_THREADS 4
static const unsigned int thr_counts[] = { 1, 2, MAX_THREADS };
static void *thr_in[MAX_THREADS], *thr_out[MAX_THREADS];

/* Calls per second of @n threads in one round of opt_thread_ms */
static double thread_round(struct thr_row *row, unsigned int n, int shared_fd,
			   bool *valid)
{
	struct timespec dur = {
		.tv_sec = opt_thread_ms / 1000,
		.tv_nsec = (opt_thread_ms % 1000) * 1000000l,
	};
	struct thr thr[MAX_THREADS];
	unsigned long calls = 0;
	pthread_barrier_t bar;
	unsigned int i;
	int stop = 0;
	__u64 t;

	pthread_barrier_init(&bar, NULL, n + 1);
	for (i = 0; i < n; i++) {
		int fd = row->shared ? shared_fd : open_dev();

		if (row->work == TW_ECHO) {
			if (!thr_in[i]) {
				thr_in[i] = map_buf(PAGE, 1 + 2 * i);
				thr_out[i] = map_buf(PAGE, 2 + 2 * i);
			}
			rpc_init(&thr[i].op, fd, thr_in[i], thr_out[i],
				 HDR_LEN + 64, 0);
		} else {
			thr[i].op = (struct bench_op){
				.kind = row->work == TW_INFO ? OP_INFO :
							       OP_ENOTTY,
				.fd = fd,
				.want_errno = row->work == TW_INFO ? 0 : ENOTTY,
				.info = { .size = sizeof(thr[i].op.info) },
			};
		}
		thr[i].stop = &stop;
		thr[i].bar = &bar;
		thr[i].calls = 0;
		/* Warm up */
		op_run(&thr[i].op, 1000);
		if (pthread_create(&thr[i].tid, NULL, thr_main, &thr[i]))
			die("pthread_create");
	}
	pthread_barrier_wait(&bar);
	t = now_ns();
	nanosleep(&dur, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(thr[i].tid, NULL);
		calls += thr[i].calls;
		if (thr[i].op.bad)
			*valid = false;
	}
	t = now_ns() - t;
	pthread_barrier_destroy(&bar);
	for (i = 0; i < n; i++)
		if (!row->shared)
			close(thr[i].op.fd);
	return calls * 1e9 / t;
}

/* Every row and thread count once per round, as run_timed() does */
static void run_threads(int fd)
{
	unsigned int i, j, r;

	for (i = 0; i < NR_THR_ROWS; i++)
		for (j = 0; j < ARRAY_SIZE(thr_counts); j++)
			thr_rows[i].r[j].valid = true;
	for (r = 0; r < opt_rounds; r++)
		for (i = 0; i < NR_THR_ROWS; i++)
			for (j = 0; j < ARRAY_SIZE(thr_counts); j++)
				thr_rows[i].r[j].raw[r] =
					thread_round(&thr_rows[i],
						     thr_counts[j], fd,
						     &thr_rows[i].r[j].valid);
	for (i = 0; i < NR_THR_ROWS; i++)
		for (j = 0; j < ARRAY_SIZE(thr_counts); j++)
			summarize(&thr_rows[i].r[j]);
}

static void print_threads(void)
{
	unsigned int i, j;

	printf("\n%-33s %2s %12s [%10s .. %10s] %7s %7s\n",
	       "threads (own in/out buffers each)", "n", "calls/s med", "min",
	       "max", "x 1", "paired");
	for (i = 0; i < NR_THR_ROWS; i++) {
		for (j = 0; j < ARRAY_SIZE(thr_counts); j++) {
			const struct result *one = &thr_rows[i].r[0];
			const struct result *r = &thr_rows[i].r[j];

			printf("  %-31s %2u %12.0f [%10.0f .. %10.0f] %7.2f %7.2f%s\n",
			       j ? "" : thr_rows[i].name, thr_counts[j],
			       r->med, r->min, r->max, r->med / one->med,
			       paired(r, one).med,
			       r->valid ? "" : "  (INVALID)");
		}
	}
	printf("  (x 1: ratio of medians to 1 thread; paired: median over the rounds\n"
	       "   of the ratio to the 1-thread run just before it)\n");
}

/* Hardware instruction counts, where the (virtual) CPU has a PMU */

static int perf_open(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static double perf_per_call(int pfd, struct bench_op *op, unsigned long n)
{
	__u64 a = 0, b = 0;

	op_run(op, 8);
	if (read(pfd, &a, sizeof(a)) != sizeof(a))
		return -1;
	op_run(op, n);
	if (read(pfd, &b, sizeof(b)) != sizeof(b))
		return -1;
	return (double)(b - a) / n;
}

static void run_perf(int fd)
{
	struct bench_op op = {
		.kind = OP_ENOTTY,
		.fd = fd,
		.want_errno = ENOTTY,
		.info = { .size = sizeof(op.info) },
	};
	int pfd = perf_open();

	printf("\ninstructions per call (perf_event_open, user + kernel)\n");
	if (pfd < 0) {
		printf("  unavailable: %s (TCG emulates no PMU counters);\n"
		       "  see the phases above and the ftrace profile below\n",
		       strerror(errno));
		return;
	}
	printf("  ioctl ENOTTY            %10.0f\n", perf_per_call(pfd, &op, 1000));
	op.kind = OP_INFO;
	op.want_errno = 0;
	printf("  FWCTL_INFO              %10.0f\n", perf_per_call(pfd, &op, 1000));
	printf("  echo 64 B               %10.0f\n",
	       perf_per_call(pfd, &sizes[1].echo, 1000));
	printf("  echo 2 MiB              %10.0f\n",
	       perf_per_call(pfd, &sizes[NR_SIZES - 1].echo, 8));
	close(pfd);
}

/* A function_graph profile of the ioctl, with ftrace */

static int tr_write(const char *file, const char *val, bool append)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Only these functions are traced (set_ftrace_filter), so the probes cost
 * little; time spent in functions not listed, the copy loops included,
 * shows as the self time of their traced caller.
 */
static const char *const trace_funcs[] = {
	"*:mod:fwctl",
	"*:mod:fwctl_mock",
	"__kvmalloc_node_noprof",
	"__kmalloc_node_noprof",
	"__kmalloc_large_node_noprof",
	"__kmalloc_noprof",
	"__kmalloc_cache_noprof",
	"__alloc_pages_noprof",
	"get_page_from_freelist",
	"post_alloc_hook",
	"kernel_init_pages*",
	"__vmalloc_node_range_noprof",
	"__memcg_kmem_charge_page",
	"__memcg_kmem_uncharge_page",
	"__memcg_slab_post_alloc_hook",
	"__memcg_slab_free_hook",
	"kvfree",
	"kfree",
	"vfree",
	"free_large_kmalloc",
	"__free_pages",
	"free_unref_page",
	"_copy_from_user",
	"_copy_to_user",
	"__check_object_size",
	"__check_heap_object",
	"down_read",
	"up_read",
	"security_file_ioctl",
};

#define NR_NODES 128

struct pnode {
	char name[64];
	int parent;
	unsigned int depth;
	double us;
	unsigned long calls;
};

struct profile {
	struct pnode node[NR_NODES];
	unsigned int nr;
	unsigned long roots;
};

static int pnode_get(struct profile *p, int parent, const char *name,
		     unsigned int depth)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		if (p->node[i].parent == parent &&
		    !strcmp(p->node[i].name, name))
			return i;
	if (p->nr == NR_NODES)
		return -1;
	p->node[p->nr] = (struct pnode){ .parent = parent, .depth = depth };
	snprintf(p->node[p->nr].name, sizeof(p->node[0].name), "%s", name);
	return p->nr++;
}

/*
 * Aggregate a function_graph trace by call path: every line is
 * "DURATION |  INDENT text", text being "f() {", "f();" or "} / * f * /".
 */
static void profile_parse(struct profile *p, FILE *f)
{
	int stack[64], sp = 0, base = -1, idx;
	char *line = NULL, *bar, *text;
	size_t cap = 0;
	char name[64];
	double us;

	while (getline(&line, &cap, f) > 0) {
		bar = strchr(line, '|');
		if (line[0] == '#' || !bar || strstr(line, "=>"))
			continue;
		text = bar + 1;
		while (*text == ' ')
			text++;
		if (base < 0)
			base = text - bar;
		us = strtod(line, NULL);
		if (*text == '}') {
			if (sp > 0) {
				idx = stack[--sp];
				if (idx >= 0)
					p->node[idx].us += us;
			}
			continue;
		}
		snprintf(name, sizeof(name), "%.*s",
			 (int)strcspn(text, " ("), text);
		if (!sp && strncmp(name, "fwctl_fops_ioctl", 16))
			continue;
		idx = pnode_get(p, sp ? stack[sp - 1] : -1, name, sp);
		if (idx >= 0)
			p->node[idx].calls++;
		if (!sp)
			p->roots++;
		if (strstr(text, ") {")) {
			if (sp < 64)
				stack[sp++] = idx;
		} else if (idx >= 0) {
			p->node[idx].us += us;
		}
	}
	free(line);
}

static void profile_print(struct profile *p, int parent, double root_us)
{
	unsigned int i, j;

	for (i = 0; i < p->nr; i++) {
		struct pnode *n = &p->node[i];
		double self = n->us;

		if (n->parent != parent)
			continue;
		for (j = 0; j < p->nr; j++)
			if (p->node[j].parent == (int)i)
				self -= p->node[j].us;
		printf("  %*s%-*s %10.2f %10.2f %6.1f%% %5.2f\n",
		       2 * n->depth, "", 36 - 2 * n->depth, n->name,
		       n->us / p->roots, self / p->roots,
		       root_us > 0 ? 100 * n->us / p->roots / root_us : 100,
		       (double)n->calls / p->roots);
		profile_print(p, i, root_us ? root_us : n->us / p->roots);
	}
}

static bool trace_setup(void)
{
	struct stat st;
	unsigned int i, ok = 0;

	if (stat(TRACEFS "/trace", &st))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (tr_write("tracing_on", "0", false) ||
	    tr_write("current_tracer", "nop", false))
		return false;
	tr_write("set_ftrace_filter", "", false);
	for (i = 0; i < ARRAY_SIZE(trace_funcs); i++)
		ok += !tr_write("set_ftrace_filter", trace_funcs[i], true);
	/* An empty filter would trace every function in the kernel */
	if (!ok || tr_write("set_graph_function", "fwctl_fops_ioctl", false))
		return false;
	if (tr_write("current_tracer", "function_graph", false))
		return false;
	tr_write("trace_options", "nofuncgraph-irqs", false);
	tr_write("trace_options", "nofuncgraph-cpu", false);
	tr_write("trace_options", "nofuncgraph-overhead", false);
	tr_write("trace_options", "funcgraph-tail", false);
	return true;
}

static void trace_teardown(void)
{
	tr_write("tracing_on", "0", false);
	tr_write("current_tracer", "nop", false);
	tr_write("set_graph_function", "", false);
	tr_write("set_ftrace_filter", "", false);
	tr_write("trace", "", false);
}

static void profile_op(const char *title, struct bench_op *op,
		       unsigned long n)
{
	static struct profile p;
	FILE *f;

	memset(&p, 0, sizeof(p));
	tr_write("trace", "", false);
	tr_write("tracing_on", "1", false);
	op_run(op, n);
	tr_write("tracing_on", "0", false);
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		return;
	profile_parse(&p, f);
	fclose(f);
	printf("\n  %s: %lu calls traced\n", title, p.roots);
	printf("  %-36s %10s %10s %7s %5s\n", "function (callees indented)",
	       "us/ioctl", "self us", "share", "calls");
	profile_print(&p, -1, 0);
}

static void run_profile(int fd)
{
	struct bench_op info = {
		.kind = OP_INFO,
		.fd = fd,
		.info = { .size = sizeof(info.info) },
	};

	printf("\nftrace function_graph profile of the ioctl: only the functions listed\n"
	       "in trace_funcs[] are traced, so self time includes untraced callees\n"
	       "(the copy loops, memset, clear_page); each traced call adds the probe's\n"
	       "own cost, about that of an empty function such as mock_cmd_echo\n");
	if (!trace_setup()) {
		printf("  unavailable: %s\n", strerror(errno));
		trace_teardown();
		return;
	}
	profile_op("FWCTL_INFO, device_data_len 0", &info, 200);
	profile_op("echo 64 B", &sizes[1].echo, 200);
	profile_op("echo 2 MiB", &sizes[NR_SIZES - 1].echo, 16);
	trace_teardown();
}

/* Targets: evaluated and printed, never enforced */
static void print_target(const char *name, const struct result *num,
			 const struct result *den, double scale, double goal,
			 bool at_most)
{
	struct result p = paired(num, den);
	double m = p.med * scale;
	bool met = at_most ? m <= goal : m >= goal;

	printf("  %-38s %7.2f %7.2f [%5.2f .. %5.2f]  %s\n", name,
	       num->med / den->med * scale, m, p.min * scale, p.max * scale,
	       met ? "met" : "MISSED");
}

static void print_targets(void)
{
	struct size_bench *big = &sizes[NR_SIZES - 1];

	printf("\n%-40s %7s %7s %16s\n", "targets (evaluated, not enforced)",
	       "medians", "paired", "[paired min..max]");
	print_target("echo 64 B / FWCTL_INFO <= 2", &sizes[1].r_echo, &r_info,
		     1, 2, true);
	print_target("2 MiB echo / memcpy bandwidth >= 0.40", &big->r_memcpy,
		     &big->r_echo, 1, 0.4, false);
	print_target("2 threads / 1, separate FDs >= 1.70", &thr_rows[0].r[1],
		     &thr_rows[0].r[0], 1, 1.7, false);
	printf("  (medians: ratio of the two rows' medians; paired: median over the\n"
	       "   rounds of the ratio within a round, which the verdict uses)\n");
}

static void help_exit(void)
{
	fprintf(stderr, "usage: %s [-d DEV] [-r ROUNDS] [-t ROUND_MS] [-q] [-n]\n",
		program_invocation_short_name);
	exit(2);
}

int main(int argc, char **argv)
{
	__u64 t0 = now_ns();
	int c, fd;

	while ((c = getopt(argc, argv, "d:r:t:qnh")) != -1) {
		switch (c) {
		case 'd':
			opt_dev = optarg;
			break;
		case 'r':
			opt_rounds = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt_round_ms = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			opt_rounds = 3;
			opt_round_ms = 20;
			opt_thread_ms = 50;
			break;
		case 'n':
			opt_profile = false;
			break;
		default:
			help_exit();
		}
	}
	if (!opt_rounds || opt_rounds > MAX_ROUNDS || !opt_round_ms)
		help_exit();
	if (!opt_dev)
		opt_dev = find_mock();
	if (!opt_dev) {
		fprintf(stderr, "fwctl_bench: no fwctl_mock device (load fwctl_mock)\n");
		return 1;
	}
	fd = open_dev();
	if (dev_type(fd) != FWCTL_DEVICE_TYPE_MOCK) {
		fprintf(stderr, "fwctl_bench: %s is not a fwctl_mock device\n",
			opt_dev);
		return 1;
	}

	print_header();
	/* Said, since it changes every RPC row */
	printf("  mock commands %s\n", mock_direct(true) ?
	       "run in the caller (direct): the core is timed" :
	       "go through the mock's mailbox: its costs are in every row");
	fflush(stdout);
	bench_floor(fd);
	bench_sizes(fd);
	bench_align(fd);
	run_timed();
	print_sizes();
	print_phases();
	print_align();
	fflush(stdout);
	run_threads(fd);
	print_threads();
	print_targets();
	fflush(stdout);
	run_perf(fd);
	if (opt_profile)
		run_profile(fd);
	mock_direct(false);
	printf("\nbench ran %.0f s\n", (now_ns() - t0) / 1e9);
	close(fd);
	return 0;
}
