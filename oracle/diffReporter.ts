// The closing line of the differential tests: what ran on both and how long, summed over
// the test files (each sets `meta.oracle` on its "counts" test; see diffSuite.ts).
import type { Reporter, TestModule } from 'vitest/node';
import type { DiffCounts } from './diffSuite';

const fmt = (n: number): string => n.toLocaleString('en-US');

export default class DiffReporter implements Reporter {
  private start = Date.now();

  onTestRunStart(): void { this.start = Date.now(); }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const all: DiffCounts[] = [];
    for (const mod of testModules) for (const t of mod.children.allTests()) {
      const c = (t.meta() as { oracle?: DiffCounts }).oracle;
      if (c) all.push(c);
    }
    if (!all.length) return;
    const sum = (k: keyof Omit<DiffCounts, 'kernelRelease'>): number => all.reduce((n, c) => n + c[k], 0);
    const release = all.find((c) => c.kernelRelease)?.kernelRelease ?? '?';
    const ratio = sum('modelMs') > 0 ? sum('realMs') / sum('modelMs') : 0;
    process.stdout.write(`\noracle: ${fmt(sum('scenarios'))} scenarios, ${fmt(sum('sequences'))} random sequences, ${fmt(sum('calls'))} calls on ${release} ` +
      `(${fmt(sum('notComparable'))} not comparable here), ${fmt(sum('divergent'))} divergent, ${fmt(sum('oracleErrors'))} oracle errors; ` +
      `real runs ${(sum('realMs') / 1000).toFixed(1)} s, model ${(sum('modelMs') / 1000).toFixed(2)} s (x${fmt(Math.round(ratio))}); ` +
      `test:kernel ${((Date.now() - this.start) / 1000).toFixed(0)} s\n`);
  }
}
