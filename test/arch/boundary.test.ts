/**
 * The architecture, enforced: the core (src/) knows no platform. Only the composition root may
 * import adapters, and only the config module reads the environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
}

describe('architecture boundary', () => {
  const core = sources('src');

  it('finds the core sources', () => {
    expect(core.length).toBeGreaterThan(20);
    expect(core).toContain('src/main.ts');
  });

  it('nothing in src/ except src/main.ts imports adapters/, @slack/* or discord.js', () => {
    const offenders = core
      .filter((f) => f !== 'src/main.ts')
      .flatMap((f) => importsOf(f).filter((spec) => /(^|\/)adapters\//.test(spec) || spec.startsWith('@slack/') || spec === 'discord.js' || spec.startsWith('discord.js/')).map((spec) => `${f} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('process.env is read only in src/config.ts', () => {
    const readers = core.filter((f) => f !== 'src/config.ts' && readFileSync(join(ROOT, f), 'utf8').includes('process.env'));
    expect(readers).toEqual([]);
  });

  it('adapters do not import each other', () => {
    const adapters = sources('adapters');
    const crossing = adapters.flatMap((f) => {
      const own = f.split('/')[1];
      return importsOf(f)
        .filter((spec) => spec.startsWith('../') && !spec.startsWith('../../'))
        .filter((spec) => !spec.startsWith(`../${own}/`))
        .map((spec) => `${f} → ${spec}`);
    });
    expect(crossing).toEqual([]);
  });

  it('the check itself catches a forbidden import', () => {
    const sample = "import { App } from '@slack/bolt';\nimport x from '../../adapters/console/console.js';";
    const found = [...sample.matchAll(IMPORT)].map((m) => m[1]);
    expect(found).toEqual(['@slack/bolt', '../../adapters/console/console.js']);
  });
});
