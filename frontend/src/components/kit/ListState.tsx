import type { ReactNode } from 'react';

interface Props {
  list: { isPending: boolean; isError: boolean; error: Error | null };
  /** True when the list loaded and has no row to show. */
  empty: boolean;
  /** What an empty list says. */
  children: ReactNode;
}

/** What the card shows in place of, or beside, its table: loading, why the list failed, or that it is empty. */
export function ListState({ list, empty, children }: Props) {
  return (
    <>
      {list.isPending && <div className="card-body text-secondary">Loading attachments…</div>}
      {list.isError && (
        <div className="card-body">
          <div className="alert alert-danger mb-0" role="alert">
            Could not load the attachments: {list.error?.message}
          </div>
        </div>
      )}
      {empty && (
        <div className="card-body text-center text-secondary py-4">
          <i className="mdi mdi-paperclip d-block fs-1" aria-hidden="true" />
          {children}
        </div>
      )}
    </>
  );
}
