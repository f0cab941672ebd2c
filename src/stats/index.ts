/** Public API of the pure statistics module: drift tests, fairness metrics, profiles. */
export type * from './types.js';
export { ks2samp, ksAsymptoticPvalue, type KsOptions } from './ks.js';
export { kolmogornSf } from './kolmogorov.js';
export { smirnovSf } from './smirnov.js';
export { chiSquareTest, chiSquareCounts, chiSquareGoodnessOfFit, countCategories } from './chi-square.js';
export { zTestProportions, zTestBinary } from './z-test.js';
export { psiNumeric, psiCategorical, psiFromShares, fillZeroShares, quantileCuts, PSI_EPSILON, type PsiOptions } from './psi.js';
export { wassersteinDistance, wassersteinNormed } from './wasserstein.js';
export { jensenShannon, jensenShannonNumeric, jensenShannonCategorical, binnedCounts } from './jensen-shannon.js';
export { chooseDriftTest, datasetDrift, isDrifted, DEFAULT_THRESHOLDS, DEFAULT_DRIFT_SHARE } from './choose.js';
export { demographicParity, equalizedOdds, disparateImpact, groupRates, type Label, type GroupRates } from './fairness.js';
export { profileNumeric, profileCategorical, RunningMoments, DEFAULT_QUANTILES } from './profile.js';
export { histogram, sharedEdges, equalWidthEdges } from './histogram.js';
export { quantileSorted } from './quantile.js';
export { numericDrift, categoricalDrift, distance, judged, type DriftOptions, type TestOutcome } from './drift.js';
