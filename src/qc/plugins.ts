/**
 * `--plugin ./x.js`: a user's module exporting `analyzers` (definitions: id, description,
 * create(options, stream), optionally segments) and/or `rules` (id, meta, needs, check). Both go through
 * the same registries as the built-ins; the returned URLs go to the pool so its workers load the module
 * too. A plugin runs with the user's rights, like any code they choose to run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerModuleAnalyzers } from '../analyzers/index.js';
import { DubstageError } from '../errors.js';
import { registerRule } from './rules/index.js';
import type { Rule } from './types.js';

export interface LoadedPlugin {
  path: string;
  url: string;
  analyzers: string[];
  rules: string[];
}

export async function loadPlugins(paths: readonly string[]): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  for (const p of paths) {
    const file = path.resolve(p);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new DubstageError({ code: 'usage', message: `--plugin: no such module file`, path: file });
    const url = pathToFileURL(file).href;
    let mod: { analyzers?: unknown; rules?: unknown };
    try {
      mod = (await import(url)) as typeof mod;
    } catch (err) {
      throw new DubstageError({ code: 'usage', message: `--plugin: the module could not be loaded: ${(err as Error).message}`, path: file });
    }
    if (mod.analyzers === undefined && mod.rules === undefined) {
      throw new DubstageError({ code: 'usage', message: '--plugin: the module exports neither `analyzers` nor `rules`', path: file });
    }
    const analyzers = registerModuleAnalyzers(mod, file);
    if (mod.rules !== undefined && !Array.isArray(mod.rules)) throw new DubstageError({ code: 'usage', message: "--plugin: the `rules` export must be an array of rules", path: file });
    const rules = ((mod.rules as Rule[] | undefined) ?? []).map((r) => {
      try {
        registerRule(r);
      } catch (err) {
        throw new DubstageError({ code: 'usage', message: `--plugin: ${(err as Error).message}`, path: file });
      }
      return r.id;
    });
    out.push({ path: file, url, analyzers, rules });
  }
  return out;
}
