/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl messages of NVIDIA ConnectX devices (FWCTL_DEVICE_TYPE_MLX5).
 *
 * An FWCTL_RPC request is one raw mlx5 command mailbox: the 16-byte command
 * header followed by the command's fields, in the device's big-endian
 * layout, and the response is the command's output mailbox, starting with
 * its 16-byte status header. Documentation/userspace-api/fwctl/fwctl-mlx5.rst
 * lists the commands each scope allows.
 */
#ifndef _UAPI_FWCTL_MLX5_H_
#define _UAPI_FWCTL_MLX5_H_

#include <linux/types.h>

/**
 * struct fwctl_info_mlx5 - FWCTL_INFO device data of an mlx5 device
 * @uid: The firmware user context of this file descriptor; the kernel
 *	writes it into the header of every command sent on it
 * @uctx_caps: The capabilities the user context was created with: 0x4
 *	(the firmware's tools resources) when the device offers it, else 0
 */
struct fwctl_info_mlx5 {
	__u32 uid;
	__u32 uctx_caps;
};

#endif
