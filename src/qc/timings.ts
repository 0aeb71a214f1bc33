/**
 * Stage timing for `dubstage qc` (bench/qc.bench.ts reads it): wall seconds per stage, printed to stderr
 * as one JSON line when DUBSTAGE_QC_TIMINGS=1. Off by default; costs two clock reads per stage.
 */
export interface StageTime {
  stage: string;
  seconds: number;
}

export class StageTimer {
  readonly stages: StageTime[] = [];
  private readonly t0 = performance.now();

  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await work();
    } finally {
      this.stages.push({ stage, seconds: (performance.now() - t) / 1000 });
    }
  }

  elapsedSeconds(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Print the stages and the total when DUBSTAGE_QC_TIMINGS=1. */
  report(): void {
    if (process.env.DUBSTAGE_QC_TIMINGS !== '1') return;
    const all = [...this.stages, { stage: 'total', seconds: (performance.now() - this.t0) / 1000 }];
    process.stderr.write(`dubstage-qc-timings ${JSON.stringify(all)}\n`);
  }
}
