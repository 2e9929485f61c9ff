import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';

/** The customer-managed key, aliased after the stack: yearly rotation, kept when the stack goes (data encrypted with it outlives the stack). */
export function encryptionKeyDefaults(stackName: string): kms.KeyProps {
  return {
    alias: `alias/${stackName}`,
    description: 'Sightline: encrypts the event stream, lake, queues, table, database and logs',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
