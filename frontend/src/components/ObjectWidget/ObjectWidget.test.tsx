import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import {
  CSRF_TOKEN,
  DEVICE,
  attachment as makeAttachment,
  fileOf,
  assignmentOf,
  page,
  widgetConfig,
  type Attachment,
} from '../../test/builders';
import { renderWithQueries } from '../../test/render';
import {
  URLS,
  answer,
  hold,
  json,
  pageApi,
  queryOf,
  refusal,
  sent,
  server,
  store,
  uploadedFile,
} from '../../test/server';
import { OBJECT_LIST_LIMIT, ObjectWidget } from './ObjectWidget';

const NOTHING = { upload: false, uploadUnlinked: false, link: false, unlink: false, deleteEverywhere: false };

/** An attachment linked to the page's device and to `others` other objects. */
function linkedAttachment(name: string, others = 0, fields: Partial<Attachment> = {}) {
  return { name, others, fields };
}

/** The attachment as the API lists it: linked to the page's device, then to sites 1 to `others`. */
function linkedHere(a: Attachment, others = 0): Attachment {
  const sites = Array.from({ length: others }, (_, i) => assignmentOf(a.id, 'dcim.site', i + 1));
  return { ...a, assignments: [assignmentOf(a.id, DEVICE.type, DEVICE.id), ...sites], assignment_count: 1 + others };
}

/** Renders the widget of the device; the server lists `items` for it. Returns the attachments as listed. */
function setup(items: ReturnType<typeof linkedAttachment>[] = [], config = widgetConfig(), compact = false) {
  const attachments = items.map(({ name, others, fields }) => linkedHere(makeAttachment({ name, ...fields }), others));
  server.use(answer.attachments(page(attachments)));
  renderWithQueries(<ObjectWidget config={config} api={pageApi(config)} compact={compact} />);
  return attachments;
}

/** Files as a drop event carries them. */
const dataTransferOf = (files: File[]) => ({
  files,
  items: files.map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f })),
  types: ['Files'],
});

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
    setup([linkedAttachment('A')]);
    await rowOf('A');
    const requests = sent('GET', URLS.attachments);
    expect(requests).toHaveLength(1);
    expect(queryOf(requests[0])).toEqual([
      ['object_type_id', String(DEVICE.typeId)],
      ['object_id', String(DEVICE.id)],
      ['limit', String(OBJECT_LIST_LIMIT)],
      ['ordering', 'name'],
    ]);
    expect(requests[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
  });

  it('shows only the rows of links to this object', async () => {
    const elsewhere = makeAttachment({ name: 'Elsewhere' });
    server.use(
      answer.attachments(
        page([{ ...elsewhere, assignments: [assignmentOf(elsewhere.id, 'dcim.site', 1)], assignment_count: 1 }]),
      ),
    );
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={pageApi()} />);
    expect(await screen.findByText('No attachments yet.')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Elsewhere' })).not.toBeInTheDocument();
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
    setup([]);
    await screen.findByText('No attachments yet.');
    const uploads = hold('post', URLS.attachments);
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [fileOf('a.txt', 10), fileOf('b.txt', 20)]);
    await waitFor(() => expect(uploads).toHaveLength(2));
    expect(screen.getByText('a.txt')).toBeInTheDocument();
    expect(sent('POST', URLS.assignments)).toEqual([]); // nothing is linked before it is stored
    const names = await Promise.all(uploads.map(async (upload) => (await uploadedFile(upload.request)).name));
    expect(names).toEqual(['a.txt', 'b.txt']);
    const stored = names.map((name) => makeAttachment({ name, filename: name }));
    server.use(answer.attachments(page(stored.map((a) => linkedHere(a)))));
    uploads.forEach((upload, i) => upload.respond(json(stored[i], 201)));
    expect(await screen.findByRole('link', { name: 'a.txt' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'b.txt' })).toBeInTheDocument();
    const links = sent('POST', URLS.assignments);
    expect(links.map((link) => link.headers.get('X-CSRFToken'))).toEqual([CSRF_TOKEN, CSRF_TOKEN]);
    const bodies = await Promise.all(links.map((link) => link.json()));
    expect(bodies).toEqual(
      expect.arrayContaining(stored.map((a) => ({ attachment: a.id, object_type: DEVICE.type, object_id: DEVICE.id }))),
    );
    expect(bodies).toHaveLength(2);
  });

  it('takes files dropped anywhere on the widget', async () => {
    setup([]);
    const uploads = hold('post', URLS.attachments);
    const region = await screen.findByRole('region', { name: 'Attachments of device dc1-sw1' });
    fireEvent.drop(region, { dataTransfer: dataTransferOf([fileOf('dropped.txt', 10)]) });
    await waitFor(() => expect(uploads).toHaveLength(1));
    expect((await uploadedFile(uploads[0].request)).name).toBe('dropped.txt');
  });

  it('ignores a file dropped on an open dialog', async () => {
    setup([linkedAttachment('Manual')]);
    const row = await rowOf('Manual');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Manual' }));
    const dataTransfer = dataTransferOf([fileOf('stray.txt', 10)]);
    fireEvent.dragEnter(screen.getByRole('dialog'), { dataTransfer });
    fireEvent.drop(screen.getByRole('dialog'), { dataTransfer });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the drop zone reads dropped files asynchronously
    expect(sent('POST', URLS.attachments)).toEqual([]);
    expect(screen.queryByText('stray.txt')).not.toBeInTheDocument();
  });

  it('says when an object has more attachments than it lists', async () => {
    server.use(answer.attachments(page([linkedHere(makeAttachment({ name: 'A' }))], 1500)));
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={pageApi()} />);
    expect(await screen.findByText(/Showing the first 1 of 1500 attachments\./)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See them all' })).toHaveAttribute(
      'href',
      `/plugins/netbox-attachments/netbox-attachments/?object_type_id=${DEVICE.typeId}&object_id=${DEVICE.id}`,
    );
  });

  it('refuses a file over the limit in its row and uploads the others of the same drop', async () => {
    setup([], widgetConfig({ maxUploadSize: 100 }));
    await screen.findByText('No attachments yet.');
    const uploads = hold('post', URLS.attachments);
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [
      fileOf('huge.iso', 500),
      fileOf('small.txt', 10),
    ]);
    expect(await screen.findByText('Too large: 500 bytes, and the limit is 100 bytes.')).toBeInTheDocument();
    await waitFor(() => expect(uploads).toHaveLength(1));
    expect((await uploadedFile(uploads[0].request)).name).toBe('small.txt');
    server.use(answer.attachments(page([linkedHere(makeAttachment({ name: 'small.txt', filename: 'small.txt' }))])));
    store(uploads[0]);
    expect(await screen.findByRole('link', { name: 'small.txt' })).toBeInTheDocument();
    expect(sent('POST', URLS.attachments)).toHaveLength(1);
  });

  it('shows the server’s refusal of an upload in words', async () => {
    const tooLarge = 'The file is larger than the upload limit of 1.0 MB (1048576 bytes, max_upload_size).';
    server.use(http.post(URLS.attachments, refusal(413, { detail: tooLarge })));
    setup([]);
    await screen.findByText('No attachments yet.');
    await userEvent.upload(screen.getByLabelText('Choose files to upload'), [fileOf('a.txt', 10)]);
    expect(await screen.findByText(tooLarge)).toBeInTheDocument();
    expect(sent('POST', URLS.assignments)).toEqual([]);
  });

  it('unlinks the only link after a warning that the attachment is left with no assignments', async () => {
    const [lonely] = setup([linkedAttachment('Lonely')]);
    const row = await rowOf('Lonely');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Lonely' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(within(dialog).getByText('Unlink “Lonely” from device dc1-sw1?')).toBeInTheDocument();
    expect(within(dialog).getByText(/left with no assignments/)).toBeInTheDocument();
    server.use(answer.attachments(page([])));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Unlink' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Lonely' })).not.toBeInTheDocument());
    const deletes = sent('DELETE');
    expect(deletes.map((request) => request.url)).toEqual([URLS.assignment(lonely.assignments[0].id)]); // the attachment is kept
    expect(deletes[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
  });

  it('says an attachment with more links stays linked elsewhere', async () => {
    setup([linkedAttachment('Shared', 2)]);
    const row = await rowOf('Shared');
    await userEvent.click(within(row).getByRole('button', { name: 'Unlink Shared' }));
    expect(screen.getByText('It stays linked to 2 other objects.')).toBeInTheDocument();
  });

  it('deletes everywhere after a warning naming the number of links', async () => {
    const [old] = setup([linkedAttachment('Old', 1)]);
    const row = await rowOf('Old');
    await userEvent.click(within(row).getByRole('button', { name: 'Delete Old everywhere' }));
    expect(screen.getByText(/removed from the 2 objects it is linked to/)).toBeInTheDocument();
    server.use(answer.attachments(page([])));
    await userEvent.click(screen.getByRole('button', { name: 'Delete attachment and file' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Old' })).not.toBeInTheDocument());
    const deletes = sent('DELETE');
    expect(deletes.map((request) => request.url)).toEqual([URLS.attachment(old.id)]);
    expect(deletes[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
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
    setup([linkedAttachment('Plan', 0, { filename: 'a-very-long-floor-plan-name.png' })], widgetConfig(), true);
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
    server.use(
      http.get(URLS.attachments, refusal(403, { detail: 'You do not have permission to perform this action.' })),
    );
    renderWithQueries(<ObjectWidget config={widgetConfig()} api={pageApi()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the attachments: You do not have permission to perform this action.',
    );
  });

  it('opens the preview of an attachment', async () => {
    const [notes] = setup([linkedAttachment('Notes', 0, { filename: 'notes.txt', content_type: 'text/plain' })]);
    server.use(http.get(notes.download_url, () => HttpResponse.text('hello')));
    const row = await rowOf('Notes');
    await userEvent.click(within(row).getByRole('button', { name: 'Preview Notes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Notes' });
    expect(await within(dialog).findByText('hello')).toBeInTheDocument();
  });
});
