// SPDX-License-Identifier: GPL-2.0-only
/*
 * Structure-aware fuzzer of the fwctl ioctls, run against the fwctl_mock
 * driver.
 *
 * Each iteration makes one random call: FWCTL_INFO, FWCTL_RPC or an ioctl
 * number that is not fwctl's. Struct sizes fall below, at and above the
 * struct, with zero or non-zero tails; flags, scopes and lengths take edge
 * and random values; pointers are NULL, unmapped, inaccessible, read-only,
 * kernel addresses, misaligned or straddle a hole; mock requests carry
 * random opcodes, flags, arguments and payload lengths.
 *
 * A model of the core's rules (the errno table in include/uapi/fwctl/fwctl.h)
 * and of the mock's documented commands gives, for each call, the set of
 * errno values it may fail with and whether it may succeed; any other
 * outcome is a failure. The model also knows every byte the call may write:
 * the struct up to its size, the response up to out_len, the device data
 * up to device_data_len. Everything else must keep the pattern it was
 * filled with.
 *
 * The cxl_fuzz tests do the same for the Features commands of a cxl_test
 * memdev's fwctl device, against a model of include/uapi/fwctl/cxl.h. They
 * skip without cxl_test, or fail with FWCTL_CXL_REQUIRED=1.
 *
 * Runs are reproducible: the seed comes from --seed=N or FWCTL_FUZZ_SEED,
 * FWCTL_FUZZ_ITERATIONS and FWCTL_FUZZ_SECONDS bound the run, and all three
 * are printed.
 */
#include "fwctl_cxl.h"

#include <assert.h>
#include <sys/mman.h>
#include <time.h>

#define FUZZ_FIRST_ID 1100

#define FUZZ_SEED_DEFAULT 0x6677637466757a7aULL
#define FUZZ_ITERATIONS_DEFAULT 20000
#define FUZZ_SECONDS_DEFAULT 40
/* Percentage of the iterations and time the unprivileged run gets */
#define FUZZ_NOBODY_SHARE 25
/* Failures described in full; the others are only counted */
#define FUZZ_MAX_REPORTS 20
/* Room for the errno values a fuzzer's model knows */
#define FUZZ_MAX_ERRNOS 16

/* What user buffers are filled with before each call */
#define PATTERN 0xa5
/* Bytes after what the kernel may write that are checked to be intact */
#define REDZONE 64

static __u64 fuzz_seed = FUZZ_SEED_DEFAULT;

/* How long a run may go, root's and nobody's together */
struct fuzz_budget {
	unsigned long iterations;
	double seconds;
};

static unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end)
		return def;
	return v;
}

/*
 * The budget FWCTL_FUZZ_ITERATIONS and FWCTL_FUZZ_SECONDS give, or
 * @iterations and @seconds
 */
static struct fuzz_budget fuzz_budget(unsigned long iterations,
				      unsigned long seconds)
{
	struct fuzz_budget b = {
		.iterations = env_ulong("FWCTL_FUZZ_ITERATIONS", iterations),
		.seconds = env_ulong("FWCTL_FUZZ_SECONDS", seconds),
	};

	return b;
}

/* The share of @b that nobody's run gets, or root's: the rest */
static struct fuzz_budget fuzz_share(struct fuzz_budget b, bool nobody)
{
	unsigned int pct = nobody ? FUZZ_NOBODY_SHARE :
				    100 - FUZZ_NOBODY_SHARE;

	b.iterations = b.iterations * pct / 100;
	b.seconds = b.seconds * pct / 100.0;
	return b;
}

/* In a child: become nobody, without capabilities; whether that worked */
static bool fuzz_become_nobody(struct __test_metadata *_metadata)
{
	EXPECT_OK(become_user(NOBODY, NOBODY));
	EXPECT_FALSE(cap_effective(CAP_SYS_RAWIO));
	return getuid() == NOBODY;
}

/* A deterministic generator, so that a seed replays the same run */
struct rng {
	__u64 state;
};

static __u64 rnd(struct rng *r)
{
	__u64 z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u32 rnd_below(struct rng *r, __u64 n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return rnd_below(r, 100) < percent;
}

static void rnd_fill(struct rng *r, __u8 *p, size_t len)
{
	__u64 v;

	while (len >= sizeof(v)) {
		v = rnd(r);
		memcpy(p, &v, sizeof(v));
		p += sizeof(v);
		len -= sizeof(v);
	}
	while (len--)
		*p++ = rnd(r);
}

/*
 * Memory the kernel is pointed at: the same pages mapped read-write and
 * read-only. The read-write view is followed by an inaccessible page, the
 * read-only one by a page that is not mapped at all. The test always writes
 * and checks through the read-write view.
 *
 * The views sit at fixed addresses from 8 GiB up, far from where mmap()
 * places mappings and far from the heap, each in a slot of its own: nothing
 * the test or libc maps later can land in the unmapped pages.
 */
#define FUZZ_SLOTS_START 0x200000000UL
#define FUZZ_SLOTS_END 0x400000000UL
#define FUZZ_SLOT (4UL << 20)

struct area {
	__u8 *rw;
	__u8 *ro;
	size_t len;
};

static unsigned long fuzz_next_slot = FUZZ_SLOTS_START;

/* Map @len bytes at the start of the next free slot */
static void *slot_map(size_t len, int prot, int flags, int fd)
{
	void *want, *p;

	while (fuzz_next_slot < FUZZ_SLOTS_END) {
		want = (void *)fuzz_next_slot;
		fuzz_next_slot += FUZZ_SLOT;
		p = mmap(want, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);
		if (p == want)
			return p;
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	return MAP_FAILED;
}

static int area_create(struct area *a, size_t len)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int memfd;
	void *p;

	memfd = memfd_create("fwctl_fuzz", MFD_CLOEXEC);
	if (memfd < 0)
		return -1;
	a->len = len;
	a->rw = MAP_FAILED;
	a->ro = MAP_FAILED;
	if (!ftruncate(memfd, len)) {
		a->rw = slot_map(len, PROT_READ | PROT_WRITE, MAP_SHARED,
				 memfd);
		a->ro = slot_map(len, PROT_READ, MAP_SHARED, memfd);
	}
	close(memfd);
	if (a->rw == MAP_FAILED || a->ro == MAP_FAILED)
		return -1;
	/* The guard page after the read-write view */
	p = mmap(a->rw + len, page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	return p == a->rw + len ? 0 : -1;
}

enum ptr_kind {
	PTR_NULL,
	PTR_LOW,
	PTR_KERNEL,
	PTR_NONCANONICAL,
	PTR_HOLE,
	PTR_GUARD,
	PTR_RW,
	PTR_RW_MISALIGNED,
	PTR_RW_STRADDLE,
	PTR_RO,
	PTR_RO_STRADDLE,
};

static const char *const ptr_names[] = {
	[PTR_NULL] = "null",
	[PTR_LOW] = "low",
	[PTR_KERNEL] = "kernel",
	[PTR_NONCANONICAL] = "noncanonical",
	[PTR_HOLE] = "unmapped",
	[PTR_GUARD] = "prot_none",
	[PTR_RW] = "rw",
	[PTR_RW_MISALIGNED] = "rw_misaligned",
	[PTR_RW_STRADDLE] = "rw_straddle",
	[PTR_RO] = "read_only",
	[PTR_RO_STRADDLE] = "ro_straddle",
};

/* A user pointer and what the kernel can do with the memory behind it */
struct ubuf {
	enum ptr_kind kind;
	__u8 *user;
	/* The same bytes through the read-write view; NULL if none */
	__u8 *rw;
	size_t readable;
	size_t writable;
};

/* The errno values the model knows; a call's allowed set is a mask */
static const int fuzz_errnos[] = {
	ENOTTY, EFAULT, EINVAL, E2BIG, EOPNOTSUPP, EMSGSIZE, EPERM, EBADMSG,
	ENOSPC,
};

static const char *const fuzz_errno_names[] = {
	"ENOTTY", "EFAULT", "EINVAL", "E2BIG", "EOPNOTSUPP", "EMSGSIZE",
	"EPERM", "EBADMSG", "ENOSPC",
};

static_assert(ARRAY_SIZE(fuzz_errnos) <= FUZZ_MAX_ERRNOS,
	      "more errno values than a run can count");

static unsigned int err_bit(int err)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(fuzz_errnos); i++)
		if (fuzz_errnos[i] == err)
			return 1U << i;
	return 0;
}

static void err_names(unsigned int mask, bool ok, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	if (ok)
		n += snprintf(buf + n, len - n, "success");
	for (i = 0; i != ARRAY_SIZE(fuzz_errnos) && n < len; i++)
		if (mask & (1U << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      fuzz_errno_names[i]);
	if (!n)
		snprintf(buf, len, "nothing");
}

/*
 * What a call may do: fail with one of @errs, or succeed if @may_succeed.
 * @runs says the mock executes the command once the core lets it through;
 * @ambiguous that the documentation leaves open whether it does.
 */
struct outcome {
	unsigned int errs;
	bool may_succeed;
	bool runs;
	bool ambiguous;
	/* The response if the command runs */
	size_t rsp_len;
	bool value_any;
};

/* One open FD and what the firmware holds for it */
struct fuzz_fd {
	int fd;
	__u32 uctx_id;
	__u64 ids[FWCTL_MOCK_MAX_OBJECTS];
	unsigned int nr_ids;
	/* The model no longer knows the FD's objects: reopen it */
	bool lost_track;
	unsigned int age;
};

/* A random mock request */
struct gen {
	__u16 opcode;
	__u16 flags;
	__u32 reserved;
	__u64 arg;
	__u32 payload_len;
};

/* The last call, for the failure report */
struct call {
	const char *what;
	unsigned long cmd;
	__u32 size;
	__u32 flags_or_scope;
	__u32 in_len;
	__u32 out_len;
	enum ptr_kind s_kind, i_kind, o_kind;
	bool dirty_tail;
	struct gen g;
};

/*
 * What a run of either fuzzer counts, in memory it shares with the child
 * that runs as nobody: calls, calls the model did not expect, calls that
 * worked, and those that failed with each errno the model knows; the
 * mock's FDs opened again, and CXL's device errors and Set Features that
 * changed the test feature.
 */
struct fuzz_stats {
	unsigned long iterations;
	unsigned long failures;
	unsigned long ok;
	unsigned long errs[FUZZ_MAX_ERRNOS];
	double elapsed;
	unsigned long reopens;
	unsigned long device_errors;
	unsigned long sets;
};

struct fuzz {
	struct rng rng;
	struct fuzz_budget budget;
	const char *node;
	bool rawio;
	size_t page;
	struct area sarea;
	struct area iarea;
	struct area oarea;
	__u8 *hole;
	/* The request as built, and the response the model expects */
	__u8 *req;
	__u8 *exp;
	__u8 *snap;
	/* The device data of the open FD */
	__u8 info[FWCTL_MOCK_INFO_LEN];
	__u64 regs[FWCTL_MOCK_NUM_REGS];
	bool regs_valid;
	/* The firmware memory, as POKE writes and PEEK reads it */
	__u8 mem[FWCTL_MOCK_MEM_SIZE];
	bool mem_valid;
	struct fuzz_fd m;
	struct call c;
	struct fuzz_stats *st;
	/* Set while an OBJ_CREATE burst is filling the FD up */
	unsigned int burst;
};

/* The mock's commands as documented in fwctl_mock.h */
#define PLEN_ANY (-1)
/* The documentation leaves the payload of SLEEP open */
#define PLEN_UNSPECIFIED (-2)

struct op_desc {
	bool valid;
	__u32 min_scope;
	int payload_len;
};

static const struct op_desc op_descs[] = {
	[FWCTL_MOCK_OP_QUERY] = { true, FWCTL_RPC_CONFIGURATION, 0 },
	[FWCTL_MOCK_OP_ECHO] = { true, FWCTL_RPC_CONFIGURATION, PLEN_ANY },
	[FWCTL_MOCK_OP_SUM] = { true, FWCTL_RPC_CONFIGURATION, PLEN_ANY },
	[FWCTL_MOCK_OP_OBJ_CREATE] = { true, FWCTL_RPC_CONFIGURATION, 0 },
	[FWCTL_MOCK_OP_OBJ_DESTROY] = { true, FWCTL_RPC_CONFIGURATION, 0 },
	[FWCTL_MOCK_OP_READ_LOG] = { true, FWCTL_RPC_DEBUG_READ_ONLY, 0 },
	[FWCTL_MOCK_OP_READ_REG] = { true, FWCTL_RPC_DEBUG_READ_ONLY, 0 },
	[FWCTL_MOCK_OP_WRITE_REG] = { true, FWCTL_RPC_DEBUG_WRITE, 8 },
	[FWCTL_MOCK_OP_POKE] = { true, FWCTL_RPC_DEBUG_WRITE_FULL, PLEN_ANY },
	[FWCTL_MOCK_OP_SLEEP] = { true, FWCTL_RPC_CONFIGURATION,
				  PLEN_UNSPECIFIED },
	[FWCTL_MOCK_OP_PEEK] = { true, FWCTL_RPC_DEBUG_READ_ONLY, 0 },
};

static const struct op_desc *op_desc(__u16 opcode)
{
	if (opcode >= ARRAY_SIZE(op_descs) || !op_descs[opcode].valid)
		return NULL;
	return &op_descs[opcode];
}

/* The scope a request needs: for WRITE_REG the register decides */
static __u32 op_scope(const struct op_desc *d, const struct fwctl_mock_cmd *cmd)
{
	if (cmd->opcode == FWCTL_MOCK_OP_WRITE_REG &&
	    cmd->arg >= FWCTL_MOCK_NUM_DEBUG_REGS)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	return d->min_scope;
}

#define MOCK_MAX_LOG_LEN (FWCTL_MAX_RPC_LEN - MOCK_RSP_LEN)

/* Whether PEEK's @arg names a range of the firmware memory */
static bool peek_range(__u64 arg, __u32 *off, __u32 *len)
{
	*off = arg;
	*len = arg >> 32;
	return *off <= FWCTL_MOCK_MEM_SIZE &&
	       *len <= FWCTL_MOCK_MEM_SIZE - *off;
}

/* What both fuzzers count and print */

/* The counts of a run, zeroed, shared with the children it forks */
static struct fuzz_stats *fuzz_stats_map(void)
{
	struct fuzz_stats *st;

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return NULL;
	memset(st, 0, sizeof(*st));
	return st;
}

/*
 * Count a call the model did not expect. The first FUZZ_MAX_REPORTS are
 * described: print the first line, "# fuzz: FAIL [cxl ]iteration N (seed=S
 * uid=U): " and @fmt, and return true for the caller to print the call.
 * @kind is "" for the mock, "cxl " for CXL.
 */
static bool fuzz_fail_head(struct fuzz_stats *st, const char *kind,
			   const char *fmt, va_list ap)
{
	char why[256];

	if (st->failures++ >= FUZZ_MAX_REPORTS)
		return false;
	vsnprintf(why, sizeof(why), fmt, ap);
	ksft_print_msg("fuzz: FAIL %siteration %lu (seed=%#llx uid=%u): %s\n",
		       kind, st->iterations, (unsigned long long)fuzz_seed,
		       getuid(), why);
	return true;
}

/*
 * The last lines of a run: "# fuzz: [cxl ]seed=S iterations=N ...", then
 * "# fuzz: [cxl ]outcomes " with @counts and the count of each of the @nr
 * errno values in @names, and the seed that replays a run with unexpected
 * calls, which fail the test. @kind is as for fuzz_fail_head().
 */
static void fuzz_summary(struct __test_metadata *_metadata, const char *kind,
			 const struct fuzz_stats *st, const char *counts,
			 const char *const *names, unsigned int nr)
{
	char line[512];
	unsigned int i;
	size_t n;

	ksft_print_msg("fuzz: %sseed=%#llx iterations=%lu elapsed=%.1fs uid=%u\n",
		       kind, (unsigned long long)fuzz_seed, st->iterations,
		       st->elapsed, getuid());
	n = snprintf(line, sizeof(line), "%s", counts);
	for (i = 0; i != nr && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%lu", names[i],
			      st->errs[i]);
	ksft_print_msg("fuzz: %soutcomes %s\n", kind, line);
	if (st->failures)
		ksft_print_msg("fuzz: replay with FWCTL_FUZZ_SEED=%#llx\n",
			       (unsigned long long)fuzz_seed);
	EXPECT_EQ(0UL, st->failures);
}

static void fuzz_report(struct fuzz *f, unsigned int errs, bool may_succeed,
			int ret, int err, const char *fmt, ...) __printf(6, 7);

/* Describe the failed call in one line, with what was allowed */
static void fuzz_report(struct fuzz *f, unsigned int errs, bool may_succeed,
			int ret, int err, const char *fmt, ...)
{
	struct call *c = &f->c;
	char allowed[160];
	va_list ap;
	bool more;

	va_start(ap, fmt);
	more = fuzz_fail_head(f->st, "", fmt, ap);
	va_end(ap);
	if (!more)
		return;
	err_names(errs, may_succeed, allowed, sizeof(allowed));
	ksft_print_msg("fuzz:   %s %#lx size=%u %s=%#x in_len=%u out_len=%u\n",
		       c->what, c->cmd, c->size,
		       c->cmd == FWCTL_INFO ? "flags" : "scope",
		       c->flags_or_scope, c->in_len, c->out_len);
	ksft_print_msg("fuzz:   pointers struct=%s in=%s out=%s%s\n",
		       ptr_names[c->s_kind], ptr_names[c->i_kind],
		       ptr_names[c->o_kind], c->dirty_tail ? " dirty-tail" : "");
	if (c->cmd == FWCTL_RPC)
		ksft_print_msg("fuzz:   op=%u flags=%#x rsvd=%#x arg=%#llx payload=%u\n",
			       c->g.opcode, c->g.flags, c->g.reserved,
			       (unsigned long long)c->g.arg,
			       c->g.payload_len);
	ksft_print_msg("fuzz:   got %s, allowed: %s\n",
		       ret ? strerror(err) : "success", allowed);
}

/* Pointer choice */

static void pick_buf(struct fuzz *f, struct area *a, size_t len,
		     struct ubuf *b)
{
	size_t page = f->page;
	__u32 r = rnd_below(&f->rng, 100);
	size_t off, k;

	memset(b, 0, sizeof(*b));
	if (r < 50)
		b->kind = PTR_RW;
	else if (r < 60)
		b->kind = PTR_RW_MISALIGNED;
	else if (r < 68)
		b->kind = PTR_RW_STRADDLE;
	else if (r < 76)
		b->kind = PTR_RO;
	else if (r < 80)
		b->kind = PTR_RO_STRADDLE;
	else
		b->kind = PTR_NULL + rnd_below(&f->rng, PTR_GUARD + 1);

	switch (b->kind) {
	case PTR_NULL:
		return;
	case PTR_LOW:
		b->user = (__u8 *)(uintptr_t)(8 + rnd_below(&f->rng, page));
		return;
	case PTR_KERNEL:
		b->user = (__u8 *)(uintptr_t)(chance(&f->rng, 50) ?
			  0xffff888000000000ULL : 0xffffffff81000000ULL);
		b->user += rnd_below(&f->rng, page);
		return;
	case PTR_NONCANONICAL:
		b->user = (__u8 *)(uintptr_t)(chance(&f->rng, 50) ?
			  0x8000000000000000ULL : 0x0000800000000000ULL);
		return;
	case PTR_HOLE:
		b->user = f->hole + rnd_below(&f->rng, page);
		return;
	case PTR_GUARD:
		b->user = a->rw + a->len + rnd_below(&f->rng, page);
		return;
	case PTR_RW:
	case PTR_RO:
		off = chance(&f->rng, 50) ? 0 : 8 * rnd_below(&f->rng, 64);
		break;
	case PTR_RW_MISALIGNED:
		off = 1 + rnd_below(&f->rng, page - 1);
		if (!(off & 7))
			off++;
		break;
	case PTR_RW_STRADDLE:
	case PTR_RO_STRADDLE:
	default:
		/*
		 * Fewer bytes than @len before the end of the view: the
		 * inaccessible page after the read-write view, the unmapped
		 * one after the read-only view
		 */
		k = len < a->len ? len : a->len;
		off = a->len - rnd_below(&f->rng, k);
		break;
	}
	b->rw = a->rw + off;
	b->readable = a->len - off;
	if (b->kind == PTR_RO || b->kind == PTR_RO_STRADDLE) {
		b->user = a->ro + off;
	} else {
		b->user = b->rw;
		b->writable = b->readable;
	}
}

/* The start of the read-write view */
static void tame_buf(struct area *a, struct ubuf *b)
{
	*b = (struct ubuf){
		.kind = PTR_RW,
		.user = a->rw,
		.rw = a->rw,
		.readable = a->len,
		.writable = a->len,
	};
}

/* Length choice: mostly @natural, sometimes an edge or a random value */
static __u32 pick_len(struct fuzz *f, __u32 natural)
{
	switch (rnd_below(&f->rng, 40)) {
	case 0:
		return 0;
	case 1:
		return 1 + rnd_below(&f->rng, MOCK_HDR_LEN);
	case 2:
		return rnd_below(&f->rng, 512);
	case 3:
		return FWCTL_MAX_RPC_LEN;
	case 4:
		return FWCTL_MAX_RPC_LEN + 1;
	case 5:
		if (chance(&f->rng, 50))
			return UINT32_MAX;
		return FWCTL_MAX_RPC_LEN + 2 +
		       rnd_below(&f->rng, UINT32_MAX - FWCTL_MAX_RPC_LEN - 2);
	case 6:
		return natural + 1 + rnd_below(&f->rng, 64);
	case 7:
		return rnd_below(&f->rng, natural);
	default:
		return natural;
	}
}

/* Struct size choice around the struct's real size @ksize */
static __u32 pick_size(struct fuzz *f, __u32 ksize)
{
	static const __u32 huge[] = { UINT32_MAX, 0x80000000, 0x10000, 4096 };

	switch (rnd_below(&f->rng, 16)) {
	case 0:
		return rnd_below(&f->rng, ksize);
	case 1:
		return ksize + 1 + rnd_below(&f->rng, 64);
	case 2:
		return ksize + rnd_below(&f->rng, 2 * f->page);
	case 3:
		return huge[rnd_below(&f->rng, ARRAY_SIZE(huge))];
	default:
		return ksize;
	}
}

/*
 * Lay the struct out at @sb: its first @klen bytes from @cmd, zeros up to
 * @size, maybe one non-zero byte among them, then the pattern. Returns
 * whether a non-zero byte the kernel can read lies past the struct, and
 * snapshots what was written into f->snap.
 */
static bool put_struct(struct fuzz *f, struct ubuf *sb, const void *cmd,
		       size_t klen, __u32 size, size_t *snap_len)
{
	size_t end = size > klen ? size : klen;
	size_t len, tail_end;
	bool dirty = false;

	*snap_len = 0;
	if (!sb->rw)
		return false;
	len = end + REDZONE < sb->readable ? end + REDZONE : sb->readable;
	memset(sb->rw, PATTERN, len);
	memcpy(sb->rw, cmd, klen < len ? klen : len);
	tail_end = size < len ? size : len;
	if (tail_end > klen) {
		memset(sb->rw + klen, 0, tail_end - klen);
		if (chance(&f->rng, 30)) {
			sb->rw[klen + rnd_below(&f->rng, tail_end - klen)] =
				1 + rnd_below(&f->rng, 255);
			dirty = true;
		}
	}
	memcpy(f->snap, sb->rw, len);
	*snap_len = len;
	return dirty;
}

/*
 * Fill the bytes at @b the kernel could write for a length of @len, which
 * is none beyond @max.
 */
static size_t fill_out(struct ubuf *b, __u64 len, __u64 max)
{
	size_t fill;

	if (!b->rw)
		return 0;
	fill = len > max ? 4 * REDZONE : len + REDZONE;
	if (fill > b->readable)
		fill = b->readable;
	memset(b->rw, PATTERN, fill);
	return fill;
}

/* The struct read by the dispatcher: EFAULT, EINVAL or E2BIG */
static unsigned int dispatch_errs(const struct ubuf *sb, __u32 size,
				  size_t ksize, bool dirty)
{
	unsigned int errs = 0;

	if (sb->readable < sizeof(__u32))
		return err_bit(EFAULT);
	if (size < ksize)
		return err_bit(EINVAL);
	if (sb->readable < size)
		errs |= err_bit(EFAULT);
	if (dirty)
		errs |= err_bit(E2BIG);
	return errs;
}

/* Mock requests */

static void gen_request(struct fuzz *f, struct gen *g)
{
	struct rng *r = &f->rng;
	__u32 v = rnd_below(r, 100);

	memset(g, 0, sizeof(*g));
	if (f->burst) {
		f->burst--;
		g->opcode = FWCTL_MOCK_OP_OBJ_CREATE;
		g->arg = rnd(r);
		return;
	}
	if (v < 90)
		g->opcode = FWCTL_MOCK_OP_QUERY +
			    rnd_below(r, FWCTL_MOCK_OP_LAST);
	else if (v < 93)
		g->opcode = 0;
	else if (v < 96)
		g->opcode = FWCTL_MOCK_OP_LAST + 1 + rnd_below(r, 4);
	else
		g->opcode = chance(r, 50) ? 0xffff : rnd(r);
	if (chance(r, 4))
		g->flags = 1 + rnd_below(r, 0xffff);
	if (chance(r, 4))
		g->reserved = 1 + rnd_below(r, UINT32_MAX);

	switch (g->opcode) {
	case FWCTL_MOCK_OP_ECHO:
	case FWCTL_MOCK_OP_SUM:
		g->arg = rnd(r);
		if (chance(r, 3))
			g->payload_len = rnd_below(r, MOCK_MAX_LOG_LEN + 1);
		else
			g->payload_len = rnd_below(r, 128);
		break;
	case FWCTL_MOCK_OP_OBJ_CREATE:
		g->arg = rnd(r);
		break;
	case FWCTL_MOCK_OP_OBJ_DESTROY:
		v = rnd_below(r, 10);
		if (v < 6 && f->m.nr_ids)
			g->arg = f->m.ids[rnd_below(r, f->m.nr_ids)];
		else if (v < 8)
			g->arg = rnd_below(r, 64);
		else
			g->arg = rnd(r);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		v = rnd_below(r, 100);
		if (v < 80)
			g->arg = rnd_below(r, 300);
		else if (v < 90)
			g->arg = rnd_below(r, 65536);
		else if (v < 93)
			g->arg = MOCK_MAX_LOG_LEN;
		else if (v < 96)
			g->arg = MOCK_MAX_LOG_LEN + 1;
		else
			g->arg = rnd(r);
		break;
	case FWCTL_MOCK_OP_READ_REG:
	case FWCTL_MOCK_OP_WRITE_REG:
		g->arg = chance(r, 90) ? rnd_below(r, FWCTL_MOCK_NUM_REGS + 2) :
					 rnd(r);
		if (g->opcode == FWCTL_MOCK_OP_WRITE_REG)
			g->payload_len = sizeof(__u64);
		break;
	case FWCTL_MOCK_OP_POKE:
		g->arg = chance(r, 90) ? rnd_below(r, FWCTL_MOCK_MEM_SIZE + 8) :
					 rnd(r);
		g->payload_len = rnd_below(r, FWCTL_MOCK_MEM_SIZE + 16);
		break;
	case FWCTL_MOCK_OP_PEEK:
		/* Offsets up to just past the end, lengths up to twice it */
		g->arg = rnd_below(r, FWCTL_MOCK_MEM_SIZE + 4);
		v = rnd_below(r, 2 * FWCTL_MOCK_MEM_SIZE);
		g->arg = FWCTL_MOCK_PEEK_ARG(g->arg, v);
		if (chance(r, 10))
			g->arg = rnd(r);
		break;
	case FWCTL_MOCK_OP_SLEEP:
		/* Short sleeps only: the run is bounded in time */
		v = rnd_below(r, 10);
		if (v < 6)
			g->arg = rnd_below(r, 2000);
		else if (v < 8)
			g->arg = FWCTL_MOCK_MAX_SLEEP_US + 1;
		else
			g->arg = FWCTL_MOCK_MAX_SLEEP_US + 1 +
				 rnd_below(r, UINT32_MAX);
		break;
	default:
		g->arg = rnd(r);
		break;
	}
	if (chance(r, 8))
		g->payload_len = rnd_below(r, 64);
}

/* Response length of a well-formed request, to size the out buffer */
static __u32 natural_out(const struct gen *g, __u32 in_len)
{
	__u32 off, len;

	switch (g->opcode) {
	case FWCTL_MOCK_OP_QUERY:
		return MOCK_RSP_LEN + sizeof(struct fwctl_mock_query);
	case FWCTL_MOCK_OP_ECHO:
		return in_len;
	case FWCTL_MOCK_OP_READ_LOG:
		if (g->arg <= MOCK_MAX_LOG_LEN)
			return MOCK_RSP_LEN + g->arg;
		return MOCK_RSP_LEN;
	case FWCTL_MOCK_OP_PEEK:
		return MOCK_RSP_LEN + (peek_range(g->arg, &off, &len) ? len : 0);
	default:
		return MOCK_RSP_LEN;
	}
}

static bool fuzz_holds(struct fuzz *f, __u64 id)
{
	unsigned int i;

	for (i = 0; i != f->m.nr_ids; i++)
		if (f->m.ids[i] == id)
			return true;
	return false;
}

/*
 * What the mock does with the request in f->req: refuse it with an errno,
 * or run it and answer with the response the model puts into f->exp.
 */
static void mock_expect(struct fuzz *f, __u32 in_len, __u32 scope,
			struct outcome *o)
{
	const struct op_desc *d;
	struct fwctl_mock_cmd cmd;
	__u8 *payload = f->req + MOCK_HDR_LEN;
	__u32 plen, off, len;
	__u64 sum;
	size_t i;

	if (in_len < MOCK_HDR_LEN) {
		o->errs |= err_bit(EINVAL);
		return;
	}
	memcpy(&cmd, f->req, sizeof(cmd));
	plen = in_len - MOCK_HDR_LEN;
	if (cmd.flags || cmd.__reserved)
		o->errs |= err_bit(EINVAL);
	d = op_desc(cmd.opcode);
	if (!d) {
		o->errs |= err_bit(EOPNOTSUPP);
		return;
	}
	if (scope < op_scope(d, &cmd))
		o->errs |= err_bit(EBADMSG);
	if (d->payload_len >= 0 && plen != (__u32)d->payload_len)
		o->errs |= err_bit(EINVAL);
	if (o->errs)
		return;
	if (d->payload_len == PLEN_UNSPECIFIED && plen) {
		o->errs |= err_bit(EINVAL);
		o->ambiguous = true;
	}

	o->runs = true;
	o->rsp_len = MOCK_RSP_LEN;
	switch (cmd.opcode) {
	case FWCTL_MOCK_OP_QUERY: {
		struct fwctl_mock_query q = {
			.fw_version = FWCTL_MOCK_FW_VERSION,
			.nr_objects = f->m.nr_ids,
			.nr_regs = FWCTL_MOCK_NUM_REGS,
			.mem_size = FWCTL_MOCK_MEM_SIZE,
		};

		put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, sizeof(q), 0);
		memcpy(f->exp + MOCK_RSP_LEN, &q, sizeof(q));
		o->rsp_len += sizeof(q);
		break;
	}
	case FWCTL_MOCK_OP_ECHO:
		memcpy(f->exp, f->req, in_len);
		o->rsp_len = in_len;
		break;
	case FWCTL_MOCK_OP_SUM:
		for (i = 0, sum = 0; i != plen; i++)
			sum += payload[i];
		put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, 0, sum);
		break;
	case FWCTL_MOCK_OP_OBJ_CREATE:
		if (f->m.nr_ids >= FWCTL_MOCK_MAX_OBJECTS) {
			o->runs = false;
			o->errs |= err_bit(ENOSPC);
			return;
		}
		put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, 0, 0);
		o->value_any = true;
		break;
	case FWCTL_MOCK_OP_OBJ_DESTROY:
		put_rsp(f->exp, cmd.opcode,
			fuzz_holds(f, cmd.arg) ? FWCTL_MOCK_STATUS_OK :
						 FWCTL_MOCK_STATUS_NO_OBJECT,
			0, 0);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		if (cmd.arg > MOCK_MAX_LOG_LEN) {
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_BAD_ARG,
				0, 0);
			break;
		}
		put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, cmd.arg, 0);
		for (i = 0; i != cmd.arg; i++)
			f->exp[MOCK_RSP_LEN + i] = fwctl_mock_log_byte(i);
		o->rsp_len += cmd.arg;
		break;
	case FWCTL_MOCK_OP_READ_REG:
	case FWCTL_MOCK_OP_WRITE_REG:
		if (cmd.arg >= FWCTL_MOCK_NUM_REGS)
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_BAD_ARG,
				0, 0);
		else
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, 0,
				f->regs[cmd.arg]);
		/* Registers another process wrote are not known */
		if (!f->regs_valid)
			o->value_any = true;
		break;
	case FWCTL_MOCK_OP_POKE:
		if (cmd.arg > FWCTL_MOCK_MEM_SIZE ||
		    plen > FWCTL_MOCK_MEM_SIZE - cmd.arg)
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_BAD_ARG,
				0, 0);
		else
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, 0,
				plen);
		break;
	case FWCTL_MOCK_OP_PEEK:
		if (!peek_range(cmd.arg, &off, &len)) {
			put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_BAD_ARG,
				0, 0);
			break;
		}
		put_rsp(f->exp, cmd.opcode, FWCTL_MOCK_STATUS_OK, len, off);
		memcpy(f->exp + MOCK_RSP_LEN, f->mem + off, len);
		o->rsp_len += len;
		break;
	case FWCTL_MOCK_OP_SLEEP:
	default:
		put_rsp(f->exp, cmd.opcode,
			cmd.arg > FWCTL_MOCK_MAX_SLEEP_US ?
			FWCTL_MOCK_STATUS_BAD_ARG : FWCTL_MOCK_STATUS_OK, 0, 0);
		/* What a SLEEP answers in @value is not documented */
		o->value_any = true;
		break;
	}
}

/* Update the model after a command that ran; @rsp is what was copied out */
static void mock_ran(struct fuzz *f, const __u8 *rsp, size_t copied)
{
	struct fwctl_mock_cmd cmd;
	struct fwctl_mock_rsp r;
	unsigned int i;
	__u32 plen;
	__u64 val;

	memcpy(&cmd, f->req, sizeof(cmd));
	switch (cmd.opcode) {
	case FWCTL_MOCK_OP_OBJ_CREATE:
		if (copied < MOCK_RSP_LEN) {
			/* The id never reached user space */
			f->m.lost_track = true;
			return;
		}
		memcpy(&r, rsp, sizeof(r));
		f->m.ids[f->m.nr_ids++] = r.value;
		break;
	case FWCTL_MOCK_OP_OBJ_DESTROY:
		for (i = 0; i != f->m.nr_ids; i++) {
			if (f->m.ids[i] == cmd.arg) {
				f->m.ids[i] = f->m.ids[--f->m.nr_ids];
				break;
			}
		}
		break;
	case FWCTL_MOCK_OP_WRITE_REG:
		if (cmd.arg < FWCTL_MOCK_NUM_REGS) {
			memcpy(&val, f->req + MOCK_HDR_LEN, sizeof(val));
			f->regs[cmd.arg] = val;
		}
		break;
	case FWCTL_MOCK_OP_POKE:
		plen = f->c.in_len - MOCK_HDR_LEN;
		if (cmd.arg <= FWCTL_MOCK_MEM_SIZE &&
		    plen <= FWCTL_MOCK_MEM_SIZE - cmd.arg)
			memcpy(f->mem + cmd.arg, f->req + MOCK_HDR_LEN, plen);
		break;
	default:
		break;
	}
}

/*
 * The struct's memory against f->snap: after a call that worked, nothing past
 * its first @klen bytes changed; after one that failed, nothing at all.
 */
static void check_snap(struct fuzz *f, const struct outcome *o,
		       const struct ubuf *sb, size_t klen, size_t snap_len,
		       int ret, int err)
{
	if (!sb->rw)
		return;
	if (!ret) {
		if (memcmp(sb->rw + klen, f->snap + klen, snap_len - klen))
			fuzz_report(f, o->errs, o->may_succeed, ret, err,
				    "bytes past the struct changed");
	} else if (memcmp(sb->rw, f->snap, snap_len)) {
		fuzz_report(f, o->errs, o->may_succeed, ret, err,
			    "the struct changed although the call failed");
	}
}

/* Check a call's result against the outcome; true if it was allowed */
static bool check_result(struct fuzz *f, const struct outcome *o, int ret,
			 int err)
{
	if (!ret && !o->may_succeed) {
		fuzz_report(f, o->errs, o->may_succeed, ret, err,
			    "unexpected success");
		return false;
	}
	if (ret && (ret != -1 || !(err_bit(err) & o->errs))) {
		fuzz_report(f, o->errs, o->may_succeed, ret, err,
			    "unexpected errno %d (%s)", err, strerror(err));
		return false;
	}
	if (ret)
		f->st->errs[__builtin_ctz(err_bit(err))]++;
	else
		f->st->ok++;
	return true;
}

/* One FWCTL_RPC */
static void fuzz_rpc(struct fuzz *f)
{
	struct fwctl_rpc cmd, got;
	struct ubuf sb, ib, ob;
	struct outcome o = {};
	size_t snap_len, fill, n, copy = 0;
	struct gen gen, *g = &gen;
	/* A burst fills the FD with objects: well-formed calls only */
	bool tame = f->burst;
	bool dirty;
	int ret, err;

	gen_request(f, g);
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = pick_size(f, sizeof(cmd));
	cmd.in_len = pick_len(f, MOCK_HDR_LEN + g->payload_len);
	cmd.out_len = pick_len(f, natural_out(g, cmd.in_len));
	if (tame) {
		cmd.size = sizeof(cmd);
		cmd.in_len = MOCK_HDR_LEN;
		cmd.out_len = MOCK_RSP_LEN;
		cmd.scope = FWCTL_RPC_CONFIGURATION;
	} else if (chance(&f->rng, 92)) {
		const struct op_desc *d = op_desc(g->opcode);

		cmd.scope = rnd_below(&f->rng, FWCTL_RPC_DEBUG_WRITE_FULL + 1);
		if (d && chance(&f->rng, 30))
			cmd.scope = d->min_scope;
	} else {
		cmd.scope = chance(&f->rng, 50) ?
			    FWCTL_RPC_DEBUG_WRITE_FULL + 1 +
			    rnd_below(&f->rng, 4) : rnd(&f->rng);
		if (cmd.scope <= FWCTL_RPC_DEBUG_WRITE_FULL)
			cmd.scope = UINT32_MAX;
	}

	pick_buf(f, &f->iarea, cmd.in_len, &ib);
	pick_buf(f, &f->oarea, cmd.out_len, &ob);
	pick_buf(f, &f->sarea, cmd.size, &sb);
	if (tame) {
		tame_buf(&f->iarea, &ib);
		tame_buf(&f->oarea, &ob);
		tame_buf(&f->sarea, &sb);
	}
	cmd.in = (uintptr_t)ib.user;
	cmd.out = (uintptr_t)ob.user;

	/* The request: header, payload, then whatever else in_len covers */
	n = cmd.in_len < ib.readable ? cmd.in_len : ib.readable;
	if (cmd.in_len > FWCTL_MAX_RPC_LEN && n > 4 * REDZONE)
		n = 4 * REDZONE;
	rnd_fill(&f->rng, f->req, n > MOCK_HDR_LEN ? n : MOCK_HDR_LEN);
	memcpy(f->req, &(struct fwctl_mock_cmd){
		.opcode = g->opcode,
		.flags = g->flags,
		.__reserved = g->reserved,
		.arg = g->arg,
	}, MOCK_HDR_LEN);
	if (ib.rw)
		memcpy(ib.rw, f->req, n);
	fill = fill_out(&ob, cmd.out_len, FWCTL_MAX_RPC_LEN);
	dirty = put_struct(f, &sb, &cmd, sizeof(cmd), cmd.size, &snap_len);

	f->c = (struct call){
		.what = "RPC", .cmd = FWCTL_RPC, .size = cmd.size,
		.flags_or_scope = cmd.scope, .in_len = cmd.in_len,
		.out_len = cmd.out_len, .s_kind = sb.kind, .i_kind = ib.kind,
		.o_kind = ob.kind, .dirty_tail = dirty, .g = *g,
	};

	/* The model, core first */
	o.errs = dispatch_errs(&sb, cmd.size, sizeof(cmd), dirty);
	if (!o.errs) {
		if (cmd.scope > FWCTL_RPC_DEBUG_WRITE_FULL)
			o.errs |= err_bit(EOPNOTSUPP);
		else if (cmd.scope == FWCTL_RPC_DEBUG_WRITE_FULL && !f->rawio)
			o.errs |= err_bit(EPERM);
		if (cmd.in_len > FWCTL_MAX_RPC_LEN ||
		    cmd.out_len > FWCTL_MAX_RPC_LEN)
			o.errs |= err_bit(EMSGSIZE);
		else if (cmd.in_len > ib.readable)
			o.errs |= err_bit(EFAULT);
	}
	if (!o.errs) {
		mock_expect(f, cmd.in_len, cmd.scope, &o);
		if (o.runs) {
			copy = cmd.out_len < o.rsp_len ? cmd.out_len :
							 o.rsp_len;
			if (copy > ob.writable || sb.writable < sizeof(cmd))
				o.errs |= err_bit(EFAULT);
			else
				o.may_succeed = true;
		}
	}

	ret = ioctl(f->m.fd, FWCTL_RPC, sb.user);
	err = ret ? errno : 0;
	if (!check_result(f, &o, ret, err)) {
		/* Whatever the kernel did, the model may be off now */
		f->m.lost_track = true;
		f->regs_valid = false;
		f->mem_valid = false;
		return;
	}

	/* The struct: written back on success only, and only up to size */
	if (sb.rw && !ret) {
		memcpy(&got, sb.rw, sizeof(got));
		if (got.size != cmd.size || got.scope != cmd.scope ||
		    got.in_len != cmd.in_len || got.in != cmd.in ||
		    got.out != cmd.out || got.out_len != o.rsp_len)
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "struct written back wrong: size=%u scope=%u in_len=%u out_len=%u (response %zu)",
				    got.size, got.scope, got.in_len,
				    got.out_len, o.rsp_len);
	}
	check_snap(f, &o, &sb, sizeof(cmd), snap_len, ret, err);

	/* The response: exactly the expected bytes, nothing past them */
	if (ob.rw && !ret) {
		if (o.value_any && copy > 8)
			memcpy(f->exp + 8, ob.rw + 8,
			       copy < MOCK_RSP_LEN ? copy - 8 : 8);
		if (memcmp(ob.rw, f->exp, copy))
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "response differs from the model");
		if (!all_bytes(ob.rw + copy, PATTERN, fill - copy))
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "bytes written past the response (%zu of %zu bytes copied)",
				    copy, (size_t)cmd.out_len);
	} else if (ob.rw && (err != EFAULT || !o.runs)) {
		if (!all_bytes(ob.rw, PATTERN, fill))
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "out buffer written although the call failed");
	}

	if (o.runs && !o.ambiguous) {
		if (!ret && copy >= MOCK_RSP_LEN &&
		    f->c.g.opcode == FWCTL_MOCK_OP_OBJ_CREATE) {
			struct fwctl_mock_rsp r;

			memcpy(&r, ob.rw, sizeof(r));
			if (!r.value || fuzz_holds(f, r.value))
				fuzz_report(f, o.errs, o.may_succeed, ret, err,
					    "object id %llu is zero or in use",
					    (unsigned long long)r.value);
		}
		mock_ran(f, ob.rw, ret ? 0 : copy);
	}
}

/* One FWCTL_INFO */
static void fuzz_info(struct fuzz *f)
{
	struct fwctl_info cmd, got;
	struct ubuf sb, db;
	struct outcome o = {};
	size_t snap_len, fill, copy;
	__u32 v = rnd_below(&f->rng, 10);
	bool dirty;
	int ret, err;

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = pick_size(f, sizeof(cmd));
	if (chance(&f->rng, 10))
		cmd.flags = chance(&f->rng, 50) ? 1U << rnd_below(&f->rng, 32) :
						  rnd(&f->rng);
	if (v < 2)
		cmd.device_data_len = 0;
	else if (v < 4)
		cmd.device_data_len = sizeof(struct fwctl_info_mock);
	else if (v < 6)
		cmd.device_data_len = FWCTL_MOCK_INFO_LEN - 2 +
				      rnd_below(&f->rng, 5);
	else
		cmd.device_data_len = pick_len(f, 1 + rnd_below(&f->rng, 64));

	pick_buf(f, &f->oarea, cmd.device_data_len, &db);
	pick_buf(f, &f->sarea, cmd.size, &sb);
	cmd.out_device_data = (uintptr_t)db.user;
	fill = fill_out(&db, cmd.device_data_len, UINT32_MAX);
	dirty = put_struct(f, &sb, &cmd, sizeof(cmd), cmd.size, &snap_len);

	f->c = (struct call){
		.what = "INFO", .cmd = FWCTL_INFO, .size = cmd.size,
		.flags_or_scope = cmd.flags, .out_len = cmd.device_data_len,
		.s_kind = sb.kind, .i_kind = PTR_NULL, .o_kind = db.kind,
		.dirty_tail = dirty,
	};

	o.errs = dispatch_errs(&sb, cmd.size, sizeof(cmd), dirty);
	if (!o.errs && cmd.flags)
		o.errs |= err_bit(EOPNOTSUPP);
	if (!o.errs) {
		if (cmd.device_data_len > db.writable ||
		    sb.writable < sizeof(cmd))
			o.errs |= err_bit(EFAULT);
		else
			o.may_succeed = true;
	}

	ret = ioctl(f->m.fd, FWCTL_INFO, sb.user);
	err = ret ? errno : 0;
	if (!check_result(f, &o, ret, err))
		return;

	if (sb.rw && !ret) {
		memcpy(&got, sb.rw, sizeof(got));
		if (got.size != cmd.size || got.flags ||
		    got.out_device_type != FWCTL_DEVICE_TYPE_MOCK ||
		    got.out_device_data != cmd.out_device_data ||
		    got.device_data_len !=
		    (cmd.device_data_len ? FWCTL_MOCK_INFO_LEN : 0))
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "struct written back wrong: size=%u flags=%#x type=%#x len=%u",
				    got.size, got.flags, got.out_device_type,
				    got.device_data_len);
	}
	check_snap(f, &o, &sb, sizeof(cmd), snap_len, ret, err);

	if (!db.rw || (ret && err == EFAULT))
		return;
	if (ret || !cmd.device_data_len) {
		if (!all_bytes(db.rw, PATTERN, fill))
			fuzz_report(f, o.errs, o.may_succeed, ret, err,
				    "device data written although %s",
				    ret ? "the call failed" : "its length was 0");
		return;
	}
	/* The data, zeros up to device_data_len, then nothing */
	copy = cmd.device_data_len < sizeof(f->info) ? cmd.device_data_len :
							 sizeof(f->info);
	if (memcmp(db.rw, f->info, copy) ||
	    !all_bytes(db.rw + copy, 0, cmd.device_data_len - copy) ||
	    !all_bytes(db.rw + cmd.device_data_len, PATTERN,
		       fill - cmd.device_data_len))
		fuzz_report(f, o.errs, o.may_succeed, ret, err,
			    "device data is not data, zeros up to %u, then untouched",
			    cmd.device_data_len);
}

/* An ioctl number that is not fwctl's, which must change nothing */
static void fuzz_bad_ioctl(struct fuzz *f)
{
	/* Types the VFS handles itself before the driver sees the ioctl */
	static const __u8 vfs_types[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	struct outcome o = { .errs = err_bit(ENOTTY) };
	unsigned long cmd;
	struct ubuf sb;
	size_t snap_len = 0, i;
	int ret, err;

	do {
		switch (rnd_below(&f->rng, 3)) {
		case 0:
			cmd = _IOC(rnd_below(&f->rng, 4), FWCTL_TYPE,
				   rnd_below(&f->rng, 256),
				   rnd_below(&f->rng, 1 << _IOC_SIZEBITS));
			break;
		case 1:
			cmd = _IO(FWCTL_TYPE, rnd_below(&f->rng, 256));
			break;
		default:
			cmd = (__u32)rnd(&f->rng);
			break;
		}
		for (i = 0; i != ARRAY_SIZE(vfs_types); i++)
			if (_IOC_TYPE(cmd) == vfs_types[i])
				cmd = FWCTL_INFO;
	} while (cmd == FWCTL_INFO || cmd == FWCTL_RPC);

	pick_buf(f, &f->sarea, 64, &sb);
	if (sb.rw) {
		snap_len = sb.readable < 256 ? sb.readable : 256;
		rnd_fill(&f->rng, sb.rw, snap_len);
		/* Often a valid-looking fwctl struct */
		if (chance(&f->rng, 50) && snap_len >= sizeof(__u32)) {
			__u32 size = chance(&f->rng, 50) ?
				     sizeof(struct fwctl_info) :
				     sizeof(struct fwctl_rpc);

			memcpy(sb.rw, &size, sizeof(size));
		}
		memcpy(f->snap, sb.rw, snap_len);
	}
	f->c = (struct call){
		.what = "ioctl", .cmd = cmd, .s_kind = sb.kind,
		.i_kind = PTR_NULL, .o_kind = PTR_NULL,
	};

	ret = ioctl(f->m.fd, cmd, sb.user);
	err = ret ? errno : 0;
	if (!check_result(f, &o, ret, err))
		return;
	if (sb.rw && memcmp(sb.rw, f->snap, snap_len))
		fuzz_report(f, o.errs, o.may_succeed, ret, err,
			    "memory changed by an unknown ioctl");
}

/* Learn the debug registers, which other runs may have written */
static int fuzz_sync_regs(struct fuzz *f)
{
	unsigned int i;

	for (i = 0; i != FWCTL_MOCK_NUM_REGS; i++)
		if (_test_cmd_read_reg(f->m.fd, i, &f->regs[i]))
			return -1;
	f->regs_valid = true;
	return 0;
}

/* Learn the firmware memory */
static int fuzz_sync_mem(struct fuzz *f)
{
	if (_test_cmd_peek(f->m.fd, 0, FWCTL_MOCK_MEM_SIZE, f->mem))
		return -1;
	f->mem_valid = true;
	return 0;
}

/*
 * Close the FD, after checking that the firmware agrees with the model on
 * the objects it holds, and open a fresh one.
 */
static int fuzz_reopen(struct fuzz *f)
{
	struct fwctl_mock_query query;
	struct fwctl_info_mock info;

	if (f->m.fd >= 0) {
		if (!f->m.lost_track) {
			if (_test_cmd_query(f->m.fd, FWCTL_RPC_CONFIGURATION,
					    &query))
				return -1;
			if (query.nr_objects != f->m.nr_ids) {
				ksft_print_msg("fuzz: FAIL FD has %u objects, model %u\n",
					       query.nr_objects, f->m.nr_ids);
				f->st->failures++;
			}
		}
		close(f->m.fd);
		f->st->reopens++;
	}
	memset(&f->m, 0, sizeof(f->m));
	f->m.fd = open(f->node, O_RDWR);
	if (f->m.fd < 0)
		return -1;
	if (_test_cmd_mock_info(f->m.fd, &info))
		return -1;
	f->m.uctx_id = info.uctx_id;
	mock_info_expect(f->info, info.uctx_id);
	if (!f->regs_valid && fuzz_sync_regs(f))
		return -1;
	if (!f->mem_valid && fuzz_sync_mem(f))
		return -1;
	return 0;
}

static bool hole_unmapped(struct fuzz *f)
{
	return msync(f->hole, f->page, MS_ASYNC) && errno == ENOMEM;
}

static int fuzz_init(struct fuzz *f, const char *node, __u64 seed)
{
	size_t big;

	memset(f, 0, sizeof(*f));
	f->m.fd = -1;
	f->page = sysconf(_SC_PAGESIZE);
	f->rng.state = seed;
	f->node = node;
	big = FWCTL_MAX_RPC_LEN + 2 * f->page;
	if (area_create(&f->sarea, 2 * f->page) ||
	    area_create(&f->iarea, big) || area_create(&f->oarea, big))
		return -1;
	f->req = malloc(big);
	f->exp = malloc(big);
	f->snap = malloc(2 * f->page + REDZONE);
	if (!f->req || !f->exp || !f->snap)
		return -1;
	f->st = fuzz_stats_map();
	if (!f->st)
		return -1;
	/* An unmapped page: the one after the read-only view of a slot */
	f->hole = f->iarea.ro + f->iarea.len;
	return hole_unmapped(f) ? 0 : fail_errno(EADDRINUSE);
}

/*
 * Run root's share of the budget, or nobody's if @nobody: its calls or its
 * time, whichever ends first
 */
static void fuzz_run(struct __test_metadata *_metadata, struct fuzz *f,
		     bool nobody)
{
	struct fuzz_budget b = fuzz_share(f->budget, nobody);
	double start = now_sec();
	char counts[128];
	__u32 v;

	f->rawio = cap_effective(CAP_SYS_RAWIO);
	EXPECT_TRUE(hole_unmapped(f));
	if (fuzz_reopen(f)) {
		EXPECT_OK(-1);
		return;
	}
	while (f->st->iterations < b.iterations &&
	       now_sec() - start < b.seconds) {
		if (f->m.lost_track || f->m.age++ > 100 + rnd_below(&f->rng, 800)) {
			if (fuzz_reopen(f)) {
				EXPECT_OK(-1);
				break;
			}
			/* Sometimes fill the new FD up to its limit */
			if (chance(&f->rng, 25))
				f->burst = FWCTL_MOCK_MAX_OBJECTS + 4;
		}
		v = rnd_below(&f->rng, 100);
		if (f->burst || v < 60)
			fuzz_rpc(f);
		else if (v < 88)
			fuzz_info(f);
		else
			fuzz_bad_ioctl(f);
		f->st->iterations++;
	}
	f->st->elapsed = now_sec() - start;
	EXPECT_TRUE(hole_unmapped(f));
	if (f->m.fd >= 0) {
		f->m.age = 0;
		EXPECT_OK(fuzz_reopen(f));
		close(f->m.fd);
		f->m.fd = -1;
	}

	snprintf(counts, sizeof(counts), "reopens=%lu failures=%lu ok=%lu",
		 f->st->reopens, f->st->failures, f->st->ok);
	fuzz_summary(_metadata, "", f->st, counts, fuzz_errno_names,
		     ARRAY_SIZE(fuzz_errnos));
}

FIXTURE(fwctl_fuzz)
{
	struct mock_inst inst;
	__u64 objects;
	__u64 uctxs;
	bool chmodded;
	struct fuzz f;
};

FIXTURE_SETUP(fwctl_fuzz)
{
	char why[256];

	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!mock_available(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_OK(fuzz_init(&self->f, self->inst.node, fuzz_seed));
	ASSERT_OK(mock_counter("objects", &self->objects));
	ASSERT_OK(mock_counter("uctxs", &self->uctxs));
	ASSERT_OK(mock_inst_add(&self->inst, FUZZ_FIRST_ID));
	self->f.budget = fuzz_budget(FUZZ_ITERATIONS_DEFAULT,
				     FUZZ_SECONDS_DEFAULT);
}

FIXTURE_TEARDOWN(fwctl_fuzz)
{
	__u64 val = ULLONG_MAX;

	if (!self->inst.name[0])
		return;
	if (self->chmodded)
		EXPECT_OK(chmod(self->inst.node, 0600));
	/* Everything the run opened and created is gone again */
	EXPECT_OK(mock_counter("objects", &val));
	EXPECT_EQ(self->objects, val);
	EXPECT_OK(mock_counter("uctxs", &val));
	EXPECT_EQ(self->uctxs, val);
	EXPECT_OK(mock_inst_remove(&self->inst));
}

TEST_F_TIMEOUT(fwctl_fuzz, root, 240)
{
	ASSERT_TRUE(cap_effective(CAP_SYS_RAWIO));
	fuzz_run(_metadata, &self->f, false);
}

/* nobody's run of fuzzer @arg, in a child */
static void fuzz_run_nobody(struct __test_metadata *_metadata, void *arg)
{
	struct fuzz *f = arg;

	/* A different stream than root's, from the same seed */
	f->rng.state = ~fuzz_seed;
	if (fuzz_become_nobody(_metadata))
		fuzz_run(_metadata, f, true);
}

/* The same as an unprivileged user, on a node anyone may open */
TEST_F_TIMEOUT(fwctl_fuzz, nobody, 120)
{
	struct stat st;

	ASSERT_OK(chmod(self->inst.node, 0666));
	self->chmodded = true;
	run_in_child(_metadata, fuzz_run_nobody, &self->f);
	EXPECT_LT(0UL, self->f.st->iterations);

	ASSERT_OK(chmod(self->inst.node, 0600));
	self->chmodded = false;
	ASSERT_OK(stat(self->inst.node, &st));
	ASSERT_EQ(0600U, st.st_mode & 07777);
}

/*
 * CXL: Features commands on the fwctl device of a cxl_test memdev, built
 * at random and mutated around every boundary the contract of
 * include/uapi/fwctl/cxl.h draws. A model of that contract, of the core's
 * checks before it and of cxl_test's test feature gives each call's one
 * errno, or its whole reply: the reported out_len, size, retval and the
 * data. Set Feature writes random values into the test feature; the model
 * follows it, and the teardown puts back the value of the probe.
 */
#define CXL_FUZZ_ITERATIONS_DEFAULT 10000
#define CXL_FUZZ_SECONDS_DEFAULT 20
#define CXL_FUZZ_IN_LEN 8192
/* Room for a Get Feature of the largest count, and a red zone */
#define CXL_FUZZ_OUT_LEN (CXL_GET_OUT_LEN(0xffff) + REDZONE)
#define CXL_FUZZ_MAX_FEATS 16
/* cxl_test's mailbox payload: more Set Feature data takes several parts */
#define CXL_MBOX_PAYLOAD 4096
/* How often the run reads the test feature back */
#define CXL_FUZZ_SYNC_EVERY 256

static const int cxl_fuzz_errnos[] = {
	EINVAL, EPERM, EMSGSIZE, EOPNOTSUPP, ENOMEM, E2BIG,
};

static const char *const cxl_fuzz_errno_names[] = {
	"EINVAL", "EPERM", "EMSGSIZE", "EOPNOTSUPP", "ENOMEM", "E2BIG",
};

static_assert(ARRAY_SIZE(cxl_fuzz_errnos) <= FUZZ_MAX_ERRNOS,
	      "more errno values than a run can count");

/* One call, as built */
struct cxl_call {
	struct fwctl_rpc_cxl_hdr hdr;
	__u32 scope;
	__u32 in_len;
	__u32 out_len;
};

/*
 * What the call must do: fail with @err, or work with a reply of @rep_len
 * bytes whose first @exp_len bytes are f->exp, and then leave the test
 * feature at @val. A device error is any non-zero retval with no data and
 * a reply of 16 bytes.
 */
struct cxl_outcome {
	int err;
	/* E2BIG is allowed too, besides the reply */
	bool or_e2big;
	__u32 rep_len;
	size_t exp_len;
	/* A device error may come instead of the reply */
	bool may_dev_err;
	/* Only a device error may come */
	bool dev_err;
	bool sets;
	__u32 val;
};

struct cxl_fuzz {
	struct rng rng;
	struct fuzz_budget budget;
	int fd;
	bool rawio;
	/* The device's feature list, read before the run */
	struct cxl_feat_entry ents[CXL_FUZZ_MAX_FEATS];
	unsigned int nr_ents;
	/* The test feature's value, as the model follows it */
	__u32 val;
	__u8 *in;
	__u8 *out;
	__u8 *exp;
	struct cxl_call c;
	struct fuzz_stats *st;
};

static void cxl_fuzz_report(struct cxl_fuzz *f, const struct cxl_outcome *o,
			    int ret, int err, const char *fmt, ...)
	__printf(5, 6);

static void cxl_fuzz_report(struct cxl_fuzz *f, const struct cxl_outcome *o,
			    int ret, int err, const char *fmt, ...)
{
	const struct cxl_call *c = &f->c;
	va_list ap;
	bool more;

	va_start(ap, fmt);
	more = fuzz_fail_head(f->st, "cxl ", fmt, ap);
	va_end(ap);
	if (!more)
		return;
	ksft_print_msg("fuzz:   opcode=%#x flags=%#x op_size=%#x reserved1=%#x\n",
		       c->hdr.opcode, c->hdr.flags, c->hdr.op_size,
		       c->hdr.reserved1);
	ksft_print_msg("fuzz:   scope=%u in_len=%u out_len=%u\n", c->scope,
		       c->in_len, c->out_len);
	ksft_print_msg("fuzz:   got %s, expected %s (reply %u bytes)\n",
		       ret ? strerror(err) : "success",
		       o->err ? strerror(o->err) : "success", o->rep_len);
}

/* The index of the listed feature with @uuid, or -1 */
static int cxl_fuzz_feat(const struct cxl_fuzz *f, const __u8 *uuid)
{
	unsigned int i;

	for (i = 0; i != f->nr_ents; i++)
		if (!memcmp(f->ents[i].uuid, uuid, sizeof(f->ents[i].uuid)))
			return i;
	return -1;
}

static void cxl_fuzz_uuid(struct cxl_fuzz *f, __u8 *uuid)
{
	__u32 v = rnd_below(&f->rng, 100);

	if (v < 70) {
		memcpy(uuid, cxl_test_feat_uuid, 16);
	} else if (v < 80) {
		memcpy(uuid, f->ents[rnd_below(&f->rng, f->nr_ents)].uuid, 16);
	} else if (v < 90) {
		/* One byte off the test feature's */
		memcpy(uuid, cxl_test_feat_uuid, 16);
		uuid[rnd_below(&f->rng, 16)] ^= 1 + rnd_below(&f->rng, 255);
	} else {
		rnd_fill(&f->rng, uuid, 16);
	}
}

/* Get Supported Features: @natural_out fits its whole reply */
static void cxl_gen_sup(struct cxl_fuzz *f, __u8 *p, __u32 *natural_out)
{
	struct cxl_mbox_get_sup_feats_in in = {};
	struct rng *r = &f->rng;
	unsigned int nr = f->nr_ents;
	static const __u32 counts[] = {
		0, 1, 7, 8, 47, 48, 49, 55, 56, 95, 96, 4096, UINT32_MAX,
	};
	__u32 count, start, n;
	__u32 v = rnd_below(r, 100);

	if (v < 40)
		count = CXL_ENTRY_LEN * rnd_below(r, nr + 2);
	else if (v < 50)
		count = CXL_ENTRY_LEN * rnd_below(r, nr + 2) +
			rnd_below(r, CXL_ENTRY_LEN);
	else if (v < 85)
		count = counts[rnd_below(r, ARRAY_SIZE(counts))];
	else if (v < 95)
		count = rnd_below(r, 0x10000);
	else
		count = rnd(r);

	v = rnd_below(r, 100);
	if (v < 65)
		start = 0;
	else if (v < 85)
		start = rnd_below(r, nr + 2);
	else if (v < 92)
		start = chance(r, 50) ? 0xffff : 0x8000;
	else
		start = rnd_below(r, 0x10000);

	in.count = htole32(count);
	in.start_idx = htole16(start);
	if (chance(r, 5))
		rnd_fill(r, in.reserved, sizeof(in.reserved));
	memcpy(p, &in, sizeof(in));
	n = start < nr ? count / CXL_ENTRY_LEN : 0;
	if (start < nr && n > nr - start)
		n = nr - start;
	*natural_out = CXL_SUP_OUT_LEN(n);
}

static void cxl_gen_get(struct cxl_fuzz *f, __u8 *p, __u32 *natural_out)
{
	struct cxl_mbox_get_feat_in in = {};
	struct rng *r = &f->rng;
	__u32 v = rnd_below(r, 100);
	__u16 count;

	cxl_fuzz_uuid(f, in.uuid);
	in.offset = htole16(v < 70 ? 0 : v < 90 ? rnd_below(r, 6) :
				rnd_below(r, 0x10000));
	v = rnd_below(r, 100);
	if (v < 45)
		count = CXL_TEST_FEAT_SIZE;
	else if (v < 65)
		count = rnd_below(r, 6);
	else if (v < 75)
		count = 0;
	else if (v < 85)
		count = rnd_below(r, 64);
	else if (v < 92)
		count = 0xffff;
	else
		count = rnd_below(r, 0x10000);
	in.count = htole16(count);
	in.selection = chance(r, 90) ? CXL_GET_FEAT_SEL_CURRENT_VALUE :
				       rnd_below(r, 256);
	memcpy(p, &in, sizeof(in));
	*natural_out = CXL_GET_OUT_LEN(count);
}

/* Set Feature: returns the payload size, with its data */
static __u32 cxl_gen_set(struct cxl_fuzz *f, __u8 *p, __u32 *natural_out)
{
	struct cxl_mbox_set_feat_hdr hdr = {};
	struct rng *r = &f->rng;
	__u32 v = rnd_below(r, 100);
	__u32 data_len;

	cxl_fuzz_uuid(f, hdr.uuid);
	if (v < 70)
		hdr.flags = htole32(CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER);
	else if (v < 90)
		hdr.flags = htole32(rnd_below(r, 16));
	else
		hdr.flags = htole32(rnd(r));
	hdr.offset = htole16(chance(r, 85) ? 0 : chance(r, 50) ?
			     rnd_below(r, 8) : rnd_below(r, 0x10000));
	hdr.version = chance(r, 85) ? CXL_TEST_FEAT_VERSION : rnd(r);
	if (chance(r, 5))
		rnd_fill(r, hdr.rsvd, sizeof(hdr.rsvd));

	v = rnd_below(r, 100);
	if (v < 65)
		data_len = CXL_TEST_FEAT_SIZE;
	else if (v < 80)
		data_len = rnd_below(r, 9);
	else if (v < 90)
		data_len = rnd_below(r, 128);
	else if (v < 96)
		/* Around the most one mailbox payload takes */
		data_len = CXL_MBOX_PAYLOAD - CXL_SET_FEAT_HDR_LEN - 2 +
			   rnd_below(r, 5);
	else
		data_len = rnd_below(r, CXL_FUZZ_IN_LEN -
				     sizeof(struct fwctl_rpc_cxl) -
				     CXL_SET_FEAT_HDR_LEN + 1);
	memcpy(p, &hdr, sizeof(hdr));
	rnd_fill(r, p + sizeof(hdr), data_len);
	*natural_out = chance(r, 50) ? CXL_SET_OUT_LEN : CXL_GET_OUT_LEN(4);
	return CXL_SET_FEAT_HDR_LEN + data_len;
}

/* Lengths: mostly what tools send, often just past or short of a limit */
static __u32 cxl_pick_in_len(struct cxl_fuzz *f, __u32 op_size)
{
	struct rng *r = &f->rng;
	__u64 tools = sizeof(struct fwctl_rpc_cxl) + (__u64)op_size;
	__u64 exact = CXL_REQ_HDR_LEN + (__u64)op_size;
	__u32 v = rnd_below(r, 100);

	if (v < 4)
		return chance(r, 50) ? UINT32_MAX :
		       FWCTL_MAX_RPC_LEN + 1 + rnd_below(r, 4096);
	if (exact > CXL_FUZZ_IN_LEN || v < 10)
		return rnd_below(r, CXL_FUZZ_IN_LEN + 1);
	if (v < 16)
		return rnd_below(r, CXL_REQ_HDR_LEN + 1);
	if (v < 26 && exact > CXL_REQ_HDR_LEN)
		return exact - 1 - rnd_below(r, exact - CXL_REQ_HDR_LEN < 4 ?
					      exact - CXL_REQ_HDR_LEN : 4);
	if (v < 40)
		return exact;
	if (v < 46 || tools > CXL_FUZZ_IN_LEN)
		return exact + rnd_below(r, CXL_FUZZ_IN_LEN - exact + 1);
	return tools;
}

static __u32 cxl_pick_out_len(struct cxl_fuzz *f, __u32 natural)
{
	struct rng *r = &f->rng;
	__u32 max = CXL_FUZZ_OUT_LEN - REDZONE;
	__u32 v = rnd_below(r, 100);

	if (natural > max)
		natural = max;
	if (v < 3)
		return chance(r, 50) ? UINT32_MAX :
		       FWCTL_MAX_RPC_LEN + 1 + rnd_below(r, 4096);
	if (v < 15)
		return natural > 8 ? natural - 1 - rnd_below(r, 8) : 0;
	if (v < 25)
		return rnd_below(r, 25);
	if (v < 32)
		return rnd_below(r, max + 1);
	if (v < 40)
		return natural + rnd_below(r, max - natural + 1);
	return natural;
}

/*
 * The model: the core's checks, then the driver's in the contract's
 * order, then what cxl_test's test feature answers.
 */
static void cxl_fuzz_expect(struct cxl_fuzz *f, struct cxl_outcome *o)
{
	const struct cxl_call *c = &f->c;
	const __u8 *p = f->in + CXL_REQ_HDR_LEN;
	struct fwctl_rpc_cxl_out_hdr out = {};
	int idx;

	memset(o, 0, sizeof(*o));
	o->val = f->val;
	if (c->in_len > FWCTL_MAX_RPC_LEN || c->out_len > FWCTL_MAX_RPC_LEN) {
		o->err = EMSGSIZE;
		return;
	}
	if (c->scope > FWCTL_RPC_DEBUG_WRITE_FULL) {
		o->err = EOPNOTSUPP;
		return;
	}
	if (c->scope == FWCTL_RPC_DEBUG_WRITE_FULL && !f->rawio) {
		o->err = EPERM;
		return;
	}
	o->err = EINVAL;
	if (c->in_len < CXL_REQ_HDR_LEN || c->hdr.flags || c->hdr.reserved1 ||
	    c->in_len < CXL_REQ_HDR_LEN + (__u64)c->hdr.op_size)
		return;

	switch (c->hdr.opcode) {
	case CXL_OP_GET_SUPPORTED_FEATURES: {
		struct cxl_mbox_get_sup_feats_in in;
		struct cxl_mbox_get_sup_feats_out_hdr sup = {};
		__u32 n, start;

		if (c->hdr.op_size != sizeof(in))
			return;
		memcpy(&in, p, sizeof(in));
		start = le16toh(in.start_idx);
		if (start >= f->nr_ents)
			return;
		n = le32toh(in.count) / CXL_ENTRY_LEN;
		if (n > f->nr_ents - start)
			n = f->nr_ents - start;
		out.size = CXL_SUP_HDR_LEN + n * CXL_ENTRY_LEN;
		sup.num_entries = htole16(n);
		sup.supported_feats = htole16(f->nr_ents);
		memcpy(f->exp + CXL_RSP_HDR_LEN, &sup, sizeof(sup));
		memcpy(f->exp + CXL_RSP_HDR_LEN + CXL_SUP_HDR_LEN,
		       &f->ents[start], n * CXL_ENTRY_LEN);
		o->rep_len = CXL_SUP_OUT_LEN(n);
		o->exp_len = CXL_RSP_HDR_LEN + out.size;
		break;
	}
	case CXL_OP_GET_FEATURE: {
		struct cxl_mbox_get_feat_in in;
		__le32 val = htole32(f->val);
		__u32 off, count;

		if (c->hdr.op_size != sizeof(in))
			return;
		memcpy(&in, p, sizeof(in));
		off = le16toh(in.offset);
		count = le16toh(in.count);
		/* The last byte read must have a 16-bit offset */
		if (!count || c->out_len < CXL_RSP_HDR_LEN + count ||
		    off + count > 0x10000)
			return;
		idx = cxl_fuzz_feat(f, in.uuid);
		if (idx < 0) {
			out.retval = CXL_RC_UNSUPPORTED;
		} else if (off + count > le16toh(f->ents[idx].get_feat_size)) {
			out.retval = CXL_RC_INPUT;
		} else if (in.selection != CXL_GET_FEAT_SEL_CURRENT_VALUE) {
			/* cxl_test's answer to another selection is open */
			out.size = count;
			o->may_dev_err = true;
			o->exp_len = CXL_RSP_HDR_LEN;
		} else {
			out.size = count;
			memcpy(f->exp + CXL_RSP_HDR_LEN, (__u8 *)&val + off,
			       count);
			o->exp_len = CXL_RSP_HDR_LEN + count;
		}
		o->rep_len = CXL_GET_OUT_LEN(out.size);
		if (!o->exp_len)
			o->exp_len = CXL_RSP_HDR_LEN;
		break;
	}
	case CXL_OP_SET_FEATURE: {
		struct cxl_mbox_set_feat_hdr hdr;
		__u32 data_len;
		__le32 val;

		if (c->hdr.op_size <= sizeof(hdr) ||
		    c->out_len < CXL_RSP_HDR_LEN)
			return;
		memcpy(&hdr, p, sizeof(hdr));
		data_len = c->hdr.op_size - sizeof(hdr);
		if (le16toh(hdr.offset) + data_len > 0x10000)
			return;
		idx = cxl_fuzz_feat(f, hdr.uuid);
		/* Only the test feature can be set: reset-time effect */
		if (idx || c->scope < FWCTL_RPC_DEBUG_WRITE)
			return;
		if (data_len > CXL_MBOX_PAYLOAD - sizeof(hdr)) {
			/* In parts, which cxl_test refuses */
			o->dev_err = true;
			o->or_e2big = true;
		} else if (hdr.offset || data_len != CXL_TEST_FEAT_SIZE) {
			out.retval = CXL_RC_INPUT;
		} else {
			memcpy(&val, p + sizeof(hdr), sizeof(val));
			o->sets = true;
			o->val = le32toh(val);
			/* Whether cxl_test checks the version is open */
			o->may_dev_err = hdr.version !=
					 f->ents[0].set_feat_ver;
		}
		o->rep_len = CXL_SET_OUT_LEN;
		o->exp_len = CXL_RSP_HDR_LEN;
		break;
	}
	default:
		return;
	}
	o->err = 0;
	memcpy(f->exp, &out, sizeof(out));
}

/* Build, make and check one call */
static void cxl_fuzz_one(struct cxl_fuzz *f)
{
	struct cxl_call *c = &f->c;
	struct rng *r = &f->rng;
	struct fwctl_rpc_cxl_out_hdr got;
	__u8 *p = f->in + CXL_REQ_HDR_LEN;
	__u32 natural_out, op_size, rep, v;
	struct cxl_outcome o;
	size_t fill, copy, cmp;
	int ret, err;

	memset(c, 0, sizeof(*c));
	v = rnd_below(r, 100);
	if (v < 30)
		c->hdr.opcode = CXL_OP_GET_SUPPORTED_FEATURES;
	else if (v < 60)
		c->hdr.opcode = CXL_OP_GET_FEATURE;
	else if (v < 85)
		c->hdr.opcode = CXL_OP_SET_FEATURE;
	else if (v < 90)
		c->hdr.opcode = CXL_OP_GET_SUPPORTED_FEATURES +
				rnd_below(r, 3) +
				((1 + rnd_below(r, 0xffff)) << 16);
	else if (v < 96)
		c->hdr.opcode = 0x04f8 + rnd_below(r, 16);
	else
		c->hdr.opcode = rnd(r);

	/* The payload of the command the low 16 bits name */
	memset(f->in, 0, CXL_FUZZ_IN_LEN);
	switch (c->hdr.opcode & 0xffff) {
	case CXL_OP_GET_SUPPORTED_FEATURES:
		op_size = CXL_GET_SUP_OP_SIZE;
		cxl_gen_sup(f, p, &natural_out);
		break;
	case CXL_OP_GET_FEATURE:
		op_size = CXL_GET_FEAT_OP_SIZE;
		cxl_gen_get(f, p, &natural_out);
		break;
	case CXL_OP_SET_FEATURE:
		op_size = cxl_gen_set(f, p, &natural_out);
		break;
	default:
		op_size = rnd_below(r, 64);
		rnd_fill(r, p, op_size);
		natural_out = rnd_below(r, 128);
		break;
	}

	v = rnd_below(r, 100);
	if (v < 4)
		op_size = rnd_below(r, 64);
	else if (v < 8)
		op_size = op_size + 1 - 2 * chance(r, 50);
	else if (v < 11)
		op_size = chance(r, 50) ? UINT32_MAX - rnd_below(r, 32) :
					  rnd(r);
	c->hdr.op_size = op_size;
	if (chance(r, 4))
		c->hdr.flags = 1 + rnd_below(r, UINT32_MAX);
	if (chance(r, 4))
		c->hdr.reserved1 = 1 + rnd_below(r, UINT32_MAX);
	memcpy(f->in, &c->hdr, sizeof(c->hdr));

	c->in_len = cxl_pick_in_len(f, op_size);
	/* Bytes past the payload that in_len covers are not read */
	if (chance(r, 20) && CXL_REQ_HDR_LEN + (__u64)op_size < CXL_FUZZ_IN_LEN)
		rnd_fill(r, p + op_size,
			 CXL_FUZZ_IN_LEN - CXL_REQ_HDR_LEN - op_size);
	c->out_len = cxl_pick_out_len(f, natural_out);
	v = rnd_below(r, 100);
	if (v < 94)
		c->scope = rnd_below(r, FWCTL_RPC_DEBUG_WRITE_FULL + 1);
	else
		c->scope = chance(r, 50) ? UINT32_MAX :
			   FWCTL_RPC_DEBUG_WRITE_FULL + 1 + rnd_below(r, 8);

	cxl_fuzz_expect(f, &o);
	fill = c->out_len > FWCTL_MAX_RPC_LEN ? 4 * REDZONE :
					       c->out_len + REDZONE;
	memset(f->out, PATTERN, fill);
	rep = c->out_len;
	ret = _test_cmd_rpc(f->fd, c->scope, f->in, c->in_len, f->out, &rep);
	err = ret ? errno : 0;
	if (ret) {
		if (ret != -1 ||
		    !(err == o.err || (o.or_e2big && err == E2BIG))) {
			cxl_fuzz_report(f, &o, ret, err, "unexpected errno");
			return;
		}
		for (v = 0; v != ARRAY_SIZE(cxl_fuzz_errnos); v++)
			if (cxl_fuzz_errnos[v] == err)
				f->st->errs[v]++;
		if (!all_bytes(f->out, PATTERN, fill))
			cxl_fuzz_report(f, &o, ret, err,
					"out buffer written although the call failed");
		return;
	}

	f->st->ok++;
	if (o.err) {
		cxl_fuzz_report(f, &o, ret, err, "unexpected success");
		return;
	}
	/* The core copies up to out_len, and not a byte more */
	copy = c->out_len < rep ? c->out_len : rep;
	if (!all_bytes(f->out + copy, PATTERN, fill - copy))
		cxl_fuzz_report(f, &o, ret, err,
				"bytes written past the %zu copied", copy);
	memset(&got, 0, sizeof(got));
	if (copy >= sizeof(got))
		memcpy(&got, f->out, sizeof(got));
	if (got.retval && (o.may_dev_err || o.dev_err)) {
		f->st->device_errors++;
		if (got.size || rep != CXL_GET_OUT_LEN(0))
			cxl_fuzz_report(f, &o, ret, err,
					"device error %u with size %u, out_len %u",
					got.retval, got.size, rep);
		return;
	}
	if (o.dev_err) {
		cxl_fuzz_report(f, &o, ret, err,
				"retval %u where only a device error can come",
				got.retval);
		return;
	}
	if (got.retval)
		f->st->device_errors++;
	if (rep != o.rep_len) {
		cxl_fuzz_report(f, &o, ret, err, "reported out_len %u, not %u",
				rep, o.rep_len);
		return;
	}
	/* The expected bytes, but for the reserved ones of a list */
	cmp = copy < o.exp_len ? copy : o.exp_len;
	if (c->hdr.opcode == CXL_OP_GET_SUPPORTED_FEATURES &&
	    cmp > CXL_RSP_HDR_LEN + 4)
		memcpy(f->exp + CXL_RSP_HDR_LEN + 4,
		       f->out + CXL_RSP_HDR_LEN + 4,
		       cmp < CXL_RSP_HDR_LEN + CXL_SUP_HDR_LEN ?
		       cmp - CXL_RSP_HDR_LEN - 4 : 4);
	if (memcmp(f->out, f->exp, cmp)) {
		cxl_fuzz_report(f, &o, ret, err,
				"reply differs from the model: size %u retval %u",
				got.size, got.retval);
		return;
	}
	if (o.sets) {
		f->val = o.val;
		f->st->sets++;
	}
}

/* Read the test feature back: the model must know its value */
static void cxl_fuzz_sync(struct cxl_fuzz *f)
{
	struct cxl_outcome o = {};
	__u32 val = 0;

	memset(&f->c, 0, sizeof(f->c));
	if (_cxl_read_u32(f->fd, cxl_test_feat_uuid, &val)) {
		cxl_fuzz_report(f, &o, -1, errno, "reading the test feature");
		return;
	}
	if (val != f->val) {
		cxl_fuzz_report(f, &o, 0, 0,
				"the test feature holds %#x, the model %#x",
				val, f->val);
		f->val = val;
	}
}

static int cxl_fuzz_init(struct cxl_fuzz *f, int fd, __u64 seed)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->rng.state = seed ^ 0x63786c66757a7aULL;
	f->in = malloc(CXL_FUZZ_IN_LEN);
	f->out = malloc(CXL_FUZZ_OUT_LEN + 4 * REDZONE);
	f->exp = malloc(CXL_FUZZ_OUT_LEN);
	if (!f->in || !f->out || !f->exp)
		return fail_errno(ENOMEM);
	f->st = fuzz_stats_map();
	if (!f->st)
		return -1;
	if (_cxl_list(fd, f->ents, ARRAY_SIZE(f->ents), &f->nr_ents))
		return -1;
	/* The model knows a default memdev: the test feature alone */
	if (f->nr_ents != 1 || !cxl_is_test_feat(&f->ents[0]))
		return fail_errno(EPROTO);
	return _cxl_read_u32(fd, cxl_test_feat_uuid, &f->val);
}

/* The same as fuzz_run() */
static void cxl_fuzz_run(struct __test_metadata *_metadata,
			 struct cxl_fuzz *f, bool nobody)
{
	struct fuzz_budget b = fuzz_share(f->budget, nobody);
	struct cxl_feat_entry ents[CXL_FUZZ_MAX_FEATS];
	double start = now_sec();
	unsigned int nr = 0;
	char counts[128];

	f->rawio = cap_effective(CAP_SYS_RAWIO);
	while (f->st->iterations < b.iterations &&
	       now_sec() - start < b.seconds) {
		cxl_fuzz_one(f);
		if (!(++f->st->iterations % CXL_FUZZ_SYNC_EVERY))
			cxl_fuzz_sync(f);
	}
	f->st->elapsed = now_sec() - start;

	/* The device still answers as before the run */
	cxl_fuzz_sync(f);
	EXPECT_OK(_cxl_list(f->fd, ents, ARRAY_SIZE(ents), &nr));
	EXPECT_EQ(f->nr_ents, nr);
	EXPECT_EQ(0, memcmp(ents, f->ents, nr * sizeof(ents[0])));

	snprintf(counts, sizeof(counts),
		 "failures=%lu ok=%lu device_errors=%lu sets=%lu",
		 f->st->failures, f->st->ok, f->st->device_errors, f->st->sets);
	fuzz_summary(_metadata, "cxl ", f->st, counts, cxl_fuzz_errno_names,
		     ARRAY_SIZE(cxl_fuzz_errnos));
}

FIXTURE(cxl_fuzz)
{
	struct cxl_memdevs cxl;
	int fd;
	struct cxl_fuzz f;
};

FIXTURE_SETUP(cxl_fuzz)
{
	struct cxl_memdev *md;
	const char *why;

	self->fd = -1;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	why = cxl_open_first(_metadata, &self->cxl, &md, &self->fd);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_OK(cxl_fuzz_init(&self->f, self->fd, fuzz_seed));
	self->f.budget = fuzz_budget(CXL_FUZZ_ITERATIONS_DEFAULT,
				     CXL_FUZZ_SECONDS_DEFAULT);
}

FIXTURE_TEARDOWN(cxl_fuzz)
{
	if (self->fd < 0)
		return;
	/* The value of the probe, for the programs after this one */
	cxl_expect_default(_metadata, self->fd, true);
	EXPECT_OK(close(self->fd));
}

TEST_F_TIMEOUT(cxl_fuzz, root, 120)
{
	ASSERT_TRUE(cap_effective(CAP_SYS_RAWIO));
	cxl_fuzz_run(_metadata, &self->f, false);
}

/* The same as fuzz_run_nobody() */
static void cxl_fuzz_run_nobody(struct __test_metadata *_metadata, void *arg)
{
	struct cxl_fuzz *f = arg;

	f->rng.state = ~f->rng.state;
	if (fuzz_become_nobody(_metadata))
		cxl_fuzz_run(_metadata, f, true);
}

/* The same as nobody without capabilities, on the FD root opened */
TEST_F_TIMEOUT(cxl_fuzz, nobody, 90)
{
	run_in_child(_metadata, cxl_fuzz_run_nobody, &self->f);
	EXPECT_LT(0UL, self->f.st->iterations);
}

/* --seed=N, --seed N, or FWCTL_FUZZ_SEED; the rest is the harness's */
int main(int argc, char **argv)
{
	const char *seed = getenv("FWCTL_FUZZ_SEED");
	int i, j;

	for (i = 1, j = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--seed=", 7)) {
			seed = argv[i] + 7;
			continue;
		}
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = argv[++i];
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	if (seed && *seed) {
		char *end;

		errno = 0;
		fuzz_seed = strtoull(seed, &end, 0);
		if (errno || *end) {
			fprintf(stderr, "bad seed '%s'\n", seed);
			return KSFT_FAIL;
		}
	}
	return test_harness_run(j, argv);
}
