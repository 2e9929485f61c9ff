import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * A VPC with isolated subnets only: the database lives there and nothing in it needs the
 * internet (functions reach Aurora through the Data API, not the VPC). No NAT gateway to pay for.
 */
export function networkDefaults(): ec2.VpcProps {
  return {
    ipAddresses: ec2.IpAddresses.cidr('10.42.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    restrictDefaultSecurityGroup: true,
  };
}
