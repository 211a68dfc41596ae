/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the fwctl selftests of CXL memory devices, run against
 * cxl_test's mock memdevs (cxl_mock_mem).
 *
 * Everything is found from user space, as a tool would find it: the
 * memdevs in /sys/bus/cxl/devices, each one's fwctl device in its "fwctl"
 * class directory, then /dev/fwctl/<name>. The memdev's platform device
 * (cxl_mem.K or cxl_rcd.K) is the parent of the memdev; unbinding and
 * binding it through the cxl_mock_mem driver removes and re-creates the
 * memdev and its fwctl device, and makes the mock read its module
 * parameters again.
 *
 * Without a CXL memdev that has a fwctl device the CXL tests skip, unless
 * FWCTL_CXL_REQUIRED=1 says that there must be one: then they fail.
 */
#ifndef __SELFTEST_FWCTL_CXL_H
#define __SELFTEST_FWCTL_CXL_H

#include "fwctl_utils.h"

#include <ctype.h>
#include <endian.h>
#include <sys/sysmacros.h>

#include <fwctl/cxl.h>

#define CXL_DEVICES_DIR "/sys/bus/cxl/devices"
#define PLATFORM_DEVICES_DIR "/sys/bus/platform/devices"
#define CXL_MOCK_DRIVER "cxl_mock_mem"
#define CXL_MOCK_DRIVER_DIR "/sys/bus/platform/drivers/" CXL_MOCK_DRIVER
#define CXL_MOCK_PARAMS "/sys/module/" CXL_MOCK_DRIVER "/parameters"

#define CXL_NONE_REASON "no CXL memdev with a fwctl device (cxl_test not loaded)"

/* How long a rebound memdev may take to come back: about 1 s under TCG */
#define CXL_REBIND_TIMEOUT_S 30

#define CXL_MAX_MEMDEVS 64

/* The Features opcodes of the CXL mailbox */
#define CXL_OP_GET_SUPPORTED_FEATURES 0x0500
#define CXL_OP_GET_FEATURE 0x0501
#define CXL_OP_SET_FEATURE 0x0502

#define CXL_REQ_HDR_LEN sizeof(struct fwctl_rpc_cxl_hdr)
#define CXL_RSP_HDR_LEN sizeof(struct fwctl_rpc_cxl_out_hdr)
#define CXL_GET_SUP_OP_SIZE sizeof(struct cxl_mbox_get_sup_feats_in)
#define CXL_GET_FEAT_OP_SIZE sizeof(struct cxl_mbox_get_feat_in)
#define CXL_SET_FEAT_HDR_LEN sizeof(struct cxl_mbox_set_feat_hdr)
#define CXL_SUP_HDR_LEN sizeof(struct cxl_mbox_get_sup_feats_out_hdr)
#define CXL_ENTRY_LEN sizeof(struct cxl_feat_entry)

/*
 * The out_len the kernel reports for each reply, 8 bytes more than the
 * header and data it writes, as upstream does: Get Supported Features with
 * @n entries, Get Feature of @size bytes, Set Feature.
 */
#define CXL_SUP_OUT_LEN(n) (24 + CXL_ENTRY_LEN * (n))
#define CXL_GET_OUT_LEN(size) (16 + (size))
#define CXL_SET_OUT_LEN 16

/* CXL mailbox return codes */
#define CXL_RC_SUCCESS 0
#define CXL_RC_INPUT 2
#define CXL_RC_UNSUPPORTED 3

/* cxl_test's vendor test feature, the one feature of a default memdev */
#define CXL_TEST_FEAT_SIZE 4
#define CXL_TEST_FEAT_FLAGS (CXL_FEATURE_F_CHANGEABLE | \
			     CXL_FEATURE_F_DEFAULT_SEL | \
			     CXL_FEATURE_F_SAVED_SEL)
#define CXL_TEST_FEAT_EFFECTS (CXL_CMD_CONFIG_CHANGE_COLD_RESET | \
			       CXL_CMD_EFFECTS_VALID)
#define CXL_TEST_FEAT_VERSION 1
/* Its value after every probe; tests that change it put it back */
#define CXL_TEST_FEAT_PROBE_VAL 0xdeadbeef

static const __u8 cxl_test_feat_uuid[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static inline int cxl_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Parse a UUID's canonical text into its 16 bytes in the order the text
 * has them, which is how the device sends them.
 */
static inline int cxl_uuid_parse(const char *s, __u8 *uuid)
{
	unsigned int i;
	int hi, lo;

	for (i = 0; i != 16; i++) {
		if (*s == '-')
			s++;
		hi = cxl_hex_digit(s[0]);
		lo = hi < 0 ? -1 : cxl_hex_digit(s[1]);
		if (lo < 0)
			return fail_errno(EINVAL);
		uuid[i] = hi << 4 | lo;
		s += 2;
	}
	return *s ? fail_errno(EINVAL) : 0;
}

/* Copy name @src into @dst of @len bytes; ENAMETOOLONG if it does not fit */
static inline int cxl_name_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return fail_errno(ENAMETOOLONG);
	memcpy(dst, src, n + 1);
	return 0;
}

/* Memdevs */

/* A CXL memdev, as sysfs shows it */
struct cxl_memdev {
	/* memN */
	char name[32];
	/* Its platform device, cxl_mem.K or cxl_rcd.K, and K; or "" and -1 */
	char pdev[32];
	int pdev_id;
	/* Its fwctl device, fwctlM, and /dev/fwctl/fwctlM; or "" */
	char fwctl[32];
	char node[sizeof(FWCTL_DEV_DIR) + 32];
};

struct cxl_memdevs {
	struct cxl_memdev md[CXL_MAX_MEMDEVS];
	/* Memdevs found, and how many of them have a fwctl device */
	unsigned int nr;
	unsigned int nr_fwctl;
};

static inline bool cxl_is_memdev_name(const char *name)
{
	const char *p = name + 3;

	if (strncmp(name, "mem", 3) || !*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

/*
 * Fill @md for memdev @name: its platform device, from the real path of
 * /sys/bus/cxl/devices/@name (.../cxl_mem.K/memN), and its fwctl device,
 * the one "fwctl*" entry of its "fwctl" directory if it has one.
 */
static inline int cxl_memdev_load(struct cxl_memdev *md, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX];
	char *base;

	memset(md, 0, sizeof(*md));
	md->pdev_id = -1;
	if (cxl_name_copy(md->name, sizeof(md->name), name))
		return -1;

	snprintf(path, sizeof(path), "%s/%s", CXL_DEVICES_DIR, name);
	if (!realpath(path, real))
		return -1;
	*strrchr(real, '/') = 0;
	base = strrchr(real, '/') + 1;
	if ((!strncmp(base, "cxl_mem.", 8) || !strncmp(base, "cxl_rcd.", 8)) &&
	    !cxl_name_copy(md->pdev, sizeof(md->pdev), base))
		md->pdev_id = atoi(base + 8);

	snprintf(path, sizeof(path), "%s/%s/fwctl", CXL_DEVICES_DIR, name);
	if (fwctl_dir_find(path, md->fwctl, sizeof(md->fwctl))) {
		md->fwctl[0] = 0;
		return errno == ENOENT ? 0 : -1;
	}
	snprintf(md->node, sizeof(md->node), "%s/%s", FWCTL_DEV_DIR,
		 md->fwctl);
	return 0;
}

static inline int cxl_memdev_cmp(const void *a, const void *b)
{
	const struct cxl_memdev *x = a, *y = b;

	return atoi(x->name + 3) - atoi(y->name + 3);
}

/* List every CXL memdev, by number; none if there is no CXL bus */
static inline int cxl_memdevs_scan(struct cxl_memdevs *c)
{
	struct dirent *de;
	DIR *dir;
	int err;

	c->nr = 0;
	c->nr_fwctl = 0;
	dir = opendir(CXL_DEVICES_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir))) {
		struct cxl_memdev *md = &c->md[c->nr];

		if (!cxl_is_memdev_name(de->d_name))
			continue;
		if (c->nr == CXL_MAX_MEMDEVS) {
			closedir(dir);
			return fail_errno(ENOSPC);
		}
		if (cxl_memdev_load(md, de->d_name)) {
			/* Gone since readdir() */
			if (errno == ENOENT)
				continue;
			err = errno;
			closedir(dir);
			return fail_errno(err);
		}
		c->nr++;
		if (md->fwctl[0])
			c->nr_fwctl++;
	}
	closedir(dir);
	qsort(c->md, c->nr, sizeof(c->md[0]), cxl_memdev_cmp);
	return 0;
}

/* Whether FWCTL_CXL_REQUIRED=1: the CXL tests must not skip */
static inline bool cxl_required(void)
{
	const char *s = getenv("FWCTL_CXL_REQUIRED");

	return s && !strcmp(s, "1");
}

/*
 * Scan the CXL memdevs into @c and say whether one has a fwctl device. If
 * none has, the caller skips with CXL_NONE_REASON; with FWCTL_CXL_REQUIRED=1
 * this fails the test instead.
 */
static inline bool cxl_available(struct __test_metadata *_metadata,
				 struct cxl_memdevs *c)
{
	ASSERT_OK(cxl_memdevs_scan(c));
	if (c->nr_fwctl)
		return true;
	ASSERT_FALSE(cxl_required())
		TH_LOG("FWCTL_CXL_REQUIRED=1, but there is %s (%u memdevs)",
		       CXL_NONE_REASON, c->nr);
	return false;
}

/* The first memdev with a fwctl device, or NULL */
static inline struct cxl_memdev *cxl_first_fwctl(struct cxl_memdevs *c)
{
	unsigned int i;

	for (i = 0; i != c->nr; i++)
		if (c->md[i].fwctl[0])
			return &c->md[i];
	return NULL;
}

/*
 * The memdev a test may unbind and rebind: of those with a fwctl device
 * below a cxl_mem.K platform device, the one with the highest K. cxl_test
 * assembles a region from cxl_mem.0 and cxl_mem.4 at load; this stays
 * clear of them. NULL if there is none.
 */
static inline struct cxl_memdev *cxl_rebind_target(struct cxl_memdevs *c)
{
	struct cxl_memdev *best = NULL;
	unsigned int i;

	for (i = 0; i != c->nr; i++) {
		struct cxl_memdev *md = &c->md[i];

		if (!md->fwctl[0] || strncmp(md->pdev, "cxl_mem.", 8))
			continue;
		if (!best || md->pdev_id > best->pdev_id)
			best = md;
	}
	return best;
}

/*
 * For a fixture's setup: scan the memdevs into @c and find the one a test
 * may rebind, cxl_rebind_target(). Copy it into @md, and the name of its
 * platform device into @pdev of @len bytes, which stays when a rebind
 * loads @md again. Returns NULL, or the reason to skip if there is none,
 * which fails the test with FWCTL_CXL_REQUIRED=1.
 */
static inline const char *cxl_find_rebind(struct __test_metadata *_metadata,
					  struct cxl_memdevs *c,
					  struct cxl_memdev *md, char *pdev,
					  size_t len)
{
	struct cxl_memdev *target;

	if (!cxl_available(_metadata, c))
		return CXL_NONE_REASON;
	target = cxl_rebind_target(c);
	if (target) {
		*md = *target;
		snprintf(pdev, len, "%s", target->pdev);
		return NULL;
	}
	ASSERT_FALSE(cxl_required())
		TH_LOG("FWCTL_CXL_REQUIRED=1, but no cxl_mem.K memdev has a fwctl device");
	return "no cxl_mem.K memdev has a fwctl device";
}

/* Whether the memdev has a driver bound: the CXL bus's cxl_mem probed it */
static inline bool cxl_memdev_has_driver(const struct cxl_memdev *md)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/driver", CXL_DEVICES_DIR,
		 md->name);
	return path_exists(path);
}

/* The memdev's serial number, sysfs memN/serial */
static inline int cxl_memdev_serial(const struct cxl_memdev *md, __u64 *serial)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/serial", CXL_DEVICES_DIR, md->name);
	return read_u64(path, serial);
}

/*
 * Open the memdev's fwctl device node with @flags, after checking that the
 * node is the device sysfs names: its dev_t is that of
 * <memdev>/fwctl/<fwctlM>/dev. ESTALE if it is not.
 */
static inline int cxl_fwctl_open(const struct cxl_memdev *md, int flags)
{
	char path[PATH_MAX], buf[32];
	unsigned int maj, min;
	struct stat st;
	int fd;

	if (!md->fwctl[0])
		return fail_errno(ENOENT);
	snprintf(path, sizeof(path), "%s/%s/fwctl/%s/dev", CXL_DEVICES_DIR,
		 md->name, md->fwctl);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return fail_errno(EPROTO);
	fd = open(md->node, flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(maj, min)) {
		close(fd);
		return fail_errno(ESTALE);
	}
	return fd;
}

/*
 * For a fixture's setup: scan the memdevs into @c and open the fwctl device
 * of the first one that has one, for reads and writes, into *@fd; *@md is
 * that memdev. Returns NULL, or the reason to skip if there is none, which
 * fails the test with FWCTL_CXL_REQUIRED=1.
 */
static inline const char *cxl_open_first(struct __test_metadata *_metadata,
					 struct cxl_memdevs *c,
					 struct cxl_memdev **md, int *fd)
{
	if (!cxl_available(_metadata, c))
		return CXL_NONE_REASON;
	*md = cxl_first_fwctl(c);
	*fd = cxl_fwctl_open(*md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *fd)
		TH_LOG("%s: %s", (*md)->node, strerror(errno));
	return NULL;
}

/*
 * How many fwctl class devices have a CXL memdev, a device named memN, as
 * their parent. The parent is read from the class link, .../memN/fwctl/
 * fwctlM, not from the device it points to: a fwctl device left behind by
 * a memdev that is gone still counts.
 */
static inline unsigned int cxl_fwctl_on_memdevs(void)
{
	char path[PATH_MAX], link[PATH_MAX];
	unsigned int nr = 0;
	struct dirent *de;
	char *p;
	ssize_t n;
	DIR *dir;

	dir = opendir(FWCTL_CLASS_DIR);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR,
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		/* Cut "/fwctl/fwctlM", then take the last component */
		p = strrchr(link, '/');
		if (!p)
			continue;
		*p = 0;
		p = strrchr(link, '/');
		if (!p)
			continue;
		*p = 0;
		p = strrchr(link, '/');
		if (cxl_is_memdev_name(p ? p + 1 : link))
			nr++;
	}
	closedir(dir);
	return nr;
}

/* Platform devices of cxl_test and the cxl_mock_mem driver */

/* Whether platform device @pdev has a driver bound */
static inline bool cxl_pdev_bound(const char *pdev)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/driver", PLATFORM_DEVICES_DIR,
		 pdev);
	return path_exists(path);
}

/* The name of the driver bound to @pdev, or "" */
static inline void cxl_pdev_driver(const char *pdev, char *name, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	char *base;

	name[0] = 0;
	snprintf(path, sizeof(path), "%s/%s/driver", PLATFORM_DEVICES_DIR,
		 pdev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = 0;
	base = strrchr(link, '/');
	if (cxl_name_copy(name, len, base ? base + 1 : link))
		name[0] = 0;
}

static inline int cxl_pdev_unbind(const char *pdev)
{
	return write_str(CXL_MOCK_DRIVER_DIR "/unbind", pdev, O_CLOEXEC);
}

static inline int cxl_pdev_bind(const char *pdev)
{
	return write_str(CXL_MOCK_DRIVER_DIR "/bind", pdev, O_CLOEXEC);
}

/* The name of the memdev below platform device @pdev */
static inline int cxl_pdev_memdev(const char *pdev, char *name, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", PLATFORM_DEVICES_DIR, pdev);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (!cxl_is_memdev_name(de->d_name))
			continue;
		if (cxl_name_copy(name, len, de->d_name)) {
			closedir(dir);
			return -1;
		}
		found++;
	}
	closedir(dir);
	if (found != 1)
		return fail_errno(found ? EEXIST : ENOENT);
	return 0;
}

/*
 * Wait up to @timeout seconds until @pdev is bound and has a memdev, and,
 * if @fwctl, until the memdev has a fwctl device whose node exists; then
 * fill @md. A bind through sysfs probes before it returns: once the driver
 * is bound, a memdev without a fwctl device has none for good.
 */
static inline int cxl_pdev_wait(const char *pdev, struct cxl_memdev *md,
				bool fwctl, double timeout)
{
	double deadline = now_sec() + timeout;
	char name[32];

	do {
		if (cxl_pdev_bound(pdev) &&
		    !cxl_pdev_memdev(pdev, name, sizeof(name)) &&
		    !cxl_memdev_load(md, name) && !strcmp(md->pdev, pdev) &&
		    (!fwctl || (md->fwctl[0] && path_exists(md->node))))
			return 0;
		usleep(20000);
	} while (now_sec() < deadline);
	return fail_errno(ETIMEDOUT);
}

/* Unbind @pdev if it is bound, bind it again and wait as cxl_pdev_wait() */
static inline int cxl_pdev_rebind(const char *pdev, struct cxl_memdev *md,
				  bool fwctl)
{
	if (cxl_pdev_bound(pdev) && cxl_pdev_unbind(pdev))
		return -1;
	if (cxl_pdev_bind(pdev))
		return -1;
	return cxl_pdev_wait(pdev, md, fwctl, CXL_REBIND_TIMEOUT_S);
}

/* cxl_mock_mem's module parameters, read by each probe */

static inline bool cxl_mock_param_exists(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", CXL_MOCK_PARAMS, name);
	return path_exists(path);
}

static inline int cxl_mock_param_set(const char *name, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", CXL_MOCK_PARAMS, name);
	return write_str(path, val, O_CLOEXEC);
}

/* The parameter's value, without the newline */
static inline int cxl_mock_param_get(const char *name, char *val, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", CXL_MOCK_PARAMS, name);
	if (read_file(path, val, len))
		return -1;
	val[strcspn(val, "\n")] = 0;
	return 0;
}

/* Put both parameters back to their defaults */
static inline int cxl_mock_params_reset(void)
{
	int ret = 0;

	if (cxl_mock_param_exists("policy_features"))
		ret |= cxl_mock_param_set("policy_features", "0");
	if (cxl_mock_param_exists("kernel_owned_serial"))
		ret |= cxl_mock_param_set("kernel_owned_serial", "-1");
	return ret ? -1 : 0;
}

/* The three Features commands */

/* Room for the replies the tests ask for: up to 16 feature entries */
#define CXL_REPLY_MAX 1024
/* What reply buffers are filled with before a call */
#define CXL_PATTERN 0xa5

/*
 * The reply of one RPC. Set @len, the out_len to pass, before the call;
 * after it @out_len is the length the kernel reported, and @size and
 * @retval are the reply header's fields if they were copied out (all ones
 * if not). The kernel copies min(@len, @out_len) bytes into @buf; the rest
 * keeps CXL_PATTERN.
 */
struct cxl_reply {
	__u32 len;
	__u32 out_len;
	__u32 size;
	__u32 retval;
	__u8 buf[CXL_REPLY_MAX];
};

/* The reply's Get Supported Features header and entry @i */
static inline struct cxl_mbox_get_sup_feats_out_hdr
cxl_reply_sup(const struct cxl_reply *r)
{
	struct cxl_mbox_get_sup_feats_out_hdr hdr;

	memcpy(&hdr, r->buf + CXL_RSP_HDR_LEN, sizeof(hdr));
	return hdr;
}

static inline struct cxl_feat_entry cxl_reply_entry(const struct cxl_reply *r,
						    unsigned int i)
{
	struct cxl_feat_entry ent;

	memcpy(&ent, r->buf + CXL_RSP_HDR_LEN + CXL_SUP_HDR_LEN +
		     i * CXL_ENTRY_LEN, sizeof(ent));
	return ent;
}

/* The le32 at byte @off of the reply's data */
static inline __u32 cxl_reply_le32(const struct cxl_reply *r, size_t off)
{
	__le32 v;

	memcpy(&v, r->buf + CXL_RSP_HDR_LEN + off, sizeof(v));
	return le32toh(v);
}

/* Whether the reply left every byte past what the kernel copied alone */
static inline bool cxl_reply_untouched(const struct cxl_reply *r)
{
	size_t copied = r->len < r->out_len ? r->len : r->out_len;

	if (copied >= sizeof(r->buf))
		return true;
	return all_bytes(r->buf + copied, CXL_PATTERN,
			 sizeof(r->buf) - copied);
}

/* Room for the requests the tests build */
#define CXL_REQ_MAX 256

/* A request buffer, aligned for its header */
union cxl_req {
	struct fwctl_rpc_cxl_hdr hdr;
	__u8 buf[CXL_REQ_MAX];
};

/*
 * Lay out a request in @buf of @len bytes: the header with @opcode and
 * @op_size, then @payload_len bytes of @payload, then zeros. Returns the
 * in_len tools send, the size of struct fwctl_rpc_cxl plus @op_size, which
 * is more than the header and payload; 0 if that does not fit in @len.
 */
static inline __u32 cxl_req_build(void *buf, size_t len, __u32 opcode,
				  __u32 op_size, const void *payload,
				  size_t payload_len)
{
	struct fwctl_rpc_cxl_hdr hdr = {
		.opcode = opcode,
		.op_size = op_size,
	};
	size_t in_len = sizeof(struct fwctl_rpc_cxl) + (size_t)op_size;

	if (in_len > len || CXL_REQ_HDR_LEN + payload_len > len)
		return 0;
	memset(buf, 0, in_len);
	memcpy(buf, &hdr, sizeof(hdr));
	if (payload_len)
		memcpy((__u8 *)buf + CXL_REQ_HDR_LEN, payload, payload_len);
	return in_len;
}

/* Send request @in of @in_len bytes at @scope; the reply lands in @r */
static inline int _cxl_rpc(int fd, __u32 scope, const void *in, __u32 in_len,
			   struct cxl_reply *r)
{
	struct fwctl_rpc_cxl_out_hdr hdr;

	memset(r->buf, CXL_PATTERN, sizeof(r->buf));
	r->out_len = r->len;
	r->size = UINT32_MAX;
	r->retval = UINT32_MAX;
	if (_test_cmd_rpc(fd, scope, in, in_len, r->buf, &r->out_len))
		return -1;
	if (r->len >= sizeof(hdr) && r->out_len >= sizeof(hdr)) {
		memcpy(&hdr, r->buf, sizeof(hdr));
		r->size = hdr.size;
		r->retval = hdr.retval;
	}
	return 0;
}

/* Send command @opcode with its @op_size bytes of @payload, as tools do */
static inline int _cxl_cmd(int fd, __u32 scope, __u32 opcode,
			   const void *payload, __u32 op_size,
			   struct cxl_reply *r)
{
	union cxl_req in;
	__u32 in_len;

	in_len = cxl_req_build(in.buf, sizeof(in.buf), opcode, op_size,
			       payload, op_size);
	if (!in_len)
		return fail_errno(E2BIG);
	return _cxl_rpc(fd, scope, in.buf, in_len, r);
}

static inline int _cxl_get_supported(int fd, __u32 scope, __u32 count,
				     __u16 start_idx, struct cxl_reply *r)
{
	struct cxl_mbox_get_sup_feats_in in = {
		.count = htole32(count),
		.start_idx = htole16(start_idx),
	};

	return _cxl_cmd(fd, scope, CXL_OP_GET_SUPPORTED_FEATURES, &in,
			sizeof(in), r);
}

static inline int _cxl_get_feature(int fd, __u32 scope, const __u8 *uuid,
				   __u16 offset, __u16 count,
				   struct cxl_reply *r)
{
	struct cxl_mbox_get_feat_in in = {
		.offset = htole16(offset),
		.count = htole16(count),
		.selection = CXL_GET_FEAT_SEL_CURRENT_VALUE,
	};

	memcpy(in.uuid, uuid, sizeof(in.uuid));
	return _cxl_cmd(fd, scope, CXL_OP_GET_FEATURE, &in, sizeof(in), r);
}

/* Set Feature of @data_len bytes of @data at @offset, as a full transfer */
static inline int _cxl_set_feature(int fd, __u32 scope, const __u8 *uuid,
				   __u16 offset, const void *data,
				   size_t data_len, struct cxl_reply *r)
{
	__u8 in[CXL_REQ_MAX - CXL_REQ_HDR_LEN];
	struct cxl_mbox_set_feat_hdr hdr = {
		.flags = htole32(CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER),
		.offset = htole16(offset),
		.version = CXL_TEST_FEAT_VERSION,
	};

	if (CXL_SET_FEAT_HDR_LEN + data_len > sizeof(in))
		return fail_errno(E2BIG);
	memcpy(hdr.uuid, uuid, sizeof(hdr.uuid));
	memcpy(in, &hdr, sizeof(hdr));
	if (data_len)
		memcpy(in + sizeof(hdr), data, data_len);
	return _cxl_cmd(fd, scope, CXL_OP_SET_FEATURE, in,
			sizeof(hdr) + data_len, r);
}

/*
 * Read the le32 value of feature @uuid, with ndctl's out_len of 20: the
 * reply must be complete, EPROTO if it is not.
 */
static inline int _cxl_read_u32(int fd, const __u8 *uuid, __u32 *val)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };

	if (_cxl_get_feature(fd, FWCTL_RPC_CONFIGURATION, uuid, 0, 4, &r))
		return -1;
	if (r.out_len != CXL_GET_OUT_LEN(4) || r.size != 4 ||
	    r.retval != CXL_RC_SUCCESS)
		return fail_errno(EPROTO);
	*val = cxl_reply_le32(&r, 0);
	return 0;
}

/* Set feature @uuid to le32 @val at @scope; EPROTO unless it worked */
static inline int _cxl_write_u32(int fd, __u32 scope, const __u8 *uuid,
				 __u32 val)
{
	struct cxl_reply r = { .len = CXL_GET_OUT_LEN(4) };
	__le32 data = htole32(val);

	if (_cxl_set_feature(fd, scope, uuid, 0, &data, sizeof(data), &r))
		return -1;
	if (r.out_len != CXL_SET_OUT_LEN || r.size != 0 ||
	    r.retval != CXL_RC_SUCCESS)
		return fail_errno(EPROTO);
	return 0;
}

/*
 * The device's feature list as a tool reads it: a count probe with a
 * header-only buffer for the total, then every entry, up to @max, into
 * @ents. *@nr is the total. EPROTO if a reply is not what it must be.
 */
static inline int _cxl_list(int fd, struct cxl_feat_entry *ents,
			    unsigned int max, unsigned int *nr)
{
	struct cxl_mbox_get_sup_feats_out_hdr sup;
	struct cxl_reply r = { .len = CXL_SUP_OUT_LEN(0) };
	unsigned int total, i;

	if (_cxl_get_supported(fd, FWCTL_RPC_CONFIGURATION, 0, 0, &r))
		return -1;
	sup = cxl_reply_sup(&r);
	total = le16toh(sup.supported_feats);
	if (r.out_len != CXL_SUP_OUT_LEN(0) || r.size != CXL_SUP_HDR_LEN ||
	    r.retval != CXL_RC_SUCCESS || sup.num_entries || !total ||
	    total > max || CXL_SUP_OUT_LEN(total) > sizeof(r.buf))
		return fail_errno(EPROTO);

	r.len = CXL_SUP_OUT_LEN(total);
	if (_cxl_get_supported(fd, FWCTL_RPC_CONFIGURATION,
			       total * CXL_ENTRY_LEN, 0, &r))
		return -1;
	sup = cxl_reply_sup(&r);
	if (r.out_len != CXL_SUP_OUT_LEN(total) ||
	    r.size != CXL_SUP_HDR_LEN + total * CXL_ENTRY_LEN ||
	    r.retval != CXL_RC_SUCCESS ||
	    le16toh(sup.num_entries) != total ||
	    le16toh(sup.supported_feats) != total)
		return fail_errno(EPROTO);
	for (i = 0; i != total; i++)
		ents[i] = cxl_reply_entry(&r, i);
	*nr = total;
	return 0;
}

/* Whether @ent is cxl_test's test feature, exactly as upstream's mock */
static inline bool cxl_is_test_feat(const struct cxl_feat_entry *ent)
{
	return !memcmp(ent->uuid, cxl_test_feat_uuid, sizeof(ent->uuid)) &&
	       le16toh(ent->id) == 0 &&
	       le16toh(ent->get_feat_size) == CXL_TEST_FEAT_SIZE &&
	       le16toh(ent->set_feat_size) == CXL_TEST_FEAT_SIZE &&
	       le32toh(ent->flags) == CXL_TEST_FEAT_FLAGS &&
	       ent->get_feat_ver == CXL_TEST_FEAT_VERSION &&
	       ent->set_feat_ver == CXL_TEST_FEAT_VERSION &&
	       le16toh(ent->effects) == CXL_TEST_FEAT_EFFECTS &&
	       all_bytes(ent->reserved, 0, sizeof(ent->reserved));
}

/*
 * The device of a default memdev answers as it must: one feature, the test
 * feature, whose value is put into *@val. EPROTO if not.
 */
static inline int _cxl_check_default(int fd, __u32 *val)
{
	struct cxl_feat_entry ents[1];
	unsigned int nr;

	if (_cxl_list(fd, ents, 1, &nr))
		return -1;
	if (nr != 1 || !cxl_is_test_feat(&ents[0]))
		return fail_errno(EPROTO);
	return _cxl_read_u32(fd, cxl_test_feat_uuid, val);
}

/*
 * For a teardown, which only logs failures: the device of @fd answers as a
 * default memdev's, with the test feature at the value of the probe; if
 * @restore, after a Set Feature of that value.
 */
static inline void cxl_expect_default(struct __test_metadata *_metadata,
				      int fd, bool restore)
{
	__u32 val = 0;

	if (restore)
		EXPECT_OK(_cxl_write_u32(fd, FWCTL_RPC_DEBUG_WRITE,
					 cxl_test_feat_uuid,
					 CXL_TEST_FEAT_PROBE_VAL));
	EXPECT_OK(_cxl_check_default(fd, &val));
	EXPECT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
}

/* The same on the fwctl device of @md, opened for it */
static inline void cxl_expect_default_md(struct __test_metadata *_metadata,
					 const struct cxl_memdev *md,
					 bool restore)
{
	int fd;

	fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	if (fd < 0)
		return;
	cxl_expect_default(_metadata, fd, restore);
	close(fd);
}

#define test_cmd_cxl_read(fd, uuid, val) \
	ASSERT_OK(_cxl_read_u32(fd, uuid, val))
#define test_cmd_cxl_write(fd, scope, uuid, val) \
	ASSERT_OK(_cxl_write_u32(fd, scope, uuid, val))

/* Assert that the test feature of @fd holds @expected */
#define test_cxl_value(fd, expected)                                      \
	({                                                                \
		__u32 __val = 0;                                          \
		ASSERT_OK(_cxl_read_u32(fd, cxl_test_feat_uuid, &__val)); \
		ASSERT_EQ((__u32)(expected), __val);                      \
	})

#endif
