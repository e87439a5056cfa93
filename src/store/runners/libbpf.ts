/**
 * The libbpf runner: a `LibbpfCommand` is what a skeleton's `__open_and_load` (and
 * `__attach`) do, through src/libbpf, acting as the command's process. Loaded on demand.
 */
import { errnoName, type Kernel } from '../../kernel/index';
import { createLibbpf, type BpfProgram } from '../../libbpf/index';
import { registerRunner, type CommandResult, type Diagnostic, type LibbpfCommand } from '../command';

const EOPNOTSUPP = 95;

/** Where libbpf's messages point into the source: "file.c:12:5: error: why" lines, and
 * "prog 'name': ..." messages at the line that defines that program. */
export function diagnosticsOf(lines: readonly string[], source: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const src = source.split('\n');
  for (const l of lines) {
    const m = /:(\d+):(\d+): error: (.*)$/.exec(l);
    if (m) {
      out.push({ line: Number(m[1]), col: Number(m[2]), message: m[3]! });
      continue;
    }
    const p = /prog '([A-Za-z_][A-Za-z0-9_]*)'/.exec(l);
    if (p && /error|fail|invalid|unsupported|-E[A-Z]+/i.test(l)) {
      const i = src.findIndex((x) => new RegExp(`\\b${p[1]}\\s*\\(`).test(x));
      if (i >= 0) out.push({ line: i + 1, col: src[i]!.indexOf(p[1]!) + 1, message: l.replace(/^libbpf: /, '') });
    }
  }
  return out;
}

export function runLibbpf(kernel: Kernel, c: LibbpfCommand): CommandResult {
  const first = kernel.log().length;
  const lib = createLibbpf(kernel, c.pid);
  const lines: string[] = [];
  lib.libbpf_set_print((level, line) => { if (level !== 'debug') lines.push(line); });
  let ret: number;
  const obj = lib.bpf_object__open_mem(c.source, c.file);
  if (!obj) ret = -lib.errno;
  else {
    ret = lib.bpf_object__load(obj);
    if (ret === 0) {
      const progs: BpfProgram[] = [];
      for (let p = lib.bpf_object__next_program(obj, null); p; p = lib.bpf_object__next_program(obj, p)) progs.push(p);
      lines.push(`loaded ${progs.map((p) => `${p.name} (fd ${lib.bpf_program__fd(p)})`).join(', ') || 'no programs'}`);
      if (c.op === 'load_attach') {
        for (const p of progs) {
          const link = lib.bpf_program__attach(p);
          if (link) lines.push(`attached ${p.name}: link fd ${lib.bpf_link__fd(link)}`);
          else if (lib.errno === EOPNOTSUPP) lines.push(`${p.name}: SEC("${p.secName}") does not auto-attach; attach it from the Attach panel`);
          else {
            ret = -lib.errno;
            lines.push(`failed to attach ${p.name}: -${errnoName(-lib.errno)}`);
            break;
          }
        }
      }
    }
  }
  const result: CommandResult = { ret, ran: [], events: kernel.log().slice(first), output: lines.join('\n') };
  if (ret < 0) {
    result.errno = errnoName(ret);
    result.why = lines.filter((l) => !l.startsWith('loaded ')).slice(-1)[0] ?? 'libbpf failed';
    const d = diagnosticsOf(lines, c.source);
    if (d.length > 0) result.diagnostics = d;
  }
  return result;
}

registerRunner('libbpf', runLibbpf);
