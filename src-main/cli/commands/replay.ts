import { createWriteStream } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { basename } from 'node:path'
import { once } from 'node:events'
import { isIP } from 'node:net'
import { loadConfig } from '../../config/app-config'
import { readParquetFile } from '../../adapters/parquet/read-parquet-frame'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ReplayAnswer } from '../../services/traffic/replay-trips'
import { replayTrips } from '../../services/traffic/replay-trips'
import { planTripReplay, wallClockText } from '../../services/traffic/trip-replay-plan'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { toCliError } from '../database-session'
import { parseCommandOptions } from '../parse-command-options'
import { locateMonthFile } from './backfill'

export const summary =
  'Replay a month of taxi trips against a running `serve`: predictions at pickup, feedback at drop-off, on a sped-up clock'

const HELP = `Usage: npm run driftdesk -- replay --month 2022-03 [--speed 3600|max] [--project nyc-taxi] [--url http://127.0.0.1:9696] [--concurrency 8] [--batch N] [--feedback-share S] [--answered-file FILE] [--json] [--data-dir DIR] [--home DIR]

Sends every trip of a month's TLC file to a running prediction service (\`serve\`), in pickup-time
order, each request the trip's whole record (every column, nulls as null), and posts each trip's
actual duration in minutes (as the course computes it) to /feedback at its drop-off time.
  --month M          the month to replay, YYYY-MM (its file is read from --data-dir or the cache,
                     downloaded when missing)
  --speed S          seconds of trip time per second (default 3600: an hour a second), or max: as
                     fast as the in-flight bound allows
  --project P        only nyc-taxi (the TLC files are the course's data)
  --url URL          the service (default http://127.0.0.1:9696); loopback addresses only
  --concurrency N    requests in flight at once (default 8, at most 256)
  --batch N          trips per /predict request, sent as one JSON array in pickup order (1 to 1000;
                     default 100 at --speed max, else 1); at a finite speed only trips due in the
                     same tick of the clock share a request; feedback then goes to /feedback
                     as arrays too, each once its trip's prediction was answered
  --feedback-share S share of the trips' feedback to post, 0 to 1 (default 1), spread evenly over
                     the month; 0 posts predictions only (labels can then be posted later)
  --answered-file F  write the requestId of every answered prediction to F, one a line
  --json             print the summary as one JSON line on stdout
Progress goes to stderr. A 503 (service overloaded or its database away) is retried for up to 30 s;
any other failed request is counted, and the command exits 1 if any failed.
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      month: { type: 'string' },
      speed: { type: 'string' },
      project: { type: 'string' },
      url: { type: 'string' },
      concurrency: { type: 'string' },
      batch: { type: 'string' },
      'feedback-share': { type: 'string' },
      'answered-file': { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const project = values.project ?? COURSE_PROJECT
  if (project !== COURSE_PROJECT) {
    throw new CliError(
      `replay sends the course's TLC trip files, so --project must be ${COURSE_PROJECT} (got '${project}'); for your own project, POST your rows to the service's /log.`,
      2,
    )
  }
  const month = values.month
  if (month === undefined || !MONTH_PATTERN.test(month)) {
    throw new CliError(`--month YYYY-MM is required (got '${month ?? ''}').`, 2)
  }
  const speedText = values.speed ?? '3600'
  const speed = speedText === 'max' ? null : Number(speedText)
  if (speed !== null && !(Number.isFinite(speed) && speed > 0 && /^\d+(\.\d+)?$/.test(speedText))) {
    throw new CliError(
      `--speed must be a positive number of trip seconds per second (3600 = an hour a second) or max (got '${speedText}').`,
      2,
    )
  }
  const concurrencyText = values.concurrency ?? '8'
  const concurrency = Number(concurrencyText)
  if (!/^\d+$/.test(concurrencyText) || concurrency < 1 || concurrency > 256) {
    throw new CliError(
      `--concurrency must be a whole number from 1 to 256 (got '${concurrencyText}').`,
      2,
    )
  }
  const batchText = values.batch ?? (speed === null ? '100' : '1')
  const batch = Number(batchText)
  // The service takes at most 1,000 rides per request (and 1 MiB; a TLC record is about 500 bytes).
  if (!/^\d+$/.test(batchText) || batch < 1 || batch > 1000) {
    throw new CliError(
      `--batch must be a whole number of trips from 1 to 1000 (got '${batchText}').`,
      2,
    )
  }
  const shareText = values['feedback-share'] ?? '1'
  const feedbackShare = Number(shareText)
  if (!/^(0|1)(\.\d+)?$|^\.\d+$/.test(shareText) || !(feedbackShare >= 0 && feedbackShare <= 1)) {
    throw new CliError(
      `--feedback-share must be a number from 0 to 1, the share of trips whose feedback is posted (got '${shareText}').`,
      2,
    )
  }
  const base = parseLoopbackUrl(values.url ?? 'http://127.0.0.1:9696')
  const config = loadConfig(context.env, { homeDir: values.home, dataDir: values['data-dir'] })

  let path: string
  let plan
  try {
    path = await locateMonthFile(config, month, context.signal, context.stderr)
    plan = planTripReplay(await readParquetFile(path))
  } catch (error) {
    throw toCliError(error)
  }
  const feedbackCount = plan.events.length - plan.tripCount
  const speedWords = speed === null ? 'as fast as allowed' : `${speed} s of trip time per second`
  context.stderr.write(
    `Replaying ${plan.tripCount} trips and ${feedbackCount} feedbacks of ${basename(path)} to ${base} (${speedWords}, ${batch === 1 ? 'one trip' : `up to ${batch} trips`} a request, ${concurrency} in flight${feedbackShare === 1 ? '' : `, feedback for ${Math.round(feedbackShare * 1000) / 10}% of trips`})…\n`,
  )

  const answeredFile =
    values['answered-file'] === undefined ? null : createWriteStream(values['answered-file'])
  // node:http with a keep-alive agent, not fetch: measured in a CPU profile of a replay, fetch's web
  // streams and abort signals cost the client most of its time; one socket per in-flight request.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const send = (route: '/predict' | '/feedback', body: unknown): Promise<ReplayAnswer> =>
    new Promise((resolvePromise, reject) => {
      const payload = JSON.stringify(body)
      const request = httpRequest(
        new URL(route, base),
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let parsedBody: unknown
            try {
              parsedBody = JSON.parse(text)
            } catch {
              parsedBody = { message: text.slice(0, 200) }
            }
            const retryAfter = Number(response.headers['retry-after'])
            resolvePromise({
              status: response.statusCode ?? 0,
              body: parsedBody,
              ...(Number.isFinite(retryAfter) && retryAfter > 0
                ? { retryAfterSeconds: retryAfter }
                : {}),
            })
          })
        },
      )
      request.on('error', reject)
      request.end(payload)
    })
  let printedFailures = 0
  const summaryResult = await replayTrips(plan, send, {
    speed,
    concurrency,
    batch,
    feedbackShare,
    signal: context.signal,
    ...(answeredFile === null ? {} : { onAnswered: (id) => answeredFile.write(`${id}\n`) }),
    onFailure: (failure) => {
      if (printedFailures++ < 5) context.stderr.write(`failed: ${failure}\n`)
    },
    onProgress: (progress) => {
      const rate =
        progress.elapsedMs > 0 ? (progress.predictionsSent * 1000) / progress.elapsedMs : 0
      context.stderr.write(
        `${wallClockText(progress.tripTimeUs).replace('T', ' ').slice(0, 16)}  ${progress.predictionsSent}/${plan.tripCount} trips (${plan.tripCount === 0 ? 100 : Math.floor((progress.predictionsSent * 100) / plan.tripCount)}%), ${progress.feedbackSent} feedback, ${progress.failed} failed, ${Math.round(rate)} trips/s\n`,
      )
    },
  })
  agent.destroy()
  if (answeredFile !== null) {
    answeredFile.end()
    await once(answeredFile, 'close')
  }
  const result = {
    month,
    file: basename(path),
    url: base,
    trips: summaryResult.trips,
    predictionsSent: summaryResult.predictionsSent,
    predictionsAnswered: summaryResult.predictionsAnswered,
    feedbackSent: summaryResult.feedbackSent,
    tripsWithoutFeedback: summaryResult.tripsWithoutFeedback,
    feedbackSkipped: summaryResult.feedbackSkipped,
    feedbackOmitted: summaryResult.feedbackOmitted,
    failed: summaryResult.failed,
    retries: summaryResult.retries,
    seconds: Math.round(summaryResult.elapsedMs) / 1000,
    stoppedBecause: summaryResult.stoppedBecause,
  }
  if (values.json === true) context.stdout.write(`${JSON.stringify(result)}\n`)
  else {
    context.stdout.write(
      `Sent ${result.predictionsSent} of ${result.trips} trips of ${result.file} to ${base}: ${result.predictionsAnswered} predictions answered, ${result.feedbackSent} feedbacks posted (${result.tripsWithoutFeedback} trips have no duration, so no feedback${result.feedbackOmitted > 0 ? `; ${result.feedbackOmitted} left out by --feedback-share` : ''}), ${result.failed} failed, ${result.retries} retried, in ${result.seconds} s.\n`,
    )
  }
  if (result.stoppedBecause !== null)
    context.stderr.write(`Stopped early: ${result.stoppedBecause}.\n`)
  if (result.failed > 0 || result.stoppedBecause !== null) {
    context.stderr.write(
      `${result.failed} requests failed${result.stoppedBecause === null ? '' : ` and the replay stopped early (${result.stoppedBecause})`}; the service's log holds only the answered predictions.\n`,
    )
    return context.signal.aborted ? 130 : 1
  }
  return 0
}

/**
 * The service URL, refused unless its host is a loopback address: replay floods what it targets, so it
 * only ever targets this machine.
 */
function parseLoopbackUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError(`--url must be a URL like http://127.0.0.1:9696 (got '${text}').`, 2)
  }
  if (url.protocol !== 'http:') {
    throw new CliError(`--url must be http:// (the service listens on loopback; got '${text}').`, 2)
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const isLoopback =
    host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
  if (!isLoopback) {
    throw new CliError(
      `replay only targets this machine: --url must be a loopback address (127.0.0.1, ::1 or localhost), got '${url.hostname}'.`,
      2,
    )
  }
  return `${url.protocol}//${url.host}`
}
