import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { createCognitoUserDirectory } from '../../../lambdas/adapters/aws/cognito-user-directory';
import { StorageError } from '../../../lambdas/core/errors';

describe('Cognito user directory', () => {
  const client = new CognitoIdentityProviderClient({});
  const cognito = mockClient(client);
  const directory = createCognitoUserDirectory({ userPoolId: 'eu-west-1_Pool', client });
  const meta = { $metadata: {} };

  beforeEach(() => cognito.reset());

  it('creates an invited user with a verified e-mail and has Cognito e-mail the temporary password', async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'ada@example.com' } });

    // Act
    await directory.createUser('ada@example.com');

    // Assess
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_Pool',
      Username: 'ada@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
  });

  it('treats an existing user as created, so a retried invitation succeeds', async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', ...meta }));

    // Act
    const created = directory.createUser('ada@example.com');

    // Assess
    await expect(created).resolves.toBeUndefined();
  });

  it('deletes a user, and treats a user already gone as deleted', async () => {
    // Prepare
    cognito
      .on(AdminDeleteUserCommand)
      .resolvesOnce({})
      .rejectsOnce(new UserNotFoundException({ message: 'gone', ...meta }));

    // Act
    await directory.deleteUser('ada@example.com');
    await directory.deleteUser('ada@example.com');

    // Assess
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: 'eu-west-1_Pool', Username: 'ada@example.com' },
      { UserPoolId: 'eu-west-1_Pool', Username: 'ada@example.com' },
    ]);
  });

  it('reports any other failure as a storage error naming the pool', async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).rejects(new InternalErrorException({ message: 'boom', ...meta }));

    // Act
    const created = directory.createUser('ada@example.com');

    // Assess
    await expect(created).rejects.toThrow(StorageError);
    await expect(created).rejects.toThrow(/AdminCreateUser in eu-west-1_Pool/);
  });
});
