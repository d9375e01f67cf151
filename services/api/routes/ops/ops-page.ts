/**
 * The HTML of `GET /ops`: a login form, or the console's empty frame that
 * `assets/ops.js` fills from the event stream. Neither holds any data of the
 * grader: data comes only from `/ops/events`, behind the admin check, so a
 * page served without a key can show nothing but the form.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** Text safe inside HTML content and quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, c => ESCAPES[c]!)

/**
 * The page's Content-Security-Policy: its own script and style only, no
 * inline code, no framing. What an injected string could do is thereby
 * bounded even if escaping were missed somewhere.
 */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const head = (title: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/ops/assets/ops.css">
<script type="module" src="/ops/assets/ops.js"></script>
</head>`

/** The login form; `problem` (why the last key was refused) is shown above it, announced to screen readers. */
export function loginPage (problem?: string): string {
  return `${head('Grader ops: log in')}
<body class="login">
<main id="login" aria-labelledby="login-title">
  <h1 id="login-title">Grader ops console</h1>
  <p>Log in with an admin key of the grader (<code>GRADER_ADMIN_KEYS</code>). The key is kept in this browser session's cookie only, never in the address.</p>
  <p id="login-problem" class="problem" role="alert"${problem === undefined ? ' hidden' : ''}>${escapeHtml(problem ?? '')}</p>
  <form id="login-form" method="post" action="/ops/login">
    <label for="key">Admin key</label>
    <input id="key" name="key" type="password" autocomplete="current-password" required spellcheck="false">
    <button type="submit">Log in</button>
  </form>
</main>
</body>
</html>
`
}

/** The console's frame: headings, empty tables and the live-status line; ops.js fills them. */
export function consolePage (): string {
  return `${head('Grader ops')}
<body class="console">
<header>
  <h1>Grader ops</h1>
  <p id="live" class="live" role="status" aria-live="polite" data-state="connecting">Connecting…</p>
  <nav aria-label="Ops">
    <a href="/ops/queues">Jobs (bull-board)</a>
    <form id="logout-form" method="post" action="/ops/logout"><button type="submit">Log out</button></form>
  </nav>
</header>
<main>
  <section aria-labelledby="hosts-title">
    <h2 id="hosts-title">Hosts</h2>
    <p id="control-status" class="control-status" role="status" aria-live="polite"></p>
    <div class="scroll">
    <table id="hosts">
      <caption class="visually-hidden">Docker hosts of every worker, live</caption>
      <thead><tr>
        <th scope="col">Host</th><th scope="col">State</th><th scope="col">Draining</th>
        <th scope="col">Latency p50 / p95</th><th scope="col">Last minutes (p95)</th>
        <th scope="col">In flight / concurrency</th><th scope="col">Warm pool</th><th scope="col">Images</th>
        <th scope="col">Last recycle</th><th scope="col">Errors</th><th scope="col">Controls</th>
      </tr></thead>
      <tbody><tr class="empty"><td colspan="11">No host reported yet.</td></tr></tbody>
    </table>
    </div>
  </section>
  <section aria-labelledby="queue-title">
    <h2 id="queue-title">Queue and SLA</h2>
    <div class="panels">
      <div class="panel">
        <h3>Queue</h3>
        <dl id="queue"></dl>
        <table id="fair">
          <caption>Waiting per tenant and lane</caption>
          <thead><tr><th scope="col">Tenant</th><th scope="col">Lane</th><th scope="col">Pending</th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <div class="panel">
        <h3>End to end</h3>
        <dl id="sla"></dl>
      </div>
      <div class="panel">
        <h3>Graded per minute</h3>
        <table id="graded">
          <caption class="visually-hidden">Gradings finished in the last minute, by status and reason</caption>
          <thead><tr><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Per minute</th><th scope="col">Total</th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <div class="panel">
        <h3>Over time</h3>
        <dl id="trends"></dl>
      </div>
    </div>
  </section>
</main>
<dialog id="confirm" aria-labelledby="confirm-title">
  <form method="dialog">
    <h2 id="confirm-title">Recycle host?</h2>
    <p id="confirm-text"></p>
    <div class="actions">
      <button value="cancel" type="submit">Cancel</button>
      <button value="ok" type="submit" class="danger">Recycle</button>
    </div>
  </form>
</dialog>
</body>
</html>
`
}
