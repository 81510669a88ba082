import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { householdSchema, RELATIONS, type Household, type HouseholdInput } from './household.ts';
import { RISK_TYPES, type HouseholdLabel, type RiskType } from './merger.ts';
import { idProblem, maskId } from './resident-id.ts';

/**
 * The merger's import (POST /merger/imports): CSV bytes (UTF-8, or GBK as Chinese systems export
 * it) or JSON rows → validated rows grouped into households, with a row-level error report.
 * Pure; kept apart from domain/merger.ts so that only the import carries the CSV parser.
 */

// ---------------------------------------------------------------- import rows

/** CSV header names (order free). Extra columns are kept as notes. */
export const IMPORT_COLUMNS = ['householdRef', 'name', 'idNumber', 'relation', 'regionCode', 'riskTypes', 'monthlyIncome', 'deposits', 'identifiedOn'] as const;
const REQUIRED_COLUMNS = ['householdRef', 'name', 'idNumber', 'relation', 'regionCode', 'riskTypes', 'monthlyIncome', 'identifiedOn'] as const;
/** Optional known columns: read into the household when present. */
const OPTIONAL_COLUMNS = ['deposits', 'hukouType', 'laborAbility', 'medical12m', 'education12m', 'rehabilitation12m'] as const;
/** Essential spending in the last 12 months (household, first row; yuan): what RIGID_EXPENDITURE reads. */
const SPENDING = { medical12m: 'medical', education12m: 'education', rehabilitation12m: 'rehabilitation' } as const;

export const MAX_IMPORT_ROWS = 10_000;

export interface RowError {
  /** 1-based data row (the header is not counted; JSON: index + 1). */
  row: number;
  path: string;
  message: string;
}

/** A validated row (normalized: upper-case ID, fen, sorted risk types). */
export interface ImportRow {
  row: number;
  householdRef: string;
  name: string;
  idNumber: string;
  relation: (typeof RELATIONS)[number];
  regionCode: string;
  riskTypes: RiskType[];
  monthlyIncomeFen: number;
  /** Household deposits (first row of the household; undefined on the others). */
  depositsFen?: number;
  identifiedOn: string;
  hukouType?: 'urban' | 'rural';
  laborAbility?: 'full' | 'partial' | 'none';
  /** Household spending in the last 12 months (fen), first row only. */
  spendingFen?: { medical: number; education: number; rehabilitation: number };
  notes?: Record<string, string>;
}

/** An import household: its rows (validated, in file order) under one householdRef. */
export interface ImportHousehold {
  householdRef: string;
  regionCode: string;
  rows: ImportRow[];
}

export class ImportFormatError extends Error {
  constructor(
    message: string,
    readonly details: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * Bytes of a CSV file → text. UTF-8 (with or without BOM) when the bytes are valid UTF-8;
 * otherwise GBK (GB18030 superset), as files exported from Chinese systems often are — or
 * whichever charset the Content-Type names.
 */
export function decodeCsv(bytes: Uint8Array, charset?: string): { text: string; encoding: string } {
  const cs = charset?.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (cs && cs !== 'utf8' && iconv.encodingExists(cs)) return { text: stripBom(iconv.decode(Buffer.from(bytes), cs)), encoding: cs };
  try {
    return { text: stripBom(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gbk' };
  }
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/** CSV text (header row) → raw records of strings. Structural problems are an ImportFormatError. */
export function csvRecords(text: string): Record<string, string>[] {
  let table: string[][];
  try {
    table = parseCsv(text, { skip_empty_lines: true, relax_column_count: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    throw new ImportFormatError('the CSV could not be read', [{ path: '', message: (err as Error).message.slice(0, 300) }]);
  }
  const header = (table[0] ?? []).map((h) => h.normalize('NFC').trim());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length === REQUIRED_COLUMNS.length) throw new ImportFormatError('the CSV has no header row', [{ path: '', message: `expected columns ${IMPORT_COLUMNS.join(', ')}` }]);
  if (missing.length) throw new ImportFormatError('the CSV lacks required columns', missing.map((c) => ({ path: c, message: 'column missing from the header' })));
  return table.slice(1).map((cells) => {
    const rec: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h && cells[i] !== undefined) rec[h] = cells[i]!;
    });
    return rec;
  });
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
function realDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Yuan text (or number) → fen, or a message. */
function yuanCell(v: unknown): number | string {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return 'must be a number of yuan ≥ 0 with at most 2 decimals';
  const n = Number(s);
  if (n > 100_000_000) return 'must be ≤ 100000000';
  return Math.round(n * 100);
}

const cell = (v: unknown): string => (v === undefined || v === null ? '' : String(v).normalize('NFC').trim());

/**
 * Validates raw rows (CSV records or JSON objects). Each problem is an error of its row and
 * field; a household with any rejected row is rejected whole (its other rows get an error on
 * `householdRef`), so no household is classified from part of its members. Region existence is
 * checked by the caller (it needs the Regions table): pass `regionKnown`.
 */
export function validateRows(raw: readonly unknown[], regionKnown: (code: string) => boolean, today: string, inScope: (code: string) => boolean = () => true): { households: ImportHousehold[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const good: ImportRow[] = [];
  const seenIds = new Map<string, number>();
  const badRefs = new Set<string>();
  raw.forEach((r, i) => {
    const row = i + 1;
    const rec = (r && typeof r === 'object' && !Array.isArray(r) ? r : {}) as Record<string, unknown>;
    const err = (path: string, message: string) => errors.push({ row, path, message });
    const before = errors.length;
    const required = (k: string) => {
      const v = cell(rec[k]);
      if (v === '') err(k, 'required value missing');
      return v;
    };
    const householdRef = required('householdRef');
    const name = required('name');
    if (name.length > 50) err('name', 'at most 50 characters');
    const idNumber = required('idNumber').toUpperCase();
    if (idNumber) {
      const p = idProblem(idNumber);
      if (p) err('idNumber', p === 'checksum' ? 'check character does not match (GB 11643)' : p === 'birthDate' ? 'impossible birth date' : 'must be 17 digits followed by a digit or X');
      else if (idNumber.slice(6, 14) > today.replace(/-/g, '')) err('idNumber', 'born after today');
      else if (seenIds.has(idNumber)) err('idNumber', `same person as row ${seenIds.get(idNumber)}`);
      else seenIds.set(idNumber, row);
    }
    const relation = required('relation');
    if (relation && !(RELATIONS as readonly string[]).includes(relation)) err('relation', `must be one of ${RELATIONS.join(', ')}`);
    const regionCode = required('regionCode');
    if (regionCode) {
      if (!/^\d{12}$/.test(regionCode)) err('regionCode', 'must be a 12-digit village/community code');
      else if (!regionKnown(regionCode)) err('regionCode', 'no such village/community code');
      else if (!inScope(regionCode)) err('regionCode', 'outside your jurisdiction');
    }
    const riskText = required('riskTypes');
    const riskTypes = riskText
      .split(/[;；]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const unknownRisk = riskTypes.filter((x) => !(RISK_TYPES as readonly string[]).includes(x));
    if (riskText && unknownRisk.length) err('riskTypes', `unknown risk type ${unknownRisk.join(', ')}; known: ${RISK_TYPES.join(', ')}`);
    const incomeText = required('monthlyIncome');
    const income = incomeText ? yuanCell(incomeText) : 0;
    if (typeof income === 'string') err('monthlyIncome', income);
    const depositsText = cell(rec.deposits);
    const deposits = depositsText === '' ? undefined : yuanCell(depositsText);
    if (typeof deposits === 'string') err('deposits', deposits);
    const identifiedOn = required('identifiedOn');
    if (identifiedOn && !realDate(identifiedOn)) err('identifiedOn', 'must be a real date YYYY-MM-DD');
    else if (identifiedOn > today) err('identifiedOn', 'in the future');
    const hukou = cell(rec.hukouType);
    if (hukou && hukou !== 'urban' && hukou !== 'rural') err('hukouType', 'must be urban or rural');
    const labor = cell(rec.laborAbility);
    if (labor && !['full', 'partial', 'none'].includes(labor)) err('laborAbility', 'must be full, partial or none');
    let spending: { medical: number; education: number; rehabilitation: number } | undefined;
    for (const [col, key] of Object.entries(SPENDING)) {
      const text = cell(rec[col]);
      if (text === '') continue;
      const fen = yuanCell(text);
      if (typeof fen === 'string') err(col, fen);
      else (spending ??= { medical: 0, education: 0, rehabilitation: 0 })[key] = fen;
    }
    const notes: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) {
      if ((IMPORT_COLUMNS as readonly string[]).includes(k) || (OPTIONAL_COLUMNS as readonly string[]).includes(k)) continue;
      if (k.length > 50 || Object.keys(notes).length >= 10) continue;
      const text = cell(v).slice(0, 200);
      if (text) notes[k] = text;
    }
    if (errors.length > before) {
      if (householdRef) badRefs.add(householdRef);
      return;
    }
    good.push({
      row,
      householdRef,
      name,
      idNumber,
      relation: relation as ImportRow['relation'],
      regionCode,
      riskTypes: RISK_TYPES.filter((x) => riskTypes.includes(x)),
      monthlyIncomeFen: income as number,
      ...(typeof deposits === 'number' ? { depositsFen: deposits } : {}),
      identifiedOn,
      ...(hukou ? { hukouType: hukou as 'urban' | 'rural' } : {}),
      ...(labor ? { laborAbility: labor as 'full' | 'partial' | 'none' } : {}),
      ...(spending ? { spendingFen: spending } : {}),
      ...(Object.keys(notes).length ? { notes } : {}),
    });
  });
  // Household-level rules: one head (self), one village, deposits on the first row.
  const byRef = new Map<string, ImportRow[]>();
  for (const r of good) {
    const list = byRef.get(r.householdRef);
    if (list) list.push(r);
    else byRef.set(r.householdRef, [r]);
  }
  for (const [ref, rows] of byRef) {
    if (badRefs.has(ref)) continue;
    const first = rows[0]!;
    const heads = rows.filter((r) => r.relation === 'self');
    if (heads.length !== 1) {
      errors.push({ row: (heads[1] ?? first).row, path: 'relation', message: heads.length === 0 ? `household ${ref} has no row with relation self` : `household ${ref} has more than one row with relation self` });
      badRefs.add(ref);
    } else if (rows.some((r) => r.regionCode !== first.regionCode)) {
      errors.push({ row: rows.find((r) => r.regionCode !== first.regionCode)!.row, path: 'regionCode', message: `household ${ref} lies in one village: row ${first.row} says ${first.regionCode}` });
      badRefs.add(ref);
    } else if (first.depositsFen === undefined) {
      errors.push({ row: first.row, path: 'deposits', message: 'required value missing (the household’s deposits go on its first row)' });
      badRefs.add(ref);
    } else if (rows.length > 30) {
      errors.push({ row: rows[30]!.row, path: 'householdRef', message: `household ${ref} has more than 30 members` });
      badRefs.add(ref);
    }
  }
  // The rest of a rejected household: rejected with it, named by the row that caused it.
  const rejectedRows = new Set(errors.map((e) => e.row));
  for (const r of good) {
    if (!badRefs.has(r.householdRef) || rejectedRows.has(r.row)) continue;
    errors.push({ row: r.row, path: 'householdRef', message: `household ${r.householdRef} is rejected with another of its rows` });
  }
  errors.sort((a, b) => a.row - b.row || a.path.localeCompare(b.path));
  const households: ImportHousehold[] = [];
  for (const [ref, rows] of byRef) if (!badRefs.has(ref)) households.push({ householdRef: ref, regionCode: rows[0]!.regionCode, rows });
  return { households, errors };
}

/** The household of an import group as API.md's Household (raw IDs; masked on every way out). */
export function householdInputOf(h: ImportHousehold): HouseholdInput {
  const first = h.rows[0]!;
  return {
    regionCode: h.regionCode,
    hukouType: first.hukouType ?? 'rural',
    members: h.rows.map((r) => ({ name: r.name, idNumber: r.idNumber, relation: r.relation, laborAbility: r.laborAbility ?? 'full', monthlyIncome: r.monthlyIncomeFen / 100 })),
    assets: { deposits: (first.depositsFen ?? 0) / 100 },
    ...(first.spendingFen ? { rigidExpenditure12m: { medical: first.spendingFen.medical / 100, education: first.spendingFen.education / 100, rehabilitation: first.spendingFen.rehabilitation / 100 } } : {}),
  };
}

export function parsedHousehold(h: ImportHousehold): Household {
  return householdSchema.parse(householdInputOf(h));
}

export function labelOf(h: ImportHousehold): HouseholdLabel {
  const risks = new Set(h.rows.flatMap((r) => r.riskTypes));
  return { code: 'FORMER_PREVENTION_MONITORING', riskTypes: RISK_TYPES.filter((r) => risks.has(r)), since: h.rows.map((r) => r.identifiedOn).sort()[0]! };
}

/** What a row contributes to its record (re-importing the same row is recognized by this). */
export function rowFingerprint(h: ImportHousehold, r: ImportRow): string {
  return JSON.stringify([h.householdRef, h.regionCode, r.name, r.relation, r.riskTypes, r.monthlyIncomeFen, h.rows[0]!.depositsFen, h.rows[0]!.spendingFen ?? null, r.identifiedOn, r.hukouType ?? null, r.laborAbility ?? null, h.rows.map((x) => x.idNumber)]);
}

export const maskedRow = (r: ImportRow) => maskId(r.idNumber);

