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

  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  const pdfResponse = page.waitForResponse((response) => response.url().includes(`/${manual.id}/download/?inline=1`));
  const pdfDialog = await widget.openPreview(manual.name);
  const frame = pdfDialog.locator(`iframe[title="Preview of ${manual.name}"]`);
  await expect(frame).toBeVisible();
  const response = await pdfResponse;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  expect(response.headers()['content-disposition']).toMatch(/^inline/);
  // Chromium's PDF viewer draws in a process of its own, out of the page's reach: the picture of the frame tells
  // whether it drew the document's white page beside its dark toolbar and margins. A frame left empty would be all
  // white or all dark, and a PDF sent as a download would have left it empty.
  const scratch = await page.context().newPage();
  let drawn = { white: 0, dark: 0 };
  await expect
    .poll(
      async () => {
        drawn = await shares(scratch, await frame.screenshot());
        return drawn.white > 0.3 && drawn.white < 0.9 && drawn.dark > 0.05 && drawn.dark < 0.7;
      },
      { message: 'the PDF viewer shows a page', timeout: 20_000 },
    )
    .toBe(true);
  await scratch.close();
  test.info().annotations.push({ type: 'pdf viewer pixels', description: JSON.stringify(drawn) });
  await snap('preview-pdf');
  expect(downloads, 'files downloaded instead of previewed').toEqual([]);
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

/** The shares of a PNG's pixels that are near white and that are dark, measured on a blank page of the browser. */
function shares(scratch: Page, png: Buffer): Promise<{ white: number; dark: number }> {
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
      let [white, dark] = [0, 0];
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (r > 240 && g > 240 && b > 240) white++;
        else if (r < 90 && g < 90 && b < 90) dark++;
      }
      const pixels = data.length / 4;
      return { white: white / pixels, dark: dark / pixels };
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}
