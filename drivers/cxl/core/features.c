// SPDX-License-Identifier: GPL-2.0-only
/*
 * CXL Features (CXL r3.2 8.2.10.6): the feature list a memory device
 * reports, read once at probe and cached; Get and Set Feature helpers for
 * the kernel; and a fwctl device through which user space lists, reads and,
 * within the scope rules below, changes the features the kernel does not
 * own.
 *
 * The file has the shape of every fwctl driver: probe and remove
 * (devm_cxl_setup_features(), devm_cxl_setup_fwctl()), the per-FD context,
 * the validation of a request, and the RPCs themselves.
 */
#include <linux/device.h>
#include <linux/fwctl.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>
#include <cxl/features.h>
#include <cxl/mailbox.h>
#include "cxlmem.h"
#include "core.h"

/* --- the feature list ----------------------------------------------------- */

static const uuid_t cxl_kernel_owned_features[] = {
	CXL_FEAT_PATROL_SCRUB_UUID,
	CXL_FEAT_ECS_UUID,
	CXL_FEAT_SPPR_UUID,
	CXL_FEAT_HPPR_UUID,
	CXL_FEAT_CACHELINE_SPARING_UUID,
	CXL_FEAT_ROW_SPARING_UUID,
	CXL_FEAT_BANK_SPARING_UUID,
	CXL_FEAT_RANK_SPARING_UUID,
};

/*
 * The kernel's EDAC scrub and repair drivers own these features: user space
 * may read them but never change them, or the two would fight over the
 * device.
 */
VISIBLE_IF_KUNIT bool cxl_feature_is_kernel_owned(const uuid_t *uuid)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cxl_kernel_owned_features); i++)
		if (uuid_equal(uuid, &cxl_kernel_owned_features[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(cxl_feature_is_kernel_owned);

struct cxl_features_state *to_cxlfs(struct cxl_dev_state *cxlds)
{
	return cxlds->cxlfs;
}
EXPORT_SYMBOL_NS_GPL(to_cxlfs, CXL);

#define CXL_FEAT_HDR_SIZE sizeof(struct cxl_mbox_get_sup_feats_out_hdr)
#define CXL_FEAT_ENTRY_SIZE sizeof(struct cxl_feat_entry)

/*
 * One Get Supported Features command: @size bytes of output (the header and
 * the entries wanted) from @start into @out. Returns the bytes the device
 * wrote, at least the header, or a negative errno.
 */
static int cxl_get_sup_feats(struct cxl_mailbox *cxl_mbox, u16 start,
			     void *out, size_t size)
{
	struct cxl_mbox_get_sup_feats_in in = {
		.count = cpu_to_le32(size),
		.start_idx = cpu_to_le16(start),
	};
	struct cxl_mbox_cmd cmd = {
		.opcode = CXL_MBOX_OP_GET_SUPPORTED_FEATURES,
		.size_in = sizeof(in),
		.payload_in = &in,
		.size_out = size,
		.payload_out = out,
		.min_out = CXL_FEAT_HDR_SIZE,
	};
	int rc;

	rc = cxl_internal_send_cmd(cxl_mbox, &cmd);
	return rc ?: cmd.size_out;
}

/* How many features the device has: a Get Supported Features of no entry */
static int cxl_count_features(struct cxl_mailbox *cxl_mbox)
{
	struct cxl_mbox_get_sup_feats_out_hdr out = {};
	int rc;

	rc = cxl_get_sup_feats(cxl_mbox, 0, &out, sizeof(out));
	if (rc < 0)
		return rc;
	return le16_to_cpu(out.supported_feats);
}

/*
 * Read every entry, as many per command as the payload holds. The device's
 * answer is checked before it is copied: no more entries than asked for,
 * and exactly as many bytes as the entries it claims.
 */
static int cxl_read_features(struct cxl_mailbox *cxl_mbox,
			     struct cxl_feat_entries *entries)
{
	int total = entries->num_features, got = 0;
	size_t per_cmd;

	if (cxl_mbox->payload_size < CXL_FEAT_HDR_SIZE + CXL_FEAT_ENTRY_SIZE)
		return -ENXIO;
	per_cmd = (cxl_mbox->payload_size - CXL_FEAT_HDR_SIZE) /
		  CXL_FEAT_ENTRY_SIZE;

	struct cxl_mbox_get_sup_feats_out *out __free(kvfree) =
		kvmalloc(cxl_mbox->payload_size, GFP_KERNEL);
	if (!out)
		return -ENOMEM;

	while (got < total) {
		size_t want = min_t(size_t, total - got, per_cmd);
		size_t n;
		int rc;

		rc = cxl_get_sup_feats(cxl_mbox, got, out, CXL_FEAT_HDR_SIZE +
				       want * CXL_FEAT_ENTRY_SIZE);
		if (rc < 0)
			return rc;
		n = le16_to_cpu(out->num_entries);
		if (!n || n > want ||
		    (size_t)rc != CXL_FEAT_HDR_SIZE + n * CXL_FEAT_ENTRY_SIZE)
			return -EIO;
		memcpy(&entries->ent[got], out->ents, n * CXL_FEAT_ENTRY_SIZE);
		got += n;
	}
	return 0;
}

static void cxl_free_features(void *data)
{
	struct cxl_features_state *cxlfs = data;

	cxlfs->cxlds->cxlfs = NULL;
	kvfree(cxlfs->entries);
	kfree(cxlfs);
}

/**
 * devm_cxl_setup_features() - Read and cache a device's feature list
 * @cxlds: The device, whose CEL has been walked
 *
 * Called at probe, before the memdev is added. The list lives until the
 * device's devres is released.
 *
 * Return: 0, -ENODEV if the device has no Features commands or no feature,
 * or the errno of a failed read.
 */
int devm_cxl_setup_features(struct cxl_dev_state *cxlds)
{
	struct cxl_mailbox *cxl_mbox = &cxlds->cxl_mbox;
	struct cxl_feat_entries *entries;
	int total, i, rc;

	if (cxl_mbox->feat_cap < CXL_FEATURES_RO)
		return -ENODEV;

	total = cxl_count_features(cxl_mbox);
	if (total <= 0)
		return total ?: -ENODEV;

	struct cxl_features_state *cxlfs __free(kfree) =
		kzalloc(sizeof(*cxlfs), GFP_KERNEL);
	if (!cxlfs)
		return -ENOMEM;
	entries = kvzalloc(struct_size(entries, ent, total), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	entries->num_features = total;

	rc = cxl_read_features(cxl_mbox, entries);
	if (rc) {
		kvfree(entries);
		return rc;
	}
	for (i = 0; i < total; i++)
		if (!cxl_feature_is_kernel_owned(&entries->ent[i].uuid))
			entries->num_user_features++;

	cxlfs->cxlds = cxlds;
	cxlfs->entries = entries;
	cxlds->cxlfs = cxlfs;
	return devm_add_action_or_reset(cxlds->dev, cxl_free_features,
					no_free_ptr(cxlfs));
}
EXPORT_SYMBOL_NS_GPL(devm_cxl_setup_features, CXL);

/**
 * cxl_feature_info() - Find a feature in the cached list
 * @cxlfs: The device's features
 * @uuid: The feature
 *
 * Return: the entry as the device reported it, or ERR_PTR(-EOPNOTSUPP) if
 * the device has no such feature or no feature list.
 */
struct cxl_feat_entry *cxl_feature_info(struct cxl_features_state *cxlfs,
					const uuid_t *uuid)
{
	int i;

	if (!cxlfs || !cxlfs->entries)
		return ERR_PTR(-EOPNOTSUPP);
	for (i = 0; i < cxlfs->entries->num_features; i++)
		if (uuid_equal(uuid, &cxlfs->entries->ent[i].uuid))
			return &cxlfs->entries->ent[i];
	return ERR_PTR(-EOPNOTSUPP);
}
EXPORT_SYMBOL_NS_GPL(cxl_feature_info, CXL);

/* --- Get and Set Feature --------------------------------------------------- */

/*
 * Read @size bytes of a feature from @offset into @out, in chunks of at
 * most one payload. Each chunk asks for exactly what is left of @out and
 * must return all of it, so the device never writes past @out.
 */
static int cxl_read_feature(struct cxl_mailbox *cxl_mbox, const uuid_t *uuid,
			    enum cxl_get_feat_selection selection, void *out,
			    size_t size, u16 offset, size_t *received,
			    u16 *return_code)
{
	struct cxl_mbox_get_feat_in in = {
		.uuid = *uuid,
		.selection = selection,
	};

	*received = 0;
	*return_code = CXL_MBOX_CMD_RC_INPUT;
	if (!size || offset + size > U16_MAX + 1)
		return -EINVAL;

	while (*received < size) {
		/* count is 16 bits: a 64 KiB payload must not read as 0 */
		size_t chunk = min3(size - *received, cxl_mbox->payload_size,
				    (size_t)U16_MAX);
		struct cxl_mbox_cmd cmd = {
			.opcode = CXL_MBOX_OP_GET_FEATURE,
			.size_in = sizeof(in),
			.payload_in = &in,
			.size_out = chunk,
			.payload_out = out + *received,
			.min_out = chunk,
		};
		int rc;

		in.offset = cpu_to_le16(offset + *received);
		in.count = cpu_to_le16(chunk);
		rc = cxl_internal_send_cmd(cxl_mbox, &cmd);
		*return_code = cmd.return_code;
		if (rc)
			return rc;
		*received += chunk;
	}
	*return_code = CXL_MBOX_CMD_RC_SUCCESS;
	return 0;
}

/**
 * cxl_get_feature() - Read a feature's data
 * @cxl_mbox: The device's mailbox
 * @feat_uuid: The feature
 * @selection: Which value: current, default or saved
 * @feat_out: Buffer for the data
 * @feat_out_size: Bytes to read into @feat_out
 * @offset: First byte of the feature's data to read
 * @return_code: Set to the device's return code, or to
 *	CXL_MBOX_CMD_RC_INPUT if no command was sent. May be NULL.
 *
 * Return: bytes read: @feat_out_size on success, 0 on failure.
 */
size_t cxl_get_feature(struct cxl_mailbox *cxl_mbox, const uuid_t *feat_uuid,
		       enum cxl_get_feat_selection selection,
		       void *feat_out, size_t feat_out_size, u16 offset,
		       u16 *return_code)
{
	size_t received;
	u16 rc_dev;
	int rc;

	rc = cxl_read_feature(cxl_mbox, feat_uuid, selection, feat_out,
			      feat_out_size, offset, &received, &rc_dev);
	if (return_code)
		*return_code = rc_dev;
	return rc ? 0 : received;
}
EXPORT_SYMBOL_NS_GPL(cxl_get_feature, CXL);

/**
 * cxl_set_feature() - Change a feature's data
 * @cxl_mbox: The device's mailbox
 * @feat_uuid: The feature
 * @feat_version: Version of the data
 * @feat_data: The data
 * @feat_data_size: Bytes of @feat_data
 * @feat_flag: Set Feature flags. The transfer action is the kernel's to
 *	choose and the data is always saved across reset: both are rewritten.
 * @offset: Byte of the feature's data @feat_data starts at
 * @return_code: Set to the device's return code, or to
 *	CXL_MBOX_CMD_RC_INPUT if no command was sent. May be NULL.
 *
 * Data that fits one payload goes in one full transfer; more is sent as an
 * initiate, continue... finish sequence.
 *
 * Return: 0 or a negative errno.
 */
int cxl_set_feature(struct cxl_mailbox *cxl_mbox, const uuid_t *feat_uuid,
		    u8 feat_version, const void *feat_data,
		    size_t feat_data_size, u32 feat_flag, u16 offset,
		    u16 *return_code)
{
	size_t hdr_size = sizeof(struct cxl_mbox_set_feat_hdr);
	size_t sent = 0, max_chunk;
	u16 dummy;

	if (!return_code)
		return_code = &dummy;
	*return_code = CXL_MBOX_CMD_RC_INPUT;
	if (cxl_mbox->payload_size <= hdr_size || !feat_data_size ||
	    offset + feat_data_size > U16_MAX + 1)
		return -EINVAL;
	max_chunk = cxl_mbox->payload_size - hdr_size;

	struct cxl_mbox_set_feat_in *in __free(kvfree) =
		kvzalloc(cxl_mbox->payload_size, GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	in->uuid = *feat_uuid;
	in->version = feat_version;
	feat_flag &= ~CXL_SET_FEAT_FLAG_DATA_TRANSFER_MASK;
	feat_flag |= CXL_SET_FEAT_FLAG_DATA_SAVED_ACROSS_RESET;

	while (sent < feat_data_size) {
		size_t chunk = min(feat_data_size - sent, max_chunk);
		bool last = sent + chunk == feat_data_size;
		u32 action;
		int rc;

		if (!sent)
			action = last ? CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER :
					CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER;
		else
			action = last ? CXL_SET_FEAT_FLAG_FINISH_DATA_TRANSFER :
					CXL_SET_FEAT_FLAG_CONTINUE_DATA_TRANSFER;

		struct cxl_mbox_cmd cmd = {
			.opcode = CXL_MBOX_OP_SET_FEATURE,
			.size_in = hdr_size + chunk,
			.payload_in = in,
		};

		in->flags = cpu_to_le32(feat_flag | action);
		in->offset = cpu_to_le16(offset + sent);
		memcpy(in->feat_data, feat_data + sent, chunk);
		rc = cxl_internal_send_cmd(cxl_mbox, &cmd);
		*return_code = cmd.return_code;
		if (rc)
			return rc;
		sent += chunk;
	}
	*return_code = CXL_MBOX_CMD_RC_SUCCESS;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_set_feature, CXL);

/* --- fwctl: device and per-FD context --------------------------------------- */

/**
 * struct cxl_fwctl - The fwctl device of a memdev
 * @fwctl: The fwctl device, first as fwctl_alloc_device() wants
 * @cxlfs: The features it serves; valid while registered, as the devres
 *	that frees them runs after the one that unregisters @fwctl
 */
struct cxl_fwctl {
	struct fwctl_device fwctl;
	struct cxl_features_state *cxlfs;
};

/* No firmware state belongs to an FD: the context is the core's alone */
static int cxlctl_open_uctx(struct fwctl_uctx *uctx)
{
	return 0;
}

static void cxlctl_close_uctx(struct fwctl_uctx *uctx)
{
}

/* --- fwctl: validation -------------------------------------------------------- */

#define CXL_CMD_IMMEDIATE_EFFECTS						\
	(CXL_CMD_CONFIG_CHANGE_IMMEDIATE | CXL_CMD_DATA_CHANGE_IMMEDIATE |	\
	 CXL_CMD_POLICY_CHANGE_IMMEDIATE | CXL_CMD_LOG_CHANGE_IMMEDIATE)
#define CXL_CMD_RESET_EFFECTS							\
	(CXL_CMD_CONFIG_CHANGE_COLD_RESET | CXL_CMD_CONFIG_CHANGE_CONV_RESET |	\
	 CXL_CMD_CONFIG_CHANGE_CXL_RESET)

/*
 * The scope a Set Feature needs, from what the device says it does. A change
 * that takes effect at once may disturb memory in use: only the full debug
 * scope may make it. One that waits for a reset needs the debug write scope.
 * Effects the kernel cannot judge (reserved bits, a background operation, or
 * none claimed at all) are never allowed.
 */
VISIBLE_IF_KUNIT int cxl_feature_set_min_scope(u16 effects)
{
	if (effects & (CXL_CMD_EFFECTS_RESERVED | CXL_CMD_BACKGROUND))
		return -EINVAL;
	if (effects & CXL_CMD_IMMEDIATE_EFFECTS)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	if (effects & CXL_CMD_RESET_EFFECTS)
		return FWCTL_RPC_DEBUG_WRITE;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(cxl_feature_set_min_scope);

#define CXLCTL_HDR_SIZE sizeof(struct fwctl_rpc_cxl_hdr)
#define CXLCTL_OUT_HDR_SIZE sizeof(struct fwctl_rpc_cxl_out_hdr)
/*
 * The fwctl core copies at most 2 MiB of a response: a Get Supported
 * Features reply holds no more entries than fit, and the caller asks again
 * from the next start_idx.
 */
#define CXLCTL_MAX_SUP_ENTRIES						\
	((SZ_2M - sizeof(struct fwctl_rpc_cxl_out) - CXL_FEAT_HDR_SIZE) /	\
	 CXL_FEAT_ENTRY_SIZE)

/*
 * Every check of a request that needs no device state, before any of it is
 * used: the header must be there before it is read, and the payload it
 * announces before that is read. The response buffer must hold what a Get
 * Feature asks for and a Set Feature's header. A request may be longer than
 * the header and payload: tools built on upstream send whole structs.
 */
VISIBLE_IF_KUNIT int cxlctl_validate_rpc(const struct fwctl_rpc_cxl *rpc,
					 size_t in_len, size_t out_len)
{
	size_t count, offset, data;

	if (in_len < CXLCTL_HDR_SIZE)
		return -EINVAL;
	switch (rpc->opcode) {
	case CXL_MBOX_OP_GET_SUPPORTED_FEATURES:
	case CXL_MBOX_OP_GET_FEATURE:
	case CXL_MBOX_OP_SET_FEATURE:
		break;
	default:
		return -EINVAL;
	}
	if (rpc->flags || rpc->reserved1)
		return -EINVAL;
	if (in_len - CXLCTL_HDR_SIZE < rpc->op_size)
		return -EINVAL;

	switch (rpc->opcode) {
	case CXL_MBOX_OP_GET_SUPPORTED_FEATURES:
		if (rpc->op_size != sizeof(rpc->get_sup_feats_in))
			return -EINVAL;
		break;
	case CXL_MBOX_OP_GET_FEATURE:
		if (rpc->op_size != sizeof(rpc->get_feat_in))
			return -EINVAL;
		count = le16_to_cpu(rpc->get_feat_in.count);
		offset = le16_to_cpu(rpc->get_feat_in.offset);
		if (!count || out_len < CXLCTL_OUT_HDR_SIZE + count ||
		    offset + count > U16_MAX + 1)
			return -EINVAL;
		break;
	case CXL_MBOX_OP_SET_FEATURE:
		if (rpc->op_size <= sizeof(struct cxl_mbox_set_feat_hdr) ||
		    out_len < CXLCTL_OUT_HDR_SIZE)
			return -EINVAL;
		data = rpc->op_size - sizeof(struct cxl_mbox_set_feat_hdr);
		offset = le16_to_cpu(rpc->set_feat_in.offset);
		if (offset + data > U16_MAX + 1)
			return -EINVAL;
		break;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cxlctl_validate_rpc);

/* Whether this Set Feature may run at @scope; EPERM for the kernel's own */
static int cxlctl_check_set_feature(struct cxl_features_state *cxlfs,
				    const struct fwctl_rpc_cxl *rpc,
				    enum fwctl_rpc_scope scope)
{
	const uuid_t *uuid = &rpc->set_feat_in.uuid;
	struct cxl_feat_entry *ent;
	int min_scope;

	if (cxlfs->cxlds->cxl_mbox.feat_cap < CXL_FEATURES_RW)
		return -EINVAL;
	ent = cxl_feature_info(cxlfs, uuid);
	if (IS_ERR(ent))
		return -EINVAL;
	if (!(le32_to_cpu(ent->flags) & CXL_FEATURE_F_CHANGEABLE))
		return -EINVAL;
	min_scope = cxl_feature_set_min_scope(le16_to_cpu(ent->effects));
	if (min_scope < 0 || scope < min_scope)
		return -EINVAL;
	if (cxl_feature_is_kernel_owned(uuid))
		return -EPERM;
	return 0;
}

/* --- fwctl: RPCs ------------------------------------------------------------------ */

/*
 * Upstream reports sizeof(struct fwctl_rpc_cxl_out) plus the payload as the
 * response length, 8 bytes more than the header and payload it writes.
 * Tools see that length, so it is kept, and the buffer is that long and
 * zeroed so the extra bytes copied out are zeros.
 */
static struct fwctl_rpc_cxl_out *cxlctl_alloc_out(size_t payload,
						  size_t *out_len)
{
	struct fwctl_rpc_cxl_out *out;

	*out_len = sizeof(*out) + payload;
	out = kvzalloc(*out_len, GFP_KERNEL);
	return out ?: ERR_PTR(-ENOMEM);
}

/* Answered from the cache, with the kernel's own features read-only */
static void *cxlctl_get_supported_features(struct cxl_features_state *cxlfs,
					   const struct fwctl_rpc_cxl *rpc,
					   size_t *out_len)
{
	const struct cxl_mbox_get_sup_feats_in *in = &rpc->get_sup_feats_in;
	struct cxl_feat_entries *entries = cxlfs->entries;
	struct cxl_mbox_get_sup_feats_out *sup;
	struct fwctl_rpc_cxl_out *out;
	size_t start, n, i;

	start = le16_to_cpu(in->start_idx);
	if (start >= entries->num_features)
		return ERR_PTR(-EINVAL);
	n = le32_to_cpu(in->count) / CXL_FEAT_ENTRY_SIZE;
	n = min3(n, entries->num_features - start, CXLCTL_MAX_SUP_ENTRIES);

	out = cxlctl_alloc_out(CXL_FEAT_HDR_SIZE + n * CXL_FEAT_ENTRY_SIZE,
			       out_len);
	if (IS_ERR(out))
		return out;
	sup = &out->get_sup_feats_out;
	sup->num_entries = cpu_to_le16(n);
	sup->supported_feats = cpu_to_le16(entries->num_features);
	for (i = 0; i < n; i++) {
		struct cxl_feat_entry *ent = &sup->ents[i];

		*ent = entries->ent[start + i];
		if (cxl_feature_is_kernel_owned(&ent->uuid)) {
			ent->set_feat_size = 0;
			ent->flags &= ~cpu_to_le32(CXL_FEATURE_F_CHANGEABLE);
		}
	}
	out->size = CXL_FEAT_HDR_SIZE + n * CXL_FEAT_ENTRY_SIZE;
	return out;
}

/*
 * A device that refuses a command still answers the RPC: user space reads
 * the CXL return code from retval. Only running out of memory, or a
 * transport failure, which has no return code, fails the ioctl.
 */
static int cxlctl_mbox_errno(int rc, u16 return_code)
{
	if (rc == -ENOMEM)
		return rc;
	if (!rc || return_code != CXL_MBOX_CMD_RC_SUCCESS)
		return 0;
	switch (rc) {
	case -EBUSY:
	case -ENXIO:
	case -ETIMEDOUT:
	case -EINTR:
		return rc;
	default:
		return -EIO;
	}
}

static void *cxlctl_get_feature(struct cxl_features_state *cxlfs,
				const struct fwctl_rpc_cxl *rpc,
				size_t *out_len)
{
	const struct cxl_mbox_get_feat_in *in = &rpc->get_feat_in;
	size_t count = le16_to_cpu(in->count), received;
	struct fwctl_rpc_cxl_out *out;
	u16 return_code;
	int rc, err;

	out = cxlctl_alloc_out(count, out_len);
	if (IS_ERR(out))
		return out;
	rc = cxl_read_feature(&cxlfs->cxlds->cxl_mbox, &in->uuid,
			      in->selection, out->payload, count,
			      le16_to_cpu(in->offset), &received,
			      &return_code);
	err = cxlctl_mbox_errno(rc, return_code);
	if (err) {
		kvfree(out);
		return ERR_PTR(err);
	}
	if (rc) {
		/* Drop whatever part arrived: size says nothing came */
		memset(out->payload, 0, count);
		received = 0;
	}
	out->size = received;
	out->retval = return_code;
	*out_len = sizeof(*out) + received;
	return out;
}

static void *cxlctl_set_feature(struct cxl_features_state *cxlfs,
				const struct fwctl_rpc_cxl *rpc,
				enum fwctl_rpc_scope scope, size_t *out_len)
{
	const struct cxl_mbox_set_feat_in *in = &rpc->set_feat_in;
	size_t data = rpc->op_size - sizeof(struct cxl_mbox_set_feat_hdr);
	struct fwctl_rpc_cxl_out *out;
	u16 return_code;
	int rc, err;

	rc = cxlctl_check_set_feature(cxlfs, rpc, scope);
	if (rc)
		return ERR_PTR(rc);
	out = cxlctl_alloc_out(0, out_len);
	if (IS_ERR(out))
		return out;
	rc = cxl_set_feature(&cxlfs->cxlds->cxl_mbox, &in->uuid, in->version,
			     in->feat_data, data, le32_to_cpu(in->flags),
			     le16_to_cpu(in->offset), &return_code);
	err = cxlctl_mbox_errno(rc, return_code);
	if (err) {
		kvfree(out);
		return ERR_PTR(err);
	}
	out->retval = return_code;
	return out;
}

static void *cxlctl_fw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			   void *rpc_in, size_t in_len, size_t *out_len)
{
	struct cxl_fwctl *cf = container_of(uctx->fwctl, struct cxl_fwctl,
					    fwctl);
	const struct fwctl_rpc_cxl *rpc = rpc_in;
	int rc;

	rc = cxlctl_validate_rpc(rpc, in_len, *out_len);
	if (rc)
		return ERR_PTR(rc);

	switch (rpc->opcode) {
	case CXL_MBOX_OP_GET_SUPPORTED_FEATURES:
		return cxlctl_get_supported_features(cf->cxlfs, rpc, out_len);
	case CXL_MBOX_OP_GET_FEATURE:
		return cxlctl_get_feature(cf->cxlfs, rpc, out_len);
	default:
		return cxlctl_set_feature(cf->cxlfs, rpc, scope, out_len);
	}
}

#define CXLCTL_CMD(_op, _name, _scope, _op_size, _resp_min, _resp_max)	\
	{								\
		.id = CXL_MBOX_OP_##_op,				\
		.name = _name,						\
		.min_scope = FWCTL_RPC_##_scope,			\
		.req_min = CXLCTL_HDR_SIZE + (_op_size),		\
		.req_max = SZ_2M,					\
		.resp_min = (_resp_min),				\
		.resp_max = (_resp_max),				\
	}

static const struct fwctl_cmd_spec cxlctl_commands[] = {
	CXLCTL_CMD(GET_SUPPORTED_FEATURES, "get_supported_features",
		   CONFIGURATION, sizeof(struct cxl_mbox_get_sup_feats_in),
		   sizeof(struct fwctl_rpc_cxl_out) + CXL_FEAT_HDR_SIZE,
		   sizeof(struct fwctl_rpc_cxl_out) + CXL_FEAT_HDR_SIZE +
			   CXLCTL_MAX_SUP_ENTRIES * CXL_FEAT_ENTRY_SIZE),
	CXLCTL_CMD(GET_FEATURE, "get_feature", CONFIGURATION,
		   sizeof(struct cxl_mbox_get_feat_in),
		   sizeof(struct fwctl_rpc_cxl_out),
		   sizeof(struct fwctl_rpc_cxl_out) + U16_MAX),
	CXLCTL_CMD(SET_FEATURE, "set_feature", DEBUG_WRITE,
		   sizeof(struct cxl_mbox_set_feat_hdr) + 1,
		   sizeof(struct fwctl_rpc_cxl_out),
		   sizeof(struct fwctl_rpc_cxl_out)),
};

/* What fw_rpc returns beyond the core's own errnos */
static const int cxlctl_errnos[] = {
	EINVAL, EPERM, ENOMEM, EIO, EBUSY, ENXIO,
};

static const struct fwctl_ops cxlctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_CXL,
	.uctx_size = sizeof(struct fwctl_uctx),
	.open_uctx = cxlctl_open_uctx,
	.close_uctx = cxlctl_close_uctx,
	.fw_rpc = cxlctl_fw_rpc,
	.commands = cxlctl_commands,
	.nr_commands = ARRAY_SIZE(cxlctl_commands),
	.errnos = cxlctl_errnos,
	.nr_errnos = ARRAY_SIZE(cxlctl_errnos),
};

/* --- fwctl: probe and remove ------------------------------------------------------ */

static void cxlctl_remove(void *data)
{
	struct cxl_fwctl *cf = data;

	fwctl_unregister(&cf->fwctl);
	fwctl_put(&cf->fwctl);
}

/**
 * devm_cxl_setup_fwctl() - Offer a memdev's features to user space
 * @host: The device whose devres tears the fwctl device down: the one that
 *	owns the memdev and the feature list (the PCI function)
 * @cxlmd: The memdev, parent of the fwctl device
 *
 * Registers /dev/fwctl/fwctlN, in sysfs below the memdev, when the device
 * has features and at least one of them is not the kernel's.
 *
 * Return: 0, -ENODEV when there is nothing for user space, or an errno.
 */
int devm_cxl_setup_fwctl(struct device *host, struct cxl_memdev *cxlmd)
{
	struct cxl_features_state *cxlfs = to_cxlfs(cxlmd->cxlds);
	int rc;

	if (!cxlfs || !cxlfs->entries || !cxlfs->entries->num_user_features)
		return -ENODEV;

	struct cxl_fwctl *cf __free(fwctl) =
		fwctl_alloc_device(&cxlmd->dev, &cxlctl_ops, struct cxl_fwctl,
				   fwctl);
	if (!cf)
		return -ENOMEM;
	cf->cxlfs = cxlfs;

	rc = fwctl_register(&cf->fwctl);
	if (rc)
		return rc;
	return devm_add_action_or_reset(host, cxlctl_remove, no_free_ptr(cf));
}
EXPORT_SYMBOL_NS_GPL(devm_cxl_setup_fwctl, CXL);

MODULE_IMPORT_NS(FWCTL);
