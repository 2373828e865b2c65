// The service worker (web/sw.js) in node, with a fake network and Cache Storage: which requests it
// answers and how, its install/activate cycle, and a new build taking over from an old one.
// The real thing in Chromium is offline.test.mjs; this covers what a browser test cannot easily
// stage (two builds one after the other). Needs no server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const ORIGIN = 'https://learn.example.jp';
const SOURCE = readFileSync(new URL('../../web/sw.js', import.meta.url), 'utf8');
// The line xtask fills in (xtask/src/shell.rs); the test fills it the same way.
const BUILD_LINE = 'const BUILD = { version: "unbuilt", shell: ["/"] };';

/** A Request whose relative URLs resolve against the worker's origin, as in a real worker. */
class WorkerRequest extends Request {
  constructor(input, init) {
    super(typeof input === 'string' ? new URL(input, ORIGIN) : input, init);
  }
}

/** Cache Storage in memory, shared by the builds of one test like a browser profile. */
class FakeCaches {
  constructor(network) {
    this.network = network;
    this.stores = new Map();
  }
  async open(name) {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    const store = this.stores.get(name);
    const key = (r) => new URL(typeof r === 'string' ? r : r.url, ORIGIN).href;
    return {
      addAll: async (requests) => {
        // All or nothing, as the Cache API does.
        const responses = [];
        for (const r of requests) {
          const response = await this.network.fetch(r);
          if (!response.ok) throw new TypeError(`${r.url}: ${response.status}`);
          responses.push([key(r), response]);
        }
        for (const [k, response] of responses) store.set(k, response);
      },
      match: async (r) => store.get(key(r))?.clone(),
    };
  }
  async keys() {
    return [...this.stores.keys()];
  }
  async delete(name) {
    return this.stores.delete(name);
  }
}

/**
 * The site: a path → body map, which a deploy replaces; other paths get the page (the SPA
 * fallback) except in a build directory (404), as the demo server does. Offline: every fetch fails.
 */
class FakeNetwork {
  constructor(files) {
    this.files = files;
    this.offline = false;
    this.log = [];
  }
  async fetch(request) {
    const url = new URL(request.url, ORIGIN);
    this.log.push({ path: url.pathname + url.search, cache: request.cache });
    if (this.offline) throw new TypeError('Failed to fetch');
    const body = this.files[url.pathname] ?? (url.pathname.startsWith('/app/') ? undefined : this.files['/']);
    return body === undefined ? new Response('not found', { status: 404 }) : new Response(body);
  }
}

/** Runs sw.js for one build in its own global scope; returns its event handlers and helpers. */
function startWorker(build, network, caches) {
  assert.ok(SOURCE.includes(BUILD_LINE), 'web/sw.js keeps the line xtask fills in');
  const handlers = {};
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type, fn) => (handlers[type] = fn),
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
    registration: { navigationPreload: { enable: async () => {} } },
  };
  const context = vm.createContext({
    self,
    caches,
    fetch: (r) => network.fetch(r),
    Request: WorkerRequest,
    Response,
    URL,
    Set,
    console,
  });
  vm.runInContext(SOURCE.replace(BUILD_LINE, `const BUILD = ${JSON.stringify(build)};`), context);

  const lifecycle = async (type) => {
    let done;
    handlers[type]({ waitUntil: (p) => (done = p) });
    await done;
  };
  return {
    strategyFor: (request) => context.strategyFor(request, ORIGIN),
    install: () => lifecycle('install'),
    activate: () => lifecycle('activate'),
    /** What the page gets: a Response, or null when the worker leaves it to the browser. */
    async fetch(request) {
      let answer = null;
      handlers.fetch({ request, preloadResponse: Promise.resolve(undefined), respondWith: (p) => (answer = p) });
      return answer === null ? null : await answer;
    },
  };
}

/** A request as the browser makes it (mode and destination cannot be set on a node Request). */
function req(path, { method = 'GET', mode = 'cors', destination = '', headers = {}, origin = ORIGIN } = {}) {
  return { url: new URL(path, origin).href, method, mode, destination, headers: new Headers(headers) };
}
const page = (path) => req(path, { mode: 'navigate', destination: 'document' });

const BUILD_A = {
  version: 'aaaa',
  shell: ['/', '/app/a1/boot.js', '/app/a1/juko.js', '/app/a1/juko_bg.wasm', '/manifest.webmanifest', '/icons/icon-192.png'],
};
const SITE_A = {
  '/': 'index A',
  '/app/a1/boot.js': 'boot A',
  '/app/a1/juko.js': 'js A',
  '/app/a1/juko_bg.wasm': 'wasm A',
  '/manifest.webmanifest': '{}',
  '/icons/icon-192.png': 'png',
};
const BUILD_B = { version: 'bbbb', shell: ['/', '/app/b2/boot.js', '/app/b2/juko.js', '/app/b2/juko_bg.wasm'] };
const SITE_B = { '/': 'index B', '/app/b2/boot.js': 'boot B', '/app/b2/juko.js': 'js B', '/app/b2/juko_bg.wasm': 'wasm B' };

describe('service worker routing', () => {
  const sw = startWorker(BUILD_A, new FakeNetwork(SITE_A), new FakeCaches(new FakeNetwork(SITE_A)));
  // [request, strategy, why]
  const cases = [
    [page('/'), 'page', 'the app'],
    [page('/courses/3/lectures/12'), 'page', 'a deep link opens the app offline too'],
    [req('/app/a1/juko_bg.wasm'), 'shell', 'the build'],
    [req('/manifest.webmanifest'), 'shell', 'the manifest'],
    [req('/app/a1/juko.js?x=1'), 'network', 'a query the shell does not have'],
    [req('/app/zz/juko.js'), 'network', 'another build'],
    [req('/webservice/rest/server.php?moodlewsrestformat=json', { method: 'POST' }), 'network', 'a web service call'],
    [req('/webservice/rest/server.php'), 'network', 'a web service GET'],
    [req('/lib/ajax/service.php?info=tool_mobile_get_public_config'), 'network', 'AJAX'],
    [req('/lib/ajax/service-nologin.php'), 'network', 'AJAX without login'],
    [req('/login/token.php', { method: 'POST' }), 'network', 'sign-in'],
    [req('/login/token.php'), 'network', 'sign-in by GET'],
    [req('/webservice/pluginfile.php/12/mod_resource/content/1/lecture.mp4?token=t', { destination: 'video' }), 'network', 'a lecture'],
    [req('/webservice/pluginfile.php/12/x.png'), 'network', 'a file'],
    [req('/tokenpluginfile.php/abc/12/x.png'), 'network', 'a token file'],
    [page('/webservice/pluginfile.php/12/mod_resource/content/1/lecture.mp4'), 'network', 'a video opened in a tab'],
    [page('/mod/resource/view.php?id=3'), 'network', 'a Moodle page opened in a tab'],
    [req('/', { headers: { range: 'bytes=0-' } }), 'network', 'a range request'],
    [req('/clip.webm', { destination: 'video' }), 'network', 'video anywhere'],
    [req('/app/a1/juko.js', { origin: 'https://cdn.example.com' }), 'network', 'another origin'],
    [req('/app/a1/juko.js', { method: 'HEAD' }), 'network', 'not a GET'],
  ];
  for (const [request, want, why] of cases) {
    it(`${request.method} ${new URL(request.url).pathname} (${request.mode}${request.destination ? `, ${request.destination}` : ''}) → ${want}: ${why}`, () => {
      assert.equal(sw.strategyFor(request), want);
    });
  }
});

describe('service worker lifecycle', () => {
  it('precaches the shell into a cache named for the build, revalidating what is not hashed', async () => {
    const network = new FakeNetwork(SITE_A);
    const caches = new FakeCaches(network);
    const sw = startWorker(BUILD_A, network, caches);
    await sw.install();
    await sw.activate();
    assert.deepEqual(await caches.keys(), ['juko-shell-aaaa']);
    assert.deepEqual(network.log.map((r) => r.path), BUILD_A.shell);
    for (const { path, cache } of network.log) {
      // The build's code is named by its hash: an HTTP-cached copy is the right one.
      assert.equal(cache, path.startsWith('/app/') ? 'default' : 'no-cache', path);
    }
  });

  it('opens the app offline from the cache, deep links too, and never answers the site', async () => {
    const network = new FakeNetwork(SITE_A);
    const caches = new FakeCaches(network);
    const sw = startWorker(BUILD_A, network, caches);
    await sw.install();
    await sw.activate();
    network.offline = true;
    for (const path of ['/', '/courses/3', '/history']) {
      assert.equal(await (await sw.fetch(page(path))).text(), 'index A', path);
    }
    assert.equal(await (await sw.fetch(req('/app/a1/juko_bg.wasm'))).text(), 'wasm A');
    assert.equal(await sw.fetch(req('/webservice/rest/server.php', { method: 'POST' })), null);
    assert.equal(await sw.fetch(req('/login/token.php', { method: 'POST' })), null);
    // Nothing the site answered went into the cache: only the precache did.
    const store = caches.stores.get('juko-shell-aaaa');
    assert.deepEqual([...store.keys()].map((u) => new URL(u).pathname), BUILD_A.shell);
  });

  it('online, a page comes from the network: a new build is seen on the next visit', async () => {
    const network = new FakeNetwork(SITE_A);
    const caches = new FakeCaches(network);
    const sw = startWorker(BUILD_A, network, caches);
    await sw.install();
    await sw.activate();
    network.files = SITE_B; // deployed while build A's worker is in charge
    assert.equal(await (await sw.fetch(page('/courses/3'))).text(), 'index B');
    // Build B's code is not in A's shell: it goes to the network, never mixed with A's files.
    assert.equal(sw.strategyFor(req('/app/b2/juko.js')), 'network');
  });

  it('a new build takes over: precaches its shell, drops the old cache, opens offline as itself', async () => {
    const network = new FakeNetwork(SITE_A);
    const caches = new FakeCaches(network);
    const a = startWorker(BUILD_A, network, caches);
    await a.install();
    await a.activate();
    network.files = SITE_B;
    const b = startWorker(BUILD_B, network, caches);
    await b.install();
    // Until B activates, A's cache stays (an open page of build A may still be using it).
    assert.deepEqual((await caches.keys()).sort(), ['juko-shell-aaaa', 'juko-shell-bbbb']);
    await b.activate();
    assert.deepEqual(await caches.keys(), ['juko-shell-bbbb']);
    network.offline = true;
    assert.equal(await (await b.fetch(page('/'))).text(), 'index B');
    assert.equal(await (await b.fetch(req('/app/b2/juko_bg.wasm'))).text(), 'wasm B');
  });

  it('a build that cannot be precached does not install, and the old one stays', async () => {
    const network = new FakeNetwork(SITE_A);
    const caches = new FakeCaches(network);
    const a = startWorker(BUILD_A, network, caches);
    await a.install();
    await a.activate();
    network.files = { ...SITE_B, '/app/b2/juko_bg.wasm': undefined }; // a half-deployed build
    const b = startWorker(BUILD_B, network, caches);
    await assert.rejects(b.install());
    assert.ok((await caches.keys()).includes('juko-shell-aaaa'));
    network.offline = true;
    assert.equal(await (await a.fetch(page('/'))).text(), 'index A');
  });
});
