import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Docker-backed files run one at a time: on a small machine, parallel
    // containers would make timeouts and memory limits race each other.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      // Everything, with the grader's defaults: the warm pool on.
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      // The security suite once more with every run cold: each isolation property must hold
      // whichever way a run gets its container.
      { extends: true, test: { name: 'security, pool off', include: ['test/security/**/*.test.ts'], env: { GRADER_POOL_SIZE: '0' } } },
    ],
  },
})
