/**
 * The runtime's engines register themselves with `plugins` when imported. Each issue that adds
 * an engine (Step Functions, EventBridge) adds its import here.
 */
export {};
import './stepfunctions/plugin.ts';
