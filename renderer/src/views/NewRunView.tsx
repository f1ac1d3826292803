// The new-run form: issue (URL or text), repository, workers, fix workers, timeout, models; defaults from the server's config.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client';
import type { ConfigDefaults } from '../api/types';
import {
  fieldErrorsOfServer,
  firstInvalid,
  formFromDefaults,
  validateNewRun,
  type FieldErrors,
  type FieldName,
  type NewRunForm,
} from '../model/newRun';
import { useApp } from '../stores/context';

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** aria-describedby for a field: its hint and, when there is one, its error. */
const described = (id: string, hasHint: boolean, error?: string) =>
  [hasHint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function NewRunView() {
  const { client, bridge, runs, ui } = useApp();
  const [defaults, setDefaults] = useState<ConfigDefaults | null>(null);
  const [form, setForm] = useState<NewRunForm>(() => formFromDefaults(null));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const touched = useRef(false);
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    client.config().then(
      ({ defaults: d }) => {
        if (!live) return;
        setDefaults(d);
        // Defaults fill the form unless the person already typed.
        if (!touched.current)
          setForm((f) => ({ ...formFromDefaults(d), issueMode: f.issueMode, issueUrl: f.issueUrl, issueText: f.issueText }));
      },
      (err) => live && setFormError(`Could not load the defaults: ${describeError(err)}`),
    );
    firstField.current?.focus();
    return () => {
      live = false;
    };
  }, [client]);

  const set = (k: keyof NewRunForm, v: string) => {
    touched.current = true;
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k as FieldName]) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const { errors: found, request } = validateNewRun(form);
    setErrors(found);
    if (!request) {
      const first = firstInvalid(found);
      if (first) document.getElementById(`new-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await client.startRun(request);
      void runs.getState().refresh();
      ui.getState().navigate({ view: 'run', runId: res.run_id, tab: 'overview' });
    } catch (err) {
      const msg = describeError(err);
      const byField = err instanceof ApiError && err.kind === 'bad-input' ? fieldErrorsOfServer(err.details, form.issueMode) : {};
      const first = firstInvalid(byField);
      if (first) {
        setErrors((x) => ({ ...x, ...byField }));
        document.getElementById(`new-${first}`)?.focus();
      } else setFormError(`The run did not start: ${msg}`);
    } finally {
      setBusy(false);
    }
  };

  const pick = async () => {
    if (!bridge) return;
    const dir = await bridge.pickFolder();
    if (dir) set('repoPath', dir);
  };

  return (
    <section className="view new-run" aria-labelledby="new-run-title">
      <h1 id="new-run-title">New run</h1>
      <p className="muted">
        Paste an issue; the manager launches workers that build reproducers, validates them by running them, minimizes the best
        one and ranks root-cause hypotheses.
      </p>
      <form className="form" onSubmit={submit} noValidate aria-describedby={formError ? 'new-form-error' : undefined}>
        <fieldset className="segmented" aria-label="Issue source">
          <label>
            <input
              type="radio"
              name="issueMode"
              value="url"
              checked={form.issueMode === 'url'}
              onChange={() => set('issueMode', 'url')}
            />{' '}
            From a URL
          </label>
          <label>
            <input
              type="radio"
              name="issueMode"
              value="text"
              checked={form.issueMode === 'text'}
              onChange={() => set('issueMode', 'text')}
            />{' '}
            Paste the text
          </label>
        </fieldset>
        {form.issueMode === 'url' ? (
          <Field
            id="new-issueUrl"
            label="Issue URL"
            error={errors.issueUrl}
            hint="https://github.com/<owner>/<repo>/issues/<number>"
          >
            <input
              ref={firstField}
              id="new-issueUrl"
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://github.com/owner/repo/issues/123"
              value={form.issueUrl}
              onChange={(e) => set('issueUrl', e.target.value)}
              aria-invalid={errors.issueUrl ? true : undefined}
              aria-describedby={described('new-issueUrl', true, errors.issueUrl)}
            />
          </Field>
        ) : (
          <Field
            id="new-issueText"
            label="Issue text"
            error={errors.issueText}
            hint="The title on the first line, then what fails and the error it prints."
          >
            <textarea
              id="new-issueText"
              rows={8}
              value={form.issueText}
              onChange={(e) => set('issueText', e.target.value)}
              aria-invalid={errors.issueText ? true : undefined}
              aria-describedby={described('new-issueText', true, errors.issueText)}
            />
          </Field>
        )}
        <Field
          id="new-repoPath"
          label="Repository path"
          error={errors.repoPath}
          hint="An absolute path to a git checkout; workers get their own worktrees, your checkout is not touched."
        >
          <div className="input-row">
            <input
              id="new-repoPath"
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="/home/you/src/project"
              value={form.repoPath}
              onChange={(e) => set('repoPath', e.target.value)}
              aria-invalid={errors.repoPath ? true : undefined}
              aria-describedby={described('new-repoPath', true, errors.repoPath)}
            />
            {bridge ? (
              <button type="button" className="btn" onClick={() => void pick()}>
                Choose folder…
              </button>
            ) : null}
          </div>
        </Field>
        <div className="field-row">
          <Field id="new-workers" label="Workers" error={errors.workers} hint="1 to 6, per phase">
            <input
              id="new-workers"
              type="number"
              min={1}
              max={6}
              step={1}
              value={form.workers}
              onChange={(e) => set('workers', e.target.value)}
              aria-invalid={errors.workers ? true : undefined}
              aria-describedby={described('new-workers', true, errors.workers)}
            />
          </Field>
          <Field id="new-fixWorkers" label="Fix workers" error={errors.fixWorkers} hint="0 to 6; 0 skips the fix phase">
            <input
              id="new-fixWorkers"
              type="number"
              min={0}
              max={6}
              step={1}
              value={form.fixWorkers}
              onChange={(e) => set('fixWorkers', e.target.value)}
              aria-invalid={errors.fixWorkers ? true : undefined}
              aria-describedby={described('new-fixWorkers', true, errors.fixWorkers)}
            />
          </Field>
          <Field id="new-timeoutSec" label="Timeout (seconds)" error={errors.timeoutSec} hint="per phase, at least 60">
            <input
              id="new-timeoutSec"
              type="number"
              min={60}
              step={30}
              value={form.timeoutSec}
              onChange={(e) => set('timeoutSec', e.target.value)}
              aria-invalid={errors.timeoutSec ? true : undefined}
              aria-describedby={described('new-timeoutSec', true, errors.timeoutSec)}
            />
          </Field>
        </div>
        <div className="field-row">
          <Field id="new-workerModel" label="Worker model" error={errors.workerModel}>
            <input
              id="new-workerModel"
              type="text"
              spellCheck={false}
              placeholder={defaults?.worker_model}
              value={form.workerModel}
              onChange={(e) => set('workerModel', e.target.value)}
              aria-invalid={errors.workerModel ? true : undefined}
              aria-describedby={described('new-workerModel', false, errors.workerModel)}
            />
          </Field>
          <Field id="new-managerModel" label="Manager model" error={errors.managerModel}>
            <input
              id="new-managerModel"
              type="text"
              spellCheck={false}
              placeholder={defaults?.manager_model}
              value={form.managerModel}
              onChange={(e) => set('managerModel', e.target.value)}
              aria-invalid={errors.managerModel ? true : undefined}
              aria-describedby={described('new-managerModel', false, errors.managerModel)}
            />
          </Field>
        </div>
        {defaults ? (
          <p className="muted small">
            Validation: each candidate runs {defaults.repro_validation_runs} times and must fail the same way at least{' '}
            {defaults.repro_min_matches} times. Runs are written to <span className="mono">{defaults.runs_root}</span>.
          </p>
        ) : null}
        {formError ? (
          <p id="new-form-error" className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
    </section>
  );
}
