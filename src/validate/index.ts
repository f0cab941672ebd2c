export * from './types.js';
export * from './facts.js';
export { parseSuiteText, normalizeSuite, gxAliases } from './suite.js';
export { planFacts, runSuite, evaluateSuite, evaluateExpectation, describeExpectation, typeMatches, withinBounds, defaultExamples } from './evaluate.js';
