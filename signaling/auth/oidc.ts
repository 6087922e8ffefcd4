import * as client from 'openid-client';
import type { Logger } from 'pino';
import { AuthError } from '../errors.js';
import type { AccountStore } from '../store/account-store.js';
import type { Agent } from './agent-auth.js';
import { mapClaims, type ClaimMapping } from './oidc-claims.js';

export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: `<PUBLIC_URL>/agent/oidc/callback`. */
  redirectUrl: () => string;
  scopes: string;
  claims: ClaimMapping;
  /** Plain-http issuers are for development and tests only (config refuses them in production). */
  allowHttp: boolean;
}

/** A sign-in started and not finished within this time is forgotten. */
const LOGIN_TTL_MS = 10 * 60_000;

/**
 * OpenID Connect sign-in for agents (ProConnect, Keycloak…), with
 * openid-client: authorization code flow with PKCE (S256), state and nonce
 * kept server-side (AccountStore) for one use. The provider's metadata is
 * discovered at the first sign-in and kept; a provider down at startup
 * does not stop the server, only sign-ins meanwhile.
 */
export class OidcSignIn {
  #config: Promise<client.Configuration> | undefined;

  constructor(
    private readonly options: OidcOptions,
    private readonly store: AccountStore,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  #discover(): Promise<client.Configuration> {
    this.#config ??= client
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        this.options.clientSecret,
        undefined,
        this.options.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.#config = undefined;
        this.log.error({ err: error, issuer: this.options.issuer }, 'OpenID provider discovery failed');
        throw new AuthError('the sign-in provider is unreachable; try again in a moment');
      });
    return this.#config;
  }

  /** The provider's authorization URL to redirect the browser to. */
  async start(): Promise<string> {
    const config = await this.#discover();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await this.store.putLoginState({ state, codeVerifier, nonce, expiresAt: this.clock() + LOGIN_TTL_MS });
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: this.options.redirectUrl(),
        scope: this.options.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
      .toString();
  }

  /** The callback: exchanges the code, checks state, nonce and PKCE, and maps the claims to an agent. */
  async finish(query: URLSearchParams): Promise<Agent> {
    const state = query.get('state');
    if (query.get('error')) throw new AuthError(`the provider refused the sign-in (${query.get('error')})`);
    const login = state ? await this.store.takeLoginState(state, this.clock()) : null;
    if (!login) throw new AuthError('this sign-in expired or was already used; start again');
    const config = await this.#discover();
    const callbackUrl = new URL(this.options.redirectUrl());
    callbackUrl.search = query.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      // Many providers (ProConnect among them) put names and roles in userinfo only.
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...idClaims, ...userinfo };
    } catch (error) {
      // The message only: an error object from the token exchange may carry response bodies.
      this.log.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'OpenID sign-in failed',
      );
      throw new AuthError('the sign-in could not be completed; start again');
    }
    return mapClaims(claims, this.options.claims);
  }
}
