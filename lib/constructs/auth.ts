import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { userPoolDefaults } from '../defaults/auth-defaults';
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

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', { ...userPoolDefaults(), ...props.userPoolProps });
    acceptOptionalMfa(this.userPool);
  }
}
