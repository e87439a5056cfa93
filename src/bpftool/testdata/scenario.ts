/**
 * The scenario language the golden tests share with the real-kernel capture (harness.c runs
 * the same file with raw bpf() calls and the real bpftool 7.7.0): one step per line, printed
 * as `# <line> = <return>` (or `= -<strerror>`), and `run <command>` blocks with the command's
 * stdout, stderr and exit status.
 *
 *   map NAME TYPE KEY VALUE MAX FLAGS          prog NAME TYPE EAT BTF_ID|- LICENSE MAPFDS|-
 *   rawtp PROGFD TP|-    linkcreate PROGFD TARGET ATTACH_TYPE    detach LINKFD
 *   attach TARGETFD PROGFD TYPE FLAGS    pin FD PATH    get PATH    close FD    open PATH
 *   mkdir PATH    unlink PATH    run COMMAND
 */
import { ITER_TARGETS, KERNEL_FUNCS, TRACEPOINTS, strerror, type Kernel } from '../../kernel/index';
import { runShell } from '../index';


function btfName(id: number): string | undefined {
  for (const [name, tp] of Object.entries(TRACEPOINTS)) if (tp.btfId === id) return name;
  for (const [name, f] of Object.entries(KERNEL_FUNCS)) if (f.btfId === id) return name.replace(/^bpf_lsm_/, '');
  for (const [name, t] of Object.entries(ITER_TARGETS)) if (t.btfId === id) return name;
  return undefined;
}

/** Run a scenario on the model as process `harness`; the transcript as the harness prints it. */
export function runScenario(k: Kernel, script: string, files: Record<string, string> = {}): string {
  const pid = k.spawn('harness');
  let out = '';
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('run ')) {
      const cmd = line.slice(4);
      const r = runShell(k, cmd, { files });
      out += `$ ${cmd}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}--- exit ${r.exitCode}\n`;
      continue;
    }
    const w = line.split(/\s+/);
    const n = (i: number): number => Number(w[i]);
    let r: number;
    switch (w[0]) {
      case 'map':
        r = k.bpf(pid, 'BPF_MAP_CREATE', { map_type: n(2), key_size: n(3), value_size: n(4), max_entries: n(5), map_flags: Number(w[6]), map_name: w[1]!.slice(0, 15) });
        break;
      case 'prog': {
        const attr: Record<string, unknown> = { prog_type: n(2), expected_attach_type: n(3), license: w[5], prog_name: w[1]!.slice(0, 15) };
        if (w[4] !== '-') attr.attach_func_name = btfName(n(4)) ?? `btf#${w[4]}`;
        if (w[6] !== '-') attr.fd_array = w[6]!.split(',').map(Number);
        r = k.bpf(pid, 'BPF_PROG_LOAD', attr);
        break;
      }
      case 'rawtp': r = k.bpf(pid, 'BPF_RAW_TRACEPOINT_OPEN', w[2] === '-' ? { prog_fd: n(1) } : { prog_fd: n(1), name: w[2] }); break;
      case 'linkcreate':
        r = k.bpf(pid, 'BPF_LINK_CREATE', n(3) === 37 ? { prog_fd: n(1), target_ifindex: n(2), attach_type: n(3) } : { prog_fd: n(1), target_fd: n(2), attach_type: n(3) });
        break;
      case 'detach': r = k.bpf(pid, 'BPF_LINK_DETACH', { link_fd: n(1) }); break;
      case 'freeze': r = k.bpf(pid, 'BPF_MAP_FREEZE', { map_fd: n(1) }); break;
      case 'attach': r = k.bpf(pid, 'BPF_PROG_ATTACH', { target_fd: n(1), attach_bpf_fd: n(2), attach_type: n(3), attach_flags: n(4) }); break;
      case 'pin': r = k.bpf(pid, 'BPF_OBJ_PIN', { bpf_fd: n(1), pathname: w[2] }); break;
      case 'get': r = k.bpf(pid, 'BPF_OBJ_GET', { pathname: w[1] }); break;
      case 'close': r = k.close(pid, n(1)); break;
      case 'open': r = k.open(pid, w[1]!); break;
      case 'mkdir': r = k.mkdir(pid, w[1]!); break;
      case 'unlink': r = k.unlink(pid, w[1]!); break;
      default: throw new Error(`unknown scenario step: ${line}`);
    }
    out += r < 0 ? `# ${line} = -${strerror(-r)}\n` : `# ${line} = ${r}\n`;
  }
  k.exit(pid);
  return out;
}
