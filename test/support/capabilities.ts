import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { it } from 'vitest'

/**
 * Something a test needs from the machine rather than from npm: Debian's Chromium, the psql client, a
 * Docker-API engine.
 * Where it is absent the tests skip with a printed reason (a developer's machine), unless .ci/run set it
 * up and exported `expectedBy`=1: then its absence is a failed test, never a silent skip (issue 10: a
 * failed `apt-get install chromium` used to turn the browser tests into skips and CI stayed green).
 */
export interface Capability {
  /** What it is, in the failing test's name: "Chromium at /usr/bin/chromium". */
  readonly name: string
  /** The variable .ci/run exports when it installed the capability. */
  readonly expectedBy: string
  /** How a developer gets it. */
  readonly howToGet: string
  readonly isAvailable: () => boolean
}

export const CHROMIUM_PATH = '/usr/bin/chromium'

export const chromiumCapability: Capability = {
  name: `Chromium at ${CHROMIUM_PATH}`,
  expectedBy: 'DRIFTDESK_EXPECT_CHROMIUM',
  howToGet: '`apt-get install -y chromium` (never download a browser)',
  isAvailable: () => existsSync(CHROMIUM_PATH),
}

export const psqlCapability: Capability = {
  name: 'the psql client',
  expectedBy: 'DRIFTDESK_EXPECT_PSQL',
  howToGet: '`apt-get install -y postgresql-client`',
  isAvailable: () => spawnSync('psql', ['--version']).status === 0,
}

/**
 * The Docker-API integration tests' engine: podman serving the Docker API with the stack's images, which
 * scripts/podman/prepare.sh sets up; DRIFTDESK_DOCKER_TESTS=1 says it succeeded (the tests then remove
 * any driftdesk stack on that engine, so they never run on a guess).
 */
export const dockerEngineCapability: Capability = {
  name: "podman's Docker API with the stack's images",
  expectedBy: 'DRIFTDESK_EXPECT_DOCKER',
  howToGet:
    '`scripts/podman/prepare.sh`, then DRIFTDESK_DOCKER_TESTS=1 and the DOCKER_HOST it prints',
  isAvailable: () => process.env.DRIFTDESK_DOCKER_TESTS === '1',
}

/**
 * True when the tests needing `capability` can run. When it is absent: false, after printing why they
 * are skipped; and if `env[capability.expectedBy]` is '1', one failing test saying what is missing is
 * registered in the calling file, so the run fails.
 * Call it at the top level of a test file (it may register a test).
 */
export function hasCapability(
  capability: Capability,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (capability.isAvailable()) return true
  if (env[capability.expectedBy] === '1') {
    it(`has ${capability.name} (${capability.expectedBy}=1: the CI set it up)`, () => {
      throw new Error(
        `${capability.name} is missing although ${capability.expectedBy}=1 says it was installed: the setup step failed (see .ci/run's log). Get it with ${capability.howToGet}.`,
      )
    })
  } else {
    console.warn(
      `skipped: the tests that need ${capability.name} (it is missing; get it with ${capability.howToGet}).`,
    )
  }
  return false
}
