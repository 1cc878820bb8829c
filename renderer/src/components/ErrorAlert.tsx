import type { ReactNode } from 'react';

/** An error the cashier must read, announced at once (role="alert"); nothing while there is none. */
export function ErrorAlert({ error, id }: { error: ReactNode; id?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="message message--error" role="alert">
      {error}
    </p>
  );
}
