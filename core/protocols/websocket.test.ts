import { describe, expect, it } from 'vitest';
import { CaptureState, dissectFrame, itemBytes } from '../dissect/engine.js';
import { registry } from '../fields/registry.js';
import { websocketScenario } from '../testing/scenarios.js';
import './index.js';

describe('WebSocket', () => {
  it('follows the HTTP upgrade and unmasks frames', () => {
    const pkts = websocketScenario();
    const state = new CaptureState();
    state.readFrame = (n) => pkts[n - 1].data;
    const ds = pkts.map((p, i) =>
      dissectFrame(
        {
          number: i + 1,
          tsSec: p.tsSec,
          tsNsec: p.tsNsec,
          capLen: p.data.length,
          origLen: p.data.length,
          linkType: 1,
          interfaceId: 0,
        },
        p.data,
        state,
      ),
    );
    const ws = ds.filter((d) => d.columns.protocol === 'WebSocket');
    expect(ws.map((d) => d.columns.info)).toEqual(['WebSocket Text [FIN] [MASKED]', 'WebSocket Text [FIN]']);
    const text = registry.get('websocket.payload.text')!;
    const texts = ws.map((d) => new TextDecoder().decode(itemBytes(d, d.byField.get(text.id)![0])));
    expect(texts).toEqual(['Good morning!! :)', 'Got that thanks!']);
    expect(ws[0].sources.map((s) => s.name)).toContain('Unmasked data');
    expect(ds.some((d) => d.columns.info.startsWith('HTTP/1.1 101 Switching Protocols'))).toBe(true);
  });
});
