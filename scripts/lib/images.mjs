// Builds the runtime images (images/<language>/) on a Docker engine, once per
// change of their sources: an image carries the hash of its folder in the
// `grader.source-hash` label, and a matching image is left alone.
//
// Two paths to a base image:
// - GRADER_BASE_IMAGE set (a registry is reachable): the Dockerfile builds
//   FROM the image.json's `baseImage` when it names one (node:24-bookworm-slim),
//   else FROM GRADER_BASE_IMAGE (debian:bookworm-slim), and installs what it needs.
// - otherwise: a Debian root built here from Debian packages with debootstrap
//   (the image.json's `debianSuite`, bookworm by default, with its
//   `debianPackages`, and `debootstrapScript` for a suite newer than the host's
//   debootstrap) and `docker import`ed.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ProvisionError, aptInstall, log, readJson, which } from './system.mjs'

/** The Debian suite of a local base root when the image.json names none. */
const DEFAULT_SUITE = 'bookworm'

function listFiles (dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    // Caches and installed packages are build products, not sources (the image installs its own).
    if (name === '__pycache__' || name === 'node_modules') continue
    if (statSync(full).isDirectory()) out.push(...listFiles(full))
    else out.push(full)
  }
  return out
}

export function sourceHash (dir) {
  const h = createHash('sha256')
  for (const file of listFiles(dir)) {
    h.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return h.digest('hex').slice(0, 16)
}

/** The language folders under images/: each has an image.json and a Dockerfile. */
export function imageSpecs (imagesDir) {
  return readdirSync(imagesDir)
    .filter(name => existsSync(join(imagesDir, name, 'image.json')))
    .map(name => {
      const dir = join(imagesDir, name)
      return { dir, ...readJson(join(dir, 'image.json')), hash: sourceHash(dir) }
    })
}

/** The protocol version the image's harness speaks: its copy of the protocol document says. */
export function harnessProtocol (dir) {
  const file = join(dir, 'harness', 'protocol.json')
  return existsSync(file) ? readJson(file).version : 0
}

async function exists (docker, tag) {
  try { return await docker.getImage(tag).inspect() } catch { return null }
}

function follow (docker, stream) {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err, output) => {
      if (err) return reject(err)
      const failed = output.find(o => o.error || o.errorDetail)
      if (failed) return reject(new ProvisionError(failed.error || failed.errorDetail.message))
      resolve(output)
    })
  })
}

async function buildLocalBase (docker, spec, stateDir) {
  const packages = [...spec.debianPackages].sort()
  const suite = spec.debianSuite ?? DEFAULT_SUITE
  // debootstrap knows the suites released before it (Debian 12's knows trixie, not forky); a
  // later one is built with the script it names (`sid`, which serves every suite after the last).
  const script = spec.debootstrapScript ?? null
  const tag = `grader-base-${spec.language}:${createHash('sha256').update([suite, packages.join(' '), ...(script === null ? [] : [script])].join('\0')).digest('hex').slice(0, 12)}`
  if (await exists(docker, tag)) return tag
  if (which('debootstrap') === null) aptInstall(['debootstrap'], 'building a base image from Debian packages needs debootstrap')
  mkdirSync(stateDir, { recursive: true })
  const root = mkdtempSync(join(stateDir, `rootfs-${spec.language}-`))
  try {
    log(`building the ${spec.language} base root from Debian ${suite} packages (${packages.join(', ')}); this takes a minute, once`)
    await new Promise((resolve, reject) => {
      // An empty mirror is debootstrap's own default one.
      const where = script === null ? [] : ['', script]
      const p = spawn('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, suite, root, ...where], { stdio: ['ignore', 'ignore', 'pipe'] })
      let err = ''
      p.stderr.on('data', d => { err = (err + d).slice(-4000) })
      p.on('error', reject)
      p.on('exit', code => code === 0 ? resolve() : reject(new ProvisionError(`debootstrap failed (${code}): ${err}`)))
    })
    // Package caches are of no use in a grading image.
    rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true })
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const [repo, version] = tag.split(':')
    await follow(docker, await docker.importImage(tar.stdout, { repo, tag: version }))
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  return tag
}

/**
 * The certificate authorities this machine trusts beyond Node's own
 * (`NODE_EXTRA_CA_CERTS`, e.g. a company's TLS proxy), for the build's
 * `npm ci`: sent with the context as `build-ca.pem`, never part of the source
 * hash, and only used by the build step that fetches packages.
 */
function buildCertificates () {
  const file = process.env.NODE_EXTRA_CA_CERTS
  if (!file || !existsSync(file)) return null
  try { return readFileSync(file) } catch { return null }
}

async function contextTar (dir) {
  const { pack } = await import('tar-stream')
  const p = pack()
  for (const file of listFiles(dir)) {
    const mode = statSync(file).mode & 0o777
    p.entry({ name: relative(dir, file), mode }, readFileSync(file))
  }
  const certificates = buildCertificates()
  if (certificates !== null) p.entry({ name: 'build-ca.pem', mode: 0o644 }, certificates)
  p.finalize()
  return p
}

/** Builds every runtime image that is missing or stale on one engine. */
export async function ensureImages (docker, { imagesDir, stateDir, baseImage = process.env.GRADER_BASE_IMAGE }) {
  const built = []
  for (const spec of imageSpecs(imagesDir)) {
    const current = await exists(docker, spec.tag)
    if (current?.Config?.Labels?.['grader.source-hash'] === spec.hash) continue
    // With a registry, an image that names its own base (Node's official image) builds FROM that.
    const base = baseImage ? (spec.baseImage ?? baseImage) : await buildLocalBase(docker, spec, stateDir)
    log(`building ${spec.tag} from ${base}`)
    const stream = await docker.buildImage(await contextTar(spec.dir), {
      t: spec.tag,
      buildargs: JSON.stringify({ BASE_IMAGE: base, SOURCE_HASH: spec.hash, HARNESS_PROTOCOL: String(harnessProtocol(spec.dir)) }),
      // the host network, for the official-image path's apt-get; grading containers get none
      networkmode: 'host',
      rm: true,
      forcerm: true,
    })
    await follow(docker, stream)
    built.push(spec.tag)
  }
  return built
}
