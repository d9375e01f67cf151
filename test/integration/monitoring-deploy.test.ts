// deploy/prometheus/alerts.yml and deploy/grafana/grader.json: the rules pass promtool's check and
// their own unit tests (alerts.test.yml: each alert fires on the series it is written for and not
// on the normal case next to it), and every grader_* metric the rules and the dashboard name is one
// a running grader serves on /metrics (real Redis and Docker, a worker publishing its hosts).
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

const run = promisify(execFile)
const DEPLOY = new URL('../../deploy/', import.meta.url)
const PROMETHEUS = new URL('prometheus/', DEPLOY).pathname

interface Rule { alert: string, expr: string, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }
interface Panel { type: string, title: string, id: number, gridPos: { x: number, y: number, w: number, h: number }, targets?: Array<{ expr: string }>, datasource?: unknown }

const rules: Rule[] = (parse(readFileSync(new URL('prometheus/alerts.yml', DEPLOY), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(g => g.rules)
const dashboard = JSON.parse(readFileSync(new URL('grafana/grader.json', DEPLOY), 'utf8')) as { uid: string, panels: Panel[] }
const graphs = dashboard.panels.filter(p => p.type !== 'row')

/** The grader_* metric names a PromQL expression reads (a histogram by its family name). */
function metricsIn (expr: string): string[] {
  return [...expr.matchAll(/\bgrader_[a-z_]+\b/g)].map(m => m[0].replace(/_(bucket|sum|count)$/, ''))
}

function promtool (): string {
  const path = process.env.PROMTOOL
  if (path === undefined || path === '') throw new Error('PROMTOOL is not set: run the tests with npm test, which provides promtool')
  return path
}

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run(promtool(), ['check', 'rules', 'alerts.yml'], { cwd: PROMETHEUS })
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`)
  })

  it('fire on the series each is written for, and stay quiet on the normal case (promtool test rules)', async () => {
    const { stdout } = await run(promtool(), ['test', 'rules', 'alerts.test.yml'], { cwd: PROMETHEUS })
    expect(stdout).toContain('SUCCESS')
    // every alert has a test that expects it to fire
    const tests = readFileSync(new URL('prometheus/alerts.test.yml', DEPLOY), 'utf8')
    const tested = (parse(tests) as { tests: Array<{ alert_rule_test: Array<{ alertname: string, exp_alerts?: unknown[] }> }> }).tests
      .flatMap(t => t.alert_rule_test).filter(a => (a.exp_alerts ?? []).length > 0).map(a => a.alertname)
    expect(new Set(tested)).toEqual(new Set(rules.map(r => r.alert)))
  })

  it('cover what ops asked for: an unhealthy host, recycle flapping, SLA misses, a growing queue, Redis down, no live worker', () => {
    const byMetric = (metric: string) => rules.filter(r => metricsIn(r.expr).includes(metric)).map(r => r.alert)
    expect(byMetric('grader_host_state')).toEqual(['GraderHostUnhealthy'])
    expect(byMetric('grader_recycles_total')).toEqual(['GraderHostRecycleFlapping'])
    expect(byMetric('grader_sla_misses_total')).toEqual(['GraderSlaMissesRising'])
    expect(byMetric('grader_queue_jobs')).toEqual(['GraderQueueGrowing'])
    expect(byMetric('grader_redis_up')).toEqual(['GraderRedisDown'])
    expect(byMetric('grader_workers_live')).toEqual(['GraderNoLiveWorker'])
    for (const rule of rules) expect(rule.annotations?.summary, rule.alert).toBeTruthy()
  })
})

describe('the Grafana dashboard', () => {
  it('is a dashboard of panels that each query the Prometheus data source, laid out on the 24-column grid without overlap', () => {
    expect(dashboard.uid).toBe('challenge-grader')
    expect(graphs.length).toBeGreaterThan(10)
    expect(new Set(dashboard.panels.map(p => p.id)).size).toBe(dashboard.panels.length)
    const cells = new Set<string>()
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos
      expect(x + w, panel.title).toBeLessThanOrEqual(24)
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${panel.title} overlaps another panel`).toBe(false)
          cells.add(`${i},${j}`)
        }
      }
    }
    for (const panel of graphs) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' })
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
      for (const t of panel.targets ?? []) expect(metricsIn(t.expr).length, `${panel.title}: ${t.expr}`).toBeGreaterThan(0)
    }
  })

  it('shows hosts, latency, the SLA, the queue, recycles and the verdict mix', () => {
    const shown = new Set(graphs.flatMap(p => (p.targets ?? []).flatMap(t => metricsIn(t.expr))))
    for (const metric of ['grader_host_state', 'grader_host_latency_ms', 'grader_host_in_flight', 'grader_queue_jobs', 'grader_submission_duration_ms', 'grader_sla_misses_total', 'grader_recycles_total', 'grader_submissions_total']) {
      expect(shown, metric).toContain(metric)
    }
  })
})

describe('the metrics the rules and the dashboard name', () => {
  let grader: TestGrader
  beforeAll(async () => { grader = await startTestGrader() })
  afterAll(async () => { await grader?.close() })

  it('are all served by a running grader on /metrics', async () => {
    const named = new Set([
      ...rules.flatMap(r => metricsIn(r.expr)),
      ...graphs.flatMap(p => (p.targets ?? []).flatMap(t => metricsIn(t.expr))),
    ])
    // The worker publishes its hosts every few seconds: wait for the first view to be read.
    let text = ''
    for (let i = 0; i < 100; i++) {
      text = await (await fetch(`${grader.metricsUrl}/metrics`)).text()
      if (/^grader_workers_live [1-9]/m.test(text)) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    const served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(m => m[1]))
    expect([...named].filter(m => !served.has(m))).toEqual([])
    expect(text).toMatch(/^grader_workers_live 1$/m)
  })
})
