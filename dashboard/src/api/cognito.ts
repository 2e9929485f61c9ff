import type { AuthConfig } from './types';

type CognitoConfig = Extract<AuthConfig, { kind: 'cognito' }>;

interface AuthenticationResult {
  readonly IdToken: string;
  readonly RefreshToken?: string;
  readonly ExpiresIn: number;
}

export type CognitoStep =
  | { readonly kind: 'signed-in' }
  | { readonly kind: 'new-password'; readonly session: string }
  | { readonly kind: 'mfa'; readonly session: string };

const REFRESH_KEY = 'sightline.cognito.refresh';

let idToken: { value: string; expiresAt: number } | undefined;

async function call<T>(config: CognitoConfig, target: string, body: unknown): Promise<T> {
  const response = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(json.message ?? `Cognito answered ${response.status}`);
  return json;
}

function keep(result: AuthenticationResult): void {
  idToken = { value: result.IdToken, expiresAt: Date.now() + (result.ExpiresIn - 60) * 1000 };
  if (result.RefreshToken) sessionStorage.setItem(REFRESH_KEY, result.RefreshToken);
}

type Answer = { AuthenticationResult?: AuthenticationResult; ChallengeName?: string; Session?: string };

function step(answer: Answer): CognitoStep {
  if (answer.AuthenticationResult) {
    keep(answer.AuthenticationResult);
    return { kind: 'signed-in' };
  }
  if (answer.ChallengeName === 'NEW_PASSWORD_REQUIRED') return { kind: 'new-password', session: answer.Session ?? '' };
  if (answer.ChallengeName === 'SOFTWARE_TOKEN_MFA') return { kind: 'mfa', session: answer.Session ?? '' };
  throw new Error(`unsupported sign-in step ${answer.ChallengeName ?? 'unknown'}`);
}

/**
 * Signs in against the user pool's public endpoint with the dashboard's app client (no secret):
 * `USER_PASSWORD_AUTH`, then an invited user's new password or a TOTP code if Cognito asks.
 */
export async function cognitoSignIn(config: CognitoConfig, email: string, password: string): Promise<CognitoStep> {
  return step(
    await call<Answer>(config, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
}

export async function cognitoChallenge(
  config: CognitoConfig,
  challenge: Exclude<CognitoStep, { kind: 'signed-in' }>,
  email: string,
  response: string,
): Promise<CognitoStep> {
  const responses =
    challenge.kind === 'new-password'
      ? { USERNAME: email, NEW_PASSWORD: response }
      : { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: response };
  return step(
    await call<Answer>(config, 'RespondToAuthChallenge', {
      ChallengeName: challenge.kind === 'new-password' ? 'NEW_PASSWORD_REQUIRED' : 'SOFTWARE_TOKEN_MFA',
      ClientId: config.clientId,
      Session: challenge.session,
      ChallengeResponses: responses,
    }),
  );
}

/** The current ID token, refreshed with the refresh token (kept for this tab only) when it expires. */
export async function cognitoIdToken(config: CognitoConfig): Promise<string | undefined> {
  if (idToken && idToken.expiresAt > Date.now()) return idToken.value;
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  if (!refresh) return undefined;
  try {
    const answer = await call<Answer>(config, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: config.clientId,
      AuthParameters: { REFRESH_TOKEN: refresh },
    });
    if (answer.AuthenticationResult) keep(answer.AuthenticationResult);
    return idToken?.value;
  } catch {
    sessionStorage.removeItem(REFRESH_KEY);
    return undefined;
  }
}

export function cognitoSignOut(): void {
  idToken = undefined;
  sessionStorage.removeItem(REFRESH_KEY);
}
