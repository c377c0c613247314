import { plural } from '../../utils/format';
import { ConfirmDialog } from '../kit/ConfirmDialog';

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
function unlinkConsequence(linkCount: number): string {
  return linkCount <= 1
    ? 'It will be left with no assignments: it is not deleted, and you can find it later in the Attachments list under “Has assignments: No”.'
    : `It stays linked to ${plural(linkCount - 1, 'other object', 'other objects')}.`;
}

/** Confirms removing one link; the attachment and its file stay. */
export function UnlinkDialog({ name, target, linkCount, unassignedListUrl, onUnlink, onClose }: Props) {
  return (
    <ConfirmDialog
      title="Unlink attachment"
      question={`Unlink “${name}” from ${target}?`}
      confirmLabel="Unlink"
      busyLabel="Unlinking…"
      onConfirm={onUnlink}
      onClose={onClose}
    >
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
    </ConfirmDialog>
  );
}
