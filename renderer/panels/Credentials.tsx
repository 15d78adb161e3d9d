import { useEffect, useState } from 'react';
import type { Credential } from '../../core/api/types.js';
import { useApp } from '../state/context.js';
import { copyText } from '../clipboard.js';
import { Shown } from '../Shown.js';

/** Tools › Credentials: usernames and passwords sent in the clear, each with the packet to go to. */
export function CredentialsPanel() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const goTo = useApp((s) => s.goTo);
  const [rows, setRows] = useState<Credential[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const packets = info?.packets ?? 0;

  useEffect(() => {
    setError(null);
    if (!info) return setRows(null);
    let live = true;
    api.call('credentials', {}).then(
      (r) => live && setRows(r),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, info?.path, packets, info]);

  const frame = (n: number) => (
    <a href="#" onClick={(e) => (e.preventDefault(), void goTo(n))}>
      {n}
    </a>
  );
  return (
    <section className="panel" data-testid="credentials-panel">
      <h2>Credentials</h2>
      {!info && <p className="muted">Open a capture to find the credentials sent in the clear.</p>}
      {error && <p className="error">{error}</p>}
      {rows?.length === 0 && (
        <p className="muted" data-testid="credentials-none">
          No credentials in the clear: no FTP, POP3, IMAP, Telnet or LDAP login, HTTP Basic authorization,
          login form or password field, SMTP AUTH, SNMP community, NTLMSSP login or crackable Kerberos or
          SNMPv3 exchange in this capture.
        </p>
      )}
      {rows && rows.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Packet</th>
              <th>Protocol</th>
              <th>Username</th>
              <th>Password</th>
              <th>Username in</th>
              <th>Info</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.frame} ${c.protocol} ${c.username}`} data-testid="credential-row">
                <td>{frame(c.frame)}</td>
                <td>{c.protocol}</td>
                <td>
                  <Shown text={c.username} />
                </td>
                <td>
                  {c.hash !== undefined ? (
                    // No password travels: a response or a cipher text to try a password list against. A
                    // Kerberos ticket's runs to a thousand characters: two lines of it, and a button to copy it.
                    <>
                      <span className="muted">{c.info}:</span>{' '}
                      <button
                        className="btn small"
                        data-testid="credential-copy"
                        onClick={() => void copyText(c.hash ?? '')}
                      >
                        Copy
                      </button>
                      <code className="hash" title={c.hash}>
                        {c.hash}
                      </code>
                    </>
                  ) : (
                    <>
                      <code>
                        <Shown text={c.password} />
                      </code>
                      {c.rejected && <span className="muted"> refused by the server</span>}
                    </>
                  )}
                </td>
                <td>{c.usernameFrame !== undefined ? frame(c.usernameFrame) : ''}</td>
                {/* A hash's Info is shown with it; a password's says where it came from (a form's URL, an agent's answer). */}
                <td className="muted credential-info">
                  {c.hash === undefined ? <Shown text={c.info} /> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
