import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { CSRF_TOKEN, DEVICE, attachment, brief, page } from '../../test/builders';
import { renderWithQueries } from '../../test/render';
import { URLS, answer, pageApi, queryOf, refusal, sent, server } from '../../test/server';
import { LinkExisting, SEARCH_RESULTS } from './LinkExisting';

const RACK_MANUAL = attachment({ name: 'Rack manual', filename: 'rack-r1.pdf' });
const FLOOR_PLAN = attachment({ name: 'Floor plan', filename: 'floor.png', description: 'rack rows', size: 2048 });
const CONTRACT = attachment({ name: 'Contract', filename: 'contract.pdf' });

/** Renders the search; the server answers every search with `found`, in brief form. */
function setup(found = [RACK_MANUAL, FLOOR_PLAN], linked: number[] = []) {
  server.use(answer.attachments(page(found.map(brief))));
  const onClose = vi.fn();
  renderWithQueries(<LinkExisting api={pageApi()} object={DEVICE} linkedIds={new Set(linked)} onClose={onClose} />);
  return { onClose };
}

const searches = () => sent('GET', URLS.attachments);
const searchBox = () => screen.getByRole('searchbox', { name: 'Search attachments to link' });

describe('LinkExisting', () => {
  it('asks the server for attachments matching what was typed, and lists its answer', async () => {
    setup();
    await userEvent.type(searchBox(), 'rack');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(queryOf(searches()[0])).toEqual([
      ['q', 'rack'],
      ['brief', 'true'],
      ['limit', String(SEARCH_RESULTS)],
      ['ordering', 'name'],
    ]);
    expect(
      within(results)
        .getAllByText(/Rack manual|Floor plan/)
        .map((item) => item.textContent),
    ).toEqual(['Rack manual', 'Floor plan']);
    expect(within(results).getByText('floor.png · 2.0 KB · rack rows')).toBeInTheDocument();
  });

  it('waits for typing to pause before asking the server', async () => {
    setup([CONTRACT]);
    await userEvent.type(searchBox(), 'contr');
    await screen.findByText('Contract');
    expect(searches().map((request) => new URL(request.url).searchParams.get('q'))).toEqual(['contr']);
  });

  it('asks nothing before anything is typed', async () => {
    setup();
    await new Promise((resolve) => setTimeout(resolve, 50)); // a search on opening would have been sent by now
    expect(sent()).toEqual([]);
  });

  it('marks the attachments already linked to the object', async () => {
    setup([RACK_MANUAL, FLOOR_PLAN], [RACK_MANUAL.id]);
    await userEvent.type(searchBox(), 'rack');
    expect(await screen.findByLabelText('Rack manual is already linked')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Link Rack manual to dc1-sw1' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Link Floor plan to dc1-sw1' })).toBeInTheDocument();
  });

  it('says how many more match than it shows', async () => {
    server.use(answer.attachments(page([brief(RACK_MANUAL)], 14)));
    renderWithQueries(<LinkExisting api={pageApi()} object={DEVICE} linkedIds={new Set()} onClose={vi.fn()} />);
    await userEvent.type(searchBox(), 'r');
    expect(await screen.findByText('13 more match; type more to narrow the search.')).toBeInTheDocument();
  });

  it('links with one click, then searches again for the new state', async () => {
    setup([CONTRACT]);
    await userEvent.type(searchBox(), 'contract');
    await userEvent.click(await screen.findByRole('button', { name: 'Link Contract to dc1-sw1' }));
    await waitFor(() => expect(searches()).toHaveLength(2));
    const [link] = sent('POST', URLS.assignments);
    expect(link.headers.get('X-CSRFToken')).toBe(CSRF_TOKEN);
    expect(await link.json()).toEqual({ attachment: CONTRACT.id, object_type: 'dcim.device', object_id: DEVICE.id });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a refused link in words', async () => {
    setup([CONTRACT]);
    server.use(
      http.post(
        URLS.assignments,
        refusal(400, { non_field_errors: ['This attachment is already linked to this object.'] }),
      ),
    );
    await userEvent.type(searchBox(), 'contract');
    await userEvent.click(await screen.findByRole('button', { name: 'Link Contract to dc1-sw1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not link: This attachment is already linked to this object.',
    );
  });

  it('shows a refused search in words', async () => {
    server.use(
      http.get(URLS.attachments, refusal(403, { detail: 'You do not have permission to perform this action.' })),
    );
    renderWithQueries(<LinkExisting api={pageApi()} object={DEVICE} linkedIds={new Set()} onClose={vi.fn()} />);
    await userEvent.type(searchBox(), 'rack');
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to perform this action.');
  });

  it('says when nothing matches', async () => {
    setup([]);
    await userEvent.type(searchBox(), 'zzz');
    expect(await screen.findByText('No attachment matches “zzz”.')).toBeInTheDocument();
  });

  it('closes on Escape', async () => {
    const { onClose } = setup();
    await userEvent.type(searchBox(), '{Escape}');
    expect(onClose).toHaveBeenCalled();
  });
});
