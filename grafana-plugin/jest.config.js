// Extends the scaffolded config (.config/README.md, "Extending the Jest config") with the fixes
// @grafana/* 13.2 + React 19 need under jsdom (specs/grafana-plugin.md §0):
// - .mjs files in node_modules (d3-interpolate) go through the same swc transform;
// - react-dom/server resolves to its edge build, because the browser build needs MessageChannel;
// - more ESM-only packages are transformed.
// A second project checks the build in dist/ (validator-lite, bundle size) under Node.
process.env.TZ = 'UTC';
const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

module.exports = {
  // Typing into Grafana's inputs is slow on a busy machine.
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'ui',
      moduleNameMapper: { ...base.moduleNameMapper, '^react-dom/server$': 'react-dom/server.edge' },
      transform: { ...base.transform, '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'] },
      transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, '@react-hookz', '@ver0/deep-equal'])],
    },
    {
      displayName: 'build',
      testEnvironment: 'node',
      transform: base.transform,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
};
