// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unloading the driver module while FDs on its devices are open, run with
 * the fwctl_mock module.
 *
 * An open FD holds the fwctl core module and the fwctl device, never the
 * driver's module: the driver can be unloaded under it. The FDs then fail
 * every ioctl with ENODEV and close cleanly. The test loads the module
 * back from its file, with the parameters it had, so that the programs
 * after it find the mock as they expect it; it skips when the mock is
 * built in or its file is not found.
 */
#include "fwctl_utils.h"

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

/* Load module file @ko with parameters @params */
static int module_load(const char *ko, const char *params)
{
	int fd, ret, err;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
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

TEST_HARNESS_MAIN
