/**
 * The runtime's parts beyond DynamoDB and the HTTP API register themselves with `plugins` when
 * imported, and start in this order: the policy seed, then the event bus.
 */
import './seed.ts';
import './eventbridge/plugin.ts';
