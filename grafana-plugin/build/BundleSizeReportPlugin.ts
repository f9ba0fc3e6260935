import type { Compiler } from 'webpack';
import { BUNDLE_BUDGET, formatBundleReport, measureBundle } from './bundleSize.ts';

/** Prints the size of every emitted JavaScript file against the budget once the build is written. */
export class BundleSizeReportPlugin {
  apply(compiler: Compiler) {
    compiler.hooks.afterEmit.tap('BundleSizeReport', (compilation) => {
      const outputPath = compilation.outputOptions.path;
      if (outputPath) {
        process.stdout.write(`${formatBundleReport(measureBundle(outputPath), BUNDLE_BUDGET)}\n`);
      }
    });
  }
}
