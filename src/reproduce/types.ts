/** What `threadline reproduce` finds and reports; the shells print it as text or JSON. */

export type Verdict = 'identical' | 'within tolerance' | 'differs';

/** How one file of a recorded input differs from what is on disk now. */
export interface FileDrift {
  path: string;
  change: 'changed' | 'missing' | 'added';
  recorded: { size: number; digest: string } | null;
  current: { size: number; digest: string } | null;
}

export interface InputCheck {
  /** The input's name as recorded (what the user gave `--input`). */
  name: string;
  recordedDigest: string;
  /** Where the data was found: the original working directory or the recreated worktree. */
  location: string | null;
  drift: FileDrift[];
}

/** One field of the environment that is not what it was; null means absent on that side. */
export interface EnvironmentDifference {
  field: string;
  recorded: string | null;
  current: string | null;
}

export interface ParamDifference {
  key: string;
  original: string | null;
  reproduced: string | null;
}

export interface MetricDifference {
  key: string;
  original: number | null;
  reproduced: number | null;
  /** |reproduced − original|; null when one side is missing. */
  difference: number | null;
  withinTolerance: boolean;
}

export interface ArtifactDifference {
  path: string;
  original: string | null;
  reproduced: string | null;
}

export interface Comparison {
  verdict: Verdict;
  tolerance: number;
  /** FINISHED / exit 0 on both sides, or what each ended with. */
  status: { original: string; reproduced: string } | null;
  params: ParamDifference[];
  /** Every metric that is not exactly equal, including those within tolerance. */
  metrics: MetricDifference[];
  artifacts: ArtifactDifference[];
  /** How many artifacts (outside logs/) were compared and found equal. */
  identicalArtifacts: number;
}

export interface CodeCheckout {
  /** Top of the recreated tree. */
  root: string;
  source: 'worktree' | 'clone';
  commitSha: string;
  patched: boolean;
}

export interface ReproduceReport {
  originalRunId: string;
  reproductionRunId: string;
  code: CodeCheckout & { workingDir: string; kept: boolean };
  inputs: InputCheck[];
  environment: EnvironmentDifference[];
  comparison: Comparison;
}
