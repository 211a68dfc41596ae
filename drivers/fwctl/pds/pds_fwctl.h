/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface of the PDS fwctl driver: its state, and what its KUnit
 * suite reaches through EXPORT_SYMBOL_IF_KUNIT.
 */
#ifndef __PDS_FWCTL_H
#define __PDS_FWCTL_H

#include <linux/auxiliary_bus.h>
#include <linux/fwctl.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <linux/pds/pds_common.h>
#include <linux/pds/pds_core_if.h>
#include <linux/pds/pds_adminq.h>
#include <linux/pds/pds_auxbus.h>

/* Every QUERY listing lands in a buffer of this size */
#define PDSFC_QUERY_BUF_LEN	PAGE_SIZE

/* The most entries of each kind a listing buffer holds after its header */
#define PDSFC_MAX_ENDPOINTS						\
	((PDSFC_QUERY_BUF_LEN - sizeof(struct pds_fwctl_query_data)) /	\
	 sizeof(struct pds_fwctl_query_data_endpoint))
#define PDSFC_MAX_OPERATIONS						\
	((PDSFC_QUERY_BUF_LEN - sizeof(struct pds_fwctl_query_data)) /	\
	 sizeof(struct pds_fwctl_query_data_operation))

/**
 * struct pdsfc_op - One operation of an endpoint, as the driver keeps it
 * @id: The operation's id, as the firmware listed it
 * @scope: The lowest scope an RPC of the operation may run at, mapped from
 *	the attribute the firmware declared
 */
struct pdsfc_op {
	u32 id;
	enum fwctl_rpc_scope scope;
};

/**
 * struct pdsfc_ep - One endpoint the firmware listed
 * @id: The endpoint's id
 * @lock: Serialises the discovery of @ops
 * @ops: The endpoint's operations, copied out of the firmware's listing;
 *	NULL until the first RPC to the endpoint fetched them
 * @nr_ops: Number of entries of @ops
 */
struct pdsfc_ep {
	u32 id;
	/* serialises the discovery of ops */
	struct mutex lock;
	struct pdsfc_op *ops;
	u32 nr_ops;
};

/**
 * struct pdsfc_dev - A PDS fwctl device
 * @fwctl: The fwctl device; must be first
 * @padev: The pds_core auxiliary device the driver is bound to
 * @caps: What every file descriptor may do, copied into its uctx
 * @ident: The firmware's limits, from IDENT
 * @eps: @nr_eps endpoints, in the order the firmware listed them
 * @nr_eps: Number of @eps
 */
struct pdsfc_dev {
	struct fwctl_device fwctl;
	struct pds_auxiliary_dev *padev;
	u32 caps;
	struct pds_fwctl_ident ident;
	struct pdsfc_ep *eps;
	u32 nr_eps;
};

/**
 * struct pdsfc_uctx - The state of one open file descriptor
 * @uctx: The core's per-FD context; must be first
 * @uctx_caps: The capabilities FWCTL_INFO reports
 */
struct pdsfc_uctx {
	struct fwctl_uctx uctx;
	u32 uctx_caps;
};

#if IS_ENABLED(CONFIG_KUNIT)
int pdsfc_fw_cmd(struct pds_auxiliary_dev *padev,
		 union pds_core_adminq_cmd *cmd, size_t cmd_len,
		 union pds_core_adminq_comp *comp);
enum fwctl_rpc_scope pdsfc_attr_to_scope(u8 attr);
int pdsfc_probe(struct auxiliary_device *adev,
		const struct auxiliary_device_id *id);
void pdsfc_remove(struct auxiliary_device *adev);
#endif

#endif
