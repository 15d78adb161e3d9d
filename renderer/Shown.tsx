import { Fragment } from 'react';
import { displayParts } from '../core/api/display.js';

/**
 * Text that came from a capture, as `wirelens` prints it: characters that do not print become escapes (a
 * password's CR LF reads \r\n), set apart from the text around them so that an escape is never mistaken for a
 * backslash the user typed.
 */
export function Shown({ text }: { text: string }) {
  const parts = displayParts(text);
  if (parts.length === 1 && !parts[0].escaped) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) =>
        p.escaped ? (
          <span key={i} className="esc" title="Characters that do not print, escaped">
            {p.text}
          </span>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}
