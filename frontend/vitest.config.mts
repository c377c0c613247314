import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: 'frontend',
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./vitest.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
