// tools/testing/selftests/bpf/progs/test_link_pinning.c
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* What user space writes, and what the programs copy it to. */
int in = 0;
int out = 0;

SEC("raw_tp/sys_enter")
int raw_tp_prog(const void *ctx)
{
	out = in;	/* runs on every syscall entry while attached */
	return 0;
}

SEC("tp_btf/sys_enter")
int tp_btf_prog(const void *ctx)
{
	out = in;
	return 0;
}

char _license[] SEC("license") = "GPL";
