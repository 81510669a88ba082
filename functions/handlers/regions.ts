import { z } from 'zod';
import { notFound } from '../commons/errors.ts';
import { httpHandler } from '../commons/http.ts';
import { areaChain, cachedCounty, getArea } from '../adapters/regions-table.ts';
import { regionCodeSchema, resolveInCounty, toView, type RegionView } from '../domain/regions.ts';

const regionRef = z.object({ code: z.string(), name: z.string(), level: z.enum(['province', 'city', 'county', 'town', 'village']) });
const regionViewSchema = regionRef.extend({ ancestors: z.array(regionRef), path: z.string(), children: z.array(z.object({ code: z.string(), name: z.string() })).optional() });

/** GET /regions/{code}: the region's name and its ancestors, for any signed-in user. */
export const handler = httpHandler(
  { params: z.object({ code: regionCodeSchema }), response: regionViewSchema, summary: 'A region, its ancestors and its children' },
  async ({ params }) => {
    const view = await lookup(params.code);
    if (!view) throw notFound(`region ${params.code} does not exist`);
    return { status: 200, body: view };
  },
);

async function lookup(code: string): Promise<(RegionView & { children?: { code: string; name: string }[] }) | undefined> {
  if (code.length >= 6) {
    const county = await cachedCounty(code.slice(0, 6));
    if (!county) return undefined;
    const view = resolveInCounty(code, county);
    if (!view) return undefined;
    const children =
      code.length === 6
        ? Object.entries(county.towns).map(([suffix, name]) => ({ code: code + suffix, name }))
        : code.length === 9
          ? Object.entries(county.villages)
              .filter(([suffix]) => suffix.startsWith(code.slice(6, 9)))
              .map(([suffix, name]) => ({ code: code.slice(0, 6) + suffix, name }))
          : undefined;
    return { ...view, ...(children ? { children } : {}) };
  }
  const chain = await areaChain(code);
  if (!chain) return undefined;
  const area = await getArea(code.length === 2 ? 'province' : 'city', code);
  const children = Object.entries(area?.children ?? {}).map(([c, name]) => ({ code: c, name }));
  return { ...toView(chain), children };
}
