// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl driver for AMD/Pensando DSC devices (pds_core).
 *
 * The firmware is organised as endpoints, each offering operations. It
 * lists the endpoints, and for each endpoint its operations together with
 * an attribute that says what an operation does; the driver turns that
 * attribute into the fwctl scope an RPC needs. At probe the driver reads
 * the firmware's size limits and its endpoints; the operations of an
 * endpoint are read on its first RPC and kept. An RPC names an endpoint
 * and an operation and carries its payloads through DMA bounce buffers.
 *
 * The device may write a listing's DMA buffer at any time, so nothing is
 * decided from one: each listing is copied into kernel memory as soon as
 * its command completes, and its buffer is freed at once.
 *
 * Every firmware command goes through pdsfc_fw_cmd(), on the AdminQ of
 * pds_core, which the KUnit suite replaces with a fake firmware.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/fwctl/pds.h>

#include "pds_fwctl.h"

static struct pdsfc_dev *to_pdsfc(struct fwctl_device *fwctl)
{
	return container_of(fwctl, struct pdsfc_dev, fwctl);
}

/* The PF's PCI device: the parent of the fwctl device and the DMA device */
static struct device *pdsfc_dma_dev(struct pdsfc_dev *pdsfc)
{
	return pdsfc->fwctl.dev.parent;
}

/**
 * pdsfc_fw_cmd - Run one fwctl client command on the firmware
 * @padev: The auxiliary device whose client sends the command
 * @cmd: The command
 * @cmd_len: Length of the command in @cmd
 * @comp: Receives the completion
 *
 * Return: 0, or the negative errno pds_core made of the failure.
 */
VISIBLE_IF_KUNIT int pdsfc_fw_cmd(struct pds_auxiliary_dev *padev,
				  union pds_core_adminq_cmd *cmd,
				  size_t cmd_len,
				  union pds_core_adminq_comp *comp)
{
	KUNIT_STATIC_STUB_REDIRECT(pdsfc_fw_cmd, padev, cmd, cmd_len, comp);
	return pds_client_adminq_cmd(padev, cmd, cmd_len, comp, 0);
}
EXPORT_SYMBOL_IF_KUNIT(pdsfc_fw_cmd);

/**
 * pdsfc_attr_to_scope - The scope an operation of a given attribute needs
 * @attr: The attribute the firmware declared, a PDSFC_FW_CMD_ATTR_* value
 *
 * Each known attribute maps to one scope. Any other value, a combination of
 * attributes included, is one the driver cannot judge and needs the highest
 * scope.
 *
 * Return: the lowest scope an RPC of the operation may run at.
 */
VISIBLE_IF_KUNIT enum fwctl_rpc_scope pdsfc_attr_to_scope(u8 attr)
{
	switch (attr) {
	case PDSFC_FW_CMD_ATTR_READ:
	case PDSFC_FW_CMD_ATTR_WRITE:
	case PDSFC_FW_CMD_ATTR_SYNC:
		return FWCTL_RPC_CONFIGURATION;
	case PDSFC_FW_CMD_ATTR_DEBUG_READ:
		return FWCTL_RPC_DEBUG_READ_ONLY;
	case PDSFC_FW_CMD_ATTR_DEBUG_WRITE:
		return FWCTL_RPC_DEBUG_WRITE;
	default:
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pdsfc_attr_to_scope);

/* Read the firmware's limits into pdsfc->ident */
static int pdsfc_ident(struct pdsfc_dev *pdsfc)
{
	struct device *dev = pdsfc_dma_dev(pdsfc);
	union pds_core_adminq_comp comp = {};
	union pds_core_adminq_cmd cmd = {};
	struct pds_fwctl_ident *ident;
	dma_addr_t ident_pa;
	int err;

	ident = dma_alloc_coherent(dev, sizeof(*ident), &ident_pa, GFP_KERNEL);
	if (!ident)
		return -ENOMEM;

	cmd.fwctl_ident = (struct pds_fwctl_ident_cmd) {
		.opcode = PDS_FWCTL_CMD_IDENT,
		.version = 0,
		.len = cpu_to_le32(sizeof(*ident)),
		.ident_pa = cpu_to_le64(ident_pa),
	};
	err = pdsfc_fw_cmd(pdsfc->padev, &cmd, sizeof(cmd.fwctl_ident), &comp);
	if (!err)
		pdsfc->ident = *ident;

	dma_free_coherent(dev, sizeof(*ident), ident, ident_pa);
	return err;
}

/* Give back a listing buffer of pdsfc_query() */
static void pdsfc_query_free(struct pdsfc_dev *pdsfc,
			     struct pds_fwctl_query_data *data,
			     dma_addr_t data_pa)
{
	dma_free_coherent(pdsfc_dma_dev(pdsfc), PDSFC_QUERY_BUF_LEN, data,
			  data_pa);
}

/*
 * What an RPC reports when the QUERY of the operations of endpoint @ep
 * failed in the AdminQ with @err. pds_core turns a firmware status into
 * an errno such as EPERM, EINVAL or ENODEV, which user space would take
 * for the driver's "scope too low" or "no such operation", or for the
 * core's "FD orphaned". Only the AdminQ's own states keep their errno:
 * ETIMEDOUT, and ENXIO while the firmware is not running. Any other
 * failure is EIO, a firmware status of ENOMEM included, so that ENOMEM
 * always means a failed allocation in the kernel.
 */
static int pdsfc_ops_query_errno(struct pdsfc_dev *pdsfc, u32 ep, int err)
{
	if (err == -ETIMEDOUT || err == -ENXIO)
		return err;
	/* The log keeps what the RPC's errno no longer says */
	dev_err_ratelimited(&pdsfc->padev->aux_dev.dev,
			    "QUERY of the operations of endpoint %u failed: %pe, reported as EIO\n",
			    ep, ERR_PTR(err));
	return -EIO;
}

/*
 * Send a QUERY for @entity (@ep names the endpoint of an ENDPOINT listing)
 * into a new buffer, and check that the number of entries the firmware
 * claims fits in it. On success *@nr_entries is the checked count, the one
 * to use from then on; the caller copies the entries it needs and gives
 * the buffer back with pdsfc_query_free() before it returns.
 *
 * Errors: ENOMEM if the buffer cannot be allocated, EIO for a listing
 * longer than its buffer. A failed command gives pds_core's errno for the
 * ROOT listing, which only probe sees, and pdsfc_ops_query_errno()'s for
 * an ENDPOINT listing, which an RPC reports.
 */
static struct pds_fwctl_query_data *
pdsfc_query(struct pdsfc_dev *pdsfc, enum pds_fwctl_query_entity entity,
	    u32 ep, u32 max_entries, dma_addr_t *data_pa, u32 *nr_entries)
{
	struct device *dev = pdsfc_dma_dev(pdsfc);
	union pds_core_adminq_comp comp = {};
	union pds_core_adminq_cmd cmd = {};
	struct pds_fwctl_query_data *data;
	u32 n;
	int err;

	data = dma_alloc_coherent(dev, PDSFC_QUERY_BUF_LEN, data_pa,
				  GFP_KERNEL);
	if (!data)
		return ERR_PTR(-ENOMEM);

	cmd.fwctl_query = (struct pds_fwctl_query_cmd) {
		.opcode = PDS_FWCTL_CMD_QUERY,
		.entity = entity,
		.version = 0,
		.query_data_buf_len = cpu_to_le32(PDSFC_QUERY_BUF_LEN),
		.query_data_buf_pa = cpu_to_le64(*data_pa),
		.ep = cpu_to_le32(ep),
	};
	err = pdsfc_fw_cmd(pdsfc->padev, &cmd, sizeof(cmd.fwctl_query), &comp);
	if (err && entity == PDS_FWCTL_RPC_ENDPOINT)
		err = pdsfc_ops_query_errno(pdsfc, ep, err);
	if (err)
		goto free;

	/* Read once: the firmware may write the buffer at any time */
	n = le32_to_cpu(READ_ONCE(data->num_entries));
	if (n > max_entries) {
		dev_err_ratelimited(&pdsfc->padev->aux_dev.dev,
				    "QUERY %u of endpoint %u lists %u entries, more than its buffer holds (%u)\n",
				    entity, ep, n, max_entries);
		err = -EIO;
		goto free;
	}
	*nr_entries = n;
	return data;

free:
	pdsfc_query_free(pdsfc, data, *data_pa);
	return ERR_PTR(err);
}

/* List the endpoints and set up their state */
static int pdsfc_init_endpoints(struct pdsfc_dev *pdsfc)
{
	const struct pds_fwctl_query_data_endpoint *entry;
	struct pds_fwctl_query_data *data;
	struct pdsfc_ep *eps;
	dma_addr_t data_pa;
	u32 i, n;

	data = pdsfc_query(pdsfc, PDS_FWCTL_RPC_ROOT, 0, PDSFC_MAX_ENDPOINTS,
			   &data_pa, &n);
	if (IS_ERR(data))
		return PTR_ERR(data);

	/*
	 * No endpoint is no error: that gives ZERO_SIZE_PTR, not NULL.
	 * kvcalloc() tries the slab first and falls back to vmalloc only for a
	 * long list.
	 */
	eps = kvcalloc(n, sizeof(*eps), GFP_KERNEL);
	if (!eps) {
		pdsfc_query_free(pdsfc, data, data_pa);
		return -ENOMEM;
	}

	/* Each id is read once, into memory the device cannot reach */
	entry = (const struct pds_fwctl_query_data_endpoint *)data->entries;
	for (i = 0; i < n; i++) {
		eps[i].id = le32_to_cpu(READ_ONCE(entry[i].id));
		mutex_init(&eps[i].lock);
	}
	pdsfc_query_free(pdsfc, data, data_pa);

	pdsfc->eps = eps;
	pdsfc->nr_eps = n;
	return 0;
}

static void pdsfc_free_endpoints(struct pdsfc_dev *pdsfc)
{
	u32 i;

	for (i = 0; i < pdsfc->nr_eps; i++) {
		struct pdsfc_ep *ep = &pdsfc->eps[i];

		kfree(ep->ops);
		mutex_destroy(&ep->lock);
	}
	kvfree(pdsfc->eps);
	pdsfc->eps = NULL;
	pdsfc->nr_eps = 0;
}

static struct pdsfc_ep *pdsfc_find_ep(struct pdsfc_dev *pdsfc, u32 id)
{
	u32 i;

	for (i = 0; i < pdsfc->nr_eps; i++)
		if (pdsfc->eps[i].id == id)
			return &pdsfc->eps[i];
	return NULL;
}

/*
 * The kernel copy of an operations listing takes no more room than the
 * listing did, so even a full one (511 entries with 4 KiB pages) fits in
 * one kcalloc() of less than a page.
 */
static_assert(sizeof(struct pdsfc_op) <=
	      sizeof(struct pds_fwctl_query_data_operation));

/* Fetch the operations of @ep and map their attributes to scopes */
static int pdsfc_query_ops(struct pdsfc_dev *pdsfc, struct pdsfc_ep *ep)
{
	const struct pds_fwctl_query_data_operation *entry;
	struct pds_fwctl_query_data *data;
	struct pdsfc_op *ops;
	dma_addr_t data_pa;
	u32 i, n;

	lockdep_assert_held(&ep->lock);

	data = pdsfc_query(pdsfc, PDS_FWCTL_RPC_ENDPOINT, ep->id,
			   PDSFC_MAX_OPERATIONS, &data_pa, &n);
	if (IS_ERR(data))
		return PTR_ERR(data);

	/*
	 * An empty listing gives ZERO_SIZE_PTR, not NULL, so that it is
	 * kept like any other.
	 */
	ops = kcalloc(n, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		pdsfc_query_free(pdsfc, data, data_pa);
		return -ENOMEM;
	}

	/*
	 * Each field is read once: a switch on a byte the device can still
	 * write might otherwise be compiled into more than one load.
	 */
	entry = (const struct pds_fwctl_query_data_operation *)data->entries;
	for (i = 0; i < n; i++) {
		ops[i].id = le32_to_cpu(READ_ONCE(entry[i].id));
		ops[i].scope = pdsfc_attr_to_scope(READ_ONCE(entry[i].scope));
	}
	pdsfc_query_free(pdsfc, data, data_pa);

	ep->ops = ops;
	ep->nr_ops = n;
	return 0;
}

/*
 * Whether @op_id of @ep may run at @scope: 0 if so, -EPERM if the operation
 * needs a higher scope, -EINVAL if the endpoint has no such operation, or
 * the errno of fetching the endpoint's operations: -ENOMEM, -EIO,
 * -ETIMEDOUT or -ENXIO (see pdsfc_ops_query_errno()). Only the kernel copy
 * of the listing is read.
 */
static int pdsfc_check_op(struct pdsfc_dev *pdsfc, struct pdsfc_ep *ep,
			  u32 op_id, enum fwctl_rpc_scope scope)
{
	u32 i;
	int err;

	guard(mutex)(&ep->lock);

	/* Not cached after a failure, so the next RPC asks again */
	if (!ep->ops) {
		err = pdsfc_query_ops(pdsfc, ep);
		if (err)
			return err;
	}

	for (i = 0; i < ep->nr_ops; i++) {
		if (!pds_fwctl_rpc_opcode_cmp(op_id, ep->ops[i].id))
			continue;
		/* The first matching entry decides */
		return scope < ep->ops[i].scope ? -EPERM : 0;
	}
	return -EINVAL;
}

/*
 * Carry out an RPC the checks allowed: bounce the request and the response
 * through DMA buffers, and on success copy the response out and set retval.
 */
static int pdsfc_rpc_send(struct pdsfc_dev *pdsfc, struct fwctl_rpc_pds *rpc)
{
	struct device *dev = pdsfc_dma_dev(pdsfc);
	union pds_core_adminq_comp comp = {};
	union pds_core_adminq_cmd cmd = {};
	u32 resp_len = rpc->out.len;
	u32 req_len = rpc->in.len;
	dma_addr_t resp_pa = 0;
	dma_addr_t req_pa = 0;
	void *resp = NULL;
	void *req = NULL;
	int err = 0;

	if (req_len) {
		req = memdup_user(u64_to_user_ptr(rpc->in.payload), req_len);
		if (IS_ERR(req))
			return PTR_ERR(req);
		req_pa = dma_map_single(dev, req, req_len, DMA_TO_DEVICE);
		err = dma_mapping_error(dev, req_pa);
		if (err)
			goto free_req;
	}

	if (resp_len) {
		/*
		 * Zeroed: all of it is copied out, whatever the firmware
		 * wrote. The caller picks its size, so it is charged to the
		 * caller and a size the slab cannot serve fails quietly.
		 */
		resp = kzalloc(resp_len, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!resp) {
			err = -ENOMEM;
			goto unmap_req;
		}
		resp_pa = dma_map_single(dev, resp, resp_len, DMA_FROM_DEVICE);
		err = dma_mapping_error(dev, resp_pa);
		if (err)
			goto free_resp;
	}

	cmd.fwctl_rpc = (struct pds_fwctl_rpc_cmd) {
		.opcode = PDS_FWCTL_CMD_RPC,
		.flags = cpu_to_le16(PDS_FWCTL_RPC_IND_REQ |
				     PDS_FWCTL_RPC_IND_RESP),
		.ep = cpu_to_le32(rpc->in.ep),
		.op = cpu_to_le32(rpc->in.op),
		.req_pa = cpu_to_le64(req_pa),
		.req_sz = cpu_to_le32(req_len),
		.req_sg_elems = 0,
		.resp_pa = cpu_to_le64(resp_pa),
		.resp_sz = cpu_to_le32(resp_len),
		.resp_sg_elems = 0,
	};
	err = pdsfc_fw_cmd(pdsfc->padev, &cmd, sizeof(cmd.fwctl_rpc), &comp);

	/* The CPU reads the response only once the device gave it back */
	if (resp_len)
		dma_unmap_single(dev, resp_pa, resp_len, DMA_FROM_DEVICE);
	if (!err && resp_len &&
	    copy_to_user(u64_to_user_ptr(rpc->out.payload), resp, resp_len))
		err = -EFAULT;
	if (!err)
		rpc->out.retval = le32_to_cpu(comp.fwctl_rpc.err);

free_resp:
	kfree(resp);
unmap_req:
	if (req_len)
		dma_unmap_single(dev, req_pa, req_len, DMA_TO_DEVICE);
free_req:
	kfree(req);
	return err;
}

static void *pdsfc_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			  void *rpc_in, size_t in_len, size_t *out_len)
{
	struct pdsfc_dev *pdsfc = to_pdsfc(uctx->fwctl);
	struct fwctl_rpc_pds *rpc = rpc_in;
	struct pdsfc_ep *ep;
	int err;

	/* Nothing of the request is read before its length is known */
	if (in_len < sizeof(*rpc))
		return ERR_PTR(-EINVAL);

	if (rpc->in.len > le32_to_cpu(pdsfc->ident.max_req_sz) ||
	    rpc->out.len > le32_to_cpu(pdsfc->ident.max_resp_sz))
		return ERR_PTR(-EINVAL);

	ep = pdsfc_find_ep(pdsfc, rpc->in.ep);
	if (!ep)
		return ERR_PTR(-EINVAL);

	err = pdsfc_check_op(pdsfc, ep, rpc->in.op, scope);
	if (err)
		return ERR_PTR(err);

	err = pdsfc_rpc_send(pdsfc, rpc);
	if (err)
		return ERR_PTR(err);

	/* The answer is the caller's own request, with out.retval set */
	*out_len = in_len;
	return rpc_in;
}

static int pdsfc_open_uctx(struct fwctl_uctx *uctx)
{
	struct pdsfc_uctx *pdsfc_uctx = container_of(uctx, struct pdsfc_uctx,
						     uctx);

	pdsfc_uctx->uctx_caps = to_pdsfc(uctx->fwctl)->caps;
	return 0;
}

/* The firmware keeps nothing per file descriptor */
static void pdsfc_close_uctx(struct fwctl_uctx *uctx)
{
}

static void *pdsfc_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct pdsfc_uctx *pdsfc_uctx = container_of(uctx, struct pdsfc_uctx,
						     uctx);
	struct fwctl_info_pds *info;

	/* Allocated on every FWCTL_INFO: charged to the caller */
	info = kzalloc(sizeof(*info), GFP_KERNEL_ACCOUNT);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->uctx_caps = pdsfc_uctx->uctx_caps;
	*length = sizeof(*info);
	return info;
}

/*
 * Errnos beyond the core's: the driver's own checks, and what
 * pds_client_adminq_cmd() makes of a firmware status or a dead AdminQ.
 */
static const int pdsfc_errnos[] = {
	EINVAL, EPERM, EFAULT, EIO, ENOMEM, ENOENT, EAGAIN, EBUSY, EEXIST,
	ENODEV, ECHILD, ENOSPC, ERANGE, ENXIO, ETIMEDOUT,
};

static const struct fwctl_ops pdsfc_ops = {
	.device_type = FWCTL_DEVICE_TYPE_PDS,
	.uctx_size = sizeof(struct pdsfc_uctx),
	.open_uctx = pdsfc_open_uctx,
	.close_uctx = pdsfc_close_uctx,
	.info = pdsfc_info,
	.fw_rpc = pdsfc_fw_rpc,
	.errnos = pdsfc_errnos,
	.nr_errnos = ARRAY_SIZE(pdsfc_errnos),
};

/**
 * pdsfc_probe - Bind to a pds_core.fwctl auxiliary device
 * @adev: The auxiliary device
 * @id: The matching entry of the id table
 *
 * Return: 0 or a negative errno.
 */
VISIBLE_IF_KUNIT int pdsfc_probe(struct auxiliary_device *adev,
				 const struct auxiliary_device_id *id)
{
	struct pds_auxiliary_dev *padev =
		container_of(adev, struct pds_auxiliary_dev, aux_dev);
	struct pdsfc_dev *pdsfc __free(fwctl) =
		fwctl_alloc_device(adev->dev.parent, &pdsfc_ops,
				   struct pdsfc_dev, fwctl);
	int err;

	if (!pdsfc)
		return -ENOMEM;
	pdsfc->padev = padev;

	err = pdsfc_ident(pdsfc);
	if (err)
		return dev_err_probe(&adev->dev, err,
				     "cannot read the firmware's limits\n");

	err = pdsfc_init_endpoints(pdsfc);
	if (err)
		return dev_err_probe(&adev->dev, err,
				     "cannot list the firmware's endpoints\n");

	/* As upstream: the two enum values OR'ed, which makes 1 */
	pdsfc->caps = PDS_FWCTL_QUERY_CAP | PDS_FWCTL_SEND_CAP;

	err = fwctl_register(&pdsfc->fwctl);
	if (err) {
		pdsfc_free_endpoints(pdsfc);
		return dev_err_probe(&adev->dev, err,
				     "cannot register the fwctl device\n");
	}

	auxiliary_set_drvdata(adev, no_free_ptr(pdsfc));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pdsfc_probe);

/**
 * pdsfc_remove - Unbind from the auxiliary device
 * @adev: The auxiliary device
 */
VISIBLE_IF_KUNIT void pdsfc_remove(struct auxiliary_device *adev)
{
	struct pdsfc_dev *pdsfc = auxiliary_get_drvdata(adev);

	/* No op runs after this, so the endpoints can go */
	fwctl_unregister(&pdsfc->fwctl);
	pdsfc_free_endpoints(pdsfc);
	fwctl_put(&pdsfc->fwctl);
}
EXPORT_SYMBOL_IF_KUNIT(pdsfc_remove);

static const struct auxiliary_device_id pdsfc_id_table[] = {
	{ .name = PDS_CORE_DRV_NAME "." PDS_DEV_TYPE_FWCTL_STR },
	{}
};
MODULE_DEVICE_TABLE(auxiliary, pdsfc_id_table);

static struct auxiliary_driver pdsfc_driver = {
	.name = "pds_fwctl",
	.probe = pdsfc_probe,
	.remove = pdsfc_remove,
	.id_table = pdsfc_id_table,
};
module_auxiliary_driver(pdsfc_driver);

MODULE_IMPORT_NS(FWCTL);
MODULE_DESCRIPTION("fwctl driver for AMD/Pensando DSC (pds_core) devices");
MODULE_LICENSE("GPL");
