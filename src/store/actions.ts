/**
 * The one registry of user actions. Buttons, keyboard shortcuts, the automation API and
 * docs/automation.md all read this table: each entry has its label, shortcut, when it is
 * enabled, its arguments, the command it makes and the kernel function that call ends in.
 */
import { NOTABLE_VERSIONS } from '../kernel/index';
import { hasRunner, shellCommand, syscall, type Command } from './command';
import type { Step } from './history';
import { progLoadAttr, sectionByName } from './sections';
import { currentSnapshot, type PanelId, type PlaygroundState, type PlaygroundStore } from './store';
import { LINK_PINNING } from './story';

export type ArgValue = string | number | readonly number[] | undefined;
export type ActionArgs = Readonly<Record<string, ArgValue>>;

export interface ArgSpec {
  name: string;
  /** The accessible name of the control that takes it. */
  label: string;
  type: 'text' | 'pid' | 'fd' | 'fds' | 'path' | 'event' | 'choice' | 'number';
}

export interface ActionDef {
  /** Stable id ("fd.close"); part of the automation interface. */
  id: string;
  /** Button text. */
  label: string;
  panel: PanelId | 'steps' | 'view' | 'console';
  /** `KeyboardEvent.key` that runs it when focus is not in a text field. */
  shortcut?: string;
  args: readonly ArgSpec[];
  /** The Linux function the call ends in (kernel actions). */
  kernelFn?: string;
  /** The syscall or bpf command it makes, for the docs. */
  makes?: string;
  help: string;
  /** The accessible name of a button acting on one object (defaults to `label`). */
  name?(args: ActionArgs): string;
  /** Why it cannot run now, or null. */
  disabled?(s: PlaygroundState, args: ActionArgs): string | null;
  /** Kernel actions: the command. */
  command?(args: ActionArgs): Command;
  /** View actions. */
  perform?(store: PlaygroundStore, args: ActionArgs): void;
}

export const num = (a: ActionArgs, k: string): number => {
  const v = a[k];
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
};
export const str = (a: ActionArgs, k: string): string => {
  const v = a[k];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
};
const fds = (a: ActionArgs, k: string): number[] => {
  const v = a[k];
  return Array.isArray(v) ? [...(v as number[])] : [];
};

const pidsOf = new WeakMap<object, Set<number>>();
/** The live pids of a snapshot, computed once per snapshot (buttons ask on every change). */
function livePids(snap: ReturnType<typeof currentSnapshot>): Set<number> {
  let set = pidsOf.get(snap);
  if (!set) pidsOf.set(snap, (set = new Set(snap.processes.map((p) => p.pid))));
  return set;
}

function needProcess(s: PlaygroundState, a: ActionArgs): string | null {
  const pid = num(a, 'pid');
  if (!Number.isInteger(pid)) return 'Choose a process';
  return livePids(currentSnapshot(s)).has(pid) ? null : `No process ${pid} at this step`;
}
function needFd(s: PlaygroundState, a: ActionArgs): string | null {
  return needProcess(s, a) ?? (Number.isInteger(num(a, 'fd')) ? null : 'Choose an fd');
}
const needPath = (k = 'path') => (s: PlaygroundState, a: ActionArgs): string | null =>
  needProcess(s, a) ?? (str(a, k).startsWith('/') ? null : 'Give an absolute path');

const PID: ArgSpec = { name: 'pid', label: 'Process', type: 'pid' };
const FD: ArgSpec = { name: 'fd', label: 'fd', type: 'fd' };
/** A program and a tcx list: the device and the direction. */
const TCX_ARGS: ArgSpec[] = [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'ifindex', label: 'Device', type: 'choice' },
  { name: 'attach_type', label: 'Direction', type: 'choice' }];
const PATH: ArgSpec = { name: 'path', label: 'Path', type: 'path' };
const bpf = (a: ActionArgs, cmd: string, attr: Record<string, unknown>): Command =>
  syscall({ call: 'bpf', pid: num(a, 'pid'), cmd, attr });

export const ACTIONS: readonly ActionDef[] = [
  // Processes
  { id: 'process.spawn', label: 'Spawn', panel: 'processes', args: [{ name: 'comm', label: 'Process name', type: 'text' }],
    kernelFn: 'kernel_clone', makes: 'spawn', help: 'Start a process; fds 0–2 are its terminal.',
    disabled: (_s, a) => (str(a, 'comm') ? null : 'Name the process'),
    command: (a) => syscall({ call: 'spawn', comm: str(a, 'comm') }) },
  { id: 'process.fork', label: 'Fork', panel: 'processes', args: [PID], kernelFn: 'copy_process', makes: 'fork',
    help: 'The child shares every open file of the parent (f_count + 1 each).',
    name: (a) => `Fork pid ${str(a, 'pid')}`, disabled: needProcess,
    command: (a) => syscall({ call: 'fork', pid: num(a, 'pid') }) },
  { id: 'process.exit', label: 'Exit', panel: 'processes', args: [PID], kernelFn: 'do_exit', makes: 'exit',
    help: 'The process exits: every fd is closed, highest first.',
    name: (a) => `Exit pid ${str(a, 'pid')}`, disabled: needProcess,
    command: (a) => syscall({ call: 'exit', pid: num(a, 'pid') }) },
  { id: 'process.kill', label: 'kill -9', panel: 'processes', args: [PID], kernelFn: 'do_exit', makes: 'exit',
    help: 'SIGKILL: to the kernel the same as exit; no cleanup code runs in the process.',
    name: (a) => `kill -9 pid ${str(a, 'pid')}`, disabled: needProcess,
    command: (a) => syscall({ call: 'exit', pid: num(a, 'pid') }, `kill -9 ${str(a, 'pid')}: the kernel closes its fds as on exit`) },
  { id: 'fd.close', label: 'close', panel: 'processes', args: [PID, FD], kernelFn: 'close_fd', makes: 'close',
    help: 'Drop this fd’s reference to its open file.',
    name: (a) => `Close fd ${str(a, 'fd')} of pid ${str(a, 'pid')}`, disabled: needFd,
    command: (a) => syscall({ call: 'close', pid: num(a, 'pid'), fd: num(a, 'fd') }) },
  { id: 'fd.dup', label: 'dup', panel: 'processes', args: [PID, FD], kernelFn: 'ksys_dup', makes: 'dup',
    help: 'A second fd on the same open file (f_count + 1).',
    name: (a) => `dup fd ${str(a, 'fd')} of pid ${str(a, 'pid')}`, disabled: needFd,
    command: (a) => syscall({ call: 'dup', pid: num(a, 'pid'), fd: num(a, 'fd') }) },

  // Programs and maps
  { id: 'map.create', label: 'Create map', panel: 'programs',
    args: [PID, { name: 'name', label: 'Map name', type: 'text' }, { name: 'type', label: 'Map type', type: 'choice' }],
    kernelFn: 'map_create', makes: 'bpf(BPF_MAP_CREATE)', help: 'A map owned by its new fd (refcnt 1, usercnt 1).', disabled: needProcess,
    command: (a) => bpf(a, 'BPF_MAP_CREATE', {
      map_type: `BPF_MAP_TYPE_${(str(a, 'type') || 'array').toUpperCase()}`, key_size: 4, value_size: 8, max_entries: 1, map_name: str(a, 'name'),
    }) },
  { id: 'prog.load', label: 'Load program', panel: 'programs',
    args: [PID, { name: 'section', label: 'Section', type: 'choice' }, { name: 'name', label: 'Program name', type: 'text' },
      { name: 'target', label: 'Target', type: 'choice' }, { name: 'maps', label: 'Maps it uses', type: 'fds' }],
    kernelFn: 'bpf_prog_load', makes: 'bpf(BPF_PROG_LOAD)', help: 'Load a program in a process; it holds the maps it uses.',
    disabled: (s, a) => needProcess(s, a) ?? (sectionByName(str(a, 'section')) ? null : 'Choose a section'),
    command: (a) => bpf(a, 'BPF_PROG_LOAD', progLoadAttr(sectionByName(str(a, 'section'))!, str(a, 'name'), str(a, 'target') || undefined, fds(a, 'maps'))) },

  { id: 'prog.libbpf_load', label: 'Load', panel: 'programs',
    args: [PID, { name: 'source', label: 'BPF C source', type: 'text' }, { name: 'file', label: 'Object file', type: 'text' }],
    kernelFn: 'bpf_prog_load', makes: 'libbpf: bpf_object__open_mem + bpf_object__load',
    help: 'libbpf opens the C source and loads its maps and programs in the chosen process.',
    name: () => 'Load with libbpf', disabled: (s, a) => needProcess(s, a) ?? (str(a, 'source') ? null : 'Write a BPF C source'),
    command: (a) => ({ kind: 'libbpf', pid: num(a, 'pid'), op: 'load', source: String(a.source ?? ''), file: str(a, 'file') || 'prog.bpf.o' }) },
  { id: 'prog.libbpf_load_attach', label: 'Load and attach', panel: 'programs',
    args: [PID, { name: 'source', label: 'BPF C source', type: 'text' }, { name: 'file', label: 'Object file', type: 'text' }],
    kernelFn: 'bpf_prog_load', makes: 'libbpf: open, load, bpf_program__attach',
    help: 'As a skeleton’s __open_and_load + __attach: every program that can auto-attach by its section is attached as a link.',
    name: () => 'Load and attach with libbpf', disabled: (s, a) => needProcess(s, a) ?? (str(a, 'source') ? null : 'Write a BPF C source'),
    command: (a) => ({ kind: 'libbpf', pid: num(a, 'pid'), op: 'load_attach', source: String(a.source ?? ''), file: str(a, 'file') || 'prog.bpf.o' }) },

  // Attach
  { id: 'attach.raw_tracepoint_open', label: 'Attach', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'tracepoint', label: 'Tracepoint', type: 'choice' }],
    kernelFn: 'bpf_raw_tp_link_attach', makes: 'bpf(BPF_RAW_TRACEPOINT_OPEN)',
    help: 'Attach as a link; raw_tp programs name the tracepoint, tp_btf/fentry/fexit/lsm use their load-time target.',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) ? null : 'Choose a program fd'),
    command: (a) => bpf(a, 'BPF_RAW_TRACEPOINT_OPEN', str(a, 'tracepoint') ? { name: str(a, 'tracepoint'), prog_fd: num(a, 'prog') } : { prog_fd: num(a, 'prog') }) },
  { id: 'attach.link_create', label: 'BPF_LINK_CREATE', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'attach_type', label: 'Attach type', type: 'choice' }],
    kernelFn: 'link_create', makes: 'bpf(BPF_LINK_CREATE)', help: 'The generic link command (tracing programs: 5.19+).',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) ? null : 'Choose a program fd'),
    command: (a) => bpf(a, 'BPF_LINK_CREATE', { prog_fd: num(a, 'prog'), target_fd: 0, attach_type: str(a, 'attach_type') }) },
  { id: 'attach.cgroup_link', label: 'Attach as a link', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'cgroup', label: 'cgroup fd', type: 'fd' }, { name: 'attach_type', label: 'Attach type', type: 'choice' }],
    kernelFn: 'cgroup_bpf_attach', makes: 'bpf(BPF_LINK_CREATE)', help: 'A cgroup link: owned by its fd (and pins), detached when the last goes.',
    name: () => 'Attach to the cgroup as a link',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'cgroup')) ? null : 'Choose a program fd and a cgroup fd'),
    command: (a) => bpf(a, 'BPF_LINK_CREATE', { prog_fd: num(a, 'prog'), target_fd: num(a, 'cgroup'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.prog_attach', label: 'Attach the legacy way', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'cgroup', label: 'cgroup fd', type: 'fd' }, { name: 'attach_type', label: 'Attach type', type: 'choice' }],
    kernelFn: 'cgroup_bpf_attach', makes: 'bpf(BPF_PROG_ATTACH)', help: 'A legacy cgroup attachment: owned by no fd, it stays until BPF_PROG_DETACH.',
    name: () => 'Attach to the cgroup the legacy way (BPF_PROG_ATTACH)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'cgroup')) ? null : 'Choose a program fd and a cgroup fd'),
    command: (a) => bpf(a, 'BPF_PROG_ATTACH', { target_fd: num(a, 'cgroup'), attach_bpf_fd: num(a, 'prog'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.prog_detach', label: 'BPF_PROG_DETACH', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'cgroup', label: 'cgroup fd', type: 'fd' }, { name: 'attach_type', label: 'Attach type', type: 'choice' }],
    kernelFn: 'cgroup_bpf_detach', makes: 'bpf(BPF_PROG_DETACH)', help: 'Detach a legacy cgroup attachment (needs fds of the program and the cgroup).',
    name: () => 'Detach from the cgroup (BPF_PROG_DETACH)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'cgroup')) ? null : 'Choose a cgroup fd'),
    command: (a) => bpf(a, 'BPF_PROG_DETACH', { target_fd: num(a, 'cgroup'), attach_bpf_fd: num(a, 'prog'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.xdp_link', label: 'Attach as a link', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'ifindex', label: 'Device', type: 'choice' }],
    kernelFn: 'dev_xdp_attach_link', makes: 'bpf(BPF_LINK_CREATE)', help: 'An XDP link on a device (5.9+): owned by its fd and pins.',
    name: () => 'Attach to the device as an XDP link',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a program fd and a device'),
    command: (a) => bpf(a, 'BPF_LINK_CREATE', { prog_fd: num(a, 'prog'), target_ifindex: num(a, 'ifindex'), attach_type: 'BPF_XDP' }) },
  { id: 'attach.xdp_netlink', label: 'Attach the legacy way', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }, { name: 'ifindex', label: 'Device', type: 'choice' }],
    kernelFn: 'dev_xdp_set_prog', makes: 'netlinkXdpAttach', help: 'ip link set dev … xdp: a legacy XDP attachment owned by no fd.',
    name: () => 'Attach to the device the legacy way (netlink)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a program fd and a device'),
    command: (a) => syscall({ call: 'netlinkXdpAttach', pid: num(a, 'pid'), ifindex: num(a, 'ifindex'), prog_fd: num(a, 'prog') }) },
  { id: 'attach.xdp_netlink_off', label: 'xdp off', panel: 'attach', args: [PID, { name: 'ifindex', label: 'Device', type: 'choice' }],
    kernelFn: 'dev_xdp_uninstall', makes: 'netlinkXdpAttach', help: 'ip link set dev … xdp off (prog_fd -1): detach a legacy XDP program.',
    name: (a) => `xdp off on ifindex ${str(a, 'ifindex')}`,
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a device'),
    command: (a) => syscall({ call: 'netlinkXdpAttach', pid: num(a, 'pid'), ifindex: num(a, 'ifindex'), prog_fd: -1 }) },
  { id: 'attach.tcx_link', label: 'Attach as a link', panel: 'attach',
    args: TCX_ARGS,
    kernelFn: 'tcx_link_attach', makes: 'bpf(BPF_LINK_CREATE)', help: 'A tcx link (6.6+) at the end of the device’s list: owned by its fd and pins.',
    name: () => 'Attach to the device as a tcx link',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a program fd and a device'),
    command: (a) => bpf(a, 'BPF_LINK_CREATE', { prog_fd: num(a, 'prog'), target_ifindex: num(a, 'ifindex'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.tcx_prog_attach', label: 'Attach the legacy way', panel: 'attach',
    args: TCX_ARGS,
    kernelFn: 'tcx_prog_attach', makes: 'bpf(BPF_PROG_ATTACH)', help: 'BPF_PROG_ATTACH on a tcx list: owned by no fd, it stays until BPF_PROG_DETACH or the device goes.',
    name: () => 'Attach to the device with BPF_PROG_ATTACH (tcx)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) && Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a program fd and a device'),
    command: (a) => bpf(a, 'BPF_PROG_ATTACH', { target_ifindex: num(a, 'ifindex'), attach_bpf_fd: num(a, 'prog'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.tcx_prog_detach', label: 'BPF_PROG_DETACH', panel: 'attach',
    args: TCX_ARGS,
    kernelFn: 'tcx_prog_detach', makes: 'bpf(BPF_PROG_DETACH)', help: 'Detach this program’s BPF_PROG_ATTACH entry from the tcx list (EBUSY if a link owns it).',
    name: () => 'Detach from the device (BPF_PROG_DETACH, tcx)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'ifindex')) ? null : 'Choose a device'),
    command: (a) => bpf(a, 'BPF_PROG_DETACH', { target_ifindex: num(a, 'ifindex'), attach_bpf_fd: num(a, 'prog'), attach_type: str(a, 'attach_type') }) },
  { id: 'attach.iter_link', label: 'Create an iterator link', panel: 'attach',
    args: [PID, { name: 'prog', label: 'Program fd', type: 'fd' }],
    kernelFn: 'bpf_iter_link_attach', makes: 'bpf(BPF_LINK_CREATE)', help: 'An iterator link (5.8+) for the program’s target: it runs nothing until a file made from it is read.',
    name: () => 'Create an iterator link (BPF_TRACE_ITER)',
    disabled: (s, a) => needProcess(s, a) ?? (Number.isInteger(num(a, 'prog')) ? null : 'Choose a program fd'),
    command: (a) => bpf(a, 'BPF_LINK_CREATE', { prog_fd: num(a, 'prog'), attach_type: 'BPF_TRACE_ITER' }) },
  { id: 'link.iter_create', label: 'BPF_ITER_CREATE', panel: 'attach', args: [PID, FD], kernelFn: 'bpf_iter_new_fd', makes: 'bpf(BPF_ITER_CREATE)',
    help: 'A file whose reads run the iterator program: it holds the program, not the link.',
    name: (a) => `Open an iterator file from link fd ${str(a, 'fd')} of pid ${str(a, 'pid')}`, disabled: needFd,
    command: (a) => bpf(a, 'BPF_ITER_CREATE', { link_fd: num(a, 'fd') }) },
  { id: 'link.detach', label: 'Detach', panel: 'attach', args: [PID, FD], kernelFn: 'link_detach', makes: 'bpf(BPF_LINK_DETACH)',
    help: 'Detach a link without freeing it (5.9+; raw tracepoint and tracing links say EOPNOTSUPP).',
    name: (a) => `Detach link fd ${str(a, 'fd')} of pid ${str(a, 'pid')}`, disabled: needFd,
    command: (a) => bpf(a, 'BPF_LINK_DETACH', { link_fd: num(a, 'fd') }) },

  // BPF FS
  { id: 'fs.mkdir', label: 'mkdir', panel: 'bpffs', args: [PID, PATH], kernelFn: 'bpf_mkdir', makes: 'mkdir',
    help: 'Create a directory in BPF FS.', name: () => 'mkdir', disabled: needPath(),
    command: (a) => syscall({ call: 'mkdir', pid: num(a, 'pid'), path: str(a, 'path') }) },
  { id: 'fs.pin', label: 'Pin', panel: 'bpffs', args: [PID, FD, PATH], kernelFn: 'bpf_obj_pin_user', makes: 'bpf(BPF_OBJ_PIN)',
    help: 'Pin the object behind an fd at a path: the pin holds a reference.',
    disabled: (s, a) => needFd(s, a) ?? needPath()(s, a),
    command: (a) => bpf(a, 'BPF_OBJ_PIN', { bpf_fd: num(a, 'fd'), pathname: str(a, 'path') }) },
  { id: 'fs.get', label: 'Open', panel: 'bpffs', args: [PID, PATH], kernelFn: 'bpf_obj_get_user', makes: 'bpf(BPF_OBJ_GET)',
    help: 'A new fd on the pinned object, in the chosen process.',
    name: (a) => `Open ${str(a, 'path')}`, disabled: needPath(),
    command: (a) => bpf(a, 'BPF_OBJ_GET', { pathname: str(a, 'path') }) },
  { id: 'fs.unlink', label: 'Unpin', panel: 'bpffs', args: [PID, PATH], kernelFn: 'simple_unlink', makes: 'unlink',
    help: 'Remove a pin (unlink): the pin’s reference goes with its inode.',
    name: (a) => `Unpin ${str(a, 'path')}`, disabled: needPath(),
    command: (a) => syscall({ call: 'unlink', pid: num(a, 'pid'), path: str(a, 'path') }) },
  { id: 'fs.rmdir', label: 'rmdir', panel: 'bpffs', args: [PID, PATH], kernelFn: 'simple_rmdir', makes: 'rmdir',
    help: 'Remove an empty directory.', name: (a) => `rmdir ${str(a, 'path')}`, disabled: needPath(),
    command: (a) => syscall({ call: 'rmdir', pid: num(a, 'pid'), path: str(a, 'path') }) },
  { id: 'fs.rename', label: 'Rename', panel: 'bpffs', args: [PID, { name: 'from', label: 'From', type: 'path' }, { name: 'to', label: 'New path', type: 'path' }],
    kernelFn: 'simple_rename', makes: 'rename', help: 'Rename a pin or directory; a pin keeps its reference.',
    name: (a) => `Rename ${str(a, 'from')}`, disabled: (s, a) => needPath('from')(s, a) ?? needPath('to')(s, a),
    command: (a) => syscall({ call: 'rename', pid: num(a, 'pid'), from: str(a, 'from'), to: str(a, 'to') }) },
  { id: 'fs.open', label: 'Open directory', panel: 'bpffs', args: [PID, PATH], kernelFn: 'do_sys_openat2', makes: 'open',
    help: 'Open a directory read-only (an fd for path_fd or a cgroup target_fd).',
    name: (a) => `Open directory ${str(a, 'path')}`, disabled: needPath(),
    command: (a) => syscall({ call: 'open', pid: num(a, 'pid'), path: str(a, 'path') }) },

  // Events
  { id: 'event.fire', label: 'Fire', panel: 'events', args: [{ name: 'event', label: 'Event', type: 'event' }],
    kernelFn: '__bpf_trace_run', makes: 'trigger', help: 'Fire a kernel event: every program attached to it runs.',
    name: (a) => `Fire ${str(a, 'event')}`, disabled: (_s, a) => (/^[a-z]+:./.test(str(a, 'event')) ? null : 'Choose an event'),
    command: (a) => syscall({ call: 'trigger', event: str(a, 'event') }) },

  { id: 'shell.run', label: 'Run', panel: 'console', args: [{ name: 'line', label: 'Shell command', type: 'text' }],
    kernelFn: '__sys_bpf', makes: 'bpftool / ls / rm / mkdir / mv',
    help: 'Run a console line: bpftool (prog, map, link, cgroup, net, iter), ls, rm, mkdir, mv. bpftool runs as its own short-lived process; the editor’s source is its object file (prog.bpf.o).',
    disabled: (_s, a) => (str(a, 'line') ? null : 'Type a command'),
    // the editor's buffer, as the object file a line such as `bpftool prog load prog.bpf.o ...` opens
    command: (a) => shellCommand(str(a, 'line'), str(a, 'file') ? { [str(a, 'file')]: str(a, 'source') } : {}) },

  // Steps
  { id: 'step.back', label: 'Step back', panel: 'steps', shortcut: '[', args: [], help: 'Show the previous step.',
    disabled: (s) => (s.cursor > 0 ? null : 'At the first step'), perform: (st) => st.getState().back() },
  { id: 'step.forward', label: 'Step forward', panel: 'steps', shortcut: ']', args: [], help: 'Show the next step.',
    disabled: (s) => (s.cursor < s.steps.length - 1 ? null : 'At the last step'), perform: (st) => st.getState().forward() },
  { id: 'step.first', label: 'First step', panel: 'steps', shortcut: 'Home', args: [], help: 'Show step 0.',
    disabled: (s) => (s.cursor > 0 ? null : 'At the first step'), perform: (st) => st.getState().first() },
  { id: 'step.last', label: 'Last step', panel: 'steps', shortcut: 'End', args: [], help: 'Show the last step.',
    disabled: (s) => (s.cursor < s.steps.length - 1 ? null : 'At the last step'), perform: (st) => st.getState().last() },
  { id: 'step.seek', label: 'Step', panel: 'steps', args: [{ name: 'index', label: 'Step', type: 'number' }], help: 'Show any step.',
    perform: (st, a) => st.getState().seek(num(a, 'index')) },

  // View
  { id: 'kernel.new', label: 'New empty kernel', panel: 'view', args: [], help: 'Start over on an empty kernel of the same version.',
    perform: (st) => st.getState().reset() },
  { id: 'story.link_pinning', label: 'Story: link_pinning', panel: 'view', args: [], help: 'Load the link_pinning selftest story at step 0.',
    perform: (st) => st.getState().loadStory(LINK_PINNING) },
  { id: 'kernel.version', label: 'Kernel version', panel: 'view', args: [{ name: 'version', label: 'Kernel version', type: 'choice' }],
    help: `Replay the history on another release (${NOTABLE_VERSIONS.map((v) => v.version).join(', ')}); the first step whose result changed is marked.`,
    perform: (st, a) => st.getState().setVersion(str(a, 'version')) },
  { id: 'selection.clear', label: 'Clear selection', panel: 'view', shortcut: 'Escape', args: [], help: 'Select nothing.',
    disabled: (s) => (s.selected ? null : 'Nothing is selected'), perform: (st) => st.getState().select(null) },
  { id: 'theme.toggle', label: 'Toggle theme', panel: 'view', shortcut: 't', args: [], help: 'Switch between the light and dark themes.',
    perform: (st) => st.getState().setTheme(st.getState().theme === 'dark' ? 'light' : 'dark') },
  ...(['processes', 'programs', 'attach', 'bpffs', 'events'] as const).map((panel, i): ActionDef => ({
    id: `panel.${panel}`, label: `Show the ${panel} panel`, panel: 'view', shortcut: String(i + 1), args: [],
    help: `Open the ${panel} panel.`, perform: (st) => st.getState().setPanel(panel),
  })),
];

const BY_ID = new Map(ACTIONS.map((a) => [a.id, a]));

export function action(id: string): ActionDef {
  const a = BY_ID.get(id);
  if (!a) throw new RangeError(`no action "${id}"`);
  return a;
}

export function actionName(id: string, args: ActionArgs = {}): string {
  const a = action(id);
  return a.name ? a.name(args) : a.label;
}

export function disabledReason(s: PlaygroundState, id: string, args: ActionArgs = {}): string | null {
  return action(id).disabled?.(s, args) ?? null;
}

/** Run an action if it is enabled; the new step for kernel actions. */
export function runAction(store: PlaygroundStore, id: string, args: ActionArgs = {}): Step | undefined {
  const a = action(id);
  if (disabledReason(store.getState(), id, args) !== null) return undefined;
  if (a.command) {
    const c = a.command(args);
    if (!hasRunner(c.kind)) throw new Error(`${id}: the ${c.kind} runner is not loaded (await ensureRunner("${c.kind}"))`);
    return store.getState().dispatch(c);
  }
  a.perform?.(store, args);
  return undefined;
}

export function actionForShortcut(key: string): ActionDef | undefined {
  return ACTIONS.find((a) => a.shortcut === key);
}
