// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fwctl command-line tool, tools/fwctl/fwctl, checked against the
 * kernel: the tool runs on every fwctl device there is, and what it prints
 * with -j is compared with what the test reads itself from sysfs and
 * through the ioctls. The contract is tools/fwctl's: its commands, exit
 * codes and JSON schema.
 *
 * The tool is $FWCTL_TOOL, /bin/fwctl by default, run with fork() and
 * execv(), no shell. Without it every test skips, unless
 * FWCTL_TOOL_REQUIRED=1 says it must be there: then they fail.
 *
 * The mock is found by its type, FWCTL_DEVICE_TYPE_MOCK of fwctl_mock.h.
 * The CXL tests need cxl_test's memdevs, as fwctl_cxl does: they skip
 * without them, unless FWCTL_CXL_REQUIRED=1. A test that sets the test
 * feature through the tool puts the value of the probe back in its
 * teardown, whatever happened; the one that rebinds a memdev with
 * cxl_mock_mem's policy features rebinds it with the defaults again.
 */
#include "fwctl_cxl.h"

#include <poll.h>
#include <signal.h>

#include <json-c/json.h>

#include <fwctl/mlx5.h>
#include <fwctl/pds.h>

#define TOOL_DEFAULT "/bin/fwctl"
/* How long one run of the tool may take: seconds under TCG at worst */
#define TOOL_TIMEOUT_S 20
#define TOOL_MAX_ARGS 16
#define TOOL_MAX_DEVS 64
/* How much of the tool's output a failure logs */
#define TOOL_LOG_MAX 2000
/* The first size of the buffers of stdout and stderr, which grow */
#define TOOL_BUF_LEN 65536

/* The value the tests set the test feature to through the tool */
#define TOOL_FEAT_VAL 0x5a5a1974
/* A UUID no memdev of cxl_test has */
#define UNKNOWN_UUID "0f3c5a11-2233-4455-6677-8899aabbcc01"
/* A device argument that names nothing */
#define NO_SUCH_DEV "fwctl_tool_no_such_device"

/* The tool, from FWCTL_TOOL */
static const char *tool_path = TOOL_DEFAULT;

/* One run of the tool */
struct tool_run {
	/* The command line, for the log */
	char cmd[512];
	/* The exit status, or -1 if a signal ended it, @sig */
	int status;
	int sig;
	/* stdout and stderr, NUL-terminated */
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
	/* stdout parsed, once tool_json() did */
	json_object *json;
};

/* A fwctl device, as sysfs and the test's own FWCTL_INFO show it */
struct tool_dev {
	char name[64];
	char node[sizeof(FWCTL_DEV_DIR) + 64];
	/* major:minor, sysfs "dev" */
	char dev[32];
	/* Basenames of the links device, device/subsystem and device/driver */
	char parent[NAME_MAX + 1];
	char bus[NAME_MAX + 1];
	char driver[NAME_MAX + 1];
	bool has_bus;
	bool has_driver;
	/* realpath of /sys/class/fwctl/<name> */
	char sysfs[PATH_MAX];
	__u32 type;
	__u32 data_len;
};

struct tool_devs {
	struct tool_dev dev[TOOL_MAX_DEVS];
	unsigned int nr;
};

static bool tool_required(void)
{
	const char *s = getenv("FWCTL_TOOL_REQUIRED");

	return s && !strcmp(s, "1");
}

/*
 * For a fixture's setup: find the tool and check that the test runs as
 * root. Returns NULL, or the reason to skip; a missing tool fails the test
 * instead with FWCTL_TOOL_REQUIRED=1.
 */
static const char *tool_prepare(struct __test_metadata *_metadata)
{
	static char why[PATH_MAX + 128];
	const char *path = getenv("FWCTL_TOOL");

	if (path && *path)
		tool_path = path;
	if (access(tool_path, X_OK)) {
		snprintf(why, sizeof(why),
			 "the fwctl tool is not installed at %s: %s (FWCTL_TOOL gives its path)",
			 tool_path, strerror(errno));
		ASSERT_FALSE(tool_required())
			TH_LOG("FWCTL_TOOL_REQUIRED=1, but %s", why);
		return why;
	}
	if (geteuid())
		return "the fwctl selftests must run as root";
	return NULL;
}

static void tool_run_free(struct tool_run *r)
{
	if (r->json)
		json_object_put(r->json);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* What the tool did, for a failure: exit status, stderr and stdout */
static void tool_log(struct __test_metadata *_metadata,
		     const struct tool_run *r)
{
	if (r->status >= 0)
		TH_LOG("`%s` exited %d", r->cmd, r->status);
	else
		TH_LOG("`%s` was killed by signal %d", r->cmd, r->sig);
	TH_LOG("its stderr: %.*s", TOOL_LOG_MAX, r->err ? r->err : "");
	TH_LOG("its stdout: %.*s", TOOL_LOG_MAX, r->out ? r->out : "");
}

/* The same, after a line that says what was wrong */
static __printf(3, 4) void tool_logf(struct __test_metadata *_metadata,
				     const struct tool_run *r,
				     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	TH_LOG("%s", msg);
	tool_log(_metadata, r);
}

/* Append what @fd has to *@buf; returns what read() did */
static ssize_t buf_read(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t n;
	char *p;

	if (*cap - *len < TOOL_BUF_LEN / 2) {
		p = realloc(*buf, *cap * 2);
		if (!p)
			return -1;
		*buf = p;
		*cap *= 2;
	}
	do {
		n = read(fd, *buf + *len, *cap - *len - 1);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		*len += n;
	(*buf)[*len] = 0;
	return n;
}

/*
 * Run the tool with the NULL-terminated arguments @args, stdin on
 * /dev/null, and collect stdout, stderr and the exit status into @r.
 */
static void tool_exec(struct __test_metadata *_metadata, struct tool_run *r,
		      const char *const *args)
{
	const char *argv[TOOL_MAX_ARGS + 2];
	size_t cap[2] = { TOOL_BUF_LEN, TOOL_BUF_LEN }, pos;
	struct pollfd pfd[2];
	int out[2], err[2];
	bool timed_out = false;
	double deadline;
	unsigned int i;
	int status, ms, ret;
	pid_t pid;

	tool_run_free(r);
	argv[0] = tool_path;
	pos = snprintf(r->cmd, sizeof(r->cmd), "fwctl");
	for (i = 0; args[i]; i++) {
		ASSERT_GT(TOOL_MAX_ARGS, i);
		argv[i + 1] = args[i];
		if (pos < sizeof(r->cmd))
			pos += snprintf(r->cmd + pos, sizeof(r->cmd) - pos,
					" %s", args[i]);
	}
	argv[i + 1] = NULL;
	r->out = calloc(1, TOOL_BUF_LEN);
	r->err = calloc(1, TOOL_BUF_LEN);
	ASSERT_NE(NULL, r->out);
	ASSERT_NE(NULL, r->err);

	ASSERT_OK(pipe2(out, O_CLOEXEC));
	ASSERT_OK(pipe2(err, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null_fd < 0 || dup2(null_fd, 0) < 0 ||
		    dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
			_exit(126);
		execv(tool_path, (char *const *)argv);
		dprintf(2, "exec %s: %s\n", tool_path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);

	pfd[0] = (struct pollfd){ .fd = out[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = err[0], .events = POLLIN };
	deadline = now_sec() + TOOL_TIMEOUT_S;
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		ms = (deadline - now_sec()) * 1000;
		if (ms <= 0) {
			timed_out = true;
			break;
		}
		ret = poll(pfd, 2, ms);
		if (ret < 0 && errno == EINTR)
			continue;
		ASSERT_LE(0, ret);
		for (i = 0; i != 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (i == 0)
				ret = buf_read(pfd[i].fd, &r->out, &r->out_len,
					       &cap[i]);
			else
				ret = buf_read(pfd[i].fd, &r->err, &r->err_len,
					       &cap[i]);
			if (ret <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		for (i = 0; i != 2; i++)
			if (pfd[i].fd >= 0)
				close(pfd[i].fd);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	r->status = -1;
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->sig = WTERMSIG(status);
	ASSERT_FALSE(timed_out)
		TH_LOG("`%s` took more than %d s", r->cmd, TOOL_TIMEOUT_S);
}

#define tool(r, ...) \
	tool_exec(_metadata, r, (const char *const []){ __VA_ARGS__, NULL })

/* Assert that the last run exited with @code, logging what it said if not */
static void tool_exit(struct __test_metadata *_metadata,
		      const struct tool_run *r, int code)
{
	ASSERT_EQ(code, r->status) tool_log(_metadata, r);
}

/*
 * Assert that the last run exited 0 and printed one JSON document and a
 * newline, and return it parsed
 */
static json_object *tool_json(struct __test_metadata *_metadata,
			      struct tool_run *r)
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	size_t end;

	tool_exit(_metadata, r, 0);
	tok = json_tokener_new();
	ASSERT_NE(NULL, tok);
	r->json = json_tokener_parse_ex(tok, r->out, r->out_len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	ASSERT_EQ(json_tokener_success, jerr)
		tool_logf(_metadata, r, "stdout is not JSON: %s",
			  json_tokener_error_desc(jerr));
	while (end != r->out_len && isspace((unsigned char)r->out[end]))
		end++;
	ASSERT_EQ(r->out_len, end)
		tool_logf(_metadata, r, "more than one JSON document");
	ASSERT_EQ('\n', r->out[r->out_len - 1]) tool_log(_metadata, r);
	return r->json;
}

/* JSON fields. Each asserts the field is there with the right type. */

static json_object *jfield(struct __test_metadata *_metadata,
			   const struct tool_run *r, json_object *obj,
			   const char *key, json_type type, bool nullable)
{
	json_object *val = NULL;

	ASSERT_TRUE(json_object_is_type(obj, json_type_object))
		tool_logf(_metadata, r, "looking for \"%s\" in a %s", key,
			  json_type_to_name(json_object_get_type(obj)));
	ASSERT_TRUE(json_object_object_get_ex(obj, key, &val))
		tool_logf(_metadata, r, "no \"%s\" in %s", key,
			  json_object_to_json_string(obj));
	if (nullable && !val)
		return NULL;
	ASSERT_TRUE(json_object_is_type(val, type))
		tool_logf(_metadata, r, "\"%s\" is %s, not %s", key,
			  json_object_to_json_string(val),
			  json_type_to_name(type));
	return val;
}

static __u64 jint(struct __test_metadata *_metadata, const struct tool_run *r,
		  json_object *obj, const char *key)
{
	json_object *val = jfield(_metadata, r, obj, key, json_type_int, false);

	ASSERT_LE(0, json_object_get_int64(val))
		tool_logf(_metadata, r, "\"%s\" is negative", key);
	return json_object_get_uint64(val);
}

static void jint_eq(struct __test_metadata *_metadata, const struct tool_run *r,
		    json_object *obj, const char *key, __u64 expected)
{
	__u64 val = jint(_metadata, r, obj, key);

	ASSERT_EQ(expected, val)
		tool_logf(_metadata, r, "\"%s\" is %llu, not %llu", key,
			  (unsigned long long)val,
			  (unsigned long long)expected);
}

static void jbool_eq(struct __test_metadata *_metadata,
		     const struct tool_run *r, json_object *obj,
		     const char *key, bool expected)
{
	json_object *val = jfield(_metadata, r, obj, key, json_type_boolean,
				  false);

	ASSERT_EQ(expected, (bool)json_object_get_boolean(val))
		tool_logf(_metadata, r, "\"%s\" is %s", key,
			  json_object_to_json_string(val));
}

/* A string field equals @expected; NULL means it must be null */
static void jstr_eq(struct __test_metadata *_metadata, const struct tool_run *r,
		    json_object *obj, const char *key, const char *expected)
{
	json_object *val = jfield(_metadata, r, obj, key, json_type_string,
				  true);

	if (!expected) {
		ASSERT_EQ(NULL, val)
			tool_logf(_metadata, r, "\"%s\" is %s, not null", key,
				  json_object_to_json_string(val));
		return;
	}
	ASSERT_NE(NULL, val)
		tool_logf(_metadata, r, "\"%s\" is null, not \"%s\"", key,
			  expected);
	ASSERT_STREQ(expected, json_object_get_string(val))
		tool_logf(_metadata, r, "\"%s\"", key);
}

/* Lower-case hex of @len bytes of @buf, in a buffer to free */
static char *hex_of(const void *buf, size_t len)
{
	const __u8 *p = buf;
	char *s;
	size_t i;

	s = malloc(2 * len + 1);
	if (!s)
		return NULL;
	for (i = 0; i != len; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * len] = 0;
	return s;
}

/*
 * Hex string field @key is the @len bytes at @buf, but for the @skip_len
 * bytes at @skip_off, which may differ. Returns the string.
 */
static const char *jhex_eq(struct __test_metadata *_metadata,
			   const struct tool_run *r, json_object *obj,
			   const char *key, const void *buf, size_t len,
			   size_t skip_off, size_t skip_len)
{
	const char *got;
	char *want;
	size_t i;

	got = json_object_get_string(jfield(_metadata, r, obj, key,
					    json_type_string, false));
	ASSERT_EQ(2 * len, strlen(got))
		tool_logf(_metadata, r, "\"%s\" has %zu hex digits for %zu bytes",
			  key, strlen(got), len);
	for (i = 0; i != 2 * len; i++)
		if (!isxdigit((unsigned char)got[i]) ||
		    isupper((unsigned char)got[i]))
			break;
	ASSERT_EQ(2 * len, i)
		tool_logf(_metadata, r, "\"%s\" is not lower-case hex at %zu",
			  key, i);
	want = hex_of(buf, len);
	ASSERT_NE(NULL, want);
	if (skip_len)
		memcpy(want + 2 * skip_off, got + 2 * skip_off, 2 * skip_len);
	for (i = 0; i != 2 * len && got[i] == want[i]; i++)
		;
	ASSERT_EQ(2 * len, i)
		tool_logf(_metadata, r, "\"%s\" differs from byte %zu on: %.32s, not %.32s",
			  key, i / 2, got + (i & ~1UL), want + (i & ~1UL));
	free(want);
	return got;
}

/* The little-endian u32 at byte @off of hex string @s */
static __u32 hex_le32(const char *s, size_t off)
{
	__u32 val = 0;
	int i;

	for (i = 3; i >= 0; i--)
		val = val << 8 | cxl_hex_digit(s[2 * (off + i)]) << 4 |
		      cxl_hex_digit(s[2 * (off + i) + 1]);
	return val;
}

static const char *type_name(__u32 type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_ERROR:
		return "error";
	case FWCTL_DEVICE_TYPE_MLX5:
		return "mlx5";
	case FWCTL_DEVICE_TYPE_CXL:
		return "cxl";
	case FWCTL_DEVICE_TYPE_BNXT:
		return "bnxt";
	case FWCTL_DEVICE_TYPE_PDS:
		return "pds";
	case FWCTL_DEVICE_TYPE_MOCK:
		return "mock";
	}
	return "unknown";
}

/* Devices */

/* The last component of symlink @path, into @buf of @len bytes */
static int link_base(const char *path, char *buf, size_t len)
{
	char link[PATH_MAX];
	ssize_t n;
	char *base;

	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	base = strrchr(link, '/');
	return cxl_name_copy(buf, len, base ? base + 1 : link);
}

/* Open the device's node, which must exist */
static int dev_open(struct __test_metadata *_metadata,
		    const struct tool_dev *dev)
{
	int fd = open(dev->node, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", dev->node, strerror(errno));
	return fd;
}

static void dev_load(struct __test_metadata *_metadata, struct tool_dev *dev,
		     const char *name)
{
	char dir[sizeof(FWCTL_CLASS_DIR) + sizeof(dev->name)];
	char path[PATH_MAX];
	int fd;

	memset(dev, 0, sizeof(*dev));
	ASSERT_OK(cxl_name_copy(dev->name, sizeof(dev->name), name));
	snprintf(dev->node, sizeof(dev->node), "%s/%s", FWCTL_DEV_DIR, name);
	snprintf(dir, sizeof(dir), "%s/%s", FWCTL_CLASS_DIR, name);

	snprintf(path, sizeof(path), "%s/dev", dir);
	ASSERT_OK(read_file(path, dev->dev, sizeof(dev->dev)));
	dev->dev[strcspn(dev->dev, "\n")] = 0;
	snprintf(path, sizeof(path), "%s/device", dir);
	ASSERT_OK(link_base(path, dev->parent, sizeof(dev->parent)));
	snprintf(path, sizeof(path), "%s/device/subsystem", dir);
	dev->has_bus = !link_base(path, dev->bus, sizeof(dev->bus));
	ASSERT_TRUE(dev->has_bus || errno == ENOENT)
		TH_LOG("%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/device/driver", dir);
	dev->has_driver = !link_base(path, dev->driver, sizeof(dev->driver));
	ASSERT_TRUE(dev->has_driver || errno == ENOENT)
		TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_NE(NULL, realpath(dir, dev->sysfs));

	fd = dev_open(_metadata, dev);
	test_cmd_info(fd, &dev->type, NULL, &dev->data_len);
	ASSERT_OK(close(fd));
}

static int dev_cmp(const void *a, const void *b)
{
	const struct tool_dev *x = a, *y = b;

	return strverscmp(x->name, y->name);
}

/* Every fwctl device, sorted by name as the tool sorts them */
static void devs_scan(struct __test_metadata *_metadata, struct tool_devs *d)
{
	struct dirent *de;
	DIR *dir;

	d->nr = 0;
	dir = opendir(FWCTL_CLASS_DIR);
	if (!dir) {
		ASSERT_EQ(ENOENT, errno);
		return;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		ASSERT_GT(TOOL_MAX_DEVS, d->nr);
		dev_load(_metadata, &d->dev[d->nr++], de->d_name);
	}
	closedir(dir);
	qsort(d->dev, d->nr, sizeof(d->dev[0]), dev_cmp);
}

/* The test's own FWCTL_INFO: all of the device data, in a buffer to free */
static __u8 *dev_info(struct __test_metadata *_metadata,
		      const struct tool_dev *dev, __u32 *len)
{
	__u32 type, got;
	__u8 *data;
	int fd;

	/*
	 * A device_data_len of 0 asks for no device data and gets 0 back: ask
	 * for a byte to learn the length, then for all of it.
	 */
	fd = dev_open(_metadata, dev);
	data = calloc(1, 1);
	ASSERT_NE(NULL, data);
	*len = 1;
	test_cmd_info(fd, &type, data, len);
	free(data);
	data = calloc(1, *len + 1);
	ASSERT_NE(NULL, data);
	got = *len;
	test_cmd_info(fd, &type, data, &got);
	ASSERT_EQ(*len, got);
	ASSERT_EQ(dev->type, type);
	ASSERT_OK(close(fd));
	return data;
}

/* The tool's standard output has @text, else the test fails and logs it */
static void tool_out_has(struct __test_metadata *_metadata,
			 const struct tool_run *r, const char *text)
{
	ASSERT_NE(NULL, strstr(r->out, text))
		tool_logf(_metadata, r, "no \"%s\" in its output", text);
}

/* How many devices have @dev's parent */
static unsigned int devs_of_parent(const struct tool_devs *d,
				   const struct tool_dev *dev)
{
	unsigned int i, nr = 0;

	for (i = 0; i != d->nr; i++)
		if (!strcmp(d->dev[i].parent, dev->parent))
			nr++;
	return nr;
}

/* The list, the device data and the device arguments */

FIXTURE(fwctl_tool)
{
	struct tool_devs devs;
	struct tool_run r;
};

FIXTURE_SETUP(fwctl_tool)
{
	const char *why = tool_prepare(_metadata);

	if (why)
		SKIP(return, "%s", why);
	devs_scan(_metadata, &self->devs);
}

FIXTURE_TEARDOWN(fwctl_tool)
{
	tool_run_free(&self->r);
}

/* `list -j` has every device, as sysfs and FWCTL_INFO show it */
TEST_F(fwctl_tool, list_json)
{
	struct tool_run *r = &self->r;
	json_object *list, *ent;
	unsigned int i, j;
	const char *name;

	tool(r, "list", "-j");
	list = tool_json(_metadata, r);
	ASSERT_TRUE(json_object_is_type(list, json_type_array))
		tool_log(_metadata, r);
	for (i = 0; i != json_object_array_length(list); i++) {
		ent = json_object_array_get_idx(list, i);
		name = json_object_get_string(jfield(_metadata, r, ent, "name",
						     json_type_string, false));
		for (j = 0; j != self->devs.nr; j++)
			if (!strcmp(name, self->devs.dev[j].name))
				break;
		ASSERT_NE(self->devs.nr, j)
			tool_logf(_metadata, r, "%s is not in %s", name,
				  FWCTL_CLASS_DIR);
	}
	ASSERT_EQ(self->devs.nr, json_object_array_length(list))
		tool_log(_metadata, r);

	/* Sorted as the test sorts, by version sort */
	for (i = 0; i != self->devs.nr; i++) {
		const struct tool_dev *dev = &self->devs.dev[i];

		ent = json_object_array_get_idx(list, i);
		jstr_eq(_metadata, r, ent, "name", dev->name);
		jstr_eq(_metadata, r, ent, "node", dev->node);
		jstr_eq(_metadata, r, ent, "dev", dev->dev);
		jstr_eq(_metadata, r, ent, "type", type_name(dev->type));
		jint_eq(_metadata, r, ent, "type_id", dev->type);
		jstr_eq(_metadata, r, ent, "error", NULL);
		jstr_eq(_metadata, r, ent, "parent", dev->parent);
		jstr_eq(_metadata, r, ent, "parent_bus",
			dev->has_bus ? dev->bus : NULL);
		jstr_eq(_metadata, r, ent, "parent_driver",
			dev->has_driver ? dev->driver : NULL);
		jstr_eq(_metadata, r, ent, "sysfs", dev->sysfs);
	}
	ksft_print_msg("tool: list -j checked on %u devices\n", self->devs.nr);
}

/* `list` prints a header and one row per device, its name first */
TEST_F(fwctl_tool, list_text)
{
	struct tool_run *r = &self->r;
	unsigned int rows = 0;
	bool header = false;
	char *text, *line, *save;
	char first[64];

	tool(r, "list");
	tool_exit(_metadata, r, 0);
	text = strdup(r->out);
	ASSERT_NE(NULL, text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63s", first) != 1)
			continue;
		if (!header && !rows && !strcmp(first, "NAME")) {
			header = true;
			continue;
		}
		ASSERT_GT(self->devs.nr, rows)
			tool_logf(_metadata, r, "row \"%s\" is one too many",
				  line);
		ASSERT_STREQ(self->devs.dev[rows].name, first)
			tool_logf(_metadata, r, "row %u: \"%s\"", rows, line);
		rows++;
	}
	ASSERT_EQ(self->devs.nr, rows) tool_log(_metadata, r);
	ASSERT_TRUE(header || !rows)
		tool_logf(_metadata, r, "no header line");
	free(text);
}

/* `info DEV -j` of @dev against the test's own FWCTL_INFO */
static void check_info(struct __test_metadata *_metadata, struct tool_run *r,
		       const struct tool_dev *dev)
{
	size_t skip_off = 0, skip_len = 0;
	json_object *info, *dec;
	const char *hex;
	char line[128];
	__u8 *data;
	__u32 len;

	data = dev_info(_metadata, dev, &len);

	/* The text for people: the type and the length of the device data */
	tool(r, "info", dev->name);
	tool_exit(_metadata, r, 0);
	snprintf(line, sizeof(line), "type: %s (%u, 0x%x)\n",
		 type_name(dev->type), dev->type, dev->type);
	tool_out_has(_metadata, r, line);
	snprintf(line, sizeof(line), "device data: %u bytes\n", len);
	tool_out_has(_metadata, r, line);

	tool(r, "info", dev->name, "-j");
	info = tool_json(_metadata, r);
	jstr_eq(_metadata, r, info, "name", dev->name);
	jstr_eq(_metadata, r, info, "node", dev->node);
	jstr_eq(_metadata, r, info, "type", type_name(dev->type));
	jint_eq(_metadata, r, info, "type_id", dev->type);
	jint_eq(_metadata, r, info, "device_data_len", len);

	/* A per-FD field differs between the tool's FD and the test's */
	if (dev->type == FWCTL_DEVICE_TYPE_MOCK &&
	    len >= sizeof(struct fwctl_info_mock)) {
		skip_off = offsetof(struct fwctl_info_mock, uctx_id);
		skip_len = sizeof(__u32);
	} else if (dev->type == FWCTL_DEVICE_TYPE_MLX5 &&
		   len >= sizeof(struct fwctl_info_mlx5)) {
		skip_off = offsetof(struct fwctl_info_mlx5, uid);
		skip_len = sizeof(__u32);
	}
	hex = jhex_eq(_metadata, r, info, "device_data", data, len, skip_off,
		      skip_len);

	if (dev->type == FWCTL_DEVICE_TYPE_MOCK &&
	    len >= sizeof(struct fwctl_info_mock)) {
		struct fwctl_info_mock mock;

		memcpy(&mock, data, sizeof(mock));
		dec = jfield(_metadata, r, info, "decoded", json_type_object,
			     false);
		jint_eq(_metadata, r, dec, "fw_version", mock.fw_version);
		jint_eq(_metadata, r, dec, "max_objects", mock.max_objects);
		ASSERT_NE(0, jint(_metadata, r, dec, "uctx_id"))
			tool_log(_metadata, r);
		jint_eq(_metadata, r, dec, "uctx_id", hex_le32(hex, skip_off));
	} else if (dev->type == FWCTL_DEVICE_TYPE_MLX5 &&
		   len >= sizeof(struct fwctl_info_mlx5)) {
		struct fwctl_info_mlx5 mlx5;

		memcpy(&mlx5, data, sizeof(mlx5));
		dec = jfield(_metadata, r, info, "decoded", json_type_object,
			     false);
		jint_eq(_metadata, r, dec, "uid", hex_le32(hex, skip_off));
		jint_eq(_metadata, r, dec, "uctx_caps", mlx5.uctx_caps);
	} else if (dev->type == FWCTL_DEVICE_TYPE_PDS &&
		   len >= sizeof(struct fwctl_info_pds)) {
		struct fwctl_info_pds pds;

		memcpy(&pds, data, sizeof(pds));
		dec = jfield(_metadata, r, info, "decoded", json_type_object,
			     false);
		jint_eq(_metadata, r, dec, "uctx_caps", pds.uctx_caps);
	} else if (dev->type == FWCTL_DEVICE_TYPE_CXL) {
		ASSERT_EQ(0, len);
		dec = jfield(_metadata, r, info, "decoded", json_type_object,
			     false);
		ASSERT_EQ(0, json_object_object_length(dec))
			tool_logf(_metadata, r, "cxl: \"decoded\" is not {}");
	} else {
		ASSERT_EQ(NULL, jfield(_metadata, r, info, "decoded",
				       json_type_object, true))
			tool_logf(_metadata, r, "type %u: \"decoded\" is not null",
				  dev->type);
	}
	free(data);
}

TEST_F_TIMEOUT(fwctl_tool, info_json, 120)
{
	unsigned int i;

	for (i = 0; i != self->devs.nr; i++)
		check_info(_metadata, &self->r, &self->devs.dev[i]);
	ksft_print_msg("tool: info -j checked on %u devices\n", self->devs.nr);
}

/* `info @arg -j` names @dev */
static void check_dev_arg(struct __test_metadata *_metadata,
			  struct tool_run *r, const struct tool_dev *dev,
			  const char *arg)
{
	json_object *info;

	tool(r, "info", arg, "-j");
	info = tool_json(_metadata, r);
	jstr_eq(_metadata, r, info, "name", dev->name);
	jstr_eq(_metadata, r, info, "node", dev->node);
	jstr_eq(_metadata, r, info, "type", type_name(dev->type));
}

/*
 * A device by its name, its node and its parent's name; a parent with two
 * fwctl devices is a usage error that names both
 */
TEST_F_TIMEOUT(fwctl_tool, dev_args, 120)
{
	struct tool_run *r = &self->r;
	unsigned int i, j;
	json_object *info;

	for (i = 0; i != self->devs.nr; i++) {
		const struct tool_dev *dev = &self->devs.dev[i];

		check_dev_arg(_metadata, r, dev, dev->name);
		check_dev_arg(_metadata, r, dev, dev->node);

		/* -j before the command, and its long form */
		tool(r, "-j", "info", dev->name);
		info = tool_json(_metadata, r);
		jstr_eq(_metadata, r, info, "name", dev->name);
		tool(r, "info", "--json", dev->name);
		info = tool_json(_metadata, r);
		jstr_eq(_metadata, r, info, "name", dev->name);

		if (devs_of_parent(&self->devs, dev) > 1) {
			tool(r, "info", dev->parent, "-j");
			tool_exit(_metadata, r, 2);
			/* Its message names every device of the parent */
			for (j = 0; j != self->devs.nr; j++) {
				const char *name = self->devs.dev[j].name;

				if (strcmp(self->devs.dev[j].parent,
					   dev->parent))
					continue;
				ASSERT_NE(NULL, strstr(r->err, name))
					tool_logf(_metadata, r, "no %s", name);
			}
			continue;
		}
		check_dev_arg(_metadata, r, dev, dev->parent);
		/* A PCI address in domain 0000 without its domain */
		if (dev->has_bus && !strcmp(dev->bus, "pci") &&
		    !strncmp(dev->parent, "0000:", 5))
			check_dev_arg(_metadata, r, dev, dev->parent + 5);
	}
	ksft_print_msg("tool: device arguments checked on %u devices\n",
		       self->devs.nr);
}

/* Exit codes of the errors and of --version and --help */
TEST_F(fwctl_tool, usage)
{
	struct tool_run *r = &self->r;

	tool(r, "info", NO_SUCH_DEV);
	tool_exit(_metadata, r, 1);
	ASSERT_NE(NULL, strstr(r->err, "fwctl list")) tool_log(_metadata, r);
	tool(r, "info", FWCTL_DEV_DIR "/" NO_SUCH_DEV, "-j");
	tool_exit(_metadata, r, 1);
	ASSERT_NE(0, r->err_len) tool_log(_metadata, r);

	tool(r, "list", "--fwctl-tool-no-such-option");
	tool_exit(_metadata, r, 2);
	ASSERT_NE(0, r->err_len) tool_log(_metadata, r);
	tool(r, "fwctl-tool-no-such-command");
	tool_exit(_metadata, r, 2);
	tool(r, "info");
	tool_exit(_metadata, r, 2);
	if (self->devs.nr) {
		tool(r, "info", self->devs.dev[0].name,
		     "--fwctl-tool-no-such-option");
		tool_exit(_metadata, r, 2);
	}

	tool(r, "--version");
	tool_exit(_metadata, r, 0);
	ASSERT_EQ(0, strncmp(r->out, "fwctl ", 6)) tool_log(_metadata, r);
	tool(r, "-V");
	tool_exit(_metadata, r, 0);
	ASSERT_EQ(0, strncmp(r->out, "fwctl ", 6)) tool_log(_metadata, r);

	tool(r, "--help");
	tool_exit(_metadata, r, 0);
	ASSERT_NE(0, r->out_len) tool_log(_metadata, r);
	if (self->devs.nr) {
		tool(r, "info", self->devs.dev[0].name, "--help");
		tool_exit(_metadata, r, 0);
		ASSERT_NE(0, r->out_len) tool_log(_metadata, r);
	}
}

/* The mock's commands */

/* Whether there is a mock device; else the test skips */
static bool have_mock(const struct tool_devs *d)
{
	unsigned int i;

	for (i = 0; i != d->nr; i++)
		if (d->dev[i].type == FWCTL_DEVICE_TYPE_MOCK)
			return true;
	return false;
}

#define NO_MOCK_REASON "no fwctl_mock device (modprobe fwctl_mock)"

/* The first mock device from index *@i on, which moves to it; or NULL */
static const struct tool_dev *next_mock(const struct tool_devs *d,
					unsigned int *i)
{
	for (; *i < d->nr; (*i)++)
		if (d->dev[*i].type == FWCTL_DEVICE_TYPE_MOCK)
			return &d->dev[*i];
	return NULL;
}

/* `mock DEV query -j` answers as a QUERY of the test's own */
TEST_F(fwctl_tool, mock_query)
{
	const struct tool_dev *dev;
	struct tool_run *r = &self->r;
	struct fwctl_mock_query q;
	json_object *obj;
	char line[128];
	unsigned int i;
	int fd;

	if (!have_mock(&self->devs))
		SKIP(return, NO_MOCK_REASON);
	for (i = 0; (dev = next_mock(&self->devs, &i)); i++) {
		fd = dev_open(_metadata, dev);
		test_cmd_query(fd, &q);
		ASSERT_OK(close(fd));
		tool(r, "mock", dev->name, "query");
		tool_exit(_metadata, r, 0);
		snprintf(line, sizeof(line),
			 "firmware version: %u.%u (0x%08x)\n",
			 q.fw_version >> 16, q.fw_version & 0xffff,
			 q.fw_version);
		tool_out_has(_metadata, r, line);
		tool(r, "mock", dev->name, "query", "-j");
		obj = tool_json(_metadata, r);
		jint_eq(_metadata, r, obj, "fw_version", q.fw_version);
		jint_eq(_metadata, r, obj, "nr_objects", q.nr_objects);
		jint_eq(_metadata, r, obj, "nr_regs", q.nr_regs);
		jint_eq(_metadata, r, obj, "mem_size", q.mem_size);
	}
}

/*
 * `rpc DEV --scope config HEX -j` of a QUERY answers with the bytes of the
 * test's own RPC; with --out-len 8 the answer is cut and says so
 */
TEST_F(fwctl_tool, mock_rpc)
{
	const struct tool_dev *dev;
	struct fwctl_mock_cmd req;
	struct tool_run *r = &self->r;
	__u32 out_len, cut_len;
	__u8 out[256], cut[8];
	json_object *obj;
	unsigned int i;
	size_t req_len;
	char *hex;
	int fd;

	if (!have_mock(&self->devs))
		SKIP(return, NO_MOCK_REASON);
	req_len = mock_build(&req, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);
	hex = hex_of(&req, req_len);
	ASSERT_NE(NULL, hex);
	for (i = 0; (dev = next_mock(&self->devs, &i)); i++) {
		fd = dev_open(_metadata, dev);
		out_len = sizeof(out);
		test_cmd_rpc(fd, FWCTL_RPC_CONFIGURATION, &req, req_len, out,
			     &out_len);
		cut_len = sizeof(cut);
		test_cmd_rpc(fd, FWCTL_RPC_CONFIGURATION, &req, req_len, cut,
			     &cut_len);
		ASSERT_OK(close(fd));
		/* The kernel tells the full length of a response it cuts */
		ASSERT_LT(sizeof(cut), out_len);
		ASSERT_EQ(out_len, cut_len);

		tool(r, "rpc", dev->name, "--scope", "config", hex, "-j");
		obj = tool_json(_metadata, r);
		jstr_eq(_metadata, r, obj, "scope", "config");
		jint_eq(_metadata, r, obj, "request_len", req_len);
		jint_eq(_metadata, r, obj, "response_len", out_len);
		jint_eq(_metadata, r, obj, "received_len", out_len);
		jbool_eq(_metadata, r, obj, "truncated", false);
		jhex_eq(_metadata, r, obj, "response", out, out_len, 0, 0);

		tool(r, "rpc", dev->name, "--scope", "config", "--out-len", "8",
		     hex, "-j");
		obj = tool_json(_metadata, r);
		jint_eq(_metadata, r, obj, "response_len", cut_len);
		jint_eq(_metadata, r, obj, "received_len", sizeof(cut));
		jbool_eq(_metadata, r, obj, "truncated", true);
		jhex_eq(_metadata, r, obj, "response", cut, sizeof(cut), 0, 0);
	}
	free(hex);
}

/* `mock DEV read-reg 0 -j` reads what a READ_REG of the test's own does */
TEST_F(fwctl_tool, mock_read_reg)
{
	const struct tool_dev *dev;
	struct tool_run *r = &self->r;
	json_object *obj;
	unsigned int i;
	__u64 val;
	int fd;

	if (!have_mock(&self->devs))
		SKIP(return, NO_MOCK_REASON);
	for (i = 0; (dev = next_mock(&self->devs, &i)); i++) {
		fd = dev_open(_metadata, dev);
		test_cmd_read_reg(fd, 0, &val);
		ASSERT_OK(close(fd));
		tool(r, "mock", dev->name, "read-reg", "0", "-j");
		obj = tool_json(_metadata, r);
		jint_eq(_metadata, r, obj, "reg", 0);
		jint_eq(_metadata, r, obj, "value", val);
	}
}

/* CXL Features */

/* Room for the features of one memdev; the policy memdev has seven */
#define TOOL_MAX_FEATS 16

/*
 * The effect names, the set_scope rule and the UUID text of fwctl(8),
 * restated here rather than shared with the tool: what the test checks the
 * tool against must not come from the tool.
 */
static const char *const effect_names[16] = {
	[0] = "config-change-cold-reset",
	[1] = "config-change-immediate",
	[2] = "data-change-immediate",
	[3] = "policy-change-immediate",
	[4] = "log-change-immediate",
	[5] = "security-state-change",
	[6] = "background",
	[7] = "background-abort",
	[9] = "effects-valid",
	[10] = "config-change-conventional-reset",
	[11] = "config-change-cxl-reset",
};

/* The canonical text of a UUID, its bytes in the device's order */
static void uuid_text(const __u8 *uuid, char buf[37])
{
	char *p = buf;
	int i;

	for (i = 0; i != 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		p += sprintf(p, "%02x", uuid[i]);
	}
}

/* The scope a Set Feature of @ent needs, by the kernel's rule; or NULL */
static const char *feat_set_scope(const struct cxl_feat_entry *ent)
{
	__u16 effects = le16toh(ent->effects);

	if (!(le32toh(ent->flags) & CXL_FEATURE_F_CHANGEABLE))
		return NULL;
	if (effects & (CXL_CMD_EFFECTS_RESERVED | CXL_CMD_BACKGROUND))
		return NULL;
	if (effects & (CXL_CMD_CONFIG_CHANGE_IMMEDIATE |
		       CXL_CMD_DATA_CHANGE_IMMEDIATE |
		       CXL_CMD_POLICY_CHANGE_IMMEDIATE |
		       CXL_CMD_LOG_CHANGE_IMMEDIATE))
		return "full";
	if (effects & (CXL_CMD_CONFIG_CHANGE_COLD_RESET |
		       CXL_CMD_CONFIG_CHANGE_CONV_RESET |
		       CXL_CMD_CONFIG_CHANGE_CXL_RESET))
		return "write";
	return NULL;
}

/* One entry of `cxl features -j` against the test's own */
static void check_feat(struct __test_metadata *_metadata,
		       const struct tool_run *r, json_object *obj,
		       const struct cxl_feat_entry *ent)
{
	__u32 flags = le32toh(ent->flags);
	__u16 effects = le16toh(ent->effects);
	unsigned int bit, n = 0;
	json_object *names;
	const char *name;
	char uuid[37], other[16];
	const char *want;

	uuid_text(ent->uuid, uuid);
	jstr_eq(_metadata, r, obj, "uuid", uuid);
	jint_eq(_metadata, r, obj, "id", le16toh(ent->id));
	jint_eq(_metadata, r, obj, "get_size", le16toh(ent->get_feat_size));
	jint_eq(_metadata, r, obj, "set_size", le16toh(ent->set_feat_size));
	jint_eq(_metadata, r, obj, "get_version", ent->get_feat_ver);
	jint_eq(_metadata, r, obj, "set_version", ent->set_feat_ver);
	jint_eq(_metadata, r, obj, "flags", flags);
	jbool_eq(_metadata, r, obj, "changeable",
		 flags & CXL_FEATURE_F_CHANGEABLE);
	jbool_eq(_metadata, r, obj, "default_selection",
		 flags & CXL_FEATURE_F_DEFAULT_SEL);
	jbool_eq(_metadata, r, obj, "saved_selection",
		 flags & CXL_FEATURE_F_SAVED_SEL);
	jint_eq(_metadata, r, obj, "persist_reset",
		(flags & CXL_FEATURE_F_PERSIST_RESET_MASK) >> 1);
	jint_eq(_metadata, r, obj, "effects", effects);
	jstr_eq(_metadata, r, obj, "set_scope", feat_set_scope(ent));

	names = jfield(_metadata, r, obj, "effect_names", json_type_array,
		       false);
	for (bit = 0; bit != 16; bit++) {
		if (!(effects & (1U << bit)))
			continue;
		want = effect_names[bit];
		if (!want) {
			snprintf(other, sizeof(other), "bit-%u", bit);
			want = other;
		}
		ASSERT_GT(json_object_array_length(names), n)
			tool_logf(_metadata, r, "%s: no effect name for bit %u",
				  uuid, bit);
		name = json_object_get_string(json_object_array_get_idx(names,
									n));
		ASSERT_STREQ(want, name)
			tool_logf(_metadata, r, "%s: effect name %u", uuid, n);
		n++;
	}
	ASSERT_EQ(n, json_object_array_length(names))
		tool_logf(_metadata, r, "%s: effect names of 0x%x", uuid,
			  effects);
}

/*
 * `cxl features @arg -j`, @arg naming the fwctl device of @md, against the
 * test's own list @ents of @nr features
 */
static void check_features(struct __test_metadata *_metadata,
			   struct tool_run *r, const struct cxl_memdev *md,
			   const char *arg, const struct cxl_feat_entry *ents,
			   unsigned int nr)
{
	json_object *obj, *feats;
	char line[128], uuid[37];
	unsigned int i;

	/* The text: a header, then a block per feature, in the same order */
	tool(r, "cxl", "features", arg);
	tool_exit(_metadata, r, 0);
	snprintf(line, sizeof(line), "%s: %u feature", md->fwctl, nr);
	tool_out_has(_metadata, r, line);
	for (i = 0; i != nr; i++) {
		uuid_text(ents[i].uuid, uuid);
		snprintf(line, sizeof(line), "feature %s\n", uuid);
		tool_out_has(_metadata, r, line);
	}

	tool(r, "cxl", "features", arg, "-j");
	obj = tool_json(_metadata, r);
	jstr_eq(_metadata, r, obj, "device", md->fwctl);
	jint_eq(_metadata, r, obj, "supported", nr);
	feats = jfield(_metadata, r, obj, "features", json_type_array, false);
	ASSERT_EQ(nr, json_object_array_length(feats)) tool_log(_metadata, r);
	for (i = 0; i != nr; i++)
		check_feat(_metadata, r, json_object_array_get_idx(feats, i),
			   &ents[i]);
}

/* The test's own list of the features of @md's fwctl device */
static void own_features(struct __test_metadata *_metadata,
			 const struct cxl_memdev *md,
			 struct cxl_feat_entry *ents, unsigned int *nr)
{
	int fd;

	fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", md->node, strerror(errno));
	ASSERT_OK(_cxl_list(fd, ents, TOOL_MAX_FEATS, nr));
	ASSERT_OK(close(fd));
}

FIXTURE(fwctl_tool_cxl)
{
	struct cxl_memdevs cxl;
	struct tool_run r;
	/* The test set the test feature of memdev i through the tool */
	bool touched[CXL_MAX_MEMDEVS];
};

FIXTURE_SETUP(fwctl_tool_cxl)
{
	const char *why = tool_prepare(_metadata);

	if (why)
		SKIP(return, "%s", why);
	if (!cxl_available(_metadata, &self->cxl))
		SKIP(return, "%s", CXL_NONE_REASON);
}

FIXTURE_TEARDOWN(fwctl_tool_cxl)
{
	unsigned int i;

	tool_run_free(&self->r);
	/* Back to the value of the probe, and a default memdev again */
	for (i = 0; i != self->cxl.nr; i++)
		if (self->touched[i])
			cxl_expect_default_md(_metadata, &self->cxl.md[i],
					      true);
}

/* `cxl features`, by the fwctl device and by the memdev */
TEST_F_TIMEOUT(fwctl_tool_cxl, features, 120)
{
	struct cxl_feat_entry ents[TOOL_MAX_FEATS];
	unsigned int i, nr, done = 0;

	for (i = 0; i != self->cxl.nr; i++) {
		const struct cxl_memdev *md = &self->cxl.md[i];

		if (!md->fwctl[0])
			continue;
		own_features(_metadata, md, ents, &nr);
		check_features(_metadata, &self->r, md, md->fwctl, ents, nr);
		check_features(_metadata, &self->r, md, md->name, ents, nr);
		done++;
	}
	ksft_print_msg("tool: cxl features checked on %u memdevs\n", done);
}

/* `cxl get` of every feature reads what a Get Feature of the test's own does */
TEST_F_TIMEOUT(fwctl_tool_cxl, get, 120)
{
	struct cxl_feat_entry ents[TOOL_MAX_FEATS];
	struct tool_run *r = &self->r;
	unsigned int i, j, nr, size;
	struct cxl_reply reply;
	char uuid[37], line[128];
	json_object *obj;
	int fd;

	for (i = 0; i != self->cxl.nr; i++) {
		const struct cxl_memdev *md = &self->cxl.md[i];

		if (!md->fwctl[0])
			continue;
		own_features(_metadata, md, ents, &nr);
		for (j = 0; j != nr; j++) {
			size = le16toh(ents[j].get_feat_size);
			uuid_text(ents[j].uuid, uuid);
			if (CXL_GET_OUT_LEN(size) > sizeof(reply.buf)) {
				ksft_print_msg("%s %s: %u bytes, skipped\n",
					       md->name, uuid, size);
				continue;
			}
			/* Nothing to read of a feature without data */
			if (size) {
				fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
				ASSERT_LE(0, fd);
				reply.len = CXL_GET_OUT_LEN(size);
				ASSERT_OK(_cxl_get_feature(fd,
							   FWCTL_RPC_CONFIGURATION,
							   ents[j].uuid, 0,
							   size, &reply));
				ASSERT_OK(close(fd));
				ASSERT_EQ(CXL_RC_SUCCESS, reply.retval);
				ASSERT_EQ(size, reply.size);
			}

			tool(r, "cxl", "get", md->fwctl, uuid);
			tool_exit(_metadata, r, 0);
			snprintf(line, sizeof(line),
				 "feature %s (current): %u bytes\n", uuid, size);
			tool_out_has(_metadata, r, line);

			tool(r, "cxl", "get", md->fwctl, uuid, "-j");
			obj = tool_json(_metadata, r);
			jstr_eq(_metadata, r, obj, "uuid", uuid);
			jstr_eq(_metadata, r, obj, "selection", "current");
			jint_eq(_metadata, r, obj, "size", size);
			jhex_eq(_metadata, r, obj, "data",
				reply.buf + CXL_RSP_HDR_LEN, size, 0, 0);
		}

		/* A feature the device does not list */
		tool(r, "cxl", "get", md->fwctl, UNKNOWN_UUID, "-j");
		tool_exit(_metadata, r, 2);
	}
}

/*
 * `cxl set` of the test feature: `cxl get` and the test's own Get Feature
 * see the new value. Data longer than the feature's set size is refused.
 */
TEST_F_TIMEOUT(fwctl_tool_cxl, set, 120)
{
	struct cxl_feat_entry ents[TOOL_MAX_FEATS];
	struct tool_run *r = &self->r;
	unsigned int i, j, nr, done = 0;
	__le32 le = htole32(TOOL_FEAT_VAL);
	char uuid[37], msg[128];
	json_object *obj;
	char *hex;
	__u32 val;
	int fd;

	hex = hex_of(&le, sizeof(le));
	ASSERT_NE(NULL, hex);
	uuid_text(cxl_test_feat_uuid, uuid);
	for (i = 0; i != self->cxl.nr; i++) {
		const struct cxl_memdev *md = &self->cxl.md[i];

		if (!md->fwctl[0])
			continue;
		own_features(_metadata, md, ents, &nr);
		for (j = 0; j != nr; j++)
			if (cxl_is_test_feat(&ents[j]))
				break;
		if (j == nr)
			continue;

		self->touched[i] = true;
		tool(r, "cxl", "set", md->name, uuid, hex);
		tool_exit(_metadata, r, 0);
		snprintf(msg, sizeof(msg), "set feature %s: %u bytes at scope write",
			 uuid, CXL_TEST_FEAT_SIZE);
		ASSERT_NE(NULL, strstr(r->out, msg))
			tool_logf(_metadata, r, "no \"%s\"", msg);

		tool(r, "cxl", "get", md->name, uuid, "-j");
		obj = tool_json(_metadata, r);
		jhex_eq(_metadata, r, obj, "data", &le, sizeof(le), 0, 0);
		fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		test_cmd_cxl_read(fd, cxl_test_feat_uuid, &val);
		ASSERT_EQ(TOOL_FEAT_VAL, val);

		/* One byte more than the set size */
		tool(r, "cxl", "set", md->fwctl, uuid, "0102030405");
		tool_exit(_metadata, r, 2);
		test_cmd_cxl_read(fd, cxl_test_feat_uuid, &val);
		ASSERT_EQ(TOOL_FEAT_VAL, val);
		ASSERT_OK(close(fd));
		done++;
	}
	free(hex);
	ksft_print_msg("tool: cxl set checked on %u memdevs\n", done);
}

/*
 * A memdev rebound with cxl_mock_mem's policy_features=1 lists features
 * of every set scope. The teardown puts the parameters back and rebinds it.
 */
FIXTURE(fwctl_tool_policy)
{
	struct cxl_memdevs cxl;
	struct cxl_memdev md;
	char pdev[32];
	struct tool_run r;
	/* The test rebound the memdev with other parameters */
	bool dirty;
};

FIXTURE_SETUP(fwctl_tool_policy)
{
	const char *why = tool_prepare(_metadata);

	if (why)
		SKIP(return, "%s", why);
	why = cxl_find_rebind(_metadata, &self->cxl, &self->md, self->pdev,
			      sizeof(self->pdev));
	if (why)
		SKIP(return, "%s", why);
	if (!cxl_mock_param_exists("policy_features")) {
		ASSERT_FALSE(cxl_required())
			TH_LOG("FWCTL_CXL_REQUIRED=1, but %s has no policy_features",
			       CXL_MOCK_PARAMS);
		SKIP(return, "%s has no policy_features parameter",
		     CXL_MOCK_DRIVER);
	}
	/* Left over by a run that was killed: it has no effect until a probe */
	ASSERT_OK(cxl_mock_params_reset());
}

FIXTURE_TEARDOWN(fwctl_tool_policy)
{
	tool_run_free(&self->r);
	EXPECT_OK(cxl_mock_params_reset());
	if (!self->dirty && cxl_pdev_bound(self->pdev))
		return;
	/* Logs what failed: the programs after this one will fail too */
	EXPECT_OK(cxl_pdev_rebind(self->pdev, &self->md, true));
	cxl_expect_default_md(_metadata, &self->md, false);
}

/*
 * `cxl features` tells each feature's set scope, and `cxl set` follows it:
 * a feature that can never be set is refused with exit 2 and no Set
 * Feature, the others are set at their scope.
 */
TEST_F_TIMEOUT(fwctl_tool_policy, set_scopes, 180)
{
	struct cxl_feat_entry ents[TOOL_MAX_FEATS];
	struct tool_run *r = &self->r;
	__u64 taints = 0, after = 0;
	unsigned int i, nr;
	bool counted;
	char uuid[37], msg[128], why[256];
	const char *scope;
	__u32 old, val;
	__le32 le;
	char *hex;
	int fd;

	ASSERT_OK(cxl_mock_param_set("policy_features", "1"));
	self->dirty = true;
	ASSERT_OK(cxl_pdev_rebind(self->pdev, &self->md, true));
	own_features(_metadata, &self->md, ents, &nr);
	ASSERT_LT(1, nr);
	check_features(_metadata, r, &self->md, self->md.name, ents, nr);

	/* The core counts the RPCs that reach a driver at a write scope */
	counted = debugfs_available(why, sizeof(why)) &&
		  path_exists(FWCTL_DEBUGFS "/tainting_rpcs");
	fd = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i != nr; i++) {
		if (le16toh(ents[i].get_feat_size) != sizeof(__u32))
			continue;
		uuid_text(ents[i].uuid, uuid);
		scope = feat_set_scope(&ents[i]);
		test_cmd_cxl_read(fd, ents[i].uuid, &old);
		le = htole32(TOOL_FEAT_VAL + i);
		hex = hex_of(&le, sizeof(le));
		ASSERT_NE(NULL, hex);
		if (counted)
			ASSERT_OK(fwctl_tainting_rpcs(&taints));

		tool(r, "cxl", "set", self->md.name, uuid, hex);
		free(hex);
		test_cmd_cxl_read(fd, ents[i].uuid, &val);
		if (!scope) {
			tool_exit(_metadata, r, 2);
			ASSERT_EQ(old, val) TH_LOG("%s", uuid);
			if (counted) {
				ASSERT_OK(fwctl_tainting_rpcs(&after));
				ASSERT_EQ(taints, after)
					tool_logf(_metadata, r,
						  "%s: a Set Feature was sent",
						  uuid);
			}
			continue;
		}
		tool_exit(_metadata, r, 0);
		snprintf(msg, sizeof(msg), "set feature %s: %u bytes at scope %s",
			 uuid, (unsigned int)sizeof(le), scope);
		ASSERT_NE(NULL, strstr(r->out, msg))
			tool_logf(_metadata, r, "no \"%s\"", msg);
		ASSERT_EQ(TOOL_FEAT_VAL + i, val) TH_LOG("%s", uuid);
	}
	ASSERT_OK(close(fd));
	ksft_print_msg("tool: cxl set scopes checked on %s, %u features\n",
		       self->md.name, nr);
}

TEST_HARNESS_MAIN
