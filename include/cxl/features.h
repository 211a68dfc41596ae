/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CXL Features: the device settings behind the Get Supported Features, Get
 * Feature and Set Feature mailbox commands, as the CXL core caches them and
 * offers them to the rest of the kernel and, through fwctl, to user space.
 */
#ifndef __CXL_FEATURES_H__
#define __CXL_FEATURES_H__

#include <linux/types.h>
#include <linux/uuid.h>
#include <uapi/cxl/features.h>
#include <uapi/fwctl/cxl.h>
#include <uapi/fwctl/fwctl.h>

struct cxl_dev_state;
struct cxl_mailbox;
struct cxl_memdev;
struct device;

/* Features the kernel drives itself (memory scrub and repair) */
#define CXL_FEAT_PATROL_SCRUB_UUID						\
	UUID_INIT(0x96dad7d6, 0xfde8, 0x482b, 0xa7, 0x33, 0x75, 0x77, 0x4e,	\
		  0x06, 0xdb, 0x8a)
#define CXL_FEAT_ECS_UUID							\
	UUID_INIT(0xe5b13f22, 0x2328, 0x4a14, 0xb8, 0xba, 0xb9, 0x69, 0x1e,	\
		  0x89, 0x33, 0x86)
#define CXL_FEAT_SPPR_UUID							\
	UUID_INIT(0x892ba475, 0xfad8, 0x474e, 0x9d, 0x3e, 0x69, 0x2c, 0x91,	\
		  0x75, 0x68, 0xbb)
#define CXL_FEAT_HPPR_UUID							\
	UUID_INIT(0x80ea4521, 0x786f, 0x4127, 0xaf, 0xb1, 0xec, 0x74, 0x59,	\
		  0xfb, 0x0e, 0x24)
#define CXL_FEAT_CACHELINE_SPARING_UUID						\
	UUID_INIT(0x96c33386, 0x91dd, 0x44c7, 0x9e, 0xcb, 0xfd, 0xaf, 0x65,	\
		  0x03, 0xba, 0xc4)
#define CXL_FEAT_ROW_SPARING_UUID						\
	UUID_INIT(0x450ebf67, 0xb135, 0x4f97, 0xa4, 0x98, 0xc2, 0xd5, 0x7f,	\
		  0x27, 0x9b, 0xed)
#define CXL_FEAT_BANK_SPARING_UUID						\
	UUID_INIT(0x78b79636, 0x90ac, 0x4b64, 0xa4, 0xef, 0xfa, 0xac, 0x5d,	\
		  0x18, 0xa8, 0x63)
#define CXL_FEAT_RANK_SPARING_UUID						\
	UUID_INIT(0x34dbaff5, 0x0552, 0x4281, 0x8f, 0x76, 0xda, 0x0b, 0x5e,	\
		  0x7a, 0x76, 0xa7)

/**
 * struct cxl_feat_entries - The features a device supports
 * @num_features: Entries in @ent: every feature the device reported
 * @num_user_features: Those that the kernel does not own
 * @ent: The entries as the device reported them
 */
struct cxl_feat_entries {
	int num_features;
	int num_user_features;
	struct cxl_feat_entry ent[] __counted_by(num_features);
};

/**
 * struct cxl_features_state - Features of one CXL device
 * @cxlds: The device
 * @entries: Its supported features, read once at probe
 *
 * Allocated by devm_cxl_setup_features() and freed with the device's devres,
 * after the fwctl device (registered later) is gone.
 */
struct cxl_features_state {
	struct cxl_dev_state *cxlds;
	struct cxl_feat_entries *entries;
};

#if IS_ENABLED(CONFIG_CXL_FEATURES)
struct cxl_features_state *to_cxlfs(struct cxl_dev_state *cxlds);
int devm_cxl_setup_features(struct cxl_dev_state *cxlds);
int devm_cxl_setup_fwctl(struct device *host, struct cxl_memdev *cxlmd);
struct cxl_feat_entry *cxl_feature_info(struct cxl_features_state *cxlfs,
					const uuid_t *uuid);
size_t cxl_get_feature(struct cxl_mailbox *cxl_mbox, const uuid_t *feat_uuid,
		       enum cxl_get_feat_selection selection,
		       void *feat_out, size_t feat_out_size, u16 offset,
		       u16 *return_code);
int cxl_set_feature(struct cxl_mailbox *cxl_mbox, const uuid_t *feat_uuid,
		    u8 feat_version, const void *feat_data,
		    size_t feat_data_size, u32 feat_flag, u16 offset,
		    u16 *return_code);
#else
static inline struct cxl_features_state *to_cxlfs(struct cxl_dev_state *cxlds)
{
	return NULL;
}

static inline int devm_cxl_setup_features(struct cxl_dev_state *cxlds)
{
	return -EOPNOTSUPP;
}

static inline int devm_cxl_setup_fwctl(struct device *host,
				       struct cxl_memdev *cxlmd)
{
	return -EOPNOTSUPP;
}
#endif

#if IS_ENABLED(CONFIG_CXL_FEATURES) && IS_ENABLED(CONFIG_KUNIT)
/* The fwctl policy, pure functions, exported to the KUnit suite only */
int cxl_feature_set_min_scope(u16 effects);
int cxlctl_validate_rpc(const struct fwctl_rpc_cxl *rpc, size_t in_len,
			size_t out_len);
bool cxl_feature_is_kernel_owned(const uuid_t *uuid);
#endif

#endif /* __CXL_FEATURES_H__ */
