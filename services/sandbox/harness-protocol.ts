import { Type, type Static, type TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * The harness protocol: every message that crosses the container boundary,
 * defined once. The worker validates what the agent prints against these
 * schemas (everything that comes out of a container is untrusted), and the
 * same schemas are exported as JSON Schema into each image
 * (`images/<language>/harness/protocol.json`, by `npm run protocol:export`),
 * where the harness validates the job it receives, the runner events it
 * reads and the report it writes.
 *
 * Bump `HARNESS_PROTOCOL` on any incompatible change: images carry it in
 * their `grader.harness` label, and a worker never uses an image that speaks
 * another version.
 */
export const HARNESS_PROTOCOL = 4

/** Longest test id, message, output or code text a message may carry; the harness cuts before this. */
export const PROTOCOL_TEXT_MAX = 16_384
/** Most tests one run may report. */
export const PROTOCOL_TESTS_MAX = 5_000

const Text = (maxLength = PROTOCOL_TEXT_MAX) => Type.String({ maxLength })
const TestId = Text(1_000)
const FileMap = Type.Unsafe<Record<string, string>>({
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Relative path → UTF-8 file content',
})

/** How the student's code is run against the suite. */
export const IsolationSchema = Type.Union([
  /** The student's code runs in a process of its own, as another uid; the tests reach it through proxies. */
  Type.Literal('split'),
  /** The student's code is imported into the test process itself (opt-in; see README: Isolation). */
  Type.Literal('in-process'),
])
export type Isolation = Static<typeof IsolationSchema>

/** The worker → agent message, one JSON line on the container's stdin. */
export const JobSchema = Type.Object({
  protocol: Type.Literal(HARNESS_PROTOCOL),
  files: FileMap,
  tests: FileMap,
  /** Most bytes the student's code may print in the run. */
  outputBytes: Type.Integer({ minimum: 0 }),
  /** Longest one test may run before it is stopped and marked error. */
  testTimeoutMs: Type.Integer({ minimum: 1 }),
  /** The container's memory limit, named in messages. */
  memoryMb: Type.Number({ minimum: 0 }),
  strict: Type.Boolean(),
  isolation: IsolationSchema,
  /**
   * Collect the suite and report the test ids, run nothing (validating a
   * challenge's policy). No student side is started: `files` are the
   * challenge's starter files, and a module the suite imports that is not
   * there stands in as a placeholder. @defaultValue false
   */
  collectOnly: Type.Optional(Type.Boolean()),
  /**
   * Run the tests the suite skips for students working locally (Jest's
   * `xtest`, `xit`, `xdescribe`) as ordinary tests; a framework without such
   * marks ignores it. @defaultValue false
   */
  runSkipped: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type HarnessJob = Static<typeof JobSchema>

/** One test as the harness judged it. */
export const AgentTestSchema = Type.Object({
  name: TestId,
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error'), Type.Literal('skip')]),
  message: Type.Optional(Text()),
  output: Type.Optional(Text()),
  test_code: Type.Optional(Text()),
  /** Why the student's process failed while this test ran (its status is then `error`). */
  reason: Type.Optional(Type.Union([Type.Literal('timeout'), Type.Literal('memory'), Type.Literal('runtime')])),
  /** The task the test belongs to: `taskno` of its closest `@pytest.mark.task(taskno=N)`. */
  taskId: Type.Optional(Type.Integer({ minimum: 0 })),
}, { additionalProperties: false })
export type AgentTest = Static<typeof AgentTestSchema>

const CollectErrorSchema = Type.Object({ path: TestId, message: Text() }, { additionalProperties: false })

/** The agent's last word: what the run came to. */
export const ReportSchema = Type.Object({
  event: Type.Literal('report'),
  protocol: Type.Literal(HARNESS_PROTOCOL),
  /** The harness could not do its job (bad job, the student side never connected): a fault of ours. */
  fault: Type.Optional(Text()),
  /** Decided before any student code ran. */
  verdict: Type.Optional(Type.Union([Type.Literal('syntax'), Type.Literal('no_tests'), Type.Literal('runtime')])),
  message: Type.Optional(Text()),
  /** The test process reached the end of the session. */
  complete: Type.Optional(Type.Boolean()),
  /** Node ids pytest collected; null if collection never finished. */
  collected: Type.Optional(Type.Union([Type.Array(TestId, { maxItems: PROTOCOL_TESTS_MAX }), Type.Null()])),
  collectErrors: Type.Optional(Type.Array(CollectErrorSchema, { maxItems: 100 })),
  /** The test running when the report was written, if any. */
  current: Type.Optional(Type.Union([TestId, Type.Null()])),
  outsideOutput: Type.Optional(Text()),
  outputBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  outputExceeded: Type.Optional(Type.Boolean()),
  /** A kernel limit the student's code ran into, after which the agent stopped the run. */
  limit: Type.Optional(Type.Union([Type.Literal('pids'), Type.Literal('disk')])),
  /** Why the test process ended early, in words for the student. */
  stopped: Type.Optional(Text()),
  isolation: Type.Optional(IsolationSchema),
  tests: Type.Optional(Type.Array(AgentTestSchema, { maxItems: PROTOCOL_TESTS_MAX })),
}, { additionalProperties: false })
export type AgentReport = Static<typeof ReportSchema>

/** Agent → worker, one JSON object per line on the container's stdout. */
export const AgentEventSchema = Type.Union([
  /** The agent listens for the student side and waits for its job (printed at start, before any job). */
  Type.Object({ event: Type.Literal('ready'), protocol: Type.Literal(HARNESS_PROTOCOL) }, { additionalProperties: false }),
  /** The job is in and the student side connected: from here on the student's code may run. */
  Type.Object({ event: Type.Literal('started') }, { additionalProperties: false }),
  Type.Object({ event: Type.Literal('collected'), tests: Type.Array(TestId, { maxItems: PROTOCOL_TESTS_MAX }) }, { additionalProperties: false }),
  Type.Object({ event: Type.Literal('test'), id: TestId }, { additionalProperties: false }),
  Type.Object({ event: Type.Literal('result'), test: AgentTestSchema }, { additionalProperties: false }),
  ReportSchema,
])
export type AgentEvent = Static<typeof AgentEventSchema>

/**
 * Test process → agent, one JSON object per line. In the default split mode
 * the test process is trusted; with `isolation: "in-process"` it shares its
 * interpreter with the student's code, so the agent validates every event
 * against this schema either way.
 */
export const RunnerEventSchema = Type.Union([
  Type.Object({
    e: Type.Literal('collected'),
    ids: Type.Array(TestId, { maxItems: PROTOCOL_TESTS_MAX }),
    code: Type.Array(Text(), { maxItems: PROTOCOL_TESTS_MAX }),
    /** Each test's task number (`@pytest.mark.task(taskno=N)`), null when it declares none; parallel to `ids`. */
    tasks: Type.Array(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), { maxItems: PROTOCOL_TESTS_MAX }),
  }, { additionalProperties: false }),
  Type.Object({ e: Type.Literal('collect_error'), path: TestId, message: Text() }, { additionalProperties: false }),
  Type.Object({ e: Type.Literal('start'), id: TestId }, { additionalProperties: false }),
  Type.Object({
    e: Type.Literal('report'),
    id: TestId,
    when: Type.Union([Type.Literal('setup'), Type.Literal('call'), Type.Literal('teardown')]),
    outcome: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('skipped')]),
    xfail: Type.Boolean(),
    message: Type.Union([Text(), Type.Null()]),
  }, { additionalProperties: false }),
  /** The student's process failed while this test ran: the test is an error whatever its report says. */
  Type.Object({ e: Type.Literal('fault'), id: Type.Union([TestId, Type.Null()]), kind: Text(40), message: Text() }, { additionalProperties: false }),
  Type.Object({ e: Type.Literal('finish'), id: TestId, output: Text() }, { additionalProperties: false }),
  /** What the running test printed so far (sent when the run is stopped before the test finished). */
  Type.Object({ e: Type.Literal('output'), id: Type.Union([TestId, Type.Null()]), text: Text() }, { additionalProperties: false }),
  Type.Object({ e: Type.Literal('output_exceeded') }, { additionalProperties: false }),
  Type.Object({ e: Type.Literal('end'), exitstatus: Type.Integer() }, { additionalProperties: false }),
])
export type RunnerEvent = Static<typeof RunnerEventSchema>

/** The JSON document written into each image: the version and every schema. */
export function protocolDocument (): { version: number, schemas: Record<string, TSchema> } {
  return {
    version: HARNESS_PROTOCOL,
    schemas: { job: JobSchema, agentEvent: AgentEventSchema, report: ReportSchema, runnerEvent: RunnerEventSchema },
  }
}

const agentEventCheck = Compile(AgentEventSchema)

/** Whether a parsed line of the agent's stdout is an event of this protocol. */
export function isAgentEvent (value: unknown): value is AgentEvent {
  return agentEventCheck.Check(value)
}
