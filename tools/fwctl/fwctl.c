// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl - list fwctl devices and send RPCs to their firmware
 *
 * A small front end to the two fwctl ioctls, FWCTL_INFO and FWCTL_RPC, plus
 * a request builder for the fwctl_mock test device so that the subsystem
 * can be shown without hardware.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include <fwctl/pds.h>
#include "../../drivers/fwctl/mock/fwctl_mock.h"

#define FWCTL_CLASS_DIR "/sys/class/fwctl"
#define FWCTL_DEV_DIR "/dev/fwctl"
/* The core refuses longer requests and responses */
#define FWCTL_MAX_RPC_LEN (2 * 1024 * 1024)
#define DEFAULT_OUT_LEN 4096
/* Device data is a few bytes; a length past this is a broken driver */
#define MAX_INFO_LEN (16 * 1024 * 1024)
/* FWCTL_INFO calls to get device data whose length changes between calls */
#define INFO_TRIES 4

/* Exit codes: 0 success, 1 the operation failed, 2 bad usage */
#define EXIT_USAGE 2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *progname = "fwctl";

static const char usage_text[] =
"Usage: fwctl [-h | --help] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  list\n"
"      List the fwctl devices: name, device node, device type, the driver\n"
"      of the parent device and the parent's sysfs path.\n"
"  info DEV\n"
"      Show the device type and a hex dump of the device data that\n"
"      FWCTL_INFO returns for a new file descriptor, decoded for the\n"
"      mlx5, PDS and mock types.\n"
"  rpc DEV --scope SCOPE [--out-len N] [-o FILE] (HEX-BYTES... | -f FILE)\n"
"      Send one RPC, given as hex bytes (\"01 00 00 00\", \"01000000\" and\n"
"      \"01:00:00:00\" are the same four bytes) or read from FILE (- for\n"
"      standard input), in the device type's own format. Prints the\n"
"      response length and a hex dump of the response, or with -o writes\n"
"      the raw response to FILE. --out-len sets the response buffer size\n"
"      (default 4096, at most 2 MiB); a longer response is cut and its\n"
"      full length reported.\n"
"  mock DEV [--scope SCOPE] REQUEST\n"
"      Build a request for the fwctl_mock test device, send it and decode\n"
"      the response. Each request is sent at its lowest scope unless\n"
"      --scope says otherwise. REQUEST is one of:\n"
"        query             firmware version, objects held, sizes (config)\n"
"        echo STR          the firmware sends STR back (config)\n"
"        sum HEX-BYTES     sum of the bytes (config)\n"
"        obj-create TAG    create a firmware object; it lives until this\n"
"                          program exits and closes the device (config)\n"
"        read-log N        dump N bytes of the firmware log (read)\n"
"        read-reg I        read debug register I (read)\n"
"        write-reg I V     write V to debug register I (write, taints)\n"
"        poke OFF HEX      write bytes into firmware memory at OFF\n"
"                          (full: needs CAP_SYS_RAWIO, taints)\n"
"\n"
"DEV is a device name such as fwctl0 (looked up in /dev/fwctl) or the path\n"
"of a device node.\n"
"\n"
"SCOPE is one of\n"
"  config  FWCTL_RPC_CONFIGURATION     device configuration\n"
"  read    FWCTL_RPC_DEBUG_READ_ONLY   read debug information\n"
"  write   FWCTL_RPC_DEBUG_WRITE       write debug state; taints the kernel\n"
"  full    FWCTL_RPC_DEBUG_WRITE_FULL  unrestricted; needs CAP_SYS_RAWIO\n"
"                                      and taints the kernel\n"
"or a number, passed on as is.\n"
"\n"
"Numbers may be decimal, 0x hexadecimal or 0 octal. A failed ioctl is\n"
"reported with its errno, e.g. \"fwctl: RPC failed: Operation not\n"
"permitted (EPERM)\", and exit status 1; bad arguments exit with 2.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static void error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Report bad usage and exit */
static noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		progname);
	exit(EXIT_USAGE);
}

static const char *errno_name(int err)
{
	static char buf[32];

	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EBADMSG: return "EBADMSG";
	case EPROTO: return "EPROTO";
	case EOVERFLOW: return "EOVERFLOW";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECANCELED: return "ECANCELED";
	default:
		snprintf(buf, sizeof(buf), "errno %d", err);
		return buf;
	}
}

/* What an operator can do about an ioctl's errno, for the common ones */
static const char *errno_hint(int err)
{
	switch (err) {
	case ENODEV:
		return "the device was removed; 'fwctl list' shows what is there now";
	case EPERM:
		return "DEBUG_WRITE_FULL needs CAP_SYS_RAWIO; else try a higher --scope";
	case EBADMSG:
		return "the driver refuses this command at this --scope; see its policy table";
	case EOPNOTSUPP:
		return "this kernel does not know that scope or flag";
	case EMSGSIZE:
		return "a length is over the 2 MiB limit or outside the device's format";
	default:
		return NULL;
	}
}

/*
 * Print "fwctl: WHAT failed: <strerror> (<ERRNAME>)" for errno, and a line
 * saying what to do about it when there is one.
 */
static void ioctl_error(const char *what)
{
	int err = errno;
	const char *hint = errno_hint(err);

	error("%s failed: %s (%s)", what, strerror(err), errno_name(err));
	if (hint)
		error("%s", hint);
}

static const char *device_type_name(__u32 type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_ERROR: return "error";
	case FWCTL_DEVICE_TYPE_MLX5: return "mlx5";
	case FWCTL_DEVICE_TYPE_CXL: return "cxl";
	case FWCTL_DEVICE_TYPE_BNXT: return "bnxt";
	case FWCTL_DEVICE_TYPE_PDS: return "pds";
	case FWCTL_DEVICE_TYPE_MOCK: return "mock";
	default: return "unknown";
	}
}

static const struct {
	const char *name;
	const char *long_name;
	__u32 scope;
} scopes[] = {
	{ "config", "configuration", FWCTL_RPC_CONFIGURATION },
	{ "read", "debug-read-only", FWCTL_RPC_DEBUG_READ_ONLY },
	{ "write", "debug-write", FWCTL_RPC_DEBUG_WRITE },
	{ "full", "debug-write-full", FWCTL_RPC_DEBUG_WRITE_FULL },
};

/* Parse an unsigned number that must fit in @max */
static bool parse_u64(const char *s, unsigned long long max,
		      unsigned long long *val)
{
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*val = strtoull(s, &end, 0);
	return !errno && !*end && *val <= max;
}

static __u32 parse_scope(const char *s)
{
	unsigned long long val;
	size_t i;

	for (i = 0; i != ARRAY_SIZE(scopes); i++)
		if (!strcmp(s, scopes[i].name) ||
		    !strcmp(s, scopes[i].long_name))
			return scopes[i].scope;
	if (parse_u64(s, UINT32_MAX, &val))
		return val;
	usage_error("unknown scope '%s': use config, read, write or full", s);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

struct bytes {
	unsigned char *data;
	size_t len;
	size_t cap;
};

static void bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + len)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data) {
			error("out of memory");
			exit(1);
		}
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

/*
 * Append the bytes spelled by @s: pairs of hex digits, optionally separated
 * by spaces, colons, commas or dashes, with an optional 0x prefix.
 */
static void parse_hex(struct bytes *b, const char *s)
{
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (*p) {
		unsigned char byte;
		int hi, lo;

		if (isspace((unsigned char)*p) || *p == ':' || *p == ',' ||
		    *p == '-') {
			p++;
			continue;
		}
		hi = hex_digit(p[0]);
		lo = hi < 0 ? -1 : hex_digit(p[1]);
		if (hi < 0 || lo < 0)
			usage_error("bad hex bytes '%s': want digit pairs like '0a 1b'",
				    s);
		byte = hi << 4 | lo;
		bytes_add(b, &byte, 1);
		p += 2;
	}
}

static void read_all(struct bytes *b, const char *path)
{
	unsigned char buf[65536];
	ssize_t n;
	int fd;

	fd = strcmp(path, "-") ? open(path, O_RDONLY) : STDIN_FILENO;
	if (fd < 0) {
		error("cannot open %s: %s", path, strerror(errno));
		exit(1);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		bytes_add(b, buf, n);
		if (b->len > FWCTL_MAX_RPC_LEN)
			break;
	}
	if (n < 0) {
		error("cannot read %s: %s", path, strerror(errno));
		exit(1);
	}
	if (fd != STDIN_FILENO)
		close(fd);
}

static void hexdump(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("%04zx ", i);
		for (j = i; j != i + 16; j++) {
			if (j < len)
				printf(" %02x", p[j]);
			else
				printf("   ");
		}
		printf("  ");
		for (j = i; j != i + 16 && j < len; j++)
			putchar(isprint(p[j]) ? p[j] : '.');
		putchar('\n');
	}
}

static int open_device(const char *dev, char *path, size_t len)
{
	int fd;

	if (strchr(dev, '/'))
		snprintf(path, len, "%s", dev);
	else
		snprintf(path, len, "%s/%s", FWCTL_DEV_DIR, dev);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		error("cannot open %s: %s", path, strerror(errno));
		if (errno == ENOENT && !strchr(dev, '/'))
			fprintf(stderr, "%s: see '%s list' for the devices\n",
				progname, progname);
		exit(1);
	}
	return fd;
}

/*
 * FWCTL_INFO into a buffer that grows until the device data fits. The length
 * the kernel reports is only believed up to the buffer it was given: a
 * length that keeps growing or is beyond reason fails with EOVERFLOW.
 */
static int get_info(int fd, __u32 *type, void **data, __u32 *len)
{
	__u32 size = 64;
	void *buf = NULL;
	int try;

	for (try = 0; try != INFO_TRIES; try++) {
		struct fwctl_info cmd = {
			.size = sizeof(cmd),
			.device_data_len = size,
		};

		free(buf);
		buf = calloc(1, size);
		if (!buf)
			return -1;
		cmd.out_device_data = (uintptr_t)buf;
		if (ioctl(fd, FWCTL_INFO, &cmd)) {
			int err = errno;

			free(buf);
			errno = err;
			return -1;
		}
		if (cmd.device_data_len <= size) {
			*type = cmd.out_device_type;
			*data = buf;
			*len = cmd.device_data_len;
			return 0;
		}
		if (cmd.device_data_len > MAX_INFO_LEN)
			break;
		size = cmd.device_data_len;
	}
	free(buf);
	errno = EOVERFLOW;
	return -1;
}

static int cmd_list(int argc, char **argv)
{
	struct dirent **names;
	int n, i;

	(void)argv;
	if (argc)
		usage_error("list takes no arguments");
	n = scandir(FWCTL_CLASS_DIR, &names, NULL, versionsort);
	if (n < 0) {
		if (errno == ENOENT) {
			fprintf(stderr,
				"%s: no fwctl devices (%s does not exist: is the fwctl module loaded?)\n",
				progname, FWCTL_CLASS_DIR);
			return 0;
		}
		error("cannot read %s: %s", FWCTL_CLASS_DIR, strerror(errno));
		return 1;
	}
	printf("%-10s %-22s %-8s %-16s %s\n", "NAME", "NODE", "TYPE",
	       "DRIVER", "PARENT");
	for (i = 0; i != n; i++) {
		char path[PATH_MAX], parent[PATH_MAX], node[PATH_MAX];
		char driver[PATH_MAX] = "-", type[64] = "?";
		const char *name = names[i]->d_name;
		struct fwctl_info cmd = { .size = sizeof(cmd) };
		ssize_t len;
		int fd;

		if (name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/device", FWCTL_CLASS_DIR,
			 name);
		if (!realpath(path, parent))
			snprintf(parent, sizeof(parent), "-");
		snprintf(path, sizeof(path), "%s/%s/device/driver",
			 FWCTL_CLASS_DIR, name);
		len = readlink(path, driver, sizeof(driver) - 1);
		if (len > 0) {
			char *slash;

			driver[len] = 0;
			slash = strrchr(driver, '/');
			if (slash)
				memmove(driver, slash + 1, strlen(slash));
		}
		snprintf(node, sizeof(node), "%s/%s", FWCTL_DEV_DIR, name);
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			snprintf(type, sizeof(type), "?(%s)",
				 errno_name(errno));
		} else {
			if (ioctl(fd, FWCTL_INFO, &cmd))
				snprintf(type, sizeof(type), "?(%s)",
					 errno_name(errno));
			else
				snprintf(type, sizeof(type), "%s",
					 device_type_name(cmd.out_device_type));
			close(fd);
		}
		printf("%-10s %-22s %-8s %-16s %s\n", name, node, type, driver,
		       parent);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void print_mock_info(const void *data, __u32 len)
{
	struct fwctl_info_mock info = {};

	memcpy(&info, data, len < sizeof(info) ? len : sizeof(info));
	printf("mock firmware version: %u.%u (0x%08x)\n",
	       info.fw_version >> 16, info.fw_version & 0xffff,
	       info.fw_version);
	printf("context id of this open: %u\n", info.uctx_id);
	printf("objects per open: %u\n", info.max_objects);
}

/* mlx5: the FD's firmware user context */
static void print_mlx5_info(const void *data, __u32 len)
{
	struct fwctl_info_mlx5 info = {};

	if (len < sizeof(info)) {
		printf("device data too short for mlx5 (%zu bytes)\n", sizeof(info));
		return;
	}
	memcpy(&info, data, sizeof(info));
	printf("user context id (uid): %u\n", info.uid);
	printf("user context capabilities: 0x%x%s\n", info.uctx_caps,
	       info.uctx_caps & 0x4 ? " (tools resources)" : "");
}

/* PDS: what the FD may do; upstream's value is 1 for query and send */
static void print_pds_info(const void *data, __u32 len)
{
	struct fwctl_info_pds info = {};

	if (len < sizeof(info)) {
		printf("device data too short for pds (%zu bytes)\n", sizeof(info));
		return;
	}
	memcpy(&info, data, sizeof(info));
	printf("capabilities: 0x%x\n", info.uctx_caps);
}

static int cmd_info(int argc, char **argv)
{
	char path[PATH_MAX];
	void *data;
	__u32 type, len;
	int fd;

	if (argc != 1)
		usage_error("info takes one argument, the device");
	fd = open_device(argv[0], path, sizeof(path));
	if (get_info(fd, &type, &data, &len)) {
		ioctl_error("INFO");
		close(fd);
		return 1;
	}
	printf("device: %s\n", path);
	printf("type: %s (%u, 0x%x)\n", device_type_name(type), type, type);
	printf("device data: %u bytes\n", len);
	hexdump(data, len);
	if (type == FWCTL_DEVICE_TYPE_MOCK)
		print_mock_info(data, len);
	else if (type == FWCTL_DEVICE_TYPE_MLX5)
		print_mlx5_info(data, len);
	else if (type == FWCTL_DEVICE_TYPE_PDS)
		print_pds_info(data, len);
	free(data);
	close(fd);
	return 0;
}

/*
 * Send one RPC. The response buffer is @out_len bytes; on success *@rsp is
 * the response, of which min(*@rsp_len, @out_len) bytes are valid, and
 * *@rsp_len its full length.
 */
static int do_rpc(int fd, __u32 scope, const void *in, size_t in_len,
		  __u32 out_len, void **rsp, __u32 *rsp_len)
{
	struct fwctl_rpc cmd = {
		.size = sizeof(cmd),
		.scope = scope,
		.in_len = in_len,
		.out_len = out_len,
		.in = (uintptr_t)in,
	};
	void *out;

	out = calloc(1, out_len ? out_len : 1);
	if (!out)
		return -1;
	cmd.out = (uintptr_t)out;
	if (ioctl(fd, FWCTL_RPC, &cmd)) {
		int err = errno;

		free(out);
		errno = err;
		return -1;
	}
	*rsp = out;
	*rsp_len = cmd.out_len;
	return 0;
}

static int cmd_rpc(int argc, char **argv)
{
	unsigned long long out_len = DEFAULT_OUT_LEN;
	const char *in_file = NULL, *out_file = NULL;
	struct bytes req = {};
	bool have_scope = false, opts = true;
	__u32 scope = 0, rsp_len;
	char path[PATH_MAX];
	void *rsp;
	int fd, i;

	if (argc < 1)
		usage_error("rpc needs a device");
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (opts && !strcmp(arg, "--")) {
			opts = false;
		} else if (opts && (!strcmp(arg, "--scope") ||
				    !strcmp(arg, "-s"))) {
			if (++i == argc)
				usage_error("%s needs a value", arg);
			scope = parse_scope(argv[i]);
			have_scope = true;
		} else if (opts && !strncmp(arg, "--scope=", 8)) {
			scope = parse_scope(arg + 8);
			have_scope = true;
		} else if (opts && (!strcmp(arg, "--out-len") ||
				    !strncmp(arg, "--out-len=", 10))) {
			const char *val = arg[9] ? arg + 10 : argv[++i];

			if (!val)
				usage_error("--out-len needs a value");
			if (!parse_u64(val, UINT32_MAX, &out_len))
				usage_error("bad --out-len '%s'", val);
		} else if (opts && !strcmp(arg, "-f")) {
			if (++i == argc)
				usage_error("-f needs a file name");
			in_file = argv[i];
		} else if (opts && !strcmp(arg, "-o")) {
			if (++i == argc)
				usage_error("-o needs a file name");
			out_file = argv[i];
		} else if (opts && arg[0] == '-' && arg[1]) {
			usage_error("unknown option '%s'", arg);
		} else {
			parse_hex(&req, arg);
		}
	}
	if (!have_scope)
		usage_error("rpc needs --scope config|read|write|full");
	if (in_file && req.len)
		usage_error("give the request as hex bytes or with -f, not both");
	if (in_file)
		read_all(&req, in_file);
	else if (!req.len)
		usage_error("rpc needs a request: hex bytes or -f FILE");

	fd = open_device(argv[0], path, sizeof(path));
	if (do_rpc(fd, scope, req.data, req.len, out_len, &rsp, &rsp_len)) {
		ioctl_error("RPC");
		close(fd);
		free(req.data);
		return 1;
	}
	close(fd);
	free(req.data);

	if (out_file) {
		FILE *f = strcmp(out_file, "-") ? fopen(out_file, "w") : stdout;
		size_t n = rsp_len < out_len ? rsp_len : out_len;

		if (!f || fwrite(rsp, 1, n, f) != n ||
		    (f != stdout && fclose(f))) {
			error("cannot write %s: %s", out_file, strerror(errno));
			free(rsp);
			return 1;
		}
		if (f != stdout)
			fprintf(stderr, "response: %u bytes written to %s\n",
				rsp_len, out_file);
	} else {
		printf("response: %u bytes\n", rsp_len);
		hexdump(rsp, rsp_len < out_len ? rsp_len : out_len);
	}
	if (rsp_len > out_len)
		fprintf(stderr,
			"%s: response truncated to %llu of %u bytes; retry with --out-len %u\n",
			progname, out_len, rsp_len, rsp_len);
	free(rsp);
	return 0;
}

/* The mock device */

static const char *mock_status_name(__u16 status)
{
	switch (status) {
	case FWCTL_MOCK_STATUS_OK: return "OK";
	case FWCTL_MOCK_STATUS_NO_OBJECT: return "NO_OBJECT";
	case FWCTL_MOCK_STATUS_BAD_ARG: return "BAD_ARG";
	default: return "unknown";
	}
}

/*
 * Send one mock command with a response buffer of @out_len bytes, at least a
 * header. Returns the response, whose header has been checked, and in
 * *@rsp_len the number of its bytes that are in the buffer: never more than
 * @out_len, whatever length the kernel reports. Returns NULL after reporting
 * the failure.
 */
static struct fwctl_mock_rsp *mock_cmd(int fd, __u32 scope, __u16 opcode,
				       __u64 arg, const void *payload,
				       size_t payload_len, __u32 out_len,
				       __u32 *rsp_len)
{
	struct fwctl_mock_cmd hdr = { .opcode = opcode, .arg = arg };
	struct fwctl_mock_rsp *rsp;
	struct bytes req = {};
	__u32 full_len;
	void *out;

	bytes_add(&req, &hdr, sizeof(hdr));
	if (payload_len)
		bytes_add(&req, payload, payload_len);
	if (do_rpc(fd, scope, req.data, req.len, out_len, &out, &full_len)) {
		ioctl_error("RPC");
		free(req.data);
		return NULL;
	}
	free(req.data);
	rsp = out;
	*rsp_len = full_len < out_len ? full_len : out_len;
	if (*rsp_len < sizeof(*rsp) || rsp->opcode != opcode) {
		error("malformed response of %u bytes", full_len);
		free(out);
		return NULL;
	}
	if (full_len > out_len)
		error("response of %u bytes cut to the %u bytes expected",
		      full_len, out_len);
	if (opcode != FWCTL_MOCK_OP_ECHO && rsp->status) {
		error("firmware status: %s (%u)", mock_status_name(rsp->status),
		      rsp->status);
		free(out);
		return NULL;
	}
	return rsp;
}

static unsigned long long mock_number(const char *what, const char *s,
				      unsigned long long max)
{
	unsigned long long val;

	if (!parse_u64(s, max, &val))
		usage_error("bad %s '%s'", what, s);
	return val;
}

static int cmd_mock(int argc, char **argv)
{
	struct fwctl_mock_rsp *rsp = NULL;
	bool have_scope = false;
	char path[PATH_MAX];
	struct bytes payload = {};
	const char *req, *dev;
	__u32 type, len, rsp_len;
	__u32 scope = 0;
	void *info;
	int fd, nargs;

	if (argc < 2)
		usage_error("mock needs a device and a request");
	dev = argv[0];
	argc--;
	argv++;
	if (!strcmp(argv[0], "--scope") || !strcmp(argv[0], "-s")) {
		if (argc < 3)
			usage_error("mock needs a request after --scope SCOPE");
		scope = parse_scope(argv[1]);
		have_scope = true;
		argc -= 2;
		argv += 2;
	} else if (!strncmp(argv[0], "--scope=", 8)) {
		scope = parse_scope(argv[0] + 8);
		have_scope = true;
		argc--;
		argv++;
	}
	if (argc < 1)
		usage_error("mock needs a request");
	req = argv[0];
	nargs = argc - 1;

	/* Check the arguments before touching the device */
	if (!strcmp(req, "query") || !strcmp(req, "echo") ||
	    !strcmp(req, "read-log") || !strcmp(req, "read-reg") ||
	    !strcmp(req, "obj-create")) {
		int want = strcmp(req, "query") ? 1 : 0;

		if (nargs != want)
			usage_error("mock %s takes %d argument%s", req, want,
				    want == 1 ? "" : "s");
	} else if (!strcmp(req, "write-reg") || !strcmp(req, "poke")) {
		if (nargs != 2)
			usage_error("mock %s takes 2 arguments", req);
	} else if (!strcmp(req, "sum")) {
		if (nargs < 1)
			usage_error("mock sum needs hex bytes");
	} else {
		usage_error("unknown mock request '%s'", req);
	}

	fd = open_device(dev, path, sizeof(path));
	if (get_info(fd, &type, &info, &len)) {
		ioctl_error("INFO");
		close(fd);
		return 1;
	}
	free(info);
	if (type != FWCTL_DEVICE_TYPE_MOCK) {
		error("%s is a %s device (type %u), not the mock", path,
		      device_type_name(type), type);
		close(fd);
		return 1;
	}

	if (!strcmp(req, "query")) {
		struct fwctl_mock_query *q;

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_QUERY, 0, NULL, 0,
			       sizeof(*rsp) + sizeof(*q), &rsp_len);
		if (rsp && rsp_len < sizeof(*rsp) + sizeof(*q)) {
			error("malformed response of %u bytes", rsp_len);
			free(rsp);
			rsp = NULL;
		}
		if (rsp) {
			q = (struct fwctl_mock_query *)(rsp + 1);
			printf("firmware version: %u.%u (0x%08x)\n",
			       q->fw_version >> 16, q->fw_version & 0xffff,
			       q->fw_version);
			printf("objects held by this open: %u\n",
			       q->nr_objects);
			printf("debug registers: %u\n", q->nr_regs);
			printf("firmware memory: %u bytes\n", q->mem_size);
		}
	} else if (!strcmp(req, "echo")) {
		size_t n = strlen(argv[1]);

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_ECHO, n, argv[1], n,
			       sizeof(*rsp) + n, &rsp_len);
		if (rsp) {
			printf("echoed %u bytes: %.*s\n", rsp_len,
			       (int)(rsp_len - sizeof(*rsp)),
			       (char *)(rsp + 1));
		}
	} else if (!strcmp(req, "sum")) {
		int i;

		for (i = 1; i <= nargs; i++)
			parse_hex(&payload, argv[i]);
		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_SUM, 0, payload.data, payload.len,
			       sizeof(*rsp), &rsp_len);
		if (rsp)
			printf("sum of %zu bytes: %llu\n", payload.len,
			       (unsigned long long)rsp->value);
	} else if (!strcmp(req, "obj-create")) {
		__u64 tag = mock_number("tag", argv[1], ULLONG_MAX);

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_CONFIGURATION,
			       FWCTL_MOCK_OP_OBJ_CREATE, tag, NULL, 0,
			       sizeof(*rsp), &rsp_len);
		if (rsp)
			printf("created object %llu, tag %llu (freed when this program exits)\n",
			       (unsigned long long)rsp->value,
			       (unsigned long long)tag);
	} else if (!strcmp(req, "read-log")) {
		__u64 n = mock_number("length", argv[1],
				      FWCTL_MAX_RPC_LEN - sizeof(*rsp));

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_MOCK_OP_READ_LOG, n, NULL, 0,
			       sizeof(*rsp) + n, &rsp_len);
		if (rsp) {
			/* Only what is both claimed and received */
			__u32 got = rsp_len - sizeof(*rsp);

			if (rsp->len != got)
				error("the header claims %u bytes of log, %u came",
				      rsp->len, got);
			if (rsp->len < got)
				got = rsp->len;
			printf("firmware log: %u bytes\n", got);
			hexdump(rsp + 1, got);
		}
	} else if (!strcmp(req, "read-reg")) {
		__u64 reg = mock_number("register", argv[1], ULLONG_MAX);

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_MOCK_OP_READ_REG, reg, NULL, 0,
			       sizeof(*rsp), &rsp_len);
		if (rsp)
			printf("register %llu: 0x%016llx\n",
			       (unsigned long long)reg,
			       (unsigned long long)rsp->value);
	} else if (!strcmp(req, "write-reg")) {
		__u64 reg = mock_number("register", argv[1], ULLONG_MAX);
		__u64 val = mock_number("value", argv[2], ULLONG_MAX);

		rsp = mock_cmd(fd, have_scope ? scope : FWCTL_RPC_DEBUG_WRITE,
			       FWCTL_MOCK_OP_WRITE_REG, reg, &val, sizeof(val),
			       sizeof(*rsp), &rsp_len);
		if (rsp)
			printf("register %llu: 0x%016llx -> 0x%016llx\n",
			       (unsigned long long)reg,
			       (unsigned long long)rsp->value,
			       (unsigned long long)val);
	} else if (!strcmp(req, "poke")) {
		__u64 off = mock_number("offset", argv[1], ULLONG_MAX);

		parse_hex(&payload, argv[2]);
		if (!payload.len)
			usage_error("poke needs at least one byte");
		rsp = mock_cmd(fd,
			       have_scope ? scope : FWCTL_RPC_DEBUG_WRITE_FULL,
			       FWCTL_MOCK_OP_POKE, off, payload.data,
			       payload.len, sizeof(*rsp), &rsp_len);
		if (rsp)
			printf("wrote %llu bytes at offset %llu\n",
			       (unsigned long long)rsp->value,
			       (unsigned long long)off);
	}
	free(payload.data);
	close(fd);
	if (!rsp)
		return 1;
	free(rsp);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
	}
	if (argc < 2)
		usage_error("missing command");
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc, argv);
	if (!strcmp(cmd, "rpc"))
		return cmd_rpc(argc, argv);
	if (!strcmp(cmd, "mock"))
		return cmd_mock(argc, argv);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	usage_error("unknown command '%s'", cmd);
}
