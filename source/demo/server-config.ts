/**
 * nats-server configuration for the demo cluster: every node on 127.0.0.1, routes to all others,
 * a `node:<name>` tag for placement, an application account with JetStream and a system account.
 * Nodes that name a cluster of their own and a gateway port form a supercluster instead: routes
 * within each cluster, gateways between them, and a `region:<cluster>` tag.
 * Pure text generation, so the layout can be checked without starting a server.
 */

export type DemoNode = {
	name: string;
	port: number;
	clusterPort: number;
	httpPort: number;
	storeDir: string;
	configFile: string;
	logFile: string;
	/** The cluster it belongs to; the demo's one cluster when absent. */
	cluster?: string;
	/** Set in a supercluster only. */
	gatewayPort?: number;
};

export type DemoAccounts = {
	app: {user: string; password: string};
	sys: {user: string; password: string};
};

export const demoClusterName = 'nats-dr-demo';
const appAccount = 'APP';
const sysAccount = 'SYS';

export function nodeTag(name: string): string {
	return `node:${name}`;
}

export function regionTag(cluster: string): string {
	return `region:${cluster}`;
}

export function clusterOf(node: DemoNode): string {
	return node.cluster ?? demoClusterName;
}

function gatewayBlock(node: DemoNode, nodes: DemoNode[]): string {
	const others = [...new Set(nodes.map(other => clusterOf(other)))].filter(cluster => cluster !== clusterOf(node));
	const gateways = others.map(cluster => ({
		name: cluster,
		urls: nodes.filter(other => clusterOf(other) === cluster).map(other => `nats://127.0.0.1:${other.gatewayPort!}`),
	}));
	return `
gateway {
  name: ${clusterOf(node)}
  listen: 127.0.0.1:${node.gatewayPort!}
  gateways: ${JSON.stringify(gateways)}
}
`;
}

export function serverConfig(node: DemoNode, nodes: DemoNode[], accounts: DemoAccounts): string {
	const cluster = nodes.filter(other => clusterOf(other) === clusterOf(node));
	// JetStream refuses a cluster block without routes; a lone server's route to itself satisfies the
	// check, and the server drops the self-connection.
	const routes = cluster
		.filter(other => other.name !== node.name || cluster.length === 1)
		.map(other => `nats-route://127.0.0.1:${other.clusterPort}`);
	const user = ({user, password}: {user: string; password: string}) =>
		`{user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)}}`;
	const tags = [nodeTag(node.name), ...(node.gatewayPort === undefined ? [] : [regionTag(clusterOf(node))])];
	return `server_name: ${node.name}
listen: 127.0.0.1:${node.port}
http: 127.0.0.1:${node.httpPort}
server_tags: ${JSON.stringify(tags)}

jetstream {
  store_dir: ${JSON.stringify(node.storeDir)}
  max_memory_store: 64MB
  max_file_store: 1GB
}

cluster {
  name: ${clusterOf(node)}
  listen: 127.0.0.1:${node.clusterPort}
  routes: ${JSON.stringify(routes)}
}
${node.gatewayPort === undefined ? '' : gatewayBlock(node, nodes)}
accounts {
  ${appAccount}: {
    jetstream: enabled
    users: [${user(accounts.app)}]
  }
  ${sysAccount}: {
    users: [${user(accounts.sys)}]
  }
}
system_account: ${sysAccount}
`;
}
