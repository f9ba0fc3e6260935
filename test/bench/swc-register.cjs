// Lets plain `node` run TypeScript benchmarks: compiles each required .ts file with @swc/core (already a
// dev dependency through @swc/jest). Benchmarks run outside jest because its sandbox slows typed-array
// code several-fold, which would misstate the service's own speed.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/<name>.bench.ts
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
