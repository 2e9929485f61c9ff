import { createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HTTPRequest, Page } from 'puppeteer-core';
import type { HttpHandler } from '../../../lambdas/runtime/routes';

interface PoolUser {
  readonly sub: string;
  password: string;
  /** An invited user's temporary password must be replaced at first sign-in. */
  mustChangePassword: boolean;
}

export interface FakeCognitoOptions {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly now?: () => number;
}

/** The request fields the dashboard's calls use (Cognito's JSON protocol). */
interface CognitoRequest {
  readonly ClientId?: string;
  readonly AuthFlow?: string;
  readonly AuthParameters?: Readonly<Record<string, string>>;
  readonly ChallengeName?: string;
  readonly Session?: string;
  readonly ChallengeResponses?: Readonly<Record<string, string>>;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * A stand-in for a Cognito user pool's public endpoint, speaking the JSON protocol the dashboard
 * uses (`InitiateAuth` with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, `RespondToAuthChallenge` with
 * NEW_PASSWORD_REQUIRED) and issuing RS256 ID tokens with Cognito's claims; plus API Gateway's JWT
 * authorizer over those tokens (signature, issuer, audience, expiry). AWS itself is out of reach
 * here: this plays both, as aws-sdk-client-mock plays the SDK's services for the adapters.
 */
export function createFakeCognito(options: FakeCognitoOptions) {
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
  const users = new Map<string, PoolUser>();
  const sessions = new Map<string, string>();
  const refreshTokens = new Map<string, string>();
  const calls: string[] = [];

  const idToken = (email: string, user: PoolUser) => {
    const iat = Math.floor(now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: 'test-key', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        sub: user.sub,
        email,
        email_verified: true,
        iss: issuer,
        aud: options.clientId,
        token_use: 'id',
        auth_time: iat,
        iat,
        exp: iat + 3600,
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  };
  const authenticated = (email: string, user: PoolUser) => {
    const refresh = randomBytes(24).toString('hex');
    refreshTokens.set(refresh, email);
    return {
      AuthenticationResult: {
        IdToken: idToken(email, user),
        RefreshToken: refresh,
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    };
  };
  const fault = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

  /** One call of the service's JSON protocol: `target` is the `X-Amz-Target` operation. */
  const call = (target: string, body: CognitoRequest): { status: number; body: unknown } => {
    calls.push(target);
    if (body?.ClientId !== options.clientId)
      return fault('ResourceNotFoundException', 'User pool client does not exist.');
    if (target === 'InitiateAuth' && body.AuthFlow === 'USER_PASSWORD_AUTH') {
      const email = String(body.AuthParameters?.USERNAME ?? '').toLowerCase();
      const user = users.get(email);
      if (!user || user.password !== body.AuthParameters?.PASSWORD)
        return fault('NotAuthorizedException', 'Incorrect username or password.');
      if (user.mustChangePassword) {
        const session = randomBytes(16).toString('hex');
        sessions.set(session, email);
        return {
          status: 200,
          body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeParameters: {} },
        };
      }
      return { status: 200, body: authenticated(email, user) };
    }
    if (target === 'InitiateAuth' && body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
      const email = refreshTokens.get(String(body.AuthParameters?.REFRESH_TOKEN ?? ''));
      const user = email ? users.get(email) : undefined;
      if (!email || !user) return fault('NotAuthorizedException', 'Invalid Refresh Token');
      const { AuthenticationResult } = authenticated(email, user);
      return { status: 200, body: { AuthenticationResult: { ...AuthenticationResult, RefreshToken: undefined } } };
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      const email = sessions.get(String(body.Session ?? ''));
      const user = email ? users.get(email) : undefined;
      if (!email || !user) return fault('NotAuthorizedException', 'Invalid session for the user.');
      const next = String(body.ChallengeResponses?.NEW_PASSWORD ?? '');
      if (next.length < 12) return fault('InvalidPasswordException', 'Password does not conform to policy');
      sessions.delete(String(body.Session));
      user.password = next;
      user.mustChangePassword = false;
      return { status: 200, body: authenticated(email, user) };
    }
    return fault('InvalidParameterException', `unsupported ${target}`);
  };

  /** API Gateway's JWT authorizer: the claims of a valid token from this pool for this client, else undefined. */
  const verify = (authorization: string | undefined): Record<string, string> | undefined => {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const [header, payload, signature] = token?.split('.') ?? [];
    if (!header || !payload || !signature) return undefined;
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    if (claims.iss !== issuer || claims.aud !== options.clientId || Number(claims.exp) * 1000 <= now())
      return undefined;
    // API Gateway hands the Lambda every claim as a string.
    return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, String(v)]));
  };

  return {
    calls,
    /** What AdminCreateUser does for an invitation: a user with a temporary password. */
    addInvitedUser(email: string, temporaryPassword: string): void {
      users.set(email.toLowerCase(), { sub: randomUUID(), password: temporaryPassword, mustChangePassword: true });
    },
    /** `handler` behind API Gateway's JWT authorizer: 401 without a valid token, claims in the request context. */
    authorize(handler: HttpHandler): HttpHandler {
      return async (event: APIGatewayProxyEventV2, context) => {
        const claims = verify(event.headers.authorization);
        if (!claims) return { statusCode: 401, body: JSON.stringify({ message: 'Unauthorized' }) };
        const requestContext = { ...event.requestContext, authorizer: { jwt: { claims, scopes: null } } };
        return handler({ ...event, requestContext } as APIGatewayProxyEventV2, context);
      };
    },
    /** Answers the page's requests to the pool's regional endpoint (CORS included), letting others through. */
    async serve(page: Page): Promise<void> {
      const endpoint = `https://cognito-idp.${options.region}.amazonaws.com/`;
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent',
        'access-control-allow-methods': 'POST',
      };
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => {
        if (!request.url().startsWith(endpoint)) return void request.continue();
        if (request.method() === 'OPTIONS') return void request.respond({ status: 204, headers: cors });
        const target = (request.headers()['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
        const answer = call(target, JSON.parse(request.postData() ?? '{}') as CognitoRequest);
        void request.respond({
          status: answer.status,
          headers: cors,
          contentType: 'application/x-amz-json-1.1',
          body: JSON.stringify(answer.body),
        });
      });
    },
  };
}
