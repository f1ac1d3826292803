// Types one line of text into a worker's session (POST /send), with the server's limits checked first.
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/client';

export const MAX_SEND = 4000;
// Control characters other than tab would drive the terminal, not type text: the server refuses them too.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export function sendTextError(text: string): string | null {
  if (!text.trim()) return 'Type something to send.';
  if (text.length > MAX_SEND) return `At most ${MAX_SEND} characters (this is ${text.length}).`;
  if (CONTROL.test(text)) return 'Only plain text: no control characters.';
  return null;
}

export function SendBox({
  worker,
  onSend,
  disabled,
}: {
  worker: string;
  onSend(text: string): Promise<void>;
  disabled?: boolean;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errId = `send-${worker}-error`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = sendTextError(text);
    setError(problem);
    setSent(null);
    if (problem) return;
    setBusy(true);
    try {
      await onSend(text);
      setSent(`Sent to ${worker}.`);
      setText('');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="send-box" onSubmit={submit} noValidate>
      <input
        type="text"
        aria-label={`Send to ${worker}`}
        placeholder={`Send a line to ${worker}…`}
        value={text}
        maxLength={MAX_SEND + 1}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errId : undefined}
        disabled={disabled || busy}
      />
      <button type="submit" className="btn btn-small" disabled={disabled || busy}>
        Send
      </button>
      {error ? (
        <p id={errId} className="field-error">
          {error}
        </p>
      ) : null}
      {sent ? (
        <p className="muted small" role="status">
          {sent}
        </p>
      ) : null}
    </form>
  );
}
