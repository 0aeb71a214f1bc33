/**
 * ADM rendering (ITU-R BS.2127) as a stream: `renderAdmFile` reads an ADM master once and hands
 * each rendered block to a sink; measure-renders.ts rides the measuring pass instead.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseChna } from '../../audio/adm/chna.js';
import { openAudio } from '../../audio/open.js';
import { DubstageError } from '../../errors.js';
import type { TargetLayout } from './layouts.js';
import { scanAdm } from './metadata.js';
import { admFeed, AdmRenderer, planRender, type RenderPlan } from './renderer.js';

export { TARGET_LAYOUTS, targetLayout, type TargetLayout } from './layouts.js';
export { AdmRenderer, planRender } from './renderer.js';
export { AdmRenderTap, RENDER_METHOD, type RenderMeasurement } from './measure-renders.js';

export interface RenderedFile {
  plan: RenderPlan;
  frames: number;
  renderer: AdmRenderer;
}

/** Render a whole ADM BWF, block by block: `sink(outputs[layout][channel], frames)` for each block. */
export async function renderAdmFile(path: string, layouts: TargetLayout[], sink: (outputs: Float32Array[][], frames: number, renderer: AdmRenderer) => void, blockFrames = 48000): Promise<RenderedFile> {
  const source = await openAudio({ path });
  try {
    const h = source.header;
    const axml = h.chunks.find((c) => c.id === 'axml');
    if (!axml) throw new DubstageError({ code: 'bad-format', message: `${path}: not an ADM BWF (no axml chunk)`, path });
    const chnaChunk = h.chunks.find((c) => c.id === 'chna');
    let chna = null;
    if (chnaChunk) {
      const fd = openSync(path, 'r');
      try {
        const b = Buffer.alloc(chnaChunk.size);
        readSync(fd, b, 0, chnaChunk.size, chnaChunk.dataOffset);
        chna = parseChna(b, path, chnaChunk.offset);
      } finally {
        closeSync(fd);
      }
    }
    const scan = scanAdm(path, axml.dataOffset, axml.size);
    const plan = planRender(scan, chna, h.format.channels);
    const renderer = new AdmRenderer(admFeed(path, scan, plan), layouts, h.format.sampleRate, blockFrames);
    const input = Array.from({ length: h.format.channels }, () => new Float32Array(blockFrames));
    let frames = 0;
    try {
      source.seek(0);
      for (;;) {
        const got = source.read(input, blockFrames);
        if (got === 0) break;
        renderer.render(input, got);
        sink(renderer.outputs, got, renderer);
        frames += got;
      }
    } finally {
      renderer.close();
    }
    return { plan, frames, renderer };
  } finally {
    source.close();
  }
}
