// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl - list fwctl devices and send RPCs to their firmware
 *
 * A front end to the two fwctl ioctls, FWCTL_INFO and FWCTL_RPC: the
 * commands every device type shares are here, the CXL Features commands in
 * cxl.c and the requests of the fwctl_mock test device in mock.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include <fwctl/pds.h>

#include "fwctl.h"

#ifndef FWCTL_VERSION
#define FWCTL_VERSION "unknown"
#endif

#define DEFAULT_OUT_LEN 4096
/* Device data is a few bytes; a length past this is a broken driver */
#define MAX_INFO_LEN (16 * 1024 * 1024)
/* FWCTL_INFO calls to get device data whose length changes between calls */
#define INFO_TRIES 4

/* Where the devices are found; the host test points these elsewhere */
static const char *class_dir = "/sys/class/fwctl";
static const char *dev_dir = "/dev/fwctl";

static const char *progname = "fwctl";
bool json_output;
/* The command being run ("cxl get"), for "Try 'fwctl cxl get --help'" */
static char command_path[64];

void print_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

noreturn void usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nUsage: %s %s\nTry '%s %s --help' for more information.\n",
			progname, cmd->usage, progname, command_path);
	else
		fprintf(stderr, "\nTry '%s --help' for more information.\n",
			progname);
	exit(EXIT_USAGE);
}

void print_help(const struct command *cmd)
{
	printf("Usage: %s %s\n\n%s", progname, cmd->usage, cmd->help);
}

const char *errno_name(int err)
{
	static char buf[32];

	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
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
		return "the kernel or driver does not know that scope, flag or command";
	case EMSGSIZE:
		return "a length is over the 2 MiB limit or outside the device's format";
	case EINVAL:
		return "the driver found the request malformed or not allowed at this --scope";
	case ENOTTY:
		return "not an fwctl device, or a kernel without this ioctl";
	case EIO:
		return "the driver or firmware failed; the kernel log says more";
	case ETIMEDOUT:
		return "the firmware did not answer in time; retry, then check the device";
	case EBUSY:
	case EAGAIN:
		return "the device is busy; retry";
	case EINTR:
		return "interrupted by a signal; retry";
	case ENOSPC:
		return "the firmware holds all it can for this open; close other opens";
	case ENOMEM:
		return "the kernel is out of memory; a smaller --out-len may help";
	case E2BIG:
		return "this tool and the kernel disagree on a struct; update the tool";
	default:
		return NULL;
	}
}

/*
 * Print "fwctl: WHAT failed: <strerror> (<ERRNAME>)" for errno, and a line
 * saying what to do about it when there is one.
 */
void ioctl_error(const char *what)
{
	int err = errno;
	const char *hint = errno_hint(err);

	print_error("%s failed: %s (%s)", what, strerror(err), errno_name(err));
	if (hint)
		print_error("%s", hint);
}

/* The options every command takes */
static const struct option common_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
};

/* Long options of a command, its own and the common ones */
#define MAX_OPTIONS 16

int next_option(const struct command *cmd, int argc, char **argv,
		const char *short_opts, const struct option *long_opts)
{
	struct option all[MAX_OPTIONS + 1] = {};
	char shorts[64];
	size_t n;
	int c;

	/* ':' first: a missing value is ':', not '?' */
	snprintf(shorts, sizeof(shorts), ":hj%s", short_opts);
	memcpy(all, common_options, sizeof(common_options));
	n = ARRAY_SIZE(common_options);
	for (; long_opts && long_opts->name && n < MAX_OPTIONS; long_opts++)
		all[n++] = *long_opts;
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, shorts, all, NULL);
		switch (c) {
		case 'h':
			print_help(cmd);
			exit(0);
		case 'j':
			json_output = true;
			break;
		case ':':
			usage_error(cmd, "option '%s' needs a value",
				    argv[optind - 1]);
		case '?':
			/* optopt is not the option for a misused long one */
			if (!strncmp(argv[optind - 1], "--", 2))
				usage_error(cmd, "unknown, ambiguous or misused option '%s'",
					    argv[optind - 1]);
			usage_error(cmd, "unknown option '-%c'", optopt);
		default:
			return c;
		}
	}
}

void no_options(const struct command *cmd, int argc, char **argv)
{
	if (next_option(cmd, argc, argv, "", NULL) != -1)
		usage_error(cmd, "unexpected option");
}

/* Parse an unsigned number that must fit in @max */
bool parse_u64(const char *s, unsigned long long max, unsigned long long *val)
{
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*val = strtoull(s, &end, 0);
	return !errno && !*end && *val <= max;
}

unsigned long long parse_number(const struct command *cmd, const char *what,
				const char *s, unsigned long long max)
{
	unsigned long long val;

	if (!parse_u64(s, max, &val))
		usage_error(cmd, "bad %s '%s': want a number up to %llu", what,
			    s, max);
	return val;
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

__u32 parse_scope(const struct command *cmd, const char *s)
{
	unsigned long long val;
	size_t i;

	for (i = 0; i != ARRAY_SIZE(scopes); i++)
		if (!strcmp(s, scopes[i].name) ||
		    !strcmp(s, scopes[i].long_name))
			return scopes[i].scope;
	if (parse_u64(s, UINT32_MAX, &val))
		return val;
	usage_error(cmd, "unknown scope '%s': use config, read, write or full",
		    s);
}

/* The short name of @scope, or NULL for one this tool does not know */
const char *scope_name(__u32 scope)
{
	size_t i;

	for (i = 0; i != ARRAY_SIZE(scopes); i++)
		if (scopes[i].scope == scope)
			return scopes[i].name;
	return NULL;
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

void bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + len)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data) {
			print_error("out of memory");
			exit(EXIT_KERNEL);
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
void parse_hex(const struct command *cmd, struct bytes *b, const char *s)
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
			usage_error(cmd, "bad hex bytes '%s': want digit pairs like '0a 1b'",
				    s);
		byte = hi << 4 | lo;
		bytes_add(b, &byte, 1);
		p += 2;
	}
}

/*
 * Append the contents of @path (- for standard input), stopping once past
 * the largest request the kernel takes. Returns 0, or -1 after an error
 * message.
 */
int read_file(struct bytes *b, const char *path)
{
	unsigned char buf[65536];
	ssize_t n;
	int fd;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		print_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		bytes_add(b, buf, n);
		if (b->len > FWCTL_MAX_RPC_LEN)
			break;
	}
	if (n < 0)
		print_error("cannot read %s: %s", path, strerror(errno));
	if (fd != STDIN_FILENO)
		close(fd);
	return n < 0 ? -1 : 0;
}

/* Write @len bytes to @path (- for standard output): 0, or -1 after an error */
int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f || fwrite(data, 1, len, f) != len ||
	    (f == stdout ? fflush(f) : fclose(f))) {
		print_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void hexdump(const void *data, size_t len)
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

struct json_object *json_hex(const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	struct json_object *obj;
	char *s;
	size_t i;

	s = malloc(2 * len + 1);
	if (!s) {
		print_error("out of memory");
		exit(EXIT_KERNEL);
	}
	for (i = 0; i != len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	obj = json_object_new_string_len(s, 2 * len);
	free(s);
	return obj;
}

/* Print @obj as the one JSON document of the command, and free it */
void json_print(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/* A scope by its short name, or its number if it has none */
struct json_object *json_scope(__u32 scope)
{
	const char *name = scope_name(scope);

	return name ? json_object_new_string(name) :
		      json_object_new_int64(scope);
}

void json_add_int(struct json_object *obj, const char *key, long long val)
{
	json_object_object_add(obj, key, json_object_new_int64(val));
}

void json_add_u64(struct json_object *obj, const char *key, __u64 val)
{
	json_object_object_add(obj, key, json_object_new_uint64(val));
}

void json_add_bool(struct json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

/* @s as a string, or null if it is NULL or empty */
void json_add_str(struct json_object *obj, const char *key, const char *s)
{
	json_object_object_add(obj, key,
			       s && *s ? json_object_new_string(s) : NULL);
}

const char *device_type_name(__u32 type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_ERROR: return "error";
	case FWCTL_DEVICE_TYPE_MLX5: return "mlx5";
	case FWCTL_DEVICE_TYPE_CXL: return "cxl";
	case FWCTL_DEVICE_TYPE_BNXT: return "bnxt";
	case FWCTL_DEVICE_TYPE_PDS: return "pds";
	case FWCTL_TOOL_MOCK_TYPE: return "mock";
	default: return "unknown";
	}
}

/* --- Devices ------------------------------------------------------------- */

/* What sysfs says of one fwctl device; empty strings for what it does not */
struct sysfs_device {
	char name[NAME_MAX + 1];
	char parent[NAME_MAX + 1];	/* the device the driver registered on */
	char parent_bus[NAME_MAX + 1];
	char parent_driver[NAME_MAX + 1];
	char dev[32];			/* MAJOR:MINOR */
	char sysfs[PATH_MAX];
};

/* The last component of the target of the link @dir/@name/@link */
static void link_basename(const char *name, const char *link, char *buf,
			  size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/%s/%s", class_dir, name, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	/* sysfs names fit in NAME_MAX; anything longer is not one */
	if (strlen(base) < len)
		memcpy(buf, base, strlen(base) + 1);
}

static void read_sysfs_device(const char *name, struct sysfs_device *d)
{
	char path[PATH_MAX];
	FILE *f;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	link_basename(name, "device", d->parent, sizeof(d->parent));
	link_basename(name, "device/subsystem", d->parent_bus,
		      sizeof(d->parent_bus));
	link_basename(name, "device/driver", d->parent_driver,
		      sizeof(d->parent_driver));
	snprintf(path, sizeof(path), "%s/%s/dev", class_dir, name);
	f = fopen(path, "re");
	if (f) {
		if (fgets(d->dev, sizeof(d->dev), f))
			d->dev[strcspn(d->dev, "\n")] = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/%s", class_dir, name);
	if (!realpath(path, d->sysfs))
		d->sysfs[0] = 0;
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* The names in the class directory, in version order; -1 with errno set */
static int scan_devices(struct dirent ***names)
{
	return scandir(class_dir, names, not_dot, versionsort);
}

static void free_names(struct dirent **names, int n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* Whether @arg names the parent @parent: "03:00.0" is "0000:03:00.0" */
static bool parent_matches(const char *parent, const char *arg)
{
	size_t plen = strlen(parent), alen = strlen(arg);

	if (!strcmp(parent, arg))
		return true;
	return plen == alen + 5 && !strncmp(parent, "0000:", 5) &&
	       !strcmp(parent + 5, arg);
}

/*
 * Find the fwctl device named by @arg: a class device name, or the name of
 * its parent. Returns false if there is none; two for one parent is a
 * usage error that names them.
 */
static bool find_device(const struct command *cmd, const char *arg,
			char *name, size_t len)
{
	char parent[NAME_MAX + 1], path[PATH_MAX], both[2 * NAME_MAX + 8];
	struct dirent **names;
	int n, i, found = -1;

	snprintf(path, sizeof(path), "%s/%s", class_dir, arg);
	if (!access(path, F_OK)) {
		snprintf(name, len, "%s", arg);
		return true;
	}
	n = scan_devices(&names);
	for (i = 0; i < n; i++) {
		link_basename(names[i]->d_name, "device", parent,
			      sizeof(parent));
		if (!parent_matches(parent, arg))
			continue;
		if (found >= 0) {
			snprintf(both, sizeof(both), "%s and %s",
				 names[found]->d_name, names[i]->d_name);
			free_names(names, n);
			usage_error(cmd, "%s has more than one fwctl device (%s): name one",
				    arg, both);
		}
		found = i;
	}
	if (found >= 0)
		snprintf(name, len, "%s", names[found]->d_name);
	if (n >= 0)
		free_names(names, n);
	return found >= 0;
}

/*
 * Open the device @arg names: a node path (anything with a '/'), a class
 * device name such as fwctl0, or the name of its parent (mem0, a PCI
 * address). Exits on failure.
 */
void open_device(const struct command *cmd, const char *arg,
		 struct device *dev)
{
	const char *slash = strrchr(arg, '/');

	if (slash) {
		snprintf(dev->node, sizeof(dev->node), "%s", arg);
		snprintf(dev->name, sizeof(dev->name), "%s", slash + 1);
	} else if (find_device(cmd, arg, dev->name, sizeof(dev->name))) {
		snprintf(dev->node, sizeof(dev->node), "%s/%s", dev_dir,
			 dev->name);
	} else {
		/* A node without a class directory, as in a bare /dev */
		snprintf(dev->node, sizeof(dev->node), "%s/%s", dev_dir, arg);
		snprintf(dev->name, sizeof(dev->name), "%s", arg);
		if (access(dev->node, F_OK)) {
			print_error("no fwctl device '%s', and no device with that parent",
				    arg);
			fprintf(stderr, "%s: '%s list' shows the devices\n",
				progname, progname);
			exit(EXIT_KERNEL);
		}
	}
	dev->fd = open(dev->node, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		int err = errno;

		print_error("cannot open %s: %s (%s)", dev->node, strerror(err),
			    errno_name(err));
		if (err == EACCES)
			print_error("fwctl device nodes are root's by default");
		else if (err == ENOENT || err == ENODEV || err == ENXIO)
			print_error("'%s list' shows the devices there are", progname);
		exit(EXIT_KERNEL);
	}
}

/* open_device(), for a command that works only on devices of @type */
void open_device_of_type(const struct command *cmd, const char *arg,
			 struct device *dev, __u32 type)
{
	__u32 got, len;
	void *data;

	open_device(cmd, arg, dev);
	if (get_info(dev->fd, &got, &data, &len)) {
		ioctl_error("INFO");
		exit(EXIT_KERNEL);
	}
	free(data);
	if (got != type)
		usage_error(cmd, "%s is a %s device (type %u), not a %s one",
			    dev->node, device_type_name(got), got,
			    device_type_name(type));
}

/*
 * FWCTL_INFO into a buffer that grows until the device data fits. The length
 * the kernel reports is only believed up to the buffer it was given: a
 * length that keeps growing or is beyond reason fails with EOVERFLOW.
 */
int get_info(int fd, __u32 *type, void **data, __u32 *len)
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

/*
 * Send one RPC. The response buffer is @out_len bytes; on success *@rsp is
 * the response, of which min(*@rsp_len, @out_len) bytes are valid, and
 * *@rsp_len its full length.
 */
int do_rpc(int fd, __u32 scope, const void *in, size_t in_len,
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

/* --- list ---------------------------------------------------------------- */

/* The device type of @name, or -1 with errno set */
static long long device_type(const char *name)
{
	struct fwctl_info cmd = { .size = sizeof(cmd) };
	char node[PATH_MAX];
	int fd, err;

	snprintf(node, sizeof(node), "%s/%s", dev_dir, name);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ioctl(fd, FWCTL_INFO, &cmd)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return cmd.out_device_type;
}

static struct json_object *list_json(const struct sysfs_device *d,
				     long long type, int err)
{
	struct json_object *obj = json_object_new_object();
	char node[PATH_MAX];

	snprintf(node, sizeof(node), "%s/%s", dev_dir, d->name);
	json_add_str(obj, "name", d->name);
	json_add_str(obj, "node", node);
	json_add_str(obj, "dev", d->dev);
	json_add_str(obj, "type", type < 0 ? NULL : device_type_name(type));
	if (type < 0)
		json_object_object_add(obj, "type_id", NULL);
	else
		json_add_int(obj, "type_id", type);
	json_add_str(obj, "error", type < 0 ? errno_name(err) : NULL);
	json_add_str(obj, "parent", d->parent);
	json_add_str(obj, "parent_bus", d->parent_bus);
	json_add_str(obj, "parent_driver", d->parent_driver);
	json_add_str(obj, "sysfs", d->sysfs);
	return obj;
}

static int cmd_list(const struct command *cmd, int argc, char **argv)
{
	struct json_object *array = NULL;
	struct dirent **names;
	int n, i;

	no_options(cmd, argc, argv);
	if (optind != argc)
		usage_error(cmd, "list takes no arguments");
	n = scan_devices(&names);
	if (n < 0 && errno != ENOENT) {
		print_error("cannot read %s: %s", class_dir, strerror(errno));
		return EXIT_KERNEL;
	}
	if (n < 0) {
		n = 0;
		names = NULL;
		print_error("no fwctl devices (%s does not exist: is fwctl loaded?)",
			    class_dir);
	}
	if (json_output)
		array = json_object_new_array();
	else if (n)
		printf("%-10s %-20s %-8s %-20s %-9s %s\n", "NAME", "NODE",
		       "TYPE", "PARENT", "BUS", "DRIVER");
	for (i = 0; i != n; i++) {
		struct sysfs_device d;
		char node[PATH_MAX], type_str[64];
		long long type;
		int err;

		read_sysfs_device(names[i]->d_name, &d);
		type = device_type(d.name);
		err = errno;
		if (array) {
			json_object_array_add(array, list_json(&d, type, err));
			continue;
		}
		if (type < 0)
			snprintf(type_str, sizeof(type_str), "?(%s)",
				 errno_name(err));
		else
			snprintf(type_str, sizeof(type_str), "%s",
				 device_type_name(type));
		snprintf(node, sizeof(node), "%s/%s", dev_dir, d.name);
		printf("%-10s %-20s %-8s %-20s %-9s %s\n", d.name, node,
		       type_str, d.parent[0] ? d.parent : "-",
		       d.parent_bus[0] ? d.parent_bus : "-",
		       d.parent_driver[0] ? d.parent_driver : "-");
	}
	free_names(names, n);
	if (array)
		json_print(array);
	return 0;
}

/* --- info ---------------------------------------------------------------- */

/* mlx5: the FD's firmware user context */
static void mlx5_print_info(const void *data)
{
	struct fwctl_info_mlx5 info;

	memcpy(&info, data, sizeof(info));
	printf("user context id (uid): %u\n", info.uid);
	printf("user context capabilities: 0x%x%s\n", info.uctx_caps,
	       info.uctx_caps & 0x4 ? " (tools resources)" : "");
}

static struct json_object *mlx5_json_info(const void *data)
{
	struct json_object *obj = json_object_new_object();
	struct fwctl_info_mlx5 info;

	memcpy(&info, data, sizeof(info));
	json_add_int(obj, "uid", info.uid);
	json_add_int(obj, "uctx_caps", info.uctx_caps);
	return obj;
}

/* PDS: what the FD may do; upstream's value is 1 for query and send */
static void pds_print_info(const void *data)
{
	struct fwctl_info_pds info;

	memcpy(&info, data, sizeof(info));
	printf("capabilities: 0x%x\n", info.uctx_caps);
}

static struct json_object *pds_json_info(const void *data)
{
	struct json_object *obj = json_object_new_object();
	struct fwctl_info_pds info;

	memcpy(&info, data, sizeof(info));
	json_add_int(obj, "uctx_caps", info.uctx_caps);
	return obj;
}

/* CXL: no device data, so nothing to print and an empty object */
static void cxl_print_info(const void *data)
{
	(void)data;
}

static struct json_object *cxl_json_info(const void *data)
{
	(void)data;
	return json_object_new_object();
}

static const struct info_decoder info_decoders[] = {
	{ FWCTL_DEVICE_TYPE_MLX5, sizeof(struct fwctl_info_mlx5),
	  mlx5_print_info, mlx5_json_info },
	{ FWCTL_DEVICE_TYPE_PDS, sizeof(struct fwctl_info_pds),
	  pds_print_info, pds_json_info },
	{ FWCTL_DEVICE_TYPE_CXL, 0, cxl_print_info, cxl_json_info },
};

/* The decoder of @type's device data, or NULL if the tool has none */
static const struct info_decoder *find_decoder(__u32 type)
{
	size_t i;

#ifndef FWCTL_NO_MOCK
	if (type == mock_info_decoder.type)
		return &mock_info_decoder;
#endif
	for (i = 0; i != ARRAY_SIZE(info_decoders); i++)
		if (info_decoders[i].type == type)
			return &info_decoders[i];
	return NULL;
}

static int cmd_info(const struct command *cmd, int argc, char **argv)
{
	const struct info_decoder *dec;
	struct json_object *obj;
	struct device dev;
	void *data;
	__u32 type, len;

	no_options(cmd, argc, argv);
	if (argc - optind != 1)
		usage_error(cmd, "info takes one argument, the device");
	open_device(cmd, argv[optind], &dev);
	if (get_info(dev.fd, &type, &data, &len)) {
		ioctl_error("INFO");
		close(dev.fd);
		return EXIT_KERNEL;
	}
	close(dev.fd);
	dec = find_decoder(type);
	if (dec && len < dec->len) {
		print_error("device data too short for %s: %u bytes, want %zu",
			    device_type_name(type), len, dec->len);
		dec = NULL;
	}
	if (!json_output) {
		printf("device: %s\n", dev.node);
		printf("type: %s (%u, 0x%x)\n", device_type_name(type), type,
		       type);
		if (dec)
			dec->print(data);
		printf("device data: %u bytes\n", len);
		hexdump(data, len);
		free(data);
		return 0;
	}
	obj = json_object_new_object();
	json_add_str(obj, "name", dev.name);
	json_add_str(obj, "node", dev.node);
	json_add_str(obj, "type", device_type_name(type));
	json_add_int(obj, "type_id", type);
	json_add_int(obj, "device_data_len", len);
	json_object_object_add(obj, "device_data", json_hex(data, len));
	json_object_object_add(obj, "decoded", dec ? dec->json(data) : NULL);
	json_print(obj);
	free(data);
	return 0;
}

/* --- rpc ----------------------------------------------------------------- */

static const struct option rpc_options[] = {
	{ "scope", required_argument, NULL, 's' },
	{ "in", required_argument, NULL, 'i' },
	{ "out", required_argument, NULL, 'o' },
	{ "out-len", required_argument, NULL, 'l' },
	{}
};

static int cmd_rpc(const struct command *cmd, int argc, char **argv)
{
	unsigned long long out_len = DEFAULT_OUT_LEN;
	const char *in_file = NULL, *out_file = NULL;
	struct bytes req = {};
	bool have_scope = false;
	__u32 scope = 0, rsp_len, got;
	struct device dev;
	void *rsp;
	int c, i;

	while ((c = next_option(cmd, argc, argv, "s:i:f:o:l:",
				rpc_options)) != -1) {
		switch (c) {
		case 's':
			scope = parse_scope(cmd, optarg);
			have_scope = true;
			break;
		case 'i':
		case 'f':
			in_file = optarg;
			break;
		case 'o':
			out_file = optarg;
			break;
		case 'l':
			out_len = parse_number(cmd, "--out-len", optarg,
					       FWCTL_MAX_RPC_LEN);
			break;
		}
	}
	if (optind == argc)
		usage_error(cmd, "rpc needs a device");
	if (!have_scope)
		usage_error(cmd, "rpc needs --scope config|read|write|full");
	for (i = optind + 1; i < argc; i++)
		parse_hex(cmd, &req, argv[i]);
	if (in_file && req.len)
		usage_error(cmd, "give the request as hex bytes or with --in, not both");
	if (in_file && read_file(&req, in_file))
		return EXIT_KERNEL;
	if (!req.len)
		usage_error(cmd, "rpc needs a request: hex bytes or --in FILE");
	if (req.len > FWCTL_MAX_RPC_LEN)
		usage_error(cmd, "the request is over the kernel's limit of %u bytes",
			    FWCTL_MAX_RPC_LEN);
	if (json_output && out_file && !strcmp(out_file, "-"))
		usage_error(cmd, "--out - and --json would both write to standard output");

	open_device(cmd, argv[optind], &dev);
	if (do_rpc(dev.fd, scope, req.data, req.len, out_len, &rsp,
		   &rsp_len)) {
		ioctl_error("RPC");
		close(dev.fd);
		free(req.data);
		return EXIT_KERNEL;
	}
	close(dev.fd);
	got = rsp_len < out_len ? rsp_len : out_len;

	if (out_file) {
		if (write_file(out_file, rsp, got)) {
			free(req.data);
			free(rsp);
			return EXIT_KERNEL;
		}
		if (strcmp(out_file, "-") && !json_output)
			fprintf(stderr, "response: %u bytes written to %s\n",
				got, out_file);
	}
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "scope", json_scope(scope));
		json_add_int(obj, "request_len", req.len);
		json_add_int(obj, "response_len", rsp_len);
		json_add_int(obj, "received_len", got);
		json_add_bool(obj, "truncated", rsp_len > out_len);
		json_object_object_add(obj, "response", out_file ? NULL :
				       json_hex(rsp, got));
		json_print(obj);
	} else if (!out_file) {
		printf("response: %u bytes\n", rsp_len);
		hexdump(rsp, got);
	}
	if (rsp_len > out_len)
		fprintf(stderr,
			"%s: response truncated to %llu of %u bytes; retry with --out-len %u\n",
			progname, out_len, rsp_len, rsp_len);
	free(req.data);
	free(rsp);
	return 0;
}

/* --- the command table ----------------------------------------------------- */

static int cmd_help(const struct command *cmd, int argc, char **argv);

static const struct command list_command = {
	.name = "list",
	.run = cmd_list,
	.usage = "list [-j]",
	.help =
"List the fwctl devices: name, device node, device type, the parent device\n"
"(the PCI function, CXL memdev or other device the driver registered on),\n"
"the parent's bus and its driver. Finding the type opens each device.\n"
"\n"
"  -j, --json   print a JSON array, one object per device\n",
};

static const struct command info_command = {
	.name = "info",
	.run = cmd_info,
	.usage = "info DEV [-j]",
	.help =
"Show the device type and the device data FWCTL_INFO returns for a new\n"
"file descriptor, as a hex dump and decoded for the types this tool knows\n"
"(mlx5, PDS, CXL and the mock).\n"
"\n"
"  -j, --json   print a JSON object\n"
"\n"
"DEV is fwctlN, a device node such as /dev/fwctl/fwctlN, or the name of\n"
"the device's parent: a CXL memdev (mem0) or a PCI address (0000:03:00.0).\n",
};

static const struct command rpc_command = {
	.name = "rpc",
	.run = cmd_rpc,
	.usage = "rpc DEV -s SCOPE [-i FILE | HEX...] [-o FILE] [-l N] [-j]",
	.help =
"Send one RPC in the device type's own format, given as hex bytes\n"
"(\"01 00 00 00\", \"01000000\" and \"01:00:00:00\" are the same four bytes)\n"
"or read from a file, and show the response without interpreting it.\n"
"\n"
"  -s, --scope SCOPE   config, read, write or full (or a number):\n"
"                      write and full taint the kernel, full needs\n"
"                      CAP_SYS_RAWIO\n"
"  -i, --in FILE       read the request from FILE (- for standard input)\n"
"  -o, --out FILE      write the raw response to FILE (- for standard output)\n"
"  -l, --out-len N     response buffer size (default 4096, at most 2 MiB);\n"
"                      a longer response is cut and its full length reported\n"
"  -j, --json          print a JSON object\n",
};

static const struct command help_command = {
	.name = "help",
	.run = cmd_help,
	.usage = "help [COMMAND [SUBCOMMAND]]",
	.help = "Show the help of fwctl, or of one of its commands.\n",
};

static const struct command *const commands[] = {
	&list_command,
	&info_command,
	&rpc_command,
	&cxl_command,
#ifndef FWCTL_NO_MOCK
	&mock_command,
#endif
	&help_command,
};

static const char main_help[] =
"Usage: fwctl [-j] COMMAND [ARGS]\n"
"       fwctl -h | --help | -V | --version\n"
"\n"
"Send RPCs to device firmware through the kernel's fwctl subsystem.\n"
"\n"
"Commands:\n"
"  list      list the fwctl devices\n"
"  info      show a device's type and its decoded device data\n"
"  rpc       send one RPC in the device's own format\n"
"  cxl       the CXL Features commands: features, get, set\n"
#ifndef FWCTL_NO_MOCK
"  mock      requests of the fwctl_mock test device\n"
#endif
"  help      show the help of a command\n"
"\n"
"'fwctl COMMAND --help' shows the options of a command; -j (--json) makes\n"
"the commands that read print JSON. Exit status: 0 success, 1 a device,\n"
"file or kernel error, 2 bad usage, 3 the firmware refused the request.\n"
"See fwctl(8).\n";

static const struct command *find_command(const struct command *const *table,
					  size_t n, const char *name)
{
	size_t i;

	for (i = 0; i != n; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	return NULL;
}

/* Run @cmd on argv[0..argc), argv[0] being its name */
static int run_command(const struct command *cmd, int argc, char **argv)
{
	size_t used = strlen(command_path);

	snprintf(command_path + used, sizeof(command_path) - used, "%s%s",
		 used ? " " : "", cmd->name);
	/* Each command parses its options from the start of its argv */
	optind = 0;
	return cmd->run(cmd, argc, argv);
}

int run_subcommand(const struct command *parent,
		   const struct command *table, size_t n, int argc,
		   char **argv)
{
	const struct command *sub = NULL;
	size_t k;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_help(parent);
			return 0;
		}
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
			usage_error(parent, "unknown option '%s'", argv[i]);
		json_output = true;
	}
	if (i == argc)
		usage_error(parent, "missing subcommand");
	for (k = 0; k != n; k++)
		if (!strcmp(table[k].name, argv[i]))
			sub = &table[k];
	if (!sub)
		usage_error(parent, "unknown subcommand '%s'", argv[i]);
	return run_command(sub, argc - i, argv + i);
}

static int cmd_help(const struct command *cmd, int argc, char **argv)
{
	const struct command *found;

	no_options(cmd, argc, argv);
	if (optind == argc) {
		fputs(main_help, stdout);
		return 0;
	}
	found = find_command(commands, ARRAY_SIZE(commands), argv[optind]);
	if (!found)
		usage_error(cmd, "unknown command '%s'", argv[optind]);
	if (optind + 1 < argc) {
		/* help COMMAND SUBCOMMAND: COMMAND SUBCOMMAND --help */
		char help_opt[] = "--help";
		char *sub_argv[4];

		sub_argv[0] = argv[optind];
		sub_argv[1] = argv[optind + 1];
		sub_argv[2] = help_opt;
		sub_argv[3] = NULL;
		command_path[0] = 0;
		return run_command(found, 3, sub_argv);
	}
	print_help(found);
	return 0;
}

/*
 * A full disk or a closed pipe loses what the tool printed: that must not
 * exit 0. Run at exit, after whatever the command printed.
 */
static void close_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		print_error("cannot write the output: %s", strerror(errno));
		_exit(EXIT_KERNEL);
	}
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int i;

	atexit(close_stdout);
	/* Options go anywhere, which POSIXLY_CORRECT would forbid */
	unsetenv("POSIXLY_CORRECT");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(main_help, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("%s %s\n", progname, FWCTL_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
			usage_error(NULL, "unknown option '%s'", argv[i]);
		json_output = true;
	}
	if (i == argc)
		usage_error(NULL, "missing command");
	cmd = find_command(commands, ARRAY_SIZE(commands), argv[i]);
	if (!cmd)
		usage_error(NULL, "unknown command '%s'", argv[i]);
	return run_command(cmd, argc - i, argv + i);
}
