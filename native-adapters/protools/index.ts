// Placeholder until the protools adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const protoolsAdapter: SessionAdapter = {
  format: 'protools',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the protools adapter is not built yet`);
  },
};
