#!/bin/bash
# Install what the test bed needs on Debian 12, idempotently: nothing is
# fetched when everything is already there.
#
# Debian's stock 6.12 kernel (image + headers) is NOT installed on the host:
# installing linux-headers-*-amd64 would pull in linux-image-*-amd64, a new
# kernel in /boot, initramfs-tools and a systemd upgrade. Instead the .debs
# (image, headers, headers-common, kbuild) are unpacked into
# $FWCTL_CACHE/stock/root and the headers' Makefile is pointed there.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PKGS=(linux-source-6.12 qemu-system-x86 busybox-static sparse flex bison bc
	libelf-dev libssl-dev cpio kmod dwarves rsync gcc make python3 patch xz-utils
	gzip perl shellcheck gcc-multilib python3-sphinx graphviz dkms libjson-c-dev
	groff-base)
STOCK=$FWCTL_CACHE/stock
export DEBIAN_FRONTEND=noninteractive

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

stock_ok() {
	local rel
	[[ -f $STOCK/release ]] || return 1
	rel=$(cat "$STOCK/release")
	[[ -f $STOCK/root/boot/vmlinuz-$rel && -f $STOCK/root/usr/src/linux-headers-$rel/Module.symvers ]]
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)) && stock_ok; then
	log "deps: all present (stock kernel $(cat "$STOCK/release"))"
	exit 0
fi

if [[ $(id -u) != 0 ]]; then
	die "deps: missing ${missing[*]:-stock kernel}; run as root"
fi
log "deps: apt-get update"
apt-get update -qq
if ((${#missing[@]})); then
	log "deps: installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! stock_ok; then
	# Newest 6.12 ABI that has both a headers and an unsigned image package.
	ver=""
	for v in $(apt-cache pkgnames linux-headers-6.12. |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12\)-amd64$/\1/p' | sort -Vr); do
		if apt-cache show "linux-image-$v-amd64-unsigned" >/dev/null 2>&1; then
			ver=$v
			break
		fi
	done
	[[ -n $ver ]] || die "deps: no linux-headers-6.12.*+deb12-amd64 with a matching image in apt"
	rel=$ver-amd64
	kbuild=linux-kbuild-$ver
	log "deps: unpacking Debian's $rel image and headers into $STOCK"
	rm -rf "$STOCK"
	mkdir -p "$STOCK/debs" "$STOCK/root"
	(cd "$STOCK/debs" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$rel-unsigned" "linux-headers-$rel" "linux-headers-$ver-common" \
		"$kbuild" >/dev/null)
	for deb in "$STOCK"/debs/*.deb; do
		dpkg-deb -x "$deb" "$STOCK/root"
	done
	# The headers' Makefile includes the -common one by absolute path.
	sed -i "s|^include /usr/src/|include $STOCK/root/usr/src/|" \
		"$STOCK/root/usr/src/linux-headers-$rel/Makefile"
	rm -rf "$STOCK/debs"
	echo "$rel" >"$STOCK/release"
	stock_ok || die "deps: unpacked stock kernel is incomplete"
fi
log "deps: ready (stock kernel $(cat "$STOCK/release"))"
