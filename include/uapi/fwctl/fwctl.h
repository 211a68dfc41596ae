/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl: user space access to device firmware RPCs
 */
#ifndef _UAPI_FWCTL_H
#define _UAPI_FWCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define FWCTL_TYPE 0x9A

/**
 * DOC: General ioctl format
 *
 * Every fwctl ioctl takes a single pointer to a struct whose first member is
 * a __u32 ``size``: the number of bytes of that struct user space passes. The
 * ioctl number itself encodes neither size nor direction. Structs only ever
 * grow at their end, so a newer program can talk to an older kernel and the
 * other way round:
 *
 * - a ``size`` smaller than the first version of the struct is rejected;
 * - bytes past the end of the struct the kernel knows must be zero;
 * - the kernel writes back at most ``size`` bytes.
 *
 * Each ioctl fails with one of these errno values, and no other meaning is
 * given to them by the core. The kernel publishes the same table, with the
 * rule behind each errno, under <debugfs>/fwctl/api/; a test keeps the two
 * in agreement:
 *
 * ENOTTY
 *	The ioctl number is not a fwctl ioctl.
 * E2BIG
 *	``size`` covers bytes past the struct this kernel understands and some
 *	of them are not zero.
 * EOPNOTSUPP
 *	A field the kernel understands has a value it does not support, such
 *	as non-zero ``flags`` or an unknown RPC scope.
 * EINVAL
 *	``size`` is smaller than the first version of the struct, or the
 *	request is otherwise malformed. Drivers also use it for an RPC that
 *	their firmware protocol cannot parse.
 * ENOMEM
 *	The kernel could not allocate memory for the request or the response.
 * ENODEV
 *	The device was unplugged; the file descriptor is orphaned and every
 *	further ioctl on it fails this way. Close it.
 * EMSGSIZE
 *	``in_len`` or ``out_len`` is larger than the 2 MiB the core accepts.
 * EPERM
 *	The caller lacks the capability the requested scope needs.
 * EFAULT
 *	A user pointer could not be read or written.
 * EIO
 *	The driver returned a malformed result, a bug the kernel logs. The
 *	request may have reached the firmware.
 *
 * Drivers may return further errno values from their RPC handler; each
 * driver documents its own.
 *
 * A call that breaks several rules fails with the errno of the rule checked
 * first, in this order, as upstream Linux does: ENOTTY; the struct size
 * rules (EFAULT reading ``size``, EINVAL, then E2BIG); ENODEV; the value
 * rules of the ioctl's fields (for FWCTL_RPC, EMSGSIZE for ``in_len`` then
 * ``out_len``, then EOPNOTSUPP or EPERM for ``scope``); and only then
 * ENOMEM, EFAULT on the buffers, and the driver's own errors. The exported
 * specification gives the same order in its ``order`` record.
 */
enum {
	FWCTL_CMD_BASE = 0,
	FWCTL_CMD_INFO = 0,
	FWCTL_CMD_RPC = 1,
};

/**
 * enum fwctl_device_type - Which protocol a fwctl device speaks
 * @FWCTL_DEVICE_TYPE_ERROR: Never reported by a working device
 * @FWCTL_DEVICE_TYPE_MLX5: NVIDIA/Mellanox ConnectX device, see
 *	include/uapi/fwctl/mlx5.h
 * @FWCTL_DEVICE_TYPE_CXL: CXL memory device Features mailbox, see
 *	include/uapi/fwctl/cxl.h
 * @FWCTL_DEVICE_TYPE_BNXT: Broadcom NetXtreme device
 * @FWCTL_DEVICE_TYPE_PDS: AMD/Pensando distributed services card, see
 *	include/uapi/fwctl/pds.h
 *
 * The type tells user space how to read the device data returned by
 * FWCTL_INFO and how to build the RPC messages sent with FWCTL_RPC.
 */
enum fwctl_device_type {
	FWCTL_DEVICE_TYPE_ERROR = 0,
	FWCTL_DEVICE_TYPE_MLX5 = 1,
	FWCTL_DEVICE_TYPE_CXL = 2,
	FWCTL_DEVICE_TYPE_BNXT = 3,
	FWCTL_DEVICE_TYPE_PDS = 4,
};

/**
 * struct fwctl_info - ioctl(FWCTL_INFO)
 * @size: sizeof(struct fwctl_info)
 * @flags: Must be 0
 * @out_device_type: Returns the device's &enum fwctl_device_type
 * @device_data_len: On input the length of the @out_device_data buffer; on
 *	output the full length of the device data, which may be larger than the
 *	buffer. Pass 0 to learn the type alone.
 * @out_device_data: Pointer to a buffer that receives the device data, whose
 *	layout depends on @out_device_type. The kernel fills all
 *	@device_data_len bytes of it: with device data first and zeros after.
 *
 * Describes the device behind the file descriptor. The device data may differ
 * between file descriptors of the same device, since it can describe the
 * per-open context.
 */
struct fwctl_info {
	__u32 size;
	__u32 flags;
	__u32 out_device_type;
	__u32 device_data_len;
	__aligned_u64 out_device_data;
};

#define FWCTL_INFO _IO(FWCTL_TYPE, FWCTL_CMD_INFO)

/**
 * enum fwctl_rpc_scope - What an RPC is allowed to do to the device
 * @FWCTL_RPC_CONFIGURATION: Device configuration: settings that take effect
 *	at a function reset, and run-time settings that do not disturb any
 *	driver or VM using the device.
 * @FWCTL_RPC_DEBUG_READ_ONLY: Read-only access to the function's debug
 *	information, including firmware objects that other kernel subsystems
 *	own.
 * @FWCTL_RPC_DEBUG_WRITE: Writes to debug state that stay within the rules of
 *	kernel lockdown and integrity protection. Taints the kernel.
 * @FWCTL_RPC_DEBUG_WRITE_FULL: Unrestricted debug access to the device.
 *	Requires CAP_SYS_RAWIO and taints the kernel.
 *
 * User space labels each RPC with a scope. The core checks the capability and
 * applies the taint; the driver and its firmware refuse an RPC whose effect
 * needs a higher scope than the label. Scopes are ordered: each one allows
 * everything the lower ones allow.
 */
enum fwctl_rpc_scope {
	FWCTL_RPC_CONFIGURATION = 0,
	FWCTL_RPC_DEBUG_READ_ONLY = 1,
	FWCTL_RPC_DEBUG_WRITE = 2,
	FWCTL_RPC_DEBUG_WRITE_FULL = 3,
};

/**
 * struct fwctl_rpc - ioctl(FWCTL_RPC)
 * @size: sizeof(struct fwctl_rpc)
 * @scope: One of &enum fwctl_rpc_scope, the scope the caller claims
 * @in_len: Length of the @in buffer, at most 2 MiB
 * @out_len: On input the length of the @out buffer, at most 2 MiB; on output
 *	the full length of the firmware's response, which may be larger than
 *	the buffer, in which case the response was cut at the buffer's end.
 * @in: Pointer to the request, in the device type's RPC format
 * @out: Pointer to the buffer that receives the response
 *
 * Sends one RPC to the device firmware and waits for its response. A
 * firmware-level failure is usually a successful ioctl whose response
 * carries the firmware's status; an errno means the RPC was not delivered or
 * not accepted.
 */
struct fwctl_rpc {
	__u32 size;
	__u32 scope;
	__u32 in_len;
	__u32 out_len;
	__aligned_u64 in;
	__aligned_u64 out;
};

#define FWCTL_RPC _IO(FWCTL_TYPE, FWCTL_CMD_RPC)

#endif
