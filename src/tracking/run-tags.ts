/** Tags with a meaning to Threadline itself, set by `threadline run` and `threadline reproduce`. */

/** The id of the run a run re-ran; creating a run with it adds a `reproduces` lineage edge. */
export const reproducesTag = 'threadline.reproduces';

/** JSON array of the param keys given with --param (the command may log more of its own). */
export const paramKeysTag = 'threadline.params';

/** Why Threadline ended a run itself (its writer stopped heartbeating, or `threadline runs gc`). */
export const endReasonTag = 'threadline.end_reason';
