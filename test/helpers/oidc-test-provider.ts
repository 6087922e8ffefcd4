import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/*
 * A real OpenID Connect provider (the `oidc-provider` package, certified
 * by the OpenID Foundation) on 127.0.0.1, for the console's sign-in tests.
 * Its development login form accepts any password; the login names one of
 * `accounts`, whose claims (name, role) come back in userinfo as with
 * ProConnect. PKCE is required, as ProConnect requires it.
 *
 * The issuer URL must exist before Guichet starts (it is in its config),
 * and the client's redirect URI is only known once Guichet listens: so
 * `listen()` binds the port, and `configure()` builds the provider.
 */

export interface TestAccount {
  name: string;
  role: 'agent' | 'admin';
}

export class OidcTestProvider {
  readonly clientId = 'guichet-console';
  readonly clientSecret = 'guichet-console-secret-for-tests-only';
  #handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  readonly #server: Server;
  issuer = '';

  private constructor(private readonly accounts: Record<string, TestAccount>) {
    this.#server = createServer((req, res) => {
      if (this.#handler) this.#handler(req, res);
      else res.writeHead(503).end('not configured');
    });
  }

  static async listen(accounts: Record<string, TestAccount>): Promise<OidcTestProvider> {
    const provider = new OidcTestProvider(accounts);
    provider.#server.listen(0, '127.0.0.1');
    await once(provider.#server, 'listening');
    provider.issuer = `http://127.0.0.1:${(provider.#server.address() as AddressInfo).port}`;
    return provider;
  }

  /** The variables that point Guichet at this provider. */
  get env(): Record<string, string> {
    return { OIDC_ISSUER: this.issuer, OIDC_CLIENT_ID: this.clientId, OIDC_CLIENT_SECRET: this.clientSecret };
  }

  configure(redirectUri: string): void {
    const accounts = this.accounts;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: [redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], profile: ['name', 'role'] },
      cookies: { keys: ['oidc-test-provider-cookie-key'] },
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx, sub) => {
        const account = accounts[sub];
        if (!account) return undefined;
        return { accountId: sub, claims: () => ({ sub, name: account.name, role: account.role }) };
      },
    });
    this.#handler = provider.callback();
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
