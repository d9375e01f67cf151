import type { HostControl, HostView } from '../shared/store/host-registry.js'
import type { ApiKey, KeyCreated, KeyRequest, Tenant, TenantPatch, TenantRequest } from '../shared/contracts/tenant-schema.js'

/** One host as `GET /v1/hosts` answers it: the worker's view plus what ops asked. */
export type HostListing = HostView & { control: HostControl }

/** An answer of the API that is not a success, or no answer at all. */
export class GraderApiError extends Error {
  constructor (
    message: string,
    /** The API's error code (`forbidden`, `not_found`…), or `unreachable` when no answer came. */
    readonly code: string,
    /** HTTP status, or 0 when no answer came. */
    readonly status: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options)
    this.name = 'GraderApiError'
  }
}

/** Options of a {@link GraderClient}. */
export interface GraderClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  url: string
  /** Bearer key; requests go without one when undefined (and the API answers 401). */
  apiKey?: string
  /** Longest wait for an answer, in ms. @defaultValue 10000 */
  timeoutMs?: number
  /** The fetch to use. @defaultValue globalThis.fetch */
  fetch?: typeof fetch
}

/** The operator side of the HTTP API: the host routes, tenants and keys. */
export class GraderClient {
  private readonly base: string
  private readonly timeoutMs: number
  private readonly fetch: typeof fetch

  constructor (private readonly options: GraderClientOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.fetch = options.fetch ?? globalThis.fetch
  }

  /** Every host of every live worker. */
  async listHosts (): Promise<{ hosts: HostListing[] }> {
    return await this.request('GET', '/v1/hosts')
  }

  /** Stops new work on a host; its runs in progress finish. */
  async drain (id: string): Promise<{ id: string, control: HostControl }> {
    return await this.request('POST', `/v1/hosts/${encodeURIComponent(id)}/drain`)
  }

  /** Lets a drained host take work again. */
  async undrain (id: string): Promise<{ id: string, control: HostControl }> {
    return await this.request('POST', `/v1/hosts/${encodeURIComponent(id)}/undrain`)
  }

  /** Asks the host's worker to recycle it. */
  async recycle (id: string): Promise<{ id: string, action: 'recycle' }> {
    return await this.request('POST', `/v1/hosts/${encodeURIComponent(id)}/recycle`)
  }

  /** Sets how many gradings the host runs at once. */
  async setConcurrency (id: string, concurrency: number): Promise<{ id: string, control: HostControl }> {
    return await this.request('PATCH', `/v1/hosts/${encodeURIComponent(id)}`, { concurrency })
  }

  /** Every tenant a global admin may see (a tenant's admin: its own). */
  async listTenants (): Promise<{ tenants: Tenant[] }> {
    return await this.request('GET', '/v1/tenants')
  }

  /** A new tenant (global admins only), with its webhook secret. */
  async createTenant (tenant: TenantRequest): Promise<Tenant> {
    return await this.request('POST', '/v1/tenants', tenant)
  }

  async getTenant (id: string): Promise<Tenant> {
    return await this.request('GET', `/v1/tenants/${encodeURIComponent(id)}`)
  }

  async updateTenant (id: string, patch: TenantPatch): Promise<Tenant> {
    return await this.request('PATCH', `/v1/tenants/${encodeURIComponent(id)}`, patch)
  }

  /** A new key of a tenant: the answer is the only time its `key` is shown. */
  async createKey (tenant: string, key: KeyRequest): Promise<KeyCreated> {
    return await this.request('POST', `/v1/tenants/${encodeURIComponent(tenant)}/keys`, key)
  }

  async listKeys (tenant: string): Promise<{ keys: ApiKey[] }> {
    return await this.request('GET', `/v1/tenants/${encodeURIComponent(tenant)}/keys`)
  }

  /** Revokes a key. */
  async deleteKey (id: string): Promise<void> {
    await this.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`)
  }

  private async request<T> (method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${this.options.apiKey}`
    // a body-less POST must not claim JSON: the API refuses an empty JSON body
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await this.fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string, message?: string } }).cause
      const why = cause?.code ?? cause?.message ?? (err as Error).message
      throw new GraderApiError(`cannot reach the grader at ${this.base}: ${why}`, 'unreachable', 0, { cause: err })
    }
    const text = await res.text()
    // 204: done, nothing to say
    if (res.status === 204) return undefined as T
    let json: unknown
    try { json = JSON.parse(text) } catch { json = undefined }
    if (res.ok && json !== undefined) return json as T
    const error = (json as { error?: { code?: unknown, message?: unknown } } | undefined)?.error
    if (typeof error?.code === 'string' && typeof error.message === 'string') throw new GraderApiError(error.message, error.code, res.status)
    throw new GraderApiError(`unexpected answer from ${this.base}${path}: HTTP ${res.status} ${text.slice(0, 200)}`, 'unexpected', res.status)
  }
}
