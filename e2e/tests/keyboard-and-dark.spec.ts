import type { Locator, Page } from '@playwright/test';

import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { png, text } from '../support/files';

/**
 * Presses Tab until `target` has the focus, as a keyboard user would; fails after `limit` presses. NetBox's open
 * navigation menu alone holds about a hundred links before the page's content.
 */
async function tabTo(page: Page, target: Locator, limit = 300) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((node) => node === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} never got the focus after ${limit} Tab presses`);
}

test('keyboard only: upload through the file chooser, open and close a preview, confirm an unlink', async ({
  page,
  api,
  unique,
}) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const widget = await AttachmentsWidget.openTab(page, device.display_url);
  const file = png(`${unique('patch-panel')}.png`);

  await tabTo(page, widget.uploadButton);
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(file);
  await expect(widget.row(file.name)).toBeVisible();

  const preview = widget.row(file.name).getByRole('button', { name: `Preview ${file.name}` });
  await tabTo(page, preview);
  await page.keyboard.press('Enter');
  await expect(widget.dialog.getByRole('img', { name: `Preview of ${file.name}` })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(widget.dialog).toBeHidden();
  await expect(preview).toBeFocused();

  await tabTo(page, widget.row(file.name).getByRole('button', { name: `Unlink ${file.name}` }));
  await page.keyboard.press('Enter');
  await expect(widget.dialog).toBeVisible();
  // Focus stays inside the dialog: Tab reaches its Unlink button.
  await tabTo(page, widget.dialog.getByRole('button', { name: 'Unlink', exact: true }), 10);
  await page.keyboard.press('Enter');
  await expect(widget.dialog).toBeHidden();
  await expect(widget.row(file.name)).toHaveCount(0);
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('renders the widget legibly', async ({ page, api, unique, snap }) => {
    await page.addInitScript(() => localStorage.setItem('netbox-color-mode', 'dark'));
    const device = await api.createDevice(unique('e2e-sw'));
    const attachment = await api.upload(text(`${unique('dark-notes')}.txt`, 'notes\n'), {
      links: [['dcim.device', device.id]],
    });
    const widget = await AttachmentsWidget.openTab(page, device.display_url);
    await expect(page.locator('html')).toHaveAttribute('data-bs-theme', 'dark');
    await snap('dark-mode-tab');
    await snap('dark-mode-widget', widget.region);

    // WCAG's contrast ratio of text against the background it is drawn on: 4.5 is the minimum for body text.
    for (const text of [
      widget.row(attachment.name).locator(`td[title="${attachment.filename}"]`), // the File column
      widget.region.getByRole('heading', { name: /Attachments/ }),
      widget.region.getByRole('button', { name: 'File', exact: true }), // a column's sort button
    ]) {
      expect(await contrastRatio(text), `contrast of "${await text.textContent()}"`).toBeGreaterThanOrEqual(4.5);
    }
  });
});

/** The contrast ratio between an element's text colour and the first opaque background behind it. */
function contrastRatio(element: Locator): Promise<number> {
  return element.evaluate((node) => {
    const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    let background: number[] = [];
    for (let current: Element | null = node; current; current = current.parentElement) {
      const colour = rgb(getComputedStyle(current).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) {
        background = colour.slice(0, 3);
        break;
      }
    }
    if (!background.length) background = [255, 255, 255];
    const luminance = ([r, g, b]: number[]) => {
      const [lr, lg, lb] = [r, g, b].map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    // Text drawn with some transparency shows partly the background through.
    const [r, g, b, alpha = 1] = rgb(getComputedStyle(node).color);
    const text = [r, g, b].map((channel, index) => alpha * channel + (1 - alpha) * background[index]);
    const [fg, bg] = [luminance(text), luminance(background)];
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
}
