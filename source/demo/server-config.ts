/**
 * nats-server configuration for the demo cluster: every node on 127.0.0.1, routes to all others,
 * a `node:<name>` tag for placement, an application account with JetStream and a system account.
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

export function serverConfig(node: DemoNode, nodes: DemoNode[], accounts: DemoAccounts): string {
	const routes = nodes
		.filter(other => other.name !== node.name)
		.map(other => `nats-route://127.0.0.1:${other.clusterPort}`);
	const user = ({user, password}: {user: string; password: string}) =>
		`{user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)}}`;
	return `server_name: ${node.name}
listen: 127.0.0.1:${node.port}
http: 127.0.0.1:${node.httpPort}
server_tags: ${JSON.stringify([nodeTag(node.name)])}

jetstream {
  store_dir: ${JSON.stringify(node.storeDir)}
  max_memory_store: 64MB
  max_file_store: 1GB
}

cluster {
  name: ${demoClusterName}
  listen: 127.0.0.1:${node.clusterPort}
  routes: ${JSON.stringify(routes)}
}

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
