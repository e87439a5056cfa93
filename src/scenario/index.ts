/** Scenarios: a line-oriented script of what happens (see CONTEXT.md for the grammar). */
export * from './ast';
export { parse, type ParseResult } from './parse';
export { serialize, actionText, checkText, itemText, valueText } from './serialize';
export { runScenario, runScenarioSync, passed, type ExpectResult, type ScenarioRun } from './run';
export { report } from './report';
