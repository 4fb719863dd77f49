#!/usr/bin/env python3
"""Drive a running failoverkit mock with VMware's own Python SDK.

Logs in with create_vsphere_client (vAPI JSON-RPC at POST /api), reads the
cluster (Cluster.get and cluster.Active.get, full and partial) and its
mode, starts a planned VCHA failover with Cluster.failover_task, polls the
task with the cis tasks service until it ends, reads the cluster and mode
again (the roles swapped, each read compared with the REST twin's answer),
and checks that the JSON-RPC session token also works on the /api REST
paths. Not run in CI (CI cannot fetch the SDK). See README, "vSphere
JSON-RPC".

Usage (the SDK's wheels from vmware/vsphere-automation-sdk-python installed
or unpacked into a directory on PYTHONPATH; pyOpenSSL and requests needed):

    failoverkit mock --tls --vcha-outage 0 --task-duration 3s &
    PYTHONPATH=/path/to/sdk python3 tools/pysdk/replay.py 127.0.0.1:8442

Set FAILOVERKIT_CA to a PEM file (mock --tls-cert-out) to verify the
certificate instead of skipping the check; FAILOVERKIT_USER / FAILOVERKIT_PASSWORD for other credentials, and
FAILOVERKIT_TRACE=1 to print every JSON-RPC request and answer body.
"""
import json
import os
import sys
import time

import requests
import urllib3

from com.vmware.cis_client import Tasks
from vmware.vapi.vsphere.client import create_vsphere_client


def trace(session):
    """Print each request and answer body (FAILOVERKIT_TRACE=1)."""
    def hook(resp, *args, **kwargs):
        print(">>", resp.request.body.decode() if resp.request.body else "")
        print("<<", resp.status_code, resp.text)
    session.hooks["response"].append(hook)


SEEN = {}


def remember_session(resp, *args, **kwargs):
    """Keep the session id the SDK sends in its security context."""
    try:
        sec = json.loads(resp.request.body)["params"]["ctx"]["securityCtx"]
    except (TypeError, ValueError, KeyError):
        return
    if "sessionId" in sec:
        SEEN["token"] = sec["sessionId"]


def refusals(server, s, tasks):
    """The SDK's typed exceptions for the mock's vAPI errors."""
    from com.vmware.vapi.std.errors_client import NotFound, Unauthenticated
    try:
        create_vsphere_client(server=server, username="administrator@vsphere.local",
                              password="wrong", session=s)
        sys.exit("a wrong password logged in")
    except Unauthenticated as e:
        print("wrong password: Unauthenticated:", e.messages[0].id, "/", e.messages[0].default_message)
    try:
        tasks.get("task-999999:com.vmware.vcenter.vcha.cluster")
        sys.exit("an unknown task was found")
    except NotFound as e:
        print("unknown task: NotFound:", e.messages[0].default_message)


def show_cluster(client, s, server, when):
    """Cluster.get and get(partial=True): health, mode and node roles, and
    cluster.Active.get: the active node's addresses and VM, each checked
    against its REST twin (POST /api/vcenter/vcha/cluster[/active]?action=get)."""
    for partial in (None, True):
        info = client.vcenter.vcha.Cluster.get(partial=partial)
        roles = {name: (str(n.runtime.state), str(n.runtime.role), n.runtime.placement is not None)
                 for name, n in (("node1", info.node1), ("node2", info.node2), ("witness", info.witness))}
        print("cluster %s (partial=%s): config=%s health=%s mode=%s manual=%s auto=%s warnings=%s" % (
            when, partial, info.config_state, info.health_state, info.mode, info.manual_failover_allowed,
            info.auto_failover_allowed, info.health_warnings))
        print("  (state, role, has placement):", roles)
        rest = s.post("https://%s/api/vcenter/vcha/cluster?action=get" % server,
                      headers={"vmware-api-session-id": SEEN["token"]},
                      json={"partial": True} if partial else {}).json()
        got = {name: (v["runtime"]["state"], v["runtime"]["role"], "placement" in v["runtime"])
               for name, v in ((k, rest[k]) for k in ("node1", "node2", "witness"))}
        same = (got == roles and rest["health_state"] == str(info.health_state)
                and rest["mode"] == str(info.mode) and rest["config_state"] == str(info.config_state))
        print("  same as REST:", same)
        if not same:
            sys.exit("Cluster.get differs from REST: %s" % rest)
        active = client.vcenter.vcha.cluster.Active.get(partial=partial)
        print("  active (partial=%s): management=%s ha=%s vm=%s" % (
            partial, active.management.ipv4.address, active.ha.ipv4.address,
            active.placement.vm_name if active.placement else None))
        rest = s.post("https://%s/api/vcenter/vcha/cluster/active?action=get" % server,
                      headers={"vmware-api-session-id": SEEN["token"]},
                      json={"partial": True} if partial else {}).json()
        same = (rest["management"]["ipv4"]["address"] == active.management.ipv4.address
                and rest["ha"]["ipv4"]["address"] == active.ha.ipv4.address
                and rest.get("placement", {}).get("vm_name") == (active.placement.vm_name if active.placement else None))
        print("  active same as REST:", same)
        if not same:
            sys.exit("Active.get differs from REST: %s" % rest)


def main():
    server = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8442"
    user = os.environ.get("FAILOVERKIT_USER", "administrator@vsphere.local")
    password = os.environ.get("FAILOVERKIT_PASSWORD", "vmware")
    urllib3.disable_warnings()
    s = requests.Session()
    ca = os.environ.get("FAILOVERKIT_CA")  # e.g. the file of mock --tls-cert-out
    s.verify = ca if ca else False  # else: the mock's self-signed certificate, unchecked
    if not ca:
        s.trust_env = False  # or REQUESTS_CA_BUNDLE would override verify=False
    s.hooks["response"].append(remember_session)
    if os.environ.get("FAILOVERKIT_TRACE"):
        trace(s)
    client = create_vsphere_client(server=server, username=user, password=password, session=s)
    print("login: ok")

    mode = client.vcenter.vcha.cluster.Mode.get()
    print("mode before:", mode.mode)
    show_cluster(client, s, server, "before")

    task = client.vcenter.vcha.Cluster.failover_task(planned=True)
    task_id = task.get_task_id()
    print("failover task:", task_id)

    tasks = Tasks(client._stub_config)
    deadline = time.time() + 120
    while True:
        info = tasks.get(task_id)
        print("task status:", info.status, "progress:",
              info.progress.completed if info.progress else None)
        if str(info.status) in ("SUCCEEDED", "FAILED"):
            break
        if time.time() > deadline:
            sys.exit("task did not end in 120 s")
        time.sleep(1)
    print("task info: service=%s operation=%s cancelable=%s start=%s end=%s user=%s error=%s" % (
        info.service, info.operation, info.cancelable, info.start_time, info.end_time, info.user, info.error))
    print("task.get_info().status:", task.get_info().status)
    if str(info.status) != "SUCCEEDED":
        sys.exit("failover task FAILED: %s" % info.error)

    print("mode after:", client.vcenter.vcha.cluster.Mode.get().mode)
    show_cluster(client, s, server, "after")

    # The JSON-RPC session is the REST session too (one session store).
    sess = client.session_svc.get()
    print("session user:", sess.user)
    rest = s.get("https://%s/api/vcenter/vcha/cluster/mode" % server,
                 headers={"vmware-api-session-id": SEEN["token"]})
    print("REST GET /api/vcenter/vcha/cluster/mode with the JSON-RPC token:", rest.status_code, rest.text)
    refusals(server, s, tasks)
    print("done")


if __name__ == "__main__":
    main()
