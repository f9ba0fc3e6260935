import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { gzipSync } from 'zlib';

// What the browser downloads for the plugin: every JavaScript file the build emits (entry modules and
// lazy chunks), raw and gzipped. The budgets fail the bundle-size test when a change makes the plugin
// markedly heavier; @grafana/*, React and rxjs are provided by Grafana and never count.

export interface BundleFile {
  /** Path relative to dist/, with forward slashes. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BundleReport {
  readonly files: readonly BundleFile[];
  readonly totalBytes: number;
  readonly totalGzipBytes: number;
}

export interface BundleBudget {
  /** Largest allowed gzipped size of the app's entry module.js. */
  readonly appEntryGzipBytes: number;
  /** Largest allowed gzipped size of each nested panel's module.js. */
  readonly panelEntryGzipBytes: number;
  /** Largest allowed gzipped size of all JavaScript together. */
  readonly totalGzipBytes: number;
}

// Set about 50 % above the build of 0.1.0 (module.js 2.4 KiB, panels 4.7 and 5.4 KiB, all 57.7 KiB
// gzipped): room for features, not for an accidentally bundled library.
export const BUNDLE_BUDGET: BundleBudget = {
  appEntryGzipBytes: 4 * 1024,
  panelEntryGzipBytes: 8 * 1024,
  totalGzipBytes: 88 * 1024,
};

function javascriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return javascriptFiles(path);
    }
    return name.endsWith('.js') ? [path] : [];
  });
}

export function measureBundle(distDir: string): BundleReport {
  const files = javascriptFiles(distDir)
    .map((path) => {
      const content = readFileSync(path);
      return {
        file: relative(distDir, path).split('\\').join('/'),
        bytes: content.length,
        gzipBytes: gzipSync(content, { level: 9 }).length,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  return {
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
  };
}

/** Every way the report exceeds the budget, as sentences; empty when it fits. */
export function budgetViolations(report: BundleReport, budget: BundleBudget): string[] {
  const violations: string[] = [];
  for (const f of report.files) {
    if (f.file === 'module.js' && f.gzipBytes > budget.appEntryGzipBytes) {
      violations.push(`module.js is ${f.gzipBytes} B gzipped, over the ${budget.appEntryGzipBytes} B budget`);
    } else if (f.file.endsWith('/module.js') && f.gzipBytes > budget.panelEntryGzipBytes) {
      violations.push(
        `${f.file} is ${f.gzipBytes} B gzipped, over the ${budget.panelEntryGzipBytes} B budget`,
      );
    }
  }
  if (report.totalGzipBytes > budget.totalGzipBytes) {
    violations.push(
      `all JavaScript is ${report.totalGzipBytes} B gzipped, over the ${budget.totalGzipBytes} B budget`,
    );
  }
  return violations;
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatBundleReport(report: BundleReport, budget: BundleBudget): string {
  const width = Math.max(...report.files.map((f) => f.file.length), 'total'.length);
  const lines = report.files.map(
    (f) => `  ${f.file.padEnd(width)}  ${kB(f.bytes).padStart(10)}  ${kB(f.gzipBytes).padStart(9)} gzip`,
  );
  lines.push(
    `  ${'total'.padEnd(width)}  ${kB(report.totalBytes).padStart(10)}  ${kB(report.totalGzipBytes).padStart(9)} gzip`,
  );
  const violations = budgetViolations(report, budget);
  lines.push(
    violations.length === 0 ? '  within the bundle budget' : `  OVER BUDGET: ${violations.join('; ')}`,
  );
  return `bundle size (dist/):\n${lines.join('\n')}`;
}
