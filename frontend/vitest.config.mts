import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: 'frontend',
    environment: 'jsdom',
    // The page's origin, which the API's URLs in src/test/builders.ts share, as on a NetBox page.
    environmentOptions: { jsdom: { url: 'http://netbox.test/' } },
    globals: true,
    setupFiles: ['./vitest.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
