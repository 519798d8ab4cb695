// A real, certified OpenID provider (node-oidc-provider) for tests: machine clients get OAuth 2.0 client-credentials
// access tokens that are RFC 9068 JWTs (typ at+jwt, RS256) for one resource, carrying each client's organization and
// roles the way hosted identity providers put them (Auth0/WorkOS: a string org_id; Clerk: an object o with an id).
//
// Settings: a JSON file named as the first argument, or the JSON itself in OIDC_PROVIDER_CONFIG:
//   {
//     "port": 5099,                                   required; the provider binds 127.0.0.1 only
//     "issuer": "http://127.0.0.1:5099",              optional; defaults to http://127.0.0.1:<port>
//     "resource": "https://api.kernel.test",          the one resource indicator (API identifier) tokens are for
//     "audience": "https://api.kernel.test",          optional; the tokens' aud, defaults to the resource
//     "rolesClaim": "https://kernel.example/roles",   the default claim name for roles
//     "accessTokenTtl": 600,                          optional; seconds
//     "clients": [
//       { "clientId": "acme-service", "clientSecret": "...", "orgId": "org_acme", "roles": ["admin"] },
//       { "clientId": "nested-service", "clientSecret": "...", "orgObject": { "id": "org_acme" }, "roles": ["member"],
//         "rolesClaim": "https://kernel.example/roles" }
//     ]
//   }
// orgId becomes the org_id claim, orgObject the o claim (as given), roles an array under the client's rolesClaim (or
// the default one). Prints "listening <issuer>" once it answers; exits 0 on SIGTERM or SIGINT.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';

const settings = readSettings();
const clientsById = new Map(settings.clients.map((client) => [client.clientId, client]));
const provider = new Provider(settings.issuer, configuration(settings));

// The tests are the only callers; a failed request's reason belongs in the output they keep for failure messages.
provider.on('server_error', (_ctx, error) => console.error('server_error', error));
provider.on('grant.error', (_ctx, error) => console.error('grant.error', error.message, error.error_description ?? ''));

const server = createServer(provider.callback());
server.listen(settings.port, '127.0.0.1', () => console.log(`listening ${settings.issuer}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive connections would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}

function readSettings() {
  const file = process.argv[2];
  const text = file ? readFileSync(file, 'utf8') : process.env.OIDC_PROVIDER_CONFIG;
  if (!text) {
    fail('no settings: pass a JSON file as the first argument or the JSON in OIDC_PROVIDER_CONFIG');
  }

  const raw = JSON.parse(text);
  if (!Number.isInteger(raw.port) || raw.port <= 0) fail('port must be a positive integer');
  if (typeof raw.resource !== 'string' || !URL.canParse(raw.resource)) fail('resource must be an absolute URI');
  if (typeof raw.rolesClaim !== 'string' || raw.rolesClaim.length === 0) fail('rolesClaim must be a claim name');
  if (!Array.isArray(raw.clients) || raw.clients.length === 0) fail('clients must list at least one client');
  for (const client of raw.clients) {
    if (typeof client.clientId !== 'string' || typeof client.clientSecret !== 'string') {
      fail('each client needs a clientId and a clientSecret');
    }
    if (client.roles !== undefined && !Array.isArray(client.roles)) fail(`${client.clientId}: roles must be an array`);
  }

  return {
    port: raw.port,
    issuer: raw.issuer ?? `http://127.0.0.1:${raw.port}`,
    resource: raw.resource,
    audience: raw.audience ?? raw.resource,
    rolesClaim: raw.rolesClaim,
    accessTokenTtl: raw.accessTokenTtl ?? 600,
    clients: raw.clients,
  };
}

function configuration({ resource, audience, rolesClaim, accessTokenTtl, clients }) {
  return {
    clients: clients.map(({ clientId, clientSecret }) => ({
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [signingKey()] },
    ttl: { ClientCredentials: accessTokenTtl },
    features: {
      // No one signs in here: the clients are machines, so the built-in development login pages stay off.
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A token request without a resource parameter still gets a JWT for the one API.
        defaultResource: async () => resource,
        // Only consulted for grants that carry a granted resource (code, refresh token); kept for when a test adds one.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (resourceIndicator !== resource) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: '',
            audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      const client = clientsById.get(token.clientId);
      if (!client) {
        return undefined;
      }
      return {
        ...(client.orgId === undefined ? undefined : { org_id: client.orgId }),
        ...(client.orgObject === undefined ? undefined : { o: client.orgObject }),
        [client.rolesClaim ?? rolesClaim]: client.roles ?? [],
      };
    },
  };
}

// A fresh key per start: nothing to commit, rotate or leak; verifiers find it in the JWKS by kid.
function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(8).toString('base64url'),
    alg: 'RS256',
    use: 'sig',
  };
}

function fail(message) {
  console.error(`oidc-provider settings: ${message}`);
  process.exit(2);
}
