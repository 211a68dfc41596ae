# SPDX-License-Identifier: GPL-2.0
#
# fwctl: out-of-tree module build and the test bed entry points.
#
#   make [KDIR=/path/to/kernel/build]   build fwctl.ko and fwctl_mock.ko
#   make clean                          remove the module build products
#   make check                          everything: lint, debug and stock kernels
#   make run [INTERACTIVE=1]            boot the debug kernel with the mock loaded
#   make lint                           checkpatch, kernel-doc, sparse, W=1,
#                                       the tool's host test (ASan, UBSan)
#   make bench [UPDATE=1]               time fwctl RPCs on the stock kernel;
#                                       UPDATE=1 also writes BENCHMARKS.md
#   make help                           this text

KDIR ?= /lib/modules/$(shell uname -r)/build
FWCTL_SRC := $(CURDIR)/drivers/fwctl

# Kconfig does not run for an external module: set the symbols for kbuild's
# obj-$(CONFIG_...) lines, and their C-side twins for IS_ENABLED(). The
# repo's headers come after the kernel's own include dirs, which do not have
# them (or, for a tree with fwctl synced in, have the same files).
# compat/fwctl_ns.h adapts the symbol namespace to kernels after 6.12.
FWCTL_KCONFIG := CONFIG_FWCTL=m CONFIG_FWCTL_MOCK=m
FWCTL_CPPFLAGS := -I$(CURDIR)/include -I$(CURDIR)/include/uapi \
	-DCONFIG_FWCTL_MODULE=1 -DCONFIG_FWCTL_MOCK_MODULE=1 \
	-include $(CURDIR)/compat/fwctl_ns.h

.PHONY: all modules clean check run lint bench help

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(FWCTL_SRC) $(FWCTL_KCONFIG) \
		KCPPFLAGS="$(FWCTL_CPPFLAGS) $(KCPPFLAGS)" modules

# Without kbuild, so that it works when KDIR does not exist.
clean:
	find $(FWCTL_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \
		-o -name modules.order -o -name Module.symvers \) -delete

check:
	@testbed/check.sh

run:
	@testbed/run.sh

lint:
	@testbed/lint.sh

bench:
	@$(if $(UPDATE),FWCTL_BENCH_UPDATE=$(UPDATE) )testbed/bench.sh

help:
	@sed -n '3,/^[^#]/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))
