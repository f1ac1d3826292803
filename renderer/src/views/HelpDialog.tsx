// Keyboard shortcuts and where things are, in a modal dialog.
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../keyboard/shortcuts';
import { useApp, useUi } from '../stores/context';

export function HelpDialog() {
  const { ui } = useApp();
  const open = useUi((s) => s.helpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  const close = () => ui.getState().setHelpOpen(false);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="help-title"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Runs keep going when you close the dashboard: they live in tmux and in their run folder.</p>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={close} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
