const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // Interpreter suites (pwsh, Wine) are slow to start; give them room.
  testTimeout: 120000,
  // Those suites mostly wait on pwsh and Wine processes, so two test files run at a time even on
  // 2 cores, where jest's default is one: on the 2-core VM the whole run went from 1,100-1,500 s
  // to 850 s, and no test needed a retry.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
