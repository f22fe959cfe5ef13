"""Types the VPC module declares but this stack never creates (``count = 0``), declared only.

``terraform-aws-modules/vpc/aws`` writes a block for every feature it offers; Terraform needs
the provider to know each type and its arguments to validate the configuration, even when
``count`` is 0. These types have hashicorp/aws's schema (checked by the conformance test) and
no implementation: planning one refuses, naming it, instead of pretending.
"""

from __future__ import annotations

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    STRING_MAP,
    STRING_SET,
    STRINGS,
    block,
    comp,
    nested,
    opt,
    optc,
    req,
)


class DeclaredOnly(Resource):
    """A type whose schema is declared so configurations validate; never planned."""

    def check_supported(self, planned: State) -> None:
        raise ProviderError(
            f"{self.type_name} is not implemented by the stand-in provider",
            "its schema is declared so that modules which write it with count = 0 validate",
        )


class CustomerGateway(DeclaredOnly):
    type_name = "aws_customer_gateway"
    schema = block(
        comp("arn", STRING),
        opt("bgp_asn", STRING, force_new=True),
        opt("bgp_asn_extended", STRING, force_new=True),
        opt("certificate_arn", STRING, force_new=True),
        opt("device_name", STRING, force_new=True),
        optc("id", STRING),
        opt("ip_address", STRING, force_new=True),
        optc("region", STRING),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
        req("type", STRING, force_new=True),
    )  # fmt: skip


class DefaultVpc(DeclaredOnly):
    type_name = "aws_default_vpc"
    schema = block(
        comp("arn", STRING),
        opt("assign_generated_ipv6_cidr_block", BOOL),
        comp("cidr_block", STRING),
        comp("default_network_acl_id", STRING),
        comp("default_route_table_id", STRING),
        comp("default_security_group_id", STRING),
        comp("dhcp_options_id", STRING),
        opt("enable_dns_hostnames", BOOL),
        opt("enable_dns_support", BOOL),
        optc("enable_network_address_usage_metrics", BOOL),
        comp("existing_default_vpc", BOOL),
        opt("force_destroy", BOOL),
        optc("id", STRING),
        comp("instance_tenancy", STRING),
        comp("ipv6_association_id", STRING),
        optc("ipv6_cidr_block", STRING),
        optc("ipv6_cidr_block_network_border_group", STRING),
        opt("ipv6_ipam_pool_id", STRING),
        opt("ipv6_netmask_length", NUMBER),
        comp("main_route_table_id", STRING),
        comp("owner_id", STRING),
        optc("region", STRING),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
    )  # fmt: skip


class EgressOnlyInternetGateway(DeclaredOnly):
    type_name = "aws_egress_only_internet_gateway"
    schema = block(
        optc("id", STRING),
        optc("region", STRING),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
        req("vpc_id", STRING, force_new=True),
    )  # fmt: skip


class FlowLog(DeclaredOnly):
    type_name = "aws_flow_log"
    schema = block(
        comp("arn", STRING),
        opt("deliver_cross_account_role", STRING, force_new=True),
        opt("eni_id", STRING, force_new=True),
        opt("iam_role_arn", STRING, force_new=True),
        optc("id", STRING),
        optc("log_destination", STRING, force_new=True),
        opt("log_destination_type", STRING, force_new=True),
        optc("log_format", STRING, force_new=True),
        opt("max_aggregation_interval", NUMBER, force_new=True),
        optc("region", STRING),
        opt("regional_nat_gateway_id", STRING, force_new=True),
        opt("subnet_id", STRING, force_new=True),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
        opt("traffic_type", STRING, force_new=True),
        opt("transit_gateway_attachment_id", STRING, force_new=True),
        opt("transit_gateway_id", STRING, force_new=True),
        opt("vpc_id", STRING, force_new=True),
        nested("destination_options", "list",
            opt("file_format", STRING, force_new=True),
            opt("hive_compatible_partitions", BOOL, force_new=True),
            opt("per_hour_partition", BOOL, force_new=True),
        max_items=1, force_new=True),
    )  # fmt: skip


class NetworkAcl(DeclaredOnly):
    type_name = "aws_network_acl"
    schema = block(
        comp("arn", STRING),
        optc("egress", ["set", ["object", {"action": "string", "cidr_block": "string", "from_port": "number", "icmp_code": "number", "icmp_type": "number", "ipv6_cidr_block": "string", "protocol": "string", "rule_no": "number", "to_port": "number"}]]),
        optc("id", STRING),
        optc("ingress", ["set", ["object", {"action": "string", "cidr_block": "string", "from_port": "number", "icmp_code": "number", "icmp_type": "number", "ipv6_cidr_block": "string", "protocol": "string", "rule_no": "number", "to_port": "number"}]]),
        comp("owner_id", STRING),
        optc("region", STRING),
        optc("subnet_ids", STRING_SET),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
        req("vpc_id", STRING, force_new=True),
    )  # fmt: skip


class NetworkAclRule(DeclaredOnly):
    type_name = "aws_network_acl_rule"
    schema = block(
        opt("cidr_block", STRING, force_new=True),
        opt("egress", BOOL, force_new=True),
        opt("from_port", NUMBER, force_new=True),
        opt("icmp_code", NUMBER, force_new=True),
        opt("icmp_type", NUMBER, force_new=True),
        optc("id", STRING),
        opt("ipv6_cidr_block", STRING, force_new=True),
        req("network_acl_id", STRING, force_new=True),
        req("protocol", STRING, force_new=True),
        optc("region", STRING),
        req("rule_action", STRING, force_new=True),
        req("rule_number", NUMBER, force_new=True),
        opt("to_port", NUMBER, force_new=True),
    )  # fmt: skip


class RedshiftSubnetGroup(DeclaredOnly):
    type_name = "aws_redshift_subnet_group"
    schema = block(
        comp("arn", STRING),
        opt("description", STRING),
        optc("id", STRING),
        req("name", STRING, force_new=True),
        optc("region", STRING),
        req("subnet_ids", STRING_SET),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
    )  # fmt: skip


class VpcDhcpOptions(DeclaredOnly):
    type_name = "aws_vpc_dhcp_options"
    schema = block(
        comp("arn", STRING),
        opt("domain_name", STRING, force_new=True),
        opt("domain_name_servers", STRINGS, force_new=True),
        optc("id", STRING),
        opt("ipv6_address_preferred_lease_time", STRING),
        opt("netbios_name_servers", STRINGS, force_new=True),
        opt("netbios_node_type", STRING, force_new=True),
        opt("ntp_servers", STRINGS, force_new=True),
        comp("owner_id", STRING),
        optc("region", STRING),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
    )  # fmt: skip


class VpcDhcpOptionsAssociation(DeclaredOnly):
    type_name = "aws_vpc_dhcp_options_association"
    schema = block(
        req("dhcp_options_id", STRING),
        optc("id", STRING),
        optc("region", STRING),
        req("vpc_id", STRING, force_new=True),
    )  # fmt: skip


class VpcIpv4CidrBlockAssociation(DeclaredOnly):
    type_name = "aws_vpc_ipv4_cidr_block_association"
    schema = block(
        optc("cidr_block", STRING, force_new=True),
        optc("id", STRING),
        opt("ipv4_ipam_pool_id", STRING, force_new=True),
        opt("ipv4_netmask_length", NUMBER, force_new=True),
        optc("region", STRING),
        req("vpc_id", STRING, force_new=True),
        nested("timeouts", "single",
            opt("create", STRING),
            opt("delete", STRING),
        ),
    )  # fmt: skip


class VpnGateway(DeclaredOnly):
    type_name = "aws_vpn_gateway"
    schema = block(
        optc("amazon_side_asn", STRING, force_new=True),
        comp("arn", STRING),
        opt("availability_zone", STRING, force_new=True),
        optc("id", STRING),
        optc("region", STRING),
        opt("tags", STRING_MAP),
        optc("tags_all", STRING_MAP),
        optc("vpc_id", STRING),
    )  # fmt: skip


class VpnGatewayAttachment(DeclaredOnly):
    type_name = "aws_vpn_gateway_attachment"
    schema = block(
        optc("id", STRING),
        optc("region", STRING),
        req("vpc_id", STRING, force_new=True),
        req("vpn_gateway_id", STRING, force_new=True),
    )  # fmt: skip


class VpnGatewayRoutePropagation(DeclaredOnly):
    type_name = "aws_vpn_gateway_route_propagation"
    schema = block(
        optc("id", STRING),
        optc("region", STRING),
        req("route_table_id", STRING, force_new=True),
        req("vpn_gateway_id", STRING, force_new=True),
        nested("timeouts", "single",
            opt("create", STRING),
            opt("delete", STRING),
        ),
    )  # fmt: skip


RESOURCES: list[type[Resource]] = [
    CustomerGateway,
    DefaultVpc,
    EgressOnlyInternetGateway,
    FlowLog,
    NetworkAcl,
    NetworkAclRule,
    RedshiftSubnetGroup,
    VpcDhcpOptions,
    VpcDhcpOptionsAssociation,
    VpcIpv4CidrBlockAssociation,
    VpnGateway,
    VpnGatewayAttachment,
    VpnGatewayRoutePropagation,
]
