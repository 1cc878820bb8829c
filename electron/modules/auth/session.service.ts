import { KassaError } from '../../../shared/errors';
import type { User } from '../../../shared/api';
import { verifyPin } from './pin';
import type { UsersRepository } from './users.repository';

/** Who is signed in at this register. One register, one cashier at a time. */
export class SessionService {
  private user: User | null = null;

  constructor(
    private readonly users: UsersRepository,
    private readonly onChange: (user: User | null) => void,
  ) {}

  current(): User | null {
    return this.user;
  }

  /** The signed-in user, or a NOT_SIGNED_IN error for calls that need one. */
  require(): User {
    if (!this.user) throw new KassaError('NOT_SIGNED_IN', 'Sign in with your PIN first.');
    return this.user;
  }

  /** Finds the active user whose PIN this is (PINs are checked against every user's scrypt hash). */
  async login(pin: string): Promise<User> {
    for (const candidate of this.users.activeUsers()) {
      if (await verifyPin(pin, candidate.pinHash)) {
        this.user = { id: candidate.id, name: candidate.name, role: candidate.role };
        this.onChange(this.user);
        return this.user;
      }
    }
    throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
  }

  logout(): void {
    this.user = null;
    this.onChange(null);
  }
}
