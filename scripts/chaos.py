#!/usr/bin/env python3
"""Chaos runs of the provider against palette-local (run through scripts/chaos.sh).

Every run starts a fresh palette-local, applies one mixed configuration (two
projects, an add-on cluster profile, an application profile, a cluster group,
five virtual clusters and an application deployed into the group) under some
trouble, then turns faults off and checks:

* exactly once: every object the configuration names exists once on the server;
* state = server: every resource in the state is the server's object of that name;
* clean plan: `terraform plan -detailed-exitcode` exits 0;
* no replacement: no resource was destroyed (after SIGINT, only the interrupted,
  still provisioning clusters may be, since Terraform replaces tainted objects).

The trouble: injected faults (a share of requests reset or answered 429/5xx) with
several seeds; palette-local killed (SIGKILL) mid-wait and restarted on the same
database after an outage; SIGINT to terraform mid-wait. An apply that fails is
run again (at most --max-applies in all) under the same trouble; "applies" in
the table says how many it took.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from bench_common import API_KEY, PALETTE_LOCAL, PROVIDER, read_ready_url

PROVIDER_ADDRESS = "registry.terraform.io/spectrocloud/spectrocloud"
CLUSTERS = 5

CONFIG = """
terraform {
  required_providers {
    spectrocloud = {
      source = "spectrocloud/spectrocloud"
    }
  }
}

provider "spectrocloud" {}

resource "spectrocloud_project" "team" {
  for_each    = toset(["chaos-a", "chaos-b"])
  name        = each.key
  description = "chaos run"
  tags        = ["owner:chaos"]
}

resource "spectrocloud_cluster_profile" "addon" {
  name = "chaos-addon"
  type = "add-on"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "controller:\\n  replicaCount: 2\\n"
  }
}

resource "spectrocloud_application_profile" "app" {
  name = "chaos-app"
  pack {
    type = "manifest"
    name = "web"
    manifest {
      name    = "web"
      content = "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: web\\ndata:\\n  a: b\\n"
    }
  }
}

data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "cg" {
  name = "chaos-group"
  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }
  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "vc" {
  count             = %(clusters)d
  name              = "chaos-vc-${count.index}"
  cluster_group_uid = spectrocloud_cluster_group.cg.id
  resources {
    max_cpu           = 2
    max_mem_in_mb     = 4096
    max_storage_in_gb = 10
  }
  cluster_profile {
    id = spectrocloud_cluster_profile.addon.id
  }
}

resource "spectrocloud_application" "shop" {
  name                    = "chaos-shop"
  application_profile_uid = spectrocloud_application_profile.app.id
  config {
    cluster_group_uid = spectrocloud_cluster_group.cg.id
    cluster_name      = "chaos-shop-vc"
    limits {
      cpu     = 2
      memory  = 4096
      storage = 10
    }
  }
}
"""


def log(text):
    print(text, file=sys.stderr, flush=True)


class Palette:
    """A palette-local process on a fixed port and database file."""

    def __init__(self, workdir, provision_seconds):
        self.workdir = workdir
        self.db = os.path.join(workdir, "palette.db")
        self.provision_seconds = provision_seconds
        self.listen = "127.0.0.1:0"
        self.process = None
        self.url = None
        self.log = open(os.path.join(workdir, "palette-local.log"), "ab")
        self.start()

    def start(self):
        args = [
            PALETTE_LOCAL, "--listen", self.listen, "--db", self.db,
            "--provision-seconds", str(self.provision_seconds), "--delete-seconds", "2", "--pause-seconds", "1",
            "--exit-on-stdin-eof",
        ]
        for attempt in range(50):
            self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
            url = read_ready_url(self.process.stdout)
            if url is not None:
                self.url = url
                self.listen = url[len("http://"):]
                return
            self.process.wait()
            time.sleep(0.2)  # the port may still be held by the killed process
        raise RuntimeError("palette-local did not start; see " + self.log.name)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()
        self.log.close()

    def request(self, method, path, project=None, body=None):
        headers = {"ApiKey": API_KEY}
        data = None
        if project:
            headers["ProjectUid"] = project
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, (json.loads(text) if text else None)

    def get(self, path, project=None):
        status, body = self.request("GET", path, project)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body}")
        return body

    def set_faults(self, share, seed):
        # A quarter of the faults are connection resets, the rest 429/502/503/504,
        # so that a request fails with probability `share` in all.
        reset = share / 4
        rate = (share - reset) / (1 - reset)
        self.request("POST", "/__admin/faults", body={"rate": rate, "resetRate": reset, "seed": seed})

    def clear_faults(self):
        self.request("POST", "/__admin/faults", body={"rate": 0.0, "resetRate": 0.0})

    def default_project(self):
        items = self.get("/v1/dashboard/projects/metadata")["items"]
        return next(p["metadata"]["uid"] for p in items if p["metadata"]["name"] == "Default")

    def live_clusters(self):
        """(name, uid) of the live virtual clusters of the Default project."""
        search = {"filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
            {"property": "environment", "type": "string", "condition": {"string": {
                "operator": "eq", "negation": False, "ignoreCase": False, "match": {"conjunction": "or", "values": ["nested"]}}}},
            {"property": "isDeleted", "type": "bool", "condition": {"bool": {"value": False}}}]}]}}
        status, body = self.request("POST", "/v1/dashboard/spectroclusters/search?limit=0", self.default_project(), search)
        if status != 200:
            raise RuntimeError(f"cluster search: {status} {body}")
        return [(c["metadata"]["name"], c["metadata"]["uid"]) for c in body["items"]]

    def objects(self):
        """Every object of the kinds the configuration makes: kind -> [(name, uid)]."""
        project = self.default_project()
        projects = [(p["metadata"]["name"], p["metadata"]["uid"]) for p in self.get("/v1/dashboard/projects/metadata")["items"]]
        profiles = [(p["metadata"]["name"], p["metadata"]["uid"])
                    for p in self.get("/v1/dashboard/clusterprofiles/metadata", project)["items"]]
        status, apps = self.request("POST", "/v1/dashboard/appProfiles?limit=0", project, {})
        if status != 200:
            raise RuntimeError(f"app profiles: {status} {apps}")
        app_profiles = [(p["metadata"]["name"], p["metadata"]["uid"]) for p in apps["appProfiles"]]
        groups = [(g["name"], g["uid"]) for g in self.get("/v1/clustergroups/hostCluster/metadata")["items"]]
        status, deployments = self.request("POST", "/v1/dashboard/appDeployments?limit=0", project, {"filter": {}})
        if status != 200:
            raise RuntimeError(f"app deployments: {status} {deployments}")
        applications = [(d["metadata"]["name"], d["metadata"]["uid"]) for d in deployments["appDeployments"]]
        return {
            "spectrocloud_project": projects,
            "spectrocloud_cluster_profile": profiles,
            "spectrocloud_application_profile": app_profiles,
            "spectrocloud_cluster_group": groups,
            "spectrocloud_virtual_cluster": self.live_clusters(),
            "spectrocloud_application": applications,
        }


def expected_objects():
    """The names the configuration creates, by resource type."""
    return {
        "spectrocloud_project": ["chaos-a", "chaos-b"],
        "spectrocloud_cluster_profile": ["chaos-addon"],
        "spectrocloud_application_profile": ["chaos-app"],
        "spectrocloud_cluster_group": ["chaos-group"],
        "spectrocloud_virtual_cluster": [f"chaos-vc-{i}" for i in range(CLUSTERS)],
        "spectrocloud_application": ["chaos-shop"],
    }


class Terraform:
    def __init__(self, workdir, palette):
        self.dir = os.path.join(workdir, "config")
        os.makedirs(self.dir)
        plugin = os.path.join(workdir, "plugin")
        os.makedirs(plugin)
        os.symlink(PROVIDER, os.path.join(plugin, "terraform-provider-spectrocloud"))
        cli = os.path.join(workdir, "cli.tfrc")
        with open(cli, "w") as f:
            f.write('provider_installation {\n  dev_overrides {\n    "%s" = "%s"\n  }\n  direct {}\n}\n' % (PROVIDER_ADDRESS, plugin))
        with open(os.path.join(self.dir, "main.tf"), "w") as f:
            f.write(CONFIG % {"clusters": CLUSTERS})
        self.env = dict(os.environ, TF_CLI_CONFIG_FILE=cli, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0",
                        SPECTROCLOUD_HOST=palette.url, SPECTROCLOUD_APIKEY=API_KEY)
        self.binary = os.environ.get("TF_BINARY", "terraform")
        self.outputs = []

    def start(self, *args):
        # A session of its own, like a shell job, so SIGINT can go to the whole
        # group as a terminal's Ctrl-C does (Terraform before 1.1 ignores it
        # in its panicwrap parent).
        return subprocess.Popen([self.binary, *args], cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def finish(self, process, limit=1800):
        output, _ = process.communicate(timeout=limit)
        self.outputs.append(output)
        return process.returncode, output

    def run(self, *args):
        return self.finish(self.start(*args))

    def apply_process(self):
        return self.start("apply", "-auto-approve", "-no-color")

    def state(self):
        code, output = self.run("show", "-json", "-no-color")
        if code != 0:
            raise RuntimeError("terraform show failed:\n" + output)
        return json.loads(output)

    def destroyed(self):
        """Addresses destroyed by the applies so far (replacements: nothing else is destroyed)."""
        found = set()
        for output in self.outputs:
            found.update(re.findall(r"^(\S+): Destroying\.\.\.", output, re.MULTILINE))
        return sorted(found)


def wait_for_clusters(palette, count, limit=300):
    """Waits until `count` virtual clusters exist on the server: the create waits have begun."""
    started = time.time()
    while time.time() - started < limit:
        try:
            if len(palette.live_clusters()) >= count:
                return True
        except (OSError, RuntimeError):
            pass
        time.sleep(0.2)
    return False


def converge(tf, max_applies, first=None):
    """Applies until an apply succeeds; returns (applies made, last output)."""
    applies = 0
    output = ""
    while applies < max_applies:
        process = first if (first is not None and applies == 0) else tf.apply_process()
        code, output = tf.finish(process)
        applies += 1
        if code == 0:
            return applies, True, output
        log(f"    apply {applies} failed:\n" + "\n".join("      " + line for line in output.splitlines() if "Error" in line or "│" in line)[:3000])
    return applies, False, output


def check(palette, tf, allowed_replacements=()):
    """The checks after a run, with faults off."""
    palette.clear_faults()
    expected = expected_objects()
    objects = palette.objects()
    duplicates, missing = [], []
    for kind, names in expected.items():
        for name in names:
            count = sum(1 for found, _ in objects[kind] if found == name)
            if count > 1:
                duplicates.append(f"{name} x{count}")
            elif count == 0:
                missing.append(name)
    state = tf.state()
    resources = [r for r in state.get("values", {}).get("root_module", {}).get("resources", []) if r["mode"] == "managed"]
    mismatched = []
    for resource in resources:
        name, uid = resource["values"].get("name"), resource["values"].get("id")
        on_server = [found_uid for found, found_uid in objects.get(resource["type"], []) if found == name]
        if on_server != [uid]:
            mismatched.append(f"{resource['address']} id {uid} vs server {on_server}")
    in_state = len(resources) == sum(len(names) for names in expected.values())
    code, plan_output = tf.run("plan", "-detailed-exitcode", "-no-color")
    destroyed = tf.destroyed()
    unexpected = [address for address in destroyed if address not in allowed_replacements]
    return {
        "duplicates": duplicates,
        "missing": missing,
        "state_equal": in_state and not mismatched and not missing,
        "mismatched": mismatched,
        "clean_plan": code == 0,
        "plan_output": plan_output if code != 0 else "",
        "replaced": destroyed,
        "unexpected_replacements": unexpected,
    }


def tainted(state_file):
    try:
        with open(state_file) as f:
            state = json.load(f)
    except (OSError, ValueError):
        return []
    found = []
    for resource in state.get("resources", []):
        for instance in resource.get("instances", []):
            if instance.get("status") == "tainted":
                index = instance.get("index_key")
                suffix = f"[{index}]" if isinstance(index, int) else (f'["{index}"]' if index is not None else "")
                found.append(f"{resource['type']}.{resource['name']}{suffix}")
    return found


def run_faults(workdir, args, share, seed):
    palette = Palette(workdir, args.provision_seconds)
    try:
        palette.set_faults(share, seed)
        tf = Terraform(workdir, palette)
        applies, converged, _ = converge(tf, args.max_applies)
        result = check(palette, tf)
        return dict(result, applies=applies, converged=converged, note="")
    finally:
        palette.stop()


def run_outage(workdir, args, seconds):
    palette = Palette(workdir, args.provision_seconds)
    try:
        tf = Terraform(workdir, palette)
        process = tf.apply_process()
        note = ""
        if wait_for_clusters(palette, CLUSTERS):
            time.sleep(1)
            palette.kill()
            time.sleep(seconds)
            palette.start()
            note = f"killed mid-wait, down {seconds}s"
        else:
            note = "the clusters never appeared; no outage made"
        applies, converged, _ = converge(tf, args.max_applies, first=process)
        result = check(palette, tf)
        return dict(result, applies=applies, converged=converged, note=note)
    finally:
        palette.stop()


def run_sigint(workdir, args):
    palette = Palette(workdir, max(args.provision_seconds, 60))
    try:
        tf = Terraform(workdir, palette)
        process = tf.apply_process()
        note = "the clusters never appeared"
        interrupted = []
        if wait_for_clusters(palette, CLUSTERS):
            time.sleep(1)
            sent = time.time()
            os.killpg(process.pid, signal.SIGINT)
            try:
                code, _ = tf.finish(process, limit=60)
                note = f"SIGINT: terraform exited {code} after {time.time() - sent:.1f}s"
            except subprocess.TimeoutExpired:
                code, _ = tf.finish(process)
                note = f"SIGINT did not stop terraform within 60s; the apply finished (exit {code})"
            interrupted = tainted(os.path.join(tf.dir, "terraform.tfstate"))
            note += f"; {len(interrupted)} tainted"
            # The next apply needs no long wait: let the clusters come up.
            palette.request("POST", "/__admin/time/advance", body={"seconds": 3600})
        applies, converged, _ = converge(tf, args.max_applies)
        result = check(palette, tf, allowed_replacements=interrupted)
        return dict(result, applies=applies, converged=converged, note=note)
    finally:
        palette.stop()


def verdict(result):
    ok = result["converged"] and not result["duplicates"] and result["state_equal"] and result["clean_plan"] and not result["unexpected_replacements"]
    return "converged" if ok else "FAILED"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shares", default="0.3,0.6", help="fault shares (default 0.3,0.6)")
    parser.add_argument("--seeds", default="1,2,3", help="fault seeds (default 1,2,3)")
    parser.add_argument("--outages", default="10,30,60", help="outage lengths in seconds (default 10,30,60)")
    parser.add_argument("--no-sigint", action="store_true", help="skip the SIGINT run")
    parser.add_argument("--provision-seconds", type=int, default=20, help="virtual cluster provisioning time (default 20)")
    parser.add_argument("--max-applies", type=int, default=3, help="applies a run may take to converge (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep each run's directory (printed)")
    args = parser.parse_args()

    runs = []
    for share in [float(s) for s in args.shares.split(",") if s]:
        for seed in [int(s) for s in args.seeds.split(",") if s]:
            runs.append((f"faults {share:.0%}", f"seed {seed}", lambda d, share=share, seed=seed: run_faults(d, args, share, seed)))
    for seconds in [int(s) for s in args.outages.split(",") if s]:
        runs.append((f"outage {seconds}s", "kill -9 + restart", lambda d, seconds=seconds: run_outage(d, args, seconds)))
    if not args.no_sigint:
        runs.append(("SIGINT mid-wait", "then apply", lambda d: run_sigint(d, args)))

    version = subprocess.run([os.environ.get("TF_BINARY", "terraform"), "version"], capture_output=True, text=True).stdout.splitlines()[0]
    log(f"{len(runs)} runs with {version}, provisioning {args.provision_seconds}s")
    rows = []
    failed = False
    for scenario, detail, run in runs:
        workdir = tempfile.mkdtemp(prefix="chaos-")
        log(f"== {scenario} ({detail}) in {workdir}")
        started = time.time()
        try:
            result = run(workdir)
        except Exception as error:  # a broken run is a row, not the end of the table
            result = {"converged": False, "duplicates": [], "missing": [], "state_equal": False, "clean_plan": False,
                      "replaced": [], "unexpected_replacements": [], "applies": 0, "note": f"error: {error}"}
        result["seconds"] = time.time() - started
        outcome = verdict(result)
        failed |= outcome != "converged"
        for key in ("missing", "mismatched", "unexpected_replacements"):
            if result.get(key):
                log(f"    {key}: {result[key]}")
        if result.get("plan_output"):
            log("    plan after the run:\n" + result["plan_output"][-3000:])
        log(f"    {outcome} in {result['seconds']:.0f}s; {result['note']}")
        rows.append((scenario, detail, outcome, result))
        if not args.keep:
            subprocess.run(["rm", "-rf", workdir])

    print(f"\nChaos runs ({version}; {CLUSTERS} virtual clusters, provisioning {args.provision_seconds}s)\n")
    print("| scenario | run | result | applies | duplicates | replaced | state = server | clean plan | time | note |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scenario, detail, outcome, r in rows:
        replaced = str(len(r["replaced"]))
        if r["replaced"] and not r["unexpected_replacements"]:
            replaced += " (interrupted, tainted)"
        print(f"| {scenario} | {detail} | {outcome} | {r['applies']} | {len(r['duplicates'])} | {replaced} | "
              f"{'yes' if r['state_equal'] else 'NO'} | {'yes' if r['clean_plan'] else 'NO'} | {r['seconds']:.0f}s | {r['note']} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
