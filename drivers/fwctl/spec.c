// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fwctl ioctl API as data: one specification per ioctl that the
 * dispatcher validates calls from, that debugfs exports for tools, and that
 * the documentation and the conformance test are checked against.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/seq_file.h>
#include <linux/stddef.h>
#include <kunit/visibility.h>

#include "fwctl_internal.h"

#define FWCTL_FIELD(_struct, _member, _dir, _check, _doc, ...)                 \
	{                                                                      \
		.name = #_member,                                              \
		.offset = offsetof(_struct, _member),                          \
		.size = sizeof_field(_struct, _member),                        \
		.dir = FWCTL_DIR_##_dir,                                       \
		.check = FWCTL_CHECK_##_check,                                 \
		.doc = _doc,                                                   \
		__VA_ARGS__                                                    \
	}

#define FWCTL_ERRNO(_err, _meaning)                                            \
	{ .err = _err, .name = #_err, .meaning = _meaning }

/* Errnos every fwctl ioctl can return, from the dispatcher and the core */
static const struct fwctl_errno_spec fwctl_common_errnos[] = {
	FWCTL_ERRNO(ENOTTY, "The ioctl number is not a fwctl ioctl"),
	FWCTL_ERRNO(EFAULT, "A user pointer could not be read or written"),
	FWCTL_ERRNO(EINVAL, "size is below the first version of the struct"),
	FWCTL_ERRNO(E2BIG, "Non-zero bytes past the struct this kernel knows"),
	FWCTL_ERRNO(ENODEV, "The device was unplugged; the FD is orphaned"),
	FWCTL_ERRNO(ENOMEM, "No memory for the request or the response"),
	FWCTL_ERRNO(EIO, "The driver returned a malformed result"),
};

/* The index of each field in its spec, which the rules refer to */
enum {
	FWCTL_INFO_SIZE,
	FWCTL_INFO_FLAGS,
	FWCTL_INFO_OUT_DEVICE_TYPE,
	FWCTL_INFO_DEVICE_DATA_LEN,
	FWCTL_INFO_OUT_DEVICE_DATA,
};

enum {
	FWCTL_RPC_SIZE,
	FWCTL_RPC_SCOPE,
	FWCTL_RPC_IN_LEN,
	FWCTL_RPC_OUT_LEN,
	FWCTL_RPC_IN,
	FWCTL_RPC_OUT,
};

static const struct fwctl_field_spec fwctl_info_fields[] = {
	[FWCTL_INFO_SIZE] = FWCTL_FIELD(struct fwctl_info, size, IN, SIZE,
					"sizeof(struct fwctl_info)"),
	[FWCTL_INFO_FLAGS] = FWCTL_FIELD(struct fwctl_info, flags, IN, ZERO,
					 "Must be 0", .err = EOPNOTSUPP),
	[FWCTL_INFO_OUT_DEVICE_TYPE] =
		FWCTL_FIELD(struct fwctl_info, out_device_type, OUT, NONE,
			    "enum fwctl_device_type of the device"),
	[FWCTL_INFO_DEVICE_DATA_LEN] =
		FWCTL_FIELD(struct fwctl_info, device_data_len, INOUT, NONE,
			    "Buffer length in, full device data length out"),
	[FWCTL_INFO_OUT_DEVICE_DATA] =
		FWCTL_FIELD(struct fwctl_info, out_device_data, OUT, UPTR,
			    "Device data buffer, zero-filled past the data",
			    .err = EFAULT,
			    .len_field = FWCTL_INFO_DEVICE_DATA_LEN),
};

static const struct fwctl_errno_spec fwctl_info_errnos[] = {
	FWCTL_ERRNO(EOPNOTSUPP, "flags is not 0"),
};

/* As upstream: an orphaned FD fails with ENODEV whatever the flags */
static const u8 fwctl_info_order[] = {
	FWCTL_RULE_ATTACHED,
	FWCTL_INFO_FLAGS,
};

static const struct fwctl_field_spec fwctl_rpc_fields[] = {
	[FWCTL_RPC_SIZE] = FWCTL_FIELD(struct fwctl_rpc, size, IN, SIZE,
				       "sizeof(struct fwctl_rpc)"),
	[FWCTL_RPC_SCOPE] =
		FWCTL_FIELD(struct fwctl_rpc, scope, IN, ENUM,
			    "enum fwctl_rpc_scope the caller claims",
			    .err = EOPNOTSUPP,
			    .max = FWCTL_RPC_DEBUG_WRITE_FULL),
	[FWCTL_RPC_IN_LEN] =
		FWCTL_FIELD(struct fwctl_rpc, in_len, IN, MAX,
			    "Request length", .err = EMSGSIZE,
			    .max = FWCTL_MAX_RPC_LEN),
	[FWCTL_RPC_OUT_LEN] =
		FWCTL_FIELD(struct fwctl_rpc, out_len, INOUT, MAX,
			    "Buffer length in, full response length out",
			    .err = EMSGSIZE, .max = FWCTL_MAX_RPC_LEN),
	[FWCTL_RPC_IN] =
		FWCTL_FIELD(struct fwctl_rpc, in, IN, UPTR, "Request buffer",
			    .err = EFAULT, .len_field = FWCTL_RPC_IN_LEN),
	[FWCTL_RPC_OUT] =
		FWCTL_FIELD(struct fwctl_rpc, out, OUT, UPTR,
			    "Response buffer, written up to the response length",
			    .err = EFAULT, .len_field = FWCTL_RPC_OUT_LEN),
};

static const struct fwctl_errno_spec fwctl_rpc_errnos[] = {
	FWCTL_ERRNO(EOPNOTSUPP, "scope is not a known enum fwctl_rpc_scope"),
	FWCTL_ERRNO(EMSGSIZE, "in_len or out_len is above 2 MiB"),
	FWCTL_ERRNO(EPERM, "The scope needs a capability the caller lacks"),
};

/*
 * As upstream: ENODEV first, then the lengths (EMSGSIZE), then the scope
 * (EOPNOTSUPP, or EPERM for a missing capability).
 */
static const u8 fwctl_rpc_order[] = {
	FWCTL_RULE_ATTACHED,
	FWCTL_RPC_IN_LEN,
	FWCTL_RPC_OUT_LEN,
	FWCTL_RPC_SCOPE,
};

/* The capability each scope needs, indexed by scope; 0 for none */
static const u8 fwctl_rpc_scope_caps[] = {
	[FWCTL_RPC_CONFIGURATION] = 0,
	[FWCTL_RPC_DEBUG_READ_ONLY] = 0,
	[FWCTL_RPC_DEBUG_WRITE] = 0,
	[FWCTL_RPC_DEBUG_WRITE_FULL] = CAP_SYS_RAWIO,
};

/* Fields cover their struct with no gap: a new field must be listed too */
static_assert(offsetofend(struct fwctl_info, out_device_data) ==
	      sizeof(struct fwctl_info));
static_assert(offsetofend(struct fwctl_rpc, out) == sizeof(struct fwctl_rpc));
static_assert(ARRAY_SIZE(fwctl_rpc_scope_caps) ==
	      FWCTL_RPC_DEBUG_WRITE_FULL + 1);

const struct fwctl_ioctl_spec fwctl_info_spec = {
	.name = "FWCTL_INFO",
	.cmd = FWCTL_INFO,
	.struct_name = "fwctl_info",
	.size = sizeof(struct fwctl_info),
	.min_size = offsetofend(struct fwctl_info, out_device_data),
	.version = 1,
	.fields = fwctl_info_fields,
	.nr_fields = ARRAY_SIZE(fwctl_info_fields),
	.errnos = fwctl_info_errnos,
	.nr_errnos = ARRAY_SIZE(fwctl_info_errnos),
	.order = fwctl_info_order,
	.nr_order = ARRAY_SIZE(fwctl_info_order),
	.effects = "none: reads the device type and the driver's device data",
};
EXPORT_SYMBOL_IF_KUNIT(fwctl_info_spec);

const struct fwctl_ioctl_spec fwctl_rpc_spec = {
	.name = "FWCTL_RPC",
	.cmd = FWCTL_RPC,
	.struct_name = "fwctl_rpc",
	.size = sizeof(struct fwctl_rpc),
	.min_size = offsetofend(struct fwctl_rpc, out),
	.version = 1,
	.fields = fwctl_rpc_fields,
	.nr_fields = ARRAY_SIZE(fwctl_rpc_fields),
	.errnos = fwctl_rpc_errnos,
	.nr_errnos = ARRAY_SIZE(fwctl_rpc_errnos),
	.order = fwctl_rpc_order,
	.nr_order = ARRAY_SIZE(fwctl_rpc_order),
	.scope_field = FWCTL_RPC_SCOPE,
	.scope_caps = fwctl_rpc_scope_caps,
	.effects = "runs a firmware RPC; scope >= DEBUG_WRITE taints (TAINT_FWCTL)",
};
EXPORT_SYMBOL_IF_KUNIT(fwctl_rpc_spec);

static u64 fwctl_field_value(const struct fwctl_field_spec *field,
			     const void *cmd)
{
	const void *p = cmd + field->offset;

	return field->size == sizeof(u64) ? *(const u64 *)p : *(const u32 *)p;
}

/* The errno of the rules of one field, or 0 if @cmd keeps them */
static int fwctl_check_field(const struct fwctl_ioctl_spec *spec,
			     unsigned int idx, const void *cmd)
{
	const struct fwctl_field_spec *field = &spec->fields[idx];
	u64 val = fwctl_field_value(field, cmd);

	switch (field->check) {
	case FWCTL_CHECK_ZERO:
		if (val)
			return -field->err;
		break;
	case FWCTL_CHECK_ENUM:
	case FWCTL_CHECK_MAX:
		if (val > field->max)
			return -field->err;
		break;
	default:
		break;
	}
	if (spec->scope_caps && idx == spec->scope_field &&
	    spec->scope_caps[val] && !capable(spec->scope_caps[val]))
		return -EPERM;
	return 0;
}

/**
 * fwctl_spec_validate - Check a command struct against its specification
 * @spec: The ioctl's specification
 * @cmd: The struct, copied in and zero-extended to @spec->size
 * @attached: Whether the device still has its driver
 *
 * Checks the rules in the order the specification gives them: the value
 * rules of each field, the capability the scope field asks for, and that
 * the device is attached. User pointers are checked where they are used,
 * by the copies.
 *
 * Return: 0 or the errno the specification gives the first broken rule.
 */
int fwctl_spec_validate(const struct fwctl_ioctl_spec *spec, const void *cmd,
			bool attached)
{
	unsigned int i;
	int ret;

	for (i = 0; i != spec->nr_order; i++) {
		if (spec->order[i] == FWCTL_RULE_ATTACHED)
			ret = attached ? 0 : -ENODEV;
		else
			ret = fwctl_check_field(spec, spec->order[i], cmd);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_spec_validate);

/**
 * fwctl_spec_errno - Look up an errno an ioctl may return
 * @spec: The ioctl's specification
 * @err: A positive errno
 *
 * Return: its entry, or NULL if the ioctl does not list it.
 */
const struct fwctl_errno_spec *
fwctl_spec_errno(const struct fwctl_ioctl_spec *spec, int err)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(fwctl_common_errnos); i++)
		if (fwctl_common_errnos[i].err == err)
			return &fwctl_common_errnos[i];
	for (i = 0; i != spec->nr_errnos; i++)
		if (spec->errnos[i].err == err)
			return &spec->errnos[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_spec_errno);

/**
 * fwctl_spec_has_errno - Whether an ioctl may return an errno
 * @spec: The ioctl's specification
 * @errnos: Extra errnos the driver declared, or NULL
 * @nr_errnos: Number of @errnos
 * @err: A positive errno
 *
 * Any driver may also stop waiting for its firmware when a signal comes
 * (EINTR, or one of the restart codes the kernel turns into EINTR or a
 * restart of the call) or when the firmware does not answer in time
 * (ETIMEDOUT), whether it lists these or not.
 *
 * Return: true if @spec or the driver lists @err, or any driver may return it.
 */
bool fwctl_spec_has_errno(const struct fwctl_ioctl_spec *spec,
			  const int *errnos, unsigned int nr_errnos, int err)
{
	static const int any_driver[] = {
		EINTR, ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND,
		ERESTART_RESTARTBLOCK, ETIMEDOUT,
	};
	unsigned int i;

	if (fwctl_spec_errno(spec, err))
		return true;
	for (i = 0; i != ARRAY_SIZE(any_driver); i++)
		if (any_driver[i] == err)
			return true;
	for (i = 0; i != nr_errnos; i++)
		if (errnos[i] == err)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_spec_has_errno);

static const char *const fwctl_dir_names[] = {
	[FWCTL_DIR_IN] = "in",
	[FWCTL_DIR_OUT] = "out",
	[FWCTL_DIR_INOUT] = "inout",
};

static const char *const fwctl_check_names[] = {
	[FWCTL_CHECK_NONE] = "none",
	[FWCTL_CHECK_SIZE] = "size",
	[FWCTL_CHECK_ZERO] = "zero",
	[FWCTL_CHECK_ENUM] = "enum",
	[FWCTL_CHECK_MAX] = "max",
	[FWCTL_CHECK_UPTR] = "uptr",
};

static void fwctl_show_errnos(struct seq_file *m,
			      const struct fwctl_errno_spec *errnos,
			      unsigned int nr)
{
	unsigned int i;

	for (i = 0; i != nr; i++)
		seq_printf(m, "errno name=%s value=%d doc=\"%s\"\n",
			   errnos[i].name, errnos[i].err, errnos[i].meaning);
}

/* The export format is described in Documentation/userspace-api/fwctl */
static int fwctl_spec_show(struct seq_file *m, void *unused)
{
	const struct fwctl_ioctl_spec *spec = m->private;
	const struct fwctl_field_spec *field;
	unsigned int i;

	seq_printf(m, "ioctl name=%s nr=0x%x struct=%s size=%u min_size=%u version=%u\n",
		   spec->name, spec->cmd, spec->struct_name, spec->size,
		   spec->min_size, spec->version);
	for (i = 0; i != spec->nr_fields; i++) {
		field = &spec->fields[i];
		seq_printf(m, "field name=%s offset=%u size=%u dir=%s check=%s",
			   field->name, field->offset, field->size,
			   fwctl_dir_names[field->dir],
			   fwctl_check_names[field->check]);
		if (field->check == FWCTL_CHECK_ENUM ||
		    field->check == FWCTL_CHECK_MAX)
			seq_printf(m, " max=%llu", field->max);
		if (field->check == FWCTL_CHECK_UPTR)
			seq_printf(m, " len=%s",
				   spec->fields[field->len_field].name);
		if (field->err)
			seq_printf(m, " errno=%s",
				   fwctl_spec_errno(spec, field->err)->name);
		seq_printf(m, " doc=\"%s\"\n", field->doc);
	}
	for (i = 0; spec->scope_caps && i <= FWCTL_RPC_DEBUG_WRITE_FULL; i++)
		if (spec->scope_caps[i])
			seq_printf(m, "capability field=%s value=%u cap=%u errno=EPERM\n",
				   spec->fields[spec->scope_field].name, i,
				   spec->scope_caps[i]);
	seq_puts(m, "order rules=size");
	for (i = 0; i != spec->nr_order; i++)
		seq_printf(m, ",%s", spec->order[i] == FWCTL_RULE_ATTACHED ?
			   "attached" : spec->fields[spec->order[i]].name);
	seq_putc(m, '\n');
	fwctl_show_errnos(m, fwctl_common_errnos,
			  ARRAY_SIZE(fwctl_common_errnos));
	fwctl_show_errnos(m, spec->errnos, spec->nr_errnos);
	seq_printf(m, "effects doc=\"%s\"\n", spec->effects);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fwctl_spec);

/* A driver's command catalog, for one device */
static int fwctl_commands_show(struct seq_file *m, void *unused)
{
	const struct fwctl_ops *ops = m->private;
	const struct fwctl_cmd_spec *c;
	unsigned int i;

	for (i = 0; i != ops->nr_errnos; i++)
		seq_printf(m, "errno value=%d\n", ops->errnos[i]);
	for (i = 0; i != ops->nr_commands; i++) {
		c = &ops->commands[i];
		seq_printf(m, "command id=%u name=%s min_scope=%u req_min=%u req_max=%u resp_min=%u resp_max=%u\n",
			   c->id, c->name, c->min_scope, c->req_min, c->req_max,
			   c->resp_min, c->resp_max);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fwctl_commands);

static struct dentry *fwctl_debugfs_root;

/**
 * fwctl_spec_debugfs_init - Export the specifications under debugfs
 *
 * Creates <debugfs>/fwctl/api/FWCTL_INFO and FWCTL_RPC, and the counters of
 * &struct fwctl_counters in <debugfs>/fwctl/ (undeclared_errnos only with
 * CONFIG_FWCTL_API_SPEC_CHECK).
 */
void fwctl_spec_debugfs_init(void)
{
	struct dentry *api;

	fwctl_debugfs_root = debugfs_create_dir("fwctl", NULL);
	debugfs_create_atomic_t("tainting_rpcs", 0444, fwctl_debugfs_root,
				&fwctl_counters.tainting_rpcs);
	/* Only where it is counted, so a reader can tell the check is on */
	if (IS_ENABLED(CONFIG_FWCTL_API_SPEC_CHECK))
		debugfs_create_atomic_t("undeclared_errnos", 0444,
					fwctl_debugfs_root,
					&fwctl_counters.undeclared_errnos);
	api = debugfs_create_dir("api", fwctl_debugfs_root);
	debugfs_create_file(fwctl_info_spec.name, 0444, api,
			    (void *)&fwctl_info_spec, &fwctl_spec_fops);
	debugfs_create_file(fwctl_rpc_spec.name, 0444, api,
			    (void *)&fwctl_rpc_spec, &fwctl_spec_fops);
}

void fwctl_spec_debugfs_exit(void)
{
	debugfs_remove_recursive(fwctl_debugfs_root);
}

/**
 * fwctl_spec_debugfs_add_device - Export a device's command catalog
 * @fwctl: The registered device
 *
 * Creates <debugfs>/fwctl/fwctlN/commands when the driver has a catalog.
 *
 * Return: the device's directory, which fwctl_unregister() removes.
 */
struct dentry *fwctl_spec_debugfs_add_device(struct fwctl_device *fwctl)
{
	struct dentry *dir;

	if (!fwctl->ops->nr_commands && !fwctl->ops->nr_errnos)
		return NULL;
	dir = debugfs_create_dir(dev_name(&fwctl->dev), fwctl_debugfs_root);
	debugfs_create_file("commands", 0444, dir, (void *)fwctl->ops,
			    &fwctl_commands_fops);
	return dir;
}
