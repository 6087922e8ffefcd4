import { z } from 'zod';
import type { AccountStore, AgentRole } from '../store/account-store.js';
import type { Agent } from './agent-auth.js';
import { decoyHash, hashPassword, verifyPassword } from './password-hash.js';

export const AccountIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');
export const AccountNameSchema = z.string().trim().min(1).max(128);
/** Long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const AccountPasswordSchema = z.string().min(12, 'at least 12 characters').max(1024);

/**
 * Local agent accounts, for the embedded default without an identity
 * provider. `npm run agent -- add` creates them; the console's sign-in
 * form checks them.
 */
export class LocalAccounts {
  constructor(
    private readonly store: AccountStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async add(input: {
    id: string;
    name: string;
    role: AgentRole;
    password: string;
  }): Promise<'created' | 'updated'> {
    const id = AccountIdSchema.parse(input.id);
    const name = AccountNameSchema.parse(input.name);
    const password = AccountPasswordSchema.parse(input.password);
    const existing = await this.store.getAccount(id);
    const now = this.clock();
    await this.store.putAccount({
      id,
      name,
      role: input.role,
      passwordHash: await hashPassword(password),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return existing ? 'updated' : 'created';
  }

  /** The agent, if the password is theirs; null otherwise (same time either way). */
  async verify(id: string, password: string): Promise<Agent | null> {
    const account = await this.store.getAccount(id);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!ok || !account) return null;
    return { id: account.id, name: account.name, role: account.role };
  }

  async remove(id: string): Promise<boolean> {
    return this.store.deleteAccount(id);
  }

  async list(): Promise<{ id: string; name: string; role: AgentRole }[]> {
    return (await this.store.listAccounts()).map(({ id, name, role }) => ({ id, name, role }));
  }
}
