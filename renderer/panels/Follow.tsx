import { useEffect, useRef, useState } from 'react';
import type { FollowProto, FollowResult, PacketDetail, TreeNode } from '../../core/api/types.js';
import { useApp, useAppStore } from '../state/context.js';

const MAX_CHARS = 2_000_000;

type Show = 'both' | 0 | 1;
export type FollowFormat = 'ascii' | 'hex' | 'raw';

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** One segment in the chosen format: ASCII, a hex dump with per-direction offsets (like Wireshark), or raw hex. */
export function segmentText(bytes: Uint8Array, format: FollowFormat, offset = 0): string {
  if (format === 'ascii') return asText(bytes);
  if (format === 'raw') {
    let s = '';
    for (const b of bytes) s += hex2(b);
    return `${s}\n`;
  }
  let out = '';
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, o + 16);
    let h = '';
    for (let i = 0; i < 16; i++) h += (i < row.length ? `${hex2(row[i])} ` : '   ') + (i === 7 ? ' ' : '');
    const a = asText(row).replace(/[\r\n\t]/g, '.');
    out += `${(offset + o).toString(16).toUpperCase().padStart(8, '0')}  ${h} ${a}\n`;
  }
  return out;
}

/** What "Save as…" writes: the raw bytes of the shown direction(s), in stream order. */
export function savedBytes(r: FollowResult, show: Show): Uint8Array<ArrayBuffer> {
  const segs = r.segments.filter((s) => show === 'both' || s.dir === show);
  const out = new Uint8Array(segs.reduce((n, s) => n + s.bytes.length, 0));
  let o = 0;
  for (const s of segs) {
    out.set(s.bytes, o);
    o += s.bytes.length;
  }
  return out;
}

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
  const [proto, setProto] = useState<FollowProto>('tcp');
  const [show, setShow] = useState<Show>('both');
  const [format, setFormat] = useState<FollowFormat>('ascii');
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

  const fromPacket = streamOf(detail?.tree, proto === 'udp' ? 'udp' : 'tcp');
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
  const offsets = [0, 0];
  const filterProto = proto === 'udp' ? 'udp' : 'tcp';

  const save = () => {
    if (!result) return;
    const bytes = savedBytes(result, show);
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${proto}-stream-${result.stream}${show === 'both' ? '' : show === 0 ? '-client' : '-server'}.bin`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <section className="panel" data-testid="follow-panel">
      <h2>Follow stream</h2>
      <div className="row">
        <select
          value={proto}
          aria-label="Protocol"
          data-testid="follow-proto"
          onChange={(e) => setProto(e.target.value as FollowProto)}
        >
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="http">HTTP</option>
          <option value="tls" title="The decrypted application data (needs the TLS session's keys)">
            TLS
          </option>
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
          onClick={() => void applyFilter(`${filterProto}.stream eq ${stream}`)}
        >
          Filter on this stream
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {result && (
        <>
          <div className="row">
            <select
              aria-label="Show"
              data-testid="follow-show"
              value={String(show)}
              onChange={(e) =>
                setShow(e.target.value === 'both' ? 'both' : (Number(e.target.value) as 0 | 1))
              }
            >
              <option value="both">Entire conversation ({bytesBy[0] + bytesBy[1]} bytes)</option>
              <option value="0">
                {result.client} → {result.server} ({bytesBy[0]} bytes)
              </option>
              <option value="1">
                {result.server} → {result.client} ({bytesBy[1]} bytes)
              </option>
            </select>
            <select
              aria-label="Show data as"
              data-testid="follow-format"
              value={format}
              onChange={(e) => setFormat(e.target.value as FollowFormat)}
            >
              <option value="ascii">ASCII</option>
              <option value="hex">Hex Dump</option>
              <option value="raw">Raw</option>
            </select>
            <button className="btn" data-testid="follow-save" onClick={save} title="Save the shown bytes">
              Save as…
            </button>
          </div>
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
              const offset = offsets[s.dir];
              offsets[s.dir] += s.bytes.length;
              if (budget <= 0 || (show !== 'both' && s.dir !== show)) return null;
              const text = segmentText(s.bytes, format, offset).slice(0, budget);
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
