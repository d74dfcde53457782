// The token control in the top bar: a user pastes a token (kept in session
// storage, so it ends with the browser tab) to act as its holder — an editor
// sees "Revert this change" in every history — and forgets it with one click.
import { useState } from 'react';
import { setToken, useToken } from './api.js';

export function TokenButton() {
  const token = useToken();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  if (token) {
    return (
      <button type="button" className="token-button on" onClick={() => setToken('')} title="Forget the token (this tab only)">
        Token set · forget
      </button>
    );
  }
  if (!open) {
    return (
      <button type="button" className="token-button" onClick={() => setOpen(true)} title="Give a token to write (revert) or to read where reads need one">
        Token…
      </button>
    );
  }
  return (
    <form
      className="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(text.trim());
        setText('');
        setOpen(false);
      }}
    >
      <input
        type="password"
        aria-label="Token"
        placeholder="Bearer token"
        autoComplete="off"
        autoFocus
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Use</button>
      <button type="button" className="ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
