// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl against its machine-readable ioctl specification, run with the
 * fwctl_mock driver.
 *
 * The kernel exports the contract of every fwctl ioctl under
 * <debugfs>/fwctl/api/<IOCTL>, and the command catalog of each device whose
 * driver has one under <debugfs>/fwctl/<fwctlN>/commands. This program:
 *
 * - parses both strictly: an unknown record type or key, or a malformed
 *   line, fails; and checks the ioctl numbers, struct sizes and field
 *   offsets against the uAPI header, through a table of the header's own
 *   offsetof() and sizeof();
 * - walks the specification and, for every constraint in it, makes calls
 *   that break exactly that constraint, expecting the errno it lists, and
 *   calls at its limits, expecting success; and for every pair of rules in
 *   its order of checks, calls that break both, expecting the errno of the
 *   one checked first;
 * - tries to produce every errno each ioctl lists, printing
 *     # spec: ioctl=NAME errno=ENAME produced=yes|no how=...
 *   and at the end
 *     # spec: constraints=N checked=N errnos=M produced=K
 * - checks that the mock driver does what its catalog says;
 * - runs last in the suite and fails if some ioctl returned an errno that
 *   neither its specification nor the driver lists, which the core counts
 *   in <debugfs>/fwctl/undeclared_errnos with CONFIG_FWCTL_API_SPEC_CHECK
 *   (and skips without that option).
 *
 * Every errno any call returns must be listed by the ioctl's specification
 * or by the driver's catalog. ENOMEM is produced with fail-nth and FAILSLAB;
 * on a kernel without fault injection it is reported as not produced and
 * does not fail the test.
 */
#include "fwctl_utils.h"

#include <ctype.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define SPEC_API_DIR DEBUGFS_ROOT "/fwctl/api"
#define SPEC_DEV_DIR DEBUGFS_ROOT "/fwctl"

/* Instance ids of this program, clear of those of the other programs */
#define SPEC_FIRST_ID 1500
#define SPEC_UNPLUG_FIRST_ID 1600

#define SPEC_MAX_IOCTLS 8
#define SPEC_MAX_FIELDS 16
#define SPEC_MAX_CAPS 8
#define SPEC_MAX_ERRNOS 32
#define SPEC_MAX_COMMANDS 64
#define SPEC_MAX_PAIRS 16
#define SPEC_NAME_LEN 32
#define SPEC_HOW_LEN 128

/* The largest struct this test can exercise, and what it appends to it */
#define SPEC_STRUCT_MAX 256
#define SPEC_TRAIL 8
/* The buffer of a user pointer whose length has no maximum */
#define SPEC_DEF_BUF 4096
/* Enums up to this many values have every value tried */
#define SPEC_ENUM_ALL 64
/* fail-nth points tried before giving up on ENOMEM */
#define SPEC_NTH_MAX 64

#define SPEC_UNDECLARED DEBUGFS_ROOT "/fwctl/undeclared_errnos"
#define SPEC_WARNING "which neither its specification nor driver"

/* Errno names, for the records and the report */

#define ERRNO_NAME(e) { e, #e }

static const struct {
	int value;
	const char *name;
} errno_names[] = {
	ERRNO_NAME(EPERM), ERRNO_NAME(ENOENT), ERRNO_NAME(ESRCH),
	ERRNO_NAME(EINTR), ERRNO_NAME(EIO), ERRNO_NAME(ENXIO),
	ERRNO_NAME(E2BIG), ERRNO_NAME(ENOEXEC), ERRNO_NAME(EBADF),
	ERRNO_NAME(ECHILD), ERRNO_NAME(EAGAIN), ERRNO_NAME(ENOMEM),
	ERRNO_NAME(EACCES), ERRNO_NAME(EFAULT), ERRNO_NAME(EBUSY),
	ERRNO_NAME(EEXIST), ERRNO_NAME(EXDEV), ERRNO_NAME(ENODEV),
	ERRNO_NAME(ENOTDIR), ERRNO_NAME(EISDIR), ERRNO_NAME(EINVAL),
	ERRNO_NAME(ENFILE), ERRNO_NAME(EMFILE), ERRNO_NAME(ENOTTY),
	ERRNO_NAME(ETXTBSY), ERRNO_NAME(EFBIG), ERRNO_NAME(ENOSPC),
	ERRNO_NAME(ESPIPE), ERRNO_NAME(EROFS), ERRNO_NAME(EMLINK),
	ERRNO_NAME(EPIPE), ERRNO_NAME(EDOM), ERRNO_NAME(ERANGE),
	ERRNO_NAME(EDEADLK), ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(ENOLCK),
	ERRNO_NAME(ENOTEMPTY), ERRNO_NAME(ELOOP),
	ERRNO_NAME(ENOMSG), ERRNO_NAME(EIDRM), ERRNO_NAME(ENODATA),
	ERRNO_NAME(ETIME), ERRNO_NAME(ENOLINK), ERRNO_NAME(EPROTO),
	ERRNO_NAME(EBADMSG), ERRNO_NAME(EOVERFLOW), ERRNO_NAME(EILSEQ),
	ERRNO_NAME(EUSERS), ERRNO_NAME(EMSGSIZE), ERRNO_NAME(EPROTOTYPE),
	ERRNO_NAME(EOPNOTSUPP), ERRNO_NAME(EADDRINUSE), ERRNO_NAME(ENETDOWN),
	ERRNO_NAME(ECONNRESET), ERRNO_NAME(ENOBUFS), ERRNO_NAME(ETIMEDOUT),
	ERRNO_NAME(ECONNREFUSED), ERRNO_NAME(EHOSTUNREACH),
	ERRNO_NAME(EALREADY), ERRNO_NAME(EINPROGRESS), ERRNO_NAME(ESTALE),
	ERRNO_NAME(EREMOTEIO), ERRNO_NAME(EDQUOT), ERRNO_NAME(ENOMEDIUM),
	ERRNO_NAME(ECANCELED), ERRNO_NAME(ENOKEY), ERRNO_NAME(EKEYREJECTED),
	ERRNO_NAME(EOWNERDEAD), ERRNO_NAME(ERFKILL), ERRNO_NAME(EHWPOISON),
};

static int errno_by_name(const char *name)
{
	size_t i;

	for (i = 0; i != ARRAY_SIZE(errno_names); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].value;
	return 0;
}

static const char *errno_name(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i != ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].value == err)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* The uAPI header, as the compiler sees it */

/* How a valid call sets a field */
enum hdr_value {
	HDR_ZERO,	/* 0 */
	HDR_SIZE,	/* sizeof() the struct */
	HDR_LEN,	/* a length: SPEC_LEN bytes */
	HDR_UPTR,	/* a user pointer: a buffer of its length */
};

/* The length a valid call gives a buffer: a mock ECHO header */
#define SPEC_LEN ((__u64)MOCK_HDR_LEN)

struct hdr_field {
	const char *name;
	size_t offset;
	size_t size;
	enum hdr_value value;
};

struct hdr_ioctl {
	const char *name;
	unsigned long nr;
	const char *struct_name;
	size_t size;
	const struct hdr_field *fields;
	unsigned int nr_fields;
};

static const struct fwctl_info hdr_info;
static const struct fwctl_rpc hdr_rpc;

static const struct hdr_field hdr_info_fields[] = {
	{ "size", offsetof(struct fwctl_info, size), sizeof(hdr_info.size),
	  HDR_SIZE },
	{ "flags", offsetof(struct fwctl_info, flags), sizeof(hdr_info.flags),
	  HDR_ZERO },
	{ "out_device_type", offsetof(struct fwctl_info, out_device_type),
	  sizeof(hdr_info.out_device_type), HDR_ZERO },
	{ "device_data_len", offsetof(struct fwctl_info, device_data_len),
	  sizeof(hdr_info.device_data_len), HDR_LEN },
	{ "out_device_data", offsetof(struct fwctl_info, out_device_data),
	  sizeof(hdr_info.out_device_data), HDR_UPTR },
};

static const struct hdr_field hdr_rpc_fields[] = {
	{ "size", offsetof(struct fwctl_rpc, size), sizeof(hdr_rpc.size),
	  HDR_SIZE },
	{ "scope", offsetof(struct fwctl_rpc, scope), sizeof(hdr_rpc.scope),
	  HDR_ZERO },
	{ "in_len", offsetof(struct fwctl_rpc, in_len),
	  sizeof(hdr_rpc.in_len), HDR_LEN },
	{ "out_len", offsetof(struct fwctl_rpc, out_len),
	  sizeof(hdr_rpc.out_len), HDR_LEN },
	{ "in", offsetof(struct fwctl_rpc, in), sizeof(hdr_rpc.in), HDR_UPTR },
	{ "out", offsetof(struct fwctl_rpc, out), sizeof(hdr_rpc.out),
	  HDR_UPTR },
};

static const struct hdr_ioctl hdr_ioctls[] = {
	{ "FWCTL_INFO", FWCTL_INFO, "fwctl_info", sizeof(struct fwctl_info),
	  hdr_info_fields, ARRAY_SIZE(hdr_info_fields) },
	{ "FWCTL_RPC", FWCTL_RPC, "fwctl_rpc", sizeof(struct fwctl_rpc),
	  hdr_rpc_fields, ARRAY_SIZE(hdr_rpc_fields) },
};

static const struct hdr_ioctl *hdr_ioctl_find(const char *name)
{
	size_t i;

	for (i = 0; i != ARRAY_SIZE(hdr_ioctls); i++)
		if (!strcmp(hdr_ioctls[i].name, name))
			return &hdr_ioctls[i];
	return NULL;
}

static const struct hdr_field *hdr_field_find(const struct hdr_ioctl *hdr,
					      const char *name)
{
	unsigned int i;

	for (i = 0; i != hdr->nr_fields; i++)
		if (!strcmp(hdr->fields[i].name, name))
			return &hdr->fields[i];
	return NULL;
}

/* The specification, as parsed */

enum spec_dir {
	SPEC_IN,
	SPEC_OUT,
	SPEC_INOUT,
};

enum spec_check {
	CHECK_NONE,
	CHECK_SIZE,
	CHECK_ZERO,
	CHECK_ENUM,
	CHECK_MAX,
	CHECK_UPTR,
};

static const char *const spec_dir_names[] = {
	[SPEC_IN] = "in",
	[SPEC_OUT] = "out",
	[SPEC_INOUT] = "inout",
};

static const char *const spec_check_names[] = {
	[CHECK_NONE] = "none",
	[CHECK_SIZE] = "size",
	[CHECK_ZERO] = "zero",
	[CHECK_ENUM] = "enum",
	[CHECK_MAX] = "max",
	[CHECK_UPTR] = "uptr",
};

struct spec_field {
	char name[SPEC_NAME_LEN];
	unsigned int offset;
	unsigned int size;
	unsigned int dir;
	unsigned int check;
	bool has_max;
	__u64 max;
	/* For CHECK_UPTR: the length field, by name and index */
	char len_name[SPEC_NAME_LEN];
	int len;
	/* The errno a broken rule returns, or 0 */
	char err_name[SPEC_NAME_LEN];
	int err;
};

struct spec_cap {
	char field_name[SPEC_NAME_LEN];
	int field;
	__u64 value;
	unsigned int cap;
	char err_name[SPEC_NAME_LEN];
	int err;
};

struct spec_errno {
	char name[SPEC_NAME_LEN];
	int value;
};

struct spec_ioctl {
	char name[SPEC_NAME_LEN];
	char struct_name[SPEC_NAME_LEN];
	unsigned long nr;
	unsigned int size;
	unsigned int min_size;
	unsigned int version;
	struct spec_field fields[SPEC_MAX_FIELDS];
	unsigned int nr_fields;
	struct spec_cap caps[SPEC_MAX_CAPS];
	unsigned int nr_caps;
	struct spec_errno errnos[SPEC_MAX_ERRNOS];
	unsigned int nr_errnos;
	/* The order of the checks: field indices, ORDER_SIZE, ORDER_ATTACHED */
	int order[SPEC_MAX_FIELDS + 2];
	unsigned int nr_order;
	const struct hdr_ioctl *hdr;
};

/* The rules of an order record that are not a field's */
#define ORDER_SIZE (-2)
#define ORDER_ATTACHED (-1)

struct spec_set {
	struct spec_ioctl ioctl[SPEC_MAX_IOCTLS];
	unsigned int nr;
};

struct cat_cmd {
	__u64 id;
	char name[SPEC_NAME_LEN];
	__u64 min_scope;
	__u64 req_min;
	__u64 req_max;
	__u64 resp_min;
	__u64 resp_max;
};

struct catalog {
	int errnos[SPEC_MAX_ERRNOS];
	unsigned int nr_errnos;
	struct cat_cmd cmds[SPEC_MAX_COMMANDS];
	unsigned int nr_cmds;
};

static int spec_errno_find(const struct spec_ioctl *ioc, int err)
{
	unsigned int i;

	for (i = 0; i != ioc->nr_errnos; i++)
		if (ioc->errnos[i].value == err)
			return i;
	return -1;
}

static int spec_field_find(const struct spec_ioctl *ioc, const char *name)
{
	unsigned int i;

	for (i = 0; i != ioc->nr_fields; i++)
		if (!strcmp(ioc->fields[i].name, name))
			return i;
	return -1;
}

static bool catalog_has(const struct catalog *cat, int err)
{
	unsigned int i;

	for (i = 0; cat && i != cat->nr_errnos; i++)
		if (cat->errnos[i] == err)
			return true;
	return false;
}

/* The largest value a field holds */
static __u64 field_ones(const struct spec_field *f)
{
	return f->size == 8 ? ~0ULL : (1ULL << (8 * f->size)) - 1;
}

/* The record parser */

struct pair {
	char key[SPEC_NAME_LEN];
	char val[512];
	bool quoted;
	bool used;
};

/* One line being parsed; why holds the first problem found */
struct parser {
	const char *file;
	unsigned int line;
	char type[SPEC_NAME_LEN];
	struct pair pairs[SPEC_MAX_PAIRS];
	unsigned int nr_pairs;
	char why[512];
};

/* Record the first problem; returns -1 for the callers to pass on */
static __printf(2, 3) int parse_error(struct parser *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (p->why[0])
		return -1;
	if (p->line)
		n = snprintf(p->why, sizeof(p->why), "%s:%u: ", p->file,
			     p->line);
	else
		n = snprintf(p->why, sizeof(p->why), "%s: ", p->file);
	if (n >= sizeof(p->why))
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->why + n, sizeof(p->why) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_ident(const char *s, bool upper)
{
	const char *c;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return false;
	for (c = s; *c; c++)
		if (!(upper ? isupper((unsigned char)*c) :
			      islower((unsigned char)*c)) &&
		    !isdigit((unsigned char)*c) && *c != '_')
			return false;
	return true;
}

/* Decimal without leading zeros, or 0x and hex digits; nothing else */
static bool parse_u64(const char *s, __u64 *val)
{
	const char *c;
	int base = 10;
	char *end;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
		if (!*s)
			return false;
		for (c = s; *c; c++)
			if (!isxdigit((unsigned char)*c))
				return false;
	} else {
		if (!*s || (s[0] == '0' && s[1]))
			return false;
		for (c = s; *c; c++)
			if (!isdigit((unsigned char)*c))
				return false;
	}
	errno = 0;
	*val = strtoull(s, &end, base);
	return !errno && !*end;
}

/*
 * Split a line into its record type and key=value pairs. A value is a token
 * without spaces or quotes, or a double-quoted string without quotes.
 */
static int parse_line(struct parser *p, const char *line)
{
	const char *c = line;
	struct pair *pair;
	const char *start;
	size_t n;
	unsigned int i;

	p->nr_pairs = 0;
	p->type[0] = 0;
	for (start = line; *start; start++)
		if (*start < 0x20 || *start > 0x7e)
			return parse_error(p, "non-printable byte %#x",
					   (unsigned char)*start);

	n = strspn(c, "abcdefghijklmnopqrstuvwxyz_");
	if (!n || n >= sizeof(p->type) || (c[n] && c[n] != ' '))
		return parse_error(p, "no record type at '%.40s'", line);
	memcpy(p->type, c, n);
	p->type[n] = 0;
	c += n;

	while (*c) {
		/* Exactly one space before each pair, none at the end */
		if (*c != ' ' || c[1] == ' ' || !c[1])
			return parse_error(p, "bad spacing at '%.40s'", c);
		c++;
		if (p->nr_pairs == SPEC_MAX_PAIRS)
			return parse_error(p, "more than %d pairs",
					   SPEC_MAX_PAIRS);
		pair = &p->pairs[p->nr_pairs];
		memset(pair, 0, sizeof(*pair));

		n = strspn(c, "abcdefghijklmnopqrstuvwxyz_0123456789");
		if (!n || n >= sizeof(pair->key) || c[n] != '=' ||
		    !islower((unsigned char)c[0]))
			return parse_error(p, "no key=value at '%.40s'", c);
		memcpy(pair->key, c, n);
		c += n + 1;
		for (i = 0; i != p->nr_pairs; i++)
			if (!strcmp(p->pairs[i].key, pair->key))
				return parse_error(p, "key %s given twice",
						   pair->key);

		if (*c == '"') {
			start = ++c;
			c = strchr(c, '"');
			if (!c)
				return parse_error(p, "unterminated string for %s",
						   pair->key);
			n = c - start;
			c++;
			if (*c && *c != ' ')
				return parse_error(p, "text after the closing quote of %s",
						   pair->key);
			pair->quoted = true;
		} else {
			start = c;
			n = strcspn(c, " \"");
			c += n;
			if (!n)
				return parse_error(p, "empty value for %s",
						   pair->key);
			if (*c == '"')
				return parse_error(p, "quote inside the value of %s",
						   pair->key);
		}
		if (n >= sizeof(pair->val))
			return parse_error(p, "value of %s too long", pair->key);
		memcpy(pair->val, start, n);
		pair->val[n] = 0;
		p->nr_pairs++;
	}
	return 0;
}

static struct pair *take(struct parser *p, const char *key, bool required)
{
	unsigned int i;

	for (i = 0; i != p->nr_pairs; i++) {
		if (strcmp(p->pairs[i].key, key))
			continue;
		p->pairs[i].used = true;
		return &p->pairs[i];
	}
	if (required)
		parse_error(p, "%s record without %s=", p->type, key);
	return NULL;
}

/* A number; false if absent (and then an error if @required) */
static bool take_num(struct parser *p, const char *key, bool required,
		     __u64 limit, __u64 *val)
{
	struct pair *pair = take(p, key, required);

	*val = 0;
	if (!pair)
		return false;
	if (pair->quoted || !parse_u64(pair->val, val)) {
		parse_error(p, "%s=%s is not a number", key, pair->val);
		return false;
	}
	if (*val > limit) {
		parse_error(p, "%s=%s is above %llu", key, pair->val,
			    (unsigned long long)limit);
		return false;
	}
	return true;
}

static unsigned int take_u32(struct parser *p, const char *key)
{
	__u64 val;

	take_num(p, key, true, UINT32_MAX, &val);
	return val;
}

/* An identifier, lower case for names of the kernel, upper for macros */
static bool take_name(struct parser *p, const char *key, bool required,
		      bool upper, char *buf, size_t len)
{
	struct pair *pair = take(p, key, required);

	buf[0] = 0;
	if (!pair)
		return false;
	if (pair->quoted || !is_ident(pair->val, upper) ||
	    strlen(pair->val) >= len) {
		parse_error(p, "%s=%s is not a name", key, pair->val);
		return false;
	}
	memcpy(buf, pair->val, strlen(pair->val) + 1);
	return true;
}

static int take_keyword(struct parser *p, const char *key,
			const char *const *words, unsigned int nr)
{
	struct pair *pair = take(p, key, true);
	unsigned int i;

	if (!pair)
		return -1;
	for (i = 0; i != nr; i++)
		if (words[i] && !pair->quoted && !strcmp(words[i], pair->val))
			return i;
	parse_error(p, "unknown %s=%s", key, pair->val);
	return -1;
}

/* Free text: present and without quotes, which the format cannot hold */
static void take_text(struct parser *p, const char *key)
{
	struct pair *pair = take(p, key, true);

	if (pair && !pair->val[0])
		parse_error(p, "empty %s", key);
}

/* Every key must have been understood */
static int record_done(struct parser *p)
{
	unsigned int i;

	for (i = 0; i != p->nr_pairs; i++)
		if (!p->pairs[i].used)
			return parse_error(p, "unknown key %s in a %s record",
					   p->pairs[i].key, p->type);
	return 0;
}

/* Read a whole (debugfs) file; the caller frees *@buf */
static int read_all(const char *path, char **buf, size_t *len)
{
	size_t size = 4096, used = 0;
	char *data = NULL, *grown;
	ssize_t n;
	int err;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		if (!data || used + 1 == size) {
			size = data ? size * 2 : size;
			grown = realloc(data, size);
			if (!grown) {
				err = ENOMEM;
				goto err;
			}
			data = grown;
		}
		n = read(fd, data + used, size - used - 1);
		if (n < 0) {
			err = errno;
			goto err;
		}
		if (!n)
			break;
		used += n;
	}
	close(fd);
	data[used] = 0;
	*buf = data;
	*len = used;
	return 0;
err:
	free(data);
	close(fd);
	return fail_errno(err);
}

/*
 * Feed every line of @path to @fn. The file must consist of lines, each
 * ending with a newline, without NUL bytes.
 */
static bool parse_file(struct parser *p, const char *path,
		       int (*fn)(struct parser *p, void *arg), void *arg)
{
	char *data, *line, *nl;
	size_t len;

	p->file = path;
	p->line = 0;
	p->why[0] = 0;
	if (read_all(path, &data, &len)) {
		parse_error(p, "cannot read: %s", strerror(errno));
		return false;
	}
	if (strlen(data) != len)
		parse_error(p, "NUL byte in the file");
	else if (!len)
		parse_error(p, "empty file");
	else if (data[len - 1] != '\n')
		parse_error(p, "last line without a newline");
	for (line = data; !p->why[0] && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = 0;
		p->line++;
		parse_line(p, line);
		if (!p->why[0])
			fn(p, arg);
		if (!p->why[0])
			record_done(p);
	}
	free(data);
	return !p->why[0];
}

/* The records of an ioctl's file, in the order they must come in */
enum spec_rank {
	RANK_IOCTL,
	RANK_FIELD,
	RANK_CAPABILITY,
	RANK_ORDER,
	RANK_ERRNO,
	RANK_EFFECTS,
	RANK_DONE,
};

struct ioctl_parse {
	struct spec_ioctl *ioc;
	enum spec_rank rank;
};

static int ioctl_record(struct parser *p, struct ioctl_parse *ip,
			enum spec_rank rank)
{
	struct spec_ioctl *ioc = ip->ioc;
	__u64 val;

	/* One ioctl record first, one effects record last */
	if (rank < ip->rank ||
	    (rank != RANK_IOCTL && ip->rank == RANK_IOCTL && !ioc->name[0]) ||
	    (rank == RANK_IOCTL && ioc->name[0]))
		return parse_error(p, "%s record out of order", p->type);
	ip->rank = rank;
	if (rank == RANK_EFFECTS) {
		take_text(p, "doc");
		ip->rank = RANK_DONE;
	}
	if (rank != RANK_IOCTL)
		return 0;
	take_name(p, "name", true, true, ioc->name, sizeof(ioc->name));
	take_num(p, "nr", true, UINT32_MAX, &val);
	ioc->nr = val;
	take_name(p, "struct", true, false, ioc->struct_name,
		  sizeof(ioc->struct_name));
	ioc->size = take_u32(p, "size");
	ioc->min_size = take_u32(p, "min_size");
	ioc->version = take_u32(p, "version");
	if (!ioc->name[0])
		return parse_error(p, "ioctl record without a name");
	return 0;
}

static int field_record(struct parser *p, struct spec_ioctl *ioc)
{
	struct spec_field *f;
	bool want_max, want_len, want_err;
	int v;

	if (ioc->nr_fields == SPEC_MAX_FIELDS)
		return parse_error(p, "more than %d fields", SPEC_MAX_FIELDS);
	f = &ioc->fields[ioc->nr_fields++];
	memset(f, 0, sizeof(*f));
	f->len = -1;
	take_name(p, "name", true, false, f->name, sizeof(f->name));
	f->offset = take_u32(p, "offset");
	f->size = take_u32(p, "size");
	v = take_keyword(p, "dir", spec_dir_names, ARRAY_SIZE(spec_dir_names));
	f->dir = v < 0 ? 0 : v;
	v = take_keyword(p, "check", spec_check_names,
			 ARRAY_SIZE(spec_check_names));
	f->check = v < 0 ? 0 : v;
	take_text(p, "doc");
	if (p->why[0])
		return -1;
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return parse_error(p, "field %s of size %u", f->name, f->size);

	/* The optional keys, each where its check needs it, nowhere else */
	want_max = f->check == CHECK_ENUM || f->check == CHECK_MAX;
	f->has_max = take_num(p, "max", want_max, UINT64_MAX, &f->max);
	if (f->has_max != want_max)
		return parse_error(p, "max= with check=%s",
				   spec_check_names[f->check]);
	want_len = f->check == CHECK_UPTR;
	if (take_name(p, "len", want_len, false, f->len_name,
		      sizeof(f->len_name)) != want_len)
		return parse_error(p, "len= with check=%s",
				   spec_check_names[f->check]);
	want_err = f->check != CHECK_NONE && f->check != CHECK_SIZE;
	if (take_name(p, "errno", want_err, true, f->err_name,
		      sizeof(f->err_name)) != want_err)
		return parse_error(p, "errno= with check=%s",
				   spec_check_names[f->check]);
	return 0;
}

static int cap_record(struct parser *p, struct spec_ioctl *ioc)
{
	struct spec_cap *cap;
	__u64 val;

	if (ioc->nr_caps == SPEC_MAX_CAPS)
		return parse_error(p, "more than %d capabilities",
				   SPEC_MAX_CAPS);
	cap = &ioc->caps[ioc->nr_caps++];
	memset(cap, 0, sizeof(*cap));
	take_name(p, "field", true, false, cap->field_name,
		  sizeof(cap->field_name));
	take_num(p, "value", true, UINT64_MAX, &cap->value);
	take_num(p, "cap", true, CAP_LAST_CAP, &val);
	cap->cap = val;
	take_name(p, "errno", true, true, cap->err_name,
		  sizeof(cap->err_name));
	return 0;
}

/* The name of a rule of an order record */
static const char *order_name(const struct spec_ioctl *ioc, int rule)
{
	if (rule == ORDER_SIZE)
		return "size";
	if (rule == ORDER_ATTACHED)
		return "attached";
	return ioc->fields[rule].name;
}

static int order_record(struct parser *p, struct spec_ioctl *ioc)
{
	struct pair *rules = take(p, "rules", true);
	char list[sizeof(rules->val)];
	char *name, *save;
	unsigned int i;
	int rule;

	if (!rules)
		return -1;
	if (ioc->nr_order)
		return parse_error(p, "a second order record");
	snprintf(list, sizeof(list), "%s", rules->val);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (!strcmp(name, "size"))
			rule = ORDER_SIZE;
		else if (!strcmp(name, "attached"))
			rule = ORDER_ATTACHED;
		else if (spec_field_find(ioc, name) >= 0)
			rule = spec_field_find(ioc, name);
		else
			return parse_error(p, "order names %s, which is no rule",
					   name);
		for (i = 0; i != ioc->nr_order; i++)
			if (ioc->order[i] == rule)
				return parse_error(p, "order names %s twice",
						   name);
		if (ioc->nr_order == ARRAY_SIZE(ioc->order))
			return parse_error(p, "order has too many rules");
		ioc->order[ioc->nr_order++] = rule;
	}
	return 0;
}

static int errno_record(struct parser *p, struct spec_ioctl *ioc)
{
	struct spec_errno *e;
	__u64 val;

	if (ioc->nr_errnos == SPEC_MAX_ERRNOS)
		return parse_error(p, "more than %d errnos", SPEC_MAX_ERRNOS);
	e = &ioc->errnos[ioc->nr_errnos++];
	take_name(p, "name", true, true, e->name, sizeof(e->name));
	take_num(p, "value", true, 4095, &val);
	e->value = val;
	take_text(p, "doc");
	if (p->why[0])
		return -1;
	if (!e->value || errno_by_name(e->name) != e->value)
		return parse_error(p, "errno %s=%d, but <errno.h> has %d",
				   e->name, e->value, errno_by_name(e->name));
	if (spec_errno_find(ioc, e->value) != (int)ioc->nr_errnos - 1)
		return parse_error(p, "errno %s listed twice", e->name);
	return 0;
}

static int ioctl_line(struct parser *p, void *arg)
{
	struct ioctl_parse *ip = arg;

	if (!strcmp(p->type, "ioctl"))
		return ioctl_record(p, ip, RANK_IOCTL);
	if (!strcmp(p->type, "field"))
		return ioctl_record(p, ip, RANK_FIELD) ?:
		       field_record(p, ip->ioc);
	if (!strcmp(p->type, "capability"))
		return ioctl_record(p, ip, RANK_CAPABILITY) ?:
		       cap_record(p, ip->ioc);
	if (!strcmp(p->type, "order"))
		return ioctl_record(p, ip, RANK_ORDER) ?:
		       order_record(p, ip->ioc);
	if (!strcmp(p->type, "errno"))
		return ioctl_record(p, ip, RANK_ERRNO) ?:
		       errno_record(p, ip->ioc);
	if (!strcmp(p->type, "effects"))
		return ioctl_record(p, ip, RANK_EFFECTS);
	return parse_error(p, "unknown record type '%s'", p->type);
}

/* A field whose value the dispatcher checks, so it has a place in the order */
static bool field_has_rule(const struct spec_field *f)
{
	return f->check == CHECK_ZERO || f->check == CHECK_ENUM ||
	       f->check == CHECK_MAX;
}

/* The size rules first, then every other rule once, and nothing else */
static int order_check(struct parser *p, const struct spec_ioctl *ioc)
{
	unsigned int i, rules = 2;

	if (!ioc->nr_order || ioc->order[0] != ORDER_SIZE)
		return parse_error(p, "no order record starting with size");
	for (i = 0; i != ioc->nr_fields; i++)
		rules += field_has_rule(&ioc->fields[i]);
	for (i = 0; i != ioc->nr_order; i++)
		if (ioc->order[i] >= 0 &&
		    !field_has_rule(&ioc->fields[ioc->order[i]]))
			return parse_error(p, "order names %s, which has no rule",
					   order_name(ioc, ioc->order[i]));
	if (ioc->nr_order != rules)
		return parse_error(p, "order has %u rules of %u", ioc->nr_order,
				   rules);
	return 0;
}

/*
 * What the file must say as a whole: the fields cover the struct, each
 * name refers to something listed, and everything matches the header.
 */
static int ioctl_check(struct parser *p, struct spec_ioctl *ioc,
		       const char *file_name)
{
	const struct hdr_field *hf;
	unsigned int i, end = 0;
	bool is_size, is_uptr, hdr_uptr;
	struct spec_field *f;
	struct spec_cap *cap;
	int idx;

	p->line = 0;
	if (!ioc->name[0])
		return parse_error(p, "no ioctl record");
	if (!ioc->nr_fields || !ioc->nr_errnos)
		return parse_error(p, "no field or no errno records");
	if (strcmp(ioc->name, file_name))
		return parse_error(p, "ioctl %s in file %s", ioc->name,
				   file_name);
	ioc->hdr = hdr_ioctl_find(ioc->name);
	if (!ioc->hdr)
		return parse_error(p, "%s is not an ioctl of the uAPI header this test knows",
				   ioc->name);
	if (ioc->nr != ioc->hdr->nr)
		return parse_error(p, "nr=%#lx, the header's %s is %#lx",
				   ioc->nr, ioc->name, ioc->hdr->nr);
	if (strcmp(ioc->struct_name, ioc->hdr->struct_name))
		return parse_error(p, "struct=%s, the header's is %s",
				   ioc->struct_name, ioc->hdr->struct_name);
	if (ioc->size != ioc->hdr->size)
		return parse_error(p, "size=%u, sizeof(struct %s) is %zu",
				   ioc->size, ioc->struct_name,
				   ioc->hdr->size);
	if (ioc->size > SPEC_STRUCT_MAX || ioc->min_size > ioc->size ||
	    !ioc->version)
		return parse_error(p, "size=%u min_size=%u version=%u",
				   ioc->size, ioc->min_size, ioc->version);
	if (ioc->nr_fields != ioc->hdr->nr_fields)
		return parse_error(p, "%u fields, struct %s has %u",
				   ioc->nr_fields, ioc->struct_name,
				   ioc->hdr->nr_fields);

	for (i = 0; i != ioc->nr_fields; i++) {
		f = &ioc->fields[i];
		if (spec_field_find(ioc, f->name) != (int)i)
			return parse_error(p, "field %s listed twice", f->name);
		hf = hdr_field_find(ioc->hdr, f->name);
		if (!hf)
			return parse_error(p, "struct %s has no member %s",
					   ioc->struct_name, f->name);
		if (f->offset != hf->offset || f->size != hf->size)
			return parse_error(p, "%s: offset=%u size=%u, the header has %zu and %zu",
					   f->name, f->offset, f->size,
					   hf->offset, hf->size);
		if (f->offset != end)
			return parse_error(p, "%s at %u: a gap or overlap at %u",
					   f->name, f->offset, end);
		end = f->offset + f->size;
		is_size = f->check == CHECK_SIZE;
		if (is_size != !i)
			return parse_error(p, "check=size is for the first field, and only for it");
		is_uptr = f->check == CHECK_UPTR;
		hdr_uptr = hf->value == HDR_UPTR;
		if (is_uptr != hdr_uptr)
			return parse_error(p, "%s: check=%s, but it is%s a user pointer",
					   f->name, spec_check_names[f->check],
					   hdr_uptr ? "" : " not");
		if (f->has_max && f->max >= field_ones(f))
			return parse_error(p, "%s: max=%llu leaves no value of %u bytes to reject",
					   f->name, (unsigned long long)f->max,
					   f->size);
		if (f->err_name[0]) {
			idx = spec_errno_find(ioc, errno_by_name(f->err_name));
			if (idx < 0)
				return parse_error(p, "%s: errno=%s is not listed",
						   f->name, f->err_name);
			f->err = ioc->errnos[idx].value;
		}
		if (f->check == CHECK_UPTR) {
			f->len = spec_field_find(ioc, f->len_name);
			if (f->len < 0 ||
			    ioc->fields[f->len].check == CHECK_UPTR)
				return parse_error(p, "%s: len=%s is not a length field",
						   f->name, f->len_name);
		}
	}
	if (end != ioc->size)
		return parse_error(p, "fields end at %u of %u bytes", end,
				   ioc->size);
	if (ioc->fields[0].size != 4 || ioc->min_size < 4)
		return parse_error(p, "the size field must be a __u32");

	for (i = 0; i != ioc->nr_caps; i++) {
		cap = &ioc->caps[i];
		cap->field = spec_field_find(ioc, cap->field_name);
		if (cap->field < 0 ||
		    ioc->fields[cap->field].check != CHECK_ENUM ||
		    cap->value > ioc->fields[cap->field].max)
			return parse_error(p, "capability of %s=%llu: not a value of an enum field",
					   cap->field_name,
					   (unsigned long long)cap->value);
		idx = spec_errno_find(ioc, errno_by_name(cap->err_name));
		if (idx < 0)
			return parse_error(p, "capability errno=%s is not listed",
					   cap->err_name);
		cap->err = ioc->errnos[idx].value;
	}
	return order_check(p, ioc);
}

/*
 * Parse every file of the specification. Each must be an ioctl the header
 * has, and each ioctl of the header must have a file.
 */
static bool spec_load(struct spec_set *set, char *why, size_t len)
{
	struct dirent **names = NULL;
	struct ioctl_parse ip;
	char path[PATH_MAX];
	struct parser *p;
	bool ok = true;
	unsigned int i;
	int nr, n;

	memset(set, 0, sizeof(*set));
	nr = scandir(SPEC_API_DIR, &names, NULL, alphasort);
	if (nr < 0) {
		snprintf(why, len, "%s: %s: the kernel exports no specification",
			 SPEC_API_DIR, strerror(errno));
		return false;
	}
	p = calloc(1, sizeof(*p));
	for (n = 0; n != nr; n++) {
		const char *name = names[n]->d_name;

		if (!ok || name[0] == '.')
			continue;
		if (!p || set->nr == SPEC_MAX_IOCTLS) {
			snprintf(why, len, "out of memory or more than %d ioctls",
				 SPEC_MAX_IOCTLS);
			ok = false;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", SPEC_API_DIR, name);
		ip.ioc = &set->ioctl[set->nr++];
		ip.rank = RANK_IOCTL;
		ok = parse_file(p, path, ioctl_line, &ip);
		if (ok && ip.rank != RANK_DONE)
			parse_error(p, "no effects record at the end");
		if (ok)
			ioctl_check(p, ip.ioc, name);
		ok = !p->why[0];
		if (!ok)
			snprintf(why, len, "%s", p->why);
	}
	for (n = 0; n != nr; n++)
		free(names[n]);
	free(names);
	free(p);
	for (i = 0; ok && i != ARRAY_SIZE(hdr_ioctls); i++) {
		unsigned int j;

		for (j = 0; j != set->nr; j++)
			if (set->ioctl[j].hdr == &hdr_ioctls[i])
				break;
		if (j == set->nr) {
			snprintf(why, len, "the header has %s, the specification does not",
				 hdr_ioctls[i].name);
			ok = false;
		}
	}
	return ok;
}

static const struct spec_ioctl *spec_find(const struct spec_set *set,
					  const char *name)
{
	unsigned int i;

	for (i = 0; i != set->nr; i++)
		if (!strcmp(set->ioctl[i].name, name))
			return &set->ioctl[i];
	return NULL;
}

/* A device's command catalog */

struct catalog_parse {
	struct catalog *cat;
	bool commands;
};

static int catalog_line(struct parser *p, void *arg)
{
	struct catalog_parse *cp = arg;
	struct catalog *cat = cp->cat;
	struct cat_cmd *cmd;
	unsigned int i;
	__u64 val;

	if (!strcmp(p->type, "errno")) {
		if (cp->commands)
			return parse_error(p, "errno record after the commands");
		if (cat->nr_errnos == SPEC_MAX_ERRNOS)
			return parse_error(p, "too many errnos");
		take_num(p, "value", true, 4095, &val);
		if (!val)
			return parse_error(p, "errno value=0");
		for (i = 0; i != cat->nr_errnos; i++)
			if (cat->errnos[i] == (int)val)
				return parse_error(p, "errno %llu listed twice",
						   (unsigned long long)val);
		cat->errnos[cat->nr_errnos++] = val;
		return 0;
	}
	if (strcmp(p->type, "command"))
		return parse_error(p, "unknown record type '%s'", p->type);
	cp->commands = true;
	if (cat->nr_cmds == SPEC_MAX_COMMANDS)
		return parse_error(p, "too many commands");
	cmd = &cat->cmds[cat->nr_cmds++];
	take_num(p, "id", true, UINT32_MAX, &cmd->id);
	take_name(p, "name", true, false, cmd->name, sizeof(cmd->name));
	take_num(p, "min_scope", true, UINT32_MAX, &cmd->min_scope);
	take_num(p, "req_min", true, UINT32_MAX, &cmd->req_min);
	take_num(p, "req_max", true, UINT32_MAX, &cmd->req_max);
	take_num(p, "resp_min", true, UINT32_MAX, &cmd->resp_min);
	take_num(p, "resp_max", true, UINT32_MAX, &cmd->resp_max);
	for (i = 0; i + 1 < cat->nr_cmds; i++)
		if (cat->cmds[i].id == cmd->id ||
		    !strcmp(cat->cmds[i].name, cmd->name))
			return parse_error(p, "command %s listed twice",
					   cmd->name);
	if (cmd->req_min > cmd->req_max || cmd->resp_min > cmd->resp_max)
		return parse_error(p, "command %s: a minimum above its maximum",
				   cmd->name);
	return 0;
}

static bool catalog_load(const char *dev, struct catalog *cat, char *why,
			 size_t len)
{
	struct catalog_parse cp = { .cat = cat };
	char path[PATH_MAX];
	struct parser *p;
	bool ok;

	memset(cat, 0, sizeof(*cat));
	snprintf(path, sizeof(path), "%s/%s/commands", SPEC_DEV_DIR, dev);
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, len, "out of memory");
		return false;
	}
	ok = parse_file(p, path, catalog_line, &cp);
	if (ok && !cat->nr_cmds)
		parse_error(p, "no command record");
	ok = !p->why[0];
	if (!ok)
		snprintf(why, len, "%s", p->why);
	free(p);
	return ok;
}

/* Calls built from the specification */

static void field_put(void *st, const struct spec_field *f, __u64 val)
{
	__u8 *p = (__u8 *)st + f->offset;
	__u16 v16 = val;
	__u32 v32 = val;

	switch (f->size) {
	case 1:
		*p = val;
		break;
	case 2:
		memcpy(p, &v16, sizeof(v16));
		break;
	case 4:
		memcpy(p, &v32, sizeof(v32));
		break;
	default:
		memcpy(p, &val, sizeof(val));
		break;
	}
}

/* The buffer a valid call gives a user pointer: as long as it may be */
static size_t uptr_buf_len(const struct spec_ioctl *ioc,
			   const struct spec_field *f)
{
	const struct spec_field *len = &ioc->fields[f->len];

	return len->check == CHECK_MAX ? len->max : SPEC_DEF_BUF;
}

/* Everything the contract test needs for its calls */
struct ctx {
	int fd;
	unsigned int inst_id;
	const struct spec_set *set;
	const struct catalog *cat;
	/* A page that cannot be read or written */
	void *bad;
	/* The buffer of each user pointer, per ioctl and field */
	__u8 *buf[SPEC_MAX_IOCTLS][SPEC_MAX_FIELDS];
	/* How each listed errno was produced; empty if it was not */
	char how[SPEC_MAX_IOCTLS][SPEC_MAX_ERRNOS][SPEC_HOW_LEN];
	/* Not produced for a reason that does not fail the test */
	bool excused[SPEC_MAX_IOCTLS][SPEC_MAX_ERRNOS];
	unsigned int unlisted;
};

/* One call: the struct, and some room past it */
struct call {
	unsigned int idx;
	const struct spec_ioctl *ioc;
	__u64 st[(SPEC_STRUCT_MAX + SPEC_TRAIL) / sizeof(__u64)];
};

static unsigned int ioctl_index(const struct ctx *ctx,
				const struct spec_ioctl *ioc)
{
	return ioc - ctx->set->ioctl;
}

static int ctx_alloc_bufs(struct ctx *ctx)
{
	const struct spec_ioctl *ioc;
	const struct spec_field *f;
	unsigned int i, j;
	size_t len;

	for (i = 0; i != ctx->set->nr; i++) {
		ioc = &ctx->set->ioctl[i];
		for (j = 0; j != ioc->nr_fields; j++) {
			f = &ioc->fields[j];
			if (f->check != CHECK_UPTR)
				continue;
			len = uptr_buf_len(ioc, f);
			ctx->buf[i][j] = calloc(1, len < SPEC_LEN ?
						   SPEC_LEN : len);
			if (!ctx->buf[i][j])
				return -1;
			/* A request the mock answers: an ECHO header */
			if (f->dir == SPEC_IN)
				mock_build(ctx->buf[i][j], FWCTL_MOCK_OP_ECHO,
					   0, NULL, 0);
		}
	}
	return 0;
}

static void ctx_free_bufs(struct ctx *ctx)
{
	unsigned int i, j;

	for (i = 0; i != SPEC_MAX_IOCTLS; i++)
		for (j = 0; j != SPEC_MAX_FIELDS; j++)
			free(ctx->buf[i][j]);
}

/* A call the specification and the mock accept */
static void call_base(const struct ctx *ctx, const struct spec_ioctl *ioc,
		      struct call *c)
{
	const struct hdr_field *hf;
	const struct spec_field *f;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->ioc = ioc;
	c->idx = ioctl_index(ctx, ioc);
	for (i = 0; i != ioc->nr_fields; i++) {
		f = &ioc->fields[i];
		hf = hdr_field_find(ioc->hdr, f->name);
		switch (hf->value) {
		case HDR_SIZE:
			field_put(c->st, f, ioc->size);
			break;
		case HDR_LEN:
			field_put(c->st, f, SPEC_LEN);
			break;
		case HDR_UPTR:
			field_put(c->st, f, (uintptr_t)ctx->buf[c->idx][i]);
			break;
		default:
			break;
		}
	}
}

static bool errno_listed(const struct ctx *ctx, const struct spec_ioctl *ioc,
			 int err)
{
	return spec_errno_find(ioc, err) >= 0 || catalog_has(ctx->cat, err);
}

/* Remember how a listed errno was produced, the first time */
static void produced(struct ctx *ctx, const struct spec_ioctl *ioc, int err,
		     const char *how)
{
	int e = spec_errno_find(ioc, err);
	unsigned int i = ioctl_index(ctx, ioc);

	if (e >= 0 && !ctx->how[i][e][0])
		snprintf(ctx->how[i][e], SPEC_HOW_LEN, "%s", how);
}

/*
 * An errno a call returned: remember how it was produced, and fail if
 * neither the specification nor the driver's catalog lists it.
 */
static void seen(struct __test_metadata *_metadata, struct ctx *ctx,
		 const struct spec_ioctl *ioc, int err, const char *how)
{
	produced(ctx, ioc, err, how);
	if (errno_listed(ctx, ioc, err))
		return;
	ctx->unlisted++;
	TH_LOG("%s, %s: %s, which is not listed", ioc->name, how,
	       errno_name(err));
}

/*
 * Run the call on @fd: 0 or the errno. An errno that neither the
 * specification nor the driver's catalog lists is a failure.
 */
static int call_run_fd(struct __test_metadata *_metadata, struct ctx *ctx,
		       int fd, unsigned long nr, struct call *c,
		       const char *how)
{
	int ret, err;

	ret = ioctl(fd, nr, c->st);
	err = ret ? errno : 0;
	EXPECT_TRUE(ret == 0 || ret == -1);
	if (err)
		seen(_metadata, ctx, c->ioc, err, how);
	return err;
}

static int call_run(struct __test_metadata *_metadata, struct ctx *ctx,
		    struct call *c, const char *how)
{
	return call_run_fd(_metadata, ctx, ctx->fd, c->ioc->nr, c, how);
}

/* The call answered @want (0: success); log what it did otherwise */
static bool expect(struct __test_metadata *_metadata, int got, int want,
		   const struct spec_ioctl *ioc, const char *how)
{
	if (got == want)
		return true;
	TH_LOG("%s, %s: got %s, the specification says %s", ioc->name, how,
	       got ? errno_name(got) : "success",
	       want ? errno_name(want) : "success");
	return false;
}

/* A valid call with field @f set to @val gives @want */
static bool try_field(struct __test_metadata *_metadata, struct ctx *ctx,
		      const struct spec_ioctl *ioc,
		      const struct spec_field *f, __u64 val, int want)
{
	char how[SPEC_HOW_LEN];
	struct call c;

	snprintf(how, sizeof(how), val == field_ones(f) ? "%s=%#llx" : "%s=%llu",
		 f->name, (unsigned long long)val);
	call_base(ctx, ioc, &c);
	field_put(c.st, f, val);
	return expect(_metadata, call_run(_metadata, ctx, &c, how), want, ioc,
		      how);
}

static bool listed_or_log(struct __test_metadata *_metadata,
			  const struct spec_ioctl *ioc, int err,
			  const char *what)
{
	if (spec_errno_find(ioc, err) >= 0)
		return true;
	TH_LOG("%s: %s, but the specification does not list %s", ioc->name,
	       what, errno_name(err));
	return false;
}

/* check=size: min_size is the least, and bytes past the struct are zero */
static bool check_size(struct __test_metadata *_metadata, struct ctx *ctx,
		       const struct spec_ioctl *ioc,
		       const struct spec_field *f)
{
	__u8 *bytes;
	char how[SPEC_HOW_LEN];
	struct call c;
	bool ok = true;

	ok &= listed_or_log(_metadata, ioc, EINVAL, "check=size");
	ok &= listed_or_log(_metadata, ioc, E2BIG, "check=size");
	ok &= try_field(_metadata, ctx, ioc, f, ioc->min_size - 1, EINVAL);
	ok &= try_field(_metadata, ctx, ioc, f, 0, EINVAL);
	ok &= try_field(_metadata, ctx, ioc, f, ioc->min_size, 0);

	/* A newer struct: zeros past this kernel's are fine, not others */
	call_base(ctx, ioc, &c);
	field_put(c.st, f, ioc->size + SPEC_TRAIL);
	snprintf(how, sizeof(how), "size=%u with zeros past %u",
		 ioc->size + SPEC_TRAIL, ioc->size);
	ok &= expect(_metadata, call_run(_metadata, ctx, &c, how), 0, ioc,
		     how);
	call_base(ctx, ioc, &c);
	field_put(c.st, f, ioc->size + SPEC_TRAIL);
	bytes = (__u8 *)c.st;
	bytes[ioc->size + SPEC_TRAIL - 1] = 1;
	snprintf(how, sizeof(how), "size=%u with byte %u non-zero",
		 ioc->size + SPEC_TRAIL, ioc->size + SPEC_TRAIL - 1);
	ok &= expect(_metadata, call_run(_metadata, ctx, &c, how), E2BIG, ioc,
		     how);
	return ok;
}

/* check=uptr: a pointer nothing is mapped at, with a non-zero length */
static bool check_uptr(struct __test_metadata *_metadata, struct ctx *ctx,
		       const struct spec_ioctl *ioc,
		       const struct spec_field *f)
{
	const struct spec_field *len = &ioc->fields[f->len];
	static const char *const what[] = { "PROT_NONE page", "NULL" };
	void *ptrs[] = { ctx->bad, NULL };
	char how[SPEC_HOW_LEN];
	struct call c;
	bool ok = true;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(ptrs); i++) {
		call_base(ctx, ioc, &c);
		field_put(c.st, f, (uintptr_t)ptrs[i]);
		field_put(c.st, len, SPEC_LEN);
		snprintf(how, sizeof(how), "%s=%s %s=%llu", f->name, what[i],
			 len->name, (unsigned long long)SPEC_LEN);
		ok &= expect(_metadata, call_run(_metadata, ctx, &c, how),
			     f->err, ioc, how);
	}
	return ok;
}

static bool check_field(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc,
			const struct spec_field *f)
{
	bool ok = true;
	__u64 v;

	switch (f->check) {
	case CHECK_SIZE:
		return check_size(_metadata, ctx, ioc, f);
	case CHECK_ZERO:
		ok &= try_field(_metadata, ctx, ioc, f, 1, f->err);
		ok &= try_field(_metadata, ctx, ioc, f, field_ones(f), f->err);
		return ok;
	case CHECK_ENUM:
		/* Every value is accepted, or the first and the last */
		for (v = 0; v <= f->max && v <= SPEC_ENUM_ALL; v++)
			ok &= try_field(_metadata, ctx, ioc, f, v, 0);
		if (f->max > SPEC_ENUM_ALL)
			ok &= try_field(_metadata, ctx, ioc, f, f->max, 0);
		ok &= try_field(_metadata, ctx, ioc, f, f->max + 1, f->err);
		ok &= try_field(_metadata, ctx, ioc, f, field_ones(f), f->err);
		return ok;
	case CHECK_MAX:
		ok &= try_field(_metadata, ctx, ioc, f, f->max, 0);
		ok &= try_field(_metadata, ctx, ioc, f, f->max + 1, f->err);
		return ok;
	case CHECK_UPTR:
		return check_uptr(_metadata, ctx, ioc, f);
	default:
		return true;
	}
}

/*
 * A capability: without it in the effective set, the value fails with
 * the errno given; with it back, the same call works. In a child, which
 * may drop capabilities. The child sends the two results through a pipe.
 */
static bool check_cap(struct __test_metadata *_metadata, struct ctx *ctx,
		      const struct spec_ioctl *ioc, const struct spec_cap *cap)
{
	const struct spec_field *f = &ioc->fields[cap->field];
	int res[2] = { -1, -1 };
	char how[SPEC_HOW_LEN];
	int pipefd[2];
	struct call c;
	int status;
	pid_t pid;
	bool ok;

	snprintf(how, sizeof(how), "%s=%llu without capability %u",
		 f->name, (unsigned long long)cap->value, cap->cap);
	fflush(stdout);
	fflush(stderr);
	if (pipe(pipefd)) {
		TH_LOG("%s, %s: no pipe: %s", ioc->name, how, strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		TH_LOG("%s, %s: no child: %s", ioc->name, how, strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return false;
	}
	if (!pid) {
		close(pipefd[0]);
		call_base(ctx, ioc, &c);
		field_put(c.st, f, cap->value);
		if (!cap_change(cap->cap, false, false) &&
		    !cap_effective(cap->cap))
			res[0] = ioctl(ctx->fd, ioc->nr, c.st) ? errno : 0;
		if (!cap_change(cap->cap, true, false))
			res[1] = ioctl(ctx->fd, ioc->nr, c.st) ? errno : 0;
		if (write(pipefd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, sizeof(res)) != sizeof(res))
		memset(res, 0xff, sizeof(res));
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		TH_LOG("%s, %s: the child failed", ioc->name, how);
		return false;
	}
	if (res[0] < 0 || res[1] < 0) {
		TH_LOG("%s, %s: cannot drop and raise capability %u",
		       ioc->name, how, cap->cap);
		return false;
	}
	if (res[0])
		seen(_metadata, ctx, ioc, res[0], how);
	ok = expect(_metadata, res[0], cap->err, ioc, how);
	snprintf(how, sizeof(how), "%s=%llu with capability %u", f->name,
		 (unsigned long long)cap->value, cap->cap);
	ok &= expect(_metadata, res[1], 0, ioc, how);
	return ok;
}

/* Producing errnos no constraint produces */

/* An ioctl number with this one's type and number, but not its bits */
static bool make_enotty(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc, char *how, size_t len)
{
	unsigned long nr = _IOC(_IOC_READ | _IOC_WRITE, _IOC_TYPE(ioc->nr),
				_IOC_NR(ioc->nr), ioc->size);
	struct call c;

	snprintf(how, len, "cmd=%#lx: the same type and number, other direction and size bits",
		 nr);
	call_base(ctx, ioc, &c);
	return call_run_fd(_metadata, ctx, ctx->fd, nr, &c, how) == ENOTTY;
}

/* The struct itself at an address that cannot be read */
static bool make_efault(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc, char *how, size_t len)
{
	int ret;

	snprintf(how, len, "the struct at a PROT_NONE page");
	ret = ioctl(ctx->fd, ioc->nr, ctx->bad);
	if (!ret)
		return false;
	if (errno == EFAULT)
		return true;
	seen(_metadata, ctx, ioc, errno, how);
	return false;
}

/* An FD whose device was removed, or -1 with the reason in @how */
static int open_orphan(char *how, size_t len)
{
	struct mock_inst inst;
	int fd;

	if (mock_inst_add(&inst, SPEC_UNPLUG_FIRST_ID)) {
		snprintf(how, len, "cannot add a mock instance: %s",
			 strerror(errno));
		return -1;
	}
	fd = open(inst.node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(how, len, "cannot open %s: %s", inst.node,
			 strerror(errno));
		mock_inst_remove(&inst);
		return -1;
	}
	if (mock_inst_remove(&inst)) {
		snprintf(how, len, "cannot remove instance %u: %s", inst.id,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A call on an FD whose device was removed */
static bool make_enodev(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc, char *how, size_t len)
{
	struct call c;
	int fd, err;

	fd = open_orphan(how, len);
	if (fd < 0)
		return false;
	snprintf(how, len, "FD of a removed instance");
	call_base(ctx, ioc, &c);
	err = call_run_fd(_metadata, ctx, fd, ioc->nr, &c, how);
	EXPECT_OK(close(fd));
	return err == ENODEV;
}

/*
 * Break one rule of an order record in @c; ORDER_ATTACHED is broken by
 * running the call on an orphaned FD. Returns the errno the rule gives,
 * negated.
 */
static int break_rule(const struct spec_ioctl *ioc, struct call *c, int rule)
{
	const struct spec_field *f;

	if (rule == ORDER_ATTACHED)
		return -ENODEV;
	if (rule == ORDER_SIZE) {
		field_put(c->st, &ioc->fields[0], ioc->min_size - 1);
		return -EINVAL;
	}
	f = &ioc->fields[rule];
	field_put(c->st, f, f->check == CHECK_ZERO ? 1 : f->max + 1);
	return -f->err;
}

/*
 * The order of the checks: a call that breaks two rules gets the errno of
 * the one the order names first. Every pair is tried.
 */
static bool check_order(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc, unsigned int *pairs)
{
	char how[SPEC_HOW_LEN];
	unsigned int i, j;
	int orphan, want;
	bool ok = true;
	struct call c;

	orphan = open_orphan(how, sizeof(how));
	if (orphan < 0) {
		TH_LOG("%s: %s", ioc->name, how);
		return false;
	}
	for (i = 0; i != ioc->nr_order; i++) {
		for (j = i + 1; j != ioc->nr_order; j++) {
			int a = ioc->order[i], b = ioc->order[j];
			bool orphaned = a == ORDER_ATTACHED ||
					b == ORDER_ATTACHED;

			snprintf(how, sizeof(how), "%s and %s broken",
				 order_name(ioc, a), order_name(ioc, b));
			call_base(ctx, ioc, &c);
			break_rule(ioc, &c, b);
			want = -break_rule(ioc, &c, a);
			ok &= expect(_metadata,
				     call_run_fd(_metadata, ctx,
						 orphaned ? orphan : ctx->fd,
						 ioc->nr, &c, how),
				     want, ioc, how);
			(*pairs)++;
		}
	}
	EXPECT_OK(close(orphan));
	return ok;
}

/* The driver breaking the driver API (fwctl_mock.N/misbehave) */
static bool make_eio(struct __test_metadata *_metadata, struct ctx *ctx,
		     const struct spec_ioctl *ioc, char *how, size_t len)
{
	/* The modes where the core finds the driver's result malformed */
	static const struct {
		__u32 mode;
		const char *name;
	} modes[] = {
		{ FWCTL_MOCK_RPC_NULL, "RPC_NULL" },
		{ FWCTL_MOCK_RPC_HUGE, "RPC_HUGE" },
		{ FWCTL_MOCK_RPC_OVERRUN_IN_PLACE, "RPC_OVERRUN_IN_PLACE" },
		{ FWCTL_MOCK_INFO_NULL, "INFO_NULL" },
	};
	char path[PATH_MAX];
	struct call c;
	unsigned int i;
	int err;

	snprintf(path, sizeof(path), "%s/fwctl_mock.%u/misbehave",
		 MOCK_DEBUGFS, ctx->inst_id);
	for (i = 0; i != ARRAY_SIZE(modes); i++) {
		snprintf(how, len, "misbehave=%u (%s)", modes[i].mode,
			 modes[i].name);
		if (write_u32(path, modes[i].mode)) {
			snprintf(how, len, "cannot write %s: %s", path,
				 strerror(errno));
			return false;
		}
		call_base(ctx, ioc, &c);
		err = call_run(_metadata, ctx, &c, how);
		EXPECT_OK(write_u32(path, FWCTL_MOCK_BEHAVE));
		if (err == EIO)
			return true;
	}
	snprintf(how, len, "no misbehave mode made %s fail with EIO",
		 ioc->name);
	return false;
}

/* Fault injection settings changed for ENOMEM, at most */
#define SPEC_MAX_KNOBS 32

/*
 * Fail the n-th fault point of the call, for n = 1, 2, ... until the call
 * fails with ENOMEM or runs without reaching the n-th point.
 */
static bool make_enomem(struct __test_metadata *_metadata, struct ctx *ctx,
			const struct spec_ioctl *ioc, char *how, size_t len,
			bool *excused)
{
	char path[64], step[SPEC_HOW_LEN];
	unsigned int n, left = 0;
	struct fault_knobs k = { .nr = 0 };
	bool done = false;
	struct call c;
	int nth, ret, err;

	nth_path(path, sizeof(path));
	if (!path_exists(path) || !path_exists(DEBUGFS_ROOT "/failslab")) {
		snprintf(how, len, "no fault injection in this kernel (%s)",
			 path_exists(path) ? "no " DEBUGFS_ROOT "/failslab" :
					     "no /proc/self/task/<tid>/fail-nth");
		*excused = true;
		return false;
	}
	nth = nth_open();
	if (nth < 0 || knobs_setup(&k, SPEC_MAX_KNOBS, false)) {
		snprintf(how, len, "cannot set up fault injection: %s",
			 strerror(errno));
		knobs_restore(&k);
		if (nth >= 0)
			close(nth);
		return false;
	}
	snprintf(how, len, "fail-nth reached no point that fails with ENOMEM");
	for (n = 1; n <= SPEC_NTH_MAX && !done; n++) {
		snprintf(step, sizeof(step), "fail-nth=%u with FAILSLAB", n);
		call_base(ctx, ioc, &c);
		if (nth_arm(nth, n))
			break;
		ret = ioctl(ctx->fd, ioc->nr, c.st);
		err = ret ? errno : 0;
		if (nth_disarm(nth, &left))
			break;
		if (err)
			seen(_metadata, ctx, ioc, err, step);
		if (err == ENOMEM) {
			snprintf(how, len, "%s", step);
			done = true;
		}
		if (!err && left)
			break;
	}
	EXPECT_EQ(0, knobs_restore(&k));
	close(nth);
	return done;
}

/* Errnos with a way of their own to produce them */
static const struct {
	const char *name;
	bool (*make)(struct __test_metadata *_metadata, struct ctx *ctx,
		     const struct spec_ioctl *ioc, char *how, size_t len);
} errno_makers[] = {
	{ "ENOTTY", make_enotty },
	{ "EFAULT", make_efault },
	{ "ENODEV", make_enodev },
	{ "EIO", make_eio },
};

/* Try to produce errno @e of @ioc; report it either way */
static bool produce(struct __test_metadata *_metadata, struct ctx *ctx,
		    const struct spec_ioctl *ioc, unsigned int e)
{
	unsigned int i = ioctl_index(ctx, ioc);
	const char *name = ioc->errnos[e].name;
	char how[SPEC_HOW_LEN] = "";
	bool excused = false;
	unsigned int m;
	bool made;

	for (m = 0; m != ARRAY_SIZE(errno_makers); m++)
		if (!strcmp(errno_makers[m].name, name))
			break;
	if (m != ARRAY_SIZE(errno_makers)) {
		made = errno_makers[m].make(_metadata, ctx, ioc, how,
					    sizeof(how));
		/* Either way, the constraints may have produced it already */
		if (made && !ctx->how[i][e][0])
			snprintf(ctx->how[i][e], SPEC_HOW_LEN, "%s", how);
	} else if (!strcmp(name, "ENOMEM")) {
		made = make_enomem(_metadata, ctx, ioc, how, sizeof(how),
				   &excused);
		if (made)
			snprintf(ctx->how[i][e], SPEC_HOW_LEN, "%s", how);
	} else {
		snprintf(how, sizeof(how),
			 "no constraint produced it and the test knows no other way");
	}
	ctx->excused[i][e] = excused;
	ksft_print_msg("spec: ioctl=%s errno=%s produced=%s how=%s\n",
		       ioc->name, name, ctx->how[i][e][0] ? "yes" : "no",
		       ctx->how[i][e][0] ? ctx->how[i][e] : how);
	return ctx->how[i][e][0];
}

/* Fixtures */

/*
 * The format: both kinds of files parse, and the specification agrees with
 * the uAPI header on every number the header has.
 */
TEST(format)
{
	struct spec_set *set = calloc(1, sizeof(*set));
	char why[512] = "", sizes[64], counts[64];
	const struct spec_ioctl *ioc;
	unsigned int i;

	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!mock_available(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_NE(NULL, set);
	ASSERT_TRUE(spec_load(set, why, sizeof(why)))
		TH_LOG("%s", why);
	for (i = 0; i != set->nr; i++) {
		ioc = &set->ioctl[i];
		snprintf(sizes, sizeof(sizes), "size=%u min_size=%u version=%u",
			 ioc->size, ioc->min_size, ioc->version);
		snprintf(counts, sizeof(counts),
			 "fields=%u capabilities=%u errnos=%u", ioc->nr_fields,
			 ioc->nr_caps, ioc->nr_errnos);
		ksft_print_msg("spec: format ioctl=%s nr=%#lx struct=%s %s %s ok\n",
			       ioc->name, ioc->nr, ioc->struct_name, sizes,
			       counts);
	}
	free(set);
}

FIXTURE(spec)
{
	struct fwctl_base base;
	struct spec_set *set;
	struct catalog *cat;
};

FIXTURE_SETUP(spec)
{
	char why[512];

	self->set = calloc(1, sizeof(*self->set));
	self->cat = calloc(1, sizeof(*self->cat));
	ASSERT_NE(NULL, self->set);
	ASSERT_NE(NULL, self->cat);
	fwctl_base_setup(_metadata, &self->base, SPEC_FIRST_ID, O_CLOEXEC);
	/* Skipped */
	if (self->base.fd < 0)
		return;
	ASSERT_TRUE(spec_load(self->set, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_TRUE(catalog_load(self->base.inst.name, self->cat, why,
				 sizeof(why)))
		TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(spec)
{
	free(self->set);
	free(self->cat);
	if (self->base.fd >= 0)
		fwctl_base_teardown(_metadata, &self->base);
}

/* A request of @len bytes for command @cmd: header, then zeros */
static __u32 catalog_request(__u8 *in, const struct cat_cmd *cmd, __u64 len)
{
	struct fwctl_mock_cmd hdr = { .opcode = cmd->id };

	memset(in, 0, len);
	memcpy(in, &hdr, len < sizeof(hdr) ? len : sizeof(hdr));
	return len;
}

struct catalog_call {
	int fd;
	__u8 *in;
	__u8 *out;
	__u32 out_size;
	const struct catalog *cat;
	/* Driver errnos seen, and the unlisted ones among them */
	int seen[SPEC_MAX_ERRNOS];
	unsigned int nr_seen;
	unsigned int unlisted;
};

/* One RPC; 0 or the errno, which must be in the catalog */
static int catalog_rpc(struct __test_metadata *_metadata,
		       struct catalog_call *cc, const struct cat_cmd *cmd,
		       __u32 scope, __u64 in_len, __u32 *out_len)
{
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = catalog_request(cc->in, cmd, in_len),
		.out_len = cc->out_size,
		.in = (uintptr_t)cc->in,
		.out = (uintptr_t)cc->out,
	};
	unsigned int i;
	int err;

	if (!ioctl(cc->fd, FWCTL_RPC, &rpc)) {
		*out_len = rpc.out_len;
		return 0;
	}
	err = errno;
	for (i = 0; i != cc->nr_seen && cc->seen[i] != err; i++)
		;
	if (i == cc->nr_seen && i != SPEC_MAX_ERRNOS)
		cc->seen[cc->nr_seen++] = err;
	if (!catalog_has(cc->cat, err)) {
		cc->unlisted++;
		TH_LOG("command %s, scope %u, %llu bytes: %s, which the catalog does not list",
		       cmd->name, scope, (unsigned long long)in_len,
		       errno_name(err));
	}
	return err;
}

/* One command against its catalog entry; true if it behaves as listed */
static bool catalog_cmd(struct __test_metadata *_metadata,
			struct catalog_call *cc, const struct cat_cmd *cmd,
			__u64 max_scope, __u64 max_len)
{
	struct fwctl_mock_rsp rsp;
	__u32 out_len = 0;
	bool ok = true;
	__u64 scope;
	int err;

	if (cmd->min_scope > max_scope || cmd->req_min < MOCK_HDR_LEN ||
	    cmd->req_min > max_len) {
		TH_LOG("command %s: min_scope=%llu req_min=%llu: no valid request",
		       cmd->name, (unsigned long long)cmd->min_scope,
		       (unsigned long long)cmd->req_min);
		return false;
	}
	/* Accepted at its scope and above, refused with EBADMSG below */
	for (scope = 0; scope <= max_scope; scope++) {
		err = catalog_rpc(_metadata, cc, cmd, scope, cmd->req_min,
				  &out_len);
		if (scope < cmd->min_scope) {
			if (err != EBADMSG) {
				TH_LOG("command %s at scope %llu, below %llu: %s, not EBADMSG",
				       cmd->name, (unsigned long long)scope,
				       (unsigned long long)cmd->min_scope,
				       err ? errno_name(err) : "success");
				ok = false;
			}
			continue;
		}
		if (err) {
			TH_LOG("command %s at scope %llu, %llu bytes: %s",
			       cmd->name, (unsigned long long)scope,
			       (unsigned long long)cmd->req_min,
			       errno_name(err));
			ok = false;
			continue;
		}
		memcpy(&rsp, cc->out, sizeof(rsp));
		if (out_len < cmd->resp_min || out_len > cmd->resp_max ||
		    (out_len >= sizeof(rsp) && rsp.opcode != cmd->id)) {
			TH_LOG("%s at scope %llu: response %u bytes, opcode %u, not %llu..%llu",
			       cmd->name, (unsigned long long)scope, out_len,
			       rsp.opcode, (unsigned long long)cmd->resp_min,
			       (unsigned long long)cmd->resp_max);
			ok = false;
		}
	}
	/* Requests one byte too short and one byte too long */
	if (cmd->req_min) {
		err = catalog_rpc(_metadata, cc, cmd, cmd->min_scope,
				  cmd->req_min - 1, &out_len);
		if (err != EINVAL) {
			TH_LOG("command %s with %llu bytes: %s, not EINVAL",
			       cmd->name,
			       (unsigned long long)cmd->req_min - 1,
			       err ? errno_name(err) : "success");
			ok = false;
		}
	}
	if (cmd->req_max + 1 <= max_len) {
		err = catalog_rpc(_metadata, cc, cmd, cmd->min_scope,
				  cmd->req_max + 1, &out_len);
		if (err != EINVAL) {
			TH_LOG("command %s with %llu bytes: %s, not EINVAL",
			       cmd->name,
			       (unsigned long long)cmd->req_max + 1,
			       err ? errno_name(err) : "success");
			ok = false;
		}
	}
	return ok;
}

/*
 * The mock's catalog: each command works with a request of its least
 * length at its least scope and above, answers within its response
 * lengths, is refused below that scope and at lengths outside its range,
 * and only with errnos the catalog lists.
 */
TEST_F(spec, catalog)
{
	const struct catalog *cat = self->cat;
	const struct spec_field *scope, *in_len, *out_len;
	struct catalog_call cc = { .cat = cat };
	const struct spec_ioctl *rpc;
	char seen[256] = "none", lens[96];
	unsigned int i, checked = 0;
	size_t used = 0;

	rpc = spec_find(self->set, "FWCTL_RPC");
	ASSERT_NE(NULL, rpc);
	ASSERT_LE(0, spec_field_find(rpc, "scope"));
	ASSERT_LE(0, spec_field_find(rpc, "in_len"));
	ASSERT_LE(0, spec_field_find(rpc, "out_len"));
	scope = &rpc->fields[spec_field_find(rpc, "scope")];
	in_len = &rpc->fields[spec_field_find(rpc, "in_len")];
	out_len = &rpc->fields[spec_field_find(rpc, "out_len")];
	ASSERT_EQ(CHECK_ENUM, scope->check);
	ASSERT_EQ(CHECK_MAX, in_len->check);
	ASSERT_EQ(CHECK_MAX, out_len->check);

	cc.fd = self->base.fd;
	cc.out_size = out_len->max;
	cc.in = calloc(1, in_len->max + 1);
	cc.out = calloc(1, cc.out_size);
	ASSERT_NE(NULL, cc.in);
	ASSERT_NE(NULL, cc.out);

	for (i = 0; i != cat->nr_cmds; i++) {
		const struct cat_cmd *cmd = &cat->cmds[i];
		bool ok;

		ok = catalog_cmd(_metadata, &cc, cmd, scope->max, in_len->max);
		checked += ok;
		snprintf(lens, sizeof(lens), "req=%llu..%llu resp=%llu..%llu",
			 (unsigned long long)cmd->req_min,
			 (unsigned long long)cmd->req_max,
			 (unsigned long long)cmd->resp_min,
			 (unsigned long long)cmd->resp_max);
		ksft_print_msg("spec: catalog dev=%s command=%s id=%llu min_scope=%llu %s %s\n",
			       self->base.inst.name, cmd->name,
			       (unsigned long long)cmd->id,
			       (unsigned long long)cmd->min_scope, lens,
			       ok ? "ok" : "FAIL");
	}
	for (i = 0; i != cc.nr_seen; i++)
		used += snprintf(seen + used, sizeof(seen) - used, "%s%s",
				 i ? "," : "", errno_name(cc.seen[i]));
	ksft_print_msg("spec: catalog commands=%u checked=%u errnos=%u seen=%s unlisted=%u\n",
		       cat->nr_cmds, checked, cat->nr_errnos, seen,
		       cc.unlisted);
	free(cc.in);
	free(cc.out);
	EXPECT_EQ(cat->nr_cmds, checked);
	EXPECT_EQ(0, cc.unlisted);
}

/*
 * The contract: every constraint of the specification, broken one at a
 * time, gives the errno the specification lists for it, and every errno
 * each ioctl lists can be produced.
 */
TEST_F(spec, contract)
{
	unsigned int i, j, constraints = 0, checked = 0, pairs;
	unsigned int nr_errnos = 0, nr_produced = 0;
	const struct spec_ioctl *ioc;
	char what[128];
	struct ctx *ctx;
	struct call c;
	bool ok;

	ctx = calloc(1, sizeof(*ctx));
	ASSERT_NE(NULL, ctx);
	ctx->fd = self->base.fd;
	ctx->inst_id = self->base.inst.id;
	ctx->set = self->set;
	ctx->cat = self->cat;
	ctx->bad = mmap(NULL, getpagesize(), PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ctx->bad);
	ASSERT_OK(ctx_alloc_bufs(ctx));

	for (i = 0; i != ctx->set->nr; i++) {
		ioc = &ctx->set->ioctl[i];

		/* The valid call every other one is made from */
		call_base(ctx, ioc, &c);
		ASSERT_EQ(0, call_run(_metadata, ctx, &c, "a valid call"));

		for (j = 0; j != ioc->nr_fields; j++) {
			const struct spec_field *f = &ioc->fields[j];

			if (f->check == CHECK_NONE)
				continue;
			constraints++;
			ok = check_field(_metadata, ctx, ioc, f);
			checked += ok;
			ksft_print_msg("spec: ioctl=%s field=%s check=%s%s%s %s\n",
				       ioc->name, f->name,
				       spec_check_names[f->check],
				       f->err ? " errno=" : "",
				       f->err ? errno_name(f->err) : "",
				       ok ? "ok" : "FAIL");
		}
		for (j = 0; j != ioc->nr_caps; j++) {
			const struct spec_cap *cap = &ioc->caps[j];

			constraints++;
			ok = check_cap(_metadata, ctx, ioc, cap);
			checked += ok;
			snprintf(what, sizeof(what),
				 "field=%s value=%llu cap=%u errno=%s",
				 cap->field_name,
				 (unsigned long long)cap->value, cap->cap,
				 errno_name(cap->err));
			ksft_print_msg("spec: ioctl=%s capability %s %s\n",
				       ioc->name, what, ok ? "ok" : "FAIL");
		}

		constraints++;
		pairs = 0;
		ok = check_order(_metadata, ctx, ioc, &pairs);
		checked += ok;
		ksft_print_msg("spec: ioctl=%s order of %u rules, %u pairs %s\n",
			       ioc->name, ioc->nr_order, pairs,
			       ok ? "ok" : "FAIL");
	}

	for (i = 0; i != ctx->set->nr; i++) {
		ioc = &ctx->set->ioctl[i];
		for (j = 0; j != ioc->nr_errnos; j++) {
			nr_errnos++;
			if (produce(_metadata, ctx, ioc, j))
				nr_produced++;
			else
				EXPECT_TRUE(ctx->excused[i][j])
					TH_LOG("%s: %s could not be produced",
					       ioc->name, ioc->errnos[j].name);
		}
	}

	ksft_print_msg("spec: constraints=%u checked=%u errnos=%u produced=%u\n",
		       constraints, checked, nr_errnos, nr_produced);
	EXPECT_EQ(constraints, checked);
	EXPECT_EQ(0, ctx->unlisted);
	ctx_free_bufs(ctx);
	munmap(ctx->bad, getpagesize());
	free(ctx);
}

/*
 * Last of the suite: with CONFIG_FWCTL_API_SPEC_CHECK, the core counts every
 * ioctl that returned an errno neither its specification nor the driver
 * lists, and logs it. The count must be 0; the log names the culprits.
 */
TEST(no_undeclared_errno)
{
	unsigned int found = 0;
	char rec[8192], *text;
	unsigned long long n;
	ssize_t len;
	FILE *f;
	int fd;

	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	f = fopen(SPEC_UNDECLARED, "r");
	if (!f)
		SKIP(return, "%s: %s: CONFIG_FWCTL_API_SPEC_CHECK is off or debugfs is not mounted",
		     SPEC_UNDECLARED, strerror(errno));
	ASSERT_EQ(1, fscanf(f, "%llu", &n));
	fclose(f);
	ksft_print_msg("spec-check: undeclared errnos counted=%llu\n", n);
	if (!n)
		return;

	/* Name the culprits: the log holds a line for each, rate-limited */
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (;;) {
		len = kmsg_read(fd, rec, sizeof(rec), &text);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		if (text && strstr(text, SPEC_WARNING)) {
			found++;
			TH_LOG("kernel log: %s", text);
		}
	}
	close(fd);
	TH_LOG("%u such lines in the kernel log", found);
	EXPECT_EQ(0, n);
}

TEST_HARNESS_MAIN
