import { describe, expect, it } from 'vitest';
import { itemBytes } from '../dissect/engine.js';
import { dissectPackets } from '../testing/dissect-all.js';
import { registry } from '../fields/registry.js';
import { websocketScenario } from '../testing/scenarios.js';
import './index.js';

describe('WebSocket', () => {
  it('follows the HTTP upgrade and unmasks frames', () => {
    const ds = dissectPackets(websocketScenario());
    const ws = ds.filter((d) => d.columns.protocol === 'WebSocket');
    expect(ws.map((d) => d.columns.info)).toEqual(['WebSocket Text [FIN] [MASKED]', 'WebSocket Text [FIN]']);
    const text = registry.get('websocket.payload.text')!;
    const texts = ws.map((d) => new TextDecoder().decode(itemBytes(d, d.byField.get(text.id)![0])));
    expect(texts).toEqual(['Good morning!! :)', 'Got that thanks!']);
    expect(ws[0].sources.map((s) => s.name)).toContain('Unmasked data');
    expect(ds.some((d) => d.columns.info.startsWith('HTTP/1.1 101 Switching Protocols'))).toBe(true);
  });
});
