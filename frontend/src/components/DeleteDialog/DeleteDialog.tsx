import { plural } from '../../utils/format';
import { ConfirmDialog } from '../kit/ConfirmDialog';

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

/** Confirms deleting an attachment everywhere. */
export function DeleteDialog({ name, linkCount, onDelete, onClose }: Props) {
  return (
    <ConfirmDialog
      title="Delete attachment"
      question={`Delete “${name}” everywhere?`}
      confirmLabel="Delete attachment and file"
      busyLabel="Deleting…"
      onConfirm={onDelete}
      onClose={onClose}
    >
      <p className="mb-0">{deleteConsequence(linkCount)}</p>
    </ConfirmDialog>
  );
}
