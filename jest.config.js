// Three projects: fast pure unit tests beside the code; integration tests that start real Prometheus
// and PostgreSQL (test/support); end-to-end tests that add headless Chromium. The last two run serially.
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
// @kubernetes/client-node 1.x and some of its dependencies ship only ES modules, which jest on Node 20
// cannot require: compile them to CommonJS like our own code.
const transformIgnorePatterns = [
  '/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose|@jsep-plugin|jsep|jsonpath-plus)/)',
];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/adapter/src/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/conformance/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
  ],
};
