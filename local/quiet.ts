/**
 * Environment defaults that keep local processes (npm start, tests, scripts) quiet. Imported
 * first, before any AWS SDK client exists:
 * - AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the SDK's own switch for its
 *   "NodeVersionSupportWarning" (Node 20 is supported here; the warning asks nothing of us).
 * - POWERTOOLS_METRICS_DISABLED: no CloudWatch locally, metrics would only be printed.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
export {};
