// The suite's `test`: every spec imports it instead of @playwright/test's.
//
// - `server` (per project) and `role` (per file or describe, default admin) choose the stored login state.
// - `api` is the admin's REST API for arranging data; `apiAs(role)` another role's.
// - Every browser console error, page error and failed request (network error or HTTP status >= 400) fails the
//   test, unless the test announced it with `problems.allow(/pattern/)`.
// - `snap(name, target?, options?)` writes a named screenshot to .e2e/screenshots/ on every run, for review.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { test as base, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

import { NetBoxApi } from './support/api';
import { storageStateOf, tokensFileOf, type RoleName } from './support/roles';
import type { ServerName } from './support/servers';

const SCREENSHOTS_DIR = path.resolve(__dirname, '..', '.e2e', 'screenshots');

/** What went wrong in the browser during one test, and what the test said to expect. */
export class ProblemLog {
  private readonly seen: string[] = [];
  // Each allowance covers only what happens after it is made: a test cannot excuse a problem it did not provoke.
  private readonly allowed: { pattern: RegExp; from: number }[] = [];

  /** Expect problems matching the pattern from now on, e.g. the HTTP 403 of a write this test makes on purpose. */
  allow(pattern: RegExp) {
    this.allowed.push({ pattern, from: this.seen.length });
  }

  watch(context: BrowserContext) {
    context.on('console', (message) => {
      if (message.type() === 'error') this.seen.push(`console error: ${message.text()} (${message.location().url})`);
    });
    context.on('weberror', (error) => this.seen.push(`page error: ${error.error().message}`));
    context.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? 'unknown';
      // Aborts are the browser's or the page's own decision, not failures: a navigation ends the requests of the
      // page it leaves, a link that turns into a download aborts its navigation, and TanStack Query cancels the
      // fetch of a search that newer typing replaced. A request the page needed and lost shows in what the test
      // asserts about the page.
      if (reason === 'net::ERR_ABORTED') return;
      this.seen.push(`request failed: ${request.method()} ${request.url()}: ${reason}`);
    });
    context.on('response', (response) => {
      if (response.status() >= 400) {
        this.seen.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });
  }

  /** Everything seen so far, allowed or not. */
  all(): string[] {
    return [...this.seen];
  }

  unexpected(): string[] {
    return this.seen.filter(
      (problem, index) => !this.allowed.some(({ pattern, from }) => index >= from && pattern.test(problem)),
    );
  }
}

export interface Options {
  server: ServerName;
  role: RoleName;
}

interface Fixtures {
  problems: ProblemLog;
  api: NetBoxApi;
  apiAs: (role: RoleName) => Promise<NetBoxApi>;
  unique: (prefix: string) => string;
  snap: (name: string, target?: Page | Locator, options?: { fullPage?: boolean }) => Promise<void>;
}

export const test = base.extend<Fixtures & Options>({
  server: ['tab', { option: true }],
  role: ['admin', { option: true }],

  storageState: async ({ server, role }, use, testInfo) => {
    // The set-up project makes these files; its own browser contexts start logged out.
    await use(testInfo.project.name.endsWith('-setup') ? undefined : storageStateOf(server, role));
  },

  problems: [
    async ({}, use) => {
      const log = new ProblemLog();
      await use(log);
      expect(log.unexpected(), 'console errors or failed requests the test did not expect').toEqual([]);
    },
    { auto: true },
  ],

  context: async ({ context, problems }, use) => {
    problems.watch(context);
    await use(context);
  },

  apiAs: async ({ baseURL, server }, use) => {
    const opened: NetBoxApi[] = [];
    await use(async (role) => {
      const tokens = JSON.parse(readFileSync(tokensFileOf(server), 'utf8'));
      const api = await NetBoxApi.open(baseURL!, tokens[role]);
      opened.push(api);
      return api;
    });
    for (const api of opened) await api.dispose();
  },

  api: async ({ apiAs }, use) => {
    await use(await apiAs('admin'));
  },

  unique: async ({}, use, testInfo) => {
    // Tests run side by side on one database: names carry the test (its ID ends with a hash of its project, file,
    // title and repetition), the time, and a counter.
    let counter = 0;
    const tag = `${testInfo.testId.slice(-6)}${Date.now().toString(36).slice(-4)}`;
    await use((prefix) => `${prefix}-${tag}-${++counter}`);
  },

  snap: async ({ page }, use, testInfo) => {
    await use(async (name, target = page, options = {}) => {
      const file = path.join(SCREENSHOTS_DIR, `${testInfo.project.name}-${name}.png`);
      await target.screenshot({ path: file, animations: 'disabled', ...options });
    });
  },
});

export { expect };
