/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the KUnit suites of fwctl drivers, and of the core: the scope
 * names the policy lines print, user memory for ioctls, files of a fwctl
 * device opened through the core's file operations, and fail-nth, which
 * fails the nth fault point the test thread reaches from now on, as the
 * kselftests do from user space through /proc/self/task/<tid>/fail-nth.
 */
#ifndef __FWCTL_KUNIT_DRIVER_H
#define __FWCTL_KUNIT_DRIVER_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/slab.h>

/* The name of @scope in the uAPI, without its FWCTL_RPC_ prefix */
static inline const char *fwctl_kunit_scope_name(enum fwctl_rpc_scope scope)
{
	switch (scope) {
	case FWCTL_RPC_CONFIGURATION:
		return "CONFIGURATION";
	case FWCTL_RPC_DEBUG_READ_ONLY:
		return "DEBUG_READ_ONLY";
	case FWCTL_RPC_DEBUG_WRITE:
		return "DEBUG_WRITE";
	case FWCTL_RPC_DEBUG_WRITE_FULL:
		return "DEBUG_WRITE_FULL";
	}
	return "?";
}

/*
 * @len bytes of anonymous user memory in the test thread's address space,
 * unmapped when @test ends. Returns its address, or 0 if it could not be
 * mapped (kunit_vm_mmap() returns an error code as an address).
 */
static inline unsigned long fwctl_kunit_user_map(struct kunit *test,
						 unsigned long len)
{
	unsigned long addr = kunit_vm_mmap(test, NULL, 0, len,
					   PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);

	return addr && addr < TASK_SIZE ? addr : 0;
}

/**
 * struct fwctl_kunit_file - A file of a fwctl device, without the VFS
 * @inode: Stands for the device node; only its i_cdev is set
 * @file: The open file the core's file operations see
 * @open: Whether @file is open
 */
struct fwctl_kunit_file {
	struct inode inode;
	struct file file;
	bool open;
};

/* What open(2) of the node of @cdev does past the VFS */
static inline int fwctl_kunit_file_open(struct fwctl_kunit_file *f,
					struct cdev *cdev)
{
	int ret;

	f->inode.i_cdev = cdev;
	f->file.f_op = cdev->ops;
	ret = f->file.f_op->open(&f->inode, &f->file);
	f->open = !ret;
	return ret;
}

/* What the last close(2) of @f does; nothing if it is not open */
static inline void fwctl_kunit_file_close(struct fwctl_kunit_file *f)
{
	if (!f->open)
		return;
	f->file.f_op->release(&f->inode, &f->file);
	f->open = false;
}

static inline void fwctl_kunit_file_close_action(void *f)
{
	fwctl_kunit_file_close(f);
}

/*
 * A file for @test. One the test leaves open is closed after the suite's
 * exit, as the files of a process are after the device went away.
 */
static inline struct fwctl_kunit_file *fwctl_kunit_file_alloc(struct kunit *test)
{
	struct fwctl_kunit_file *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							fwctl_kunit_file_close_action,
							f), 0);
	return f;
}

static inline long fwctl_kunit_file_ioctl(struct fwctl_kunit_file *f,
					  unsigned int cmd, unsigned long arg)
{
	return f->file.f_op->unlocked_ioctl(&f->file, cmd, arg);
}

/* Make the @n-th fault point from now on in this thread fail */
static inline void fwctl_kunit_fail_nth_arm(unsigned int n)
{
#ifdef CONFIG_FAULT_INJECTION
	current->fail_nth = n;
#endif
}

/* Disarm; true if the armed fault point was reached and failed */
static inline bool fwctl_kunit_fail_nth_disarm(void)
{
#ifdef CONFIG_FAULT_INJECTION
	bool hit = !current->fail_nth;

	current->fail_nth = 0;
	return hit;
#else
	return false;
#endif
}

/*
 * fail-nth reaches GFP_KERNEL slab allocations only through failslab, and
 * only once its ignore-gfp-wait is N: skip the test unless a first
 * allocation does fail.
 */
static inline void fwctl_kunit_require_failslab(struct kunit *test)
{
	bool failed;
	void *p;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "needs CONFIG_FAULT_INJECTION");

	fwctl_kunit_fail_nth_arm(1);
	p = kmalloc(8, GFP_KERNEL | __GFP_NOWARN);
	fwctl_kunit_fail_nth_disarm();
	failed = !p;
	kfree(p);
	if (!failed)
		kunit_skip(test,
			   "failslab does not fail GFP_KERNEL allocations: needs CONFIG_FAILSLAB and N in /sys/kernel/debug/failslab/ignore-gfp-wait");
}

#endif
