jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { attributionQueries } from '../../lambdas/attribution/attribution-queries';
import { namedQueries } from '../../lambdas/lake/named-queries';
import { deploy } from './support/deploy';
import { logicalId } from './support/iam';

describe('analytics', () => {
  it('caps the bytes each query scans and enforces the workgroup configuration', () => {
    const { template } = deploy();

    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'Sightline',
      WorkGroupConfiguration: {
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      },
    });
  });

  it('takes the bytes-scanned cutoff from the settings', () => {
    const { template } = deploy({ athenaBytesScannedCutoff: '1073741824' });

    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 1073741824 },
    });
  });

  it('writes query results encrypted with the KMS key to the results bucket', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        ResultConfiguration: {
          EncryptionConfiguration: {
            EncryptionOption: 'SSE_KMS',
            KmsKey: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
          },
          OutputLocation: {
            'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.analytics.resultsBucket) }, '/results/']],
          },
        },
      },
    });
  });

  it('describes the lake in a Glue database named after the stack', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: {
        Name: 'sightline',
        LocationUri: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.lake.bucket) }]] },
      },
    });
  });

  it('registers every query of athena/queries and athena/attribution as a named query, rendered for the Glue database', () => {
    const { stack, template } = deploy();

    const registered = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((r) => r.Properties);
    expect(registered.map((p) => p.Name).sort()).toEqual(
      [...namedQueries, ...attributionQueries].map((q) => q.name).sort(),
    );
    for (const properties of registered) {
      expect(properties.WorkGroup).toBe(stack.analytics.workGroupName);
      expect(properties.Database).toBe(stack.analytics.databaseName);
      expect(properties.QueryString).toContain(`${stack.analytics.databaseName}.events`);
      expect(properties.QueryString).not.toContain('{{database}}');
    }
  });
});
