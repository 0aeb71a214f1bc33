// Placeholder until the reaper adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const reaperAdapter: SessionAdapter = {
  format: 'reaper',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the reaper adapter is not built yet`);
  },
};
