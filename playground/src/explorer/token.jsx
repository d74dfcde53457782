// The token control in the top bar: a user pastes a token (kept in session
// storage, so it ends with the browser tab) to act as its holder — an editor
// sees "Revert this change" in every history — and forgets it with one click.
// When the server answers 401 (reads need a token), `TokenPrompt` asks for
// one in place of the page, and starts the app again with it.
import { useState } from 'react';
import { getToken, setToken, useToken, useTokenNeeded } from './api.js';

/**
 * Shown instead of the page while the server refuses reads: why, and a box
 * for the token. The app reloads once a token is given, so every view
 * (and the kinds read at start-up, and the live connection) starts over with it.
 */
export function TokenPrompt() {
  const needed = useTokenNeeded();
  const [text, setText] = useState('');
  if (!needed) return null;
  return (
    <section className="card token-prompt" role="dialog" aria-labelledby="token-prompt-title">
      <h1 id="token-prompt-title">{needed === 'refused' ? 'The token was not accepted' : 'This server needs a token to read'}</h1>
      <p>
        {needed === 'refused'
          ? 'The server refused the token this tab holds. Give another one.'
          : 'Its operator started it with reads closed: give the bearer token you were issued.'}{' '}
        It is kept for this browser tab only (session storage) and sent with every request.
      </p>
      <form
        className="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          const t = text.trim();
          if (!t) return;
          setToken(t);
          location.reload();
        }}
      >
        <input
          type="password"
          aria-label="Token to read"
          placeholder="Bearer token"
          autoComplete="off"
          autoFocus
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Use this token</button>
        {getToken() && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setToken('');
              location.reload();
            }}
          >
            Forget the refused token
          </button>
        )}
      </form>
    </section>
  );
}

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
