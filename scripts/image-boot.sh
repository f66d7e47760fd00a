#!/bin/sh
# Boots a tree laid out by scripts/image-install.mjs the way `docker run` would, on a machine with
# no container engine: run it under `unshare --mount --pid --fork` (root). The host's own root
# stands in for the base image (Debian 12, as node:24-bookworm-slim), the given Node for the base
# image's /usr/local/bin/node, and DEST is layered on top with overlayfs; /run and /tmp are
# private tmpfs, the host's systemd units are hidden, and ENTRYPOINT becomes the namespace's PID 1.
# Usage: unshare --mount --pid --fork --propagation private scripts/image-boot.sh DEST NODE ENTRYPOINT...
# (or any command in place of ENTRYPOINT, as a Dockerfile RUN step runs it)
set -eu
DEST=$1 NODE=$2
shift 2
MNT=${DEST%/}.root
mkdir -p "$MNT"
# The layer is copied to a tmpfs: overlayfs refuses a lower layer inside another lower layer (/).
mount -t tmpfs -o mode=0755 unitd-image "$MNT"
mkdir "$MNT/layer" "$MNT/upper" "$MNT/work" "$MNT/root"
cp -a "$DEST/." "$MNT/layer/"
R=$MNT/root
mount -t overlay overlay -o "lowerdir=$MNT/layer:/,upperdir=$MNT/upper,workdir=$MNT/work" "$R"
# The image's unit directory replaces the host's instead of merging with it (the base image ships
# no units of its own: no systemd package in node:24-bookworm-slim). It is DEST's own, so what a
# command changes there (`systemctl enable` as a RUN step would) stays for the next boot.
mount --bind "$DEST/etc/systemd/system" "$R/etc/systemd/system"
for d in "$R/usr/lib/systemd/system" "$(readlink -f "$R/lib")/systemd/system"; do
  if [ -d "$d" ] && ! mountpoint -q "$d"; then mount -t tmpfs -o mode=0755 tmpfs "$d"; fi
done
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount --rbind /sys "$R/sys"
mkdir -p "$R/usr/local/bin"
: > "$R/usr/local/bin/node"
mount --bind "$NODE" "$R/usr/local/bin/node"
cd "$R"
exec chroot "$R" "$@"
