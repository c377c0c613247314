import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import type { Api, Attachment } from '../../api/client';
import type { ObjectTypeOption } from '../../config';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { Dialog } from '../Dialog/Dialog';

interface Props {
  api: Pick<Api, 'searchObjects' | 'linkMany'>;
  attachment: Attachment;
  objectTypes: ObjectTypeOption[];
  onLinked: () => void;
  onClose: () => void;
}

export const OBJECT_SEARCH_RESULTS = 20;

/**
 * Links one attachment to one or several objects: pick a type, search its objects through NetBox's own API (which
 * shows only what the user may view), tick them, link them in one all-or-nothing request.
 */
export function LinkObjectsDialog({ api, attachment, objectTypes, onLinked, onClose }: Props) {
  const [typeValue, setTypeValue] = useState(objectTypes[0]?.value ?? '');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(new Map<number, string>());
  const q = useDebouncedValue(query.trim());
  const type = objectTypes.find((option) => option.value === typeValue);
  const results = useQuery({
    queryKey: ['objects', typeValue, q],
    queryFn: () => api.searchObjects(type!.apiUrl, q, OBJECT_SEARCH_RESULTS),
    enabled: Boolean(type),
    // While a new search loads, the last results stay on screen, but only those of the same type: an id ticked in
    // another type's list would link the wrong object.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === typeValue ? previous : undefined),
  });
  const linked = new Set(attachment.assignments.filter((a) => a.object_type === typeValue).map((a) => a.object_id));

  const toggle = (id: number, display: string) =>
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(id)) next.delete(id);
      else next.set(id, display);
      return next;
    });

  const { busy, error, confirm } = useConfirmAction(async () => {
    await api.linkMany(attachment.id, typeValue, [...selected.keys()]);
    onLinked();
  }, onClose);

  return (
    <Dialog
      title={`Link “${attachment.name}”`}
      onClose={onClose}
      footer={
        <>
          <span className="me-auto text-secondary small">
            {selected.size ? `Selected: ${[...selected.values()].join(', ')}` : 'Nothing selected'}
          </span>
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!selected.size || busy} onClick={confirm}>
            {busy ? 'Linking…' : `Link to ${selected.size} ${selected.size === 1 ? 'object' : 'objects'}`}
          </button>
        </>
      }
    >
      <div className="row g-2">
        <Field id="netbox-attachments-link-type" label="Object type" className="col-md-5">
          <select
            id="netbox-attachments-link-type"
            className="form-select no-ts"
            value={typeValue}
            onChange={(event) => {
              setTypeValue(event.target.value);
              setSelected(new Map()); // one request links objects of one type
            }}
          >
            {objectTypes.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="netbox-attachments-link-search" label="Search objects" className="col-md-7">
          <input
            id="netbox-attachments-link-search"
            type="search"
            className="form-control"
            placeholder="Name, or anything NetBox's search covers"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            data-autofocus
          />
        </Field>
      </div>
      {results.isError && (
        <div className="alert alert-danger mt-3 mb-0" role="alert">
          {results.error.message}
        </div>
      )}
      {results.data && (
        <ul className="list-group mt-3 netbox-attachments-scroll" aria-label="Objects">
          {results.data.length === 0 && <li className="list-group-item text-secondary">No object matches.</li>}
          {results.data.map((object) => {
            const already = linked.has(object.id);
            return (
              <li key={object.id} className="list-group-item">
                <label className="form-check mb-0">
                  <input
                    type="checkbox"
                    className="form-check-input"
                    checked={already || selected.has(object.id)}
                    disabled={already}
                    onChange={() => toggle(object.id, object.display)}
                  />
                  <span className="form-check-label">
                    {object.display}
                    {already && <span className="badge bg-success-lt ms-2">Already linked</span>}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <div className="alert alert-danger mt-3 mb-0" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}

/** A column of the dialog's top row: a control under its label. */
function Field({
  id,
  label,
  className,
  children,
}: {
  id: string;
  label: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}
