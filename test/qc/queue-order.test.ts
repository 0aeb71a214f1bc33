import { describe, expect, it } from 'vitest';
import { queueOrder } from '../../src/qc/pipeline.js';

const job = (id: string, cost: number, role: string | null, nullReference = false) => ({ id, cost, role, nullReference });

describe('queueOrder (the QC pool queue)', () => {
  it('runs the costliest pass first, then the null references, then the stems, then the rest by cost', () => {
    const jobs = [
      job('pm20', 2400, 'printmaster'),
      job('dx', 7200, 'stem'),
      job('pm51', 7300, 'printmaster', true),
      job('me', 22800, 'me', true),
      job('mx', 7100, 'stem'),
      job('fx', 7150, 'stem'),
    ];
    expect(queueOrder(jobs).map((j) => j.id)).toEqual(['me', 'pm51', 'dx', 'fx', 'mx', 'pm20']);
  });

  it('keeps every job exactly once, and an empty queue empty', () => {
    expect(queueOrder([])).toEqual([]);
    const jobs = [job('a', 1, null), job('b', 5, 'stem', true), job('c', 3, 'stem'), job('d', 9, 'printmaster')];
    const out = queueOrder(jobs);
    expect(out.map((j) => j.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(new Set(out).size).toBe(jobs.length);
  });
});
