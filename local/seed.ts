import { seedPolicies } from '../functions/adapters/policies-table.ts';
import { tableName } from './names.ts';
import { plugins } from './runtime.ts';

/**
 * Seeds the Policies table (national defaults and the article's local changes) at startup,
 * idempotently: values an admin has changed are kept; an unchanged seed costs one GetItem.
 */
plugins.push({
  name: 'policy seed',
  // 62 conditional writes on a fresh data directory: beside the engines' start, not before it.
  concurrent: true,
  async start(ctx) {
    const written = await seedPolicies(ctx.doc, tableName('Policies'), tableName('Audit'));
    if (written) ctx.log(`seeded ${written} policy values`);
  },
});
