// Placeholder until the aaf adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const aafAdapter: SessionAdapter = {
  format: 'aaf',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the aaf adapter is not built yet`);
  },
};
