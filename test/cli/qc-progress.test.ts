// `qc` on a terminal shows which files are measured and the null tests; nothing when stderr is not a terminal.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qcProgress } from '../../src/cli/progress.js';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from '../qc/delivery-fixture.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, columns: 200, written, write: (s: string) => written.push(s) };
}

describe('qc progress', () => {
  let dir: string;
  let messages: string[];

  beforeAll(async () => {
    dir = await buildDelivery();
    messages = [];
    await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24', onProgress: (m) => messages.push(m) });
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the pipeline says each file queued and measured, each null test started and done', () => {
    const ids = ['printmaster 5.1', 'printmaster 2.0', 'stem dialogue 5.1', 'stem music 5.1', 'stem effects 5.1', 'me 5.1'];
    for (const id of ids) {
      expect(messages).toContain(`measuring ${id}`);
      expect(messages).toContain(`measured ${id}`);
      expect(messages.indexOf(`measuring ${id}`)).toBeLessThan(messages.indexOf(`measured ${id}`));
    }
    // the 5.1 stems null against the 5.1 printmaster, music + effects against the M&E; nothing for the 2.0
    for (const ref of ['printmaster 5.1', 'me 5.1']) {
      expect(messages.indexOf(`null test ${ref}`)).toBeGreaterThan(-1);
      expect(messages.indexOf(`null tested ${ref}`)).toBeGreaterThan(messages.indexOf(`null test ${ref}`));
    }
    expect(messages.filter((m) => m.startsWith('null test '))).toHaveLength(2);
  });

  it('on a terminal: one updating line with files measured and null tests, cleared at the end', () => {
    const tty = fakeStream(true);
    const p = qcProgress(tty);
    for (const m of messages) p(m);
    p.end();
    expect(tty.written.every((s) => s.startsWith('\r\x1b[K'))).toBe(true);
    expect(tty.written.some((s) => /\] 3\/6 files measured/.test(s))).toBe(true);
    expect(tty.written.at(-2)).toMatch(/\[#{20}\] 6\/6 files measured · null tests 2\/2 · /);
    expect(tty.written.at(-1)).toBe('\r\x1b[K');
  });

  it('not a terminal: silent', () => {
    const pipe = fakeStream(false);
    const p = qcProgress(pipe);
    for (const m of messages) p(m);
    p.end();
    expect(pipe.written).toEqual([]);
  });
});
