import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

/** One box for any id the CLI takes; the server's resolver (the one `threadline trace` uses) decides what it is. */
export function SearchBox({ autoFocus }: { autoFocus?: boolean }) {
  const [text, setText] = useState('');
  const navigate = useNavigate();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = text.trim();
    if (id) void navigate(`/find/${encodeURIComponent(id)}`);
  };
  return (
    <form role="search" onSubmit={submit} className="search">
      <label htmlFor="search-any">Find</label>
      <input
        id="search-any"
        type="search"
        value={text}
        autoFocus={autoFocus}
        onChange={(e) => setText(e.target.value)}
        placeholder="prediction id, run id, commit, sha256:…, model@alias, model/3, prod#2, image ref, event id"
        spellCheck={false}
      />
      <button type="submit">Go</button>
    </form>
  );
}
