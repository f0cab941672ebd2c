import { useState } from 'react';

/** Copies an id; says so for a moment (and to screen readers). */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard refused (insecure context, permissions): the value stays selectable on the page.
      return;
    }
    setDone(true);
    setTimeout(() => setDone(false), 1200);
  };
  return (
    <button type="button" className="copy" onClick={() => void copy()} aria-label={`${label} ${value}`} title={`${label} ${value}`}>
      <span aria-live="polite">{done ? 'copied' : 'copy'}</span>
    </button>
  );
}

/** An id shown in monospace, with its copy button. */
export function Id({ value, short }: { value: string; short?: boolean }) {
  const shown = short && value.length > 16 ? `${value.slice(0, 12)}…` : value;
  return (
    <span className="id">
      <code title={value}>{shown}</code>
      <CopyButton value={value} />
    </span>
  );
}
