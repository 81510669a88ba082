import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One Powertools Metrics instance per process (CloudWatch embedded metric format). Locally the
 * runtime sets POWERTOOLS_METRICS_DISABLED, so nothing is printed.
 */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'jiuzhu', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'jiuzhu' });

export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export { MetricUnit };
