import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/tables.ts';
import { importRegions } from './import-regions.ts';
try {
const d = await startDynamoDbLocal({ dataDir: '/tmp/imp' + Date.now() });
const ddb = new DynamoDBClient({ endpoint: d.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
await ensureTable(ddb, 'R', { partitionKey: { name: 'pk', type: 'S' }, envVar: 'X', description: '' });
const t = Date.now();
await importRegions(DynamoDBDocumentClient.from(ddb), 'R');
console.log('IMPORT_MS', Date.now() - t);
await d.stop();
} catch (e) { console.log('ERR', e); }
