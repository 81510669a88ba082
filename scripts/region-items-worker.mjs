// Builds the full region item set off the main thread (scripts/import-regions.ts regionItems).
import { parentPort } from 'node:worker_threads';
import { serialize } from 'node:v8';
import { register } from 'tsx/esm/api';

register();
const { buildRegionItems } = await import('./import-regions.ts');
parentPort.postMessage(serialize(buildRegionItems()));
