/** Why a benchmark will not use this PostgreSQL URL (benchmarks only talk to a database on this machine), or null. */
export function localPostgresProblem(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'KASSA_BENCH_DATABASE_URL is not a URL';
  }
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return `KASSA_BENCH_DATABASE_URL points at ${host}; this benchmark only talks to a database on 127.0.0.1`;
  return null;
}
