"""crossvpc.aws.connectivity_plan run for real: given input with no AWS at all, discovery from the local AWS
(read-only), the report and diagram written only on change, check mode and diff, and bad input.
"""

import json
import sys
import uuid

from localaws import ACCOUNT_A, ACCOUNT_B

PLAN = "crossvpc.aws.connectivity_plan"
LAB = [{"name": "VPC_A", "account_id": ACCOUNT_A, "cidrs": ["10.0.0.0/16"]},
       {"name": "VPC_B", "account_id": ACCOUNT_B, "cidrs": ["10.0.0.0/16"]},
       {"name": "VPC_C", "account_id": ACCOUNT_B, "cidrs": ["10.1.0.0/16"]}]
LAB_LINKS = [{"client": "VPC_B", "server": "VPC_A", "ports": [8443]},
             {"client": "VPC_C", "server": "VPC_A", "ports": [8443]}]


def methods(result):
    return [(link["client"], link["server"], link["method"]) for link in result["links"]]


def test_given_input_makes_no_aws_call_and_needs_no_credentials(localaws, ansible, tmp_path):
    """No profile, no credentials file, an endpoint nobody listens on: it still plans, as nothing is called."""
    playbook = tmp_path / "plan.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "connection": "local", "tasks": [
        {"name": "under test", PLAN: {"vpcs": LAB, "links": LAB_LINKS}}]}]))
    nowhere = str(tmp_path / "missing")
    mark = localaws.control.mark()
    run = ansible(playbook, inventory="localhost,", extra_vars={"ansible_python_interpreter": sys.executable},
                  env={"AWS_CONFIG_FILE": nowhere, "AWS_SHARED_CREDENTIALS_FILE": nowhere,
                       "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_PROFILE": "", "AWS_DEFAULT_REGION": "",
                       "AWS_REGION": ""})
    result = run.result("under test")
    assert not result.get("failed"), result.get("msg")
    assert methods(result) == [("VPC_B", "VPC_A", "privatelink"), ("VPC_C", "VPC_A", "peering")]
    assert result["changed"] is False and result["report_path"] is None
    assert result["steps"]["privatelink"][0]["provider_account"] == ACCOUNT_A
    assert result["steps"]["peering"][0]["accepter"] == "VPC_C"
    assert localaws.control.calls(mark) == []


def test_all_to_all_on_the_lab_through_the_module(localaws, module):
    mark = localaws.control.mark()
    result = module(PLAN, {"vpcs": LAB, "all_to_all": True, "default_ports": [8443], "region": "us-east-1"})
    assert methods(result) == [("VPC_B", "VPC_A", "privatelink"), ("VPC_C", "VPC_A", "peering"),
                               ("VPC_C", "VPC_B", "privatelink")]
    assert "VPC_C already routes 10.0.0.0/16 to VPC_A" in result["links"][2]["reasons"][0]
    assert result["designs"]["privatelink"] == {"endpoint_services": 2, "endpoints": 2}
    assert [v["region"] for v in result["vpcs"]] == ["us-east-1"] * 3
    assert localaws.control.calls(mark) == []


def new_vpc(localaws, profile, name, cidr, secondary=(), ipv6=False, dropped=None):
    ec2 = localaws.client("ec2", profile)
    vpc = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=ipv6)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": name}])
    for block in secondary:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=block)
    if dropped:
        association = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=dropped)["CidrBlockAssociation"]
        ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])
    return vpc


def test_discovery_reads_vpcs_from_both_accounts_read_only(localaws, module):
    tag = "cp-%s" % uuid.uuid4().hex[:8]
    vpc_a = new_vpc(localaws, "crossvpc-a", tag + "-a", "10.70.0.0/16", secondary=["10.71.0.0/16"],
                    dropped="10.79.0.0/16")
    vpc_b = new_vpc(localaws, "crossvpc-b", tag + "-b", "10.71.0.0/16")
    vpc_c = new_vpc(localaws, "crossvpc-b", tag + "-c", "10.72.0.0/16", ipv6=True)
    args = {"profile": "crossvpc-a", "region": "us-east-1",
            "vpcs": [{"name": tag + "-a"},
                     {"name": tag + "-b", "profile": "crossvpc-b"},
                     {"name": "by-id", "vpc_id": vpc_c, "profile": "crossvpc-b", "account_id": ACCOUNT_B}],
            "links": [{"client": tag + "-b", "server": tag + "-a", "ports": [443]},
                      {"client": "by-id", "server": tag + "-a", "ports": [443]}]}
    mark = localaws.control.mark()
    result = module(PLAN, args)
    assert not result.get("failed"), result.get("msg")
    shown = dict((v["name"], v) for v in result["vpcs"])
    assert shown[tag + "-a"]["cidrs"] == ["10.70.0.0/16", "10.71.0.0/16"]  # secondary in, disassociated out
    assert shown[tag + "-a"]["account_id"] == ACCOUNT_A and shown[tag + "-a"]["vpc_id"] == vpc_a
    assert shown[tag + "-b"]["account_id"] == ACCOUNT_B and shown[tag + "-b"]["vpc_id"] == vpc_b
    assert shown["by-id"]["cidrs"] == ["10.72.0.0/16"] and len(shown["by-id"]["ipv6_cidrs"]) == 1
    # The secondary block of A is what B overlaps.
    assert methods(result) == [(tag + "-b", tag + "-a", "privatelink"), ("by-id", tag + "-a", "peering")]
    assert result["links"][0]["overlaps"] == [{"client_cidr": "10.71.0.0/16", "server_cidr": "10.71.0.0/16"}]
    calls = [c for c in localaws.control.calls(mark) if c["service"] == "ec2"]
    assert {c["action"] for c in calls} == {"DescribeVpcs"}
    assert {c["account"] for c in calls} == {ACCOUNT_A, ACCOUNT_B}
    assert [c for c in localaws.control.calls(mark) if c["mutating"]] == []


def test_discovery_failures_say_what_to_check(localaws, module):
    missing = module(PLAN, {"profile": "crossvpc-a", "region": "us-east-1", "all_to_all": True,
                            "vpcs": [{"name": "cp-nowhere-%s" % uuid.uuid4().hex[:8]}, LAB[0]]})
    assert missing.get("failed") and "vpcs[0]: no VPC named cp-nowhere-" in missing["msg"], missing
    tag = "cp-%s" % uuid.uuid4().hex[:8]
    new_vpc(localaws, "crossvpc-a", tag, "10.73.0.0/16")
    wrong = module(PLAN, {"profile": "crossvpc-a", "region": "us-east-1", "all_to_all": True,
                          "vpcs": [{"name": tag, "account_id": ACCOUNT_B}, LAB[0]]})
    assert wrong.get("failed") and "belongs to account %s, not account_id=%s" % (ACCOUNT_A, ACCOUNT_B) in wrong["msg"]


def test_report_and_diagram_written_only_on_change_check_mode_writes_nothing(localaws, module, tmp_path):
    report, diagram = tmp_path / "reports" / "deep" / "plan.md", tmp_path / "diagrams" / "plan.mmd"
    args = {"vpcs": LAB, "links": LAB_LINKS, "report_path": str(report), "diagram_path": str(diagram)}
    mark = localaws.control.mark()

    planned = module(PLAN, args, check=True, diff=True)
    assert planned["changed"] is True and not report.exists() and not diagram.exists()
    assert [d["after_header"] for d in planned["diff"]] == [str(report), str(diagram)]
    assert planned["diff"][0]["before"] == "" and planned["diff"][0]["after"] == planned["markdown"]

    written = module(PLAN, args)
    assert written["changed"] is True and written["report_path"] == str(report)
    assert report.read_text() == written["markdown"] == planned["markdown"]
    assert diagram.read_text() == written["mermaid"]
    assert "```mermaid\nflowchart LR\n" in report.read_text() and diagram.read_text().startswith("flowchart LR\n")

    again = module(PLAN, args, diff=True)
    assert again["changed"] is False and "diff" not in again

    grown = dict(args, expected_vpcs=10)
    preview = module(PLAN, grown, check=True, diff=True)
    assert preview["changed"] is True and report.read_text() == written["markdown"]
    assert preview["diff"][0]["before"] == written["markdown"] and preview["diff"][1]["before"] == written["mermaid"]
    assert "Transit Gateway" in preview["diff"][0]["after"] and "tgw" in preview["diff"][1]["after"]
    changed = module(PLAN, grown)
    assert changed["changed"] is True and report.read_text() == preview["markdown"]
    assert [link["method"] for link in changed["links"]] == ["privatelink", "transit_gateway"]
    assert localaws.control.calls(mark) == []


def test_bad_input_fails_before_any_call(localaws, module, tmp_path):
    cases = [
        ({"vpcs": LAB, "links": [{"client": "VPC_X", "server": "VPC_A"}]}, "links[0].client='VPC_X': is not a VPC name"),
        ({"vpcs": LAB, "links": [{"client": "VPC_A", "server": "VPC_A"}]}, "is both client and server"),
        ({"vpcs": LAB + [LAB[0]], "all_to_all": True}, "vpcs[3].name='VPC_A': is listed twice"),
        ({"vpcs": [dict(LAB[0], cidrs=["10.0.0.1/16"]), LAB[1]], "all_to_all": True}, "Use 10.0.0.0/16."),
        ({"vpcs": [dict(LAB[0], account_id="1234"), LAB[1]], "all_to_all": True}, "is not an AWS account id"),
        ({"vpcs": LAB, "links": [{"client": "VPC_B", "server": "VPC_A", "ports": [70000]}]}, "is not a TCP port"),
        ({"vpcs": LAB}, "no links given"),
        ({"vpcs": LAB, "all_to_all": True, "report_path": str(tmp_path / "x"), "diagram_path": str(tmp_path / "x")},
         "is report_path too"),
        # A list of mappings given as a string: Ansible alone would say "dictionary requested" without the option.
        ({"vpcs": "VPC_A", "all_to_all": True}, "vpcs='VPC_A': is not a list of mappings"),
        ({"vpcs": LAB, "links": "VPC_B->VPC_A"}, "links='VPC_B->VPC_A': is not a list of mappings"),
        ({"vpcs": LAB, "all_to_all": True, "on_premises": ["office"]}, "on_premises[0]='office': is not a mapping"),
        # An on-premises range that a VPC holds, routed or not (VPC_B -> VPC_A is PrivateLink: no Transit Gateway).
        ({"vpcs": LAB, "links": LAB_LINKS[:1], "on_premises": [{"name": "dc1", "cidrs": ["192.168.0.0/16", "10.0.0.0/8"]}]},
         "on_premises[0].cidrs[1]='10.0.0.0/8': overlaps VPC_A's 10.0.0.0/16 (vpcs[0].cidrs)"),
        ({"vpcs": LAB, "links": LAB_LINKS, "reachability": [
            {"reachable": True, "msg": "ok", "table": [], "item": dict(LAB_LINKS[1], method="peering")},
            {"reachable": True, "msg": "ok", "table": [], "item": dict(LAB_LINKS[1], client="VPC_D", method="peering")}]},
         "reachability[1].item.client='VPC_D': is not a VPC name in vpcs. Use one of: VPC_A, VPC_B, VPC_C."),
    ]
    mark = localaws.control.mark()
    for args, message in cases:
        result = module(PLAN, args)
        assert result.get("failed") and message in result["msg"], (args, result.get("msg"))
    assert localaws.control.calls(mark) == []
    assert list(tmp_path.iterdir()) == []
