/**
 * Where sign-in accounts live when they are not in the database: Cognito in AWS, where an invited
 * person needs a user in the pool (self sign-up is off) before they can sign in and accept, and a
 * removed member's user is deleted so the account cannot sign in again. The local runtime has none:
 * accepting an invitation sets the password, and removing a member deletes the password with the row.
 */
export interface UserDirectory {
  /** Creates the account (Cognito e-mails a temporary password); an existing account is not an error. */
  createUser(email: string): Promise<void>;
  /** Deletes the account; a missing account is not an error. */
  deleteUser(email: string): Promise<void>;
}
