/**
 * How dashboard users sign in: with an e-mail and password against the database in `npm start`,
 * or with Cognito in AWS (API Gateway's JWT authorizer checks the token before the Lambda runs).
 */
export type AuthMode =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'cognito';
      readonly region: string;
      readonly userPoolId: string;
      /** The dashboard's app client (no secret: a browser cannot keep one). */
      readonly clientId: string;
    };
