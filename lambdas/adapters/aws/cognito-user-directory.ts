import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UserDirectory } from '../../api/team/user-directory';
import { isSdkError, storageError } from './sdk-errors';

export interface CognitoUserDirectoryOptions {
  /** The dashboard's user pool (`eu-west-1_AbC…`); its users sign in with their e-mail address. */
  readonly userPoolId: string;
  readonly client?: CognitoIdentityProviderClient;
}

/**
 * The dashboard's accounts in a Cognito user pool (self sign-up off): an invitation creates the user
 * with a verified e-mail address, and Cognito e-mails a temporary password it must change on first
 * sign-in; removing a member deletes the user. Both are idempotent, so a retried request is harmless.
 *
 * @example
 * const directory = createCognitoUserDirectory({ userPoolId: requireEnv(ENV.userPoolId) });
 * await directory.createUser('ada@example.com');
 */
export function createCognitoUserDirectory({
  userPoolId,
  client = new CognitoIdentityProviderClient({}),
}: CognitoUserDirectoryOptions): UserDirectory {
  return {
    async createUser(email) {
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            UserAttributes: [
              { Name: 'email', Value: email },
              // The invitation went to this address; the token proves its owner read it.
              { Name: 'email_verified', Value: 'true' },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
      } catch (error) {
        if (isSdkError(error, 'UsernameExistsException')) return;
        throw storageError(`Cognito AdminCreateUser in ${userPoolId}`, error);
      }
    },

    async deleteUser(email) {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
      } catch (error) {
        if (isSdkError(error, 'UserNotFoundException')) return;
        throw storageError(`Cognito AdminDeleteUser in ${userPoolId}`, error);
      }
    },
  };
}
