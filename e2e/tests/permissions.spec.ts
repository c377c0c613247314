import { expect, test } from '../fixtures';
import { AttachmentsWidget } from '../pages/AttachmentsWidget';
import { PLUGIN_API } from '../support/api';
import { randomFile, text } from '../support/files';

/** A write through the browser's own session, as the widget sends it (session cookie and CSRF token). */
async function writeFromPage(page: import('@playwright/test').Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const config = document.getElementById('netbox-attachments-widget-config');
      const csrf = config ? JSON.parse(config.textContent ?? '{}').csrfToken : '';
      const response = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, csrf: Boolean(csrf) };
    },
    { method, path, body },
  );
}

test.describe('a read-only user', () => {
  test.use({ role: 'readonly' });

  test('sees and downloads attachments, gets no controls to change them, and the API refuses their writes', async ({
    page,
    api,
    apiAs,
    unique,
    problems,
    snap,
  }) => {
    const device = await api.createDevice(unique('e2e-sw'));
    const file = randomFile(`${unique('cabling')}.bin`, 64_000);
    const attachment = await api.upload(file, { links: [['dcim.device', device.id]] });
    const widget = await AttachmentsWidget.openTab(page, device.display_url);

    await expect(widget.row(attachment.name)).toBeVisible();
    expect(await widget.download(attachment.name)).toEqual(file.buffer);
    await expect(widget.uploadButton).toHaveCount(0);
    await expect(widget.linkExistingButton).toHaveCount(0);
    await expect(widget.region.getByRole('button', { name: /^(Unlink|Delete) / })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Add Attachment' })).toHaveCount(0);
    await snap('read-only-tab');

    // The API refuses what the page does not offer, through the session and through the user's token.
    problems.allow(/(HTTP 403|status of 403)/);
    const link = attachment.assignments[0];
    const fromPage = [
      await writeFromPage(page, 'POST', `${PLUGIN_API}/netbox-attachment-assignments/`, {
        attachment: attachment.id,
        object_type: 'dcim.device',
        object_id: device.id,
      }),
      await writeFromPage(page, 'DELETE', `${PLUGIN_API}/netbox-attachment-assignments/${link.id}/`),
      await writeFromPage(page, 'DELETE', `${PLUGIN_API}/netbox-attachments/${attachment.id}/`),
    ];
    expect(fromPage).toEqual(Array(3).fill({ status: 403, csrf: true }));
    const readonly = await apiAs('readonly');
    const upload = await readonly.request.post(`${PLUGIN_API}/netbox-attachments/`, {
      multipart: { name: 'not allowed', file: text('not-allowed.txt', 'no\n') },
    });
    expect(upload.status()).toBe(403);
    expect((await readonly.request.delete(`${PLUGIN_API}/netbox-attachments/${attachment.id}/`)).status()).toBe(403);
    expect((await api.attachment(attachment.id)).assignment_count).toBe(1);
  });
});

test.describe('a user who may add but not delete', () => {
  test.use({ role: 'contributor' });

  test('uploads and links, but gets no unlink or delete controls and cannot delete through the API', async ({
    page,
    api,
    apiAs,
    unique,
  }) => {
    const device = await api.createDevice(unique('e2e-sw'));
    const existing = await api.upload(text(`${unique('shared-runbook')}.txt`, 'runbook\n'));
    const widget = await AttachmentsWidget.openTab(page, device.display_url);
    const file = text(`${unique('handover')}.txt`, 'handover notes\n');

    await widget.choose([file]);
    await expect(widget.row(file.name)).toBeVisible();
    await widget.linkExistingButton.click();
    await widget.region.getByRole('searchbox', { name: 'Search attachments to link' }).fill(existing.name);
    await widget.region.getByRole('button', { name: `Link ${existing.name} to ${device.name}` }).click();
    await expect(widget.row(existing.name)).toBeVisible();
    await expect(widget.region.getByRole('button', { name: /^(Unlink|Delete) / })).toHaveCount(0);

    const stored = await api.findAttachment(file.name);
    expect(stored.assignments.map((link) => link.object_id)).toEqual([device.id]);
    expect((await api.attachment(existing.id)).assignments.map((link) => link.object_id)).toEqual([device.id]);
    const contributor = await apiAs('contributor');
    const unlink = await contributor.request.delete(
      `${PLUGIN_API}/netbox-attachment-assignments/${stored.assignments[0].id}/`,
    );
    expect(unlink.status()).toBe(403);
    expect((await contributor.request.delete(`${PLUGIN_API}/netbox-attachments/${stored.id}/`)).status()).toBe(403);
    expect((await api.attachment(stored.id)).assignment_count).toBe(1);
  });
});
