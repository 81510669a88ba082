/**
 * Money arithmetic for benefits. Everything is integer fen (1 yuan = 100 fen).
 *
 * THE rounding rule (the only one): a value that is not a whole number of fen — a per-capita
 * division, a fraction of the standard, a multiplier or share applied to money — is rounded to
 * the nearest fen, halves up, at the point it is computed (a 1e-9 fen tolerance absorbs binary
 * floating-point noise such as 0.15 × 70050 = 10507.499999…). Sums, differences, products by
 * whole numbers, and all comparisons then use those whole-fen values. All amounts are ≥ 0.
 * Supplements (分类施保): each member's supplement is share × standard rounded this way, once
 * per member, then summed. The DIBAO test and gap use household totals (no division at all);
 * per-capita figures are rounded only for display.
 */
export function roundFen(x: number): number {
  return Math.floor(x + 0.5 + 1e-9);
}

/** Fen → yuan number for the API (two decimals at most, exact for integers of fen). */
export function fenToYuan(fen: number): number {
  return Math.round(fen) / 100;
}

/** Per-capita value of a household total, rounded by the rule above. */
export function perCapitaFen(totalFen: number, members: number): number {
  return roundFen(totalFen / members);
}

/** Dibao gap-filling (社会救助暂行办法 第十二条): (standard − per-capita income) × members, never < 0. */
export function dibaoGapFen(standardFen: number, perCapita: number, members: number): number {
  return standardFen > perCapita ? (standardFen - perCapita) * members : 0;
}

/** A 分类施保 supplement: a share of the dibao standard per qualifying member. */
export function supplementFen(share: number, standardFen: number): number {
  return share > 0 ? roundFen(share * standardFen) : 0;
}

/**
 * Dibao gap on household totals, exact in fen: standard × members − countable income, never
 * < 0. (Not via a rounded per-capita figure: 3 members, 700 yuan, standard 750 → 1550.00.)
 */
export function householdGapFen(standardFen: number, members: number, totalIncomeFen: number): number {
  const gap = standardFen * members - totalIncomeFen;
  return gap > 0 ? gap : 0;
}
