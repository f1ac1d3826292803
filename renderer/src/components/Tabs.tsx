// An accessible tab list (arrow keys move between tabs) whose panel is rendered by the caller.
import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
  hint?: string;
}

export function Tabs<T extends string>({
  items,
  selected,
  onSelect,
  idPrefix,
}: {
  items: readonly TabItem<T>[];
  selected: T;
  onSelect(id: T): void;
  idPrefix: string;
}) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % items.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = items.length - 1;
    if (j < 0) return;
    e.preventDefault();
    onSelect(items[j]!.id);
    refs.current[j]?.focus();
  };
  return (
    <div role="tablist" className="tabs" aria-label="Run views">
      {items.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-selected={t.id === selected}
          aria-controls={`${idPrefix}-panel-${t.id}`}
          tabIndex={t.id === selected ? 0 : -1}
          className="tab"
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
          {t.hint ? (
            <span className="tab-hint" aria-hidden="true">
              {t.hint}
            </span>
          ) : null}
        </button>
      ))}
    </div>
  );
}
