// Placeholder until the fcp-xml adapter lands: sniffs nothing, so the registry never routes a file here.
import type { SessionAdapter } from '../../src/session/model.js';

export const fcpXmlAdapter: SessionAdapter = {
  format: 'fcp-xml',
  sniff: () => false,
  read: async (path) => {
    throw new Error(`${path}: the fcp-xml adapter is not built yet`);
  },
};
