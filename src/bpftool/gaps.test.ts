/**
 * What bpftool's code handles and the model cannot show yet: each waits for a kernel
 * feature (named) before it can be checked against the real tool.
 */
import { describe, it } from 'vitest';

describe('waiting for the kernel model', () => {
  it.todo('link show of tcx and netkit links (`ifindex eth0(2)  attach_type tcx_ingress`): needs BPF_LINK_CREATE for tcx in the model');
  it.todo('net show tc section (`eth0(2) tcx/ingress NAME prog_id N link_id M`): needs BPF_PROG_QUERY on a device for tcx');
  it.todo('link show of netns links and net show flow_dissector: needs netns links and a netns fd to query');
  it.todo('link show of perf_event links (tracepoint, kprobe, uprobe lines): needs perf_event_open and tracefs');
  it.todo('-f: the order of several pins of one object (readdir newest first): needs inode numbers in snapshot().bpffs');
  it.todo('net attach xdpgeneric over a native program: needs netlink extack ("libbpf: Kernel error message: ...")');
});
