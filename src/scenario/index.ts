/** Scenarios: a line-oriented script of what happens (see CONTEXT.md for the grammar). */
export * from './ast';
export { parse, type ParseResult } from './parse';
export { serialize, actionText, checkText, itemText, valueText } from './serialize';
export { runScenario, runScenarioSync, passed, kernelCalls, type ExpectResult, type ScenarioRun } from './run';
export { report } from './report';
export { decodeShare, encodeShare, encodeScenario, shareUrl, textHash, SHARE_FORMAT, type DecodeResult, type Shared, type ShareError, type ShareErrorKind } from './share';
export { recordScenario, recordText, toValue } from './record';
