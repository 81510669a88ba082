import type { Discrepancy } from './application.ts';

/**
 * The economic cross-check (核对): what the household declared against what other departments
 * hold (bank deposits, vehicles, real estate, business registration). The platform never asks
 * the applicant for data another agency holds; where the records show more than was declared,
 * the records count and the difference is recorded on the case for the town's investigation.
 */
export type HeldFactKind = 'DEPOSIT' | 'VEHICLE' | 'REAL_ESTATE' | 'BUSINESS';

export interface HeldFact {
  kind: HeldFactKind;
  source: string;
  /** fen for money, a count otherwise */
  amount: number;
}

export interface DeclaredAssets {
  depositsFen: number;
  vehicles: { valueFen: number; forDisabilityMobility: boolean }[];
  properties: number;
  businessRegistered: boolean;
}

export interface CrossCheckResult {
  discrepancies: Discrepancy[];
  verified: DeclaredAssets;
}

export function crossCheck(declared: DeclaredAssets, factsByMember: { person: string; facts: HeldFact[] }[]): CrossCheckResult {
  const total = (kind: HeldFactKind) => factsByMember.reduce((s, m) => s + m.facts.filter((f) => f.kind === kind).reduce((a, f) => a + f.amount, 0), 0);
  const sources = (kind: HeldFactKind) =>
    [...new Set(factsByMember.flatMap((m) => m.facts.filter((f) => f.kind === kind).map((f) => f.source)))].join(', ');
  const discrepancies: Discrepancy[] = [];
  const verified: DeclaredAssets = { ...declared, vehicles: [...declared.vehicles] };

  const deposits = total('DEPOSIT');
  if (deposits > declared.depositsFen) {
    discrepancies.push({ field: 'assets.deposits', declared: declared.depositsFen / 100, found: deposits / 100, source: sources('DEPOSIT') });
    verified.depositsFen = deposits;
  }

  const heldVehicles = factsByMember.flatMap((m) => m.facts.filter((f) => f.kind === 'VEHICLE'));
  if (heldVehicles.length > declared.vehicles.length) {
    const declaredValues = declared.vehicles.map((v) => v.valueFen).sort((a, b) => b - a);
    const undeclared = heldVehicles.map((v) => v.amount).sort((a, b) => b - a).slice(declaredValues.length);
    discrepancies.push({
      field: 'assets.vehicles',
      declared: declared.vehicles.length,
      found: heldVehicles.length,
      source: sources('VEHICLE'),
    });
    verified.vehicles.push(...undeclared.map((valueFen) => ({ valueFen, forDisabilityMobility: false })));
  }

  const properties = total('REAL_ESTATE');
  if (properties > declared.properties) {
    discrepancies.push({ field: 'assets.properties', declared: declared.properties, found: properties, source: sources('REAL_ESTATE') });
    verified.properties = properties;
  }

  if (!declared.businessRegistered && total('BUSINESS') > 0) {
    discrepancies.push({ field: 'assets.businessRegistered', declared: 0, found: 1, source: sources('BUSINESS') });
    verified.businessRegistered = true;
  }
  return { discrepancies, verified };
}
