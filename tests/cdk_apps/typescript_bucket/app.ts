// A TypeScript CDK app as `cdk init app --language typescript` makes them (one stack, run by
// ts-node): what the harness must synthesize with the pinned TypeScript toolchain
// (cdk/typescript). The context `bucket_prefix` and the aws-cdk-lib version it ran with are
// outputs, so a test can tell which inputs and which library synthesized it.
import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('aws-cdk-lib/package.json') as { version: string };

const app = new App();
const stack = new Stack(app, 'TypeScriptBucket');
const prefix: string = app.node.tryGetContext('bucket_prefix');
const bucket = new s3.Bucket(stack, 'Bucket', {
  bucketName: `${prefix}-typescript-bucket`,
  versioned: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
new CfnOutput(stack, 'BucketName', { value: bucket.bucketName });
new CfnOutput(stack, 'AwsCdkLibVersion', { value: version });
