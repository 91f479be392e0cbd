// Stage 4: end to end into VictoriaMetrics through cgflux's real output with the spool on.
// (Waiting for src/output and src/spool.)
export interface E2eResult {
  points_per_s: number;
}

export async function runE2eStage(_o: { seconds: number }, _log: (msg: string) => void): Promise<E2eResult> {
  throw new Error('not wired yet: src/output (InfluxDB v2 writer) is not in the repository');
}
