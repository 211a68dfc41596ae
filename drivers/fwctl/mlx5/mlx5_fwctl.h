/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mlx5 fwctl driver internals, shared with its KUnit suite only.
 */
#ifndef __MLX5_FWCTL_H
#define __MLX5_FWCTL_H

#include <linux/auxiliary_bus.h>
#include <linux/fwctl.h>
#include <linux/mlx5/driver.h>
#include <linux/mlx5/mlx5_ifc.h>

/*
 * A user context that may use the firmware's tools resources. 6.12's
 * mlx5_ifc.h knows only the RAW_TX and INTERNAL_DEV_RES capabilities.
 */
#define MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES 0x4

/*
 * Commands of the allow-list that 6.12's mlx5_ifc.h does not name, with the
 * values of the device's command interface.
 */
enum {
	MLX5_CMD_OP_QUERY_DRIVER_VERSION = 0x10c,
	MLX5_CMD_OP_QUERY_OTHER_HCA_CAP = 0x10e,
	MLX5_CMD_OP_QUERY_RDB = 0x512,
	MLX5_CMD_OP_QUERY_PSV = 0x602,
	MLX5_CMD_OP_QUERY_DC_CNAK_TRACE = 0x716,
	MLX5_CMD_OP_QUERY_NVMF_BACKEND_CONTROLLER = 0x722,
	MLX5_CMD_OP_QUERY_NVMF_NAMESPACE_CONTEXT = 0x728,
	MLX5_CMD_OP_QUERY_BURST_SIZE = 0x813,
	MLX5_CMD_OP_QUERY_DIAGNOSTIC_PARAMS = 0x819,
	MLX5_CMD_OP_SET_DIAGNOSTIC_PARAMS = 0x820,
	MLX5_CMD_OP_QUERY_DIAGNOSTIC_COUNTERS = 0x821,
	MLX5_CMD_OP_QUERY_DELAY_DROP_PARAMS = 0x911,
	MLX5_CMD_OP_QUERY_AFU = 0x971,
	MLX5_CMD_OP_QUERY_CAPI_PEC = 0x981,
	MLX5_CMD_OP_QUERY_UCTX = 0xa05,
	MLX5_CMD_OP_QUERY_UMEM = 0xa09,
	MLX5_CMD_OP_QUERY_NVMF_CC_RESPONSE = 0xb02,
	MLX5_CMD_OP_QUERY_EMULATED_FUNCTIONS_INFO = 0xb03,
	MLX5_CMD_OP_QUERY_REGEXP_PARAMS = 0xb05,
	MLX5_CMD_OP_QUERY_REGEXP_REGISTER = 0xb07,
	MLX5_CMD_OP_USER_QUERY_XRQ_DC_PARAMS_ENTRY = 0xb08,
	MLX5_CMD_OP_USER_QUERY_XRQ_ERROR_PARAMS = 0xb0a,
	MLX5_CMD_OP_ACCESS_REGISTER_USER = 0xb0c,
	MLX5_CMD_OP_QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING = 0xb0f,
	MLX5_CMD_OP_QUERY_MATCH_SAMPLE_INFO = 0xb13,
	MLX5_CMD_OP_QUERY_CRYPTO_STATE = 0xb14,
	MLX5_CMD_OP_QUERY_DPA_PARTITION = 0xb28,
	MLX5_CMD_OP_QUERY_DPA_PARTITIONS = 0xb2a,
	MLX5_CMD_OP_POSTPONE_CONNECTED_QP_TIMEOUT = 0xb2e,
	MLX5_CMD_OP_QUERY_EMULATED_RESOURCES_INFO = 0xb2f,
	MLX5_CMD_OP_QUERY_RSV_RESOURCES = 0x8000,
	MLX5_CMD_OP_QUERY_MTT = 0x8001,
	MLX5_CMD_OP_QUERY_SCHED_QUEUE = 0x8006,
};

/* The header every command's input mailbox starts with (16 bytes) */
struct mlx5_ifc_mlx5ctl_cmd_in_hdr_bits {
	u8 opcode[0x10];
	u8 uid[0x10];

	u8 reserved_at_20[0x10];
	u8 op_mod[0x10];

	u8 reserved_at_40[0x40];
};

/* The header every command's output mailbox starts with (16 bytes) */
struct mlx5_ifc_mlx5ctl_cmd_out_hdr_bits {
	u8 status[0x8];
	u8 reserved_at_8[0x18];

	u8 syndrome[0x20];

	u8 reserved_at_40[0x40];
};

/**
 * struct mlx5ctl_dev - One mlx5 function exposed through fwctl
 * @fwctl: The fwctl device; its parent is the function's device
 * @mdev: The mlx5_core device whose command interface the RPCs use
 */
struct mlx5ctl_dev {
	struct fwctl_device fwctl;
	struct mlx5_core_dev *mdev;
};

/**
 * struct mlx5ctl_uctx - Per-FD state: a firmware user context
 * @uctx: The fwctl core's part
 * @uctx_caps: The MLX5_UCTX_OBJECT_CAP_* bits the context was created with
 * @uid: The context's user id, written into every RPC of the FD
 */
struct mlx5ctl_uctx {
	struct fwctl_uctx uctx;
	u32 uctx_caps;
	u16 uid;
};

#if IS_ENABLED(CONFIG_KUNIT)
int mlx5ctl_cmd_do(struct mlx5_core_dev *mdev, void *in, int in_len,
		   void *out, int out_len);
bool mlx5ctl_validate_rpc(enum fwctl_rpc_scope scope, u16 opcode,
			  u16 op_mod);
int mlx5ctl_probe(struct auxiliary_device *adev,
		  const struct auxiliary_device_id *id);
void mlx5ctl_remove(struct auxiliary_device *adev);
#endif

#endif
