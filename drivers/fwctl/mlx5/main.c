// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl driver for NVIDIA ConnectX (mlx5) devices.
 *
 * mlx5_core creates an auxiliary device "mlx5_core.fwctl.N" on every PCI
 * function whose firmware supports user contexts. This driver binds to it
 * and registers a fwctl device whose parent is the function.
 *
 * Every open file descriptor gets a firmware user context (CREATE_UCTX)
 * that lives until the FD is closed. An RPC is one raw command of the
 * device's command interface: the kernel checks its opcode against an
 * allow-list that grows with the RPC's scope, writes the FD's user id into
 * the command header, so that the firmware applies that context's rights
 * and not the kernel's, and passes the command to mlx5_core. The firmware's
 * verdict travels back in the header of the output mailbox.
 */
#include <linux/auxiliary_bus.h>
#include <linux/cleanup.h>
#include <linux/fwctl.h>
#include <linux/mlx5/driver.h>
#include <linux/mlx5/mlx5_ifc.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <uapi/fwctl/mlx5.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "mlx5_fwctl.h"

#define MLX5CTL_IN_HDR_LEN MLX5_ST_SZ_BYTES(mlx5ctl_cmd_in_hdr)
#define MLX5CTL_OUT_HDR_LEN MLX5_ST_SZ_BYTES(mlx5ctl_cmd_out_hdr)

static_assert(MLX5CTL_IN_HDR_LEN == 16);
static_assert(MLX5CTL_OUT_HDR_LEN == 16);

/**
 * mlx5ctl_cmd_do - Run one command on the device's command interface
 * @mdev: The mlx5_core device
 * @in: The input mailbox, header included
 * @in_len: Bytes of @in
 * @out: The output mailbox; may be @in itself
 * @out_len: Bytes of @out
 *
 * The one place where the driver reaches the firmware, for the user
 * context commands and for the RPCs alike; the KUnit suite replaces it
 * with a fake firmware.
 *
 * Return: 0; -EREMOTEIO if the firmware ran the command and put a bad
 * status in the header of @out; another negative errno if the command did
 * not run.
 */
VISIBLE_IF_KUNIT int mlx5ctl_cmd_do(struct mlx5_core_dev *mdev, void *in,
				    int in_len, void *out, int out_len)
{
	KUNIT_STATIC_STUB_REDIRECT(mlx5ctl_cmd_do, mdev, in, in_len, out,
				   out_len);
	return mlx5_cmd_do(mdev, in, in_len, out, out_len);
}
EXPORT_SYMBOL_IF_KUNIT(mlx5ctl_cmd_do);

/*
 * A command the driver itself sends, with mlx5_core's reading of the
 * result: a bad firmware status becomes the errno mlx5_core gives it, and
 * with the device in error DESTROY_UCTX counts as done (the firmware
 * dropped every context) while CREATE_UCTX fails with ENOLINK.
 */
static int mlx5ctl_exec(struct mlx5ctl_dev *mcdev, void *in, int in_len,
			void *out, int out_len)
{
	int ret = mlx5ctl_cmd_do(mcdev->mdev, in, in_len, out, out_len);

	return mlx5_cmd_check(mcdev->mdev, ret, in, out);
}

static struct mlx5ctl_dev *mlx5ctl_dev(struct fwctl_uctx *uctx)
{
	return container_of(uctx->fwctl, struct mlx5ctl_dev, fwctl);
}

static int mlx5ctl_open_uctx(struct fwctl_uctx *uctx)
{
	struct mlx5ctl_uctx *mfd = container_of(uctx, struct mlx5ctl_uctx, uctx);
	struct mlx5ctl_dev *mcdev = mlx5ctl_dev(uctx);
	u32 out[MLX5_ST_SZ_DW(create_uctx_out)] = {};
	u32 in[MLX5_ST_SZ_DW(create_uctx_in)] = {};
	u32 caps = 0;
	u16 uid;
	int ret;

	if (MLX5_CAP_GEN(mcdev->mdev, uctx_cap) &
	    MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES)
		caps |= MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES;

	MLX5_SET(create_uctx_in, in, opcode, MLX5_CMD_OP_CREATE_UCTX);
	MLX5_SET(uctx, MLX5_ADDR_OF(create_uctx_in, in, uctx), cap, caps);
	ret = mlx5ctl_exec(mcdev, in, sizeof(in), out, sizeof(out));
	if (ret)
		return ret;

	/*
	 * User id 0 is the kernel's own: RPCs carrying it would run with the
	 * driver's rights. Firmware never hands it out; refuse it if it does.
	 */
	uid = MLX5_GET(create_uctx_out, out, uid);
	if (!uid) {
		dev_warn_ratelimited(mcdev->fwctl.dev.parent,
				     "firmware created a user context with uid 0\n");
		return -EIO;
	}
	mfd->uid = uid;
	mfd->uctx_caps = caps;
	return 0;
}

/* The context goes away with the FD; if the firmware refuses, say so */
static void mlx5ctl_close_uctx(struct fwctl_uctx *uctx)
{
	struct mlx5ctl_uctx *mfd = container_of(uctx, struct mlx5ctl_uctx, uctx);
	struct mlx5ctl_dev *mcdev = mlx5ctl_dev(uctx);
	u32 out[MLX5_ST_SZ_DW(destroy_uctx_out)] = {};
	u32 in[MLX5_ST_SZ_DW(destroy_uctx_in)] = {};
	int ret;

	MLX5_SET(destroy_uctx_in, in, opcode, MLX5_CMD_OP_DESTROY_UCTX);
	MLX5_SET(destroy_uctx_in, in, uid, mfd->uid);
	ret = mlx5ctl_exec(mcdev, in, sizeof(in), out, sizeof(out));
	if (ret)
		dev_warn_ratelimited(mcdev->fwctl.dev.parent,
				     "destroying user context %u failed: %d\n",
				     mfd->uid, ret);
}

static void *mlx5ctl_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct mlx5ctl_uctx *mfd = container_of(uctx, struct mlx5ctl_uctx, uctx);
	struct fwctl_info_mlx5 *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL_ACCOUNT);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->uid = mfd->uid;
	info->uctx_caps = mfd->uctx_caps;
	*length = sizeof(*info);
	return info;
}

/*
 * The lowest scope at which a command may run. Queries need the debug
 * scopes; the few commands that configure the function (the firmware
 * limits what a tools user context may change) and register writes are
 * allowed at any scope.
 */
static bool mlx5ctl_min_scope(u16 opcode, u16 op_mod,
			      enum fwctl_rpc_scope *min_scope)
{
	switch (opcode) {
	case MLX5_CMD_OP_QUERY_HCA_CAP:
	case MLX5_CMD_OP_QUERY_ADAPTER:
	case MLX5_CMD_OP_SET_HCA_CAP:
	case MLX5_CMD_OP_QUERY_OTHER_HCA_CAP:
	case MLX5_CMD_OP_QUERY_ESW_FUNCTIONS:
	case MLX5_CMD_OP_QUERY_ROCE_ADDRESS:
	case MLX5_CMD_OP_QUERY_HCA_VPORT_CONTEXT:
	case MLX5_CMD_OPCODE_QUERY_VUID:
	case MLX5_CMD_OP_POSTPONE_CONNECTED_QP_TIMEOUT:
		*min_scope = FWCTL_RPC_CONFIGURATION;
		return true;

	/* One opcode, two directions: op_mod tells a write from a read */
	case MLX5_CMD_OP_ACCESS_REG:
	case MLX5_CMD_OP_ACCESS_REGISTER_USER:
		if (op_mod == MLX5_ACCESS_REGISTER_IN_OP_MOD_WRITE)
			*min_scope = FWCTL_RPC_CONFIGURATION;
		else
			*min_scope = FWCTL_RPC_DEBUG_READ_ONLY;
		return true;

	case MLX5_CMD_OP_QUERY_PAGES:
	case MLX5_CMD_OP_QUERY_ISSI:
	case MLX5_CMD_OP_QUERY_DRIVER_VERSION:
	case MLX5_CMD_OP_QUERY_SF_PARTITION:
	case MLX5_CMD_OP_QUERY_VHCA_MIGRATION_STATE:
	case MLX5_CMD_OP_QUERY_MKEY:
	case MLX5_CMD_OP_QUERY_SPECIAL_CONTEXTS:
	case MLX5_CMD_OP_QUERY_EQ:
	case MLX5_CMD_OP_QUERY_CQ:
	case MLX5_CMD_OP_QUERY_QP:
	case MLX5_CMD_OP_QUERY_RDB:
	case MLX5_CMD_OP_QUERY_PSV:
	case MLX5_CMD_OP_QUERY_SRQ:
	case MLX5_CMD_OP_QUERY_XRC_SRQ:
	case MLX5_CMD_OP_QUERY_DCT:
	case MLX5_CMD_OP_QUERY_DC_CNAK_TRACE:
	case MLX5_CMD_OP_QUERY_XRQ:
	case MLX5_CMD_OP_QUERY_NVMF_BACKEND_CONTROLLER:
	case MLX5_CMD_OP_QUERY_XRQ_DC_PARAMS_ENTRY:
	case MLX5_CMD_OP_QUERY_XRQ_ERROR_PARAMS:
	case MLX5_CMD_OP_QUERY_NVMF_NAMESPACE_CONTEXT:
	case MLX5_CMD_OP_QUERY_VPORT_STATE:
	case MLX5_CMD_OP_QUERY_ESW_VPORT_CONTEXT:
	case MLX5_CMD_OP_QUERY_NIC_VPORT_CONTEXT:
	case MLX5_CMD_OP_QUERY_HCA_VPORT_GID:
	case MLX5_CMD_OP_QUERY_HCA_VPORT_PKEY:
	case MLX5_CMD_OP_QUERY_VNIC_ENV:
	case MLX5_CMD_OP_QUERY_VPORT_COUNTER:
	case MLX5_CMD_OP_QUERY_Q_COUNTER:
	case MLX5_CMD_OP_QUERY_RATE_LIMIT:
	case MLX5_CMD_OP_QUERY_SCHEDULING_ELEMENT:
	case MLX5_CMD_OP_QUERY_MAD_DEMUX:
	case MLX5_CMD_OP_NOP:
	case MLX5_CMD_OP_QUERY_BURST_SIZE:
	case MLX5_CMD_OP_QUERY_DIAGNOSTIC_PARAMS:
	case MLX5_CMD_OP_QUERY_DIAGNOSTIC_COUNTERS:
	case MLX5_CMD_OP_QUERY_CONG_STATUS:
	case MLX5_CMD_OP_QUERY_CONG_PARAMS:
	case MLX5_CMD_OP_QUERY_CONG_STATISTICS:
	case MLX5_CMD_OP_QUERY_L2_TABLE_ENTRY:
	case MLX5_CMD_OP_QUERY_WOL_ROL:
	case MLX5_CMD_OP_QUERY_LAG:
	case MLX5_CMD_OP_QUERY_TIR:
	case MLX5_CMD_OP_QUERY_SQ:
	case MLX5_CMD_OP_QUERY_RQ:
	case MLX5_CMD_OP_QUERY_RMP:
	case MLX5_CMD_OP_QUERY_DELAY_DROP_PARAMS:
	case MLX5_CMD_OP_QUERY_TIS:
	case MLX5_CMD_OP_QUERY_RQT:
	case MLX5_CMD_OP_QUERY_FLOW_TABLE:
	case MLX5_CMD_OP_QUERY_FLOW_GROUP:
	case MLX5_CMD_OP_QUERY_FLOW_TABLE_ENTRY:
	case MLX5_CMD_OP_QUERY_FLOW_COUNTER:
	case MLX5_CMD_OP_QUERY_PACKET_REFORMAT_CONTEXT:
	case MLX5_CMD_OP_QUERY_MODIFY_HEADER_CONTEXT:
	case MLX5_CMD_OP_FPGA_QUERY_QP:
	case MLX5_CMD_OP_FPGA_QUERY_QP_COUNTERS:
	case MLX5_CMD_OP_QUERY_AFU:
	case MLX5_CMD_OP_QUERY_CAPI_PEC:
	case MLX5_CMD_OP_QUERY_GENERAL_OBJECT:
	case MLX5_CMD_OP_QUERY_UCTX:
	case MLX5_CMD_OP_QUERY_UMEM:
	case MLX5_CMD_OP_QUERY_NVMF_CC_RESPONSE:
	case MLX5_CMD_OP_QUERY_EMULATED_FUNCTIONS_INFO:
	case MLX5_CMD_OP_QUERY_REGEXP_PARAMS:
	case MLX5_CMD_OP_QUERY_REGEXP_REGISTER:
	case MLX5_CMD_OP_USER_QUERY_XRQ_DC_PARAMS_ENTRY:
	case MLX5_CMD_OP_USER_QUERY_XRQ_ERROR_PARAMS:
	case MLX5_CMD_OP_QUERY_VHCA_STATE:
	case MLX5_CMD_OP_QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING:
	case MLX5_CMD_OP_QUERY_MATCH_SAMPLE_INFO:
	case MLX5_CMD_OP_QUERY_CRYPTO_STATE:
	case MLX5_CMD_OP_QUERY_DPA_PARTITION:
	case MLX5_CMD_OP_QUERY_DPA_PARTITIONS:
	case MLX5_CMD_OP_QUERY_EMULATED_RESOURCES_INFO:
	case MLX5_CMD_OP_QUERY_RSV_RESOURCES:
	case MLX5_CMD_OP_QUERY_MTT:
	case MLX5_CMD_OP_QUERY_SCHED_QUEUE:
		*min_scope = FWCTL_RPC_DEBUG_READ_ONLY;
		return true;

	case MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS:
		*min_scope = FWCTL_RPC_DEBUG_WRITE;
		return true;

	default:
		return false;
	}
}

/**
 * mlx5ctl_validate_rpc - Whether a command may run at a scope
 * @scope: The RPC's scope
 * @opcode: The command's opcode, from its header
 * @op_mod: The command's op_mod, from its header
 *
 * Return: true if the allow-list admits @opcode with @op_mod at @scope.
 */
VISIBLE_IF_KUNIT bool mlx5ctl_validate_rpc(enum fwctl_rpc_scope scope,
					   u16 opcode, u16 op_mod)
{
	enum fwctl_rpc_scope min_scope;

	return mlx5ctl_min_scope(opcode, op_mod, &min_scope) &&
	       scope >= min_scope;
}
EXPORT_SYMBOL_IF_KUNIT(mlx5ctl_validate_rpc);

/*
 * Run one command of the allow-list under the FD's user context. The
 * response is the whole output mailbox: a command the firmware refused
 * still succeeds here, with the firmware's status and syndrome in its
 * header, and *@out_len stays the caller's length.
 */
static void *mlx5ctl_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			    void *rpc_in, size_t in_len, size_t *out_len)
{
	struct mlx5ctl_uctx *mfd = container_of(uctx, struct mlx5ctl_uctx, uctx);
	struct mlx5ctl_dev *mcdev = mlx5ctl_dev(uctx);
	void *rpc_out;
	u16 opcode, op_mod;
	int ret;

	/* The command interface takes int lengths; the core caps them at 2 MiB */
	if (in_len < MLX5CTL_IN_HDR_LEN || *out_len < MLX5CTL_OUT_HDR_LEN ||
	    in_len > INT_MAX || *out_len > INT_MAX)
		return ERR_PTR(-EMSGSIZE);

	opcode = MLX5_GET(mlx5ctl_cmd_in_hdr, rpc_in, opcode);
	op_mod = MLX5_GET(mlx5ctl_cmd_in_hdr, rpc_in, op_mod);
	if (!mlx5ctl_validate_rpc(scope, opcode, op_mod))
		return ERR_PTR(-EBADMSG);

	/*
	 * mlx5_cmd_do() copies the whole input into its own mailbox before the
	 * command runs, so a response no longer than the request can land in
	 * the request's buffer. The firmware writes all *@out_len bytes.
	 */
	if (*out_len <= in_len) {
		rpc_out = rpc_in;
	} else {
		rpc_out = kvzalloc(*out_len, GFP_KERNEL_ACCOUNT);
		if (!rpc_out)
			return ERR_PTR(-ENOMEM);
	}

	/* The FD's context, whatever the caller wrote there */
	MLX5_SET(mlx5ctl_cmd_in_hdr, rpc_in, uid, mfd->uid);
	ret = mlx5ctl_cmd_do(mcdev->mdev, rpc_in, in_len, rpc_out, *out_len);
	if (ret && ret != -EREMOTEIO) {
		if (rpc_out != rpc_in)
			kvfree(rpc_out);
		return ERR_PTR(ret);
	}
	return rpc_out;
}

/*
 * What the RPCs and the user context commands may fail with besides the
 * core's own errnos: EBADMSG for a command off the allow-list, and what
 * mlx5_cmd_do() returns when
 * a command cannot run (the interface is down or the device in error,
 * it is busy, the firmware rejected the delivery, or the command was
 * cancelled).
 */
static const int mlx5ctl_errnos[] = {
	EBADMSG, ENXIO, EBUSY, EAGAIN, EALREADY, ECANCELED, EBADR, ENOMSG,
	EHWPOISON,
};

static const struct fwctl_ops mlx5ctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_MLX5,
	.uctx_size = sizeof(struct mlx5ctl_uctx),
	.open_uctx = mlx5ctl_open_uctx,
	.close_uctx = mlx5ctl_close_uctx,
	.info = mlx5ctl_info,
	.fw_rpc = mlx5ctl_fw_rpc,
	.errnos = mlx5ctl_errnos,
	.nr_errnos = ARRAY_SIZE(mlx5ctl_errnos),
};

/**
 * mlx5ctl_probe - Register the fwctl device of an mlx5 function
 * @adev: The "mlx5_core.fwctl" device, inside a &struct mlx5_adev
 * @id: The matching entry of the id table
 *
 * Sends no command: the firmware sees this driver first when an FD opens.
 *
 * Return: 0 or a negative errno.
 */
VISIBLE_IF_KUNIT int mlx5ctl_probe(struct auxiliary_device *adev,
				   const struct auxiliary_device_id *id)
{
	struct mlx5_adev *madev = container_of(adev, struct mlx5_adev, adev);
	struct mlx5_core_dev *mdev = madev->mdev;
	struct mlx5ctl_dev *mcdev __free(fwctl) =
		fwctl_alloc_device(mdev->device, &mlx5ctl_ops,
				   struct mlx5ctl_dev, fwctl);
	int ret;

	if (!mcdev)
		return -ENOMEM;
	mcdev->mdev = mdev;
	ret = fwctl_register(&mcdev->fwctl);
	if (ret)
		return ret;
	auxiliary_set_drvdata(adev, no_free_ptr(mcdev));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mlx5ctl_probe);

/**
 * mlx5ctl_remove - Unregister the fwctl device of an mlx5 function
 * @adev: The device mlx5ctl_probe() bound
 *
 * fwctl_unregister() closes the user context of every FD still open; the
 * FDs themselves fail with ENODEV from then on.
 */
VISIBLE_IF_KUNIT void mlx5ctl_remove(struct auxiliary_device *adev)
{
	struct mlx5ctl_dev *mcdev = auxiliary_get_drvdata(adev);

	fwctl_unregister(&mcdev->fwctl);
	fwctl_put(&mcdev->fwctl);
}
EXPORT_SYMBOL_IF_KUNIT(mlx5ctl_remove);

static const struct auxiliary_device_id mlx5ctl_id_table[] = {
	{ .name = MLX5_ADEV_NAME ".fwctl" },
	{}
};
MODULE_DEVICE_TABLE(auxiliary, mlx5ctl_id_table);

static struct auxiliary_driver mlx5ctl_driver = {
	.name = "mlx5_fwctl",
	.probe = mlx5ctl_probe,
	.remove = mlx5ctl_remove,
	.id_table = mlx5ctl_id_table,
};
module_auxiliary_driver(mlx5ctl_driver);

MODULE_IMPORT_NS(FWCTL);
MODULE_DESCRIPTION("fwctl driver for NVIDIA ConnectX (mlx5) devices");
MODULE_LICENSE("GPL");
