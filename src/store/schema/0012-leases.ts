// Leases: work that must happen once across processes (migration 0012).

/** Held by `holder` until `expires_at`; renewed while it works, taken over once expired. */
export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

export interface LeaseTables {
  leases: LeasesTable;
}
