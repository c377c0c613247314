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
  await expect(pdfDialog.locator(`iframe[title="Preview of ${manual.name}"]`)).toBeVisible();
  const response = await pdfResponse;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  expect(response.headers()['content-disposition']).toMatch(/^inline/);
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
