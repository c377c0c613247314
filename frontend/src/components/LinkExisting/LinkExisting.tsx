import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import type { Api } from '../../api/client';
import type { TargetObject } from '../../config';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { formatSize } from '../../utils/format';

interface Props {
  api: Pick<Api, 'listAttachments' | 'link'>;
  object: TargetObject;
  /** IDs of the attachments already linked to the object. */
  linkedIds: Set<number>;
  onClose: () => void;
}

export const SEARCH_RESULTS = 10;

/** Search every attachment by name, file name or description as you type, and link one with a click. */
export function LinkExisting({ api, object, linkedIds, onClose }: Props) {
  const [query, setQuery] = useState('');
  const q = useDebouncedValue(query.trim());
  const queryClient = useQueryClient();
  const results = useQuery({
    queryKey: ['attachments', 'search', q],
    queryFn: ({ signal }) => api.listAttachments({ q, brief: true, limit: SEARCH_RESULTS, ordering: 'name' }, signal),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
  const link = useMutation({
    mutationFn: (attachmentId: number) => api.link(attachmentId, object.type, object.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['attachments'] }),
  });

  return (
    <div className="card-body border-bottom" role="search">
      <div className="d-flex gap-2 align-items-center">
        <input
          type="search"
          className="form-control"
          placeholder="Search attachments by name, file name or description"
          aria-label="Search attachments to link"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && onClose()}
          autoFocus
        />
        <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
          Done
        </button>
      </div>
      {link.isError && (
        <div className="alert alert-danger mt-2 mb-0" role="alert">
          Could not link: {link.error.message}
        </div>
      )}
      {results.isError && (
        <div className="alert alert-danger mt-2 mb-0" role="alert">
          {results.error.message}
        </div>
      )}
      {q && results.data && (
        <ul className="list-group mt-2" aria-label="Search results">
          {results.data.results.length === 0 && (
            <li className="list-group-item text-secondary">No attachment matches “{q}”.</li>
          )}
          {results.data.results.map((attachment) => {
            const linked = linkedIds.has(attachment.id);
            return (
              <li key={attachment.id} className="list-group-item d-flex align-items-center gap-2">
                <div className="flex-grow-1 text-truncate">
                  <div className="fw-bold text-truncate">{attachment.name}</div>
                  <div className="text-secondary small text-truncate">
                    {attachment.filename} · {formatSize(attachment.size)}
                    {attachment.description ? ` · ${attachment.description}` : ''}
                  </div>
                </div>
                {linked ? (
                  <span className="badge bg-success-lt" aria-label={`${attachment.name} is already linked`}>
                    <i className="mdi mdi-check" aria-hidden="true" /> Linked
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-sm btn-primary"
                    disabled={link.isPending}
                    onClick={() => link.mutate(attachment.id)}
                    aria-label={`Link ${attachment.name} to ${object.display}`}
                  >
                    <i className="mdi mdi-link-variant-plus" aria-hidden="true" /> Link
                  </button>
                )}
              </li>
            );
          })}
          {(results.data.count ?? 0) > results.data.results.length && (
            <li className="list-group-item text-secondary small">
              {(results.data.count ?? 0) - results.data.results.length} more match; type more to narrow the search.
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
