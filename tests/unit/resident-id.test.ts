import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, birthDateOf, checkCharacter, dateOfAge, idProblem, maskId, residentIdSchema, sexOf } from '../../functions/domain/resident-id.ts';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and derives birth date and sex', () => {
    expect(idProblem('11010519491231002X')).toBeUndefined();
    expect(birthDateOf('11010519491231002X')).toBe('1949-12-31');
    expect(sexOf('11010519491231002X')).toBe('female');
    expect(sexOf('610124195612120015')).toBe('male');
  });

  it('refuses a wrong check character, an impossible date and a bad format', () => {
    expect(idProblem('110105194912310021')).toBe('checksum');
    expect(idProblem('110105194902300025')).toBe('birthDate');
    expect(idProblem('11010519491231002')).toBe('format');
    expect(idProblem('1101051949123100Y2')).toBe('format');
  });

  it('schema normalizes a lower-case x and reports problems', () => {
    expect(residentIdSchema.parse('11010519491231002x')).toBe('11010519491231002X');
    expect(residentIdSchema.safeParse('110105194912310021').success).toBe(false);
  });

  it('masks digits 7–14', () => {
    expect(maskId('610124195612120015')).toBe('610124********0015');
  });

  it('reckons ages on birthdays, and 29 February in common years', () => {
    expect(ageOn('1956-12-12', '2026-12-11')).toBe(69);
    expect(ageOn('1956-12-12', '2026-12-12')).toBe(70);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(dateOfAge('2008-02-29', 18)).toBe('2026-03-01');
  });

  it('every generated valid number passes and every single-digit change of the body fails', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }), fc.stringMatching(/^\d{3}$/), fc.nat(16), (area, birth, seq, pos) => {
        const body = area + birth.toISOString().slice(0, 10).replace(/-/g, '') + seq;
        const id = body + checkCharacter(body);
        expect(idProblem(id)).toBeUndefined();
        const digit = Number(body[pos]);
        const changed = body.slice(0, pos) + String((digit + 1) % 10) + body.slice(pos + 1) + id[17];
        expect(idProblem(changed)).not.toBeUndefined();
      }),
    );
  });
});
