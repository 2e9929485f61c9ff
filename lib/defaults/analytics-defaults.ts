import type * as athena from 'aws-cdk-lib/aws-athena';
import type * as kms from 'aws-cdk-lib/aws-kms';

/** Glue database names allow lower-case letters, digits and underscores. */
export function glueDatabaseName(stackName: string): string {
  return stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export interface WorkGroupConfigurationProps {
  readonly outputLocation: string;
  readonly encryptionKey: kms.IKey;
  readonly bytesScannedCutoffPerQuery: number;
}

/**
 * The Athena workgroup every Sightline query runs in: engine v3, results encrypted with the
 * Sightline key, a per-query scan cutoff, and `enforceWorkGroupConfiguration` so no client can
 * send results elsewhere, unencrypted, or without the cutoff.
 */
export function workGroupConfiguration(
  props: WorkGroupConfigurationProps,
): athena.CfnWorkGroup.WorkGroupConfigurationProperty {
  return {
    enforceWorkGroupConfiguration: true,
    bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
    publishCloudWatchMetricsEnabled: true,
    engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    resultConfiguration: {
      outputLocation: props.outputLocation,
      encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
    },
  };
}
