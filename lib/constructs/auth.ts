import { Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { dashboardClientDefaults, userPoolDefaults } from '../defaults/auth-defaults';
import { acceptOptionalMfa } from '../nag';

export interface AuthProps {
  /**
   * Props merged over `userPoolDefaults()`.
   * @default - the defaults only
   */
  readonly userPoolProps?: cognito.UserPoolProps;
}

/** The Cognito user pool dashboard users sign in with. */
export class Auth extends Construct {
  public readonly userPool: cognito.UserPool;
  /** The dashboard's public client: no secret (a browser cannot keep one), password + refresh flows. */
  public readonly dashboardClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', { ...userPoolDefaults(), ...props.userPoolProps });
    acceptOptionalMfa(this.userPool);
    this.dashboardClient = this.userPool.addClient('DashboardClient', dashboardClientDefaults());
  }

  /** A JWT authorizer accepting this pool's ID tokens issued to the dashboard client. */
  public jwtAuthorizer(): HttpJwtAuthorizer {
    return new HttpJwtAuthorizer(
      'DashboardJwt',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`,
      { jwtAudience: [this.dashboardClient.userPoolClientId] },
    );
  }

  /** Lets `fn` create the users of invitations and delete removed members' users, in this pool only. */
  public bindUserAdministrator(fn: lambda.Function): void {
    this.userPool.grant(fn, 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminDeleteUser');
  }

  /** Tells `fn` which pool and client its verified tokens come from (`ENV.userPoolId`, `ENV.userPoolClientId`). */
  public bindTokenVerifier(fn: lambda.Function): void {
    fn.addEnvironment(ENV.userPoolId, this.userPool.userPoolId);
    fn.addEnvironment(ENV.userPoolClientId, this.dashboardClient.userPoolClientId);
  }
}
