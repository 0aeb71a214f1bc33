// Placeholder until the edl adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const edlAdapter: SessionAdapter = {
  format: 'edl',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the edl adapter is not built yet`);
  },
};
