// Placeholder until the fcpxml adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const fcpxmlAdapter: SessionAdapter = {
  format: 'fcpxml',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the fcpxml adapter is not built yet`);
  },
};
