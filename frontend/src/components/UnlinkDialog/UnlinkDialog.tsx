import { useConfirmAction } from '../../hooks/useConfirmAction';
import { plural } from '../../utils/format';
import { Dialog } from '../Dialog/Dialog';

interface Props {
  name: string;
  /** How the linked object is named, e.g. "Device dc1-sw1" or "dcim > device #12". */
  target: string;
  /** The attachment's Links count, this link included. */
  linkCount: number;
  /** URL of the attachment list filtered to attachments with no assignments. */
  unassignedListUrl: string;
  onUnlink: () => Promise<unknown>;
  onClose: () => void;
}

/** What unlinking leaves behind, for 1 link and for many (the file is always kept). */
export function unlinkConsequence(linkCount: number): string {
  return linkCount <= 1
    ? 'It will be left with no assignments: it is not deleted, and you can find it later in the Attachments list under “Has assignments: No”.'
    : `It stays linked to ${plural(linkCount - 1, 'other object', 'other objects')}.`;
}

export function UnlinkDialog({ name, target, linkCount, unassignedListUrl, onUnlink, onClose }: Props) {
  const { busy, error, confirm } = useConfirmAction(onUnlink, onClose);
  return (
    <Dialog
      title="Unlink attachment"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
            {busy ? 'Unlinking…' : 'Unlink'}
          </button>
        </>
      }
    >
      <p className="fw-bold">
        Unlink “{name}” from {target}?
      </p>
      <p>
        {unlinkConsequence(linkCount)}
        {linkCount <= 1 && (
          <>
            {' '}
            <a href={unassignedListUrl}>Attachments with no assignments</a>
          </>
        )}
      </p>
      <p className="mb-0">The attachment and its file are kept.</p>
      {error && (
        <div className="alert alert-danger mt-3 mb-0" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
