/** What the generated pipelines train, register, build and deploy. */
export interface CiOptions {
  model: string;
  /** Registry host and path the image goes to, e.g. `ghcr.io/acme`. */
  registry: string;
  experiment: string;
  /** The training command, run under `threadline run`. */
  train: string;
  /** The run output holding the model files. */
  artifact: string;
  environment: string;
}

export const defaultCiOptions: CiOptions = {
  model: 'model',
  registry: 'registry.example.com/ml',
  experiment: 'default',
  train: 'python train.py',
  artifact: 'model',
  environment: 'prod',
};

/** Shell-quotes a value for the generated `run:` scripts. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
