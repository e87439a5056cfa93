/**
 * Stories: a history written down (commands with one-line captions). The page opens on
 * `LINK_PINNING`, the kernel selftest `link_pinning` (shared/kernel-semantics/core.md §8,
 * sub-test pin_raw_tp), paused at step 0.
 */
import { syscall, type Command } from './command';

export interface Story {
  id: string;
  title: string;
  /** Caption of step 0. */
  intro: string;
  commands: readonly Command[];
}

const PID = 100; // the first process the model spawns
const PIN = '/sys/fs/bpf/pinned_link_test';
const bpf = (cmd: string, attr: Record<string, unknown>, caption: string): Command =>
  syscall({ call: 'bpf', pid: PID, cmd, attr }, caption);
const sysEnter = (caption: string): Command => syscall({ call: 'trigger', event: 'tracepoint:sys_enter' }, caption);

export const LINK_PINNING: Story = {
  id: 'link_pinning',
  title: 'link_pinning (kernel selftest)',
  intro: 'The link_pinning selftest, paused before its first call: step forward with ] to follow it.',
  commands: [
    syscall({ call: 'spawn', comm: 'test_progs' }, 'test_progs starts (pid 100); fds 0–2 are its terminal, so its first BPF fd will be 3.'),
    bpf('BPF_MAP_CREATE', { map_type: 'BPF_MAP_TYPE_ARRAY', key_size: 4, value_size: 8, max_entries: 1, map_name: 'test_lin.bss' },
      'libbpf creates the object’s .bss map (the globals in and out): fd 3.'),
    bpf('BPF_PROG_LOAD', { prog_type: 'BPF_PROG_TYPE_RAW_TRACEPOINT', prog_name: 'raw_tp_prog', fd_array: [3] },
      'It loads raw_tp_prog (SEC("raw_tp/sys_enter")): fd 4; the program holds the map.'),
    bpf('BPF_RAW_TRACEPOINT_OPEN', { name: 'sys_enter', prog_fd: 4 },
      'It attaches the program to the sys_enter tracepoint: the link is fd 5 and holds the program.'),
    sysEnter('A system call fires sys_enter: raw_tp_prog runs.'),
    bpf('BPF_OBJ_PIN', { bpf_fd: 5, pathname: PIN },
      `It pins the link at ${PIN}: the pin is a second reference to the link.`),
    syscall({ call: 'close', pid: PID, fd: 5 }, 'It closes the link’s fd: the pin alone keeps the link, and the program, attached.'),
    sysEnter('sys_enter fires again: the program still runs, held only through the pin.'),
    bpf('BPF_OBJ_GET', { pathname: PIN }, 'It opens the pin (BPF_OBJ_GET): the same link comes back as fd 5, the lowest free fd.'),
    syscall({ call: 'unlink', pid: PID, path: PIN }, 'It removes the pin (unlink): now only fd 5 holds the link.'),
    sysEnter('sys_enter fires: still attached, through the fd.'),
    syscall({ call: 'close', pid: PID, fd: 5 }, 'It closes the last reference: the link is freed and detached; fd 4 still holds the program.'),
    sysEnter('sys_enter fires: nothing runs.'),
    syscall({ call: 'exit', pid: PID }, 'test_progs exits: fds 4 and 3 close, and the program and then the map are freed.'),
  ],
};

export const STORIES: readonly Story[] = [LINK_PINNING];
