/** Starter BPF C sources for the editor: the seed's selftest program, an XDP program and a
 * cgroup program. */
import LINK_PINNING from '../libbpf/progs/test_link_pinning.bpf.c?raw';

export interface Starter { id: string; title: string; file: string; source: string }

const XDP = `// Count packets on a device and let them all pass.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pkt_count SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&pkt_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
`;

const CGROUP = `// Let every packet a cgroup sends leave; count them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 egress_packets = 0;

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_packets, 1);
	return 1; /* allow */
}

char _license[] SEC("license") = "GPL";
`;

export const STARTERS: readonly Starter[] = [
  { id: 'link_pinning', title: 'test_link_pinning.c (selftest)', file: 'test_link_pinning.bpf.o', source: LINK_PINNING },
  { id: 'xdp', title: 'xdp_count.c (XDP)', file: 'xdp_count.bpf.o', source: XDP },
  { id: 'cgroup', title: 'cgroup_egress.c (cgroup)', file: 'cgroup_egress.bpf.o', source: CGROUP },
];
