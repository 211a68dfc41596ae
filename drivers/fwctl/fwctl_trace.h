/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl tracepoints: one record for every open, close and ioctl, successful
 * or not, so an operator can see what went to the firmware and who sent it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fwctl

#if !defined(_FWCTL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FWCTL_TRACE_H

#include <linux/fwctl.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

#define fwctl_show_scope(scope)                                                \
	__print_symbolic(scope,                                                \
			 { FWCTL_RPC_CONFIGURATION, "CONFIGURATION" },         \
			 { FWCTL_RPC_DEBUG_READ_ONLY, "DEBUG_READ_ONLY" },     \
			 { FWCTL_RPC_DEBUG_WRITE, "DEBUG_WRITE" },             \
			 { FWCTL_RPC_DEBUG_WRITE_FULL, "DEBUG_WRITE_FULL" })

/* The device and the calling task, common to every event */
#define FWCTL_TRACE_CALLER_FIELDS                                              \
	__string(dev, dev_name(&fwctl->dev))                                   \
	__field(pid_t, pid)                                                    \
	__array(char, comm, TASK_COMM_LEN)

#define FWCTL_TRACE_CALLER_ASSIGN                                              \
	do {                                                                   \
		__assign_str(dev);                                             \
		__entry->pid = task_pid_nr(current);                           \
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);           \
	} while (0)

TRACE_EVENT(fwctl_open,
	TP_PROTO(const struct fwctl_device *fwctl, int ret),
	TP_ARGS(fwctl, ret),
	TP_STRUCT__entry(
		FWCTL_TRACE_CALLER_FIELDS
		__field(int, ret)
	),
	TP_fast_assign(
		FWCTL_TRACE_CALLER_ASSIGN;
		__entry->ret = ret;
	),
	TP_printk("dev=%s pid=%d comm=%s ret=%d", __get_str(dev),
		  __entry->pid, __entry->comm, __entry->ret)
);

TRACE_EVENT(fwctl_close,
	TP_PROTO(const struct fwctl_device *fwctl),
	TP_ARGS(fwctl),
	TP_STRUCT__entry(
		FWCTL_TRACE_CALLER_FIELDS
	),
	TP_fast_assign(
		FWCTL_TRACE_CALLER_ASSIGN;
	),
	TP_printk("dev=%s pid=%d comm=%s", __get_str(dev), __entry->pid,
		  __entry->comm)
);

TRACE_EVENT(fwctl_info,
	TP_PROTO(const struct fwctl_device *fwctl, u32 device_data_len,
		 int ret),
	TP_ARGS(fwctl, device_data_len, ret),
	TP_STRUCT__entry(
		FWCTL_TRACE_CALLER_FIELDS
		__field(u32, device_data_len)
		__field(int, ret)
	),
	TP_fast_assign(
		FWCTL_TRACE_CALLER_ASSIGN;
		__entry->device_data_len = device_data_len;
		__entry->ret = ret;
	),
	TP_printk("dev=%s pid=%d comm=%s device_data_len=%u ret=%d",
		  __get_str(dev), __entry->pid, __entry->comm,
		  __entry->device_data_len, __entry->ret)
);

TRACE_EVENT(fwctl_rpc,
	TP_PROTO(const struct fwctl_device *fwctl, u32 scope, u32 in_len,
		 u32 out_len, int ret),
	TP_ARGS(fwctl, scope, in_len, out_len, ret),
	TP_STRUCT__entry(
		FWCTL_TRACE_CALLER_FIELDS
		__field(u32, scope)
		__field(u32, in_len)
		__field(u32, out_len)
		__field(int, ret)
	),
	TP_fast_assign(
		FWCTL_TRACE_CALLER_ASSIGN;
		__entry->scope = scope;
		__entry->in_len = in_len;
		__entry->out_len = out_len;
		__entry->ret = ret;
	),
	TP_printk("dev=%s pid=%d comm=%s scope=%s in_len=%u out_len=%u ret=%d",
		  __get_str(dev), __entry->pid, __entry->comm,
		  fwctl_show_scope(__entry->scope), __entry->in_len,
		  __entry->out_len, __entry->ret)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE fwctl_trace
#include <trace/define_trace.h>
