// A modal confirmation (native <dialog>): the question, a cancel button and a confirm button.
import { useEffect, useRef, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) d.showModal();
    else if (!p.open && d.open) d.close();
  }, [p.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        p.onCancel();
      }}
    >
      <h2 id="confirm-title">{p.title}</h2>
      <div className="dialog-body">{p.children}</div>
      {p.error ? (
        <p className="form-error" role="alert">
          {p.error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={p.onCancel} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className={`btn ${p.danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={p.onConfirm}
          disabled={p.busy}
        >
          {p.busy ? 'Working…' : p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
