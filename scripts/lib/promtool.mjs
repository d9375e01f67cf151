// promtool, for the test that checks deploy/prometheus/alerts.yml. Only the one binary is wanted:
// installing Debian's `prometheus` package would also start a Prometheus server on this machine,
// so the package is downloaded and promtool alone is unpacked into the state folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProvisionError, aptUpdateOnce, isDebian, isRoot, log, run, which } from './system.mjs'

/** The path of a working promtool: the machine's own, or one unpacked from Debian's package. */
export function ensurePromtool (stateDir) {
  const own = which('promtool')
  if (own !== null) return own
  const kept = join(stateDir, 'tools', 'promtool')
  if (existsSync(kept)) return kept
  if (!isRoot() || !isDebian()) {
    throw new ProvisionError('no promtool: install Debian\'s prometheus package (or Prometheus\'s promtool) and run again')
  }
  log('unpacking promtool from Debian\'s prometheus package (for the alert rules\' test)')
  const work = mkdtempSync(join(tmpdir(), 'grader-promtool-'))
  try {
    const download = () => run('apt-get', ['download', '-qq', 'prometheus'], { cwd: work, quiet: true })
    try { download() } catch { aptUpdateOnce(); download() }
    const deb = readdirSync(work).find(f => f.endsWith('.deb'))
    if (deb === undefined) throw new ProvisionError('apt-get download prometheus gave no package')
    run('dpkg-deb', ['-x', join(work, deb), join(work, 'root')], { quiet: true })
    mkdirSync(join(stateDir, 'tools'), { recursive: true })
    copyFileSync(join(work, 'root', 'usr', 'bin', 'promtool'), kept)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return kept
}
