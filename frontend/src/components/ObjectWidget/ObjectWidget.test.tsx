import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Attachment } from '../../api/client';
import { DEVICE, createFakeApi, fileOf, linkOf, makeAttachment, widgetConfig } from '../../test/fakeApi';
import { renderWithQueries } from '../../test/render';
import { ObjectWidget } from './ObjectWidget';

const NOTHING = { upload: false, uploadUnlinked: false, link: false, unlink: false, deleteEverywhere: false };

/** An attachment linked to the page's device and to `others` other objects. */
function linkedAttachment(name: string, others = 0, fields: Partial<Attachment> = {}) {
  return { name, others, fields };
}

function setup(items: ReturnType<typeof linkedAttachment>[] = [], config = widgetConfig()) {
  const fake = createFakeApi(items.map(({ name, fields }) => makeAttachment({ name, ...fields })));
  const ids = [...fake.attachments.keys()];
  items.forEach(({ others }, index) => {
    fake.link(ids[index], DEVICE.type, DEVICE.id);
    for (let n = 1; n <= others; n += 1) fake.link(ids[index], 'dcim.site', n);
  });
  renderWithQueries(<ObjectWidget config={config} api={fake.api} />);
  return fake;
}

const rowOf = async (name: string) => (await screen.findByRole('link', { name })).closest('tr') as HTMLElement;

describe('ObjectWidget', () => {
  it('lists the object’s attachments with the columns of the server table', async () => {
    setup([linkedAttachment('Rack manual', 2, { description: 'Vendor PDF', filename: 'rack.pdf', size: 2048 })]);
    const row = await rowOf('Rack manual');
    const headers = screen.getAllByRole('columnheader').map((th) => th.textContent);
    expect(headers).toEqual(['', 'Attachment', 'Description', 'File', 'Size', 'Links', 'Actions']);
    expect(within(row).getByText('Vendor PDF')).toBeInTheDocument();
    expect(within(row).getByText('rack.pdf')).toBeInTheDocument();
    expect(within(row).getByText('2.0 KB')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: '3' })).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Download Rack manual' })).toHaveAttribute(
      'href',
      expect.stringMatching(/\/api\/plugins\/netbox-attachments\/netbox-attachments\/\d+\/download\/$/),
    );
  });

  it('asks only for this object’s attachments', async () => {
    const fake = setup([linkedAttachment('A')]);
    await rowOf('A');
    expect(fake.api.listAttachments).toHaveBeenCalledWith(
      expect.objectContaining({ object_type_id: [DEVICE.typeId], object_id: [DEVICE.id] }),
      expect.anything(),
    );
  });

  it('invites a drop when the object has no attachments', async () => {
    setup([]);
    expect(await screen.findByText('No attachments yet.')).toBeInTheDocument();
    expect(screen.getByText(/Drop files here/)).toBeInTheDocument();
  });

  it('sorts by a column, and reverses on a second click', async () => {
    setup([
      linkedAttachment('Big', 0, { size: 9000 }),
      linkedAttachment('Small', 0, { size: 10 }),
      linkedAttachment('Middle', 0, { size: 500 }),
    ]);
    await rowOf('Big');
    const names = () =>
      screen
        .getAllByRole('row')
        .slice(1)
        .map((row) => within(row).getAllByRole('link')[0].textContent);
    expect(names()).toEqual(['Big', 'Middle', 'Small']);
    await userEvent.click(screen.getByRole('button', { name: 'Size' }));
    expect(names()).toEqual(['Small', 'Middle', 'Big']);
    await userEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(names()).toEqual(['Big', 'Middle', 'Small']);
  });

  it('uploads chosen files, links each to the object and shows them in the table', async () => {
    const fake = setup([]);
    await screen.findByText('No attachments yet.');
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [fileOf('a.txt', 10), fileOf('b.txt', 20)]);
    await waitFor(() => expect(fake.uploads).toHaveLength(2));
    expect(screen.getByText('a.txt')).toBeInTheDocument();
    fake.uploads.forEach((upload) => upload.finish());
    expect(await screen.findByRole('link', { name: 'a.txt' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'b.txt' })).toBeInTheDocument();
    expect(fake.api.link).toHaveBeenCalledTimes(2);
    expect(fake.api.link).toHaveBeenCalledWith(expect.any(Number), DEVICE.type, DEVICE.id);
  });

  it('takes files dropped anywhere on the widget', async () => {
    const fake = setup([]);
    const region = await screen.findByRole('region', { name: 'Attachments of device dc1-sw1' });
    const files = [fileOf('dropped.txt', 10)];
    fireEvent.drop(region, {
      dataTransfer: {
        files,
        items: files.map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f })),
        types: ['Files'],
      },
    });
    await waitFor(() => expect(fake.uploads).toHaveLength(1));
    expect(fake.uploads[0].file.name).toBe('dropped.txt');
  });

  it('ignores a file dropped on an open dialog', async () => {
    const fake = setup([linkedAttachment('Manual')]);
    const row = await rowOf('Manual');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Manual' }));
    const files = [fileOf('stray.txt', 10)];
    const dataTransfer = {
      files,
      items: files.map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f })),
      types: ['Files'],
    };
    fireEvent.dragEnter(screen.getByRole('dialog'), { dataTransfer });
    fireEvent.drop(screen.getByRole('dialog'), { dataTransfer });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the drop zone reads dropped files asynchronously
    expect(fake.uploads).toHaveLength(0);
    expect(screen.queryByText('stray.txt')).not.toBeInTheDocument();
  });

  it('says when an object has more attachments than it lists', async () => {
    const fake = createFakeApi();
    const attachment = makeAttachment({ name: 'A' });
    fake.api.listAttachments.mockResolvedValue({
      count: 1500,
      results: [{ ...attachment, assignments: [linkOf(attachment.id, DEVICE.type, DEVICE.id)] }],
    });
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={fake.api} />);
    expect(await screen.findByText(/Showing the first 1 of 1500 attachments\./)).toBeInTheDocument();
  });

  it('refuses a file over the limit in its row and uploads the others of the same drop', async () => {
    const fake = setup([], widgetConfig({ maxUploadSize: 100 }));
    await screen.findByText('No attachments yet.');
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [
      fileOf('huge.iso', 500),
      fileOf('small.txt', 10),
    ]);
    expect(await screen.findByText('Too large: 500 bytes, and the limit is 100 bytes.')).toBeInTheDocument();
    await waitFor(() => expect(fake.uploads).toHaveLength(1));
    fake.uploads[0].finish();
    expect(await screen.findByRole('link', { name: 'small.txt' })).toBeInTheDocument();
  });

  it('shows the server’s refusal of an upload in words', async () => {
    const fake = setup([]);
    await screen.findByText('No attachments yet.');
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [fileOf('a.txt', 10)]);
    await waitFor(() => expect(fake.uploads).toHaveLength(1));
    fake.uploads[0].fail(413, 'The file is larger than the server accepts.');
    expect(await screen.findByText('The file is larger than the server accepts.')).toBeInTheDocument();
  });

  it('unlinks the only link after a warning that the attachment is left with no assignments', async () => {
    const fake = setup([linkedAttachment('Lonely')]);
    const row = await rowOf('Lonely');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Lonely' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(within(dialog).getByText('Unlink “Lonely” from device dc1-sw1?')).toBeInTheDocument();
    expect(within(dialog).getByText(/left with no assignments/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Unlink' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Lonely' })).not.toBeInTheDocument());
    expect(fake.api.unlink).toHaveBeenCalledTimes(1);
    expect(fake.attachments.size).toBe(1); // the attachment is kept
  });

  it('says an attachment with more links stays linked elsewhere', async () => {
    setup([linkedAttachment('Shared', 2)]);
    const row = await rowOf('Shared');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Shared' }));
    expect(screen.getByText('It stays linked to 2 other objects.')).toBeInTheDocument();
  });

  it('deletes everywhere after a warning naming the number of links', async () => {
    const fake = setup([linkedAttachment('Old', 1)]);
    const row = await rowOf('Old');
    await userEvent.click(within(row).getByRole('button', { name: 'Delete Old everywhere' }));
    expect(screen.getByText(/removed from the 2 objects it is linked to/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete attachment and file' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Old' })).not.toBeInTheDocument());
    expect(fake.attachments.size).toBe(0);
  });

  it('shows a read-only user the attachments and downloads, and no upload, link, unlink or delete control', async () => {
    setup([linkedAttachment('Manual')], widgetConfig({ capabilities: NOTHING }));
    const row = await rowOf('Manual');
    expect(within(row).getByRole('link', { name: 'Download Manual' })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Preview Manual' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Upload files/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Link existing/ })).not.toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Unlink/ })).not.toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    expect(screen.queryByText(/Drop files here/)).not.toBeInTheDocument();
    // Dropping is off, but the region must not read as disabled: that would disable Preview and Download too.
    expect(screen.getByRole('region', { name: /^Attachments of / })).not.toHaveAttribute('aria-disabled');
  });

  it('lets a user who may add but not delete upload and link, without unlink or delete', async () => {
    setup(
      [linkedAttachment('Manual')],
      widgetConfig({ capabilities: { ...NOTHING, upload: true, uploadUnlinked: true, link: true } }),
    );
    const row = await rowOf('Manual');
    expect(screen.getByRole('button', { name: /Upload files/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Link existing/ })).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Unlink/ })).not.toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
  });

  it('does not offer upload to a user who may add attachments but not link them', async () => {
    setup([], widgetConfig({ capabilities: { ...NOTHING, uploadUnlinked: true } }));
    await screen.findByText('No attachments yet.');
    expect(screen.queryByRole('button', { name: /Upload files/ })).not.toBeInTheDocument();
  });

  it('shows icon-only buttons and one-line file names in a narrow side panel', async () => {
    const fake = createFakeApi([makeAttachment({ name: 'Plan', filename: 'a-very-long-floor-plan-name.png' })]);
    fake.link([...fake.attachments.keys()][0], DEVICE.type, DEVICE.id);
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={fake.api} compact />);
    const row = await rowOf('Plan');
    expect(within(row).getByRole('button', { name: 'Unlink Plan' })).toHaveTextContent(/^$/);
    const file = within(row).getByText('a-very-long-floor-plan-name.png');
    expect(file).toHaveClass('text-truncate');
    expect(file).toHaveAttribute('title', 'a-very-long-floor-plan-name.png');
  });

  it('labels the unlink button in the tab', async () => {
    setup([linkedAttachment('Plan')]);
    const row = await rowOf('Plan');
    expect(within(row).getByRole('button', { name: 'Unlink Plan' })).toHaveTextContent('Unlink');
  });

  it('shows a failed list in words', async () => {
    const fake = createFakeApi();
    fake.api.listAttachments.mockRejectedValue(new Error('You do not have permission to perform this action.'));
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={fake.api} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the attachments: You do not have permission to perform this action.',
    );
  });

  it('opens the preview of an attachment', async () => {
    setup([linkedAttachment('Notes', 0, { filename: 'notes.txt', content_type: 'text/plain' })]);
    const row = await rowOf('Notes');
    await userEvent.click(within(row).getByRole('button', { name: 'Preview Notes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Notes' });
    expect(await within(dialog).findByText('hello')).toBeInTheDocument();
  });
});
