import { useState } from 'react';

/**
 * A dialog's confirm button: runs the action, closes on success, and on failure keeps the dialog open with the
 * server's reason, so nothing the user chose is lost.
 */
export function useConfirmAction(action: () => Promise<unknown>, onClose: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return { busy, error, confirm };
}
