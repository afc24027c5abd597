'use strict';
// The Kubernetes REST API over HTTP, for real clients (kubectl, Helm, client-go, kube-rs, the
// Python and JavaScript clients): Node.js only (`node:http`). This file translates requests
// to the same calls the JavaScript API makes; everything Kubernetes-specific (discovery,
// OpenAPI, Table printing, Status bodies, RBAC, impersonation checks) comes from the core.
//
// Paths are kube-apiserver's, optionally under KCP's `/clusters/<workspace>` (default `root`):
//   /api, /apis, /api/v1, /apis/<g>/<v>, /openapi/v2, /openapi/v3[/...], /version, /healthz
//   /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]  (and /apis/<g>/<v>/...)
//   /kplane/v1/advance?seconds=N (POST), /kplane/v1/settle (POST), /kplane/v1/now (GET)
const http = require('node:http');
const crypto = require('node:crypto');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const MAX_BODY = 16 * 1024 * 1024;
const PATCH_TYPES = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};
const APPLY_PATCH = 'application/apply-patch+yaml';

/** A Kubernetes error to answer with: `{ code, reason, message, details? }` as a Status. */
class HttpError extends Error {
  constructor(code, reason, message, details) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }
}

const notFoundPath = () =>
  new HttpError(404, 'NotFound', 'the server could not find the requested resource');

function qualified(r) {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function objectNotFound(r, name) {
  return new HttpError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.plural,
  });
}

function badRequest(message) {
  return new HttpError(400, 'BadRequest', message);
}

/** Reads a request body (at most MAX_BODY bytes). */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(
          new HttpError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(text, what) {
  if (!text.trim()) throw badRequest(`${what}: the request body is empty`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`${what}: ${e.message}`);
  }
}

/** The media type of a Content-Type header, without parameters. */
function mediaType(header) {
  return String(header || '').split(';')[0].trim().toLowerCase();
}

function boolParam(q, name) {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** `Warning: 299 - "text"` headers (RFC 7234), as the API server sends field warnings. */
function warningHeaders(warnings) {
  if (!warnings || warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - "${String(w).replace(/[\\"]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?')}"`) };
}

/** `decodeURIComponent`, with a malformed escape as a 400. */
function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed URL path segment ${JSON.stringify(segment)}`);
  }
}

/** Splits a request path into its workspace and the rest (`/clusters/root:org/api` →). */
function splitWorkspace(path) {
  const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) return { workspace: 'root', prefix: '', rest: path };
  return { workspace: decode(m[1]), prefix: `/clusters/${m[1]}`, rest: m[2] || '/' };
}

/** A resource path: `{ group, version, namespace, resource, name, subresource, watch }`. */
function parseResourcePath(rest) {
  const segs = rest.split('/').filter((s) => s !== '').map(decode);
  let group;
  let version;
  let i;
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1];
    i = 2;
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    i = 3;
  } else {
    return null;
  }
  let s = segs.slice(i);
  let watch = false;
  if (s[0] === 'watch') {
    watch = true;
    s = s.slice(1);
  }
  let namespace = '';
  // /namespaces/<ns>/<resource>/...; /namespaces/<name>[/status|/finalize] is the namespace.
  if (s[0] === 'namespaces' && s.length >= 3 && !(s.length === 3 && ['status', 'finalize'].includes(s[2]))) {
    namespace = s[1];
    s = s.slice(2);
  }
  if (s.length === 0 || s.length > 3) return null;
  const [resource, name = '', subresource = ''] = s;
  return { group, version, namespace, resource, name, subresource, watch };
}

/**
 * `serveHttp(cp, { port?, host?, allowNonLoopback?, speed?, tickMs?, users?, adminToken?,
 * bookmarkSeconds?, log? })` → Promise of `{ url, port, adminToken, kubeconfig(workspace?,
 * { user? }?), close() }`.
 */
async function serveHttp(cp, options = {}) {
  if (!cp || typeof cp.apiDocument !== 'function') {
    throw new TypeError('serveHttp: the first argument must be a kplane ControlPlane');
  }
  const o = options || {};
  const host = o.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && o.allowNonLoopback !== true) {
    throw new Error(
      `serveHttp: refusing to listen on ${host}: kplane serves plain HTTP (no TLS) and its ` +
        'bearer tokens would cross the network in clear text, so it listens on the loopback ' +
        'interface only (127.0.0.1, ::1, localhost); pass { allowNonLoopback: true } to listen ' +
        `on ${host} anyway`,
    );
  }
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`serveHttp: port must be an integer from 0 to 65535, got ${port}`);
  }
  const speed = o.speed ?? 0;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0) {
    throw new RangeError(`serveHttp: speed must be a finite number, zero or more, got ${speed}`);
  }
  const ControlPlane = cp.constructor;
  const adminToken = o.adminToken ?? crypto.randomBytes(16).toString('hex');
  // token → { name, groups } (null: the control plane's own caller, system:admin).
  const tokens = new Map([[adminToken, null]]);
  const users = [];
  for (const u of o.users ?? []) {
    if (!u || typeof u.name !== 'string' || !u.name) {
      throw new TypeError('serveHttp: each of users must be { name, groups?, token? }');
    }
    const token = u.token ?? crypto.randomBytes(16).toString('hex');
    tokens.set(token, { name: u.name, groups: u.groups ?? [] });
    users.push({ name: u.name, groups: u.groups ?? [], token });
  }
  const log = typeof o.log === 'function' ? o.log : null;
  // client-go sends no credentials over plain HTTP (clientcmd: "only try to read the auth
  // information if we are secure"), so kubectl's requests carry no token: they act as
  // system:admin unless told otherwise, and users come from impersonation (`as:` in the
  // kubeconfig, `--as`), which RBAC checks.
  const unauthenticated = o.unauthenticated ?? 'admin';
  if (unauthenticated !== 'admin' && unauthenticated !== 'anonymous') {
    throw new TypeError(`serveHttp: unauthenticated must be 'admin' or 'anonymous', got ${unauthenticated}`);
  }
  const bookmarkMs = (o.bookmarkSeconds ?? 1) * 1000;
  const watchers = new Set();
  const sockets = new Set();

  /** The view requests with this Authorization header act as. */
  function viewFor(req, workspace) {
    const auth = req.headers.authorization;
    let view = cp;
    let who = null;
    if (auth) {
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      who = m ? tokens.get(m[1].trim()) : undefined;
      if (who === undefined) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
      if (who) view = cp.as(who.name, who.groups);
    } else if (unauthenticated === 'anonymous') {
      view = cp.as('system:anonymous', ['system:unauthenticated']);
    }
    const impUser = req.headers['impersonate-user'];
    const impGroups = (req.headersDistinct && req.headersDistinct['impersonate-group']) || [];
    if (impUser) {
      // A kubeconfig user entry carries both its token and `as:` itself (see kubeconfig()):
      // a client that sends both is that user already.
      const same = who && impUser === who.name && impGroups.every((g) => who.groups.includes(g));
      if (!same) view = view.impersonate(workspace, impUser, impGroups);
    } else if (impGroups.length > 0) {
      throw badRequest('requested [Impersonate-Group] without impersonating a user');
    }
    return view;
  }

  function send(res, code, body, headers = {}) {
    if (res.headersSent) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      ...headers,
    });
    res.end(text);
  }

  function sendError(res, err) {
    let status = err && err.status;
    if (!status || typeof status.code !== 'number') {
      status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: `Internal error occurred: ${err && err.message ? err.message : String(err)}`,
        reason: 'InternalError',
        code: 500,
      };
    }
    let body;
    try {
      body = ControlPlane.statusBody(status);
    } catch {
      body = { metadata: {}, ...status };
    }
    if (res.headersSent) {
      // A watch already streaming: the error is its last event.
      res.end(JSON.stringify({ type: 'ERROR', object: body }) + '\n');
      return;
    }
    send(res, status.code >= 100 && status.code <= 599 ? status.code : 500, body);
  }

  // ---- watches ------------------------------------------------------------------------------

  function writeEvent(w, type, object) {
    let obj = object;
    if (w.table && type !== 'BOOKMARK' && type !== 'ERROR') {
      obj = w.view.table(w.workspace, w.kindRef, object, {
        includeObject: w.includeObject,
        headers: !w.sentHeaders,
      });
      w.sentHeaders = true;
    }
    w.res.write(JSON.stringify({ type, object: obj }) + '\n');
  }

  function endWatch(w) {
    watchers.delete(w);
    clearTimeout(w.timer);
    if (!w.res.writableEnded) w.res.end();
  }

  /** Sends what happened since each watch's resourceVersion. */
  function flushWatches() {
    const now = Date.now();
    for (const w of watchers) {
      let events;
      try {
        events = w.view.watch(w.workspace, { ...w.options, resourceVersion: w.rv });
      } catch (e) {
        if (e && e.status) {
          writeEvent(w, 'ERROR', ControlPlane.statusBody(e.status));
        }
        endWatch(w);
        continue;
      }
      for (const e of events) {
        if (e.type === 'BOOKMARK') {
          const rv = e.object.metadata.resourceVersion;
          if (w.bookmarks && rv !== w.rv && now - w.lastBookmark >= bookmarkMs) {
            writeEvent(w, 'BOOKMARK', e.object);
            w.lastBookmark = now;
          }
          w.rv = rv;
        } else {
          writeEvent(w, e.type, e.object);
        }
      }
    }
  }

  function startWatch(req, res, ctx) {
    const { q, view, workspace, r, namespace } = ctx;
    const options = {
      apiVersion: r.apiVersion,
      kind: r.kind,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
    };
    if (namespace) options.namespace = namespace;
    const sendInitial = q.get('sendInitialEvents');
    let rv = q.get('resourceVersion') ?? '';
    if (sendInitial === 'true') {
      if (q.get('resourceVersionMatch') !== 'NotOlderThan') {
        throw new HttpError(
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        );
      }
      rv = '';
    }
    let events;
    const w = {
      res,
      view,
      workspace,
      options,
      rv: '',
      bookmarks: boolParam(q, 'allowWatchBookmarks'),
      lastBookmark: 0,
      table: ctx.table,
      kindRef: { apiVersion: r.apiVersion, kind: r.kind },
      includeObject: q.get('includeObject') ?? undefined,
      sentHeaders: false,
    };
    try {
      events = view.watch(workspace, { ...options, resourceVersion: rv || undefined });
    } catch (e) {
      // A too old resourceVersion is a 410 event in a 200 stream, as the watch cache sends it.
      if (e && e.status && e.status.code === 410) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        writeEvent(w, 'ERROR', ControlPlane.statusBody(e.status));
        res.end();
        return;
      }
      throw e;
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    for (const e of events) {
      if (e.type === 'BOOKMARK') {
        w.rv = e.object.metadata.resourceVersion;
        if (sendInitial === 'true') {
          // The end of the initial events (KEP-3157): a bookmark so annotated.
          const o = e.object;
          o.metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
          writeEvent(w, 'BOOKMARK', o);
          w.lastBookmark = Date.now();
        }
      } else {
        writeEvent(w, e.type, e.object);
      }
    }
    watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds'));
    if (Number.isFinite(timeout) && timeout > 0) {
      w.timer = setTimeout(() => endWatch(w), Math.min(timeout, 86400) * 1000);
    }
    req.on('close', () => endWatch(w));
  }

  // ---- resources ----------------------------------------------------------------------------

  /** The control plane a write acts on: a copy under `dryRun=All`, else the view itself. */
  function target(q, view) {
    const dry = q.getAll('dryRun');
    if (dry.length === 0) return { plane: view, dry: false };
    for (const d of dry) {
      if (d !== 'All') {
        throw badRequest(`Invalid dryRun: ${JSON.stringify(d)}: supported values: "All"`);
      }
    }
    return { plane: view.fork(), dry: true };
  }

  /**
   * A request body: the object of a protobuf body (client-go's typed clients send them),
   * else the text.
   */
  function decodeBody(buf, req) {
    if (mediaType(req.headers['content-type']) === 'application/vnd.kubernetes.protobuf') {
      return ControlPlane.decodeProtobuf(buf);
    }
    return buf.toString('utf8');
  }

  /** A JSON object body (decoded already when it came as protobuf). */
  function jsonBody(body, what) {
    return typeof body === 'string' ? parseJson(body, what) : body;
  }

  function ref(r, namespace, name) {
    const out = { apiVersion: r.apiVersion, kind: r.kind, name };
    if (r.namespaced) out.namespace = namespace;
    return out;
  }

  /** The body of a create or update: JSON, its apiVersion/kind and namespace checked. */
  function objectBody(body, r, namespace, contentType) {
    if (typeof body === 'string' && mediaType(contentType).includes('yaml')) {
      return body; // The core decodes YAML (one object).
    }
    const obj = jsonBody(body, 'error decoding the request body');
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw badRequest('the request body must be a JSON object');
    }
    if (!obj.apiVersion) obj.apiVersion = r.apiVersion;
    if (!obj.kind) obj.kind = r.kind;
    if (obj.kind !== r.kind || obj.apiVersion !== r.apiVersion) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${r.apiVersion})`,
      );
    }
    if (r.namespaced) {
      obj.metadata = obj.metadata ?? {};
      if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
      else if (obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
    }
    return obj;
  }

  function success(r, name, extra) {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: r.group || undefined, kind: r.plural, ...extra },
    };
  }

  async function handleResource(req, res, ctx) {
    const { q, view, workspace, r, p } = ctx;
    const namespace = p.namespace;
    const name = p.name;
    const sub = p.subresource;
    if (r.namespaced && !namespace && (name || req.method === 'POST')) throw notFoundPath();
    if (!r.namespaced && namespace) throw notFoundPath();
    if (sub && !r.subresources.includes(sub)) throw notFoundPath();
    const accept = String(req.headers.accept || '');
    const wantsTable = req.method === 'GET' && /as=Table/i.test(accept) && /g=meta\.k8s\.io/i.test(accept);
    ctx.namespace = namespace;
    ctx.table = wantsTable && !sub;
    const tableOf = (response) =>
      view.table(workspace, { apiVersion: r.apiVersion, kind: r.kind }, response, {
        includeObject: q.get('includeObject') ?? undefined,
      });
    switch (req.method) {
      case 'GET': {
        if (!name) {
          if (p.watch || boolParam(q, 'watch')) return startWatch(req, res, ctx);
          const limit = q.get('limit');
          const list = view.list(workspace, {
            apiVersion: r.apiVersion,
            kind: r.kind,
            namespace: namespace || undefined,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
            limit: limit ? Number(limit) : undefined,
            continue: q.get('continue') || undefined,
          });
          return send(res, 200, ctx.table ? tableOf(list) : list);
        }
        if (p.watch) throw notFoundPath();
        if (sub === 'scale') return send(res, 200, view.getScale(workspace, ref(r, namespace, name)));
        if (sub && sub !== 'status') throw methodNotAllowed(req);
        const obj = view.get(workspace, ref(r, namespace, name));
        if (obj === null) throw objectNotFound(r, name);
        return send(res, 200, ctx.table ? tableOf(obj) : obj);
      }
      case 'POST': {
        const text = decodeBody(await readBody(req), req);
        const { plane } = target(q, view);
        if (r.review && !name) {
          // SelfSubjectReview, SelfSubjectAccessReview: answered for the caller, not stored.
          const body = jsonBody(text, 'error decoding the review');
          return send(res, 201, view.review(workspace, { apiVersion: r.apiVersion, kind: r.kind }, body));
        }
        if (!name) {
          const obj = objectBody(text, r, namespace, req.headers['content-type']);
          const out = plane.create(workspace, obj, {
            namespace: namespace || undefined,
            fieldManager: q.get('fieldManager') ?? undefined,
            fieldValidation: q.get('fieldValidation') ?? undefined,
          });
          return send(res, 201, out.object, warningHeaders(out.warnings));
        }
        if (sub === 'eviction') {
          plane.evict(workspace, { namespace, name });
          return send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
        }
        if (sub === 'binding') {
          const body = jsonBody(text, 'error decoding the binding');
          const node = body && body.target && body.target.name;
          if (typeof node !== 'string' || !node) throw badRequest('Binding: target.name is required');
          plane.bind(workspace, { namespace, name }, node);
          return send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
        }
        throw methodNotAllowed(req);
      }
      case 'PUT': {
        if (!name) throw methodNotAllowed(req);
        const text = decodeBody(await readBody(req), req);
        const { plane } = target(q, view);
        if (sub === 'scale') {
          const body = jsonBody(text, 'error decoding the Scale');
          const replicas = body && body.spec ? body.spec.replicas ?? 0 : 0;
          if (!Number.isInteger(replicas)) throw badRequest('Scale: spec.replicas must be an integer');
          return send(res, 200, plane.scale(workspace, ref(r, namespace, name), replicas));
        }
        const obj = objectBody(text, r, namespace, req.headers['content-type']);
        if (typeof obj === 'object' && obj.metadata && obj.metadata.name && obj.metadata.name !== name) {
          throw badRequest('the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')');
        }
        if (typeof obj === 'object') {
          obj.metadata = obj.metadata ?? {};
          obj.metadata.name = name;
        }
        if (sub === 'status') return send(res, 200, plane.updateStatus(workspace, obj));
        return send(res, 200, plane.update(workspace, obj));
      }
      case 'PATCH': {
        if (!name) throw methodNotAllowed(req);
        const text = (await readBody(req)).toString('utf8');
        const type = mediaType(req.headers['content-type']);
        const { plane } = target(q, view);
        const at = ref(r, namespace, name);
        if (type === APPLY_PATCH) {
          if (sub) {
            throw new HttpError(415, 'UnsupportedMediaType', `apply patches to the ${sub} subresource are not supported by kplane`);
          }
          const config = ControlPlane.patchValue({}, text, 'merge');
          if (config === null || typeof config !== 'object' || Array.isArray(config)) {
            throw badRequest('the apply configuration must be an object');
          }
          config.metadata = config.metadata ?? {};
          if (config.metadata.name && config.metadata.name !== name) {
            throw badRequest('the name of the object (' + config.metadata.name + ') does not match the name on the URL (' + name + ')');
          }
          config.metadata.name = name;
          if (r.namespaced && !config.metadata.namespace) config.metadata.namespace = namespace;
          const result = plane.apply(workspace, config, {
            fieldManager: q.get('fieldManager') ?? '',
            force: boolParam(q, 'force'),
            fieldValidation: q.get('fieldValidation') ?? undefined,
          });
          const applied = result.objects[0];
          const obj = plane.get(workspace, at);
          return send(res, applied && applied.action === 'created' ? 201 : 200, obj, warningHeaders(result.warnings));
        }
        const kind = PATCH_TYPES[type];
        if (!kind) {
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${r.custom ? '' : ', application/strategic-merge-patch+json'}`,
          );
        }
        if (sub === 'scale') {
          const scale = plane.getScale(workspace, at);
          const patched = ControlPlane.patchValue(scale, text, kind === 'strategic' ? 'merge' : kind);
          const replicas = patched && patched.spec ? patched.spec.replicas ?? 0 : 0;
          if (!Number.isInteger(replicas)) throw badRequest('Scale: spec.replicas must be an integer');
          return send(res, 200, plane.scale(workspace, at, replicas));
        }
        if (sub === 'status') {
          const obj = plane.get(workspace, at);
          if (obj === null) throw objectNotFound(r, name);
          return send(res, 200, plane.updateStatus(workspace, ControlPlane.patchValue(obj, text, kind)));
        }
        return send(res, 200, plane.patch(workspace, at, text, { type: kind }));
      }
      case 'DELETE': {
        const raw = decodeBody(await readBody(req), req);
        const { plane } = target(q, view);
        const body = typeof raw !== 'string' ? raw : raw.trim() ? parseJson(raw, 'error decoding the DeleteOptions') : {};
        const propagationPolicy = q.get('propagationPolicy') ?? body.propagationPolicy ?? undefined;
        const graceRaw = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
        const gracePeriodSeconds = graceRaw === undefined || graceRaw === null ? undefined : Number(graceRaw);
        if (gracePeriodSeconds !== undefined && !Number.isInteger(gracePeriodSeconds)) {
          throw badRequest(`invalid gracePeriodSeconds: ${graceRaw}`);
        }
        if (!name) {
          const deleted = plane.deleteCollection(workspace, {
            apiVersion: r.apiVersion,
            kind: r.kind,
            namespace: namespace || undefined,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
          });
          return send(res, 200, { apiVersion: r.apiVersion, kind: `${r.kind}List`, metadata: {}, items: deleted });
        }
        if (sub) throw methodNotAllowed(req);
        const out = plane.delete(workspace, {
          ...ref(r, namespace, name),
          propagationPolicy,
          gracePeriodSeconds,
        });
        // Still there (graceful, finalizers): the object; pods always answer with the object;
        // gone: a success Status (registry.Store finalizeDelete).
        const still = plane.get(workspace, ref(r, namespace, name));
        if (still !== null || (r.kind === 'Pod' && !r.group)) return send(res, 200, out);
        return send(res, 200, success(r, name, { uid: out.metadata && out.metadata.uid }));
      }
      default:
        throw methodNotAllowed(req);
    }
  }

  function methodNotAllowed(req) {
    return new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
  }

  // ---- kplane's own paths -------------------------------------------------------------------

  async function handleKplane(req, res, rest, q, view, workspace) {
    if (rest === '/kplane/v1/now' && req.method === 'GET') {
      return send(res, 200, { now: cp.now() });
    }
    if (rest === '/kplane/v1/advance' && req.method === 'POST') {
      await readBody(req);
      view.authorizePath(workspace, 'create', rest);
      const seconds = Number(q.get('seconds') ?? '');
      if (!q.has('seconds') || !Number.isFinite(seconds)) {
        throw badRequest('advance: the query parameter seconds must be a number, e.g. ?seconds=30');
      }
      cp.advance(seconds);
      flushWatches();
      return send(res, 200, { now: cp.now() });
    }
    if (rest === '/kplane/v1/settle' && req.method === 'POST') {
      await readBody(req);
      view.authorizePath(workspace, 'create', rest);
      const max = q.has('maxSeconds') ? Number(q.get('maxSeconds')) : undefined;
      const out = cp.runUntilSettled(max);
      flushWatches();
      return send(res, 200, { ...out, now: cp.now() });
    }
    throw notFoundPath();
  }

  // ---- the server ---------------------------------------------------------------------------

  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://kplane');
    const q = url.searchParams;
    const { workspace, prefix, rest } = splitWorkspace(url.pathname);
    if (['/healthz', '/livez', '/readyz'].includes(rest) && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const view = viewFor(req, workspace);
    if (rest.startsWith('/kplane/')) return handleKplane(req, res, rest, q, view, workspace);
    const doc = req.method === 'GET' ? view.apiDocument(workspace, rest, req.headers.accept || '', prefix) : null;
    if (doc) {
      view.authorizePath(workspace, 'get', rest.replace(/\/+$/, '') || '/');
      return send(res, 200, doc.body, { 'Content-Type': doc.contentType });
    }
    const p = parseResourcePath(rest);
    if (!p) throw notFoundPath();
    const r = view.apiResource(workspace, p.group, p.version, p.resource);
    if (!r) throw notFoundPath();
    const ctx = { q, view, workspace, r, p };
    await handleResource(req, res, ctx);
    if (req.method !== 'GET') flushWatches();
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    handle(req, res)
      .catch((err) => {
        if (!(err && err.status) && log) log(`kplane: error serving ${req.method} ${req.url}: ${err && err.stack}`);
        sendError(res, err);
      })
      .finally(() => {
        if (log) log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
      });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;

  // The clock follows the wall clock at `speed` virtual seconds per second.
  let ticker = null;
  if (speed > 0) {
    let last = Date.now();
    ticker = setInterval(() => {
      const now = Date.now();
      const seconds = ((now - last) / 1000) * speed;
      last = now;
      try {
        cp.advance(seconds);
      } catch (e) {
        if (log) log(`kplane: advancing the clock failed: ${e && e.message}`);
      }
      flushWatches();
    }, o.tickMs ?? 100);
  }
  // Bookmarks for idle watches that asked for them.
  const bookmarker = setInterval(flushWatches, Math.max(bookmarkMs, 100));

  /** The workspaces of the control plane, `root` first (walking Workspace objects). */
  function workspaces() {
    const out = [];
    const todo = ['root'];
    while (todo.length > 0 && out.length < 10000) {
      const ws = todo.shift();
      out.push(ws);
      let children = [];
      try {
        children = cp.list(ws, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace' }).items;
      } catch {
        children = [];
      }
      for (const c of children) {
        const child = `${ws}:${c.metadata.name}`;
        try {
          cp.list(child, { kind: 'Namespace', limit: 1 });
          todo.push(child);
        } catch {
          // Not ready yet: no logical cluster.
        }
      }
    }
    return out;
  }

  function yamlString(s) {
    return JSON.stringify(String(s));
  }

  /** A kubeconfig with a cluster and context per workspace (KCP-style server paths). */
  function kubeconfig(workspace, kubeconfigOptions = {}) {
    const all = workspaces();
    const current = workspace ?? 'root';
    if (!all.includes(current)) all.push(current);
    const userName = kubeconfigOptions.user ?? 'admin';
    const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
    for (const ws of all) {
      lines.push(`- name: ${yamlString(ws)}`, '  cluster:', `    server: ${yamlString(`${url}/clusters/${ws}`)}`);
    }
    lines.push('contexts:');
    for (const ws of all) {
      lines.push(`- name: ${yamlString(ws)}`, '  context:', `    cluster: ${yamlString(ws)}`, `    user: ${yamlString(userName)}`);
    }
    lines.push(`current-context: ${yamlString(current)}`, 'users:');
    lines.push('- name: admin', '  user:', `    token: ${yamlString(adminToken)}`);
    // Over plain HTTP kubectl sends no token but does send impersonation headers: a user
    // entry impersonates its user (and groups); the token is for clients that send it.
    for (const u of users) {
      lines.push(`- name: ${yamlString(u.name)}`, '  user:', `    token: ${yamlString(u.token)}`);
      lines.push(`    as: ${yamlString(u.name)}`);
      if (u.groups.length > 0) {
        lines.push('    as-groups:', ...u.groups.map((g) => `    - ${yamlString(g)}`));
      }
    }
    lines.push('preferences: {}', '');
    return lines.join('\n');
  }

  return {
    url,
    port: address.port,
    adminToken,
    users: users.map((u) => ({ ...u })),
    kubeconfig,
    /** Sends pending watch events now (after calls made on `cp` directly). */
    flush: flushWatches,
    close() {
      if (ticker) clearInterval(ticker);
      clearInterval(bookmarker);
      for (const w of [...watchers]) endWatch(w);
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

module.exports = { serveHttp };
