import { useEffect, useRef, useState } from 'react';
import type { FollowResult, PacketDetail, TreeNode } from '../../core/api/types.js';
import { useApp, useAppStore } from '../state/context.js';

const MAX_CHARS = 2_000_000;

/** The stream index of the selected packet (its `tcp.stream` / `udp.stream` tree item), if any. */
export function streamOf(tree: TreeNode[] | undefined, proto: 'tcp' | 'udp'): number | undefined {
  const want = `${proto}.stream`;
  const walk = (nodes: TreeNode[]): number | undefined => {
    for (const n of nodes) {
      if (n.field === want) {
        const v = Number(n.value ?? /(\d+)\s*$/.exec(n.label)?.[1]);
        if (Number.isInteger(v)) return v;
      }
      const c = n.children ? walk(n.children) : undefined;
      if (c !== undefined) return c;
    }
    return undefined;
  };
  return tree ? walk(tree) : undefined;
}

export function asText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes)
    s += b === 10 || b === 13 || b === 9 || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  return s;
}

export function FollowPanel() {
  const api = useApp((s) => s.api);
  const detail = useApp((s) => s.detail);
  const applyFilter = useApp((s) => s.applyFilter);
  const [proto, setProto] = useState<'tcp' | 'udp'>('tcp');
  const [stream, setStream] = useState<string>('');
  const [result, setResult] = useState<FollowResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A stream chosen elsewhere (Statistics › Conversations › Follow) wins over the selected packet's until
  // another packet is selected.
  const store = useAppStore();
  const target = useApp((s) => s.followTarget);
  const pinnedAt = useRef<PacketDetail | null | undefined>(undefined);
  useEffect(() => {
    if (!target) return;
    pinnedAt.current = store.getState().detail;
    setProto(target.proto);
    setStream(String(target.stream));
  }, [target, store]);

  const fromPacket = streamOf(detail?.tree, proto);
  useEffect(() => {
    if (pinnedAt.current !== undefined) {
      if (pinnedAt.current === store.getState().detail) return;
      pinnedAt.current = undefined;
    }
    if (fromPacket !== undefined) setStream(String(fromPacket));
  }, [fromPacket, store]);

  useEffect(() => {
    setResult(null);
    setError(null);
    if (stream === '' || !/^\d+$/.test(stream)) return;
    let live = true;
    api.call('follow', { stream: Number(stream), proto }).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, stream, proto]);

  let budget = MAX_CHARS;
  const bytesBy = [0, 0];
  for (const s of result?.segments ?? []) bytesBy[s.dir] += s.bytes.length;

  return (
    <section className="panel" data-testid="follow-panel">
      <h2>Follow stream</h2>
      <div className="row">
        <select value={proto} onChange={(e) => setProto(e.target.value as 'tcp' | 'udp')}>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </select>
        <label>
          Stream{' '}
          <input
            className="text narrow"
            inputMode="numeric"
            value={stream}
            onChange={(e) => setStream(e.target.value.replace(/\D/g, ''))}
            data-testid="follow-stream"
          />
        </label>
        <button
          className="btn"
          disabled={stream === ''}
          onClick={() => void applyFilter(`${proto}.stream eq ${stream}`)}
        >
          Filter on this stream
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {result && (
        <>
          <p className="muted">
            <span className="dir0">
              {result.client} → {result.server}: {bytesBy[0]} bytes
            </span>
            {' · '}
            <span className="dir1">
              {result.server} → {result.client}: {bytesBy[1]} bytes
            </span>
          </p>
          <pre className="follow-text" data-testid="follow-text">
            {result.segments.map((s, i) => {
              if (budget <= 0) return null;
              const text = asText(s.bytes).slice(0, budget);
              budget -= text.length;
              return (
                <span key={i} className={`dir${s.dir}`} title={`packet ${s.frame}`}>
                  {text}
                </span>
              );
            })}
            {budget <= 0 ? '\n… (truncated for display)' : null}
          </pre>
        </>
      )}
    </section>
  );
}
