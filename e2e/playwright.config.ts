// The browser suite: Debian's Chromium against real NetBox servers with the plugin, one per display setting, and one
// keeping its files in a bucket of an S3-compatible server.
//   npm run test:e2e                                   # everything (make test runs it)
//   npm run test:e2e -- e2e/tests/upload.spec.ts       # one spec; add --headed, --trace on, --debug as needed
//   npx playwright show-report .e2e/report             # the HTML report of the last run
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

import { defineConfig } from '@playwright/test';

import chromium from '../dev/chromium.json';
import type { Options } from './fixtures';

import { SERVERS, databaseOf, mediaRootOf, type ServerName } from './support/servers';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, '.e2e');
const PYTHON = path.join(REPO, '.venv', 'bin', 'python');

/**
 * A free local port, the same in the runner and in every worker: the runner picks it and its workers inherit it.
 * It comes from below Linux's ephemeral range (32768 and up), where the outgoing connections made while the server
 * starts (PostgreSQL, Redis) cannot take it before the server binds it.
 */
function port(name: ServerName): number {
  const key = `E2E_${name.toUpperCase()}_PORT`;
  process.env[key] ??= execFileSync(process.execPath, [
    '-e',
    `const net = require('net');
     (function attempt() {
       const port = 20000 + Math.floor(Math.random() * 12000);
       const probe = net.createServer().once('error', attempt);
       probe.listen(port, '127.0.0.1', () => probe.close(() => process.stdout.write(String(port))));
     })();`,
  ]).toString();
  return Number(process.env[key]);
}

/**
 * Playwright records videos with its own ffmpeg build, which cannot be downloaded here; Debian's ffmpeg takes the
 * same arguments. Pointing a browsers folder of our own at it leaves the user's Playwright cache alone.
 */
function useDebianFfmpeg() {
  const browsers = path.join(OUT, 'browsers');
  const manifest = path.join(path.dirname(require.resolve('playwright-core')), 'browsers.json');
  const revision = JSON.parse(readFileSync(manifest, 'utf8')).browsers.find(
    (browser: { name: string }) => browser.name === 'ffmpeg',
  ).revision;
  const target = path.join(browsers, `ffmpeg-${revision}`, 'ffmpeg-linux');
  const ffmpeg = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'ffmpeg'))
    .find((candidate) => existsSync(candidate));
  if (ffmpeg && !existsSync(target)) {
    rmSync(path.dirname(target), { recursive: true, force: true });
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(ffmpeg, target);
  }
  process.env.PLAYWRIGHT_BROWSERS_PATH = browsers;
}
useDebianFfmpeg();

const url = (name: ServerName) => `http://127.0.0.1:${port(name)}`;

export default defineConfig<Options>({
  testDir: '.',
  outputDir: path.join(OUT, 'results'),
  // Each test arranges its own data with unique names, so tests may run side by side; the machine has 2 cores.
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: path.join(OUT, 'report'), open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    // Debian's Chromium with the flags this machine needs (dev/chromium.json says why).
    launchOptions: { executablePath: process.env.CHROMIUM ?? chromium.executablePath, args: chromium.args },
  },
  projects: (Object.keys(SERVERS) as ServerName[]).flatMap((name) => [
    {
      name: `${name}-setup`,
      testMatch: /auth\.setup\.ts$/,
      use: { baseURL: url(name), server: name },
    },
    {
      name,
      testMatch: SERVERS[name].specs,
      dependencies: [`${name}-setup`],
      use: { baseURL: url(name), server: name },
    },
  ]),
  webServer: (Object.keys(SERVERS) as ServerName[]).map((name) => ({
    // A fresh copy of a migrated database with the demo data, and an empty media folder (and bucket), on every run.
    command: [
      PYTHON,
      'dev/live_server.py',
      databaseOf(name),
      mediaRootOf(name),
      '--server=runserver',
      '--base=netbox_attachments_e2e_base',
      `--port=${port(name)}`,
      `--redis-dbs=${SERVERS[name].redisDbs}`,
      `--plugin-config=${JSON.stringify(SERVERS[name].pluginConfig)}`,
      '--fresh-media',
      ...(SERVERS[name].storage === 's3' ? ['--s3'] : []),
      `--log=${path.join(OUT, name, 'server.log')}`,
    ]
      .map((arg) => `'${arg}'`)
      .join(' '),
    cwd: REPO,
    url: `${url(name)}/login/`,
    // The first run migrates the shared base database (a minute); on a new machine, where `make test` has not yet
    // built the template database, `make e2e` builds it here (5 to 15 minutes).
    timeout: 1_800_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 20_000 },
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  })),
});
