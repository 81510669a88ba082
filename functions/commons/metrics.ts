import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One Powertools Metrics instance per process (CloudWatch embedded metric format). Locally the
 * runtime sets POWERTOOLS_METRICS_DISABLED, so nothing is printed — including Powertools'
 * warnings about metrics (e.g. "No application metrics to publish"), which it prints even when
 * disabled and which say nothing when there is no CloudWatch.
 */
const disabled = process.env.POWERTOOLS_METRICS_DISABLED === 'true';
const silent = { ...console, warn: () => undefined, info: () => undefined, debug: () => undefined };
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'jiuzhu',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'jiuzhu',
  ...(disabled ? { logger: silent } : {}),
});

export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export { MetricUnit };
