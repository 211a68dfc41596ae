// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unloading the driver module while FDs on its devices are open, run with
 * the fwctl_mock module, and with cxl_test's cxl_mock_mem.
 *
 * An open FD holds the fwctl core module and the fwctl device, never the
 * driver's module: the driver can be unloaded under it. The FDs then fail
 * every ioctl with ENODEV and close cleanly. Each test loads the module
 * back from its file, with the parameters it had, so that the programs
 * after it find the devices as they expect them; it skips when the module
 * is built in or its file is not found.
 *
 * For cxl_mock_mem the FDs are on the fwctl device of every memdev, whose
 * teardown, through the memdev's driver unbinding, unregisters them, with
 * RPCs in flight on one of them. The CXL test skips without cxl_test, or
 * fails with FWCTL_CXL_REQUIRED=1; it waits for every memdev to come back
 * before it ends, as the test bed unloads cxl_mock_mem after the last
 * program.
 */
#include "fwctl_cxl.h"

#include <sys/utsname.h>
#include <linux/module.h>

/* Instance ids of this program, clear of those of the other programs */
#define RMMOD_FIRST_ID 1800

#define MOCK_MODULE "fwctl_mock"
/* Where the test bed's guests keep the modules; FWCTL_MOCK_KO overrides it */
#define MOCK_KO_DEFAULT "/lib/testbed/" MOCK_MODULE ".ko"
#define MOCK_PARAMS "/sys/module/" MOCK_MODULE "/parameters"

#define NR_FDS 2
/* Minors of the fwctl class: the core allocates at most this many */
#define FWCTL_MAX_MINORS 4096

/*
 * The reference count /proc/modules shows for module @name: -1 if the
 * kernel cannot unload modules and shows none; ENOENT if @name is not a
 * loaded module.
 */
static int module_refcnt(const char *name, long *refcnt)
{
	char line[512], mod[64];
	int found = 0;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s", mod) != 1 || strcmp(mod, name))
			continue;
		if (sscanf(line, "%*s %*u %ld", refcnt) != 1)
			*refcnt = -1;
		found = 1;
		break;
	}
	fclose(f);
	return found ? 0 : fail_errno(ENOENT);
}

static bool module_loaded(const char *name)
{
	long refcnt;

	return !module_refcnt(name, &refcnt);
}

/*
 * Load module file @ko with parameters @params; one whose name does not
 * end in .ko is compressed, and the kernel decompresses it.
 */
static int module_load(const char *ko, const char *params)
{
	size_t len = strlen(ko);
	int fd, ret, err, flags = 0;

	if (len < 3 || strcmp(ko + len - 3, ".ko"))
		flags = MODULE_INIT_COMPRESSED_FILE;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, flags);
	err = errno;
	close(fd);
	return ret ? fail_errno(err) : 0;
}

/* The minor of class device fwctlN, which is N */
static int fwctl_minor(const char *name)
{
	return atoi(name + strlen("fwctl"));
}

/*
 * Mark in @used the minors of the fwctl class devices that do not belong to
 * a mock instance; returns how many there are.
 */
static int other_minors(bool *used, int nr_used)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	int n = 0, minor;
	DIR *dir;

	memset(used, 0, nr_used * sizeof(*used));
	dir = opendir(FWCTL_CLASS_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s/device", FWCTL_CLASS_DIR,
			 de->d_name);
		if (!realpath(path, real) ||
		    !strncmp(strrchr(real, '/') + 1, MOCK_MODULE ".",
			     strlen(MOCK_MODULE ".")))
			continue;
		minor = fwctl_minor(de->d_name);
		if (minor >= 0 && minor < nr_used) {
			used[minor] = true;
			n++;
		}
	}
	closedir(dir);
	return n;
}

FIXTURE(rmmod)
{
	char ko[512];
	char params[64];
	unsigned int nr_devices;
	/* The test unloaded the module and did not load it back yet */
	bool unloaded;
	bool inst_live;
	struct mock_inst inst;
	int fd[NR_FDS];
};

FIXTURE_SETUP(rmmod)
{
	const char *ko = getenv("FWCTL_MOCK_KO");
	char why[256];
	long refcnt;
	__u64 val;
	int i;

	for (i = 0; i != NR_FDS; i++)
		self->fd[i] = -1;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!mock_available(why, sizeof(why)))
		SKIP(return, "%s", why);
	if (module_refcnt(MOCK_MODULE, &refcnt))
		SKIP(return, "%s is built in: there is no module to unload",
		     MOCK_MODULE);
	if (refcnt < 0)
		SKIP(return,
		     "the kernel cannot unload modules (CONFIG_MODULE_UNLOAD)");
	snprintf(self->ko, sizeof(self->ko), "%s", ko ? ko : MOCK_KO_DEFAULT);
	if (access(self->ko, R_OK))
		SKIP(return,
		     "%s: %s, so the module could not be loaded back (set FWCTL_MOCK_KO to its file)",
		     self->ko, strerror(errno));

	/* Load it back as it is now */
	ASSERT_OK(read_u64(MOCK_PARAMS "/nr_devices", &val));
	self->nr_devices = val;
	snprintf(self->params, sizeof(self->params), "nr_devices=%u",
		 self->nr_devices);
}

FIXTURE_TEARDOWN(rmmod)
{
	int i;

	for (i = 0; i != NR_FDS; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	if (self->unloaded && !module_loaded(MOCK_MODULE))
		EXPECT_OK(module_load(self->ko, self->params));
	else if (self->inst_live)
		EXPECT_OK(mock_inst_remove(&self->inst));
}

TEST_F_TIMEOUT(rmmod, with_open_fds, 60)
{
	char path[PATH_MAX], debugfs_dir[PATH_MAX];
	bool used[FWCTL_MAX_MINORS] = {};
	struct fwctl_info_mock info;
	struct fwctl_mock_query query;
	long refcnt, core_before = -1, core_after = -1;
	unsigned int i;
	int minor, fd;
	__u64 id;
	__u32 len;

	module_refcnt("fwctl", &core_before);
	ASSERT_OK(mock_inst_add(&self->inst, RMMOD_FIRST_ID));
	self->inst_live = true;
	for (i = 0; i != NR_FDS; i++) {
		self->fd[i] = open(self->inst.node, O_RDWR);
		ASSERT_LE(0, self->fd[i]);
	}
	test_cmd_obj_create(self->fd[0], 1, &id);
	test_cmd_mock_info(self->fd[1], &info);
	snprintf(debugfs_dir, sizeof(debugfs_dir), "%s/%s", FWCTL_DEBUGFS,
		 self->inst.name);
	ASSERT_TRUE(path_exists(debugfs_dir));

	/* The FDs hold the core, not the driver */
	ASSERT_OK(module_refcnt(MOCK_MODULE, &refcnt));
	ASSERT_EQ(0, refcnt);
	if (!module_refcnt("fwctl", &core_after))
		ASSERT_LT(core_before, core_after);

	ASSERT_OK(syscall(SYS_delete_module, MOCK_MODULE, O_NONBLOCK));
	self->unloaded = true;
	self->inst_live = false;

	/* Everything of the driver's is gone, the FDs are orphans */
	ASSERT_FALSE(module_loaded(MOCK_MODULE));
	ASSERT_FALSE(path_exists(MOCK_DEBUGFS));
	ASSERT_FALSE(path_exists(self->inst.node));
	ASSERT_FALSE(path_exists(debugfs_dir));
	snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR, self->inst.name);
	ASSERT_FALSE(path_exists(path));
	snprintf(path, sizeof(path), "%s/%s.%u", MOCK_PLATFORM_DIR, MOCK_MODULE,
		 self->inst.id);
	ASSERT_FALSE(path_exists(path));
	for (i = 0; i != NR_FDS; i++) {
		len = 0;
		test_err_info(ENODEV, self->fd[i], NULL, &len);
		test_err_mock_info(ENODEV, self->fd[i]);
		ASSERT_ERRNO(ENODEV, _test_cmd_query(self->fd[i],
						     FWCTL_RPC_CONFIGURATION,
						     &query));
		test_err_obj_create(ENODEV, self->fd[i], 2);
	}
	for (i = 0; i != NR_FDS; i++) {
		ASSERT_OK(close(self->fd[i]));
		self->fd[i] = -1;
	}

	/*
	 * Back as it was: the closed FDs left no reference on the core, and
	 * their devices freed their minors, so the instances are numbered
	 * from the lowest free ones again.
	 */
	ASSERT_OK(module_load(self->ko, self->params));
	self->unloaded = false;
	if (!module_refcnt("fwctl", &core_after))
		ASSERT_EQ(core_before, core_after);
	ASSERT_TRUE(path_exists(MOCK_DEBUGFS));
	test_counter("objects", 0);
	test_counter("uctxs", 0);
	ASSERT_LE(0, other_minors(used, FWCTL_MAX_MINORS));
	minor = 0;
	for (i = 0; i != self->nr_devices; i++) {
		struct mock_inst inst = { .id = i };

		ASSERT_OK(mock_inst_find(i, inst.name, sizeof(inst.name)));
		while (minor < FWCTL_MAX_MINORS && used[minor])
			minor++;
		ASSERT_EQ(minor, fwctl_minor(inst.name));
		minor++;

		snprintf(inst.node, sizeof(inst.node), "%s/%s", FWCTL_DEV_DIR,
			 inst.name);
		fd = open(inst.node, O_RDWR);
		ASSERT_LE(0, fd);
		test_cmd_mock_info(fd, &info);
		ASSERT_EQ((__u32)FWCTL_MOCK_FW_VERSION, info.fw_version);
		ASSERT_OK(close(fd));
	}
	snprintf(path, sizeof(path), "%s/%s.%u", MOCK_PLATFORM_DIR, MOCK_MODULE,
		 self->inst.id);
	ASSERT_FALSE(path_exists(path));
	test_counter("uctxs", 0);
}

/* cxl_mock_mem, the driver of cxl_test's memdevs */

/* Set to the module's file to load it from there, not from modules.dep */
#define CXL_MOCK_KO_ENV "FWCTL_CXL_MOCK_KO"
/* How long the memdevs may take to come back after the load */
#define CXL_RELOAD_TIMEOUT_S 60
/* How long the RPC loop has to start, and to end after the unload */
#define CXL_LOOP_TIMEOUT_S 10

/*
 * The file of module @name as the running kernel's modules.dep lists it,
 * name.ko or a compressed name.ko.xz and the like. ENOENT if it does not.
 */
static int module_file(const char *name, char *file, size_t len)
{
	char dep[PATH_MAX], line[1024], want[128];
	struct utsname uts;
	int found = 0;
	char *p, *base;
	size_t n;
	FILE *f;

	if (uname(&uts))
		return -1;
	snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", uts.release);
	f = fopen(dep, "re");
	if (!f)
		return -1;
	n = snprintf(want, sizeof(want), "%s.ko", name);
	/* "path/name.ko: dependencies", the path relative to the directory */
	while (!found && fgets(line, sizeof(line), f)) {
		p = strchr(line, ':');
		if (!p)
			continue;
		*p = 0;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		if (strncmp(base, want, n) || (base[n] && base[n] != '.'))
			continue;
		if (line[0] == '/')
			snprintf(file, len, "%s", line);
		else
			snprintf(file, len, "/lib/modules/%s/%s", uts.release,
				 line);
		found = 1;
	}
	fclose(f);
	return found ? 0 : fail_errno(ENOENT);
}

/*
 * The parameters of module @name as the kernel shows them now, in the
 * form finit_module() takes: "a=1 b=N". Those sysfs does not show cannot
 * be read back and are left out.
 */
static int module_params(const char *name, char *buf, size_t len)
{
	char dir[256], path[PATH_MAX], val[256];
	size_t used = 0;
	struct dirent *de;
	DIR *d;
	int n;

	buf[0] = 0;
	snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", name);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_file(path, val, sizeof(val)))
			continue;
		val[strcspn(val, "\n")] = 0;
		/* The kernel's parser takes a quoted value with spaces */
		n = snprintf(buf + used, len - used,
			     strchr(val, ' ') ? "%s%s=\"%s\"" : "%s%s=%s",
			     used ? " " : "", de->d_name, val);
		if (n < 0 || (size_t)n >= len - used) {
			closedir(d);
			return fail_errno(E2BIG);
		}
		used += n;
	}
	closedir(d);
	return 0;
}

/* Whether @md is one of cxl_test's memdevs, below cxl_mem.K or cxl_rcd.K */
static bool cxl_test_memdev(const struct cxl_memdev *md)
{
	return md->pdev_id >= 0;
}

/* cxl_test's memdevs in @c: how many, bound to a driver, with fwctl */
struct cxl_test_counts {
	unsigned int nr;
	unsigned int bound;
	unsigned int fwctl;
};

static struct cxl_test_counts cxl_test_count(const struct cxl_memdevs *c)
{
	struct cxl_test_counts n = {};
	unsigned int i;

	for (i = 0; i != c->nr; i++) {
		if (!cxl_test_memdev(&c->md[i]))
			continue;
		n.nr++;
		n.bound += cxl_memdev_has_driver(&c->md[i]);
		n.fwctl += !!c->md[i].fwctl[0];
	}
	return n;
}

/*
 * Wait up to @timeout seconds until cxl_test's memdevs are as @want says,
 * every fwctl device with its node; @c holds them then.
 */
static int cxl_test_wait(struct cxl_memdevs *c,
			 const struct cxl_test_counts *want, double timeout)
{
	double deadline = now_sec() + timeout;
	struct cxl_test_counts n;
	unsigned int i;
	bool nodes;

	do {
		if (!cxl_memdevs_scan(c)) {
			n = cxl_test_count(c);
			for (i = 0, nodes = true; i != c->nr; i++)
				if (c->md[i].fwctl[0] &&
				    !path_exists(c->md[i].node))
					nodes = false;
			if (nodes && n.nr == want->nr &&
			    n.bound == want->bound && n.fwctl == want->fwctl)
				return 0;
		}
		usleep(100000);
	} while (now_sec() < deadline);
	return fail_errno(ETIMEDOUT);
}

/*
 * A thread reading the test feature over and over on @fd until a call
 * fails, or @stop is set: @calls calls worked, @bad of them read another
 * value than the probe's, and @err is the errno of the one that failed.
 */
struct cxl_rpc_loop {
	pthread_t thread;
	int fd;
	int stop;
	int done;
	unsigned long calls;
	unsigned long bad;
	int err;
};

static void *cxl_rpc_loop_fn(void *arg)
{
	struct cxl_rpc_loop *l = arg;
	__u32 val;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		if (_cxl_read_u32(l->fd, cxl_test_feat_uuid, &val)) {
			l->err = errno;
			break;
		}
		if (val != CXL_TEST_FEAT_PROBE_VAL)
			l->bad++;
		__atomic_add_fetch(&l->calls, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Wait until the loop has ended or, unless @end, made its first call:
 * false if it did not within CXL_LOOP_TIMEOUT_S.
 */
static bool cxl_rpc_loop_wait(struct cxl_rpc_loop *l, bool end)
{
	double deadline = now_sec() + CXL_LOOP_TIMEOUT_S;

	for (;;) {
		if (__atomic_load_n(&l->done, __ATOMIC_ACQUIRE) ||
		    (!end && __atomic_load_n(&l->calls, __ATOMIC_ACQUIRE)))
			return true;
		if (now_sec() > deadline)
			return false;
		usleep(1000);
	}
}

FIXTURE(cxl_rmmod)
{
	char ko[PATH_MAX];
	char params[512];
	/* The memdevs before the unload, and cxl_test's among them */
	struct cxl_memdevs before;
	struct cxl_test_counts want;
	unsigned int on_memdevs;
	/* Scans after it */
	struct cxl_memdevs now;
	int fd[CXL_MAX_MEMDEVS];
	unsigned int nr_fds;
	struct cxl_rpc_loop loop;
	bool loop_live;
	/* The test unloaded the module and did not load it back yet */
	bool unloaded;
};

FIXTURE_SETUP(cxl_rmmod)
{
	const char *ko = getenv(CXL_MOCK_KO_ENV);
	long refcnt;
	int err;

	self->nr_fds = 0;
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!cxl_available(_metadata, &self->before))
		SKIP(return, "%s", CXL_NONE_REASON);
	if (module_refcnt(CXL_MOCK_DRIVER, &refcnt))
		SKIP(return,
		     "%s is not a loaded module (built in, or the memdevs are not cxl_test's): there is no module to unload",
		     CXL_MOCK_DRIVER);
	if (refcnt < 0)
		SKIP(return,
		     "the kernel cannot unload modules (CONFIG_MODULE_UNLOAD)");

	if (ko)
		snprintf(self->ko, sizeof(self->ko), "%s", ko);
	err = ko ? 0 : module_file(CXL_MOCK_DRIVER, self->ko, sizeof(self->ko));
	if (!err)
		err = access(self->ko, R_OK);
	if (err) {
		ASSERT_FALSE(cxl_required())
			TH_LOG("FWCTL_CXL_REQUIRED=1, but %s's file is not found: %s",
			       CXL_MOCK_DRIVER, strerror(errno));
		SKIP(return,
		     "%s's file is not found in modules.dep (%s), so it could not be loaded back (set %s to its file)",
		     CXL_MOCK_DRIVER, strerror(errno), CXL_MOCK_KO_ENV);
	}
	ASSERT_OK(module_params(CXL_MOCK_DRIVER, self->params,
				sizeof(self->params)));

	self->want = cxl_test_count(&self->before);
	if (!self->want.fwctl) {
		ASSERT_FALSE(cxl_required())
			TH_LOG("FWCTL_CXL_REQUIRED=1, but no cxl_test memdev has a fwctl device");
		SKIP(return, "no cxl_test memdev has a fwctl device");
	}
	self->on_memdevs = cxl_fwctl_on_memdevs();
}

FIXTURE_TEARDOWN(cxl_rmmod)
{
	unsigned int i;

	if (self->loop_live) {
		__atomic_store_n(&self->loop.stop, 1, __ATOMIC_RELEASE);
		pthread_join(self->loop.thread, NULL);
	}
	for (i = 0; i != self->nr_fds; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	if (!self->unloaded || module_loaded(CXL_MOCK_DRIVER))
		return;
	/* For the programs after this one, and the test bed's unload */
	EXPECT_OK(module_load(self->ko, self->params));
	EXPECT_OK(cxl_test_wait(&self->now, &self->want,
				CXL_RELOAD_TIMEOUT_S));
}

/*
 * cxl_mock_mem can be unloaded with an FD open on every memdev's fwctl
 * device and RPCs in flight on one: the memdevs and their fwctl devices go,
 * the FDs fail every call with ENODEV and close cleanly, and the memdevs
 * come back, each with a working fwctl device, when the module is loaded
 * again.
 */
TEST_F_TIMEOUT(cxl_rmmod, with_open_fds, 180)
{
	struct cxl_reply r = { .len = sizeof(r.buf) };
	__le32 data = htole32(CXL_TEST_FEAT_PROBE_VAL);
	long refcnt, core_before = -1, core_after = -1;
	struct cxl_test_counts left;
	char path[PATH_MAX];
	double t_unload, t_load;
	unsigned int i;
	__u32 val, len;
	int fd, err;

	module_refcnt("fwctl", &core_before);
	for (i = 0; i != self->before.nr; i++) {
		const struct cxl_memdev *md = &self->before.md[i];

		if (!cxl_test_memdev(md) || !md->fwctl[0])
			continue;
		fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", md->node, strerror(errno));
		self->fd[self->nr_fds++] = fd;
		ASSERT_OK(_cxl_check_default(fd, &val));
		ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
	}
	ASSERT_EQ(self->want.fwctl, self->nr_fds);

	/* The FDs hold the core, not the driver */
	ASSERT_OK(module_refcnt(CXL_MOCK_DRIVER, &refcnt));
	ASSERT_EQ(0, refcnt);
	if (!module_refcnt("fwctl", &core_after))
		ASSERT_LE(core_before + (long)self->nr_fds, core_after);

	self->loop.fd = self->fd[0];
	ASSERT_EQ(0, pthread_create(&self->loop.thread, NULL, cxl_rpc_loop_fn,
				    &self->loop));
	self->loop_live = true;
	ASSERT_TRUE(cxl_rpc_loop_wait(&self->loop, false));
	ASSERT_FALSE(__atomic_load_n(&self->loop.done, __ATOMIC_ACQUIRE))
		TH_LOG("the RPC loop failed before the unload: %s",
		       strerror(self->loop.err));

	t_unload = now_sec();
	ASSERT_OK(syscall(SYS_delete_module, CXL_MOCK_DRIVER, O_NONBLOCK));
	self->unloaded = true;
	t_unload = now_sec() - t_unload;

	/* The loop ran until its device went, then got ENODEV */
	ASSERT_TRUE(cxl_rpc_loop_wait(&self->loop, true));
	ASSERT_EQ(0, pthread_join(self->loop.thread, NULL));
	self->loop_live = false;
	ASSERT_LT(0, self->loop.calls);
	ASSERT_EQ(0, self->loop.bad);
	ASSERT_EQ(ENODEV, self->loop.err)
		TH_LOG("the RPC loop ended with %s", strerror(self->loop.err));

	/* The memdevs and their fwctl devices are gone */
	ASSERT_FALSE(module_loaded(CXL_MOCK_DRIVER));
	ASSERT_OK(cxl_memdevs_scan(&self->now));
	left = cxl_test_count(&self->now);
	ASSERT_EQ(0, left.nr);
	ASSERT_EQ(self->on_memdevs - self->nr_fds, cxl_fwctl_on_memdevs());
	for (i = 0; i != self->before.nr; i++) {
		const struct cxl_memdev *md = &self->before.md[i];

		if (!cxl_test_memdev(md))
			continue;
		/* cxl_test's platform device stays, without a driver */
		snprintf(path, sizeof(path), "%s/%s", PLATFORM_DEVICES_DIR,
			 md->pdev);
		ASSERT_TRUE(path_exists(path)) TH_LOG("%s", md->pdev);
		ASSERT_FALSE(cxl_pdev_bound(md->pdev)) TH_LOG("%s", md->pdev);
		if (!md->fwctl[0])
			continue;
		snprintf(path, sizeof(path), "%s/%s", FWCTL_CLASS_DIR,
			 md->fwctl);
		ASSERT_FALSE(path_exists(path)) TH_LOG("%s", md->fwctl);
		ASSERT_FALSE(path_exists(md->node)) TH_LOG("%s", md->node);
	}

	/* The FDs are orphans */
	for (i = 0; i != self->nr_fds; i++) {
		len = 0;
		test_err_info(ENODEV, self->fd[i], NULL, &len);
		ASSERT_ERRNO(ENODEV,
			     _cxl_get_supported(self->fd[i],
						FWCTL_RPC_CONFIGURATION,
						CXL_ENTRY_LEN, 0, &r));
		ASSERT_ERRNO(ENODEV,
			     _cxl_get_feature(self->fd[i],
					      FWCTL_RPC_CONFIGURATION,
					      cxl_test_feat_uuid, 0, 4, &r));
		ASSERT_ERRNO(ENODEV,
			     _cxl_set_feature(self->fd[i],
					      FWCTL_RPC_DEBUG_WRITE,
					      cxl_test_feat_uuid, 0, &data,
					      sizeof(data), &r));
	}
	for (i = 0; i != self->nr_fds; i++) {
		ASSERT_OK(close(self->fd[i]));
		self->fd[i] = -1;
	}

	/* Back as they were, each device with the value of its probe */
	t_load = now_sec();
	err = module_load(self->ko, self->params) ? errno : 0;
	ASSERT_EQ(0, err)
		TH_LOG("loading %s %s: %s", self->ko, self->params,
		       strerror(err));
	self->unloaded = false;
	err = cxl_test_wait(&self->now, &self->want, CXL_RELOAD_TIMEOUT_S);
	t_load = now_sec() - t_load;
	left = cxl_test_count(&self->now);
	ASSERT_EQ(0, err)
		TH_LOG("after %.0fs: %u of %u memdevs, %u of %u bound, %u of %u with fwctl",
		       t_load, left.nr, self->want.nr, left.bound,
		       self->want.bound, left.fwctl, self->want.fwctl);
	for (i = 0; i != self->now.nr; i++) {
		const struct cxl_memdev *md = &self->now.md[i];

		if (!md->fwctl[0])
			continue;
		fd = cxl_fwctl_open(md, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", md->node, strerror(errno));
		ASSERT_OK(_cxl_check_default(fd, &val));
		ASSERT_EQ(CXL_TEST_FEAT_PROBE_VAL, val) TH_LOG("%s", md->name);
		ASSERT_OK(close(fd));
	}
	ASSERT_EQ(self->on_memdevs, cxl_fwctl_on_memdevs());
	if (!module_refcnt("fwctl", &core_after))
		ASSERT_EQ(core_before, core_after);
	ksft_print_msg("rmmod: %s out in %.1fs, %u FDs open, %lu RPCs; %u memdevs back in %.1fs\n",
		       CXL_MOCK_DRIVER, t_unload, self->nr_fds,
		       self->loop.calls, self->want.nr, t_load);
}

TEST_HARNESS_MAIN
