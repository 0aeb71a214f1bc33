// Rewrites docs/rules.md's catalog block from `dubstage rules` (run after `npm run build`; a test keeps them equal).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const doc = path.join(root, 'docs', 'rules.md');
const catalog = execFileSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'rules'], { encoding: 'utf8' });
const text = readFileSync(doc, 'utf8');
const head = text.slice(0, text.indexOf('```'));
writeFileSync(doc, `${head}\`\`\`\n${catalog}\`\`\`\n`);
