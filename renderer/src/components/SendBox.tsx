// Sends a worker's agent a follow-up, or the manager a command (POST /send), with the server's limits checked first.
import { useState, type FormEvent } from 'react';
import { MAX_SEND_CHARS, SendRequest } from '../../../common/api';
import { describeError } from '../api/client';

/** The API's own check of the text (common/api.ts), so the box and the server never disagree. */
export function sendTextError(text: string): string | null {
  if (!text.trim()) return 'Type something to send.';
  const r = SendRequest.shape.text.safeParse(text);
  return r.success ? null : (r.error.issues[0]?.message.replace(/^text: /, '') ?? 'not accepted');
}

export function SendBox({
  worker,
  onSend,
  disabled,
}: {
  worker: string;
  /** Resolves with what the run did with it, in a few words. */
  onSend(text: string): Promise<string | undefined>;
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
      const said = await onSend(text);
      setSent(said ?? `Sent to ${worker}.`);
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
        aria-label={worker === 'manager' ? 'Command to the manager' : `Follow-up to ${worker}`}
        placeholder={worker === 'manager' ? 'skip, extend 120 or status…' : `Ask ${worker} a follow-up…`}
        value={text}
        maxLength={MAX_SEND_CHARS + 1}
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
