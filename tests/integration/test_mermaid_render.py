"""Mermaid diagrams really render: the pinned mermaid-cli (tools/mermaid) draws them in Debian's Chromium.

scripts/render_mermaid.sh installs what it lacks on first use (chromium with apt-get, node_modules with
`npm ci`), so the first render here can take a minute; each later one takes a few seconds.
The SVG is read back as XML: the nodes, subgraphs and edges it draws, and the labels they carry.
"""

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RENDER = REPO / "scripts" / "render_mermaid.sh"
CONNECTIVITY = REPO / "plugins" / "module_utils" / "connectivity.py"
SVG = "{http://www.w3.org/2000/svg}"

# The shape the connectivity planner emits: accounts as subgraphs, VPCs as nodes, labelled one-way and
# two-way edges, a transit gateway (circle) and an on-premises network (parallelogram).
SAMPLE = """\
flowchart LR
  subgraph acct_111111111111["Account 111111111111"]
    vpc_0["crossvpc-lab-a<br/>10.0.0.0/16"]
  end
  subgraph acct_222222222222["Account 222222222222"]
    vpc_1["crossvpc-lab-b<br/>10.0.0.0/16"]
    vpc_2["crossvpc-lab-c<br/>10.1.0.0/16"]
  end
  vpc_1 -- "PrivateLink :8443" --> vpc_0
  vpc_2 <-- "peering" --> vpc_0
  tgw(("Transit Gateway"))
  onprem_0[/"datacenter<br/>192.168.0.0/16"/]
  onprem_0 <--> tgw
"""

# An edge label left open and a node bracket never closed: mermaid's parser must reject it.
BROKEN = """\
flowchart LR
  vpc_0["crossvpc-lab-a"] --> vpc_1["crossvpc-lab-b"]
  vpc_1 -- "PrivateLink :8443 --> vpc_0
  vpc_2[[[ unclosed
"""

LAB_VPCS = [
    {"name": "crossvpc-lab-a", "account_id": "111111111111", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]},
    {"name": "crossvpc-lab-b", "account_id": "222222222222", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]},
    {"name": "crossvpc-lab-c", "account_id": "222222222222", "region": "us-east-1", "cidrs": ["10.1.0.0/16"]},
]
LAB_LINKS = [
    {"client": "crossvpc-lab-b", "server": "crossvpc-lab-a", "ports": [8443]},
    {"client": "crossvpc-lab-c", "server": "crossvpc-lab-a", "ports": [8443]},
]


def render(source, directory, name="diagram"):
    """Render Mermaid ``source`` to ``directory/name.svg`` with scripts/render_mermaid.sh."""
    mmd = directory / f"{name}.mmd"
    svg = directory / f"{name}.svg"
    mmd.write_text(source)
    completed = subprocess.run(["bash", str(RENDER), str(mmd), str(svg)], cwd=REPO, capture_output=True,
                               text=True, timeout=900, check=False)
    return completed, svg


def rendered(source, directory, name="diagram"):
    """Render ``source``, insist that it worked, and return the SVG's root element."""
    completed, svg = render(source, directory, name)
    assert completed.returncode == 0, f"render failed ({completed.returncode}):\n{completed.stderr}"
    assert svg.is_file() and svg.stat().st_size > 0, f"no SVG written:\n{completed.stderr}"
    root = ET.parse(svg).getroot()  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    assert not root.findall(f".//{SVG}g[@class='error-icon']"), "mermaid drew its error diagram"
    return root


def words(element):
    return [text.strip() for text in element.itertext() if text.strip()]


def drawn(root):
    """(nodes, clusters, edges): node id -> label lines, cluster id -> label lines, edge id -> <path>."""
    nodes, clusters, edges = {}, {}, {}
    prefix = root.get("id") + "-"
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "node" in classes:
            match = re.fullmatch(re.escape(prefix) + r"flowchart-(.+)-\d+", group.get("id", ""))
            assert match, f"unexpected node id {group.get('id')!r}"
            nodes[match.group(1)] = words(group)
        elif "cluster" in classes:
            clusters[group.get("id").removeprefix(prefix)] = words(group)
    for path in root.iter(f"{SVG}path"):
        if "flowchart-link" in path.get("class", "").split():
            edges[path.get("data-id")] = path
    return nodes, clusters, edges


def edge_labels(root):
    return [" ".join(words(group)) for group in root.iter(f"{SVG}g")
            if "edgeLabel" in group.get("class", "").split() and words(group)]


def test_planner_shaped_flowchart_renders(tmp_path):
    root = rendered(SAMPLE, tmp_path)
    nodes, clusters, edges = drawn(root)

    assert nodes == {
        "vpc_0": ["crossvpc-lab-a", "10.0.0.0/16"],
        "vpc_1": ["crossvpc-lab-b", "10.0.0.0/16"],
        "vpc_2": ["crossvpc-lab-c", "10.1.0.0/16"],
        "tgw": ["Transit Gateway"],
        "onprem_0": ["datacenter", "192.168.0.0/16"],
    }
    assert clusters == {"acct_111111111111": ["Account 111111111111"],
                        "acct_222222222222": ["Account 222222222222"]}
    assert sorted(edge_labels(root)) == ["PrivateLink :8443", "peering"]
    # one-way PrivateLink: an arrow head at the server only; `<-- "label" -->` and `<-->`: heads at both ends
    assert set(edges) == {"L_vpc_1_vpc_0_0", "L_vpc_2_vpc_0_0", "L_onprem_0_tgw_0"}
    assert edges["L_vpc_1_vpc_0_0"].get("marker-end") and not edges["L_vpc_1_vpc_0_0"].get("marker-start")
    for both_ways in ("L_vpc_2_vpc_0_0", "L_onprem_0_tgw_0"):
        assert edges[both_ways].get("marker-start") and edges[both_ways].get("marker-end"), both_ways


def test_broken_diagram_fails_with_parse_error(tmp_path):
    completed, svg = render(BROKEN, tmp_path, "broken")

    assert completed.returncode != 0
    assert "Parse error on line" in completed.stderr, completed.stderr
    assert not svg.exists()


def test_planner_diagram_of_lab_demo_renders(tmp_path):
    if not CONNECTIVITY.exists():
        pytest.skip("plugins/module_utils/connectivity.py (the connectivity planner) does not exist yet")
    from ansible_collections.crossvpc.aws.plugins.module_utils import connectivity

    assert callable(getattr(connectivity, "plan", None)), "connectivity.plan is missing"
    assert callable(getattr(connectivity, "mermaid", None)), "connectivity.mermaid is missing"
    source = connectivity.mermaid(connectivity.plan(LAB_VPCS, LAB_LINKS))
    assert isinstance(source, str) and source.strip(), f"mermaid() gave {source!r}"

    root = rendered(source, tmp_path, "lab")
    nodes, clusters, edges = drawn(root)
    node_text = " ".join(" ".join(lines) for lines in nodes.values())
    for vpc in LAB_VPCS:
        assert vpc["name"] in node_text, f"{vpc['name']} not drawn:\n{source}"
    cluster_text = " ".join(" ".join(lines) for lines in clusters.values())
    for account in ("111111111111", "222222222222"):
        assert account in cluster_text or account in node_text, f"account {account} not drawn:\n{source}"
    assert len(edges) >= len(LAB_LINKS), f"{len(edges)} edges drawn for {len(LAB_LINKS)} links:\n{source}"
