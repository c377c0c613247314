// Screenshots for the README, taken from the running demo (`make demo`) in Debian's Chromium:
//   node dev/screenshots.mjs [http://127.0.0.1:8000]
// Writes docs/screenshots/*.png: the device tab (light and dark), a preview, the manager page and the site panel.
import { readFileSync } from 'node:fs';

import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:8000';
const out = new URL('../docs/screenshots/', import.meta.url).pathname;

// The same launch as the browser suite's (chromium.json says why these flags).
const launch = JSON.parse(readFileSync(new URL('./chromium.json', import.meta.url), 'utf8'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? launch.executablePath,
  args: launch.args,
});

async function session(colorMode) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((mode) => localStorage.setItem('netbox-color-mode', mode), colorMode);
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && console.error(`console: ${message.text()}`));
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${base}/login/`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'admin');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

// Thumbnails load lazily: wait until every image on the page has arrived.
const imagesLoaded = (page) => page.waitForFunction(() => [...document.images].every((img) => img.complete));

async function firstLinked(page, objectType) {
  const body = await page.evaluate(async (type) => {
    const response = await fetch(
      `/api/plugins/netbox-attachments/netbox-attachment-assignments/?object_type=${type}&limit=50`,
    );
    return response.json();
  }, objectType);
  // The object with the most attachments makes the fullest picture.
  const counts = new Map();
  for (const row of body.results) counts.set(row.object_id, (counts.get(row.object_id) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

for (const mode of ['light', 'dark']) {
  const page = await session(mode);
  const device = await firstLinked(page, 'dcim.device');
  await page.goto(`${base}/dcim/devices/${device}/attachments/`);
  const widget = page.getByRole('region', { name: /^Attachments of / });
  await widget.getByRole('table').waitFor();
  await page.waitForLoadState('networkidle');
  await widget.screenshot({ path: `${out}widget-${mode}.png` });
  if (mode === 'light') {
    await page.screenshot({ path: `${out}device-tab.png` });
    await page.goto(`${base}/plugins/netbox-attachments/netbox-attachments/manager/`);
    await page.getByRole('region', { name: 'Attachment manager' }).getByRole('table').waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}manager.png` });

    const site = await firstLinked(page, 'dcim.site');
    await page.goto(`${base}/dcim/sites/${site}/`);
    await page
      .getByRole('region', { name: /^Attachments of / })
      .getByRole('table')
      .waitFor();
    await page.waitForLoadState('networkidle');
    await imagesLoaded(page);
    await page.screenshot({ path: `${out}site-panel.png` });
    // The floor plan (a PNG) makes the preview picture.
    await page
      .getByRole('button', { name: /^Preview .*floor plan/i })
      .first()
      .click();
    await page.getByRole('dialog').getByRole('img').waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}preview.png` });
    await page.keyboard.press('Escape');
  }
  await page.context().close();
}
await browser.close();
console.log(`Screenshots written to ${out}`);
