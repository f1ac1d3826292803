// A worker's (or the manager's) live terminal: xterm.js attached over WebSocket, with search and a read-only switch.
import { useEffect, useRef, useState } from 'react';
import { TERMINAL_THEMES, type Theme } from '../theme/theme';
import { registerTerminal } from '../terminal/registry';
import type { TerminalSession, TerminalState } from '../terminal/terminalSession';
import { useApp, useUi } from '../stores/context';

export interface TerminalPaneProps {
  runId: string;
  worker: string;
  label: string;
  theme: Theme;
  onClose?(): void;
}

const PHASE_TEXT: Record<TerminalState['phase'], string> = {
  connecting: 'connecting…',
  attached: 'attached',
  ended: 'session ended',
  error: 'error',
  disconnected: 'disconnected',
};

export function TerminalPane({ runId, worker, label, theme, onClose }: TerminalPaneProps) {
  const { client, ui } = useApp();
  const hostRef = useRef<HTMLDivElement>(null);
  const sessionRef = useRef<TerminalSession | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<TerminalState>({ phase: 'connecting', message: null, session: null, renderer: 'dom' });
  const [readOnly, setReadOnly] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [notFound, setNotFound] = useState(false);
  const focused = useUi((s) => s.focusedTerminal === worker);
  const searchRequest = useUi((s) => (s.searchRequest?.worker === worker ? s.searchRequest.seq : 0));
  // The session is made once per pane; these refs give it the values current at that moment.
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const themeRef = useRef(theme);
  themeRef.current = theme;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let cancelled = false;
    let teardown = () => {};
    // xterm.js loads with the first terminal, not with the dashboard.
    import('../terminal/terminalSession').then(
      ({ TerminalSession }) => {
        if (cancelled) return;
        const s = new TerminalSession({
          url: (mode, cols, rows) => client.terminalUrl(runId, worker, mode, cols, rows),
          readOnly: readOnlyRef.current,
          theme: TERMINAL_THEMES[themeRef.current],
          onState: setState,
        });
        sessionRef.current = s;
        s.open(host);
        s.setWebgl(ui.getState().focusedTerminal === worker);
        s.term.attachCustomKeyEventHandler((e) => {
          if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && (e.key === 'F' || e.key === 'f')) {
            setSearchOpen(true);
            return false;
          }
          return true;
        });
        const unregister = registerTerminal(worker, s);
        let frame = 0;
        const refit = () => {
          cancelAnimationFrame(frame);
          frame = requestAnimationFrame(() => s.fit());
        };
        const resize = new ResizeObserver(refit);
        resize.observe(host);
        // A pane that becomes visible (tab switch, scrolled into view) is fitted again.
        const visible = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) refit();
        });
        visible.observe(host);
        teardown = () => {
          cancelAnimationFrame(frame);
          resize.disconnect();
          visible.disconnect();
          unregister();
          s.dispose();
          sessionRef.current = null;
        };
      },
      (err: Error) =>
        !cancelled && setState((st) => ({ ...st, phase: 'error', message: `could not load the terminal: ${err.message}` })),
    );
    const onFocusIn = () => ui.getState().setFocusedTerminal(worker);
    host.addEventListener('focusin', onFocusIn);
    return () => {
      cancelled = true;
      host.removeEventListener('focusin', onFocusIn);
      teardown();
      if (ui.getState().focusedTerminal === worker) ui.getState().setFocusedTerminal(null);
    };
  }, [client, runId, worker, ui]);

  useEffect(() => sessionRef.current?.setTheme(TERMINAL_THEMES[theme]), [theme]);
  useEffect(() => sessionRef.current?.setWebgl(focused), [focused]);
  useEffect(() => sessionRef.current?.setReadOnly(readOnly), [readOnly]);
  useEffect(() => {
    if (searchRequest) setSearchOpen(true);
  }, [searchRequest]);
  useEffect(() => {
    if (searchOpen) searchRef.current?.focus();
  }, [searchOpen, searchRequest]);

  const find = (backwards = false) => {
    const s = sessionRef.current;
    if (!s || !query) return;
    const hit = backwards ? s.findPrevious(query) : s.findNext(query);
    setNotFound(!hit);
  };
  const closeSearch = () => {
    setSearchOpen(false);
    setQuery('');
    setNotFound(false);
    sessionRef.current?.clearSearch();
    sessionRef.current?.focus();
  };

  return (
    <section role="region" aria-label={`Terminal ${worker}`} className={`terminal-pane${focused ? ' is-focused' : ''}`}>
      <header className="terminal-head">
        <span className="terminal-title">{label}</span>
        <span className={`terminal-state state-${state.phase}`} title={state.message ?? undefined}>
          {PHASE_TEXT[state.phase]}
          {readOnly ? ' · read-only' : ''}
          {state.renderer === 'webgl' ? ' · webgl' : ''}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-icon"
          aria-label={`Search terminal ${worker}`}
          aria-expanded={searchOpen}
          onClick={() => (searchOpen ? closeSearch() : setSearchOpen(true))}
        >
          ⌕
        </button>
        <label className="switch" title="Read-only: watch without typing into the session">
          <input
            type="checkbox"
            checked={readOnly}
            onChange={(e) => setReadOnly(e.target.checked)}
            aria-label={`Read-only ${worker}`}
          />
          <span>read-only</span>
        </label>
        {state.phase === 'disconnected' || state.phase === 'error' || state.phase === 'ended' ? (
          <button type="button" className="btn btn-small" onClick={() => sessionRef.current?.connect()}>
            Reconnect
          </button>
        ) : null}
        {onClose ? (
          <button type="button" className="btn btn-icon" aria-label={`Close terminal ${worker}`} onClick={onClose}>
            ×
          </button>
        ) : null}
      </header>
      {searchOpen ? (
        <form
          className="terminal-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            find();
          }}
        >
          <input
            ref={searchRef}
            type="search"
            aria-label={`Find in terminal ${worker}`}
            placeholder="Find…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setNotFound(false);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                closeSearch();
              } else if (e.key === 'Enter' && e.shiftKey) {
                e.preventDefault();
                find(true);
              }
            }}
          />
          <button type="button" className="btn btn-small" onClick={() => find(true)} aria-label="Previous match">
            ↑
          </button>
          <button type="submit" className="btn btn-small" aria-label="Next match">
            ↓
          </button>
          {notFound ? (
            <span className="muted small" role="status">
              no match
            </span>
          ) : null}
        </form>
      ) : null}
      {state.message && state.phase !== 'attached' ? <p className="terminal-message">{state.message}</p> : null}
      <div ref={hostRef} className="terminal-host" />
    </section>
  );
}
