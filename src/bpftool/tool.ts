/**
 * One run of bpftool: its process in the kernel model, its output channels, the global
 * options (`-j`, `-p`, `-f`, `-n`, `-d`, `-m`), `p_err`/`p_info`, and the argument cursor
 * and command dispatch of src/main.c (`cmd_select`, `is_prefix`, `NEXT_ARG`, `REQ_ARGS`).
 */
import { strerror, type Kernel } from '../kernel/index';
import { createLibbpf, type Libbpf } from '../libbpf/index';
import { JsonWriter } from './json';

/** Thrown to end the run with a return value (`exit()` / `clean_and_exit()`). */
export class Exit {
  constructor(readonly code: number) {}
}

export class Tool {
  stdout = '';
  stderr = '';
  json: JsonWriter | null = null;
  showPinned = false;
  blockMount = false;
  debug = false;
  relaxedMaps = false;
  /** errno as bpftool's libc leaves it (positive); some exit codes depend on it. */
  errno = 0;
  /** The help of the command table `cmd_select` used last (`usage()` prints it). */
  lastHelp: () => number = () => 0;
  readonly lib: Libbpf;

  constructor(readonly kernel: Kernel, readonly pid: number, readonly files: Record<string, string>) {
    this.lib = createLibbpf(kernel, pid);
    this.lib.libbpf_set_print((level, line) => {
      if (level !== 'debug' || this.debug) this.stderr += `${line}\n`;
    });
  }

  printf(s: string): void { this.stdout += s; }
  eprintf(s: string): void { this.stderr += s; }

  startJson(pretty: boolean): void {
    if (!this.json) this.json = new JsonWriter((s) => { this.stdout += s; });
    this.json.pretty = pretty;
  }

  /** `p_err`: `Error: ...` on stderr, or `{"error":"..."}` (unescaped) in JSON mode. */
  perr(msg: string): void {
    if (this.json) {
      this.json.startObject();
      this.json.name('error');
      this.json.enquote(msg);
      this.json.endObject();
    } else {
      this.stderr += `Error: ${msg}\n`;
    }
  }

  /** `p_info`: a note on stderr, not in JSON mode. */
  pinfo(msg: string): void {
    if (!this.json) this.stderr += `${msg}\n`;
  }

  /** `usage()`: the last command table's help, then exit(-1). */
  usage(): never {
    this.lastHelp();
    throw new Exit(-1);
  }

  bpf(cmd: string, attr: Record<string, unknown>): number {
    const r = this.kernel.bpf(this.pid, cmd, attr);
    if (r < 0) this.errno = -r;
    return r;
  }
  close(fd: number): void { this.kernel.close(this.pid, fd); }

  strerror(err = this.errno): string { return strerror(Math.abs(err)); }
}

/** argv with a cursor: `argc` words left, `cur` the current one, `back(n)` = `argv[-n]`. */
export class Args {
  constructor(readonly tool: Tool, readonly argv: string[], public i = 0) {}
  get argc(): number { return this.argv.length - this.i; }
  get cur(): string { return this.argv[this.i] ?? ''; }
  back(n: number): string { return this.argv[this.i - n] ?? ''; }
  /** `NEXT_ARG()`. */
  next(): void {
    this.i++;
    if (this.argc < 0) this.tool.usage();
  }
  /** `GET_ARG()`. */
  get(): string {
    return this.argv[this.i++] ?? '';
  }
  /** `REQ_ARGS(cnt)`. */
  req(cnt: number): boolean {
    if (this.argc >= cnt) return true;
    this.tool.perr(`'${this.back(1)}' needs at least ${cnt} arguments, ${this.argc} found`);
    return false;
  }
  /** `BAD_ARG()`. */
  bad(): number {
    this.tool.perr(`what is '${this.cur}'?`);
    return -1;
  }
}

export function isPrefix(pfx: string | undefined, str: string): boolean {
  return pfx !== undefined && str.startsWith(pfx);
}

export interface Cmd { cmd: string; fn: ((a: Args) => number) | null }

/** `cmd_select`: the first command the word is a prefix of; its help otherwise. */
export function cmdSelect(args: Args, cmds: Cmd[], help: () => number): number {
  const t = args.tool;
  t.lastHelp = help;
  if (args.argc < 1 && cmds[0]!.fn) return cmds[0]!.fn(args);
  for (const c of cmds) {
    if (!isPrefix(args.cur, c.cmd)) continue;
    if (!c.fn) {
      t.perr(`command '${c.cmd}' is not available in the playground's bpftool`);
      return -1;
    }
    args.i++;
    return c.fn(args);
  }
  help();
  return -1;
}

export const HELP_SPEC_OPTIONS = 'OPTIONS := { {-j|--json} [{-p|--pretty}] | {-d|--debug}';
export const HELP_SPEC_PROGRAM = 'PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }';
export const HELP_SPEC_MAP = 'MAP := { id MAP_ID | pinned FILE | name MAP_NAME }';
export const HELP_SPEC_LINK = 'LINK := { id LINK_ID | pinned FILE }';
