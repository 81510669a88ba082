/**
 * The local bus's dead letters from the command line (against a running `npm start`):
 *
 *   npx tsx local/eventbridge/dead-letters.ts list
 *   npx tsx local/eventbridge/dead-letters.ts redrive            (all)
 *   npx tsx local/eventbridge/dead-letters.ts redrive <id> ...   (some)
 *
 * It calls the endpoint's local actions AWSEvents.LocalListDeadLetters / LocalRedriveDeadLetters
 * on $AWS_ENDPOINT_URL, else http://127.0.0.1:$LOCAL_AWS_PORT (default 4566).
 */
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.LOCAL_AWS_PORT ?? 4566}`;

async function call(action: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`${action}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const [command, ...ids] = process.argv.slice(2);
if (command === 'list') {
  console.log(JSON.stringify(await call('LocalListDeadLetters', {}), null, 2));
} else if (command === 'redrive') {
  console.log(JSON.stringify(await call('LocalRedriveDeadLetters', ids.length ? { Ids: ids } : {}), null, 2));
} else {
  console.error('usage: dead-letters.ts list | redrive [id ...]');
  process.exitCode = 2;
}
