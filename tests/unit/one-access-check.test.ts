import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regionScope } from '../../functions/commons/jurisdiction.ts';
import { AppError } from '../../functions/commons/errors.ts';

/**
 * One authorization check: a handler or service decides jurisdiction through functions/domain/access.ts
 * (`covers`, `jurisdictionOf`) or functions/commons/jurisdiction.ts (`regionScope`), never by comparing
 * the token's raw `regionCode` itself (a prefix compare on a code that need not fit the role, or that a
 * non-reviewer role carries). Writing the code down (audit records, `decidedBy`) stays allowed.
 */
const DIRS = ['functions/handlers', 'functions/services'];
const RAW = [
  /startsWith\(\s*caller\.regionCode/,
  /isWithin\(\s*caller\.regionCode/,
  /caller\.regionCode\??\.(length|startsWith|slice)/,
  /!\s*caller\.regionCode\b/,
  /caller\.regionCode\s*&&/,
  /caller\.regionCode\s*\?\?/,
];

describe('one authorization check', () => {
  it('no handler or service compares the token regionCode itself', () => {
    const found: string[] = [];
    for (const dir of DIRS) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (RAW.some((re) => re.test(line))) found.push(`${dir}/${f}:${i + 1}: ${line.trim().slice(0, 140)}`);
          });
      }
    }
    expect(found, 'use covers()/jurisdictionOf() (domain/access.ts) or regionScope() (commons/jurisdiction.ts)').toEqual([]);
  });

  it('regionScope: admin and monitor what they ask; a reviewer inside its fitting jurisdiction only', () => {
    expect(regionScope({ role: 'admin' }, undefined)).toBeUndefined();
    expect(regionScope({ role: 'monitor', regionCode: '6101' }, '620825')).toBe('620825');
    expect(regionScope({ role: 'town', regionCode: '610124121' }, undefined)).toBe('610124121');
    expect(regionScope({ role: 'town', regionCode: '610124121' }, '610124121200')).toBe('610124121200');
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof AppError && err.code === 'FORBIDDEN';
      }
      return false;
    };
    expect(refused(() => regionScope({ role: 'town', regionCode: '610124121' }, '610124'))).toBe(true);
    expect(refused(() => regionScope({ role: 'town', regionCode: '610124121' }, '610124101'))).toBe(true);
    // A code that does not fit the role is no jurisdiction at all (fail closed).
    expect(refused(() => regionScope({ role: 'village', regionCode: '6101' }, '610124121200'))).toBe(true);
    expect(refused(() => regionScope({ role: 'village' }, undefined))).toBe(true);
    // A citizen never has a jurisdiction.
    expect(refused(() => regionScope({ role: 'citizen', regionCode: '610124121200' }, undefined))).toBe(true);
  });
});
