// Runs on the server whose settings show panels: sites on the right, racks on the left, tenants full width.
import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { text } from '../support/files';

test('right-hand panel of a site: upload through the file chooser updates the panel without a reload', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const site = await api.createSite(unique('e2e-site'));
  const widget = await AttachmentsWidget.openPanel(page, site.display_url);
  await expect(
    page.locator('[data-placement=right_page]').getByRole('region', { name: /^Attachments of/ }),
  ).toBeVisible();
  // A reload would start a new document and lose this mark.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const file = text(`${unique('lease-contract')}.txt`, 'lease\n');

  await widget.choose([file]);

  await expect(widget.row(file.name)).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  const stored = await api.findAttachment(file.name);
  expect(stored.assignments.map((link) => [link.object_type, link.object_id])).toEqual([['dcim.site', site.id]]);
  await snap('site-right-panel');
});

test('left-hand panel of a rack and full-width panel of a tenant show their attachments', async ({
  page,
  api,
  unique,
  snap,
}) => {
  const rack = await api.createRack(unique('e2e-rack'));
  const tenant = await api.createTenant(unique('e2e-tenant'));
  const rackFile = await api.upload(text(`${unique('rack-elevation')}.txt`, 'U1-U42\n'), {
    links: [['dcim.rack', rack.id]],
  });
  const tenantFile = await api.upload(text(`${unique('master-agreement')}.txt`, 'MSA\n'), {
    links: [['tenancy.tenant', tenant.id]],
  });

  const rackWidget = await AttachmentsWidget.openPanel(page, rack.display_url);
  await expect(
    page.locator('[data-placement=left_page]').getByRole('region', { name: /^Attachments of/ }),
  ).toBeVisible();
  await expect(rackWidget.row(rackFile.name)).toBeVisible();
  await snap('rack-left-panel', page, { fullPage: true });

  const tenantWidget = await AttachmentsWidget.openPanel(page, tenant.display_url);
  const fullWidth = page.locator('[data-placement=full_width_page]');
  await expect(fullWidth.getByRole('region', { name: /^Attachments of/ })).toBeVisible();
  await expect(tenantWidget.row(tenantFile.name)).toBeVisible();
  // Full width: as wide as the page's content, not a column of it.
  const [panel, content] = [
    await fullWidth.boundingBox(),
    await page.locator('.page-body .container-fluid, .page-body').first().boundingBox(),
  ];
  expect(panel!.width).toBeGreaterThan(content!.width * 0.9);
  await snap('tenant-full-width-panel', page, { fullPage: true });
});

test('devices keep their tab where only other models get panels', async ({ page, api, unique }) => {
  const device = await api.createDevice(unique('e2e-sw'));
  await page.goto(device.display_url);
  // No panel's mount point in the server's page, so no widget can appear later either.
  await expect(page.getByRole('heading', { name: device.name })).toBeVisible();
  await expect(page.locator('[data-netbox-attachments-widget]')).toHaveCount(0);
  await page.getByRole('link', { name: /^Attachments/ }).click();
  await new AttachmentsWidget(page).ready();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test("a panel, which loads its list by script, links to the object's attachments instead", async ({
    page,
    api,
    unique,
  }) => {
    const site = await api.createSite(unique('e2e-site'));
    const attachment = await api.upload(text(`${unique('site-access')}.txt`, 'badge desk\n'), {
      links: [['dcim.site', site.id]],
    });
    await page.goto(site.display_url);
    await page.getByRole('link', { name: "open this object's attachments" }).click();
    await expect(page.locator('table.object-list').getByRole('link', { name: attachment.name })).toBeVisible();
  });
});
