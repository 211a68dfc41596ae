/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the fwctl tool share: the command table, error
 * reporting and exit codes, argument parsing, device lookup, the two
 * ioctls and the output helpers.
 */
#ifndef FWCTL_TOOL_H
#define FWCTL_TOOL_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

#include <json-c/json.h>
#include <linux/types.h>

/* Exit codes; the man page documents them */
#define EXIT_KERNEL 1		/* a device, file or ioctl failed */
#define EXIT_USAGE 2		/* bad command line */
#define EXIT_FIRMWARE 3		/* the RPC worked; the firmware said no */

/* The core refuses longer requests and responses */
#define FWCTL_MAX_RPC_LEN (2 * 1024 * 1024)

/*
 * The device type of the fwctl_mock test device ("mock"), as its header
 * defines it: here so that the rest of the tool can name the type without
 * that header. mock.c checks that the two agree.
 */
#define FWCTL_TOOL_MOCK_TYPE 0x6d6f636b

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A command or a subcommand. @run gets argv[0] = its name. @usage is its
 * synopsis, @help the rest of its --help text.
 */
struct command {
	const char *name;
	int (*run)(const struct command *cmd, int argc, char **argv);
	const char *usage;
	const char *help;
};

/* Whether -j/--json was given, before the command or after it */
extern bool json_output;

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

__printf(1, 2) void print_error(const char *fmt, ...);
__printf(2, 3) noreturn void usage_error(const struct command *cmd,
					 const char *fmt, ...);
void print_help(const struct command *cmd);
void ioctl_error(const char *what);
const char *errno_name(int err);
int run_subcommand(const struct command *parent,
		   const struct command *table, size_t n, int argc,
		   char **argv);

/*
 * The next option of @cmd's command line: the command's own ones, given as
 * getopt_long() takes them, and -h/--help and -j/--json, which it handles
 * itself like unknown options and missing values. -1 at the end.
 */
int next_option(const struct command *cmd, int argc, char **argv,
		const char *short_opts, const struct option *long_opts);
/* The same for a command with no options of its own */
void no_options(const struct command *cmd, int argc, char **argv);

bool parse_u64(const char *s, unsigned long long max,
	       unsigned long long *val);
unsigned long long parse_number(const struct command *cmd, const char *what,
				const char *s, unsigned long long max);
__u32 parse_scope(const struct command *cmd, const char *s);
const char *scope_name(__u32 scope);

struct bytes {
	unsigned char *data;
	size_t len;
	size_t cap;
};

void bytes_add(struct bytes *b, const void *data, size_t len);
void parse_hex(const struct command *cmd, struct bytes *b, const char *s);
int read_file(struct bytes *b, const char *path);
int write_file(const char *path, const void *data, size_t len);
void hexdump(const void *data, size_t len);

/* An fwctl device found from a command-line argument, and opened */
struct device {
	char name[NAME_MAX + 1];	/* fwctlN */
	char node[PATH_MAX];		/* /dev/fwctl/fwctlN */
	int fd;
};

void open_device(const struct command *cmd, const char *arg,
		 struct device *dev);
void open_device_of_type(const struct command *cmd, const char *arg,
			 struct device *dev, __u32 type);
int get_info(int fd, __u32 *type, void **data, __u32 *len);
int do_rpc(int fd, __u32 scope, const void *in, size_t in_len,
	   __u32 out_len, void **rsp, __u32 *rsp_len);
const char *device_type_name(__u32 type);

/* JSON output: objects built with json-c, printed by json_print() */
struct json_object *json_hex(const void *data, size_t len);
struct json_object *json_scope(__u32 scope);
void json_add_int(struct json_object *obj, const char *key, long long val);
void json_add_u64(struct json_object *obj, const char *key, __u64 val);
void json_add_bool(struct json_object *obj, const char *key, bool val);
void json_add_str(struct json_object *obj, const char *key, const char *s);
void json_print(struct json_object *obj);

/*
 * What the tool knows of the device data of one device type: @len bytes
 * at least, printed for people by @print and as a JSON object by @json.
 */
struct info_decoder {
	__u32 type;
	size_t len;
	void (*print)(const void *data);
	struct json_object *(*json)(const void *data);
};

/* The CXL commands (cxl.c) */
extern const struct command cxl_command;

/* The mock's commands (mock.c), unless the build leaves them out */
#ifndef FWCTL_NO_MOCK
extern const struct command mock_command;
extern const struct info_decoder mock_info_decoder;
#endif

#endif /* FWCTL_TOOL_H */
