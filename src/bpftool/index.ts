/**
 * bpftool on the kernel model (contract: shared/spec/kernel-api.md §2b): `runBpftool` runs
 * `bpftool argv...` as its own short-lived process and prints what bpftool v7.7 prints;
 * `runShell` runs one line of the few shell commands a tutorial needs around it.
 */
export { runBpftool, type BpftoolOptions, type BpftoolResult } from './main';
export { runShell, shellWords } from './shell';
