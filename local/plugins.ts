/**
 * The runtime's engines register themselves with `plugins` when imported. Each issue that adds
 * an engine (Step Functions, EventBridge) adds its import here.
 */
import './seed.ts';

export {};
import './stepfunctions/plugin.ts';
