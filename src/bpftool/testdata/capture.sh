#!/bin/sh
# Capture a golden transcript on a real kernel, as root:
#   BPFTOOL=/path/to/bpftool-v7.7.0 ./capture.sh links.scn > links.golden
# In fresh mount and network namespaces: a new BPF FS (the kernel pins maps.debug and
# progs.debug in it; the goldens never list its root), cgroup2 at /sys/fs/cgroup, lo up, and a veth pair eth0 (ifindex 2) / veth1 (ifindex 3) as the model boots.
set -e
dir=$(dirname "$0")
gcc -O1 -o /tmp/bpf-harness "$dir/harness.c"
unshare -mn sh -c '
  mount -t bpf bpf /sys/fs/bpf
  umount -R /sys/fs/cgroup 2>/dev/null || true
  mount -t cgroup2 none /sys/fs/cgroup
  # maps.debug and progs.debug (CONFIG_BPF_PRELOAD) cannot be removed; bpftool lists no link for them
  ip link set lo up
  ip link add veth1 type veth peer name eth0
  ip link set eth0 up; ip link set veth1 up
  /tmp/bpf-harness "$1"
  for d in /sys/fs/cgroup/pg_*; do [ -d "$d" ] && rmdir "$d"; done; true' sh "$1"
