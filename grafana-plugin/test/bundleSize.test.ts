import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { BUNDLE_BUDGET, budgetViolations, formatBundleReport, measureBundle } from '../build/bundleSize';

// The bundle-size budget (build/bundleSize.ts) on the build in dist/: the build prints the same
// report; this test fails when a change makes the plugin heavier than the budget allows.

const DIST = resolve(__dirname, '..', 'dist');

describe('bundle size', () => {
  it('stays within the budget', () => {
    if (!existsSync(join(DIST, 'module.js'))) {
      throw new Error('dist/ is missing: run `npm run build -w grafana-plugin` before this test');
    }
    const report = measureBundle(DIST);
    process.stdout.write(`${formatBundleReport(report, BUNDLE_BUDGET)}\n`);
    expect(report.files.map((f) => f.file)).toContain('module.js');
    expect(budgetViolations(report, BUNDLE_BUDGET)).toEqual([]);
  });

  it('reports what exceeds a budget', () => {
    const report = {
      files: [
        { file: 'module.js', bytes: 30_000, gzipBytes: 9_000 },
        { file: 'panels/x/module.js', bytes: 1_000, gzipBytes: 500 },
      ],
      totalBytes: 31_000,
      totalGzipBytes: 9_500,
    };
    expect(
      budgetViolations(report, { appEntryGzipBytes: 8_000, panelEntryGzipBytes: 400, totalGzipBytes: 9_000 })
    ).toEqual([
      'module.js is 9000 B gzipped, over the 8000 B budget',
      'panels/x/module.js is 500 B gzipped, over the 400 B budget',
      'all JavaScript is 9500 B gzipped, over the 9000 B budget',
    ]);
  });
});
