// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl mock: requests of the fwctl_mock test device, built and decoded, so
 * that the subsystem can be shown and tested without hardware. The only
 * part of the tool that knows the mock's private header; `make MOCK=0`
 * leaves it out.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fwctl/fwctl.h>

#include "fwctl.h"
#include "../../drivers/fwctl/mock/fwctl_mock.h"

static_assert(FWCTL_TOOL_MOCK_TYPE == FWCTL_DEVICE_TYPE_MOCK,
	      "fwctl.h and fwctl_mock.h disagree on the mock's device type");

static void mock_print_info(const void *data)
{
	struct fwctl_info_mock info;

	memcpy(&info, data, sizeof(info));
	printf("mock firmware version: %u.%u (0x%08x)\n",
	       info.fw_version >> 16, info.fw_version & 0xffff,
	       info.fw_version);
	printf("context id of this open: %u\n", info.uctx_id);
	printf("objects per open: %u\n", info.max_objects);
}

static struct json_object *mock_json_info(const void *data)
{
	struct json_object *obj = json_object_new_object();
	struct fwctl_info_mock info;

	memcpy(&info, data, sizeof(info));
	json_add_int(obj, "fw_version", info.fw_version);
	json_add_int(obj, "uctx_id", info.uctx_id);
	json_add_int(obj, "max_objects", info.max_objects);
	return obj;
}

const struct info_decoder mock_info_decoder = {
	.type = FWCTL_DEVICE_TYPE_MOCK,
	.len = sizeof(struct fwctl_info_mock),
	.print = mock_print_info,
	.json = mock_json_info,
};

static const char *mock_status_name(__u16 status)
{
	switch (status) {
	case FWCTL_MOCK_STATUS_OK: return "OK";
	case FWCTL_MOCK_STATUS_NO_OBJECT: return "NO_OBJECT";
	case FWCTL_MOCK_STATUS_BAD_ARG: return "BAD_ARG";
	default: return "unknown";
	}
}

/*
 * Send one mock command with a response buffer of @out_len bytes, at least a
 * header. Returns the response, whose header has been checked, and in
 * *@rsp_len the number of its bytes that are in the buffer: never more than
 * @out_len, whatever length the kernel reports. Returns NULL after reporting
 * the failure, with *@rc the exit code.
 */
static struct fwctl_mock_rsp *mock_cmd(int fd, __u32 scope, __u16 opcode,
				       __u64 arg, const void *payload,
				       size_t payload_len, __u32 out_len,
				       __u32 *rsp_len, int *rc)
{
	struct fwctl_mock_cmd hdr = { .opcode = opcode, .arg = arg };
	struct fwctl_mock_rsp *rsp;
	struct bytes req = {};
	__u32 full_len;
	void *out;

	bytes_add(&req, &hdr, sizeof(hdr));
	if (payload_len)
		bytes_add(&req, payload, payload_len);
	*rc = EXIT_KERNEL;
	if (do_rpc(fd, scope, req.data, req.len, out_len, &out, &full_len)) {
		ioctl_error("RPC");
		free(req.data);
		return NULL;
	}
	free(req.data);
	rsp = out;
	*rsp_len = full_len < out_len ? full_len : out_len;
	if (*rsp_len < sizeof(*rsp) || rsp->opcode != opcode) {
		print_error("malformed response of %u bytes", full_len);
		free(out);
		return NULL;
	}
	if (full_len > out_len)
		print_error("response of %u bytes cut to the %u bytes expected",
			    full_len, out_len);
	if (opcode != FWCTL_MOCK_OP_ECHO && rsp->status) {
		print_error("firmware status: %s (%u)", mock_status_name(rsp->status),
			    rsp->status);
		free(out);
		*rc = EXIT_FIRMWARE;
		return NULL;
	}
	*rc = 0;
	return rsp;
}

/*
 * A request: its name, the command it sends, its number of arguments and
 * the scope it needs
 */
static const struct mock_request {
	const char *name;
	__u16 opcode;
	int nargs;		/* -1: one or more */
	__u32 scope;
} mock_requests[] = {
	{ "query", FWCTL_MOCK_OP_QUERY, 0, FWCTL_RPC_CONFIGURATION },
	{ "echo", FWCTL_MOCK_OP_ECHO, 1, FWCTL_RPC_CONFIGURATION },
	{ "sum", FWCTL_MOCK_OP_SUM, -1, FWCTL_RPC_CONFIGURATION },
	{ "obj-create", FWCTL_MOCK_OP_OBJ_CREATE, 1, FWCTL_RPC_CONFIGURATION },
	{ "read-log", FWCTL_MOCK_OP_READ_LOG, 1, FWCTL_RPC_DEBUG_READ_ONLY },
	{ "read-reg", FWCTL_MOCK_OP_READ_REG, 1, FWCTL_RPC_DEBUG_READ_ONLY },
	{ "write-reg", FWCTL_MOCK_OP_WRITE_REG, 2, FWCTL_RPC_DEBUG_WRITE },
	{ "poke", FWCTL_MOCK_OP_POKE, 2, FWCTL_RPC_DEBUG_WRITE_FULL },
};

static int mock_query(int fd, __u32 scope)
{
	struct fwctl_mock_query *q;
	struct fwctl_mock_rsp *rsp;
	__u32 rsp_len;
	int rc;

	rsp = mock_cmd(fd, scope, FWCTL_MOCK_OP_QUERY, 0, NULL, 0,
		       sizeof(*rsp) + sizeof(*q), &rsp_len, &rc);
	if (!rsp)
		return rc;
	if (rsp_len < sizeof(*rsp) + sizeof(*q)) {
		print_error("malformed response of %u bytes", rsp_len);
		free(rsp);
		return EXIT_KERNEL;
	}
	q = (struct fwctl_mock_query *)(rsp + 1);
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_u64(obj, "fw_version", q->fw_version);
		json_add_u64(obj, "nr_objects", q->nr_objects);
		json_add_u64(obj, "nr_regs", q->nr_regs);
		json_add_u64(obj, "mem_size", q->mem_size);
		json_print(obj);
	} else {
		printf("firmware version: %u.%u (0x%08x)\n",
		       q->fw_version >> 16, q->fw_version & 0xffff,
		       q->fw_version);
		printf("objects held by this open: %u\n", q->nr_objects);
		printf("debug registers: %u\n", q->nr_regs);
		printf("firmware memory: %u bytes\n", q->mem_size);
	}
	free(rsp);
	return 0;
}

static int mock_echo(int fd, __u32 scope, const char *s)
{
	struct fwctl_mock_rsp *rsp;
	size_t n = strlen(s);
	__u32 rsp_len;
	int rc;

	rsp = mock_cmd(fd, scope, FWCTL_MOCK_OP_ECHO, n, s, n,
		       sizeof(*rsp) + n, &rsp_len, &rc);
	if (!rsp)
		return rc;
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "echo",
				       json_object_new_string_len((char *)(rsp + 1),
								  rsp_len - sizeof(*rsp)));
		json_print(obj);
	} else {
		printf("echoed %u bytes: %.*s\n", rsp_len,
		       (int)(rsp_len - sizeof(*rsp)), (char *)(rsp + 1));
	}
	free(rsp);
	return 0;
}

static int mock_read_log(int fd, __u32 scope, __u64 n)
{
	struct fwctl_mock_rsp *rsp;
	__u32 rsp_len, got;
	int rc;

	rsp = mock_cmd(fd, scope, FWCTL_MOCK_OP_READ_LOG, n, NULL, 0,
		       sizeof(*rsp) + n, &rsp_len, &rc);
	if (!rsp)
		return rc;
	/* Only what is both claimed and received */
	got = rsp_len - sizeof(*rsp);
	if (rsp->len != got)
		print_error("the header claims %u bytes of log, %u came", rsp->len,
			    got);
	if (rsp->len < got)
		got = rsp->len;
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_u64(obj, "len", got);
		json_object_object_add(obj, "log", json_hex(rsp + 1, got));
		json_print(obj);
	} else {
		printf("firmware log: %u bytes\n", got);
		hexdump(rsp + 1, got);
	}
	free(rsp);
	return 0;
}

/*
 * A request with a header-only response, @payload its bytes (write-reg
 * sends @arg2 instead): the response's value, printed.
 */
static int mock_simple(int fd, __u32 scope, __u16 opcode, __u64 arg1,
		       __u64 arg2, const struct bytes *payload)
{
	const void *data = payload->data;
	size_t data_len = payload->len;
	struct fwctl_mock_rsp *rsp;
	struct json_object *obj;
	__u32 rsp_len;
	int rc;

	if (opcode == FWCTL_MOCK_OP_WRITE_REG) {
		data = &arg2;
		data_len = sizeof(arg2);
	}
	rsp = mock_cmd(fd, scope, opcode, arg1, data, data_len, sizeof(*rsp),
		       &rsp_len, &rc);
	if (!rsp)
		return rc;

	obj = json_output ? json_object_new_object() : NULL;
	switch (opcode) {
	case FWCTL_MOCK_OP_SUM:
		if (obj) {
			json_add_u64(obj, "len", payload->len);
			json_add_u64(obj, "sum", rsp->value);
		} else {
			printf("sum of %zu bytes: %llu\n", payload->len,
			       (unsigned long long)rsp->value);
		}
		break;
	case FWCTL_MOCK_OP_OBJ_CREATE:
		if (obj) {
			json_add_u64(obj, "object", rsp->value);
			json_add_u64(obj, "tag", arg1);
		} else {
			printf("created object %llu, tag %llu (freed when this program exits)\n",
			       (unsigned long long)rsp->value,
			       (unsigned long long)arg1);
		}
		break;
	case FWCTL_MOCK_OP_READ_REG:
		if (obj) {
			json_add_u64(obj, "reg", arg1);
			json_add_u64(obj, "value", rsp->value);
		} else {
			printf("register %llu: 0x%016llx\n",
			       (unsigned long long)arg1,
			       (unsigned long long)rsp->value);
		}
		break;
	case FWCTL_MOCK_OP_WRITE_REG:
		if (obj) {
			json_add_u64(obj, "reg", arg1);
			json_add_u64(obj, "value", rsp->value);
			json_add_u64(obj, "new_value", arg2);
		} else {
			printf("register %llu: 0x%016llx -> 0x%016llx\n",
			       (unsigned long long)arg1,
			       (unsigned long long)rsp->value,
			       (unsigned long long)arg2);
		}
		break;
	default:	/* POKE */
		if (obj) {
			json_add_u64(obj, "offset", arg1);
			json_add_u64(obj, "written", rsp->value);
		} else {
			printf("wrote %llu bytes at offset %llu\n",
			       (unsigned long long)rsp->value,
			       (unsigned long long)arg1);
		}
	}
	if (obj)
		json_print(obj);
	free(rsp);
	return 0;
}

static int cmd_mock(const struct command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "scope", required_argument, NULL, 's' },
		{}
	};
	const struct mock_request *req = NULL;
	unsigned long long arg1 = 0, arg2 = 0;
	struct bytes payload = {};
	bool have_scope = false;
	struct device dev;
	__u32 scope = 0;
	char **args;
	int c, nargs, i, rc;

	while ((c = next_option(cmd, argc, argv, "s:",
				options)) != -1) {
		scope = parse_scope(cmd, optarg);
		have_scope = true;
	}
	if (argc - optind < 2)
		usage_error(cmd, "mock needs a device and a request");
	args = argv + optind + 2;
	nargs = argc - optind - 2;
	for (i = 0; i != (int)ARRAY_SIZE(mock_requests); i++)
		if (!strcmp(argv[optind + 1], mock_requests[i].name))
			req = &mock_requests[i];
	if (!req)
		usage_error(cmd, "unknown mock request '%s'", argv[optind + 1]);

	/* Check the arguments before touching the device */
	if (req->nargs < 0 ? nargs < 1 : nargs != req->nargs)
		usage_error(cmd, "mock %s takes %s%d argument%s", req->name,
			    req->nargs < 0 ? "at least " : "",
			    req->nargs < 0 ? 1 : req->nargs,
			    req->nargs == 1 || req->nargs < 0 ? "" : "s");
	if (!have_scope)
		scope = req->scope;
	switch (req->opcode) {
	case FWCTL_MOCK_OP_OBJ_CREATE:
		arg1 = parse_number(cmd, "tag", args[0], ULLONG_MAX);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		arg1 = parse_number(cmd, "length", args[0],
				    FWCTL_MAX_RPC_LEN -
				    sizeof(struct fwctl_mock_rsp));
		break;
	case FWCTL_MOCK_OP_READ_REG:
	case FWCTL_MOCK_OP_WRITE_REG:
		arg1 = parse_number(cmd, "register", args[0], ULLONG_MAX);
		if (req->opcode == FWCTL_MOCK_OP_WRITE_REG)
			arg2 = parse_number(cmd, "value", args[1], ULLONG_MAX);
		break;
	case FWCTL_MOCK_OP_SUM:
		for (i = 0; i != nargs; i++)
			parse_hex(cmd, &payload, args[i]);
		break;
	case FWCTL_MOCK_OP_POKE:
		arg1 = parse_number(cmd, "offset", args[0], ULLONG_MAX);
		parse_hex(cmd, &payload, args[1]);
		if (!payload.len)
			usage_error(cmd, "poke needs at least one byte");
		break;
	}

	open_device_of_type(cmd, argv[optind], &dev, FWCTL_DEVICE_TYPE_MOCK);

	switch (req->opcode) {
	case FWCTL_MOCK_OP_QUERY:
		rc = mock_query(dev.fd, scope);
		break;
	case FWCTL_MOCK_OP_ECHO:
		rc = mock_echo(dev.fd, scope, args[0]);
		break;
	case FWCTL_MOCK_OP_READ_LOG:
		rc = mock_read_log(dev.fd, scope, arg1);
		break;
	default:
		rc = mock_simple(dev.fd, scope, req->opcode, arg1, arg2,
				 &payload);
	}
	free(payload.data);
	close(dev.fd);
	return rc;
}

const struct command mock_command = {
	.name = "mock",
	.run = cmd_mock,
	.usage = "mock DEV REQUEST [ARGS] [-s SCOPE] [-j]",
	.help =
"Build a request for the fwctl_mock test device, send it and decode the\n"
"response. Each request is sent at its lowest scope unless --scope says\n"
"otherwise. REQUEST is one of:\n"
"\n"
"  query             firmware version, objects held, sizes (config)\n"
"  echo STR          the firmware sends STR back (config)\n"
"  sum HEX...        sum of the bytes (config)\n"
"  obj-create TAG    create a firmware object; it lives until this\n"
"                    program exits and closes the device (config)\n"
"  read-log N        dump N bytes of the firmware log (read)\n"
"  read-reg I        read debug register I (read)\n"
"  write-reg I V     write V to debug register I (write, taints)\n"
"  poke OFF HEX      write bytes into firmware memory at OFF\n"
"                    (full: needs CAP_SYS_RAWIO, taints)\n"
"\n"
"  -s, --scope SCOPE   send at this scope instead\n"
"  -j, --json          print a JSON object\n",
};
