/**
 * The runtime's parts beyond DynamoDB and the HTTP API register themselves with `plugins` when
 * imported, and start in this order: the Step Functions engine, then the event bus (whose
 * redelivered events may start executions), then the streams; the policy seed runs beside them
 * (`concurrent`). Each engine retries calls to the others.
 */
import './seed.ts';
import './stepfunctions/plugin.ts';
import './eventbridge/plugin.ts';
import './streams.ts';
