/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl messages of AMD/Pensando DSC devices (FWCTL_DEVICE_TYPE_PDS).
 *
 * The firmware offers endpoints, each with a list of operations it declares
 * together with the scope each one needs. An FWCTL_RPC request names one
 * operation of one endpoint and points at its request and response
 * payloads. Documentation/userspace-api/fwctl/pds_fwctl.rst describes the
 * rules.
 */
#ifndef _UAPI_FWCTL_PDS_H_
#define _UAPI_FWCTL_PDS_H_

#include <linux/types.h>

/**
 * struct fwctl_info_pds - FWCTL_INFO device data of a PDS device
 * @uctx_caps: The capabilities of this file descriptor, a bit mask of
 *	enum pds_fwctl_capabilities
 */
struct fwctl_info_pds {
	__u32 uctx_caps;
};

/**
 * enum pds_fwctl_capabilities - What a PDS fwctl file descriptor can do
 * @PDS_FWCTL_QUERY_CAP: List endpoints and operations
 * @PDS_FWCTL_SEND_CAP: Send operations
 */
enum pds_fwctl_capabilities {
	PDS_FWCTL_QUERY_CAP = 0,
	PDS_FWCTL_SEND_CAP,
};

/**
 * struct fwctl_rpc_pds - FWCTL_RPC request and response of a PDS device
 * @in: The request, filled by user space
 * @in.op: Operation id: the command in bits 15:0, its version in bits 23:16
 * @in.ep: Endpoint id
 * @in.rsvd: Reserved
 * @in.len: Length of the request payload at @in.payload
 * @in.payload: User pointer to the request payload
 * @out: The response
 * @out.retval: The operation's result, from the firmware; written by the
 *	kernel
 * @out.rsvd: Reserved
 * @out.len: Length of the response buffer at @out.payload
 * @out.payload: User pointer to the response buffer, which the kernel
 *	fills with @out.len bytes
 *
 * FWCTL_RPC's in and out buffers both hold this struct: the kernel returns
 * the request with @out.retval set. Its in_len must be at least
 * sizeof(struct fwctl_rpc_pds).
 */
struct fwctl_rpc_pds {
	struct {
		__u32 op;
		__u32 ep;
		__u32 rsvd;
		__u32 len;
		__aligned_u64 payload;
	} in;
	struct {
		__u32 retval;
		__u32 rsvd[2];
		__u32 len;
		__aligned_u64 payload;
	} out;
};

#endif
