/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Test-only ABI of the fwctl mock driver.
 *
 * This is not uAPI: it changes together with the fwctl selftests, which
 * include it by relative path. Nothing but the tests may depend on it.
 */
#ifndef __FWCTL_MOCK_H
#define __FWCTL_MOCK_H

#include <linux/types.h>

/*
 * Upstream hands out enum fwctl_device_type values densely from 0; this one
 * ("mock" in ASCII) is far out of that range so it can never collide.
 */
#define FWCTL_DEVICE_TYPE_MOCK 0x6d6f636b

#define FWCTL_MOCK_FW_VERSION 0x00010000
#define FWCTL_MOCK_NUM_REGS 16
/* Registers below this are debug registers, the others control registers */
#define FWCTL_MOCK_NUM_DEBUG_REGS 8
#define FWCTL_MOCK_MEM_SIZE 256
#define FWCTL_MOCK_MAX_OBJECTS 64
/* Commands the emulated firmware executes at once, per instance */
#define FWCTL_MOCK_MBOX_DEPTH 4
/* Length of the device data of FWCTL_INFO, more than a page */
#define FWCTL_MOCK_INFO_LEN 6000

/*
 * debugfs controls, under <debugfs>/fwctl_mock/:
 *   add      write an instance id N: creates platform device fwctl_mock.N
 *            and its fwctl device (EEXIST if N exists, ENODEV if the
 *            driver failed to probe it; under fault injection the driver
 *            core can also fail it with ENOMEM or EINVAL)
 *   remove   write an instance id N: unbinds and deletes fwctl_mock.N, the
 *            hot-unplug path; open FDs of it become orphans
 *   objects  read: firmware objects alive in all instances
 *   uctxs    read: per-FD contexts opened and not yet closed by close_uctx
 *   fwctl_mock.N/misbehave  read/write, per instance: an
 *            &enum fwctl_mock_misbehave that makes the driver break the
 *            driver API on purpose, or return buffers of the kinds it
 *            allows, to test what the core does with them
 *   fwctl_mock.N/direct  read/write (Y/N), per instance: run each command
 *            in the caller, on the core's request buffer, instead of
 *            through the mailbox and the firmware worker, where the answer
 *            fits in place. For fwctl_bench, which times the core. Off by
 *            default; OBJ_CREATE and misbehaviour always use the mailbox.
 * With CONFIG_FAULT_INJECTION_DEBUG_FS the mock also has a fault attribute,
 * <debugfs>/fail_fwctl_mock/, whose points (also counted by
 * /proc/self/task/<tid>/fail-nth) make the emulated firmware fail: creating
 * an FD's context (open fails with EIO) and taking a command (the RPC fails
 * with ETIMEDOUT, as on a mailbox timeout, and the command does not run).
 *
 * The fwctl device of instance N is the one directory below
 * /sys/bus/platform/devices/fwctl_mock.N/fwctl/. The module parameter
 * nr_devices (default 1) creates instances 0 .. nr_devices - 1 at load.
 *
 * The mailbox: each instance has FWCTL_MOCK_MBOX_DEPTH slots, and the
 * emulated firmware executes the commands in them in parallel, in kernel
 * worker threads. An RPC takes a free slot (waiting for one if all are
 * busy), posts its command, and sleeps until the firmware completes it. A
 * signal ends either wait: the RPC fails with EINTR, which the kernel does
 * not restart even under SA_RESTART, as the command may have run or may
 * still be running. The firmware completes a command whose RPC is gone all
 * the same, with all its effects (an object it creates belongs to the FD);
 * closing the FD, or removing the instance, waits for the FD's commands to
 * complete. A command holds its slot for as long as the firmware works on
 * it, which for SLEEP is up to FWCTL_MOCK_MAX_SLEEP_US.
 */

/**
 * struct fwctl_info_mock - Start of the device data returned by FWCTL_INFO
 * @fw_version: FWCTL_MOCK_FW_VERSION
 * @uctx_id: Number of this FD's context: unique per open of the instance,
 *	counted from 1
 * @max_objects: FWCTL_MOCK_MAX_OBJECTS, objects one FD may hold
 * @__reserved: Zero
 *
 * The device data is FWCTL_MOCK_INFO_LEN bytes, more than a page, as the
 * capability tables of real devices can be: this struct, then the
 * firmware's capability table, whose byte i is fwctl_mock_info_byte(i). A
 * caller that reads only this struct gets all of it, and device_data_len
 * tells how much more there is.
 */
struct fwctl_info_mock {
	__u32 fw_version;
	__u32 uctx_id;
	__u32 max_objects;
	__u32 __reserved;
};

/* Byte @i of the capability table after &struct fwctl_info_mock */
static inline __u8 fwctl_mock_info_byte(__u64 i)
{
	return (__u8)(i * 13 + (i >> 7) + 0x51);
}

/**
 * enum fwctl_mock_opcode - Mailbox commands, with the lowest scope each needs
 * @FWCTL_MOCK_OP_QUERY: CONFIGURATION. Response: header with @len 16, then
 *	&struct fwctl_mock_query. Longer than the request.
 * @FWCTL_MOCK_OP_ECHO: CONFIGURATION. The response is the request, byte for
 *	byte, answered in place: as long as the request.
 * @FWCTL_MOCK_OP_SUM: CONFIGURATION. Response: header only, @value the sum
 *	of the payload bytes. Shorter than a request with a payload.
 * @FWCTL_MOCK_OP_OBJ_CREATE: CONFIGURATION. Creates a firmware object owned
 *	by this FD and tagged with @arg; response @value is its id, non-zero
 *	and unique within the instance.
 *	ENOSPC past FWCTL_MOCK_MAX_OBJECTS per FD.
 * @FWCTL_MOCK_OP_OBJ_DESTROY: CONFIGURATION. Destroys object @arg of this
 *	FD. An id this FD does not hold, including one of another FD, is a
 *	firmware error: status FWCTL_MOCK_STATUS_NO_OBJECT.
 * @FWCTL_MOCK_OP_READ_LOG: DEBUG_READ_ONLY. Response: header with @len = @arg,
 *	then @arg bytes of the firmware log, byte i being fwctl_mock_log_byte(i).
 *	@arg may be up to 2 MiB - 16: the response can be longer than the
 *	caller's buffer.
 * @FWCTL_MOCK_OP_READ_REG: DEBUG_READ_ONLY. Response @value: register @arg
 *	(below FWCTL_MOCK_NUM_REGS, else status FWCTL_MOCK_STATUS_BAD_ARG).
 * @FWCTL_MOCK_OP_WRITE_REG: DEBUG_WRITE or DEBUG_WRITE_FULL, by @arg: a
 *	debug register (below FWCTL_MOCK_NUM_DEBUG_REGS) needs DEBUG_WRITE; a
 *	control register, and any @arg that names no register, needs
 *	DEBUG_WRITE_FULL. The command catalog lists the lower one. Payload: one
 *	__u64, written to register @arg (below FWCTL_MOCK_NUM_REGS, else status
 *	FWCTL_MOCK_STATUS_BAD_ARG). Response: header only, @value the old value.
 * @FWCTL_MOCK_OP_SLEEP: CONFIGURATION. Holds the RPC in the firmware for @arg
 *	microseconds (at most FWCTL_MOCK_MAX_SLEEP_US, else status
 *	FWCTL_MOCK_STATUS_BAD_ARG) before answering with a bare header whose
 *	@value is the time slept: an RPC in flight that an unplug has to wait
 *	for.
 * @FWCTL_MOCK_OP_POKE: DEBUG_WRITE_FULL. Writes the payload into firmware
 *	memory at offset @arg (the whole range within FWCTL_MOCK_MEM_SIZE, else
 *	status FWCTL_MOCK_STATUS_BAD_ARG). Response: header only, @value the
 *	number of bytes written.
 * @FWCTL_MOCK_OP_PEEK: DEBUG_READ_ONLY. Reads back the firmware memory that
 *	POKE writes, which starts zeroed: @arg is FWCTL_MOCK_PEEK_ARG(offset,
 *	length), the whole range within FWCTL_MOCK_MEM_SIZE (else status
 *	FWCTL_MOCK_STATUS_BAD_ARG). Response: header with @len the length and
 *	@value the offset, then the bytes.
 *
 * Every command takes a &struct fwctl_mock_cmd and, but for ECHO, answers with
 * a &struct fwctl_mock_rsp followed by @len payload bytes. The driver answers
 * in place when the response fits in in_len or the caller's out_len bytes,
 * and in a buffer of its own when it is longer than both. The driver refuses
 * a request with EINVAL if it is shorter than the header, if @flags or
 * @__reserved is non-zero, or if its payload length is wrong for the
 * command (WRITE_REG: exactly 8; QUERY, OBJ_*, READ_*, SLEEP, PEEK: none);
 * with EOPNOTSUPP if the opcode is unknown; with EBADMSG if the RPC's scope is
 * below the command's (checked before the payload length); with ENOSPC for
 * an OBJ_CREATE past the FD's limit; with ENOMEM if the driver cannot
 * allocate its mailbox buffers; and with EINTR if a signal came while the
 * RPC waited for the mailbox (see above).
 */
enum fwctl_mock_opcode {
	FWCTL_MOCK_OP_QUERY = 1,
	FWCTL_MOCK_OP_ECHO = 2,
	FWCTL_MOCK_OP_SUM = 3,
	FWCTL_MOCK_OP_OBJ_CREATE = 4,
	FWCTL_MOCK_OP_OBJ_DESTROY = 5,
	FWCTL_MOCK_OP_READ_LOG = 6,
	FWCTL_MOCK_OP_READ_REG = 7,
	FWCTL_MOCK_OP_WRITE_REG = 8,
	FWCTL_MOCK_OP_POKE = 9,
	FWCTL_MOCK_OP_SLEEP = 10,
	FWCTL_MOCK_OP_PEEK = 11,
};

/* The highest opcode; the tests use the next one as an unknown command */
#define FWCTL_MOCK_OP_LAST FWCTL_MOCK_OP_PEEK

/* The @arg of FWCTL_MOCK_OP_PEEK: @len bytes at offset @off */
#define FWCTL_MOCK_PEEK_ARG(off, len) \
	((__u64)(__u32)(len) << 32 | (__u32)(off))

#define FWCTL_MOCK_MAX_SLEEP_US 1000000

/**
 * enum fwctl_mock_misbehave - Ways the mock breaks or strains the driver API
 * @FWCTL_MOCK_BEHAVE: Follow the rules
 * @FWCTL_MOCK_RPC_NULL: fw_rpc returns NULL instead of a buffer or ERR_PTR.
 *	The core fails the RPC with EIO.
 * @FWCTL_MOCK_RPC_HUGE: fw_rpc answers in place and reports a response of
 *	2 MiB + 1 bytes. EIO.
 * @FWCTL_MOCK_RPC_OVERRUN_IN_PLACE: fw_rpc answers in place and reports 24
 *	bytes more than the request's buffer holds, which is in_len or the
 *	caller's out_len, whichever is larger. For a 40-byte buffer that stays
 *	inside its 64-byte slab bucket, where a ksize() check would not see it.
 *	EIO.
 * @FWCTL_MOCK_RPC_TIMEOUT: fw_rpc returns ERR_PTR(-ETIMEDOUT), a legitimate
 *	firmware failure. ETIMEDOUT.
 * @FWCTL_MOCK_INFO_ERROR: info returns ERR_PTR(-EIO). EIO.
 * @FWCTL_MOCK_INFO_NULL: info returns NULL and a length of 16. EIO.
 * @FWCTL_MOCK_RPC_VMALLOC: fw_rpc runs the command as usual and returns its
 *	response in a vmalloc() buffer of the response's length, never in
 *	place. Within the rules: the RPC works and answers as documented.
 * @FWCTL_MOCK_RPC_KVMALLOC_LARGE: fw_rpc runs the command as usual and
 *	returns its response at the start of a kvmalloc() buffer of at least
 *	KMALLOC_MAX_CACHE_SIZE + 1 bytes (8 KiB + 1 on x86-64), too large for
 *	any slab cache, so a vmalloc() or a high-order page buffer. Within the
 *	rules: the RPC works and answers as documented.
 * @FWCTL_MOCK_INFO_VMALLOC: info returns the usual device data in a
 *	vmalloc() buffer. Within the rules: FWCTL_INFO works as documented.
 *
 * A buffer the driver allocates itself is trusted to hold the length it
 * reports (the core cannot size it soundly), so there is no mode that
 * over-claims one: on a KASAN kernel that is a reported driver bug, not a
 * refused call.
 *
 * The core must leak nothing and recover in every mode; where the mode
 * gives an errno, it must fail the call with it. FWCTL_INFO with
 * device_data_len 0 does not call info and still works.
 */
enum fwctl_mock_misbehave {
	FWCTL_MOCK_BEHAVE = 0,
	FWCTL_MOCK_RPC_NULL = 1,
	FWCTL_MOCK_RPC_HUGE = 2,
	FWCTL_MOCK_RPC_OVERRUN_IN_PLACE = 3,
	FWCTL_MOCK_RPC_TIMEOUT = 4,
	FWCTL_MOCK_INFO_ERROR = 5,
	FWCTL_MOCK_INFO_NULL = 6,
	FWCTL_MOCK_RPC_VMALLOC = 7,
	FWCTL_MOCK_RPC_KVMALLOC_LARGE = 8,
	FWCTL_MOCK_INFO_VMALLOC = 9,
};

/**
 * enum fwctl_mock_status - Firmware result in &fwctl_mock_rsp.status
 * @FWCTL_MOCK_STATUS_OK: Success
 * @FWCTL_MOCK_STATUS_NO_OBJECT: No object of this FD has that id
 * @FWCTL_MOCK_STATUS_BAD_ARG: @arg is out of range for the command
 */
enum fwctl_mock_status {
	FWCTL_MOCK_STATUS_OK = 0,
	FWCTL_MOCK_STATUS_NO_OBJECT = 1,
	FWCTL_MOCK_STATUS_BAD_ARG = 2,
};

/**
 * struct fwctl_mock_cmd - Request header
 * @opcode: One of &enum fwctl_mock_opcode
 * @flags: Must be 0
 * @__reserved: Must be 0
 * @arg: Command specific
 *
 * The payload, if any, follows up to the RPC's in_len.
 */
struct fwctl_mock_cmd {
	__u16 opcode;
	__u16 flags;
	__u32 __reserved;
	__u64 arg;
};

/**
 * struct fwctl_mock_rsp - Response header
 * @opcode: The request's opcode
 * @status: One of &enum fwctl_mock_status
 * @len: Number of payload bytes after this header
 * @value: Command specific
 */
struct fwctl_mock_rsp {
	__u16 opcode;
	__u16 status;
	__u32 len;
	__u64 value;
};

/**
 * struct fwctl_mock_query - Payload of the QUERY response
 * @fw_version: FWCTL_MOCK_FW_VERSION
 * @nr_objects: Objects this FD holds
 * @nr_regs: FWCTL_MOCK_NUM_REGS
 * @mem_size: FWCTL_MOCK_MEM_SIZE
 */
struct fwctl_mock_query {
	__u32 fw_version;
	__u32 nr_objects;
	__u32 nr_regs;
	__u32 mem_size;
};

/* Byte @i of the firmware log returned by FWCTL_MOCK_OP_READ_LOG */
static inline __u8 fwctl_mock_log_byte(__u64 i)
{
	return (__u8)(i * 31 + (i >> 8) + 7);
}

#endif
