import { useApp } from './state/context.js';

export function Welcome() {
  const recent = useApp((s) => s.recent);
  const sample = useApp((s) => s.sample);
  const open = useApp((s) => s.open);
  const openFile = useApp((s) => s.openFile);
  const opening = useApp((s) => s.opening);
  return (
    <div className="welcome" data-testid="welcome">
      <h1>Wirelens</h1>
      <p className="muted">
        Packet viewer for investigators — pcap, pcapng, Wireshark display filters, HTTP objects.
      </p>
      <p>Drop a capture file anywhere in this window, or</p>
      <label className="btn primary">
        Open a capture…
        <input
          type="file"
          hidden
          data-testid="open-file"
          accept=".pcap,.pcapng,.cap,.gz,.pcap.gz,.pcapng.gz"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openFile(f);
          }}
        />
      </label>
      {sample && (
        <p>
          <button
            className="btn"
            data-testid="open-sample"
            disabled={!!opening}
            onClick={() => void open(sample)}
          >
            Open the sample capture
          </button>
        </p>
      )}
      {recent.length > 0 && (
        <>
          <h3>Recent files</h3>
          <ul className="recent">
            {recent.map((p) => (
              <li key={p}>
                <a
                  href="#"
                  onClick={(e) => {
                    e.preventDefault();
                    void open(p);
                  }}
                >
                  {p}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
