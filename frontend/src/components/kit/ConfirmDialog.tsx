import type { ReactNode } from 'react';

import { useConfirmAction } from '../../hooks/useConfirmAction';
import { Dialog } from '../Dialog/Dialog';

interface Props {
  title: string;
  /** The question in bold, naming what is about to change. */
  question: ReactNode;
  /** What the change takes with it and what it leaves. */
  children: ReactNode;
  /** The action, and its button's label before and while it runs. */
  onConfirm: () => Promise<unknown>;
  confirmLabel: string;
  busyLabel: string;
  onClose: () => void;
}

/**
 * Asks before an action that cannot be taken back (unlink, delete): Cancel, or a red button that runs it and closes.
 * A refused action keeps the dialog open with the server's reason.
 */
export function ConfirmDialog({ title, question, children, onConfirm, confirmLabel, busyLabel, onClose }: Props) {
  const { busy, error, confirm } = useConfirmAction(onConfirm, onClose);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
            {busy ? busyLabel : confirmLabel}
          </button>
        </>
      }
    >
      <p className="fw-bold">{question}</p>
      {children}
      {error && (
        <div className="alert alert-danger mt-3 mb-0" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
