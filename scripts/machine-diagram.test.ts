import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectivityDiagram, DIAGRAM_FILE } from './machine-diagram';

describe('the connectivity machine diagram', () => {
  it('in docs/ is the one generated from the current machine (run npm run diagram after a change)', () => {
    expect(fs.readFileSync(DIAGRAM_FILE, 'utf8')).toBe(connectivityDiagram());
  });

  it('draws the three factors and the transitions that set and clear them', () => {
    const diagram = connectivityDiagram();
    for (const part of ['state "manual"', 'state "network"', 'state "service"', 'probe.* answer [windowFailed]', 'after hedgeStep [mayHedge]', 'traffic.failed', 'recovery-probe answer [recovered]', 'QoS answer [qosDegraded]']) {
      expect(diagram).toContain(part);
    }
  });
});
