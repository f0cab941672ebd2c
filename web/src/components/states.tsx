import type { ReactNode } from 'react';

/** What to run to fill an empty view. */
export function Empty({ children, command }: { children: ReactNode; command?: string }) {
  return (
    <div className="empty" role="status">
      <p>{children}</p>
      {command && (
        <pre>
          <code>{command}</code>
        </pre>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" role="status">
      loading…
    </p>
  );
}

export function Failure({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

/** A query's three states in one place: loading, its error, or the view of its data. */
export function Query<T>({ query, children }: { query: { data?: T; error: unknown; isPending: boolean }; children: (data: T) => ReactNode }) {
  if (query.error) return <Failure error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}

/** Key/value pairs as a definition list. */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value ?? '-'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** JSON (or text that may be JSON) pretty-printed. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  let text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (typeof value === 'string') {
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      // not JSON: shown as it is
    }
  }
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      <code>{text}</code>
    </pre>
  );
}
