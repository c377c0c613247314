import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { Capabilities, CommonConfig, ManagerConfig } from '../../config';
import {
  CSRF_TOKEN,
  ORIGIN,
  attachment as makeAttachment,
  assignmentOf,
  page,
  widgetConfig,
  type Attachment,
} from '../../test/builders';
import { renderWithQueries } from '../../test/render';
import { URLS, answer, pageApi, queryOf, refusal, sent, server } from '../../test/server';
import { Manager, PAGE_SIZE, listQuery } from './Manager';

const NO_FILTERS = { q: '', objectTypeId: '', hasAssignments: '', hasBrokenAssignments: '', tag: '' } as const;

function managerConfig(capabilities?: Capabilities): ManagerConfig {
  const common: CommonConfig = widgetConfig(capabilities ? { capabilities } : {});
  return {
    ...common,
    objectTypes: [
      { id: 7, value: 'dcim.device', label: 'DCIM > Device', apiUrl: '/api/dcim/devices/' },
      { id: 8, value: 'dcim.site', label: 'DCIM > Site', apiUrl: '/api/dcim/sites/' },
    ],
  };
}

/** An attachment linked to `count` devices (ids 1, 2, …), named after them. */
function linkedTo(name: string, count: number, fields: Partial<Attachment> = {}): Attachment {
  const attachment = makeAttachment({ name, ...fields });
  const assignments = Array.from({ length: count }, (_, i) =>
    assignmentOf(attachment.id, 'dcim.device', i + 1, `sw${i + 1}`),
  );
  return { ...attachment, assignments, assignment_count: count };
}

/** Renders the manager; the server answers every list request with `attachments`, as one page. */
function renderManager(attachments: Attachment[], config = managerConfig()) {
  server.use(answer.attachments(page(attachments)));
  renderWithQueries(<Manager config={config} api={pageApi(config)} />);
}

/** The server's answer when it holds `attachments`: the page the request's offset asks for. */
const pagesOf = (attachments: Attachment[]) =>
  answer.attachments((request) => {
    const offset = Number(new URL(request.url).searchParams.get('offset') ?? 0);
    return page(attachments.slice(offset, offset + PAGE_SIZE), attachments.length);
  });

/** The parameters of the last list request (values are strings, as sent). */
const lastQuery = () => new URL(sent('GET', URLS.attachments).at(-1)!.url).searchParams;

/** A tag as NetBox's tag list gives it in brief form. */
const MANUAL = { id: 1, display: 'Manual', slug: 'manual' };

const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => linkedTo(`File ${String(i + 1).padStart(2, '0')}`, 1));

const row = (name: string) => screen.getByRole('link', { name }).closest('tr')!;

describe('listQuery', () => {
  it('asks for the first page sorted by the column, with no filter', () => {
    expect(listQuery(NO_FILTERS, 'name', 0)).toEqual({ limit: PAGE_SIZE, offset: 0, ordering: 'name' });
  });

  it('turns each filter into its API parameter', () => {
    const filters = {
      q: 'rack',
      objectTypeId: '7',
      hasAssignments: 'true',
      hasBrokenAssignments: 'true',
      tag: 'manual',
    } as const;
    expect(listQuery(filters, '-size', 0)).toEqual({
      limit: PAGE_SIZE,
      offset: 0,
      ordering: '-size',
      q: 'rack',
      object_type_id: [7],
      has_assignments: true,
      has_broken_assignments: true,
      tag: ['manual'],
    });
  });

  it('sends “no” filters as false, not leaves them out', () => {
    const query = listQuery({ ...NO_FILTERS, hasAssignments: 'false', hasBrokenAssignments: 'false' }, 'name', 0);
    expect(query).toMatchObject({ has_assignments: false, has_broken_assignments: false });
  });

  it('turns the page into an offset', () => {
    expect(listQuery(NO_FILTERS, 'name', 2).offset).toBe(2 * PAGE_SIZE);
  });
});

describe('Manager', () => {
  it('lists the attachments the API returns', async () => {
    renderManager([linkedTo('Rack manual', 1, { filename: 'rack.pdf' }), linkedTo('Floor plan', 2)]);
    expect(await screen.findByRole('link', { name: 'Rack manual' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Floor plan' })).toBeInTheDocument();
    expect(within(row('Rack manual')).getByText('rack.pdf')).toBeInTheDocument();
    expect(screen.getByText('1–2 of 2')).toBeInTheDocument();
  });

  it('asks for the first page sorted by name, with the CSRF token', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    const [request] = sent('GET', URLS.attachments);
    expect(queryOf(request)).toEqual([
      ['limit', String(PAGE_SIZE)],
      ['offset', '0'],
      ['ordering', 'name'],
    ]);
    expect(request.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
  });

  it('highlights an unassigned attachment with a badge', async () => {
    renderManager([makeAttachment({ name: 'Orphan scan' }), linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Orphan scan' });
    const orphan = row('Orphan scan');
    expect(orphan).toHaveAttribute('data-unassigned', 'true');
    expect(within(orphan).getByText('Unassigned')).toBeInTheDocument();
    expect(row('Rack manual')).not.toHaveAttribute('data-unassigned');
    expect(within(row('Rack manual')).queryByText('Unassigned')).not.toBeInTheDocument();
  });

  it('names a link whose object is gone by its type and id', async () => {
    const attachment = makeAttachment({ name: 'Rack manual' });
    renderManager([
      { ...attachment, assignments: [assignmentOf(attachment.id, 'dcim.device', 12, null)], assignment_count: 1 },
    ]);
    expect(await screen.findByText('dcim > device #12')).toHaveAttribute(
      'title',
      'The linked object is gone or hidden',
    );
  });

  it('searches on the server once typing pauses', async () => {
    const rackManual = linkedTo('Rack manual', 1);
    renderManager([rackManual, linkedTo('Floor plan', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    server.use(answer.attachments(page([rackManual])));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search attachments' }), 'rack');
    await waitFor(() => expect(lastQuery().get('q')).toBe('rack'));
    expect(sent('GET', URLS.attachments).map((request) => new URL(request.url).searchParams.get('q'))).toEqual([
      null,
      'rack',
    ]);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Floor plan' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'Rack manual' })).toBeInTheDocument();
  });

  it('filters by the linked object type', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Linked to object type' }), '7');
    await waitFor(() => expect(lastQuery().getAll('object_type_id')).toEqual(['7']));
  });

  it('filters attachments with no assignments', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Has assignments' }), 'Has no assignments');
    await waitFor(() => expect(lastQuery().get('has_assignments')).toBe('false'));
  });

  it('offers NetBox’s tags as a filter, and filters by the chosen slug', async () => {
    server.use(answer.netbox('/api/extras/tags/', [MANUAL]));
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    const tag = screen.getByRole('combobox', { name: 'Tag' });
    await waitFor(() => expect(within(tag).getByRole('option', { name: 'Manual' })).toBeInTheDocument());
    expect(queryOf(sent('GET', `${ORIGIN}/api/extras/tags/`)[0])).toEqual([
      ['brief', '1'],
      ['limit', '1000'],
    ]);
    await userEvent.selectOptions(tag, 'Manual');
    await waitFor(() => expect(lastQuery().getAll('tag')).toEqual(['manual']));
  });

  it('says when the tag filter is unavailable, and still lists the attachments', async () => {
    server.use(
      http.get(
        `${ORIGIN}/api/extras/tags/`,
        refusal(403, { detail: 'You do not have permission to perform this action.' }),
      ),
    );
    renderManager([linkedTo('Rack manual', 1)]);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'The tag filter is unavailable: You do not have permission to perform this action.',
    );
    expect(screen.getByRole('link', { name: 'Rack manual' })).toBeInTheDocument();
  });

  it('sorts by a column, ascending then descending', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    const size = screen.getByRole('button', { name: 'Size' });
    await userEvent.click(size);
    await waitFor(() => expect(lastQuery().get('ordering')).toBe('size'));
    expect(size.closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.click(size);
    await waitFor(() => expect(lastQuery().get('ordering')).toBe('-size'));
    expect(size.closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('pages through the list with Next and Previous', async () => {
    server.use(pagesOf(numbered(PAGE_SIZE + 5)));
    renderWithQueries(<Manager config={managerConfig()} api={pageApi()} />);
    expect(await screen.findByText(`1–${PAGE_SIZE} of ${PAGE_SIZE + 5}`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText(`${PAGE_SIZE + 1}–${PAGE_SIZE + 5} of ${PAGE_SIZE + 5}`)).toBeInTheDocument();
    expect(lastQuery().get('offset')).toBe(String(PAGE_SIZE));
    expect(screen.getByRole('link', { name: 'File 26' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(lastQuery().get('offset')).toBe('0'));
  });

  it('asks before deleting, naming how many objects lose the attachment, and deletes on confirmation', async () => {
    const attachment = linkedTo('Rack manual', 3);
    renderManager([attachment]);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Rack manual' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete attachment' });
    expect(dialog).toHaveTextContent('It is removed from the 3 objects it is linked to.');
    expect(sent('DELETE')).toEqual([]);
    server.use(answer.attachments(page([])));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete attachment and file' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Rack manual' })).not.toBeInTheDocument());
    const deletes = sent('DELETE');
    expect(deletes.map((request) => request.url)).toEqual([URLS.attachment(attachment.id)]);
    expect(deletes[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows the new last page when deleting empties the last one', async () => {
    const many = numbered(PAGE_SIZE + 1);
    server.use(pagesOf(many));
    renderWithQueries(<Manager config={managerConfig()} api={pageApi()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Delete File 26' }));
    server.use(pagesOf(many.slice(0, PAGE_SIZE)));
    await userEvent.click(screen.getByRole('button', { name: 'Delete attachment and file' }));
    expect(await screen.findByText(`1–${PAGE_SIZE} of ${PAGE_SIZE}`)).toBeInTheDocument();
    expect(sent('DELETE').map((request) => request.url)).toEqual([URLS.attachment(many[PAGE_SIZE].id)]);
    expect(lastQuery().get('offset')).toBe('0');
    expect(screen.getByRole('link', { name: 'File 25' })).toBeInTheDocument();
    expect(screen.queryByText(/No attachment matches/)).not.toBeInTheDocument();
  });

  it('warns that unlinking the only link leaves the attachment with no assignments', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw1' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(dialog).toHaveTextContent('Unlink “Rack manual” from sw1?');
    expect(dialog).toHaveTextContent(/It will be left with no assignments/);
    expect(within(dialog).getByRole('link', { name: 'Attachments with no assignments' })).toHaveAttribute(
      'href',
      '/plugins/netbox-attachments/netbox-attachments/?has_assignments=false',
    );
  });

  it('says how many other objects keep an attachment that has several links', async () => {
    renderManager([linkedTo('Rack manual', 3)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw2' }));
    const dialog = screen.getByRole('dialog', { name: 'Unlink attachment' });
    expect(dialog).toHaveTextContent('It stays linked to 2 other objects.');
    expect(dialog).not.toHaveTextContent(/no assignments/);
  });

  it('unlinks the chosen link on confirmation and shows the list without it', async () => {
    const attachment = linkedTo('Rack manual', 2);
    const [sw1, sw2] = attachment.assignments;
    renderManager([attachment]);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Rack manual from sw2' }));
    server.use(answer.attachments(page([{ ...attachment, assignments: [sw1], assignment_count: 1 }])));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Unlink' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'sw2' })).not.toBeInTheDocument());
    const deletes = sent('DELETE');
    expect(deletes.map((request) => request.url)).toEqual([URLS.assignment(sw2.id)]); // the attachment stays
    expect(deletes[0].headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(screen.getByRole('link', { name: 'sw1' })).toBeInTheDocument();
  });

  it('opens the link dialog for the attachment', async () => {
    server.use(answer.netbox('/api/dcim/devices/', [{ id: 1, display: 'sw1' }]));
    renderManager([linkedTo('Rack manual', 1)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Link Rack manual to objects' }));
    const dialog = screen.getByRole('dialog', { name: 'Link “Rack manual”' });
    expect(await within(dialog).findByRole('checkbox', { name: /^sw1/ })).toBeChecked(); // already linked
  });

  it('opens the preview of an attachment', async () => {
    const log = linkedTo('Switch log', 1, { filename: 'switch.log', content_type: 'text/plain' });
    server.use(http.get(log.download_url, () => HttpResponse.text('boot ok')));
    renderManager([log]);
    await userEvent.click(await screen.findByRole('button', { name: 'Preview Switch log' }));
    const dialog = await screen.findByRole('dialog', { name: 'Switch log' });
    expect(await within(dialog).findByText('boot ok')).toBeInTheDocument();
  });

  it('offers uploading, linking, unlinking and deleting to a user allowed to', async () => {
    renderManager([linkedTo('Rack manual', 1)]);
    await screen.findByRole('link', { name: 'Rack manual' });
    expect(screen.getByRole('button', { name: /Upload files/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link Rack manual to objects' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unlink Rack manual from sw1' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete Rack manual' })).toBeInTheDocument();
  });

  it('offers only preview and download to a user with no change permission', async () => {
    const readOnly = managerConfig({
      upload: false,
      uploadUnlinked: false,
      link: false,
      unlink: false,
      deleteEverywhere: false,
    });
    renderManager([linkedTo('Rack manual', 1)], readOnly);
    await screen.findByRole('link', { name: 'Rack manual' });
    expect(screen.queryByRole('button', { name: /upload/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^link /i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^unlink /i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^delete /i })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Attachment manager' })).not.toHaveAttribute('aria-disabled');
    expect(screen.getByRole('button', { name: 'Preview Rack manual' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download Rack manual' })).toHaveAttribute(
      'href',
      expect.stringMatching(/\/download\/$/),
    );
  });

  it('shows in words why the list could not be loaded, even when the refusal gives no reason', async () => {
    server.use(http.get(URLS.attachments, refusal(403, {})));
    renderWithQueries(<Manager config={managerConfig()} api={pageApi()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the attachments: You do not have permission to do this.',
    );
  });
});
