"""EC2 networking: VPC, subnets, internet gateway (routes and security groups in their own modules)."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.tfprovider.resource import Resource, State, tag_dict, tag_list
from harness.tfprovider.resources.common import ARN, ID, REGION, TAGS, not_found
from harness.tfprovider.schema import (
    BOOL,
    NUMBER,
    STRING,
    block,
    comp,
    opt,
    optc,
    req,
)


class Ec2Resource(Resource):
    kind = ""  # the ARN's resource kind, e.g. "vpc"

    @property
    def ec2(self) -> Any:
        return self.ctx.client("ec2")

    def arn(self, ident: str) -> str:
        return f"arn:aws:ec2:{self.ctx.region}:{self.ctx.account_id}:{self.kind}/{ident}"

    def tag_spec(self, resource_type: str, state: State) -> list[dict[str, Any]]:
        tags = self.tags_for_api(state)
        return [{"ResourceType": resource_type, "Tags": tag_list(tags)}] if tags else []

    def sync_tags(self, ident: str, prior: State, planned: State) -> None:
        old, new = self.tags_for_api(prior), self.tags_for_api(planned)
        gone = [{"Key": k} for k in old if k not in new]
        if gone:
            self.ec2.delete_tags(Resources=[ident], Tags=gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            self.ec2.create_tags(Resources=[ident], Tags=tag_list(changed))

    def with_tags(self, prior: State, out: State, api_tags: list[dict[str, str]] | None) -> State:
        out["tags"], out["tags_all"] = self.split_tags(prior, tag_dict(api_tags))
        return out


class Vpc(Ec2Resource):
    type_name = "aws_vpc"
    kind = "vpc"
    unsupported: ClassVar[dict[str, str]] = {
        "assign_generated_ipv6_cidr_block": "IPv6 is not emulated",
        "ipv6_cidr_block": "IPv6 is not emulated",
        "ipv6_ipam_pool_id": "IPAM is not emulated",
        "ipv6_netmask_length": "IPAM is not emulated",
        "ipv4_ipam_pool_id": "IPAM is not emulated",
        "ipv4_netmask_length": "IPAM is not emulated",
        "enable_network_address_usage_metrics": "Network Address Usage metrics are not emulated",
    }
    schema = block(
        ID, ARN, REGION, *TAGS,
        optc("cidr_block", STRING, force_new=True),
        # what the VPC module always sets (IPv6 and IPAM; null or false in its defaults)
        opt("ipv4_ipam_pool_id", STRING, force_new=True),
        opt("ipv4_netmask_length", NUMBER, force_new=True),
        optc("ipv6_cidr_block", STRING),
        opt("ipv6_ipam_pool_id", STRING),
        opt("ipv6_netmask_length", NUMBER),
        optc("ipv6_cidr_block_network_border_group", STRING),
        optc("enable_network_address_usage_metrics", BOOL),
        comp("ipv6_association_id", STRING),
        opt("instance_tenancy", STRING, default="default"),
        opt("enable_dns_support", BOOL, default=True),
        optc("enable_dns_hostnames", BOOL),
        opt("assign_generated_ipv6_cidr_block", BOOL, default=False),
        comp("default_security_group_id", STRING),
        comp("default_route_table_id", STRING),
        comp("main_route_table_id", STRING),
        comp("default_network_acl_id", STRING),
        comp("dhcp_options_id", STRING),
        comp("owner_id", STRING),
    )  # fmt: skip

    def create(self, planned: State) -> State:
        vpc = self.ec2.create_vpc(
            CidrBlock=planned["cidr_block"],
            InstanceTenancy=planned["instance_tenancy"],
            TagSpecifications=self.tag_spec("vpc", planned),
        )["Vpc"]
        self._set_dns(vpc["VpcId"], {}, planned)
        return self.read({**planned, "id": vpc["VpcId"]}) or planned

    def _set_dns(self, ident: str, prior: State, planned: State) -> None:
        for attr, api in (
            ("enable_dns_support", "EnableDnsSupport"),
            ("enable_dns_hostnames", "EnableDnsHostnames"),
        ):
            value = planned.get(attr)
            if isinstance(value, bool) and value != prior.get(attr):
                self.ec2.modify_vpc_attribute(VpcId=ident, **{api: {"Value": value}})

    def read(self, state: State) -> State | None:
        try:
            vpc = self.ec2.describe_vpcs(VpcIds=[state["id"]])["Vpcs"][0]
        except Exception as exc:
            if not_found(exc, "InvalidVpcID"):
                return None
            raise
        ident = vpc["VpcId"]
        attr = self.ec2.describe_vpc_attribute
        tables = self.ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [ident]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
        groups = self.ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [ident]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"]
        acls = self.ec2.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [ident]}, {"Name": "default", "Values": ["true"]}]
        )["NetworkAcls"]
        main_table = tables[0]["RouteTableId"] if tables else None
        out = {
            **state,
            "id": ident,
            "arn": self.arn(ident),
            "region": self.ctx.region,
            "cidr_block": vpc["CidrBlock"],
            "instance_tenancy": vpc.get("InstanceTenancy", "default"),
            "enable_dns_support": attr(VpcId=ident, Attribute="enableDnsSupport")[
                "EnableDnsSupport"
            ]["Value"],
            "enable_dns_hostnames": attr(VpcId=ident, Attribute="enableDnsHostnames")[
                "EnableDnsHostnames"
            ]["Value"],
            "default_security_group_id": groups[0]["GroupId"] if groups else None,
            "default_route_table_id": main_table,
            "main_route_table_id": main_table,
            "default_network_acl_id": acls[0]["NetworkAclId"] if acls else None,
            "dhcp_options_id": vpc.get("DhcpOptionsId"),
            "owner_id": vpc.get("OwnerId"),
            # no IPv6 association: the real provider reads them as empty
            "ipv6_cidr_block": "",
            "ipv6_association_id": "",
            "ipv6_cidr_block_network_border_group": "",
            "enable_network_address_usage_metrics": False,
        }
        return self.with_tags(state, out, vpc.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        if planned["instance_tenancy"] != prior.get("instance_tenancy"):
            self.ec2.modify_vpc_tenancy(
                VpcId=prior["id"], InstanceTenancy=planned["instance_tenancy"]
            )
        self._set_dns(prior["id"], prior, planned)
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_vpc(VpcId=state["id"])


class Subnet(Ec2Resource):
    type_name = "aws_subnet"
    kind = "subnet"
    schema = block(
        ID, ARN, REGION, *TAGS,
        req("vpc_id", STRING, force_new=True),
        opt("cidr_block", STRING, force_new=True),
        optc("availability_zone", STRING, force_new=True),
        optc("availability_zone_id", STRING, force_new=True),
        opt("map_public_ip_on_launch", BOOL, default=False),
        comp("owner_id", STRING),
        # what the VPC module always sets (IPv6, Outposts, DNS names; false in its defaults)
        opt("assign_ipv6_address_on_creation", BOOL, default=False),
        opt("customer_owned_ipv4_pool", STRING),
        opt("enable_dns64", BOOL, default=False),
        opt("enable_lni_at_device_index", NUMBER),
        opt("enable_resource_name_dns_a_record_on_launch", BOOL, default=False),
        opt("enable_resource_name_dns_aaaa_record_on_launch", BOOL, default=False),
        opt("ipv6_cidr_block", STRING),
        comp("ipv6_cidr_block_association_id", STRING),
        opt("ipv6_native", BOOL, force_new=True, default=False),
        opt("map_customer_owned_ip_on_launch", BOOL),
        opt("outpost_arn", STRING, force_new=True),
        optc("private_dns_hostname_type_on_launch", STRING),
    )  # fmt: skip
    unsupported: ClassVar[dict[str, str]] = {
        "assign_ipv6_address_on_creation": "IPv6 is not emulated",
        "enable_dns64": "IPv6 is not emulated",
        "enable_resource_name_dns_aaaa_record_on_launch": "IPv6 is not emulated",
        "ipv6_cidr_block": "IPv6 is not emulated",
        "ipv6_native": "IPv6 is not emulated",
        "customer_owned_ipv4_pool": "Outposts are not emulated",
        "map_customer_owned_ip_on_launch": "Outposts are not emulated",
        "outpost_arn": "Outposts are not emulated",
        "enable_lni_at_device_index": "Outposts are not emulated",
        "enable_resource_name_dns_a_record_on_launch": "resource-name DNS records are not emulated",
    }

    def create(self, planned: State) -> State:
        args: dict[str, Any] = {"VpcId": planned["vpc_id"], "CidrBlock": planned["cidr_block"]}
        if isinstance(planned.get("availability_zone"), str):
            args["AvailabilityZone"] = planned["availability_zone"]
        elif isinstance(planned.get("availability_zone_id"), str):
            args["AvailabilityZoneId"] = planned["availability_zone_id"]
        subnet = self.ec2.create_subnet(**args, TagSpecifications=self.tag_spec("subnet", planned))[
            "Subnet"
        ]
        if planned.get("map_public_ip_on_launch"):
            self._map_public(subnet["SubnetId"], True)
        return self.read({**planned, "id": subnet["SubnetId"]}) or planned

    def _map_public(self, ident: str, value: bool) -> None:
        self.ec2.modify_subnet_attribute(SubnetId=ident, MapPublicIpOnLaunch={"Value": value})

    def read(self, state: State) -> State | None:
        try:
            subnet = self.ec2.describe_subnets(SubnetIds=[state["id"]])["Subnets"][0]
        except Exception as exc:
            if not_found(exc, "InvalidSubnetID"):
                return None
            raise
        out = {
            **state,
            "id": subnet["SubnetId"],
            "arn": subnet.get("SubnetArn") or self.arn(subnet["SubnetId"]),
            "region": self.ctx.region,
            "vpc_id": subnet["VpcId"],
            "cidr_block": subnet["CidrBlock"],
            "availability_zone": subnet["AvailabilityZone"],
            "availability_zone_id": subnet.get("AvailabilityZoneId"),
            "map_public_ip_on_launch": subnet.get("MapPublicIpOnLaunch", False),
            "owner_id": subnet.get("OwnerId"),
            "ipv6_cidr_block_association_id": "",
            # AWS's default hostname type for a subnet's instances: the IP address
            "private_dns_hostname_type_on_launch": (
                subnet.get("PrivateDnsNameOptionsOnLaunch") or {}
            ).get("HostnameType", "ip-name"),
        }
        return self.with_tags(state, out, subnet.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        if planned["map_public_ip_on_launch"] != prior["map_public_ip_on_launch"]:
            self._map_public(prior["id"], bool(planned["map_public_ip_on_launch"]))
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        self.ec2.delete_subnet(SubnetId=state["id"])


class InternetGateway(Ec2Resource):
    type_name = "aws_internet_gateway"
    kind = "internet-gateway"
    schema = block(ID, ARN, REGION, *TAGS, optc("vpc_id", STRING), comp("owner_id", STRING))

    def create(self, planned: State) -> State:
        igw = self.ec2.create_internet_gateway(
            TagSpecifications=self.tag_spec("internet-gateway", planned)
        )
        ident = igw["InternetGateway"]["InternetGatewayId"]
        if isinstance(planned.get("vpc_id"), str):
            self.ec2.attach_internet_gateway(InternetGatewayId=ident, VpcId=planned["vpc_id"])
        return self.read({**planned, "id": ident}) or planned

    def read(self, state: State) -> State | None:
        try:
            igw = self.ec2.describe_internet_gateways(InternetGatewayIds=[state["id"]])[
                "InternetGateways"
            ][0]
        except Exception as exc:
            if not_found(exc, "InvalidInternetGatewayID"):
                return None
            raise
        attachments = igw.get("Attachments") or []
        out = {
            **state,
            "id": igw["InternetGatewayId"],
            "arn": self.arn(igw["InternetGatewayId"]),
            "region": self.ctx.region,
            "vpc_id": attachments[0]["VpcId"] if attachments else None,
            "owner_id": igw.get("OwnerId") or self.ctx.account_id,
        }
        return self.with_tags(state, out, igw.get("Tags"))

    def update(self, prior: State, planned: State) -> State:
        if planned.get("vpc_id") != prior.get("vpc_id"):
            if prior.get("vpc_id"):
                self.ec2.detach_internet_gateway(
                    InternetGatewayId=prior["id"], VpcId=prior["vpc_id"]
                )
            if planned.get("vpc_id"):
                self.ec2.attach_internet_gateway(
                    InternetGatewayId=prior["id"], VpcId=planned["vpc_id"]
                )
        self.sync_tags(prior["id"], prior, planned)
        return self.read(planned) or planned

    def delete(self, state: State) -> None:
        if state.get("vpc_id"):
            self.ec2.detach_internet_gateway(InternetGatewayId=state["id"], VpcId=state["vpc_id"])
        self.ec2.delete_internet_gateway(InternetGatewayId=state["id"])


RESOURCES: list[type[Resource]] = [Vpc, Subnet, InternetGateway]
