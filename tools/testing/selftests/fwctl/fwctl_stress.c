// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl races, run against the fwctl_mock driver: opens, ioctls and closes
 * racing with the removal and re-creation of the device, and an unplug
 * with RPCs in flight, which has to wait for them.
 *
 * Each test is bounded in time and prints what it did:
 *   # stress: threads=N seconds=S calls=C enodev=E ...
 * and checks that the mock's object and context counts are back where they
 * started once everything is closed.
 *
 * The cxl_stress test does the same to the fwctl device of a cxl_test
 * memdev, with the Features commands, while the memdev's platform device
 * is unbound and bound again. It skips without cxl_test, or fails with
 * FWCTL_CXL_REQUIRED=1.
 */
#include "fwctl_cxl.h"

#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <sys/mman.h>
#include <linux/userfaultfd.h>

/* Instance ids of this program, clear of those of the other programs */
#define STRESS_FIRST_ID 1200

#define CHURN_THREADS 4
#define CHURN_SECONDS 12

#define INFLIGHT_THREADS 4
#define INFLIGHT_SLEEP_US 300000
#define INFLIGHT_TRIES 3

FIXTURE(fwctl_stress)
{
	__u64 objects;
	__u64 uctxs;
	struct mock_inst inst;
	/* The instance exists and the teardown must remove it */
	bool present;
};

FIXTURE_SETUP(fwctl_stress)
{
	char why[256];

	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	if (!mock_available(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_OK(mock_counter("objects", &self->objects));
	ASSERT_OK(mock_counter("uctxs", &self->uctxs));
	ASSERT_OK(mock_inst_add(&self->inst, STRESS_FIRST_ID));
	self->present = true;
}

FIXTURE_TEARDOWN(fwctl_stress)
{
	__u64 val = ULLONG_MAX;

	if (self->present)
		EXPECT_OK(mock_inst_remove(&self->inst));
	/* Everything the test opened and created is gone again */
	EXPECT_OK(mock_counter("objects", &val));
	EXPECT_EQ(self->objects, val);
	EXPECT_OK(mock_counter("uctxs", &val));
	EXPECT_EQ(self->uctxs, val);
}

/*
 * Open, INFO, RPC, close on one instance from several threads while the
 * main thread removes and re-creates it.
 */
struct churn_worker;

struct churn {
	pthread_mutex_t lock;
	/* The node of the current incarnation of the instance */
	char node[sizeof(FWCTL_DEV_DIR) + 32];
	int stop;
	/* What a thread does with an FD it opened */
	void (*session)(struct churn_worker *w, int fd, unsigned int rounds);
};

struct churn_worker {
	pthread_t thread;
	struct churn *churn;
	unsigned int idx;
	unsigned long calls;
	unsigned long ok;
	unsigned long enodev;
	unsigned long open_gone;
	unsigned long bad;
	char first_bad[192];
};

static void churn_bad(struct churn_worker *w, const char *what, int ret,
		      int err)
{
	if (!w->bad++)
		snprintf(w->first_bad, sizeof(w->first_bad),
			 "thread %u: %s returned %d: %s", w->idx, what, ret,
			 ret ? strerror(err) : "success");
}

/*
 * Account one call on an FD. Success is checked by the caller; a failure
 * must be ENODEV, and once an FD saw ENODEV it never sees anything else.
 */
static bool churn_call(struct churn_worker *w, const char *what, int ret,
		       int err, bool *orphan)
{
	w->calls++;
	if (!ret && !*orphan) {
		w->ok++;
		return true;
	}
	if (ret == -1 && err == ENODEV) {
		w->enodev++;
		*orphan = true;
		return false;
	}
	churn_bad(w, what, ret, err);
	return false;
}

static void churn_session(struct churn_worker *w, int fd, unsigned int rounds)
{
	__u8 payload[24];
	struct fwctl_mock_rsp rsp;
	struct fwctl_info_mock info;
	struct fwctl_mock_query query;
	bool orphan = false;
	unsigned int i;
	__u64 id;
	int ret;

	for (i = 0; i != sizeof(payload); i++)
		payload[i] = w->idx * 17 + i;
	for (i = 0; i != rounds; i++) {
		ret = _test_cmd_mock_info(fd, &info);
		if (churn_call(w, "INFO", ret, errno, &orphan) &&
		    (info.fw_version != FWCTL_MOCK_FW_VERSION ||
		     !info.uctx_id))
			churn_bad(w, "INFO data", 0, 0);

		/* Checks the echo itself; EPROTO if it is wrong */
		ret = _test_cmd_echo(fd, FWCTL_RPC_CONFIGURATION, payload,
				     1 + (w->calls + i) % sizeof(payload));
		churn_call(w, "ECHO", ret, errno, &orphan);

		ret = _test_cmd_obj_create(fd, w->idx, &id);
		churn_call(w, "OBJ_CREATE", ret, errno, &orphan);

		ret = _test_cmd_query(fd, FWCTL_RPC_DEBUG_READ_ONLY, &query);
		churn_call(w, "QUERY", ret, errno, &orphan);

		ret = _test_cmd_mock_rsp(fd, FWCTL_RPC_CONFIGURATION,
					 FWCTL_MOCK_OP_SLEEP, 100, NULL, 0,
					 &rsp);
		if (churn_call(w, "SLEEP", ret, errno, &orphan) &&
		    rsp.status != FWCTL_MOCK_STATUS_OK)
			churn_bad(w, "SLEEP status", 0, 0);
	}
}

static void *churn_fn(void *arg)
{
	struct churn_worker *w = arg;
	struct churn *c = w->churn;
	char node[sizeof(c->node)];
	int fd, ret;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&c->lock);
		memcpy(node, c->node, sizeof(node));
		pthread_mutex_unlock(&c->lock);

		w->calls++;
		fd = open(node, O_RDWR);
		if (fd < 0) {
			/* The node is gone, or going */
			if (errno == ENOENT || errno == ENODEV ||
			    errno == ENXIO)
				w->open_gone++;
			else
				churn_bad(w, "open", fd, errno);
			usleep(200);
			continue;
		}
		w->ok++;
		/* Thread 0 keeps its FDs for longer */
		c->session(w, fd, w->idx ? 1 + w->idx % 3 : 20);
		w->calls++;
		ret = close(fd);
		if (ret)
			churn_bad(w, "close", ret, errno);
		else
			w->ok++;
	}
	return NULL;
}

/* Point the workers at @node, the device's node now */
static void churn_set_node(struct churn *c, const char *node)
{
	pthread_mutex_lock(&c->lock);
	memcpy(c->node, node, sizeof(c->node));
	pthread_mutex_unlock(&c->lock);
}

/* Start @nr workers of @c on @node; returns when they started */
static double churn_start(struct __test_metadata *_metadata, struct churn *c,
			  const char *node, struct churn_worker *workers,
			  unsigned int nr)
{
	unsigned int i;

	churn_set_node(c, node);
	for (i = 0; i != nr; i++) {
		workers[i].churn = c;
		workers[i].idx = i;
		ASSERT_EQ(0, pthread_create(&workers[i].thread, NULL, churn_fn,
					    &workers[i]));
	}
	return now_sec();
}

/* What the workers did, summed */
struct churn_sum {
	unsigned long calls;
	unsigned long ok;
	unsigned long enodev;
	unsigned long open_gone;
	unsigned long bad;
};

/*
 * Stop the @nr workers of @c and wait for them; log each one's first bad
 * result, and sum up what they did into @sum.
 */
static void churn_stop(struct __test_metadata *_metadata, struct churn *c,
		       struct churn_worker *workers, unsigned int nr,
		       struct churn_sum *sum)
{
	unsigned int i;

	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i != nr; i++)
		ASSERT_EQ(0, pthread_join(workers[i].thread, NULL));

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i != nr; i++) {
		if (workers[i].bad)
			TH_LOG("%lu bad results, first: %s", workers[i].bad,
			       workers[i].first_bad);
		sum->calls += workers[i].calls;
		sum->ok += workers[i].ok;
		sum->enodev += workers[i].enodev;
		sum->open_gone += workers[i].open_gone;
		sum->bad += workers[i].bad;
	}
}

TEST_F_TIMEOUT(fwctl_stress, churn, 120)
{
	struct churn_worker workers[CHURN_THREADS] = {};
	struct churn_sum sum;
	struct churn c = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.session = churn_session,
	};
	unsigned int id = self->inst.id;
	unsigned int cycles = 0;
	double start, end;

	start = churn_start(_metadata, &c, self->inst.node, workers,
			    CHURN_THREADS);
	end = start + CHURN_SECONDS;
	while (now_sec() < end) {
		/* Let the threads work on a live device for a moment */
		usleep(2000 + cycles % 5 * 1000);
		if (mock_inst_remove(&self->inst)) {
			TH_LOG("remove %u failed: %s", id, strerror(errno));
			break;
		}
		self->present = false;
		usleep(cycles % 3 * 500);
		if (mock_inst_add(&self->inst, id)) {
			TH_LOG("add %u failed: %s", id, strerror(errno));
			break;
		}
		self->present = true;
		if (self->inst.id != id) {
			TH_LOG("instance came back as %u, not %u",
			       self->inst.id, id);
			break;
		}
		churn_set_node(&c, self->inst.node);
		cycles++;
	}
	churn_stop(_metadata, &c, workers, CHURN_THREADS, &sum);
	ksft_print_msg("stress: threads=%u seconds=%.1f calls=%lu enodev=%lu\n",
		       CHURN_THREADS, now_sec() - start, sum.calls, sum.enodev);
	ksft_print_msg("stress: open_gone=%lu ok=%lu cycles=%u\n",
		       sum.open_gone, sum.ok, cycles);
	EXPECT_EQ(0UL, sum.bad);
	ASSERT_TRUE(self->present);
	/* The race was run, not just the device left alone */
	EXPECT_LE(10U, cycles);
	EXPECT_LT(0UL, sum.ok);
	EXPECT_LT(0UL, sum.enodev + sum.open_gone);
}

/*
 * RPCs that hold the firmware for INFLIGHT_SLEEP_US on several threads, and
 * an unplug while they are in flight: it must wait for them, they complete
 * normally, and whatever comes after fails with ENODEV.
 */
/*
 * One round; returns 1 if it could not get the unplug to start while every
 * RPC was still sleeping, and the round has to be run again.
 */
static int inflight_round(struct __test_metadata *_metadata,
			  struct mock_inst *inst, bool *present)
{
	struct held_rpc t[INFLIGHT_THREADS] = {};
	double t_remove, t_removed, latest = 0;
	double sleep_s = INFLIGHT_SLEEP_US / 1e6;
	struct fwctl_mock_query query;
	unsigned int i, n;
	__u32 len;

	for (i = 0; i != INFLIGHT_THREADS; i++) {
		t[i].fd = open(inst->node, O_RDWR);
		ASSERT_LE(0, t[i].fd);
		/* Warm the path, so the RPC later blocks in the firmware only */
		ASSERT_OK(_test_cmd_query(t[i].fd, FWCTL_RPC_CONFIGURATION,
					  &query));
	}
	for (i = 0; i != INFLIGHT_THREADS; i++) {
		t[i].sleep_us = INFLIGHT_SLEEP_US;
		ASSERT_EQ(0, pthread_create(&t[i].thread, NULL, held_rpc_fn,
					    &t[i]));
	}

	/* Wait until every thread sleeps inside its RPC */
	n = held_rpcs_wait(t, INFLIGHT_THREADS);

	t_remove = now_sec();
	ASSERT_OK(mock_inst_remove(inst));
	t_removed = now_sec();
	*present = false;
	for (i = 0; i != INFLIGHT_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(t[i].thread, NULL));
		if (t[i].t_start > latest)
			latest = t[i].t_start;
	}
	ASSERT_EQ(INFLIGHT_THREADS, n);

	ksft_print_msg("stress: inflight threads=%u sleep_ms=%u\n",
		       INFLIGHT_THREADS, INFLIGHT_SLEEP_US / 1000);
	ksft_print_msg("stress: remove began %.0f ms in, took %.0f ms\n",
		       (t_remove - latest) * 1000,
		       (t_removed - t_remove) * 1000);

	/* The RPCs ran to completion, whatever the unplug did meanwhile */
	for (i = 0; i != INFLIGHT_THREADS; i++) {
		if (t[i].ret)
			TH_LOG("thread %u: the RPC in flight failed: %s", i,
			       strerror(t[i].err));
		EXPECT_EQ(0, t[i].ret);
		EXPECT_EQ(FWCTL_MOCK_STATUS_OK, t[i].rsp.status);
	}
	/* The unplug returned only after every sleep was over */
	for (i = 0; i != INFLIGHT_THREADS; i++) {
		if (t_removed - t[i].t_start < sleep_s)
			TH_LOG("thread %u: unplug done %.0f ms into a %u ms sleep",
			       i, (t_removed - t[i].t_start) * 1000,
			       INFLIGHT_SLEEP_US / 1000);
		EXPECT_LE(sleep_s, t_removed - t[i].t_start);
	}

	/* Afterwards every call fails with ENODEV */
	for (i = 0; i != INFLIGHT_THREADS; i++) {
		len = 0;
		test_err_info(ENODEV, t[i].fd, NULL, &len);
		ASSERT_ERRNO(ENODEV, _test_cmd_mock_rsp(t[i].fd,
							FWCTL_RPC_CONFIGURATION,
							FWCTL_MOCK_OP_SLEEP, 1,
							NULL, 0, &t[i].rsp));
		ASSERT_ERRNO(ENODEV, _test_cmd_query(t[i].fd,
						     FWCTL_RPC_CONFIGURATION,
						     &query));
		ASSERT_OK(close(t[i].fd));
	}
	ASSERT_ERRNO(ENOENT, open(inst->node, O_RDWR));

	/*
	 * Inconclusive if some sleep may have been over before the unplug
	 * began: the unplug then had nothing to wait for.
	 */
	return t_remove - latest >= sleep_s ? 1 : 0;
}

TEST_F_TIMEOUT(fwctl_stress, unplug_inflight, 120)
{
	int tries, ret = 1;

	for (tries = 0; tries != INFLIGHT_TRIES && ret; tries++) {
		if (!self->present) {
			ASSERT_OK(mock_inst_add(&self->inst, STRESS_FIRST_ID));
			self->present = true;
		}
		ret = inflight_round(_metadata, &self->inst, &self->present);
		if (ret)
			TH_LOG("the unplug began after the RPCs could have ended: again");
	}
	ASSERT_EQ(0, ret);
}

/*
 * An unplug while an RPC's copy of its request in, or of its response out,
 * is stalled at a page fault that user space holds with userfaultfd. The
 * core copies user memory outside registration_lock, so the unplug must
 * complete while the copy is held; released, the RPC ends with ENODEV if
 * it had not reached the driver yet, or with the driver's answer.
 *
 * The waits are bounded: an unplug that waits for the copy fails the test
 * after STALL_WAIT_S, and the copy is released then so that the unplug can
 * finish.
 */
#define STALL_WAIT_S 10
/* Where the RPC's buffer starts in the page userfaultfd watches */
#define STALL_OFFSET 64

struct stalled_rpc {
	pthread_t thread;
	bool started;
	/* The request or the response buffer, whichever is not held */
	union {
		__u8 req[MOCK_HDR_LEN];
		struct mock_query_rsp rsp;
	} buf;
	int fd;
	const void *in;
	__u32 in_len;
	void *out;
	__u32 out_len;
	int ret;
	int err;
	int done;
};

struct stalled_remove {
	pthread_t thread;
	bool started;
	struct mock_inst *inst;
	double took;
	int ret;
	int err;
	int done;
};

static void *stalled_rpc_fn(void *arg)
{
	struct stalled_rpc *r = arg;

	r->ret = _test_cmd_rpc(r->fd, FWCTL_RPC_CONFIGURATION, r->in,
			       r->in_len, r->out, &r->out_len);
	r->err = r->ret ? errno : 0;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *stalled_remove_fn(void *arg)
{
	struct stalled_remove *r = arg;
	double start = now_sec();

	r->ret = mock_inst_remove(r->inst);
	r->err = r->ret ? errno : 0;
	r->took = now_sec() - start;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait up to @seconds for *@done to be set; returns whether it was */
static bool wait_done(int *done, double seconds)
{
	double end = now_sec() + seconds;

	while (!__atomic_load_n(done, __ATOMIC_ACQUIRE)) {
		if (now_sec() > end)
			return false;
		usleep(1000);
	}
	return true;
}

/* A userfaultfd, or -1 with @why saying why there is none */
static int uffd_open(char *why, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd, err;

	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		snprintf(why, len,
			 "no userfaultfd: %s (it needs CONFIG_USERFAULTFD, and CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1 to hold kernel copies)",
			 strerror(err));
		return -1;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = errno;
		close(fd);
		snprintf(why, len, "UFFDIO_API: %s", strerror(err));
		return -1;
	}
	return fd;
}

FIXTURE(stalled_copy)
{
	struct fwctl_base base;
	int uffd;
	/* One page, registered for missing-page faults, never touched */
	__u8 *area;
	size_t page;
	struct stalled_rpc rpc;
	struct stalled_remove remove;
};

FIXTURE_VARIANT(stalled_copy)
{
	/* Stall the copy of the response out rather than of the request in */
	bool out;
};

FIXTURE_VARIANT_ADD(stalled_copy, in)
{
	.out = false,
};

FIXTURE_VARIANT_ADD(stalled_copy, out)
{
	.out = true,
};

FIXTURE_SETUP(stalled_copy)
{
	struct uffdio_register reg = {};
	char why[256];

	self->base.fd = -1;
	self->area = MAP_FAILED;
	self->page = sysconf(_SC_PAGESIZE);
	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	self->uffd = uffd_open(why, sizeof(why));
	if (self->uffd < 0)
		SKIP(return, "%s", why);

	self->area = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	reg.range.start = (uintptr_t)self->area;
	reg.range.len = self->page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_OK(ioctl(self->uffd, UFFDIO_REGISTER, &reg));
	ASSERT_TRUE(reg.ioctls & (1ULL << _UFFDIO_COPY));

	fwctl_base_setup(_metadata, &self->base, STRESS_FIRST_ID, 0);
}

FIXTURE_TEARDOWN(stalled_copy)
{
	/* Closing the userfaultfd fails a copy the test did not release */
	close(self->uffd);
	if (self->rpc.started && wait_done(&self->rpc.done, STALL_WAIT_S))
		pthread_join(self->rpc.thread, NULL);
	if (self->remove.started &&
	    wait_done(&self->remove.done, STALL_WAIT_S)) {
		pthread_join(self->remove.thread, NULL);
		if (!self->remove.ret)
			self->base.removed = true;
	}
	fwctl_base_teardown(_metadata, &self->base);
	munmap(self->area, self->page);
}

TEST_F_TIMEOUT(stalled_copy, unplug, 120)
{
	struct uffdio_copy copy = {};
	struct pollfd pfd = { .fd = self->uffd, .events = POLLIN };
	struct stalled_remove *rm = &self->remove;
	struct stalled_rpc *rpc = &self->rpc;
	__u8 *buf = self->area + STALL_OFFSET;
	struct fwctl_mock_query query;
	struct mock_query_rsp out;
	bool faulted, removed, stalled;
	struct uffd_msg msg = {};
	__u8 *stage;
	__u32 len;

	/* Warm the path: the one fault left is on the watched page */
	test_cmd_query(self->base.fd, &query);

	/* What the page holds once the fault is released */
	stage = calloc(1, self->page);
	ASSERT_NE(NULL, stage);
	rpc->fd = self->base.fd;
	rpc->in_len = MOCK_HDR_LEN;
	rpc->out_len = sizeof(out);
	if (variant->out) {
		mock_build(rpc->buf.req, FWCTL_MOCK_OP_QUERY, 0, NULL, 0);
		rpc->in = rpc->buf.req;
		rpc->out = buf;
	} else {
		mock_build(stage + STALL_OFFSET, FWCTL_MOCK_OP_QUERY, 0, NULL,
			   0);
		rpc->in = buf;
		rpc->out = &rpc->buf.rsp;
	}
	rm->inst = &self->base.inst;

	ASSERT_EQ(0, pthread_create(&rpc->thread, NULL, stalled_rpc_fn, rpc));
	rpc->started = true;
	faulted = poll(&pfd, 1, STALL_WAIT_S * 1000) == 1 &&
		  read(self->uffd, &msg, sizeof(msg)) == sizeof(msg);
	if (!faulted) {
		if (wait_done(&rpc->done, 0))
			TH_LOG("the RPC did not fault on its %s buffer: it returned %d (%s)",
			       variant->out ? "out" : "in", rpc->ret,
			       strerror(rpc->err));
		else
			TH_LOG("no fault on the %s buffer in %d s",
			       variant->out ? "out" : "in", STALL_WAIT_S);
		free(stage);
		ASSERT_TRUE(faulted);
	}

	/* The unplug, while the copy waits */
	if (!pthread_create(&rm->thread, NULL, stalled_remove_fn, rm))
		rm->started = true;
	removed = rm->started && wait_done(&rm->done, STALL_WAIT_S);
	stalled = !__atomic_load_n(&rpc->done, __ATOMIC_ACQUIRE);

	/* Release the copy, whatever happened */
	copy.dst = (uintptr_t)self->area;
	copy.src = (uintptr_t)stage;
	copy.len = self->page;
	EXPECT_OK(ioctl(self->uffd, UFFDIO_COPY, &copy));
	free(stage);
	ASSERT_TRUE(wait_done(&rpc->done, STALL_WAIT_S));
	ASSERT_EQ(0, pthread_join(rpc->thread, NULL));
	rpc->started = false;
	ASSERT_TRUE(rm->started);
	ASSERT_TRUE(wait_done(&rm->done, STALL_WAIT_S));
	ASSERT_EQ(0, pthread_join(rm->thread, NULL));
	rm->started = false;
	ASSERT_EQ(0, rm->ret);
	self->base.removed = true;

	/* The fault was the copy's, on the RPC's buffer, in its direction */
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	ASSERT_EQ((__u64)(uintptr_t)self->area,
		  msg.arg.pagefault.address & ~((__u64)self->page - 1));
	ASSERT_EQ(variant->out,
		  !!(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE));

	ksft_print_msg("stalled_copy: %s copy held, unplug %s in %.0f ms, RPC %s\n",
		       variant->out ? "out" : "in",
		       removed ? "done" : "NOT done", rm->took * 1000,
		       rpc->ret ? strerror(rpc->err) : "succeeded");
	if (!removed)
		TH_LOG("the unplug waited for a user copy held at a page fault");
	ASSERT_TRUE(removed);
	ASSERT_TRUE(stalled);
	ASSERT_FALSE(path_exists(self->base.inst.node));

	if (!variant->out) {
		/* The device was gone before the driver could see the request */
		ASSERT_EQ(-1, rpc->ret);
		ASSERT_EQ(ENODEV, rpc->err);
	} else if (rpc->ret) {
		/* A core may check again after the driver: ENODEV then */
		ASSERT_EQ(ENODEV, rpc->err);
	} else {
		/* The driver had answered: the answer is delivered whole */
		memcpy(&out, buf, sizeof(out));
		ASSERT_EQ(sizeof(out), rpc->out_len);
		ASSERT_EQ(FWCTL_MOCK_OP_QUERY, out.rsp.opcode);
		ASSERT_EQ(FWCTL_MOCK_STATUS_OK, out.rsp.status);
		ASSERT_EQ(sizeof(out.query), out.rsp.len);
		ASSERT_EQ(FWCTL_MOCK_FW_VERSION, out.query.fw_version);
	}

	/* The FD is an orphan now */
	len = 0;
	test_err_info(ENODEV, self->base.fd, NULL, &len);
	ASSERT_ERRNO(ENODEV, _test_cmd_query(self->base.fd,
					     FWCTL_RPC_CONFIGURATION, &query));
}

/*
 * CXL: several threads open the fwctl device of a cxl_test memdev and
 * send it Features commands, reads and Set Features at DEBUG_WRITE, while
 * the main thread unbinds the memdev's platform device and binds it again.
 * Every call works or fails with ENODEV, and only ENODEV once its FD saw
 * it; nothing hangs, and the device works after the loop.
 */
#define CXL_CHURN_THREADS 4
#define CXL_CHURN_SECONDS 15
/* A rebind takes about a second under TCG */
#define CXL_CHURN_MIN_CYCLES 3
/* What thread @t writes into the test feature */
#define CXL_CHURN_VAL(t, n) (0x5e7a0000 | (t) << 8 | ((n) & 0xff))

/* The test feature holds the probe's value or one a thread wrote */
static bool cxl_churn_val_ok(__u32 val)
{
	return val == CXL_TEST_FEAT_PROBE_VAL ||
	       (val & 0xffff0000) == CXL_CHURN_VAL(0, 0);
}

static void cxl_churn_session(struct churn_worker *w, int fd,
			      unsigned int rounds)
{
	struct cxl_feat_entry ent;
	struct cxl_reply r = {};
	bool orphan = false;
	unsigned int i;
	__u32 type = 0, len;
	__le32 data;
	int ret;

	for (i = 0; i != rounds; i++) {
		len = 0;
		ret = _test_cmd_info(fd, &type, NULL, &len);
		if (churn_call(w, "INFO", ret, errno, &orphan) &&
		    type != FWCTL_DEVICE_TYPE_CXL)
			churn_bad(w, "INFO type", 0, 0);

		r.len = CXL_SUP_OUT_LEN(1);
		ret = _cxl_get_supported(fd, FWCTL_RPC_CONFIGURATION,
					 CXL_ENTRY_LEN, 0, &r);
		if (churn_call(w, "Get Supported Features", ret, errno,
			       &orphan)) {
			ent = cxl_reply_entry(&r, 0);
			if (r.out_len != CXL_SUP_OUT_LEN(1) ||
			    r.retval != CXL_RC_SUCCESS ||
			    !cxl_is_test_feat(&ent))
				churn_bad(w, "Get Supported Features reply", 0,
					  0);
		}

		r.len = CXL_GET_OUT_LEN(4);
		ret = _cxl_get_feature(fd, FWCTL_RPC_DEBUG_READ_ONLY,
				       cxl_test_feat_uuid, 0, 4, &r);
		if (churn_call(w, "Get Feature", ret, errno, &orphan) &&
		    (r.out_len != CXL_GET_OUT_LEN(4) || r.size != 4 ||
		     r.retval != CXL_RC_SUCCESS ||
		     !cxl_churn_val_ok(cxl_reply_le32(&r, 0))))
			churn_bad(w, "Get Feature reply", 0, 0);

		data = htole32(CXL_CHURN_VAL(w->idx, w->calls));
		r.len = CXL_GET_OUT_LEN(4);
		ret = _cxl_set_feature(fd, FWCTL_RPC_DEBUG_WRITE,
				       cxl_test_feat_uuid, 0, &data,
				       sizeof(data), &r);
		if (churn_call(w, "Set Feature", ret, errno, &orphan) &&
		    (r.out_len != CXL_SET_OUT_LEN || r.size ||
		     r.retval != CXL_RC_SUCCESS))
			churn_bad(w, "Set Feature reply", 0, 0);
	}
}

FIXTURE(cxl_stress)
{
	struct cxl_memdevs cxl;
	/* The memdev the test rebinds, as it is now */
	struct cxl_memdev md;
	char pdev[32];
};

FIXTURE_SETUP(cxl_stress)
{
	const char *why;

	if (geteuid())
		SKIP(return, "the fwctl selftests must run as root");
	why = cxl_find_rebind(_metadata, &self->cxl, &self->md, self->pdev,
			      sizeof(self->pdev));
	if (why)
		SKIP(return, "%s", why);
}

/* Bound again, with the value of the probe, whatever the test did */
FIXTURE_TEARDOWN(cxl_stress)
{
	if (!cxl_pdev_bound(self->pdev))
		EXPECT_OK(cxl_pdev_bind(self->pdev));
	EXPECT_OK(cxl_pdev_wait(self->pdev, &self->md, true,
				CXL_REBIND_TIMEOUT_S));
	cxl_expect_default_md(_metadata, &self->md, true);
}

TEST_F_TIMEOUT(cxl_stress, unbind_rebind, 180)
{
	struct churn_worker workers[CXL_CHURN_THREADS] = {};
	struct churn_sum sum;
	struct churn c = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.session = cxl_churn_session,
	};
	double start, end, took, longest = 0;
	unsigned int cycles = 0;
	__u32 val = 0;
	int fd;

	start = churn_start(_metadata, &c, self->md.node, workers,
			    CXL_CHURN_THREADS);
	end = start + CXL_CHURN_SECONDS;
	while (now_sec() < end) {
		/* Let the threads work on a live device for a moment */
		usleep(20000 + cycles % 4 * 10000);
		took = now_sec();
		if (cxl_pdev_unbind(self->pdev)) {
			TH_LOG("unbind %s failed: %s", self->pdev,
			       strerror(errno));
			break;
		}
		usleep(cycles % 3 * 2000);
		if (cxl_pdev_bind(self->pdev) ||
		    cxl_pdev_wait(self->pdev, &self->md, true,
				  CXL_REBIND_TIMEOUT_S)) {
			TH_LOG("%s did not come back: %s", self->pdev,
			       strerror(errno));
			break;
		}
		took = now_sec() - took;
		if (took > longest)
			longest = took;
		churn_set_node(&c, self->md.node);
		cycles++;
	}
	churn_stop(_metadata, &c, workers, CXL_CHURN_THREADS, &sum);
	ksft_print_msg("stress: cxl %s threads=%u seconds=%.1f calls=%lu enodev=%lu\n",
		       self->pdev, CXL_CHURN_THREADS, now_sec() - start,
		       sum.calls, sum.enodev);
	ksft_print_msg("stress: cxl open_gone=%lu ok=%lu cycles=%u longest_rebind=%.2fs\n",
		       sum.open_gone, sum.ok, cycles, longest);
	EXPECT_EQ(0UL, sum.bad);
	/* The race was run, not just the device left alone */
	EXPECT_LE(CXL_CHURN_MIN_CYCLES, cycles);
	EXPECT_LT(0UL, sum.ok);
	EXPECT_LT(0UL, sum.enodev + sum.open_gone);

	/* The device works after the loop */
	ASSERT_TRUE(cxl_pdev_bound(self->pdev));
	fd = cxl_fwctl_open(&self->md, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_OK(_cxl_check_default(fd, &val));
	EXPECT_TRUE(cxl_churn_val_ok(val)) TH_LOG("value %#x", val);
	EXPECT_OK(_cxl_write_u32(fd, FWCTL_RPC_DEBUG_WRITE,
				 cxl_test_feat_uuid, CXL_TEST_FEAT_PROBE_VAL));
	EXPECT_OK(_cxl_read_u32(fd, cxl_test_feat_uuid, &val));
	EXPECT_EQ(CXL_TEST_FEAT_PROBE_VAL, val);
	close(fd);
}

TEST_HARNESS_MAIN
