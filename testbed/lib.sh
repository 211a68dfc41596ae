# shellcheck shell=bash
# Shared helpers of the fwctl test bed, sourced by check.sh, run.sh and
# lint.sh. Everything heavy lives in $FWCTL_CACHE so a second run reuses the
# extracted source, the kernel build and the stock kernel packages.

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTBED_DIR/.." && pwd)
FWCTL_CACHE=${FWCTL_CACHE:-/var/cache/fwctl}
SRC=$FWCTL_CACHE/linux-source-6.12
SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
O_DEBUG=$FWCTL_CACHE/build-debug
LOGDIR=$FWCTL_CACHE/logs
JOBS=${FWCTL_JOBS:-$(nproc)}
# Hard limit for one guest, and for one selftest program inside it.
QEMU_TIMEOUT=${FWCTL_QEMU_TIMEOUT:-1200}
SELFTEST_TIMEOUT=${FWCTL_SELFTEST_TIMEOUT:-300}

# Paths of the overlay: the repo's files that are copied into the kernel
# tree. Directories are mirrored with --delete, so a file removed from the
# repo disappears from the tree as well.
OVERLAY_DIRS=(drivers/fwctl include/uapi/fwctl include/uapi/cxl
	Documentation/userspace-api/fwctl tools/testing/selftests/fwctl)
OVERLAY_FILES=(include/linux/fwctl.h include/cxl/features.h drivers/cxl/core/features.c
	drivers/cxl/core/features_kunit.c)
# Products of an in-repo `make KDIR=...`: never copied, and kept on the
# receiving side (rsync --delete leaves excluded files alone).
KBUILD_EXCLUDES=(--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c'
	--exclude='.*.cmd' --exclude='.*.d' --exclude=modules.order --exclude=Module.symvers)

# A nested make (make check -> check.sh -> make) would otherwise inherit the
# outer make's jobserver and command-line variables.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

mkdir -p "$FWCTL_CACHE" "$LOGDIR"

log() { printf '[testbed %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# One test bed at a time per cache: the kernel tree and build dir are shared.
# Child scripts (make lint from check.sh) inherit the lock.
take_lock() {
	[[ -n ${FWCTL_LOCKED:-} ]] && return 0
	exec 9>"$FWCTL_CACHE/.lock"
	if ! flock -n 9; then
		log "waiting for another test bed run to release $FWCTL_CACHE/.lock"
		flock 9
	fi
	export FWCTL_LOCKED=1
}

# Run a command with its output in a log file; on failure show the tail.
run_logged() {
	local logf=$1
	shift
	if ! "$@" >"$logf" 2>&1; then
		log "FAILED: $* (log: $logf)"
		tail -n 40 "$logf" >&2
		return 1
	fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- kernel source --------------------------------------------------------

ensure_source() {
	[[ -f $SRC/Makefile ]] && return 0
	[[ -f $SRC_TARBALL ]] || die "$SRC_TARBALL missing: run testbed/deps.sh"
	log "extracting $SRC_TARBALL (once)"
	local tmp=$FWCTL_CACHE/.extract.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xf "$SRC_TARBALL" -C "$tmp"
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
}

# Bring the tree to exactly the repo's patches/*.patch. The stamp lists
# "sha256 name" of what is applied, in order; copies of the applied files are
# kept so they can be reverse-applied after the repo changed them. Only the
# patches after the common prefix of the old and new lists are reverted and
# re-applied, and files that end up with the same content get their old
# mtime back, so rewording a patch does not rebuild the kernel.
apply_patches() {
	local applied=$FWCTL_CACHE/applied-patches
	local stamp=$applied/stamp p name keep=0 i files
	local -a want=() have=() wantp=()
	mkdir -p "$applied"
	touch "$stamp"
	for p in "$REPO"/patches/*.patch; do
		[[ -e $p ]] || continue
		want+=("$(sha "$p") $(basename "$p")")
		wantp+=("$p")
	done
	mapfile -t have <"$stamp"
	while ((keep < ${#want[@]} && keep < ${#have[@]})) &&
		[[ ${want[keep]} == "${have[keep]}" ]]; do
		keep=$((keep + 1))
	done
	((keep == ${#want[@]} && keep == ${#have[@]})) && return 0

	# Content and mtime of every file the changing patches touch.
	files=$(for ((i = keep; i < ${#have[@]}; i++)); do cat "$applied/${have[i]#* }"; done
		for ((i = keep; i < ${#want[@]}; i++)); do cat "${wantp[i]}"; done)
	files=$(sed -n 's|^+++ b/\([^\t ]*\).*|\1|p' <<<"$files" | sort -u)
	local -A before=()
	for p in $files; do
		[[ -f $SRC/$p ]] && before[$p]="$(sha "$SRC/$p") $(stat -c %Y "$SRC/$p")"
	done

	# Revert newest first; drop each from the stamp once done.
	for ((i = ${#have[@]} - 1; i >= keep; i--)); do
		name=${have[i]#* }
		log "reverting old patch $name"
		# Dry run first: a half-applied patch is worse than none.
		patch -d "$SRC" -p1 -R -s --dry-run <"$applied/$name" >/dev/null ||
			die "cannot revert $name from $SRC; re-extract it (rm -rf $SRC $applied)"
		patch -d "$SRC" -p1 -R -s --no-backup-if-mismatch <"$applied/$name"
		rm -f "$applied/$name"
		sed -i '$d' "$stamp"
	done
	for ((i = keep; i < ${#want[@]}; i++)); do
		name=$(basename "${wantp[i]}")
		log "applying $name"
		patch -d "$SRC" -p1 --forward -s --dry-run <"${wantp[i]}" >/dev/null ||
			die "patch $name does not apply to $SRC"
		patch -d "$SRC" -p1 --forward -s --no-backup-if-mismatch <"${wantp[i]}"
		cp "${wantp[i]}" "$applied/$name"
		echo "${want[i]}" >>"$stamp"
	done

	for p in "${!before[@]}"; do
		[[ -f $SRC/$p && $(sha "$SRC/$p") == "${before[$p]% *}" ]] &&
			touch -d "@${before[$p]#* }" "$SRC/$p"
	done
	return 0
}

# merge_maintainers PRISTINE REPO_COPY: the repo's MAINTAINERS holds only
# the fwctl entries; put each one in alphabetical place in the full file.
# A repo copy that is a whole MAINTAINERS file is taken as it is.
merge_maintainers() {
	python3 - "$1" "$2" <<-'EOF'
		import re, sys
		full = open(sys.argv[1]).read().split("\n")
		frag = open(sys.argv[2]).read()
		if "Maintainers List" in frag:
		    sys.stdout.write(frag)
		    sys.exit(0)
		start = full.index("Maintainers List")
		def is_title(i):
		    return (full[i] and not full[i - 1] and i + 1 < len(full)
		            and re.match(r"^[A-Z]:\t", full[i + 1]))
		# The file is not perfectly sorted: go after the entry with the
		# greatest title below the new one.
		for entry in [e.strip("\n") for e in frag.split("\n\n") if e.strip()]:
		    title = entry.split("\n")[0].upper()
		    titles = [i for i in range(start, len(full)) if is_title(i)]
		    below = [i for i in titles if full[i].upper() < title]
		    prev = max(below, key=lambda i: full[i].upper()) if below else start
		    at = next((i for i in titles if i > prev), len(full))
		    full[at:at] = entry.split("\n") + [""]
		sys.stdout.write("\n".join(full))
	EOF
}

# Copy the overlay into the tree. -c compares checksums, so unchanged files
# keep their mtime and make rebuilds only what was edited.
sync_overlay() {
	local d f
	for d in "${OVERLAY_DIRS[@]}"; do
		if [[ -d $REPO/$d ]]; then
			mkdir -p "$SRC/$d"
			rsync -rc --delete "${KBUILD_EXCLUDES[@]}" "$REPO/$d/" "$SRC/$d/"
		else
			rm -rf "${SRC:?}/$d"
		fi
	done
	for f in "${OVERLAY_FILES[@]}"; do
		if [[ -f $REPO/$f ]]; then
			rsync -c "$REPO/$f" "$SRC/$f"
		else
			rm -f "${SRC:?}/$f"
		fi
	done
	# MAINTAINERS is the one overlay file that exists upstream: keep the
	# pristine copy to restore if the repo drops its own.
	[[ -f $FWCTL_CACHE/MAINTAINERS.orig ]] || cp "$SRC/MAINTAINERS" "$FWCTL_CACHE/MAINTAINERS.orig"
	if [[ -f $REPO/MAINTAINERS ]]; then
		merge_maintainers "$FWCTL_CACHE/MAINTAINERS.orig" "$REPO/MAINTAINERS" \
			>"$FWCTL_CACHE/MAINTAINERS.merged"
		rsync -c "$FWCTL_CACHE/MAINTAINERS.merged" "$SRC/MAINTAINERS"
	elif [[ -f $FWCTL_CACHE/MAINTAINERS.orig ]]; then
		rsync -c "$FWCTL_CACHE/MAINTAINERS.orig" "$SRC/MAINTAINERS"
	fi
}

prepare_tree() {
	ensure_source
	apply_patches
	sync_overlay
}

# --- debug kernel -----------------------------------------------------------

# kmake_in BUILD_DIR ARGS...: make in one of the kernel build dirs.
kmake_in() {
	local o=$1
	shift
	make -C "$SRC" O="$o" ARCH=x86_64 "$@"
}
kmake() { kmake_in "$O_DEBUG" "$@"; }

# Check that every line of the fragment made it into .config.
verify_config() {
	local frag=$1 config=$2 bad=0 line opt val got
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
			got=$(grep -E "^$opt=" "$config" | cut -d= -f2- || true)
			if [[ $got != "$val" ]]; then
				log "config: $opt=$val requested, got ${got:-"not set"} (unmet dependency?)"
				bad=1
			fi
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			if grep -qE "^$opt=" "$config"; then
				log "config: $opt must be off, got $(grep -E "^$opt=" "$config")"
				bad=1
			fi
		fi
	done <"$frag"
	return "$bad"
}

# configure_kernel NAME BUILD_DIR FRAGMENT...: tinyconfig + the fragments,
# then olddefconfig, in BUILD_DIR. Redone only when a fragment, the fwctl
# Kconfig files or the patches changed.
configure_kernel() {
	local name=$1 o=$2 stamp=$2/.testbed-config-stamp key f
	shift 2
	key=$({
		cat "$@" "$FWCTL_CACHE/applied-patches/stamp"
		find "$SRC/drivers/fwctl" -name Kconfig -print0 2>/dev/null | sort -z |
			xargs -0 -r cat
	} | sha256sum)
	if [[ -f $o/.config && -f $stamp && $(cat "$stamp") == "$key" ]]; then
		return 0
	fi
	log "configuring $name kernel in $o"
	mkdir -p "$o"
	rm -f "$stamp"
	run_logged "$LOGDIR/config-$name.log" kmake_in "$o" tinyconfig
	run_logged "$LOGDIR/config-$name-merge.log" \
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$@"
	run_logged "$LOGDIR/config-$name-olddefconfig.log" kmake_in "$o" olddefconfig
	for f in "$@"; do
		verify_config "$f" "$o/.config" ||
			die "$name kernel .config does not have what $f asks for (see above)"
	done
	echo "$key" >"$stamp"
}

# tinyconfig + testbed/debug.config + the selftests' own config fragment.
configure_debug() {
	local frags=("$TESTBED_DIR/debug.config")
	[[ -f $SRC/tools/testing/selftests/fwctl/config ]] &&
		frags+=("$SRC/tools/testing/selftests/fwctl/config")
	configure_kernel debug "$O_DEBUG" "${frags[@]}"
}

build_debug() {
	prepare_tree
	configure_debug
	log "building debug kernel (make -j$JOBS bzImage modules; log: $LOGDIR/build-debug.log)"
	local t0=$SECONDS
	run_logged "$LOGDIR/build-debug.log" kmake -j"$JOBS" bzImage modules || return 1
	run_logged "$LOGDIR/headers-debug.log" kmake headers_install || return 1
	build_cxl_test || return 1
	log "debug kernel built in $((SECONDS - t0)) s"
}

# The kernel's CXL mock, tools/testing/cxl, for the CXL Features tests. Its
# Kbuild compiles drivers/cxl sources itself, so its objects land in the
# source tree, not in $O_DEBUG; its modules go to updates/ when installed
# and win over the in-tree CXL modules.
CXL_TEST=$SRC/tools/testing/cxl
build_cxl_test() {
	grep -q '^CONFIG_CXL_BUS=m' "$O_DEBUG/.config" || return 0
	log "building cxl_test (log: $LOGDIR/build-cxl-test.log)"
	run_logged "$LOGDIR/build-cxl-test.log" kmake -j"$JOBS" M="$CXL_TEST" modules
}

# stage_debug_modules ROOT: the debug kernel's modules and cxl_test's,
# stripped, in ROOT/lib/modules/<release> with modules.dep, for modprobe in
# the guest.
stage_debug_modules() {
	local root=$1 rel
	rel=$(cat "$O_DEBUG/include/config/kernel.release")
	rm -rf "$root"
	mkdir -p "$root"
	run_logged "$LOGDIR/modules-install-debug.log" \
		kmake INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 DEPMOD=true modules_install ||
		return 1
	if [[ -f $CXL_TEST/test/cxl_mock_mem.ko ]]; then
		run_logged "$LOGDIR/modules-install-cxl-test.log" \
			kmake M="$CXL_TEST" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
			DEPMOD=true modules_install || return 1
	fi
	depmod -b "$root" "$rel"
}

# --- stock kernel -------------------------------------------------------------

# Written by deps.sh: the kernel release of the extracted Debian packages.
stock_release() {
	[[ -f $FWCTL_CACHE/stock/release ]] || die "no stock kernel in $FWCTL_CACHE/stock: run testbed/deps.sh"
	cat "$FWCTL_CACHE/stock/release"
}
stock_kdir() { echo "$FWCTL_CACHE/stock/root/usr/src/linux-headers-$(stock_release)"; }
stock_vmlinuz() { echo "$FWCTL_CACHE/stock/root/boot/vmlinuz-$(stock_release)"; }

# The stock guest's modules, built the way a Debian user builds them: with
# DKMS (the repo's dkms.conf) for the stock kernel's release against its
# headers, from a copy of the repo. The DKMS source and build trees live in
# the cache, so nothing is registered with the host's own DKMS.
DKMS_DIR=$FWCTL_CACHE/dkms
dkms_version() { sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf"; }
# Where DKMS leaves the modules it built for the stock kernel.
stock_modules_dir() {
	echo "$DKMS_DIR/tree/fwctl/$(dkms_version)/$(stock_release)/$(uname -m)/module"
}

# oot_source DST: what the out-of-tree build needs (the top-level Makefile
# and dkms.conf, compat/, include/ and drivers/fwctl/), copied to DST
# without build products: what DKMS gets, and what lint builds elsewhere.
oot_source() {
	local dst=$1
	mkdir -p "$dst/drivers/fwctl" "$dst/include" "$dst/compat"
	rsync -cL "$REPO/Makefile" "$REPO/dkms.conf" "$dst/"
	rsync -rc "$REPO/compat/" "$dst/compat/"
	rsync -rc "${KBUILD_EXCLUDES[@]}" "$REPO/drivers/fwctl/" "$dst/drivers/fwctl/"
	rsync -rc "$REPO/include/" "$dst/include/"
}

dkms_add_build() { # VERSION RELEASE
	local trees=(--sourcetree "$DKMS_DIR/src" --dkmstree "$DKMS_DIR/tree")
	dkms add -m fwctl -v "$1" "${trees[@]}" || return 1
	if ! dkms build -m fwctl -v "$1" -k "$2" --kernelsourcedir "$(stock_kdir)" "${trees[@]}"; then
		# The compiler's messages are in DKMS's own log
		cat "$DKMS_DIR/tree/fwctl/$1/build/make.log" 2>/dev/null
		return 1
	fi
}

build_stock_modules() {
	local ver rel src
	command -v dkms >/dev/null || die "dkms is not installed: run testbed/deps.sh"
	ver=$(dkms_version) rel=$(stock_release)
	[[ -n $ver ]] || die "no PACKAGE_VERSION in $REPO/dkms.conf"
	src=$DKMS_DIR/src/fwctl-$ver
	rm -rf "$DKMS_DIR"
	mkdir -p "$DKMS_DIR/tree"
	oot_source "$src"
	log "building the modules with DKMS $ver for $rel (log: $LOGDIR/build-stock.log)"
	run_logged "$LOGDIR/build-stock.log" dkms_add_build "$ver" "$rel" || return 1
	[[ -f $(stock_modules_dir)/fwctl.ko && -f $(stock_modules_dir)/fwctl_mock.ko ]] ||
		die "DKMS built no fwctl.ko and fwctl_mock.ko in $(stock_modules_dir)"
}

# --- built-in kernel ----------------------------------------------------------

# fwctl and the mock linked into a small kernel (testbed/builtin.config), in
# a build dir of its own, from the same patched tree as the debug kernel.
O_BUILTIN=$FWCTL_CACHE/build-builtin
# The selftest programs its guest runs: the ABI suite. The others need fault
# injection, tracing or audit, which that kernel leaves out.
BUILTIN_SELFTESTS=(fwctl)

build_builtin() {
	prepare_tree
	configure_kernel builtin "$O_BUILTIN" "$TESTBED_DIR/builtin.config"
	log "building built-in kernel (make -j$JOBS bzImage; log: $LOGDIR/build-builtin.log)"
	local t0=$SECONDS
	run_logged "$LOGDIR/build-builtin.log" kmake_in "$O_BUILTIN" -j"$JOBS" bzImage || return 1
	log "built-in kernel built in $((SECONDS - t0)) s"
}

# --- user space ---------------------------------------------------------------

# Print a variable of the selftest Makefile, one word a line, by adding a
# print rule after it (lib.mk has prefixed the programs with $OUTPUT by then).
selftest_var() {
	local out=$1 var=$2
	# shellcheck disable=SC2016 # $(...) is for make, not the shell
	printf '%s\n' 'print-testbed-%:' '	@echo $($*)' >"$out/.print.mk"
	make -s --no-print-directory -C "$SRC/tools/testing/selftests/fwctl" -f Makefile \
		-f "$out/.print.mk" OUTPUT="$out" "print-testbed-$var" | tr ' ' '\n' | sed '/^$/d'
}

# Build the selftests from the synced tree into $1 against the uAPI headers
# in $2 (an -isystem dir). The programs to run are TEST_GEN_PROGS, asked from
# the test Makefile itself and listed in $1/.progs; helpers the tests may need
# beside them (TEST_GEN_PROGS_EXTENDED, TEST_GEN_FILES) in $1/.extras.
# LDFLAGS and KHDR_INCLUDES go through the environment so that the test
# Makefile's own "LDFLAGS +=" still applies.
build_selftests() {
	local out=$1 hdrs=$2 dir=$SRC/tools/testing/selftests/fwctl
	local logf=$LOGDIR/selftests-$3.log
	rm -rf "$out"
	mkdir -p "$out"
	: >"$out/.progs"
	[[ -f $dir/Makefile ]] || { log "no selftests in $dir"; return 0; }
	# FWCTL_TOOL_REQUIRED: the guest has the tool, so its test must build
	export LDFLAGS=-static KHDR_INCLUDES="-isystem $hdrs" FWCTL_TOOL_REQUIRED=1
	if ! make -C "$dir" OUTPUT="$out" >"$logf" 2>&1; then
		unset LDFLAGS KHDR_INCLUDES FWCTL_TOOL_REQUIRED
		log "FAILED: selftest build (log: $logf)"
		tail -n 40 "$logf" >&2
		return 1
	fi
	selftest_var "$out" TEST_GEN_PROGS >"$out/.progs"
	{
		selftest_var "$out" TEST_GEN_PROGS_EXTENDED
		selftest_var "$out" TEST_GEN_FILES
	} >"$out/.extras"
	unset LDFLAGS KHDR_INCLUDES FWCTL_TOOL_REQUIRED
	log "selftests: $(xargs -r -n1 basename <"$out/.progs" | tr '\n' ' ')"
}

# The CLI, if the repo has one: one static binary (json-c linked in) built
# by tools/fwctl/Makefile into $1 against the uAPI headers in $2.
build_cli() {
	local out=$1 hdrs=$2
	rm -f "$out"
	[[ -f $REPO/tools/fwctl/Makefile ]] || return 0
	run_logged "$LOGDIR/cli-$3.log" \
		make -C "$REPO/tools/fwctl" OUTPUT="$(dirname "$out")/" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $hdrs" "$out"
}

# --- initramfs and QEMU -------------------------------------------------------

guest_kernel() { # KIND
	if [[ $1 == debug ]]; then
		echo "$O_DEBUG/arch/x86/boot/bzImage"
	elif [[ $1 == builtin ]]; then
		echo "$O_BUILTIN/arch/x86/boot/bzImage"
	else
		stock_vmlinuz
	fi
}
guest_initrd() { echo "$FWCTL_CACHE/guest-$1/initramfs-$2.cpio.gz"; } # KIND MODE

# kunit_suites DIR: the name of each KUnit suite that the *kunit*.c files
# under DIR register, one a line: the .name of every struct kunit_suite
# given to kunit_test_suite() or kunit_test_suites() on one line.
kunit_suites() {
	# shellcheck disable=SC2016 # the $ are awk's, not the shell's
	find "$1" -name '*kunit*.c' -print0 | sort -z | xargs -0 -r awk '
		/struct kunit_suite [A-Za-z0-9_]+ = \{/ {
			var = $0
			sub(/.*struct kunit_suite /, "", var)
			sub(/[ =].*/, "", var)
		}
		var != "" && /\.name[ \t]*=[ \t]*"/ {
			s = $0
			sub(/^[^"]*"/, "", s)
			sub(/".*/, "", s)
			name[FILENAME, var] = s
			var = ""
		}
		/^kunit_test_suites?\(/ {
			s = $0
			sub(/^[^(]*\(/, "", s)
			sub(/\).*/, "", s)
			gsub(/[&[:space:]]/, "", s)
			n = split(s, v, ",")
			for (i = 1; i <= n; i++)
				used[++nused] = FILENAME SUBSEP v[i]
		}
		END {
			for (i = 1; i <= nused; i++)
				if (used[i] in name)
					print name[used[i]]
		}'
}

# prepare_guest KIND MODE: build the user space for a debug, stock or
# builtin guest and pack its initramfs (guest_initrd KIND MODE). Exits 3 if the selftests
# or the CLI did not build: the initramfs is still made, without them.
# Also writes what the guest must report, for check.sh to pass to parse.py:
# expect-selftests, every program the selftest Makefile declares, and, when
# the KUnit module is in the initramfs, expect-kunit with its suites.
prepare_guest() {
	local kind=$1 mode=$2 dir=$FWCTL_CACHE/guest-$1 kodir hdrs rc=0
	if [[ $kind == builtin ]]; then
		prepare_builtin_guest "$mode"
		return
	fi
	if [[ $kind == debug ]]; then
		kodir=$O_DEBUG/drivers/fwctl hdrs=$O_DEBUG/usr/include
	else
		kodir=$(stock_modules_dir) hdrs=$REPO/include/uapi
	fi
	rm -rf "$dir/modules"
	rm -f "$dir/expect-selftests" "$dir/expect-kunit"
	mkdir -p "$dir/modules"
	find "$kodir" -name '*.ko' -exec cp {} "$dir/modules/" \;
	if [[ $kind == debug ]]; then
		stage_debug_modules "$dir/modroot" || return 1
	fi
	build_selftests "$dir/selftests" "$hdrs" "$kind" || rc=3
	build_cli "$dir/fwctl" "$hdrs" "$kind" || rc=3
	make_initramfs "$(guest_initrd "$kind" "$mode")" "$dir/modules" "$dir/selftests" \
		"$dir/fwctl" "$kind" "$mode"
	xargs -r -n1 basename <"$dir/selftests/.progs" >"$dir/expect-selftests"
	if [[ -f $dir/modules/fwctl_kunit.ko ]]; then
		{
			kunit_suites "$REPO/drivers/fwctl"
			if [[ -n $(find "$dir/modroot" -name cxl_features_kunit.ko 2>/dev/null) ]]; then
				kunit_suites "$REPO/drivers/cxl"
			fi
		} >"$dir/expect-kunit"
		[[ -s $dir/expect-kunit ]] ||
			log "no KUnit suite name found in drivers/fwctl; any suite will do"
	fi
	return "$rc"
}

# The builtin guest: no module to load. Its programs are
# testbed/guest-builtin.sh, the checks of the built-in core and mock, then
# BUILTIN_SELFTESTS. The uAPI headers are the repo's, as for the stock guest.
prepare_builtin_guest() {
	local mode=$1 dir=$FWCTL_CACHE/guest-builtin hdrs=$REPO/include/uapi rc=0 t f found
	local -a built=()
	rm -rf "$dir/modules"
	mkdir -p "$dir/modules"
	build_selftests "$dir/selftests" "$hdrs" builtin || rc=3
	mapfile -t built <"$dir/selftests/.progs"
	echo "$TESTBED_DIR/guest-builtin.sh" >"$dir/selftests/.progs"
	for t in "${BUILTIN_SELFTESTS[@]}"; do
		found=""
		for f in "${built[@]}"; do
			if [[ ${f##*/} == "$t" ]]; then
				found=$f
			fi
		done
		if [[ -n $found ]]; then
			echo "$found" >>"$dir/selftests/.progs"
		else
			log "selftest program $t was not built for the builtin guest"
			rc=3
		fi
	done
	build_cli "$dir/fwctl" "$hdrs" builtin || rc=3
	make_initramfs "$(guest_initrd builtin "$mode")" "$dir/modules" "$dir/selftests" \
		"$dir/fwctl" builtin "$mode"
	xargs -r -n1 basename <"$dir/selftests/.progs" >"$dir/expect-selftests"
	return "$rc"
}

# make_initramfs OUT.cpio.gz MODULE_DIR SELFTEST_DIR CLI KIND MODE
make_initramfs() {
	local out=$1 moddir=$2 stdir=$3 cli=$4 kind=$5 mode=$6
	local root=$FWCTL_CACHE/guest-$kind/root-$mode app ko name f progs=""
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,run,selftests,lib/testbed}

	# busybox-static, one symlink per applet. Not "busybox" itself: that
	# link would replace the binary with a self-loop.
	cp /bin/busybox "$root/bin/busybox"
	for app in $(/bin/busybox --list); do
		[[ $app == busybox ]] && continue
		ln -sf busybox "$root/bin/$app"
	done

	# Modules, with their dependencies (from modinfo) so init can insmod
	# them by path in order.
	for ko in "$moddir"/*.ko; do
		[[ -e $ko ]] || continue
		name=$(basename "$ko" .ko)
		cp "$ko" "$root/lib/testbed/"
		modinfo -F depends "$ko" | tr ',' ' ' >"$root/lib/testbed/$name.deps"
	done

	while IFS= read -r f; do
		[[ -f $f ]] || continue
		cp "$f" "$root/selftests/"
		progs+="$(basename "$f") "
	done <"$stdir/.progs"
	if [[ -f $stdir/.extras ]]; then
		while IFS= read -r f; do
			[[ -e $f ]] && cp -r "$f" "$root/selftests/"
		done <"$stdir/.extras"
	fi
	if [[ -f $cli ]]; then
		cp "$cli" "$root/bin/fwctl"
	fi
	if [[ $mode == run ]]; then
		cp "$TESTBED_DIR/demo.sh" "$root/demo.sh"
	fi
	# The debug guest's modprobe tree: the CXL core and cxl_test.
	if [[ -d $FWCTL_CACHE/guest-$kind/modroot/lib/modules ]]; then
		cp -r "$FWCTL_CACHE/guest-$kind/modroot/lib/modules" "$root/lib/"
	fi

	cp "$TESTBED_DIR/guest-init.sh" "$root/init"
	chmod 755 "$root/init"
	cat >"$root/etc/testbed.conf" <<-EOF
		KIND=$kind
		MODE=$mode
		INTERACTIVE=${INTERACTIVE:-0}
		SELFTESTS="$progs"
		SELFTEST_TIMEOUT=$SELFTEST_TIMEOUT
	EOF
	(cd "$root" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) |
		gzip -1 >"$out"
}

# run_qemu KERNEL INITRD LOG: boot under TCG (KVM is broken on these
# machines) with the console captured in LOG and a hard time limit.
# With INTERACTIVE=1 the console is the terminal instead.
run_qemu() {
	local kernel=$1 initrd=$2 logf=$3 rc=0 t0=$SECONDS
	local qemu=(qemu-system-x86_64 -accel tcg -smp 2 -m 2G -nographic -no-reboot
		-nic none -kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 ${FWCTL_APPEND:-}")
	if [[ ${INTERACTIVE:-0} == 1 ]]; then
		log "interactive guest: 'poweroff -f' in the guest, or Ctrl-A X, ends it"
		"${qemu[@]}" || rc=$?
		GUEST_SECONDS=$((SECONDS - t0))
		return 0
	elif [[ ${FWCTL_TEE:-0} == 1 ]]; then
		timeout -k 10 "$QEMU_TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | tee "$logf" || rc=$?
	else
		timeout -k 10 "$QEMU_TIMEOUT" "${qemu[@]}" </dev/null >"$logf" 2>&1 || rc=$?
	fi
	GUEST_SECONDS=$((SECONDS - t0))
	if ((rc == 124 || rc == 137)); then
		log "guest killed after the ${QEMU_TIMEOUT}s limit"
	fi
	log "guest ran ${GUEST_SECONDS}s (qemu rc=$rc); console log: $logf"
	return 0
}

# Run as a script, lib.sh calls one of its functions in a process of its own,
# so that `set -e` holds inside it even when the caller tests the result:
#   bash testbed/lib.sh build_debug
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	"$@"
fi
