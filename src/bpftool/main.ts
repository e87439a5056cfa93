/**
 * `bpftool [OPTIONS] OBJECT COMMAND [ARGS]` (bpftool v7.7.0 src/main.c): options (GNU
 * getopt_long, so they may come anywhere before `--`), the object table, `version`,
 * `help`, and the exit status (the command's return value modulo 256).
 */
import type { Kernel } from '../kernel/index';
import { doCgroup } from './cgroup';
import { doLink } from './link';
import { doIter } from './iter';
import { doMap } from './map';
import { doNet } from './net';
import { doProg } from './prog';
import { Args, cmdSelect, Exit, HELP_SPEC_OPTIONS, Tool, type Cmd } from './tool';

export interface BpftoolResult { stdout: string; stderr: string; exitCode: number }
export interface BpftoolOptions {
  /** Object files by path, for `prog load`/`loadall`: BPF C source, read with the libbpf layer. */
  files?: Record<string, string>;
  /** The process name the run appears under (default "bpftool"). */
  comm?: string;
}

function mainHelp(t: Tool): number {
  if (t.json) { t.json.null(); return 0; }
  t.eprintf(
    'Usage: bpftool [OPTIONS] OBJECT { COMMAND | help }\n'
    + '       bpftool batch file FILE\n'
    + '       bpftool version\n'
    + '\n'
    + '       OBJECT := { prog | map | link | cgroup | perf | net | feature | btf | gen | struct_ops | iter | token }\n'
    + `       ${HELP_SPEC_OPTIONS} |\n`
    + '                    {-V|--version} }\n');
  return 0;
}

function doVersion(t: Tool): number {
  if (t.json) {
    const j = t.json;
    j.startObject();
    j.name('version'); j.printf('"7.7.0"');
    j.name('libbpf_version'); j.printf('"1.7"');
    j.name('features');
    j.startObject();
    j.boolField('libbfd', false);
    j.boolField('llvm', false);
    j.boolField('skeletons', true);
    j.boolField('bootstrap', false);
    j.endObject();
    j.endObject();
  } else {
    t.printf('bpftool v7.7.0\nusing libbpf v1.7\nfeatures: skeletons\n');
  }
  return 0;
}

const LONG: Record<string, string> = {
  json: 'j', help: 'h', pretty: 'p', version: 'V', bpffs: 'f', mapcompat: 'm', nomount: 'n', debug: 'd',
  'use-loader': 'L', sign: 'S', 'base-btf': 'B',
};
const WITH_ARG = new Set(['B', 'i', 'k']);

/** Parse the options; returns the remaining words, or null when the run must stop. */
function options(t: Tool, argv: string[]): { rest: string[]; version: boolean } | null {
  const rest: string[] = [];
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--') { rest.push(...argv.slice(i + 1)); break; }
    if (!w.startsWith('-') || w === '-') { rest.push(w); continue; }
    let letters: string[];
    if (w.startsWith('--')) {
      const name = w.slice(2).split('=')[0]!;
      const matches = Object.keys(LONG).filter((k) => k.startsWith(name));
      const exact = LONG[name];
      letters = exact ? [exact] : matches.length === 1 ? [LONG[matches[0]!]!] : ['?'];
    } else letters = [...w.slice(1)];
    for (let k = 0; k < letters.length; k++) {
      const o = letters[k]!;
      if (WITH_ARG.has(o)) { if (k === letters.length - 1) i++; break; }
      switch (o) {
        case 'V': version = true; break;
        case 'h': throw new Exit(mainHelp(t));
        case 'p': case 'j': t.startJson(o === 'p' || !!t.json?.pretty); break;
        case 'f': t.showPinned = true; break;
        case 'm': t.relaxedMaps = true; break;
        case 'n': t.blockMount = true; break;
        case 'd': t.debug = true; break;
        case 'l': break;
        case 'L': case 'S':
          t.perr('the playground\'s bpftool has no light skeleton loader (-L) or signing (-S)');
          throw new Exit(-1);
        default:
          t.perr(`unrecognized option '${w}'`);
          if (t.json) throw new Exit(-1);
          mainHelp(t);
          throw new Exit(-1);
      }
    }
  }
  return { rest, version };
}

function mainCommands(t: Tool): Cmd[] {
  const unavailable = (name: string) => (): number => {
    t.perr(`'${name}' is not available in the playground's bpftool`);
    return -1;
  };
  return [
    { cmd: 'help', fn: () => mainHelp(t) }, { cmd: 'batch', fn: unavailable('batch') },
    { cmd: 'prog', fn: doProg }, { cmd: 'map', fn: doMap }, { cmd: 'link', fn: doLink }, { cmd: 'cgroup', fn: doCgroup },
    { cmd: 'perf', fn: unavailable('perf') }, { cmd: 'net', fn: doNet }, { cmd: 'feature', fn: unavailable('feature') },
    { cmd: 'btf', fn: unavailable('btf') }, { cmd: 'gen', fn: unavailable('gen') },
    { cmd: 'struct_ops', fn: unavailable('struct_ops') }, { cmd: 'iter', fn: doIter },
    { cmd: 'token', fn: unavailable('token') }, { cmd: 'version', fn: () => doVersion(t) },
  ];
}

/**
 * Run `bpftool argv...` as its own short-lived process: spawned, working through the
 * kernel's calls, exiting (every fd it still holds is closed by the exit).
 */
export function runBpftool(kernel: Kernel, argv: string[], options_: BpftoolOptions = {}): BpftoolResult {
  const pid = kernel.spawn(options_.comm ?? 'bpftool');
  if (pid < 0) return { stdout: '', stderr: `bpftool: cannot start: ${pid}\n`, exitCode: 126 };
  const t = new Tool(kernel, pid, options_.files ?? {});
  let ret: number;
  try {
    const o = options(t, argv);
    ret = !o ? -1 : o.version ? doVersion(t) : cmdSelect(new Args(t, o.rest), mainCommands(t), () => mainHelp(t));
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    ret = e.code;
  }
  t.json?.destroy();
  kernel.exit(pid);
  return { stdout: t.stdout, stderr: t.stderr, exitCode: ((ret % 256) + 256) % 256 };
}
