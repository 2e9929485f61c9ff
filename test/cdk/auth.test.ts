jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { Match } from 'aws-cdk-lib/assertions';
import { deploy } from './support/deploy';
import { logicalId, permissionsOf } from './support/iam';

describe('dashboard sign-in', () => {
  it('invites users only and signs them in by e-mail', () => {
    const { template } = deploy();

    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
    });
  });

  it('requires strong passwords, offers TOTP MFA and enforces threat protection', () => {
    const { template } = deploy();

    template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
          },
        },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('guards the dashboard API with a JWT authorizer for the dashboard client, leaving only its description public', () => {
    const { stack, template } = deploy();

    const authorizers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))
      .map((a) => a.Properties)
      .filter((p) => p.AuthorizerType === 'JWT');
    expect(authorizers).toHaveLength(1);
    expect(JSON.stringify(authorizers[0]?.JwtConfiguration.Issuer)).toContain('cognito-idp');
    expect(authorizers[0]?.JwtConfiguration.Audience).toEqual([{ Ref: logicalId(stack.auth.dashboardClient) }]);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const route = (key: string) => routes.find((r) => r.RouteKey === key);
    expect(route('ANY /api/{proxy+}')?.AuthorizationType).toBe('JWT');
    expect(route('GET /api/openapi.json')?.AuthorizationType ?? 'NONE').toBe('NONE');
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('lets only the API create and delete users, in its own pool, and nothing else of Cognito', () => {
    const { stack, template } = deploy();
    const api = permissionsOf(template, stack.functions.api.function);

    expect(api.allows('cognito-idp:AdminCreateUser', stack.auth.userPool)).toBe(true);
    expect(api.allows('cognito-idp:AdminDeleteUser', stack.auth.userPool)).toBe(true);
    expect(api.allowsAnywhere('cognito-idp:AdminSetUserPassword')).toBe(false);
    expect(api.allowsAnywhere('cognito-idp:UpdateUserPool')).toBe(false);
    for (const [name, fn] of Object.entries(stack.functions)) {
      if (name === 'api') continue;
      expect(permissionsOf(template, fn.function).allowsAnywhere('cognito-idp:AdminCreateUser')).toBe(false);
    }
  });
});
