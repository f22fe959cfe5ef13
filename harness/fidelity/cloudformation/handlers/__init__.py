"""Resource handlers by type: our own where moto is unfaithful, moto's models elsewhere."""

from __future__ import annotations

from harness.fidelity.cloudformation.errors import ResourceFailed
from harness.fidelity.cloudformation.handlers import (
    api_types,
    custom,
    ecs,
    elasticache,
    lambda_backed,
    noop,
    rds,
    small_types,
)
from harness.fidelity.cloudformation.handlers.base import Handler
from harness.fidelity.cloudformation.handlers.moto_models import MotoModelHandler, supports

HANDLERS: dict[str, Handler] = {
    "AWS::ECS::Cluster": ecs.ClusterHandler(),
    "AWS::ECS::TaskDefinition": ecs.TaskDefinitionHandler(),
    "AWS::ECS::Service": ecs.ServiceHandler(),
    "AWS::S3::BucketPolicy": api_types.BucketPolicyHandler(),
    "AWS::EC2::SecurityGroupEgress": api_types.SecurityGroupEgressHandler(),
    "AWS::EC2::SubnetRouteTableAssociation": api_types.SubnetRouteTableAssociationHandler(),
    "AWS::SSM::Parameter": api_types.SsmParameterHandler(),
    "AWS::RDS::DBSubnetGroup": rds.DBSubnetGroupHandler(),
    "AWS::RDS::DBInstance": rds.DBInstanceHandler(),
    "AWS::SecretsManager::Secret": api_types.SecretHandler(),
    "AWS::SecretsManager::SecretTargetAttachment": api_types.SecretTargetAttachmentHandler(),
    "Custom::VpcRestrictDefaultSG": custom.RestrictDefaultSecurityGroup(),
    "Custom::S3AutoDeleteObjects": custom.S3AutoDeleteObjects(),
    "AWS::ElastiCache::CacheCluster": elasticache.CacheClusterHandler(),
    "AWS::ElastiCache::SubnetGroup": elasticache.SubnetGroupHandler(),
    "AWS::ElastiCache::ParameterGroup": elasticache.ParameterGroupHandler(),
    "AWS::Logs::LogStream": small_types.LogStreamHandler(),
    "AWS::ECS::ClusterCapacityProviderAssociations": small_types.CapacityProviderAssociationsHandler(),
    "AWS::CDK::Metadata": noop.NoopHandler(),
    "AWS::CloudFormation::WaitConditionHandle": noop.NoopHandler(),
}
_MOTO = MotoModelHandler()
_CUSTOM = lambda_backed.LambdaBackedCustomResource()


def handler_for(resource_type: str) -> Handler:
    """The handler of ``resource_type``; a type nobody handles fails the operation."""
    if resource_type in HANDLERS:
        return HANDLERS[resource_type]
    if (
        resource_type.startswith("Custom::")
        or resource_type == "AWS::CloudFormation::CustomResource"
    ):
        return _CUSTOM
    if supports(resource_type):
        return _MOTO
    raise ResourceFailed(f"Resource type {resource_type} is not supported by the emulator")
