import type { Page } from '@playwright/test';

import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { SCRIPT_MARKER, htmlWithScript, pdf, png, svgWithScript } from '../support/files';

test('images and PDFs preview inline', async ({ page, api, unique, snap }) => {
  const device = await api.createDevice(unique('e2e-sw'));
  const image = await api.upload(png(`${unique('floor-plan')}.png`, 240, 160), { links: [['dcim.device', device.id]] });
  const manual = await api.upload(pdf(`${unique('manual')}.pdf`, 'Operations manual'), {
    links: [['dcim.device', device.id]],
  });
  const widget = await AttachmentsWidget.openTab(page, device.display_url);

  const imageDialog = await widget.openPreview(image.name);
  const img = imageDialog.getByRole('img', { name: `Preview of ${image.name}` });
  await expect(img).toBeVisible();
  // Decoded from the bytes the server sent: the picture's real size, not a broken-image icon.
  await expect
    .poll(() => img.evaluate((node: HTMLImageElement) => [node.naturalWidth, node.naturalHeight]))
    .toEqual([240, 160]);
  await snap('preview-image');
  await page.keyboard.press('Escape');
  await expect(imageDialog).toBeHidden();

  const pdfResponse = page.waitForResponse((response) => response.url().includes(`/${manual.id}/download/?inline=1`));
  const pdfDialog = await widget.openPreview(manual.name);
  const frame = pdfDialog.locator(`iframe[title="Preview of ${manual.name}"]`);
  await expect(frame).toBeVisible();
  const response = await pdfResponse;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  expect(response.headers()['content-disposition']).toMatch(/^inline/);
  // Chromium's PDF viewer draws in a process of its own, out of the page's reach: the picture of the frame tells
  // whether it drew the document's white page, which fills about half of it, or only its dark background.
  const scratch = await page.context().newPage();
  await expect
    .poll(async () => whiteShare(scratch, await frame.screenshot()), { timeout: 20_000 })
    .toBeGreaterThan(0.3);
  await scratch.close();
  await snap('preview-pdf');
});

for (const make of [htmlWithScript, svgWithScript]) {
  test(`a ${make === htmlWithScript ? 'HTML' : 'SVG'} preview shows the source and never runs its script`, async ({
    page,
    api,
    unique,
  }) => {
    const file = make(`${unique('report')}.${make === htmlWithScript ? 'html' : 'svg'}`);
    const device = await api.createDevice(unique('e2e-sw'));
    const attachment = await api.upload(file, { links: [['dcim.device', device.id]] });
    const widget = await AttachmentsWidget.openTab(page, device.display_url);

    const dialog = await widget.openPreview(attachment.name);
    await expect(dialog.locator('pre')).toContainText('<script>');
    // Shown as text: no frame or image renders it, and nothing offers to open it in the browser.
    await expect(dialog.locator('iframe, img, object, embed')).toHaveCount(0);
    await expect(dialog.getByRole('link', { name: 'Open in new tab' })).toHaveCount(0);
    expect(await page.evaluate((marker) => (window as unknown as Record<string, unknown>)[marker], SCRIPT_MARKER)).toBe(
      undefined,
    );

    // Asked for inline anyway, the server sends it as a download in a sandbox.
    const inline = await page.request.get(`${attachment.download_url}?inline=1`);
    expect(inline.status()).toBe(200);
    expect(inline.headers()['content-disposition']).toMatch(/^attachment/);
    expect(inline.headers()['content-security-policy']).toContain('sandbox');
  });
}

/** The share of a PNG's pixels that are white or nearly so, measured on a blank page of the browser. */
function whiteShare(scratch: Page, png: Buffer): Promise<number> {
  return scratch.evaluate(
    async (dataUrl) => {
      const image = new Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.width, image.height];
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let white = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240) white++;
      return white / (data.length / 4);
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}
