import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { Principal } from '../../../services/api/plugins/principal.js'
import { buildMetricsServer, canReadMetrics, type MetricsScrape } from '../../../services/api/routes/metrics.js'
import type { Role } from '../../../services/shared/contracts/vocabulary.js'

const principal = (roles: Role[], globalAdmin = false): Principal => ({ keyId: 'key_a', tenantId: 'ten_a', roles: new Set(roles), globalAdmin, tenantWeight: 1 })

describe('canReadMetrics', () => {
  it('lets a key with the metrics role and a global admin scrape', () => {
    expect(canReadMetrics(principal(['metrics']))).toBe(true)
    expect(canReadMetrics(principal([], true))).toBe(true)
  })

  it('refuses no principal, a tenant\'s admin and every other role', () => {
    expect(canReadMetrics(undefined)).toBe(false)
    expect(canReadMetrics(principal(['admin']))).toBe(false)
    expect(canReadMetrics(principal(['submit', 'read']))).toBe(false)
  })
})

describe('buildMetricsServer', () => {
  const collector: MetricsScrape = { contentType: 'text/plain; version=0.0.4; charset=utf-8', scrape: async () => ({ text: 'grader_redis_up 1\n' }) } as MetricsScrape

  it('serves the collector\'s text on GET /metrics without a key, and nothing else', async () => {
    const server = await buildMetricsServer({ collector, logger: pino({ level: 'silent' }) })
    try {
      const res = await server.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
      expect(res.body).toBe('grader_redis_up 1\n')
      const other = await server.inject({ method: 'GET', url: '/v1/hosts' })
      expect(other.statusCode).toBe(404)
      expect(other.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
    } finally {
      await server.close()
    }
  })
})
