// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host test of the fwctl tool: no fwctl device, no root.
 *
 * The tool is compiled into this program with two renames: its main()
 * becomes fwctl_main(), and its ioctl() calls go to fake_ioctl() below, which
 * plays the fwctl core and the mock's firmware. The fake follows the uAPI
 * (it fills at most the buffer it is given and reports the full length) but
 * can report any length, as a broken kernel or driver could. Each case runs
 * the tool in a child process on the device path /dev/null and checks its
 * exit status, its output and the ioctls it made.
 *
 * Built with ASan and UBSan by `make check`: a read past a buffer ends the
 * child with a report, which fails the case and is shown.
 */
#define main fwctl_main
#define ioctl fake_ioctl
#include "../fwctl.c"
#include "../cxl.c"
#include "../mock.c"
#undef ioctl
#undef main

#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define DEV "/dev/null"
/* Stand-ins in a case's arguments for files made at run time */
#define REQ_FILE "@req"
#define OUT_FILE "@out"
/* A child that takes longer has hung */
#define CHILD_SECONDS 10
/* Bytes a child may write to a file, its output included */
#define CHILD_FSIZE (64 << 20)
/* Lines of a failed case's output shown, per stream */
#define SHOW_LINES 60
/* Filler of the response bytes the fake reports past the real ones */
#define FILLER 0xa5

/*
 * How the fake misbehaves; all zero is a well-behaved core and mock. A
 * reported length is the real one plus an extra, which may be negative.
 */
struct fake {
	int info_errno;
	__u32 info_type;		/* 0: the mock */
	long long info_extra;		/* to the 16 bytes of device data */
	bool info_grow;			/* always one more than the buffer */
	int rpc_errno;
	long long rsp_extra;		/* to the response's length */
	long long hdr_len_extra;	/* to the header's @len */
	bool bad_opcode;		/* the header names another opcode */
	__u32 cxl_retval;		/* of a CXL Set Feature */
	bool cxl_bad_count;		/* more entries claimed than sent */
	bool cxl_short_list;		/* one feature more than listed */
};

struct test {
	const char *name;
	const char *argv[16];
	struct fake fake;
	int rc;
	const char *out;	/* must be in the standard output */
	const char *no_out;	/* must not be */
	const char *err;	/* must be in the standard error */
	const char *log;	/* must be in the log of ioctls */
	bool no_ioctl;		/* the tool must not call ioctl() */
	long file_len;		/* length of OUT_FILE after the run, if > 0 */
	bool sysfs;		/* devices in the fake sysfs of make_sysfs() */
	bool full_stdout;	/* the standard output is /dev/full */
	bool posixly_correct;	/* POSIXLY_CORRECT is set */
};

static struct fake fake;
static FILE *ioctl_log;

static void log_hex(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i != len && i != 64; i++)
		fprintf(ioctl_log, "%02x", p[i]);
	if (len > 64)
		fputs("...", ioctl_log);
}

static int fake_info(struct fwctl_info *cmd)
{
	struct fwctl_info_mock data = {
		.fw_version = FWCTL_MOCK_FW_VERSION,
		.uctx_id = 7,
		.max_objects = FWCTL_MOCK_MAX_OBJECTS,
	};
	unsigned char *buf = (unsigned char *)(uintptr_t)cmd->out_device_data;
	__u32 len = cmd->device_data_len;

	fprintf(ioctl_log, "INFO device_data_len=%u\n", len);
	if (fake.info_errno) {
		errno = fake.info_errno;
		return -1;
	}
	cmd->out_device_type = fake.info_type ? fake.info_type :
				FWCTL_DEVICE_TYPE_MOCK;
	/* mlx5 and PDS device data as their drivers fill it, in 16 bytes */
	if (fake.info_type == FWCTL_DEVICE_TYPE_MLX5) {
		struct fwctl_info_mlx5 mlx5 = { .uid = 0x1234, .uctx_caps = 0x4 };

		memcpy(&data, &mlx5, sizeof(mlx5));
	} else if (fake.info_type == FWCTL_DEVICE_TYPE_PDS) {
		struct fwctl_info_pds pds = { .uctx_caps = 1 };

		memcpy(&data, &pds, sizeof(pds));
	}
	if (!len)
		return 0;
	memcpy(buf, &data, len < sizeof(data) ? len : sizeof(data));
	/*
	 * The core zeroes the rest of the buffer. Touch only its last byte:
	 * that is enough for ASan to catch a buffer smaller than it was said
	 * to be, and it keeps a huge one cheap.
	 */
	if (len > sizeof(data))
		buf[len - 1] = 0;
	if (fake.info_grow)
		cmd->device_data_len = len + 1;
	else
		cmd->device_data_len = sizeof(data) + fake.info_extra;
	return 0;
}

/*
 * The features of the fake CXL device: one set at the next reset, one set at
 * once, one the kernel never lets be set (a background operation). The
 * fields are little-endian, as is the host.
 */
#define FEAT_RESET "ffffffff-ffff-ffff-ffff-ffffffffffff"
#define FEAT_NOW "c0ffee00-0000-4000-8000-000000000002"
#define FEAT_NEVER "c0ffee00-0000-4000-8000-000000000003"
static const struct cxl_feat_entry cxl_feats[] = {
	{ .uuid = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	  .get_feat_size = 4, .set_feat_size = 4, .get_feat_ver = 1,
	  .set_feat_ver = 1, .flags = 0x61, .effects = 0x201 },
	{ .uuid = { 0xc0, 0xff, 0xee, 0x00, 0x00, 0x00, 0x40, 0x00,
		    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02 },
	  .id = 1, .get_feat_size = 4, .set_feat_size = 4, .flags = 0x1,
	  .effects = 0x202 },
	{ .uuid = { 0xc0, 0xff, 0xee, 0x00, 0x00, 0x00, 0x40, 0x00,
		    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03 },
	  .id = 2, .get_feat_size = 4, .set_feat_size = 4, .flags = 0x1,
	  .effects = 0x241 },
};

/* The value of every feature, as Get Feature reads it */
static const __u8 cxl_value[4] = { 0xef, 0xbe, 0xad, 0xde };

/*
 * The CXL Features commands, answered as the kernel answers them: @size
 * bytes after the header, and a length 8 bytes past them.
 */
static unsigned char *cxl_firmware(const unsigned char *in, size_t in_len,
				   size_t *len)
{
	const struct fwctl_rpc_cxl *rpc = (const void *)in;
	struct fwctl_rpc_cxl_out *out;
	size_t i, n = 0, size = 0;

	out = calloc(1, sizeof(*out) + sizeof(cxl_feats) + 64);
	if (in_len < sizeof(rpc->hdr))
		rpc = NULL;
	if (rpc && rpc->opcode == CXL_OP_GET_SUPPORTED_FEATURES) {
		struct cxl_mbox_get_sup_feats_out *sup = &out->get_sup_feats_out;
		size_t want = rpc->get_sup_feats_in.count / CXL_ENTRY_LEN;

		for (i = rpc->get_sup_feats_in.start_idx;
		     i < ARRAY_SIZE(cxl_feats) && n < want; i++)
			sup->ents[n++] = cxl_feats[i];
		sup->num_entries = n + (fake.cxl_bad_count ? 100 : 0);
		sup->supported_feats = ARRAY_SIZE(cxl_feats) +
				       fake.cxl_short_list;
		size = sizeof(sup->hdr) + n * CXL_ENTRY_LEN;
	} else if (rpc && rpc->opcode == CXL_OP_GET_FEATURE) {
		out->retval = 3;
		for (i = 0; i != ARRAY_SIZE(cxl_feats); i++) {
			if (memcmp(cxl_feats[i].uuid, rpc->get_feat_in.uuid, 16))
				continue;
			size = rpc->get_feat_in.count;
			if (size > sizeof(cxl_value))
				size = sizeof(cxl_value);
			memcpy(out->payload, cxl_value, size);
			out->retval = 0;
		}
	} else if (rpc && rpc->opcode == CXL_OP_SET_FEATURE) {
		out->retval = fake.cxl_retval;
	} else {
		out->retval = 3;
	}
	out->size = size;
	*len = sizeof(*out) + size;
	return (unsigned char *)out;
}

/* The mock firmware's answer to a request, in a buffer of its own */
static unsigned char *firmware(const unsigned char *in, size_t in_len,
			       size_t *len)
{
	const struct fwctl_mock_cmd *cmd = (const void *)in;
	const unsigned char *payload = in + sizeof(*cmd);
	size_t payload_len = in_len - sizeof(*cmd);
	struct fwctl_mock_rsp *rsp;
	size_t i, n = sizeof(*rsp);
	__u64 value = 0;
	__u16 status = 0;
	__u32 rsp_len = 0;

	if (fake.info_type == FWCTL_DEVICE_TYPE_CXL)
		return cxl_firmware(in, in_len, len);
	/* Echo, and what is not a mock command */
	if (in_len < sizeof(*cmd) || cmd->opcode == FWCTL_MOCK_OP_ECHO ||
	    cmd->opcode > FWCTL_MOCK_OP_LAST) {
		rsp = malloc(in_len ? in_len : 1);
		memcpy(rsp, in, in_len);
		*len = in_len;
		return (unsigned char *)rsp;
	}
	switch (cmd->opcode) {
	case FWCTL_MOCK_OP_QUERY:
		rsp_len = sizeof(struct fwctl_mock_query);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		rsp_len = cmd->arg;
		break;
	case FWCTL_MOCK_OP_SUM:
		for (i = 0; i != payload_len; i++)
			value += payload[i];
		break;
	case FWCTL_MOCK_OP_OBJ_CREATE:
		value = 42;
		break;
	case FWCTL_MOCK_OP_READ_REG:
		if (cmd->arg >= FWCTL_MOCK_NUM_REGS)
			status = FWCTL_MOCK_STATUS_BAD_ARG;
		value = 0x1122334455667788ULL;
		break;
	case FWCTL_MOCK_OP_WRITE_REG:
		value = 5;
		break;
	case FWCTL_MOCK_OP_POKE:
		value = payload_len;
		break;
	}
	n += rsp_len;
	rsp = calloc(1, n);
	rsp->opcode = cmd->opcode ^ (fake.bad_opcode ? 0x80 : 0);
	rsp->status = status;
	rsp->len = rsp_len + fake.hdr_len_extra;
	rsp->value = value;
	if (cmd->opcode == FWCTL_MOCK_OP_QUERY) {
		struct fwctl_mock_query *q = (void *)(rsp + 1);

		q->fw_version = FWCTL_MOCK_FW_VERSION;
		q->nr_objects = 3;
		q->nr_regs = FWCTL_MOCK_NUM_REGS;
		q->mem_size = FWCTL_MOCK_MEM_SIZE;
	} else if (cmd->opcode == FWCTL_MOCK_OP_READ_LOG) {
		for (i = 0; i != rsp_len; i++)
			((__u8 *)(rsp + 1))[i] = fwctl_mock_log_byte(i);
	}
	*len = n;
	return (unsigned char *)rsp;
}

static int fake_rpc(struct fwctl_rpc *cmd)
{
	const unsigned char *in = (const void *)(uintptr_t)cmd->in;
	unsigned char *out = (void *)(uintptr_t)cmd->out;
	size_t real_len, len, copy;
	unsigned char *rsp;

	fprintf(ioctl_log, "RPC scope=%u in_len=%u out_len=%u\n  in=",
		cmd->scope, cmd->in_len, cmd->out_len);
	log_hex(in, cmd->in_len);
	fputc('\n', ioctl_log);
	if (fake.rpc_errno) {
		errno = fake.rpc_errno;
		return -1;
	}
	rsp = firmware(in, cmd->in_len, &real_len);
	len = real_len + fake.rsp_extra;
	copy = len < cmd->out_len ? len : cmd->out_len;
	memset(out, FILLER, copy);
	memcpy(out, rsp, copy < real_len ? copy : real_len);
	free(rsp);
	cmd->out_len = len;
	return 0;
}

int fake_ioctl(int fd, unsigned long request, ...)
{
	void *arg;
	va_list ap;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fcntl(fd, F_GETFD) < 0) {
		errno = EBADF;
		return -1;
	}
	if (request == FWCTL_INFO) {
		ret = fake_info(arg);
	} else if (request == FWCTL_RPC) {
		ret = fake_rpc(arg);
	} else {
		fprintf(ioctl_log, "ioctl 0x%lx\n", request);
		errno = ENOTTY;
		ret = -1;
	}
	fflush(ioctl_log);
	return ret;
}

/* Read a file from the start, NUL-terminated */
static char *slurp(FILE *f)
{
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	rewind(f);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len == 1) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = 0;
	return buf;
}

/* Made by make_files() */
static char req_file[PATH_MAX];
static char out_file[PATH_MAX];
/* Made by make_sysfs(): the fake /sys/class/fwctl and /dev/fwctl */
static char sysfs_root[PATH_MAX];
static char sysfs_class[PATH_MAX];
static char sysfs_dev[PATH_MAX];

/* What a run of the tool left: its wait status and what it wrote */
struct result {
	int status;
	char *out, *err, *log;
};

/* Run the tool on @t's arguments in a child; its results in @res */
static void run(const struct test *t, struct result *res)
{
	FILE *out = tmpfile(), *err = tmpfile(), *log = tmpfile();
	char *argv[ARRAY_SIZE(t->argv) + 1];
	int argc;
	pid_t pid;

	if (!out || !err || !log) {
		perror("tmpfile");
		exit(1);
	}
	for (argc = 0; t->argv[argc]; argc++) {
		const char *a = t->argv[argc];

		if (!strcmp(a, REQ_FILE))
			a = req_file;
		else if (!strcmp(a, OUT_FILE))
			a = out_file;
		argv[argc + 1] = (char *)a;
	}
	argv[0] = "fwctl";
	argv[argc + 1] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		struct rlimit fsize = { CHILD_FSIZE, CHILD_FSIZE };

		fake = t->fake;
		ioctl_log = log;
		/* No case sees the host's own devices */
		class_dir = t->sysfs ? sysfs_class : "/nonexistent/class/fwctl";
		dev_dir = t->sysfs ? sysfs_dev : "/nonexistent/dev/fwctl";
		setrlimit(RLIMIT_FSIZE, &fsize);
		alarm(CHILD_SECONDS);
		if (t->full_stdout) {
			int fd = open("/dev/full", O_WRONLY);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				exit(99);
		} else {
			dup2(fileno(out), STDOUT_FILENO);
		}
		if (t->posixly_correct)
			setenv("POSIXLY_CORRECT", "1", 1);
		dup2(fileno(err), STDERR_FILENO);
		exit(fwctl_main(argc + 1, argv));
	}
	if (waitpid(pid, &res->status, 0) != pid) {
		perror("waitpid");
		exit(1);
	}
	res->out = slurp(out);
	res->err = slurp(err);
	res->log = slurp(log);
	fclose(out);
	fclose(err);
	fclose(log);
}

/* Print the start of @text with each line indented, for a failed case */
static void show(const char *what, const char *text)
{
	const char *p = text, *nl;
	int lines = 0;

	if (!*text)
		return;
	printf("#   %s:\n", what);
	for (; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		if (++lines > SHOW_LINES) {
			printf("#     ...\n");
			break;
		}
		printf("#     %.*s\n", (int)(nl - p), p);
		if (!*nl)
			break;
	}
}

/* @s in double quotes, with its newlines as \n, for a one-line message */
static const char *quote(const char *s)
{
	static char buf[512];
	size_t n = 0;

	buf[n++] = '"';
	for (; *s && n < sizeof(buf) - 4; s++) {
		if (*s == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '"';
	buf[n] = 0;
	return buf;
}

static bool check(const struct test *t, const struct result *res)
{
	bool ok = true;
	struct stat st;

#define FAIL(...) do { printf("#   " __VA_ARGS__); putchar('\n'); ok = false; } while (0)
	if (WIFSIGNALED(res->status))
		FAIL("killed by signal %d (%s)", WTERMSIG(res->status),
		     strsignal(WTERMSIG(res->status)));
	else if (WEXITSTATUS(res->status) != t->rc)
		FAIL("exit status %d, want %d", WEXITSTATUS(res->status),
		     t->rc);
	if (strstr(res->err, "Sanitizer") || strstr(res->err, "runtime error"))
		FAIL("a sanitizer report");
	if (t->out && !strstr(res->out, t->out))
		FAIL("no %s in the output", quote(t->out));
	if (t->no_out && strstr(res->out, t->no_out))
		FAIL("%s in the output", quote(t->no_out));
	if (t->err && !strstr(res->err, t->err))
		FAIL("no %s in the error output", quote(t->err));
	if (t->log && !strstr(res->log, t->log))
		FAIL("no %s in the ioctl log", quote(t->log));
	if (t->no_ioctl && *res->log)
		FAIL("ioctl called");
	if (t->file_len > 0 &&
	    (stat(out_file, &st) || st.st_size != t->file_len))
		FAIL("%s is not %ld bytes long", out_file, t->file_len);
#undef FAIL
	if (!ok) {
		show("output", res->out);
		show("error output", res->err);
		show("ioctl log", res->log);
	}
	return ok;
}

/* The request of `fwctl mock DEV read-log 200`, as hex */
#define READ_LOG_200 "06 00 00 00 00 00 00 00 c8 00 00 00 00 00 00 00"
/* The first 8 bytes of the mock's firmware log, as hexdump() shows them */
#define LOG_8 "0000  07 26 45 64 83 a2 c1 e0 "

static const struct test tests[] = {
	/* Arguments: what is refused before any ioctl, with exit status 2 */
	{ "no command", { NULL }, .rc = 2, .err = "missing command",
	  .no_ioctl = true },
	{ "--help", { "info", "--help" }, .rc = 0, .out = "Usage: fwctl",
	  .no_ioctl = true },
	{ "help", { "help" }, .rc = 0, .out = "Usage: fwctl" },
	{ "unknown command", { "frob" }, .rc = 2,
	  .err = "unknown command 'frob'", .no_ioctl = true },
	{ "list with an argument", { "list", "x" }, .rc = 2,
	  .err = "list takes no arguments" },
	{ "info without a device", { "info" }, .rc = 2,
	  .err = "info takes one argument" },
	{ "rpc without a device", { "rpc" }, .rc = 2,
	  .err = "rpc needs a device" },
	{ "rpc without a scope", { "rpc", DEV, "01" }, .rc = 2,
	  .err = "rpc needs --scope", .no_ioctl = true },
	{ "unknown scope", { "rpc", DEV, "--scope", "bogus", "01" }, .rc = 2,
	  .err = "unknown scope 'bogus'", .no_ioctl = true },
	{ "scope past 32 bits", { "rpc", DEV, "-s", "0x100000000", "01" },
	  .rc = 2, .err = "unknown scope", .no_ioctl = true },
	{ "--scope without a value", { "rpc", DEV, "--scope" }, .rc = 2,
	  .err = "option '--scope' needs a value", .no_ioctl = true },
	{ "--out-len without a value",
	  { "rpc", DEV, "--scope", "config", "--out-len" }, .rc = 2,
	  .err = "option '--out-len' needs a value", .no_ioctl = true },
	{ "--out-len past 32 bits",
	  { "rpc", DEV, "-s", "0", "--out-len", "4294967296", "01" },
	  .rc = 2, .err = "bad --out-len '4294967296'", .no_ioctl = true },
	{ "negative --out-len",
	  { "rpc", DEV, "-s", "0", "--out-len=-1", "01" }, .rc = 2,
	  .err = "bad --out-len '-1'", .no_ioctl = true },
	{ "--out-len with junk", { "rpc", DEV, "-s", "0", "--out-len=8x", "01" },
	  .rc = 2, .err = "bad --out-len '8x'", .no_ioctl = true },
	{ "odd number of hex digits", { "rpc", DEV, "-s", "0", "012" },
	  .rc = 2, .err = "bad hex bytes '012'", .no_ioctl = true },
	{ "not hex", { "rpc", DEV, "-s", "0", "zz" }, .rc = 2,
	  .err = "bad hex bytes 'zz'", .no_ioctl = true },
	{ "bare 0x", { "rpc", DEV, "-s", "0", "0x" }, .rc = 2,
	  .err = "rpc needs a request", .no_ioctl = true },
	{ "unknown option", { "rpc", DEV, "-s", "0", "-x" }, .rc = 2,
	  .err = "unknown option '-x'", .no_ioctl = true },
	{ "no request", { "rpc", DEV, "--scope", "config" }, .rc = 2,
	  .err = "rpc needs a request", .no_ioctl = true },
	{ "hex and -f", { "rpc", DEV, "-s", "0", "-f", REQ_FILE, "01" },
	  .rc = 2, .err = "not both", .no_ioctl = true },
	{ "-f without a file", { "rpc", DEV, "-s", "0", "-f" }, .rc = 2,
	  .err = "option '-f' needs a value", .no_ioctl = true },
	{ "-f of a missing file",
	  { "rpc", DEV, "-s", "0", "-f", "/nonexistent/req" }, .rc = 1,
	  .err = "cannot open /nonexistent/req", .no_ioctl = true },
	{ "missing device", { "rpc", "/nonexistent/dev", "-s", "0", "01" },
	  .rc = 1, .err = "cannot open /nonexistent/dev", .no_ioctl = true },
	{ "mock without a request", { "mock", DEV }, .rc = 2,
	  .err = "mock needs a device and a request", .no_ioctl = true },
	{ "unknown mock request", { "mock", DEV, "frob" }, .rc = 2,
	  .err = "unknown mock request 'frob'", .no_ioctl = true },
	{ "mock echo without a string", { "mock", DEV, "echo" }, .rc = 2,
	  .err = "mock echo takes 1 argument", .no_ioctl = true },
	{ "mock query with an argument", { "mock", DEV, "query", "1" },
	  .rc = 2, .err = "mock query takes 0 arguments", .no_ioctl = true },
	{ "mock --scope without a request",
	  { "mock", DEV, "--scope", "read" }, .rc = 2,
	  .err = "mock needs a device and a request", .no_ioctl = true },
	{ "mock write-reg with one argument",
	  { "mock", DEV, "write-reg", "1" }, .rc = 2,
	  .err = "mock write-reg takes 2 arguments", .no_ioctl = true },
	{ "mock sum without bytes", { "mock", DEV, "sum" }, .rc = 2,
	  .err = "mock sum takes at least 1 argument", .no_ioctl = true },
	{ "mock read-log past 2 MiB", { "mock", DEV, "read-log", "2097137" },
	  .rc = 2, .err = "bad length '2097137'" },
	{ "mock read-reg of junk", { "mock", DEV, "read-reg", "1x" }, .rc = 2,
	  .err = "bad register '1x'" },
	{ "mock poke of no bytes", { "mock", DEV, "poke", "0", "" }, .rc = 2,
	  .err = "poke needs at least one byte" },

	/* Requests as they reach the kernel */
	{ "hex forms", { "rpc", DEV, "--scope", "config", "01 02:03,04-05",
			 "0x0607", "--", "08" },
	  .rc = 0, .out = "response: 8 bytes\n0000  01 02 03 04 05 06 07 08",
	  .log = "RPC scope=0 in_len=8 out_len=4096\n  in=0102030405060708\n" },
	{ "long scope name and --out-len=",
	  { "rpc", DEV, "--scope=debug-read-only", "--out-len=16", "ff" },
	  .rc = 0, .log = "RPC scope=1 in_len=1 out_len=16\n  in=ff\n" },
	{ "numeric scope", { "rpc", DEV, "-s", "0x2a", "--out-len", "0", "ff" },
	  .rc = 0, .out = "response: 1 bytes\n", .no_out = "0000",
	  .err = "response truncated to 0 of 1 bytes",
	  .log = "RPC scope=42 in_len=1 out_len=0\n  in=ff\n" },
	{ "request from a file", { "rpc", DEV, "-s", "full", "-f", REQ_FILE },
	  .rc = 0, .log = "RPC scope=3 in_len=16 out_len=4096\n"
			  "  in=0600000000000000c800000000000000\n" },
	{ "mock query at a given scope", { "mock", DEV, "--scope=write", "query" },
	  .rc = 0, .log = "INFO device_data_len=64\n"
			  "RPC scope=2 in_len=16 out_len=32\n"
			  "  in=01000000000000000000000000000000\n" },
	{ "mock read-log", { "mock", DEV, "read-log", "8" }, .rc = 0,
	  .out = "firmware log: 8 bytes\n" LOG_8, .no_out = "0010",
	  .log = "RPC scope=1 in_len=16 out_len=24\n"
		 "  in=06000000000000000800000000000000\n" },
	{ "mock write-reg", { "mock", DEV, "write-reg", "3", "0x1234" },
	  .rc = 0,
	  .out = "register 3: 0x0000000000000005 -> 0x0000000000001234",
	  .log = "RPC scope=2 in_len=24 out_len=16\n"
		 "  in=080000000000000003000000000000003412000000000000\n" },
	{ "mock poke", { "mock", DEV, "poke", "0x10", "de:ad:be:ef" },
	  .rc = 0, .out = "wrote 4 bytes at offset 16",
	  .log = "RPC scope=3 in_len=20 out_len=16\n"
		 "  in=09000000000000001000000000000000deadbeef\n" },

	/* Responses of a well-behaved kernel */
	{ "info", { "info", DEV }, .rc = 0,
	  .out = "type: mock (1836016491, 0x6d6f636b)\n"
		 "mock firmware version: 1.0 (0x00010000)\n"
		 "context id of this open: 7\nobjects per open: 64\n"
		 "device data: 16 bytes\n"
		 "0000  00 00 01 00 07 00 00 00 40 00 00 00 00 00 00 00",
	  .log = "INFO device_data_len=64\n" },
	{ "info decoded", { "info", DEV }, .rc = 0,
	  .out = "mock firmware version: 1.0 (0x00010000)\n"
		 "context id of this open: 7\nobjects per open: 64\n" },
	{ "info decoded: mlx5", { "info", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_MLX5, .info_extra = -8 },
	  .rc = 0, .out = "type: mlx5 (1, 0x1)\nuser context id (uid): 4660\n"
		 "user context capabilities: 0x4 (tools resources)\n"
		 "device data: 8 bytes\n" },
	{ "info decoded: pds", { "info", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_PDS, .info_extra = -12 },
	  .rc = 0, .out = "type: pds (4, 0x4)\ncapabilities: 0x1\ndevice data: 4 bytes\n" },
	{ "info: mlx5 device data too short", { "info", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_MLX5, .info_extra = -12 },
	  .rc = 0, .err = "device data too short for mlx5: 4 bytes, want 8\n",
	  .no_out = "user context" },
	{ "info longer than the first buffer", { "info", DEV },
	  .fake = { .info_extra = 200 }, .rc = 0,
	  .out = "device data: 216 bytes\n",
	  .log = "INFO device_data_len=64\nINFO device_data_len=216\n" },
	{ "mock query", { "mock", DEV, "query" }, .rc = 0,
	  .out = "firmware version: 1.0 (0x00010000)\n"
		 "objects held by this open: 3\ndebug registers: 16\n"
		 "firmware memory: 256 bytes\n" },
	{ "mock echo", { "mock", DEV, "echo", "hello" }, .rc = 0,
	  .out = "echoed 21 bytes: hello\n" },
	{ "mock sum", { "mock", DEV, "sum", "01", "02 ff" }, .rc = 0,
	  .out = "sum of 3 bytes: 258\n" },
	{ "mock obj-create", { "mock", DEV, "obj-create", "5" }, .rc = 0,
	  .out = "created object 42, tag 5 " },
	{ "mock read-reg", { "mock", DEV, "read-reg", "3" }, .rc = 0,
	  .out = "register 3: 0x1122334455667788\n" },
	{ "rpc response longer than --out-len",
	  { "rpc", DEV, "--scope", "read", "--out-len", "16", READ_LOG_200 },
	  .rc = 0, .out = "response: 216 bytes\n0000 ", .no_out = "0010",
	  .err = "response truncated to 16 of 216 bytes" },
	{ "rpc -o of a response longer than --out-len",
	  { "rpc", DEV, "-s", "read", "--out-len", "20", "-o", OUT_FILE,
	    READ_LOG_200 },
	  .rc = 0, .err = "response truncated to 20 of 216 bytes",
	  .file_len = 20 },

	/* Failures the kernel or the firmware report */
	{ "not the mock", { "mock", DEV, "query" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 2,
	  .err = "/dev/null is a cxl device (type 2), not a mock one" },
	{ "firmware status", { "mock", DEV, "read-reg", "99" }, .rc = 3,
	  .err = "firmware status: BAD_ARG (2)" },
	{ "RPC error", { "mock", DEV, "query" }, .fake = { .rpc_errno = EPERM },
	  .rc = 1, .err = "RPC failed: Operation not permitted (EPERM)" },
	{ "raw RPC error", { "rpc", DEV, "-s", "0", "01" },
	  .fake = { .rpc_errno = ETIMEDOUT }, .rc = 1,
	  .err = "RPC failed: Connection timed out (ETIMEDOUT)" },
	{ "INFO error", { "info", DEV }, .fake = { .info_errno = ENODEV },
	  .rc = 1, .err = "INFO failed: No such device (ENODEV)" },
	{ "unknown errno", { "info", DEV }, .fake = { .info_errno = 200 },
	  .rc = 1, .err = "(errno 200)" },
	{ "ENODEV: what to do", { "info", DEV }, .fake = { .info_errno = ENODEV },
	  .rc = 1, .err = "(ENODEV)\nfwctl: the device was removed" },
	{ "EPERM: what to do", { "rpc", DEV, "-s", "3", "01" },
	  .fake = { .rpc_errno = EPERM }, .rc = 1,
	  .err = "(EPERM)\nfwctl: DEBUG_WRITE_FULL needs CAP_SYS_RAWIO" },
	{ "EBADMSG: what to do", { "rpc", DEV, "-s", "1", "01" },
	  .fake = { .rpc_errno = EBADMSG }, .rc = 1,
	  .err = "(EBADMSG)\nfwctl: the driver refuses this command at this --scope" },

	/* Lengths that do not match the buffers */
	{ "read-log: kernel reports more than the buffer",
	  { "mock", DEV, "read-log", "8" }, .fake = { .rsp_extra = 1 << 20 },
	  .rc = 0, .out = "firmware log: 8 bytes\n" LOG_8, .no_out = "0010",
	  .err = "response of 1048600 bytes cut to the 24 bytes expected" },
	{ "read-log: header claims more than came",
	  { "mock", DEV, "read-log", "8" },
	  .fake = { .hdr_len_extra = 0xfffffff0 }, .rc = 0,
	  .out = "firmware log: 8 bytes\n" LOG_8, .no_out = "0010",
	  .err = "the header claims 4294967288 bytes of log, 8 came" },
	{ "read-log: header claims less than came",
	  { "mock", DEV, "read-log", "8" }, .fake = { .hdr_len_extra = -4 },
	  .rc = 0, .out = "firmware log: 4 bytes\n0000  07 26 45 64    ",
	  .no_out = "83", .err = "the header claims 4 bytes of log, 8 came" },
	{ "read-log: response shorter than a header",
	  { "mock", DEV, "read-log", "8" }, .fake = { .rsp_extra = -10 },
	  .rc = 1, .err = "malformed response of 14 bytes",
	  .no_out = "firmware log" },
	{ "echo: kernel reports more than the buffer",
	  { "mock", DEV, "echo", "hi" }, .fake = { .rsp_extra = 1 << 20 },
	  .rc = 0, .out = "echoed 18 bytes: hi\n",
	  .err = "response of 1048594 bytes cut to the 18 bytes expected" },
	{ "echo: kernel reports the longest response",
	  { "mock", DEV, "echo", "hi" },
	  .fake = { .rsp_extra = FWCTL_MAX_RPC_LEN - 18 }, .rc = 0,
	  .out = "echoed 18 bytes: hi\n" },
	{ "echo: response shorter than a header",
	  { "mock", DEV, "echo", "hi" }, .fake = { .rsp_extra = -18 },
	  .rc = 1, .err = "malformed response of 0 bytes" },
	{ "echo: kernel reports a shorter echo",
	  { "mock", DEV, "echo", "hello" }, .fake = { .rsp_extra = -3 },
	  .rc = 0, .out = "echoed 18 bytes: he\n" },
	{ "query: header only", { "mock", DEV, "query" },
	  .fake = { .rsp_extra = -16 }, .rc = 1,
	  .err = "malformed response of 16 bytes",
	  .no_out = "firmware version" },
	{ "query: kernel reports more than the buffer",
	  { "mock", DEV, "query" }, .fake = { .rsp_extra = 4096 }, .rc = 0,
	  .out = "firmware memory: 256 bytes\n", .err = "cut to the 32 bytes" },
	{ "sum: empty response", { "mock", DEV, "sum", "01" },
	  .fake = { .rsp_extra = -16 }, .rc = 1,
	  .err = "malformed response of 0 bytes", .no_out = "sum of" },
	{ "read-reg: another opcode", { "mock", DEV, "read-reg", "1" },
	  .fake = { .bad_opcode = true }, .rc = 1,
	  .err = "malformed response of 16 bytes" },
	{ "info: device data keeps growing", { "info", DEV },
	  .fake = { .info_grow = true }, .rc = 1,
	  .err = "INFO failed: Value too large for defined data type (EOVERFLOW)",
	  .no_out = "device data" },
	{ "info: 4 GiB of device data", { "info", DEV },
	  .fake = { .info_extra = 0xffffffffU - 16 }, .rc = 1,
	  .err = "(EOVERFLOW)", .log = "INFO device_data_len=64\n" },
	{ "mock: 4 GiB of device data", { "mock", DEV, "query" },
	  .fake = { .info_extra = 0xffffffffU - 16 }, .rc = 1,
	  .err = "(EOVERFLOW)" },
	{ "info: less device data than the buffer", { "info", DEV },
	  .fake = { .info_extra = -12 }, .rc = 0,
	  .out = "device data: 4 bytes\n0000  00 00 01 00  ",
	  .no_out = "\n0010 " },

	/* The command line: help, versions, options anywhere */
	{ "--version", { "--version" }, .rc = 0, .out = "fwctl " FWCTL_VERSION "\n",
	  .no_ioctl = true },
	{ "-V", { "-V", "list" }, .rc = 0, .out = "fwctl " FWCTL_VERSION "\n",
	  .no_ioctl = true },
	{ "--help after the arguments", { "rpc", DEV, "01", "--help" }, .rc = 0,
	  .out = "Usage: fwctl rpc DEV -s SCOPE", .no_ioctl = true },
	{ "help of a subcommand", { "help", "cxl", "get" }, .rc = 0,
	  .out = "Usage: fwctl cxl get DEV UUID", .no_ioctl = true },
	{ "--help of a subcommand", { "cxl", "set", "-h" }, .rc = 0,
	  .out = "Usage: fwctl cxl set DEV UUID", .no_ioctl = true },
	{ "help of an unknown command", { "help", "frob" }, .rc = 2,
	  .err = "unknown command 'frob'", .no_ioctl = true },
	{ "cxl without a subcommand", { "cxl" }, .rc = 2,
	  .err = "missing subcommand\nUsage: fwctl cxl", .no_ioctl = true },
	{ "cxl with an unknown subcommand", { "cxl", "frob", DEV }, .rc = 2,
	  .err = "unknown subcommand 'frob'", .no_ioctl = true },
	{ "unknown global option", { "--frob", "list" }, .rc = 2,
	  .err = "unknown option '--frob'\nTry 'fwctl --help'",
	  .no_ioctl = true },
	{ "unknown short option", { "info", DEV, "-x" }, .rc = 2,
	  .err = "unknown option '-x'\nUsage: fwctl info DEV",
	  .no_ioctl = true },
	{ "options before the device", { "rpc", "-s", "read", DEV, "01" },
	  .rc = 0, .log = "RPC scope=1 in_len=1 " },
	{ "options after the request",
	  { "rpc", DEV, "01", "02", "--scope", "write", "-l", "64" },
	  .rc = 0, .log = "RPC scope=2 in_len=2 out_len=64\n" },
	{ "-- ends the options", { "mock", DEV, "echo", "--", "-x" }, .rc = 0,
	  .out = "echoed 18 bytes: -x\n" },
	{ "--in is -f", { "rpc", DEV, "--scope=read", "--in", REQ_FILE },
	  .rc = 0, .log = "in=0600000000000000c800000000000000\n" },

	/* JSON */
	{ "-j before the command", { "-j", "info", DEV }, .rc = 0,
	  .out = "\"type\": \"mock\"", .no_out = "device data:" },
	{ "info --json", { "info", DEV, "--json" }, .rc = 0,
	  .out = "\"type_id\": 1836016491" },
	{ "info --json: device data", { "info", DEV, "--json" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_PDS }, .rc = 0,
	  .out = "\"device_data\": \"01000000070000004000000000000000\"" },
	{ "info --json: decoded mock", { "info", DEV, "-j" }, .rc = 0,
	  .out = "\"uctx_id\": 7" },
	{ "info --json: decoded mlx5", { "info", DEV, "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_MLX5 }, .rc = 0,
	  .out = "\"decoded\": {\n    \"uid\": 4660,\n    \"uctx_caps\": 4\n  }" },
	{ "info --json: unknown type", { "info", DEV, "-j" },
	  .fake = { .info_type = 0x99 }, .rc = 0,
	  .out = "\"type\": \"unknown\"", .no_out = "\"decoded\": {" },
	{ "rpc --json", { "rpc", DEV, "-s", "config", "-j", READ_LOG_200 },
	  .rc = 0, .out = "\"response_len\": 216,\n  \"received_len\": 216,\n"
		 "  \"truncated\": false" },
	{ "rpc --json of a response longer than --out-len",
	  { "rpc", DEV, "-j", "-s", "read", "-l", "8", READ_LOG_200 }, .rc = 0,
	  .out = "\"received_len\": 8,\n  \"truncated\": true,\n"
		 "  \"response\": \"06000000c8000000\"",
	  .err = "response truncated to 8 of 216 bytes" },
	{ "rpc --json with --out", { "rpc", DEV, "-s", "1", "-j", "-o", OUT_FILE,
	  READ_LOG_200 }, .rc = 0, .out = "\"response\": null",
	  .file_len = 216 },
	{ "mock query --json", { "mock", DEV, "query", "-j" }, .rc = 0,
	  .out = "\"nr_regs\": 16" },
	{ "mock read-reg --json", { "mock", "-j", DEV, "read-reg", "3" },
	  .rc = 0, .out = "\"value\": 1234605616436508552" },
	{ "mock read-log --json", { "mock", DEV, "read-log", "8", "-j" },
	  .rc = 0, .out = "\"log\": \"0726456483a2c1e0\"" },
	{ "mock echo --json", { "mock", DEV, "echo", "a\"b\\c", "-j" },
	  .rc = 0, .out = "\"echo\": \"a\\\"b\\\\c\"" },

	/* The CXL commands against the fake CXL device */
	{ "cxl features", { "cxl", "features", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "feature " FEAT_RESET "\n  id: 0\n  get size: 4, version 1\n"
		 "  set size: 4, version 1\n"
		 "  flags: 0x61 changeable default-selection saved-selection\n"
		 "  effects: 0x0201 config-change-cold-reset effects-valid\n"
		 "  set needs scope: write\n",
	  .log = "RPC scope=0 in_len=24 out_len=3096\n" },
	{ "cxl features: never settable", { "cxl", "features", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "background effects-valid\n  set needs scope: none" },
	{ "cxl features --json", { "cxl", "features", DEV, "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"uuid\": \"" FEAT_NOW "\",\n      \"id\": 1," },
	{ "cxl features --json: set scope", { "cxl", "features", DEV, "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"config-change-immediate\",\n        \"effects-valid\"\n"
		 "      ],\n      \"set_scope\": \"full\"" },
	{ "cxl features: more entries claimed than sent",
	  { "cxl", "features", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL, .cxl_bad_count = true },
	  .rc = 1, .err = "103 entries in 152 bytes", .no_out = "feature " },
	{ "cxl features: response cut short", { "cxl", "features", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL, .rsp_extra = -20 },
	  .rc = 1, .err = "malformed response" },
	{ "cxl features of the mock", { "cxl", "features", DEV }, .rc = 2,
	  .err = "/dev/null is a mock device" },
	{ "cxl get", { "cxl", "get", DEV, FEAT_RESET },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "feature " FEAT_RESET " (current): 4 bytes\n0000  ef be ad de",
	  .log = "RPC scope=0 in_len=37 out_len=20\n  in=01050000000000001500000000000000" },
	{ "cxl get --json --selection saved",
	  { "cxl", "get", "--selection", "saved", DEV, FEAT_RESET, "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"selection\": \"saved\",\n  \"size\": 4,\n  \"data\": \"efbeadde\"",
	  .log = "ffffffff0000040002\n" },
	{ "cxl get --out", { "cxl", "get", DEV, FEAT_RESET, "-o", OUT_FILE },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .file_len = 4, .no_out = "feature" },
	{ "cxl get of an unknown feature",
	  { "cxl", "get", DEV, "00000000-0000-0000-0000-000000000000" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 2,
	  .err = "/dev/null has no feature 00000000-0000-0000-0000-000000000000" },
	{ "cxl get of a bad UUID", { "cxl", "get", DEV, "ffffffff-ffff" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 2,
	  .err = "bad UUID 'ffffffff-ffff'" },
	{ "cxl get of a bad selection", { "cxl", "get", DEV, FEAT_RESET, "-S", "x" },
	  .rc = 2, .err = "unknown selection 'x'", .no_ioctl = true },
	{ "cxl set at the next reset: scope write",
	  { "cxl", "set", DEV, FEAT_RESET, "01020304" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "set feature " FEAT_RESET ": 4 bytes at scope write\n",
	  .log = "RPC scope=2 in_len=52 out_len=16\n  in=0205000000000000240000" },
	{ "cxl set: the payload",
	  { "cxl", "set", DEV, FEAT_RESET, "01020304" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  /* The UUID, flags 0, offset 0, version 1, reserved, the data */
	  .log = "ffffffffffffffff0000000000000100000000000000000001020304\n" },
	{ "cxl set at once: scope full",
	  { "cxl", "set", DEV, FEAT_NOW, "01" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "1 bytes at scope full\n", .log = "RPC scope=3 " },
	{ "cxl set at a given scope", { "cxl", "set", DEV, FEAT_RESET, "01",
	  "--scope", "full", "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"scope\": \"full\"", .log = "RPC scope=3 " },
	{ "cxl set of a feature never settable", { "cxl", "set", DEV, FEAT_NEVER, "01" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 2,
	  .err = "Set Feature of " FEAT_NEVER " is never allowed",
	  .no_out = "set feature" },
	{ "cxl set past the set size",
	  { "cxl", "set", DEV, FEAT_RESET, "0102030405" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 2,
	  .err = "5 bytes do not fit the feature's 4", .no_out = "set feature" },
	{ "cxl set without data", { "cxl", "set", DEV, FEAT_RESET }, .rc = 2,
	  .err = "cxl set needs data", .no_ioctl = true },
	{ "cxl set refused by the device", { "cxl", "set", DEV, FEAT_RESET, "01" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL, .cxl_retval = 27 },
	  .rc = 3,
	  .err = "the device refused Set Feature: retval 27 (feature transfer in progress)" },
	{ "cxl set: EPERM", { "cxl", "set", DEV, FEAT_NOW, "01" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL, .rpc_errno = EPERM },
	  .rc = 1,
	  .err = "Get Supported Features failed: Operation not permitted (EPERM)\n"
		 "fwctl: DEBUG_WRITE_FULL needs CAP_SYS_RAWIO",
	  .no_out = "set feature" },

	/* Output and option corner cases */
	{ "a write error is an error", { "--help" }, .full_stdout = true,
	  .rc = 1, .err = "cannot write the output: No space left on device" },
	{ "a write error of JSON is an error", { "info", DEV, "-j" },
	  .full_stdout = true, .rc = 1, .err = "cannot write the output" },
	{ "a misused long option", { "info", DEV, "--json=1" }, .rc = 2,
	  .err = "unknown, ambiguous or misused option '--json=1'",
	  .no_ioctl = true },
	{ "an ambiguous long option", { "rpc", DEV, "--o", "x" }, .rc = 2,
	  .err = "unknown, ambiguous or misused option '--o'", .no_ioctl = true },
	{ "options anywhere despite POSIXLY_CORRECT", { "info", DEV, "-j" },
	  .posixly_correct = true, .rc = 0, .out = "\"type\": \"mock\"" },
	{ "rpc --out - with --json", { "rpc", DEV, "-s", "0", "-o", "-", "-j", "01" },
	  .rc = 2, .err = "--out - and --json", .no_ioctl = true },
	{ "cxl get --out - with --json",
	  { "cxl", "get", DEV, FEAT_RESET, "-o", "-", "-j" }, .rc = 2,
	  .err = "--out - and --json", .no_ioctl = true },
	{ "cxl get: the UUID as cxl features prints it",
	  { "cxl", "get", DEV, "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "-j" },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"uuid\": \"" FEAT_RESET "\"" },
	{ "cxl features: fewer listed than supported", { "cxl", "features", DEV },
	  .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL, .cxl_short_list = true },
	  .rc = 0, .err = "warning: the device listed 3 of the 4 features",
	  .out = "feature " FEAT_NEVER },
	{ "EIO: what to do", { "info", DEV }, .fake = { .info_errno = EIO },
	  .rc = 1, .err = "(EIO)\nfwctl: the driver or firmware failed" },
	{ "rpc --out of a cut response: what was written",
	  { "rpc", DEV, "-s", "read", "-l", "20", "-o", OUT_FILE, READ_LOG_200 },
	  .rc = 0, .err = "response: 20 bytes written to ", .file_len = 20 },

	/* Devices by name, node and parent, in the fake sysfs */
	{ "list", { "list" }, .sysfs = true, .rc = 0,
	  .out = "mock     0000:03:00.0         pci       mlx5_core\n" },
	{ "list --json", { "list", "--json" }, .sysfs = true, .rc = 0,
	  .out = "\"dev\": \"247:4\",\n    \"type\": \"mock\",\n"
		 "    \"type_id\": 1836016491,\n    \"error\": null,\n"
		 "    \"parent\": \"mem0\",\n    \"parent_bus\": \"cxl\",\n"
		 "    \"parent_driver\": \"cxl_mem\"" },
	{ "list --json: a device INFO fails on", { "-j", "list" }, .sysfs = true,
	  .fake = { .info_errno = EACCES }, .rc = 0,
	  .out = "\"type\": null,\n    \"type_id\": null,\n    \"error\": \"EACCES\"" },
	{ "list --json of no devices", { "list", "-j" }, .rc = 0, .out = "[\n]" },
	{ "info by name", { "info", "fwctl4" }, .sysfs = true, .rc = 0,
	  .out = "/dev/fwctl4\ntype: mock" },
	{ "info by PCI address", { "info", "0000:03:00.0" }, .sysfs = true,
	  .rc = 0, .out = "/dev/fwctl3\ntype: mock" },
	{ "info by short PCI address", { "info", "03:00.0", "-j" }, .sysfs = true,
	  .rc = 0, .out = "\"name\": \"fwctl3\"" },
	{ "info by memdev", { "info", "mem0" }, .sysfs = true, .rc = 0,
	  .out = "/dev/fwctl4\ntype: mock" },
	{ "cxl features by memdev", { "cxl", "features", "mem0", "-j" },
	  .sysfs = true, .fake = { .info_type = FWCTL_DEVICE_TYPE_CXL }, .rc = 0,
	  .out = "\"device\": \"fwctl4\"" },
	{ "a parent with two fwctl devices", { "info", "fwctl_mock.0" },
	  .sysfs = true, .rc = 2,
	  .err = "fwctl_mock.0 has more than one fwctl device (fwctl5 and fwctl6)",
	  .no_ioctl = true },
	{ "no such device", { "info", "mem9" }, .sysfs = true, .rc = 1,
	  .err = "no fwctl device 'mem9'", .no_ioctl = true },
};

/* Where the fake sysfs puts each fwctl device: its name and its parent */
static const char *const sysfs_fwctl[][2] = {
	{ "fwctl3", "0000:03:00.0" },
	{ "fwctl4", "mem0" },
	/* Two of one parent, which names neither */
	{ "fwctl5", "fwctl_mock.0" },
	{ "fwctl6", "fwctl_mock.0" },
};

/* snprintf() that cannot truncate: a path too long ends the test */
static void fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "path too long\n");
		exit(1);
	}
}

static void sysfs_make(const char *path, const char *link_to,
		       const char *contents)
{
	char full[PATH_MAX], target[PATH_MAX];
	int fd, ret;

	fmt(full, sizeof(full), "%s/%s", sysfs_root, path);
	if (link_to) {
		fmt(target, sizeof(target), "%s/%s", sysfs_root, link_to);
		ret = symlink(target, full);
	} else if (contents) {
		fd = open(full, O_WRONLY | O_CREAT | O_EXCL, 0600);
		ret = fd < 0 || write(fd, contents, strlen(contents)) < 0 ||
		      close(fd) ? -1 : 0;
	} else {
		ret = mkdir(full, 0700);
	}
	if (ret) {
		perror(full);
		exit(1);
	}
}

/*
 * A fake sysfs with the links the tool follows: a PCI function bound to
 * mlx5_core, a CXL memdev bound to cxl_mem and a platform device, and a
 * node in the fake /dev for each fwctl device (a plain file: the fake
 * ioctl answers on any descriptor).
 */
static void make_sysfs(void)
{
	static const char *const dirs[] = {
		"bus", "bus/pci", "bus/cxl", "bus/platform", "drivers",
		"drivers/mlx5_core", "drivers/cxl_mem", "drivers/fwctl_mock",
		"devices", "devices/0000:03:00.0", "devices/mem0",
		"devices/fwctl_mock.0", "class", "dev",
	};
	static const char *const links[][2] = {
		{ "devices/0000:03:00.0/subsystem", "bus/pci" },
		{ "devices/0000:03:00.0/driver", "drivers/mlx5_core" },
		{ "devices/mem0/subsystem", "bus/cxl" },
		{ "devices/mem0/driver", "drivers/cxl_mem" },
		{ "devices/fwctl_mock.0/subsystem", "bus/platform" },
		{ "devices/fwctl_mock.0/driver", "drivers/fwctl_mock" },
	};
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[PATH_MAX], target[PATH_MAX], dev[32];
	size_t i;

	fmt(sysfs_root, sizeof(sysfs_root), "%s/fwctl_test.sysfs.XXXXXX",
	    tmp);
	if (!mkdtemp(sysfs_root)) {
		perror(sysfs_root);
		exit(1);
	}
	fmt(sysfs_class, sizeof(sysfs_class), "%s/class", sysfs_root);
	fmt(sysfs_dev, sizeof(sysfs_dev), "%s/dev", sysfs_root);
	for (i = 0; i != ARRAY_SIZE(dirs); i++)
		sysfs_make(dirs[i], NULL, NULL);
	for (i = 0; i != ARRAY_SIZE(links); i++)
		sysfs_make(links[i][0], links[i][1], NULL);
	for (i = 0; i != ARRAY_SIZE(sysfs_fwctl); i++) {
		fmt(path, sizeof(path), "class/%s", sysfs_fwctl[i][0]);
		sysfs_make(path, NULL, NULL);
		fmt(path, sizeof(path), "class/%s/device", sysfs_fwctl[i][0]);
		fmt(target, sizeof(target), "devices/%s", sysfs_fwctl[i][1]);
		sysfs_make(path, target, NULL);
		fmt(path, sizeof(path), "class/%s/dev", sysfs_fwctl[i][0]);
		fmt(dev, sizeof(dev), "247:%zu\n", i + 3);
		sysfs_make(path, NULL, dev);
		fmt(path, sizeof(path), "dev/%s", sysfs_fwctl[i][0]);
		sysfs_make(path, NULL, "");
	}
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_files(void)
{
	static const unsigned char req[] = {
		6, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0,
	};
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int fd;

	snprintf(req_file, sizeof(req_file), "%s/fwctl_test.req.XXXXXX", tmp);
	snprintf(out_file, sizeof(out_file), "%s/fwctl_test.out.XXXXXX", tmp);
	fd = mkstemp(req_file);
	if (fd < 0 || write(fd, req, sizeof(req)) != sizeof(req) || close(fd)) {
		perror(req_file);
		exit(1);
	}
	fd = mkstemp(out_file);
	if (fd < 0 || close(fd)) {
		perror(out_file);
		exit(1);
	}
}

int main(void)
{
	unsigned int i, passed = 0, failed = 0;

	make_files();
	make_sysfs();
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(tests));
	for (i = 0; i != ARRAY_SIZE(tests); i++) {
		const struct test *t = &tests[i];
		struct result res;

		run(t, &res);
		if (check(t, &res)) {
			printf("ok %u %s\n", i + 1, t->name);
			passed++;
		} else {
			printf("not ok %u %s\n", i + 1, t->name);
			failed++;
		}
		free(res.out);
		free(res.err);
		free(res.log);
	}
	unlink(req_file);
	unlink(out_file);
	nftw(sysfs_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	printf("fwctl_test: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
