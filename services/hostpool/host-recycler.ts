import { spawn } from 'node:child_process'

export interface RecycleOutcome {
  ok: boolean
  exitCode: number | null
  /** Last lines the command printed, for the log. */
  output: string
  durationMs: number
}

/**
 * Runs the operator's recycle action for one host: a shell command with
 * `GRADER_HOST_ID` and `GRADER_HOST_ENDPOINT` in its environment, e.g.
 * `ssh "$GRADER_HOST_ID" systemctl restart docker`. Exit 0 means the daemon is
 * back; anything else, or running past `timeoutMs`, is a failed recycle.
 */
export function runRecycleCommand (command: string, host: { id: string, endpoint: string }, timeoutMs: number): Promise<RecycleOutcome> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      env: { ...process.env, GRADER_HOST_ID: host.id, GRADER_HOST_ENDPOINT: host.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    const keep = (d: Buffer) => { output = (output + d.toString('utf8')).slice(-2000) }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => {
      output += `\n(recycle command killed after ${timeoutMs} ms)`
      // The whole process group: a stuck ssh or sleep must not outlive us.
      try { process.kill(-child.pid!, 'SIGKILL') } catch { child.kill('SIGKILL') }
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, exitCode: null, output: err.message, durationMs: Date.now() - started })
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0, exitCode: code, output: output.trim(), durationMs: Date.now() - started })
    })
  })
}
