/** The database file was written by a newer Kassa; opening it here could damage it, so we refuse. */
export class DatabaseFromFutureError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The register database ${path} was written by a newer version of Kassa (schema ${found}; this version knows up to ${known}). ` +
        'It has not been changed. Install the newer version of Kassa, or ask IT to restore a backup.',
    );
    this.name = 'DatabaseFromFutureError';
  }
}

/** The file is not an SQLite database, or it is damaged. */
export class DatabaseUnreadableError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `The register database ${path} cannot be read (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'It has not been changed. Ask IT to restore it from a backup or move it aside to start with a new one.',
      { cause },
    );
    this.name = 'DatabaseUnreadableError';
  }
}
