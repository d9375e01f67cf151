// The ops console in the browser: renders the snapshots of /ops/events (one
// EventSource, no polling per row) and sends the host controls to /ops/hosts/…,
// which forwards them to /v1/hosts. No framework and no build step: the API
// serves this file as it is. The admin key is never read here: the login
// session's cookie is HttpOnly.

const CSRF = { 'x-grader-ops': '1' }
/** A snapshot older than this is stale even if the stream looks open, in ms (the API sends one every ~2 s). */
const STALE_AFTER_MS = 8000
/** How much history the sparklines and the per-minute rates keep, in ms. */
const HISTORY_MS = 5 * 60_000

const $ = (selector, root = document) => root.querySelector(selector)

/** An element with attributes and children (strings become text: nothing here parses HTML). */
function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child)
  return el
}

const SVG = 'http://www.w3.org/2000/svg'
/** A small line chart of `values` (numbers or null), as an SVG with a text alternative. */
function sparkline (values, label) {
  const width = 120
  const height = 24
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height))
  svg.setAttribute('role', 'img')
  svg.setAttribute('class', 'sparkline')
  const known = values.filter(v => typeof v === 'number')
  const title = document.createElementNS(SVG, 'title')
  title.textContent = known.length === 0 ? `${label}: no data yet` : `${label}: last ${Math.round(known.at(-1))}, max ${Math.round(Math.max(...known))}`
  svg.append(title)
  if (known.length < 2) return svg
  const max = Math.max(...known, 1)
  const step = width / Math.max(values.length - 1, 1)
  const points = values.map((v, i) => typeof v === 'number' ? `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}` : null).filter(Boolean)
  const line = document.createElementNS(SVG, 'polyline')
  line.setAttribute('points', points.join(' '))
  line.setAttribute('fill', 'none')
  line.setAttribute('stroke', 'currentColor')
  line.setAttribute('stroke-width', '1.5')
  svg.append(line)
  return svg
}

const ms = v => (typeof v === 'number' ? `${Math.round(v)} ms` : '–')
const since = iso => {
  if (!iso) return 'never'
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : new Date(iso).toLocaleString()
}

function loginPage () {
  const form = $('#login-form')
  const problem = $('#login-problem')
  form.addEventListener('submit', async event => {
    event.preventDefault()
    problem.hidden = true
    const key = $('#key').value
    let res
    try {
      res = await fetch('/ops/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }), credentials: 'same-origin' })
    } catch {
      res = null
    }
    if (res !== null && res.status === 204) { location.assign('/ops'); return }
    let message = 'The grader could not be reached.'
    if (res !== null) {
      const body = await res.json().catch(() => null)
      message = res.status === 401 ? 'Wrong key: the grader does not know it.' : res.status === 403 ? 'That key is not an admin key of the grader.' : (body?.error?.message ?? `Refused (${res.status}).`)
    }
    problem.textContent = message
    problem.hidden = false
    $('#key').focus()
  })
}

function consolePage () {
  /** Snapshots received, newest last, within HISTORY_MS: the page's own memory of the last minutes. */
  const history = []
  /** The last snapshot that could read Redis. */
  let last = null
  let lastAt = 0
  /** Controls sent and not yet seen applied: host id → { what, check(host) }. */
  const pending = new Map()
  const live = $('#live')
  const controlStatus = $('#control-status')

  const setLive = (state, text) => {
    live.dataset.state = state
    live.textContent = text
    document.body.classList.toggle('stale', state !== 'live')
  }

  const source = new EventSource('/ops/events', { withCredentials: true })
  source.addEventListener('open', () => { if (last === null) setLive('connecting', 'Connected, waiting for the first snapshot…') })
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) setLive('stale', 'Stream closed (the session may have ended): reload the page. Data shown is stale.')
    else setLive('stale', `Stream lost, reconnecting… Data shown is stale (from ${last ? new Date(last.at).toLocaleTimeString() : 'never'}).`)
  })
  source.addEventListener('snapshot', event => {
    const snapshot = JSON.parse(event.data)
    if (!snapshot.ok) {
      setLive('stale', `The grader cannot read Redis (${snapshot.error ?? 'no answer'}). Data shown is stale (from ${last ? new Date(last.at).toLocaleTimeString() : 'never'}).`)
      return
    }
    last = snapshot
    lastAt = Date.now()
    history.push({ t: lastAt, s: snapshot })
    while (history.length > 0 && history[0].t < lastAt - HISTORY_MS) history.shift()
    setLive('live', `Live: updated ${new Date(snapshot.at).toLocaleTimeString()}`)
    render(snapshot)
  })
  // the stream can look open while nothing arrives (an API that hangs): age alone makes data stale
  setInterval(() => {
    if (last !== null && live.dataset.state === 'live' && Date.now() - lastAt > STALE_AFTER_MS) {
      setLive('stale', `No update for ${Math.round((Date.now() - lastAt) / 1000)} s. Data shown is stale.`)
    }
  }, 1000)

  $('#logout-form').addEventListener('submit', async event => {
    event.preventDefault()
    await fetch('/ops/logout', { method: 'POST', headers: CSRF, credentials: 'same-origin' }).catch(() => {})
    location.assign('/ops')
  })

  /** The snapshot about a minute before the newest, for rates; the oldest one kept if the page is younger. */
  const minuteAgo = () => {
    const target = lastAt - 60_000
    return history.find(e => e.t >= target) ?? history[0]
  }

  async function send (host, what, method, suffix, body, check) {
    controlStatus.textContent = `${what} ${host.id}: sending…`
    let res
    try {
      res = await fetch(`/ops/hosts/${encodeURIComponent(host.id)}${suffix}`, {
        method, credentials: 'same-origin',
        headers: body === undefined ? CSRF : { ...CSRF, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch {
      controlStatus.textContent = `${what} ${host.id}: the grader could not be reached.`
      return
    }
    if (res.status !== 202) {
      const answer = await res.json().catch(() => null)
      controlStatus.textContent = `${what} ${host.id} refused (${res.status}): ${answer?.error?.message ?? 'no reason given'}`
      return
    }
    pending.set(host.id, { what, check, since: Date.now() })
    controlStatus.textContent = `${what} ${host.id}: accepted, waiting for its worker to apply it…`
  }

  const confirmDialog = $('#confirm')
  function confirmRecycle (host) {
    $('#confirm-text').textContent = `Recycle ${host.id}? Its runs in flight are retried elsewhere and the daemon is restarted.`
    confirmDialog.returnValue = ''
    confirmDialog.showModal()
    confirmDialog.addEventListener('close', () => {
      if (confirmDialog.returnValue !== 'ok') { controlStatus.textContent = `Recycle ${host.id}: cancelled.`; return }
      const recycledBefore = host.lastRecycleAt
      void send(host, 'Recycle', 'POST', '/recycle', undefined, h => h.state === 'recycling' || h.lastRecycleAt !== recycledBefore)
    }, { once: true })
  }

  /** Rows by host id, kept between snapshots so focus and an edited concurrency survive updates. */
  const rows = new Map()
  const latencyHistory = id => history.map(e => e.s.hosts.find(x => x.id === id)?.latencyMs?.p95 ?? null)

  function hostRow (id) {
    let row = rows.get(id)
    if (row !== undefined) return row
    const concurrency = h('input', { type: 'number', min: 1, max: 256, id: `conc-${id}`, class: 'concurrency', inputmode: 'numeric' })
    const label = h('label', { for: `conc-${id}`, class: 'visually-hidden' }, `Concurrency of ${id}`)
    const drain = h('button', { type: 'button', class: 'drain' })
    const recycle = h('button', { type: 'button', class: 'recycle danger' }, 'Recycle…')
    const setConc = h('button', { type: 'submit', class: 'set-concurrency' }, 'Set')
    const concForm = h('form', { class: 'conc-form' }, label, concurrency, setConc)
    row = {
      tr: h('tr', { 'data-host': id }),
      cells: Array.from({ length: 10 }, () => h('td')),
      concurrency, drain, recycle, concForm, host: null,
    }
    row.cells[0] = h('th', { scope: 'row' })
    row.tr.append(...row.cells, h('td', { class: 'controls' }, drain, recycle, concForm))
    drain.addEventListener('click', () => {
      const host = row.host
      if (host.control.draining === true || host.draining) void send(host, 'Undrain', 'POST', '/undrain', undefined, x => !x.draining)
      else void send(host, 'Drain', 'POST', '/drain', undefined, x => x.draining)
    })
    recycle.addEventListener('click', () => { confirmRecycle(row.host) })
    concForm.addEventListener('submit', event => {
      event.preventDefault()
      const value = Number(concurrency.value)
      if (!Number.isInteger(value) || value < 1 || value > 256) { controlStatus.textContent = 'Concurrency must be a whole number from 1 to 256.'; return }
      concurrency.dataset.edited = ''
      void send(row.host, `Concurrency ${value} for`, 'PATCH', '', { concurrency: value }, x => x.concurrency === value)
    })
    concurrency.addEventListener('input', () => { concurrency.dataset.edited = '1' })
    rows.set(id, row)
    return row
  }

  function renderHosts (snapshot) {
    const tbody = $('#hosts tbody')
    const seen = new Set()
    for (const host of snapshot.hosts) {
      seen.add(host.id)
      const row = hostRow(host.id)
      row.host = host
      row.tr.classList.remove('gone')
      row.tr.dataset.state = host.state
      const [name, state, draining, latency, spark, flight, pool, images, recycle, errors] = row.cells
      name.replaceChildren(host.id, h('div', { class: 'sub' }, `worker ${host.worker}`))
      state.replaceChildren(h('span', { class: `state state-${host.state}` }, host.state))
      const asked = host.control.draining === true && !host.draining ? ' (asked)' : host.control.draining === false && host.draining ? ' (undrain asked)' : ''
      draining.textContent = (host.draining ? 'yes' : 'no') + asked
      latency.textContent = `${ms(host.latencyMs.p50)} / ${ms(host.latencyMs.p95)}`
      spark.replaceChildren(sparkline(latencyHistory(host.id), `p95 latency of ${host.id}, ms`))
      flight.textContent = `${host.inFlight} / ${host.concurrency}` + (host.control.concurrency !== undefined && host.control.concurrency !== host.concurrency ? ` (asked ${host.control.concurrency})` : '')
      pool.textContent = host.pool ? `${host.pool.ready} ready, ${host.pool.inUse} in use (target ${host.pool.target}); ${host.pool.hits} hits, ${host.pool.misses} misses` : '–'
      images.textContent = host.images.length > 0 ? host.images.join(', ') : 'none'
      recycle.textContent = since(host.lastRecycleAt)
      errors.replaceChildren(String(host.errors ?? 0), host.lastError ? h('div', { class: 'sub' }, host.lastError) : '')
      const drained = host.control.draining === true || host.draining
      row.drain.textContent = drained ? 'Undrain' : 'Drain'
      row.drain.setAttribute('aria-label', `${drained ? 'Undrain' : 'Drain'} ${host.id}`)
      row.recycle.setAttribute('aria-label', `Recycle ${host.id}`)
      row.concForm.querySelector('button').setAttribute('aria-label', `Set concurrency of ${host.id}`)
      if (row.concurrency.dataset.edited !== '1' && document.activeElement !== row.concurrency) row.concurrency.value = String(host.concurrency)
      const wanted = pending.get(host.id)
      if (wanted !== undefined && wanted.check(host)) {
        pending.delete(host.id)
        controlStatus.textContent = `${wanted.what} ${host.id}: applied by its worker (${Math.round((Date.now() - wanted.since) / 100) / 10} s).`
      }
      if (row.tr.parentElement !== tbody) tbody.append(row.tr)
    }
    // a host no live worker reports any more stays, marked, so its disappearance is seen
    for (const [id, row] of rows) {
      if (seen.has(id)) continue
      row.tr.classList.add('gone')
      row.cells[1].replaceChildren(h('span', { class: 'state state-gone' }, 'not reported (stale)'))
    }
    $('#hosts tbody tr.empty')?.toggleAttribute('hidden', rows.size > 0)
  }

  const dl = (el, entries) => el.replaceChildren(...entries.flatMap(([k, v, id]) => [h('dt', {}, k), h('dd', id ? { 'data-key': id } : {}, v)]))

  function render (snapshot) {
    renderHosts(snapshot)
    const before = minuteAgo().s
    const spanS = Math.max(1, Math.round((lastAt - minuteAgo().t) / 1000))
    // a page younger than a minute scales what it saw up to a minute, and says over how long
    const perMinute = (now, then) => spanS < 5 ? '–' : `${Math.round((now - then) * 60 / spanS)}${spanS < 55 ? ` (over ${spanS} s)` : ''}`
    const rate = (now, then) => spanS < 5 ? 'no rate yet' : `${perMinute(now, then)} per minute`
    const q = snapshot.queue
    const fairTotal = snapshot.fair.reduce((n, d) => n + d.pending, 0)
    dl($('#queue'), [
      ['Waiting (fair queue)', String(fairTotal), 'fair'],
      ['Waiting', String(q.waiting), 'waiting'],
      ['Active', String(q.active), 'active'],
      ['Delayed (retry backoff)', String(q.delayed), 'delayed'],
      ['Failed', String(q.failed), 'failed'],
      ['Live workers', String(snapshot.workers.length), 'workers'],
    ])
    $('#fair tbody').replaceChildren(...(snapshot.fair.length === 0
      ? [h('tr', {}, h('td', { colspan: 3 }, 'Nothing waiting.'))]
      : snapshot.fair.map(d => h('tr', {}, h('td', {}, d.tenant), h('td', {}, d.lane), h('td', {}, String(d.pending))))))
    const slas = Object.entries(snapshot.slaMs).map(([lane, v]) => `${lane} ${v === null ? 'none' : `${v / 1000} s`}`).join(', ')
    const misses = Object.values(snapshot.slaMisses).reduce((a, b) => a + b, 0)
    const missesBefore = Object.values(before.slaMisses).reduce((a, b) => a + b, 0)
    const worstSla = Math.min(...Object.values(snapshot.slaMs).filter(v => v !== null))
    const p95 = snapshot.endToEndMs.p95
    dl($('#sla'), [
      ['p50 / p95 (from the histogram buckets)', `${ms(snapshot.endToEndMs.p50)} / ${ms(p95)}`, 'e2e'],
      ['SLA', slas],
      ['p95 within the tightest SLA', p95 === null || !Number.isFinite(worstSla) ? '–' : p95 <= worstSla ? 'yes' : 'NO', 'within'],
      ['SLA misses', `${misses} total, ${rate(misses, missesBefore)}`, 'misses'],
      ['Gradings measured', String(snapshot.endToEndMs.count), 'count'],
    ])
    const byKey = list => new Map(list.map(g => [`${g.status}/${g.reason}`, g.count]))
    const then = byKey(before.graded)
    $('#graded tbody').replaceChildren(...(snapshot.graded.length === 0
      ? [h('tr', {}, h('td', { colspan: 4 }, 'Nothing graded yet.'))]
      : snapshot.graded.map(g => h('tr', {}, h('td', {}, g.status), h('td', {}, g.reason || '–'), h('td', {}, perMinute(g.count, then.get(`${g.status}/${g.reason}`) ?? 0)), h('td', {}, String(g.count))))))
    const recycles = snapshot.recycles.reduce((n, r) => n + r.count, 0)
    const recyclesBefore = before.recycles.reduce((n, r) => n + r.count, 0)
    const series = pick => history.map(e => pick(e.s))
    dl($('#trends'), [
      ['Waiting', sparkline(series(s => s.queue.waiting + s.fair.reduce((n, d) => n + d.pending, 0)), 'jobs waiting')],
      ['Graded (total)', sparkline(series(s => s.graded.reduce((n, g) => n + g.count, 0)), 'gradings finished')],
      ['Retries', `${snapshot.retries} total, ${rate(snapshot.retries, before.retries)}`, 'retries'],
      ['Recycles', `${recycles} total, ${rate(recycles, recyclesBefore)}`, 'recycles'],
    ])
  }
}

if (document.body.classList.contains('login')) loginPage()
else consolePage()
