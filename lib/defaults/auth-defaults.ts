import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/**
 * Dashboard sign-in: invited users only, e-mail as user name, strong passwords, TOTP MFA offered,
 * and the Plus plan's threat protection enforced (adaptive MFA, compromised-credential checks).
 */
export function userPoolDefaults(): cognito.UserPoolProps {
  return {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    autoVerify: { email: true },
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * The dashboard's app client: public (no secret), user-password and refresh flows, short-lived
 * tokens, and the same answer for unknown users as for wrong passwords.
 */
export function dashboardClientDefaults(): cognito.UserPoolClientOptions {
  return {
    generateSecret: false,
    authFlows: { userPassword: true, userSrp: true },
    preventUserExistenceErrors: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(30),
    enableTokenRevocation: true,
  };
}
