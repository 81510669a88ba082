import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/runtime.ts';

describe('npm start without Java', () => {
  it('says in one line what is missing and how to install it, and exits non-zero', () => {
    // Prepare: a PATH with no java on it.
    const emptyBin = mkdtempSync(join(tmpdir(), 'nojava-'));
    try {
      // Act
      const res = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local/main.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, PATH: emptyBin, PORT: '0', LOCAL_AWS_PORT: '0', LOCAL_DATA_DIR: join(emptyBin, 'data') },
        encoding: 'utf8',
        timeout: 30_000,
      });
      // Assess
      expect(res.status).toBe(1);
      const lines = res.stderr.split('\n').filter((l) => l.includes('Java'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Java 17 or newer is needed.*apt-get install -y openjdk-17-jre-headless/);
    } finally {
      rmSync(emptyBin, { recursive: true, force: true });
    }
  });
});
