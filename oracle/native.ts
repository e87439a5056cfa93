/**
 * Building and driving the native helper (oracle/native/*.c): built with the machine's
 * `cc` into oracle/.build/, cached by a hash of its sources; one helper process per run,
 * spoken to in lines over its stdin/stdout.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ORACLE_DIR = dirname(fileURLToPath(import.meta.url));
const SRC_DIR = join(ORACLE_DIR, 'native');
const BUILD_DIR = join(ORACLE_DIR, '.build');

/** The helper binary for the current sources, compiled if it is not there yet. */
export function buildHelper(): string {
  const files = readdirSync(SRC_DIR).filter((f) => /\.[ch]$/.test(f)).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(SRC_DIR, f)));
  const bin = join(BUILD_DIR, `bpf-oracle-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  mkdirSync(BUILD_DIR, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', tmp, ...files.filter((f) => f.endsWith('.c')).map((f) => join(SRC_DIR, f))],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(tmp, bin); // atomic: concurrent builders of the same sources agree
  return bin;
}

/** One running helper: `request` sends a line and resolves with the one line it answers. */
export class Helper {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly exited: Promise<number>;
  private stderr = '';
  private dead = false;

  private constructor(bin: string) {
    this.proc = spawn(bin, ['run'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => {
      this.dead = true;
      for (const w of this.waiting.splice(0)) w(`fatal helper exited (${code}): ${this.stderr.trim()}`);
      resolve(code ?? -1);
    }));
  }

  /** Starts a run; resolves with the helper and the kernel release once it is set up. */
  static async start(bin = buildHelper()): Promise<{ helper: Helper; release: string }> {
    const helper = new Helper(bin);
    const first = await new Promise<string>((resolve) => helper.waiting.push(resolve));
    if (!first.startsWith('ready ')) {
      await helper.close();
      throw new Error(`bpf-oracle could not set up a run: ${first}`);
    }
    return { helper, release: first.slice(6) };
  }

  request(line: string, timeoutMs = 30_000): Promise<string> {
    if (this.dead) return Promise.reject(new Error(`bpf-oracle is gone: ${this.stderr.trim()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proc.kill('SIGTERM');
        reject(new Error(`bpf-oracle did not answer within ${timeoutMs} ms: ${line.slice(0, 80)}`));
      }, timeoutMs);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        if (reply.startsWith('fatal') || reply.startsWith('error')) reject(new Error(`bpf-oracle: ${reply}`));
        else resolve(reply);
      });
      this.proc.stdin.write(`${line}\n`);
    });
  }

  /** The guard's pid: its run's cgroup directory is `bpf-oracle-<pid>-<ms>`. */
  get pid(): number { return this.proc.pid ?? -1; }

  /** The last few kB the helper wrote on stderr (diagnostics). */
  stderrTail(): string { return this.stderr; }

  /** Ends the run; resolves when the helper has removed everything the run made. */
  async close(): Promise<void> {
    if (!this.dead) {
      this.proc.stdin.write('quit\n');
      this.proc.stdin.end();
    }
    const timer = setTimeout(() => this.proc.kill('SIGTERM'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `bpf-oracle check`: why this machine cannot run the oracle, or null. */
export function helperCheck(bin: string): string | null {
  try {
    const out = execFileSync(bin, ['check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return out === 'ok' ? null : out.replace(/^no /, '');
  } catch (e) {
    const out = (e as { stdout?: string }).stdout?.trim();
    return out ? out.replace(/^no /, '') : `bpf-oracle check failed: ${(e as Error).message}`;
  }
}
