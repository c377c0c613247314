// The few rules Bootstrap/Tabler classes can't express (a dialog backdrop, the drop overlay), added once per page.
// Colours come from Tabler's variables, so light and dark mode follow NetBox's theme.
const CSS = `
.netbox-attachments-dialog::backdrop { background: rgba(0, 0, 0, 0.5); }
.netbox-attachments-dialog { color: inherit; box-shadow: 0 1rem 3rem rgba(0, 0, 0, 0.3); overflow: auto; }
.netbox-attachments-widget { position: relative; }
.netbox-attachments-drop {
  position: absolute; inset: 0; z-index: 5; display: flex; align-items: center; justify-content: center;
  border: 2px dashed var(--tblr-primary); border-radius: inherit; pointer-events: none;
  background: rgba(var(--tblr-primary-rgb), 0.12); color: var(--tblr-primary); font-weight: 600;
}
.netbox-attachments-thumb { width: 2rem; min-width: 2rem; height: 2rem; object-fit: cover; border-radius: 4px; }
.netbox-attachments-icon { font-size: 1.5rem; line-height: 2rem; width: 2rem; display: inline-block; text-align: center; }
.netbox-attachments-actions-compact { display: inline-grid; grid-template-columns: auto auto; gap: 0.25rem; }
.netbox-attachments-actions-compact > .ms-1 { margin-left: 0 !important; }
.netbox-attachments-sort { background: none; border: 0; padding: 0; color: inherit; font: inherit; text-transform: inherit; letter-spacing: inherit; }
.netbox-attachments-preview-image { max-width: 100%; max-height: 70vh; display: block; margin: 0 auto; }
.netbox-attachments-preview-text { max-height: 70vh; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.netbox-attachments-preview-pdf { width: 100%; height: 70vh; border: 0; }
`;

export function ensureStyles(): void {
  if (document.getElementById('netbox-attachments-styles')) return;
  const style = document.createElement('style');
  style.id = 'netbox-attachments-styles';
  style.textContent = CSS;
  document.head.appendChild(style);
}
