/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * CXL Features: the mailbox payloads of the Get Supported Features (0x0500),
 * Get Feature (0x0501) and Set Feature (0x0502) commands, as the CXL
 * specification lays them out (r3.2, section 8.2.10.6). User space sends
 * and receives them through fwctl, see include/uapi/fwctl/cxl.h.
 *
 * Every multi-byte field is little-endian and every struct is packed: the
 * layouts are the device's, byte for byte.
 */
#ifndef _UAPI_CXL_FEATURES_H_
#define _UAPI_CXL_FEATURES_H_

#include <linux/types.h>
#include <linux/stddef.h>

/* linux/stddef.h of kernels before 6.11, as some distributions ship it */
#ifndef __counted_by_le
#define __counted_by_le(m)
#endif

#ifdef __KERNEL__
#include <linux/uuid.h>
/* Inside the kernel a feature's UUID is a uuid_t, for uuid_equal() */
typedef uuid_t __uapi_uuid_t;
#else
/* In user space it is 16 bytes in the order the device sends them */
typedef unsigned char __uapi_uuid_t[16];
#endif

/**
 * struct cxl_mbox_get_sup_feats_in - Get Supported Features input
 * @count: Bytes of output wanted: the 8-byte output header plus 48 bytes
 *	for each entry to return. Through fwctl the kernel returns count / 48
 *	entries, as upstream Linux does (see fwctl-cxl.rst).
 * @start_idx: Index of the first entry to return
 * @reserved: Reserved, zero
 */
struct cxl_mbox_get_sup_feats_in {
	__le32 count;
	__le16 start_idx;
	__u8 reserved[2];
} __attribute__((__packed__));

/* struct cxl_feat_entry.flags */
#define CXL_FEATURE_F_CHANGEABLE		(1U << 0)
/* Bits 3:1: the deepest reset the saved value persists across */
#define CXL_FEATURE_F_PERSIST_RESET_MASK	(7U << 1)
#define CXL_FEATURE_F_PERSIST_FW_UPDATE		(1U << 4)
#define CXL_FEATURE_F_DEFAULT_SEL		(1U << 5)
#define CXL_FEATURE_F_SAVED_SEL			(1U << 6)

/*
 * struct cxl_feat_entry.effects: what a Set Feature of this feature does
 * to the device, in the bits of the Command Effects Log.
 */
#define CXL_CMD_CONFIG_CHANGE_COLD_RESET	(1U << 0)
#define CXL_CMD_CONFIG_CHANGE_IMMEDIATE		(1U << 1)
#define CXL_CMD_DATA_CHANGE_IMMEDIATE		(1U << 2)
#define CXL_CMD_POLICY_CHANGE_IMMEDIATE		(1U << 3)
#define CXL_CMD_LOG_CHANGE_IMMEDIATE		(1U << 4)
#define CXL_CMD_SECURITY_STATE_CHANGE		(1U << 5)
#define CXL_CMD_BACKGROUND			(1U << 6)
#define CXL_CMD_BGCMD_ABORT_SUPPORTED		(1U << 7)
#define CXL_CMD_EFFECTS_VALID			(1U << 9)
#define CXL_CMD_CONFIG_CHANGE_CONV_RESET	(1U << 10)
#define CXL_CMD_CONFIG_CHANGE_CXL_RESET		(1U << 11)
#define CXL_CMD_EFFECTS_RESERVED		(0xfU << 12)

/**
 * struct cxl_feat_entry - One entry of the Get Supported Features output
 * @uuid: The feature's UUID
 * @id: Index of the feature in the device's list
 * @get_feat_size: Bytes of data Get Feature returns for it
 * @set_feat_size: Bytes of data Set Feature takes; 0 if it cannot be set
 * @flags: CXL_FEATURE_F_*
 * @get_feat_ver: Version of the Get Feature data
 * @set_feat_ver: Version of the Set Feature data
 * @effects: CXL_CMD_* effects of a Set Feature
 * @reserved: Reserved
 */
struct cxl_feat_entry {
	__uapi_uuid_t uuid;
	__le16 id;
	__le16 get_feat_size;
	__le16 set_feat_size;
	__le32 flags;
	__u8 get_feat_ver;
	__u8 set_feat_ver;
	__le16 effects;
	__u8 reserved[18];
} __attribute__((__packed__));

/**
 * struct cxl_mbox_get_sup_feats_out - Get Supported Features output
 * @num_entries: Entries that follow
 * @supported_feats: Features the device supports in all
 * @reserved: Reserved
 * @ents: The entries
 *
 * The 8-byte header before @ents is also reachable as member ``hdr``, a
 * struct cxl_mbox_get_sup_feats_out_hdr.
 */
struct cxl_mbox_get_sup_feats_out {
	__struct_group(cxl_mbox_get_sup_feats_out_hdr, hdr, /* no attrs */,
		__le16 num_entries;
		__le16 supported_feats;
		__u8 reserved[4];
	);
	struct cxl_feat_entry ents[] __counted_by_le(num_entries);
} __attribute__((__packed__));

/**
 * enum cxl_get_feat_selection - Which value Get Feature reads
 * @CXL_GET_FEAT_SEL_CURRENT_VALUE: The value in use
 * @CXL_GET_FEAT_SEL_DEFAULT_VALUE: The factory default
 * @CXL_GET_FEAT_SEL_SAVED_VALUE: The value applied after a reset
 * @CXL_GET_FEAT_SEL_MAX: One past the last selection
 */
enum cxl_get_feat_selection {
	CXL_GET_FEAT_SEL_CURRENT_VALUE,
	CXL_GET_FEAT_SEL_DEFAULT_VALUE,
	CXL_GET_FEAT_SEL_SAVED_VALUE,
	CXL_GET_FEAT_SEL_MAX
};

/**
 * struct cxl_mbox_get_feat_in - Get Feature input (21 bytes)
 * @uuid: The feature
 * @offset: First byte of the feature's data to return
 * @count: Bytes to return
 * @selection: enum cxl_get_feat_selection
 */
struct cxl_mbox_get_feat_in {
	__uapi_uuid_t uuid;
	__le16 offset;
	__le16 count;
	__u8 selection;
} __attribute__((__packed__));

/**
 * enum cxl_set_feat_flag_data_transfer - Set Feature flags, bits 2:0
 * @CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER: All the data in one command
 * @CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER: First part of several
 * @CXL_SET_FEAT_FLAG_CONTINUE_DATA_TRANSFER: A middle part
 * @CXL_SET_FEAT_FLAG_FINISH_DATA_TRANSFER: The last part
 * @CXL_SET_FEAT_FLAG_ABORT_DATA_TRANSFER: Drop the parts sent so far
 * @CXL_SET_FEAT_FLAG_DATA_TRANSFER_MAX: One past the last action
 */
enum cxl_set_feat_flag_data_transfer {
	CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER = 0,
	CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_CONTINUE_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_FINISH_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_ABORT_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_DATA_TRANSFER_MAX
};

#define CXL_SET_FEAT_FLAG_DATA_TRANSFER_MASK		0x7U
#define CXL_SET_FEAT_FLAG_DATA_SAVED_ACROSS_RESET	(1U << 3)

/**
 * struct cxl_mbox_set_feat_in - Set Feature input
 * @uuid: The feature
 * @flags: Data transfer action (CXL_SET_FEAT_FLAG_*) and whether the
 *	value is saved across reset
 * @offset: Byte of the feature's data this part starts at
 * @version: Version of the data, as the entry's set_feat_ver
 * @rsvd: Reserved
 * @feat_data: The data
 *
 * The 32-byte header before @feat_data is also reachable as member
 * ``hdr``, a struct cxl_mbox_set_feat_hdr.
 */
struct cxl_mbox_set_feat_in {
	__struct_group(cxl_mbox_set_feat_hdr, hdr, /* no attrs */,
		__uapi_uuid_t uuid;
		__le32 flags;
		__le16 offset;
		__u8 version;
		__u8 rsvd[9];
	);
	__u8 feat_data[];
} __attribute__((__packed__));

#endif /* _UAPI_CXL_FEATURES_H_ */
