/**
 * One time segment of a file in a worker thread: warm the filters on the pre-roll, accumulate the
 * segment, and send back its sub-block energies and channel stats (src/analysis/parallel.ts merges them).
 */
import { parentPort } from 'node:worker_threads';
import { openAudio } from '../audio/open.js';
import { LoudnessAccumulator } from '../analyzers/loudness.js';
import type { SegmentJob, SegmentResult } from './parallel.js';

const BLOCK = 48000;

async function run(job: SegmentJob): Promise<SegmentResult> {
  const source = await openAudio(job.input, { channels: job.labels });
  try {
    const n = job.labels.length;
    const acc = new LoudnessAccumulator(job.sampleRate, job.labels, job.options);
    const buf = Array.from({ length: n }, () => new Float32Array(BLOCK));
    source.seek(job.segmentStart - job.preroll);
    let warm = job.preroll;
    while (warm > 0) {
      const got = source.read(buf, Math.min(BLOCK, warm));
      if (got === 0) break;
      acc.warmUp(buf, got);
      warm -= got;
    }
    let left = job.segmentEnd - job.segmentStart;
    while (left > 0) {
      const got = source.read(buf, Math.min(BLOCK, left));
      if (got === 0) break;
      acc.process(buf, got);
      left -= got;
      parentPort!.postMessage({ progress: got });
    }
    if (job.isLast) acc.flushTruePeak();
    return { subBlocks: acc.subBlocks.chunks(), channels: acc.channelStats(), frames: acc.frames, truePeakWork: acc.truePeakWork() };
  } finally {
    source.close();
  }
}

parentPort!.on('message', (job: SegmentJob) => {
  run(job).then(
    (result) => parentPort!.postMessage({ result }, result.subBlocks.map((a) => a.buffer as ArrayBuffer)),
    (err: unknown) => parentPort!.postMessage({ error: { message: (err as Error).message, code: (err as { code?: string }).code } }),
  );
});
