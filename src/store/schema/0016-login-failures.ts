// Failed logins, counted across replicas (migration 0016).

/** One failed login under `key` (a sha256 hex digest of `user:NAME` or `address:IP`). */
export interface LoginFailuresTable {
  key: string;
  failed_at: number;
}

export interface LoginFailureTables {
  login_failures: LoginFailuresTable;
}
