import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `engines` says the truth: every Node version package.json accepts is accepted by every
 * package in the lock (else `npm ci` prints EBADENGINE there), and the Node these machines run
 * (20) is among them. semver is npm's own range logic; it ships no types, hence the cast.
 */
const semver = createRequire(import.meta.url)('semver') as {
  subset(sub: string, sup: string): boolean;
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
};

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

describe('the supported Node versions', () => {
  const ours = pkg.engines.node;

  it('package.json names a range that includes Node 20 and the LTS the image runs (24)', () => {
    expect(semver.validRange(ours)).not.toBeNull();
    expect(semver.satisfies('20.19.0', ours)).toBe(true);
    expect(semver.satisfies('24.0.0', ours)).toBe(true);
    expect(lock.packages['']?.engines).toEqual({ node: ours });
  });

  it('every package in the lock accepts every version package.json accepts (no EBADENGINE)', () => {
    const refusing = Object.entries(lock.packages)
      .map(([name, entry]) => [name, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !semver.subset(ours, range))
      .map(([name, range]) => `${name}: ${range}`);
    expect(refusing).toEqual([]);
  });

  it('the Dockerfile runs an LTS that package.json accepts', () => {
    const images = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(images.length).toBeGreaterThan(0);
    for (const major of images) {
      // Even majors are the LTS lines; 20 ended on 2026-04-30.
      expect(major % 2).toBe(0);
      expect(major).toBeGreaterThanOrEqual(22);
      expect(semver.satisfies(`${major}.0.0`, ours) || semver.satisfies(`${major}.99.0`, ours)).toBe(true);
    }
  });
});
