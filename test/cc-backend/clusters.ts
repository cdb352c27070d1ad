// Cluster configuration of the double: which clusters, sub-clusters and hosts exist (the parts of
// cluster.json that cc-backend's start_job checks use), and the sub-cluster assignment of
// CONTRACT.md §1.2 b.

import { HostListError, type NodeList, nodeListContains, parseNodeList } from './hostlist.js';

export interface SubClusterConfig {
  name: string;
  /** Host list (`f[0101-0188],login`) or `*` (any host, used only as fallback for the FIRST sub-cluster). */
  nodes: string;
}
export interface ClusterConfig {
  name: string;
  subClusters: SubClusterConfig[];
}

export interface ResolvedCluster extends ClusterConfig {
  nodeLists: Map<string, NodeList>;
}

/**
 * Parses the `--cluster` syntax: `name[:hostlist]`, hostlist defaulting to `*`.
 * The single sub-cluster is called `main`. `name:sc1=list1;sc2=list2` names sub-clusters explicitly.
 */
export function parseClusterSpec(spec: string): ClusterConfig {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '*' : spec.slice(colon + 1);
  if (name === '') throw new Error(`--cluster ${JSON.stringify(spec)}: empty cluster name`);
  if (rest.includes('=')) {
    const subClusters = rest.split(';').map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new Error(`--cluster ${JSON.stringify(spec)}: expected sub=hostlist, got ${JSON.stringify(part)}`);
      return { name: part.slice(0, eq), nodes: part.slice(eq + 1) };
    });
    return { name, subClusters };
  }
  return { name, subClusters: [{ name: 'main', nodes: rest === '' ? '*' : rest }] };
}

export function resolveClusters(configs: ClusterConfig[]): ResolvedCluster[] {
  return configs.map((c) => {
    if (c.subClusters.length === 0) throw new Error(`cluster ${c.name}: cluster.subClusters should not be empty`);
    const nodeLists = new Map<string, NodeList>();
    for (const sc of c.subClusters) {
      if (sc.nodes === '*') continue;
      try {
        nodeLists.set(sc.name, parseNodeList(sc.nodes));
      } catch (e) {
        if (e instanceof HostListError) throw new Error(`ARCHIVE/CLUSTERCONFIG > in ${c.name}/cluster.json: ${e.message}`);
        throw e;
      }
    }
    return { ...c, nodeLists };
  });
}

/** Marker for the nil dereference cc-backend hits on `resources:[null]` (→ recovered panic, 500, empty body). */
export class NilDereference extends Error {}

/**
 * AssignSubCluster. Returns the sub-cluster or throws an Error with cc-backend's text.
 * When several sub-clusters match a host, cc-backend picks one at random (Go map order);
 * the double takes the first in configuration order.
 */
export function assignSubCluster(
  cluster: ResolvedCluster,
  subCluster: string,
  firstResource: { hostname: string } | null | undefined,
  resourceCount: number,
): string {
  if (subCluster !== '') {
    if (cluster.subClusters.some((sc) => sc.name === subCluster)) return subCluster;
    throw new Error(`ARCHIVE/CLUSTERCONFIG > already assigned subcluster ${subCluster} unkown (cluster: ${cluster.name})`);
  }
  if (resourceCount === 0) throw new Error('ARCHIVE/CLUSTERCONFIG > job without any resources/hosts');
  if (firstResource === null || firstResource === undefined) throw new NilDereference('nil resource');
  const host0 = firstResource.hostname;
  for (const sc of cluster.subClusters) {
    const nl = cluster.nodeLists.get(sc.name);
    if (nl && nodeListContains(nl, host0)) return sc.name;
  }
  if (cluster.subClusters[0]?.nodes === '*') return cluster.subClusters[0].name;
  throw new Error(`ARCHIVE/CLUSTERCONFIG > no subcluster found for cluster ${cluster.name} and host ${host0}`);
}

/** A cluster.json-shaped object for GET /api/clusters/ (only the fields the double knows). */
export function clusterJson(c: ClusterConfig): unknown {
  return { name: c.name, metricConfig: [], subClusters: c.subClusters.map((sc) => ({ name: sc.name, nodes: sc.nodes })) };
}
