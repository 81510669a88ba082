import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One logger per process. Resident ID numbers must never reach a log: handlers never log them,
 * and as a second line of defence the formatter below masks anything shaped like one.
 */
const ID_LIKE = /\b(\d{6})\d{8}(\d{3}[\dXx])\b/g;

export function maskIdsInText(text: string): string {
  return text.replace(ID_LIKE, '$1********$2');
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'jiuzhu',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? (process.env.JIUZHU_LOCAL ? 'WARN' : 'INFO'),
  jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? maskIdsInText(value) : value),
});
