import type { ListValidationsQuery, RecordValidationInput, Validation } from './types.js';

/** Expectation suite results: the validation part of the ThreadlineApi contract. */
export interface ValidationApi {
  /** Records an expectation suite's result on a data version (computed next to the data); its event too. */
  recordValidation(input: RecordValidationInput): Promise<Validation>;
  /** Recorded validations, newest first; `data` is a data version digest. */
  listValidations(query?: ListValidationsQuery): Promise<Validation[]>;
  getValidation(id: string): Promise<Validation>;
}
