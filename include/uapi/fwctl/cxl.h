/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl messages of CXL memory devices (FWCTL_DEVICE_TYPE_CXL): the
 * Features commands of the device's mailbox, wrapped in a small header.
 * Documentation/userspace-api/fwctl/fwctl-cxl.rst describes the commands,
 * the scope each one needs and the errors.
 */
#ifndef _UAPI_FWCTL_CXL_H_
#define _UAPI_FWCTL_CXL_H_

#include <linux/types.h>
#include <linux/stddef.h>
#include <cxl/features.h>

/**
 * struct fwctl_rpc_cxl - FWCTL_RPC request of a CXL device
 * @opcode: The CXL mailbox opcode: 0x0500, 0x0501 or 0x0502
 * @flags: Reserved, zero
 * @op_size: Bytes of the command's payload after the header
 * @reserved1: Reserved, zero
 * @get_sup_feats_in: Payload of Get Supported Features
 * @get_feat_in: Payload of Get Feature
 * @set_feat_in: Payload of Set Feature; its data follows it
 *
 * The request is the 16-byte header and @op_size bytes of payload.
 * FWCTL_RPC's in_len must cover both. The four header fields are also
 * reachable together as member ``hdr``, a struct fwctl_rpc_cxl_hdr.
 */
struct fwctl_rpc_cxl {
	__struct_group(fwctl_rpc_cxl_hdr, hdr, /* no attrs */,
		__u32 opcode;
		__u32 flags;
		__u32 op_size;
		__u32 reserved1;
	);
	union {
		struct cxl_mbox_get_sup_feats_in get_sup_feats_in;
		struct cxl_mbox_get_feat_in get_feat_in;
		struct cxl_mbox_set_feat_in set_feat_in;
	};
};

/**
 * struct fwctl_rpc_cxl_out - FWCTL_RPC response of a CXL device
 * @size: Bytes of @payload
 * @retval: The CXL mailbox return code; 0 is success
 * @get_sup_feats_out: Payload of Get Supported Features
 * @payload: The payload as bytes
 *
 * A command the device refused still completes the ioctl: @retval holds
 * the device's return code and @size is 0. The two header fields are also
 * reachable together as member ``hdr``, a struct fwctl_rpc_cxl_out_hdr.
 */
struct fwctl_rpc_cxl_out {
	__struct_group(fwctl_rpc_cxl_out_hdr, hdr, /* no attrs */,
		__u32 size;
		__u32 retval;
	);
	union {
		struct cxl_mbox_get_sup_feats_out get_sup_feats_out;
		__DECLARE_FLEX_ARRAY(__u8, payload);
	};
};

#endif /* _UAPI_FWCTL_CXL_H_ */
