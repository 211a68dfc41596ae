// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl cxl: the CXL Features commands (Get Supported Features, Get Feature,
 * Set Feature) of include/uapi/fwctl/cxl.h, built and decoded, so that an
 * operator need not know their layouts. Documentation/userspace-api/fwctl/
 * fwctl-cxl.rst has the kernel's side: the checks, the scopes and errnos.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fwctl/fwctl.h>
#include <fwctl/cxl.h>

#include "fwctl.h"

/* The Features opcodes of the CXL mailbox */
#define CXL_OP_GET_SUPPORTED_FEATURES 0x0500
#define CXL_OP_GET_FEATURE 0x0501
#define CXL_OP_SET_FEATURE 0x0502

#define CXL_ENTRY_LEN sizeof(struct cxl_feat_entry)
/* Entries asked for per Get Supported Features */
#define CXL_SUP_PAGE 64
#define CXL_UUID_STR_LEN 36

/* The feature list of a device, as Get Supported Features returns it */
struct cxl_features {
	struct cxl_feat_entry *ents;
	unsigned int n;
	unsigned int supported;
};

/* Command Effects Log bits, as they are named in the man page and JSON */
static const char *const effect_names[16] = {
	[0] = "config-change-cold-reset",
	[1] = "config-change-immediate",
	[2] = "data-change-immediate",
	[3] = "policy-change-immediate",
	[4] = "log-change-immediate",
	[5] = "security-state-change",
	[6] = "background",
	[7] = "background-abort",
	[9] = "effects-valid",
	[10] = "config-change-conventional-reset",
	[11] = "config-change-cxl-reset",
};

static const char *const selections[] = {
	[CXL_GET_FEAT_SEL_CURRENT_VALUE] = "current",
	[CXL_GET_FEAT_SEL_DEFAULT_VALUE] = "default",
	[CXL_GET_FEAT_SEL_SAVED_VALUE] = "saved",
};

/* The CXL return codes a Features command can end with */
static const char *retval_name(__u32 retval)
{
	switch (retval) {
	case 0: return "success";
	case 2: return "invalid input";
	case 3: return "unsupported";
	case 4: return "internal error";
	case 6: return "busy";
	case 22: return "invalid payload length";
	case 25: return "unsupported feature version";
	case 26: return "unsupported feature selection value";
	case 27: return "feature transfer in progress";
	case 28: return "feature transfer out of order";
	case 29: return "resources exhausted";
	default: return "unknown";
	}
}

#define CXL_EFFECTS_IMMEDIATE \
	(CXL_CMD_CONFIG_CHANGE_IMMEDIATE | CXL_CMD_DATA_CHANGE_IMMEDIATE | \
	 CXL_CMD_POLICY_CHANGE_IMMEDIATE | CXL_CMD_LOG_CHANGE_IMMEDIATE)
#define CXL_EFFECTS_RESET \
	(CXL_CMD_CONFIG_CHANGE_COLD_RESET | CXL_CMD_CONFIG_CHANGE_CONV_RESET | \
	 CXL_CMD_CONFIG_CHANGE_CXL_RESET)

/*
 * The lowest scope at which the kernel lets a Set Feature of @ent through,
 * by the rule of fwctl-cxl.rst ("Scopes of Set Feature"); -1 if none does.
 */
static int set_scope(const struct cxl_feat_entry *ent)
{
	__u16 effects = le16toh(ent->effects);

	if (!(le32toh(ent->flags) & CXL_FEATURE_F_CHANGEABLE))
		return -1;
	if (effects & (CXL_CMD_EFFECTS_RESERVED | CXL_CMD_BACKGROUND))
		return -1;
	if (effects & CXL_EFFECTS_IMMEDIATE)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	if (effects & CXL_EFFECTS_RESET)
		return FWCTL_RPC_DEBUG_WRITE;
	return -1;
}

static void format_uuid(const __u8 *uuid, char *s)
{
	static const int dash_after[] = { 3, 5, 7, 9 };
	size_t i, d = 0;

	for (i = 0; i != 16; i++) {
		s += sprintf(s, "%02x", uuid[i]);
		if (d < ARRAY_SIZE(dash_after) && dash_after[d] == (int)i) {
			*s++ = '-';
			d++;
		}
	}
	*s = 0;
}

/* Parse the 36-character form, the bytes in the order they are written */
static bool parse_uuid(const char *s, __u8 *uuid)
{
	struct bytes b = {};
	size_t i;
	bool ok;

	if (strlen(s) != CXL_UUID_STR_LEN)
		return false;
	for (i = 0; i != CXL_UUID_STR_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash != (s[i] == '-'))
			return false;
		if (!dash && !isxdigit((unsigned char)s[i]))
			return false;
	}
	parse_hex(NULL, &b, s);
	ok = b.len == 16;
	if (ok)
		memcpy(uuid, b.data, 16);
	free(b.data);
	return ok;
}

/*
 * Send one CXL command with @payload and a response buffer for @out_len
 * bytes after the response header. Returns the response, whose size has
 * been checked against what arrived, or NULL after an error message with
 * *@rc the exit code.
 */
static struct fwctl_rpc_cxl_out *cxl_cmd(struct device *dev, __u32 scope,
					 __u32 opcode, const void *payload,
					 size_t payload_len, size_t out_len,
					 const char *what, int *rc)
{
	struct fwctl_rpc_cxl_hdr hdr = {
		.opcode = opcode,
		.op_size = payload_len,
	};
	struct fwctl_rpc_cxl_out *out;
	struct bytes req = {};
	__u32 rsp_len, buf_len;
	void *rsp;

	/*
	 * sizeof(*out) is the header and 8 bytes more: the kernel reports 8
	 * bytes past the payload it writes, and they must fit too.
	 */
	buf_len = sizeof(*out) + out_len;
	bytes_add(&req, &hdr, sizeof(hdr));
	bytes_add(&req, payload, payload_len);
	if (do_rpc(dev->fd, scope, req.data, req.len, buf_len, &rsp,
		   &rsp_len)) {
		ioctl_error(what);
		free(req.data);
		*rc = EXIT_KERNEL;
		return NULL;
	}
	free(req.data);
	out = rsp;
	if (rsp_len > buf_len)
		rsp_len = buf_len;
	if (rsp_len < sizeof(out->hdr) ||
	    out->size > rsp_len - sizeof(out->hdr) || out->size > out_len) {
		print_error("%s: malformed response (%u bytes, size %u)", what,
			    rsp_len, out->size);
		free(out);
		*rc = EXIT_KERNEL;
		return NULL;
	}
	if (out->retval) {
		print_error("the device refused %s: retval %u (%s)", what,
			    out->retval, retval_name(out->retval));
		free(out);
		*rc = EXIT_FIRMWARE;
		return NULL;
	}
	return out;
}

/* Read the whole feature list of @dev, a page at a time; 0 or an exit code */
static int read_features(struct device *dev, struct cxl_features *f)
{
	struct cxl_mbox_get_sup_feats_in in = {
		.count = htole32(CXL_SUP_PAGE * CXL_ENTRY_LEN),
	};
	unsigned int start = 0, num;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	do {
		const struct cxl_mbox_get_sup_feats_out *sup;
		struct fwctl_rpc_cxl_out *out;
		size_t hdr = sizeof(struct cxl_mbox_get_sup_feats_out_hdr);

		in.start_idx = htole16(start);
		out = cxl_cmd(dev, FWCTL_RPC_CONFIGURATION,
			      CXL_OP_GET_SUPPORTED_FEATURES, &in, sizeof(in),
			      hdr + CXL_SUP_PAGE * CXL_ENTRY_LEN,
			      "Get Supported Features", &rc);
		if (!out)
			return rc;
		sup = &out->get_sup_feats_out;
		num = out->size >= hdr ? le16toh(sup->num_entries) : 0;
		if (num > CXL_SUP_PAGE || hdr + num * CXL_ENTRY_LEN > out->size) {
			print_error("Get Supported Features: %u entries in %u bytes",
				    num, out->size);
			free(out);
			return EXIT_KERNEL;
		}
		if (!start)
			f->supported = le16toh(sup->supported_feats);
		f->ents = realloc(f->ents, (f->n + num) * CXL_ENTRY_LEN + 1);
		if (!f->ents) {
			print_error("out of memory");
			exit(EXIT_KERNEL);
		}
		memcpy(f->ents + f->n, sup->ents, num * CXL_ENTRY_LEN);
		f->n += num;
		start += num;
		free(out);
	} while (num && start < f->supported);
	if (f->n != f->supported)
		print_error("warning: the device listed %u of the %u features it supports",
			    f->n, f->supported);
	return 0;
}

/* The entry of @uuid on @dev's list; exits if there is none */
static const struct cxl_feat_entry *find_feature(const struct command *cmd,
						 const struct cxl_features *f,
						 const struct device *dev,
						 const char *arg, __u8 *uuid)
{
	unsigned int i;

	if (!parse_uuid(arg, uuid))
		usage_error(cmd, "bad UUID '%s': want 8-4-4-4-12 hex digits", arg);
	for (i = 0; i != f->n; i++)
		if (!memcmp(f->ents[i].uuid, uuid, 16))
			return &f->ents[i];
	usage_error(cmd, "%s has no feature %s ('fwctl cxl features %s' lists them)",
		    dev->node, arg, dev->node);
}

static struct json_object *feature_json(const struct cxl_feat_entry *ent)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *names = json_object_new_array();
	__u32 flags = le32toh(ent->flags);
	__u16 effects = le16toh(ent->effects);
	int scope = set_scope(ent);
	char uuid[CXL_UUID_STR_LEN + 1], other[16];
	unsigned int bit;

	format_uuid(ent->uuid, uuid);
	for (bit = 0; bit != 16; bit++) {
		const char *name = effect_names[bit];

		if (!(effects & (1U << bit)))
			continue;
		if (!name) {
			snprintf(other, sizeof(other), "bit-%u", bit);
			name = other;
		}
		json_object_array_add(names, json_object_new_string(name));
	}
	json_add_str(obj, "uuid", uuid);
	json_add_int(obj, "id", le16toh(ent->id));
	json_add_int(obj, "get_size", le16toh(ent->get_feat_size));
	json_add_int(obj, "set_size", le16toh(ent->set_feat_size));
	json_add_int(obj, "get_version", ent->get_feat_ver);
	json_add_int(obj, "set_version", ent->set_feat_ver);
	json_add_int(obj, "flags", flags);
	json_add_bool(obj, "changeable", flags & CXL_FEATURE_F_CHANGEABLE);
	json_add_bool(obj, "default_selection", flags & CXL_FEATURE_F_DEFAULT_SEL);
	json_add_bool(obj, "saved_selection", flags & CXL_FEATURE_F_SAVED_SEL);
	json_add_int(obj, "persist_reset",
		     (flags & CXL_FEATURE_F_PERSIST_RESET_MASK) >> 1);
	json_add_int(obj, "effects", effects);
	json_object_object_add(obj, "effect_names", names);
	json_add_str(obj, "set_scope", scope < 0 ? NULL : scope_name(scope));
	return obj;
}

static void print_feature(const struct cxl_feat_entry *ent)
{
	__u32 flags = le32toh(ent->flags);
	__u16 effects = le16toh(ent->effects);
	int scope = set_scope(ent);
	char uuid[CXL_UUID_STR_LEN + 1];
	unsigned int bit;

	format_uuid(ent->uuid, uuid);
	printf("feature %s\n", uuid);
	printf("  id: %u\n", le16toh(ent->id));
	printf("  get size: %u, version %u\n", le16toh(ent->get_feat_size),
	       ent->get_feat_ver);
	printf("  set size: %u, version %u\n", le16toh(ent->set_feat_size),
	       ent->set_feat_ver);
	printf("  flags: 0x%x%s%s%s\n", flags,
	       flags & CXL_FEATURE_F_CHANGEABLE ? " changeable" : "",
	       flags & CXL_FEATURE_F_DEFAULT_SEL ? " default-selection" : "",
	       flags & CXL_FEATURE_F_SAVED_SEL ? " saved-selection" : "");
	printf("  effects: 0x%04x", effects);
	for (bit = 0; bit != 16; bit++) {
		if (!(effects & (1U << bit)))
			continue;
		if (effect_names[bit])
			printf(" %s", effect_names[bit]);
		else
			printf(" bit-%u", bit);
	}
	printf("\n  set needs scope: %s\n",
	       scope < 0 ? "none (the kernel refuses every Set Feature)" :
	       scope_name(scope));
}

static int cmd_features(const struct command *cmd, int argc, char **argv)
{
	struct cxl_features f;
	struct device dev;
	unsigned int i;
	int rc;

	no_options(cmd, argc, argv);
	if (argc - optind != 1)
		usage_error(cmd, "cxl features takes one argument, the device");
	open_device_of_type(cmd, argv[optind], &dev, FWCTL_DEVICE_TYPE_CXL);
	rc = read_features(&dev, &f);
	close(dev.fd);
	if (rc)
		return rc;
	if (json_output) {
		struct json_object *obj = json_object_new_object();
		struct json_object *list = json_object_new_array();

		for (i = 0; i != f.n; i++)
			json_object_array_add(list, feature_json(&f.ents[i]));
		json_add_str(obj, "device", dev.name);
		json_add_int(obj, "supported", f.supported);
		json_object_object_add(obj, "features", list);
		json_print(obj);
	} else {
		printf("%s: %u feature%s\n", dev.name, f.supported,
		       f.supported == 1 ? "" : "s");
		for (i = 0; i != f.n; i++)
			print_feature(&f.ents[i]);
	}
	free(f.ents);
	return 0;
}

static int cmd_get(const struct command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "selection", required_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'o' },
		{}
	};
	struct cxl_mbox_get_feat_in in = {};
	const struct cxl_feat_entry *ent;
	struct fwctl_rpc_cxl_out *out = NULL;
	char uuid[CXL_UUID_STR_LEN + 1];
	const char *out_file = NULL;
	unsigned int sel = CXL_GET_FEAT_SEL_CURRENT_VALUE;
	struct cxl_features f;
	struct device dev;
	__u16 size;
	int c, rc;

	while ((c = next_option(cmd, argc, argv, "S:o:",
				options)) != -1) {
		if (c == 'o') {
			out_file = optarg;
			continue;
		}
		for (sel = 0; sel != ARRAY_SIZE(selections); sel++)
			if (!strcmp(optarg, selections[sel]))
				break;
		if (sel == ARRAY_SIZE(selections))
			usage_error(cmd, "unknown selection '%s': use current, default or saved",
				    optarg);
	}
	if (argc - optind != 2)
		usage_error(cmd, "cxl get takes two arguments, the device and the feature's UUID");
	if (json_output && out_file && !strcmp(out_file, "-"))
		usage_error(cmd, "--out - and --json would both write to standard output");
	open_device_of_type(cmd, argv[optind], &dev, FWCTL_DEVICE_TYPE_CXL);
	rc = read_features(&dev, &f);
	if (rc) {
		close(dev.fd);
		return rc;
	}
	ent = find_feature(cmd, &f, &dev, argv[optind + 1], in.uuid);
	format_uuid(in.uuid, uuid);
	size = le16toh(ent->get_feat_size);
	in.count = htole16(size);
	in.selection = sel;
	/* The kernel refuses a count of 0: there is nothing to read */
	if (size) {
		out = cxl_cmd(&dev, FWCTL_RPC_CONFIGURATION, CXL_OP_GET_FEATURE,
			      &in, sizeof(in), size, "Get Feature", &rc);
		if (!out)
			goto out;
		if (out->size != size)
			print_error("warning: the device sent %u bytes of the %u the feature has",
				    out->size, size);
		size = out->size;
	}
	if (out_file && write_file(out_file, out ? out->payload : NULL,
				   size)) {
		rc = EXIT_KERNEL;
		goto out;
	}
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_str(obj, "uuid", uuid);
		json_add_str(obj, "selection", selections[sel]);
		json_add_int(obj, "size", size);
		json_object_object_add(obj, "data", out_file ? NULL :
				       json_hex(out ? out->payload : NULL, size));
		json_print(obj);
	} else if (!out_file) {
		printf("feature %s (%s): %u bytes\n", uuid, selections[sel],
		       size);
		hexdump(out ? out->payload : NULL, size);
	}
out:
	free(out);
	free(f.ents);
	close(dev.fd);
	return rc;
}

static int cmd_set(const struct command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "scope", required_argument, NULL, 's' },
		{ "in", required_argument, NULL, 'i' },
		{}
	};
	struct cxl_mbox_set_feat_hdr hdr = {
		.flags = htole32(CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER),
	};
	const struct cxl_feat_entry *ent;
	struct fwctl_rpc_cxl_out *out;
	char uuid[CXL_UUID_STR_LEN + 1];
	const char *in_file = NULL;
	struct bytes req = {}, payload = {};
	bool have_scope = false;
	struct cxl_features f;
	struct device dev;
	__u32 scope = 0;
	__u16 set_size;
	int c, i, rc;

	while ((c = next_option(cmd, argc, argv, "s:i:", options)) != -1) {
		if (c == 's') {
			scope = parse_scope(cmd, optarg);
			have_scope = true;
		} else {
			in_file = optarg;
		}
	}
	if (argc - optind < 2)
		usage_error(cmd, "cxl set needs the device, the feature's UUID and the data");
	for (i = optind + 2; i < argc; i++)
		parse_hex(cmd, &req, argv[i]);
	if (in_file && req.len)
		usage_error(cmd, "give the data as hex bytes or with --in, not both");
	if (in_file && read_file(&req, in_file))
		return EXIT_KERNEL;
	if (!req.len)
		usage_error(cmd, "cxl set needs data: hex bytes or --in FILE");

	open_device_of_type(cmd, argv[optind], &dev, FWCTL_DEVICE_TYPE_CXL);
	rc = read_features(&dev, &f);
	if (rc) {
		close(dev.fd);
		free(req.data);
		return rc;
	}
	ent = find_feature(cmd, &f, &dev, argv[optind + 1], hdr.uuid);
	format_uuid(hdr.uuid, uuid);
	set_size = le16toh(ent->set_feat_size);
	if (set_scope(ent) < 0)
		usage_error(cmd, "Set Feature of %s is never allowed (flags %#x, effects %#06x)",
			    uuid, le32toh(ent->flags), le16toh(ent->effects));
	if (req.len > set_size)
		usage_error(cmd, "%zu bytes do not fit the feature's %u", req.len,
			    set_size);
	if (!have_scope)
		scope = set_scope(ent);
	hdr.version = ent->set_feat_ver;
	/* The Set Feature payload: its header, then the data */
	bytes_add(&payload, &hdr, sizeof(hdr));
	bytes_add(&payload, req.data, req.len);
	out = cxl_cmd(&dev, scope, CXL_OP_SET_FEATURE, payload.data,
		      payload.len, 0, "Set Feature", &rc);
	free(payload.data);
	close(dev.fd);
	if (out && json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_str(obj, "uuid", uuid);
		json_add_int(obj, "len", req.len);
		json_object_object_add(obj, "scope", json_scope(scope));
		json_print(obj);
	} else if (out) {
		printf("set feature %s: %zu bytes at scope ", uuid, req.len);
		if (scope_name(scope))
			printf("%s\n", scope_name(scope));
		else
			printf("%u\n", scope);
	}
	if (out)
		rc = 0;
	free(out);
	free(req.data);
	free(f.ents);
	return rc;
}

static const struct command cxl_subcommands[] = {
	{
		.name = "features",
		.run = cmd_features,
		.usage = "cxl features DEV [-j]",
		.help =
"List the features of a CXL memdev (Get Supported Features): UUID, sizes\n"
"and versions of Get and Set, flags, the effects of a Set by name, and the\n"
"scope the kernel wants for a Set of each.\n"
"\n"
"  -j, --json   print a JSON object\n",
	},
	{
		.name = "get",
		.run = cmd_get,
		.usage = "cxl get DEV UUID [-S current|default|saved] [-o FILE] [-j]",
		.help =
"Read the value of a feature (Get Feature), whole.\n"
"\n"
"  -S, --selection SEL   the current value (default), the default one or\n"
"                        the saved one\n"
"  -o, --out FILE        write the raw value to FILE (- for standard output)\n"
"  -j, --json            print a JSON object\n",
	},
	{
		.name = "set",
		.run = cmd_set,
		.usage = "cxl set DEV UUID (HEX... | -i FILE) [-s SCOPE] [-j]",
		.help =
"Change a feature with one Set Feature (a full data transfer) that writes\n"
"DATA from the feature's first byte. The scope is the lowest the kernel\n"
"allows for the feature's effects: write for a change at the next reset,\n"
"full (CAP_SYS_RAWIO) for one that takes effect at once. Either taints the\n"
"kernel. Refused before anything is sent: a feature that is not changeable\n"
"or whose effects the kernel never allows, and data longer than the\n"
"feature's set size.\n"
"\n"
"  -i, --in FILE       read the data from FILE (- for standard input)\n"
"  -s, --scope SCOPE   send at this scope instead\n"
"  -j, --json          print a JSON object\n",
	},
};

static int cmd_cxl(const struct command *cmd, int argc, char **argv)
{
	return run_subcommand(cmd, cxl_subcommands,
			      ARRAY_SIZE(cxl_subcommands), argc, argv);
}

const struct command cxl_command = {
	.name = "cxl",
	.run = cmd_cxl,
	.usage = "cxl (features | get | set) ...",
	.help =
"The CXL Features commands of a CXL memdev's fwctl device:\n"
"\n"
"  features DEV              list the features\n"
"  get DEV UUID [-S SEL]     read a feature's value\n"
"  set DEV UUID DATA         change a feature (taints the kernel)\n"
"\n"
"'fwctl cxl SUBCOMMAND --help' shows the options of each.\n",
};
