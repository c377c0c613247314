import { useConfirmAction } from '../../hooks/useConfirmAction';
import { plural } from '../../utils/format';
import { Dialog } from '../Dialog/Dialog';

interface Props {
  name: string;
  linkCount: number;
  onDelete: () => Promise<unknown>;
  onClose: () => void;
}

/** The sentence that says what deleting an attachment takes with it. */
export function deleteConsequence(linkCount: number): string {
  const links = linkCount
    ? `It is removed from the ${plural(linkCount, 'object', 'objects')} it is linked to.`
    : 'It is not linked to any object.';
  return `This deletes the attachment and its file for everyone. ${links} This cannot be undone.`;
}

/** Confirms deleting an attachment everywhere; the error of a refused delete stays in the dialog. */
export function DeleteDialog({ name, linkCount, onDelete, onClose }: Props) {
  const { busy, error, confirm } = useConfirmAction(onDelete, onClose);
  return (
    <Dialog
      title="Delete attachment"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
            {busy ? 'Deleting…' : 'Delete attachment and file'}
          </button>
        </>
      }
    >
      <p className="fw-bold">Delete “{name}” everywhere?</p>
      <p>{deleteConsequence(linkCount)}</p>
      {error && (
        <div className="alert alert-danger mb-0" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
