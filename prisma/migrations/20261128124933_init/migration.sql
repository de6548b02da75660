-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "endpoint_source" AS ENUM ('discovered', 'manual');

-- CreateEnum
CREATE TYPE "job_source" AS ENUM ('sweepwatch', 'webhook', 'manual', 'trial', 'smoke', 'demo');

-- CreateEnum
CREATE TYPE "job_transition_source" AS ENUM ('poll', 'webhook', 'submit', 'expire');

-- CreateEnum
CREATE TYPE "worker_event_kind" AS ENUM ('appeared', 'state_change', 'restart', 'exit', 'gone');

-- CreateEnum
CREATE TYPE "log_source" AS ENUM ('container', 'system', 'ingest', 'upload');

-- CreateEnum
CREATE TYPE "crash_source" AS ENUM ('log', 'exit', 'restart');

-- CreateEnum
CREATE TYPE "crash_group_state" AS ENUM ('new', 'ongoing', 'resolved', 'regressed');

-- CreateEnum
CREATE TYPE "incident_state" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateEnum
CREATE TYPE "incident_resolution" AS ENUM ('manual', 'auto');

-- CreateEnum
CREATE TYPE "notification_status" AS ENUM ('pending', 'sending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "sweep_method" AS ENUM ('grid', 'random', 'bayes');

-- CreateEnum
CREATE TYPE "metric_goal" AS ENUM ('minimize', 'maximize');

-- CreateEnum
CREATE TYPE "sweep_state" AS ENUM ('pending', 'running', 'paused', 'stopping', 'stopped', 'completed', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "trial_status" AS ENUM ('pending', 'submitting', 'queued', 'running', 'completed', 'failed', 'cancelled', 'expired', 'stopped');

-- CreateEnum
CREATE TYPE "criterion_horizon" AS ENUM ('immediate', 'short_term', 'long_term');

-- CreateEnum
CREATE TYPE "criterion_state" AS ENUM ('pass', 'fail', 'pending', 'unknown');

-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('viewer', 'engineer', 'oncall', 'admin');

-- CreateEnum
CREATE TYPE "actor_kind" AS ENUM ('user', 'token', 'system', 'cli');

-- CreateTable
CREATE TABLE "endpoints" (
    "id" VARCHAR(128) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "displayName" VARCHAR(255),
    "source" "endpoint_source" NOT NULL DEFAULT 'discovered',
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "templateId" VARCHAR(128),
    "gpuTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "workersMin" INTEGER,
    "workersMax" INTEGER,
    "idleTimeout" INTEGER,
    "config" JSONB,
    "configVersion" VARCHAR(64),
    "webhookSecret" VARCHAR(128),
    "smokeInput" JSONB,
    "lastPolledAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "takenAt" TIMESTAMPTZ(3) NOT NULL,
    "jobsInQueue" INTEGER NOT NULL DEFAULT 0,
    "jobsInProgress" INTEGER NOT NULL DEFAULT 0,
    "jobsCompleted" INTEGER NOT NULL DEFAULT 0,
    "jobsFailed" INTEGER NOT NULL DEFAULT 0,
    "jobsRetried" INTEGER NOT NULL DEFAULT 0,
    "workersIdle" INTEGER NOT NULL DEFAULT 0,
    "workersInitializing" INTEGER NOT NULL DEFAULT 0,
    "workersReady" INTEGER NOT NULL DEFAULT 0,
    "workersRunning" INTEGER NOT NULL DEFAULT 0,
    "workersThrottled" INTEGER NOT NULL DEFAULT 0,
    "workersUnhealthy" INTEGER NOT NULL DEFAULT 0,
    "raw" JSONB,
    "pollerId" VARCHAR(128),

    CONSTRAINT "health_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health_snapshot_buckets" (
    "endpointId" VARCHAR(128) NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "resolutionSec" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "avgJobsInQueue" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxJobsInQueue" INTEGER NOT NULL DEFAULT 0,
    "avgJobsInProgress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxJobsInProgress" INTEGER NOT NULL DEFAULT 0,
    "maxJobsCompleted" INTEGER NOT NULL DEFAULT 0,
    "maxJobsFailed" INTEGER NOT NULL DEFAULT 0,
    "avgWorkersIdle" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "avgWorkersRunning" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxWorkersRunning" INTEGER NOT NULL DEFAULT 0,
    "avgWorkersInitializing" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "avgWorkersThrottled" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxWorkersUnhealthy" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "health_snapshot_buckets_pkey" PRIMARY KEY ("endpointId","resolutionSec","bucketStart")
);

-- CreateTable
CREATE TABLE "workers" (
    "endpointId" VARCHAR(128) NOT NULL,
    "id" VARCHAR(128) NOT NULL,
    "status" VARCHAR(64) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "uptimeSeconds" INTEGER,
    "image" TEXT,
    "version" VARCHAR(64),
    "isStale" BOOLEAN NOT NULL DEFAULT false,
    "raw" JSONB,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "goneAt" TIMESTAMPTZ(3),
    "restartCount" INTEGER NOT NULL DEFAULT 0,
    "lastRestartAt" TIMESTAMPTZ(3),
    "lastExitCode" INTEGER,
    "lastExitAt" TIMESTAMPTZ(3),
    "logCursor" VARCHAR(255),
    "logCursorAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("endpointId","id")
);

-- CreateTable
CREATE TABLE "worker_events" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "workerId" VARCHAR(128) NOT NULL,
    "kind" "worker_event_kind" NOT NULL,
    "fromStatus" VARCHAR(64),
    "toStatus" VARCHAR(64),
    "image" TEXT,
    "version" VARCHAR(64),
    "exitCode" INTEGER,
    "signal" VARCHAR(32),
    "detail" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "worker_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" VARCHAR(128) NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "status" VARCHAR(64) NOT NULL,
    "source" "job_source" NOT NULL DEFAULT 'sweepwatch',
    "input" JSONB,
    "output" JSONB,
    "error" TEXT,
    "delayTime" INTEGER,
    "executionTime" INTEGER,
    "workerId" VARCHAR(128),
    "webhookUrl" TEXT,
    "submittedAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastPolledAt" TIMESTAMPTZ(3),
    "nextPollAt" TIMESTAMPTZ(3),
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "expiredAt" TIMESTAMPTZ(3),
    "trialId" VARCHAR(32),
    "verdict" VARCHAR(64),
    "verdictDetail" JSONB,
    "verdictAt" TIMESTAMPTZ(3),
    "flag" VARCHAR(64),
    "createdById" VARCHAR(32),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_transitions" (
    "id" BIGSERIAL NOT NULL,
    "jobId" VARCHAR(128) NOT NULL,
    "fromStatus" VARCHAR(64),
    "toStatus" VARCHAR(64) NOT NULL,
    "source" "job_transition_source" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_lines" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "workerId" VARCHAR(128),
    "jobId" VARCHAR(128),
    "source" "log_source" NOT NULL,
    "stream" VARCHAR(16),
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eventId" VARCHAR(255),
    "text" TEXT NOT NULL,
    "dedupeKey" VARCHAR(128) NOT NULL,

    CONSTRAINT "log_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_volume_buckets" (
    "endpointId" VARCHAR(128) NOT NULL,
    "workerId" VARCHAR(128) NOT NULL DEFAULT '',
    "source" "log_source" NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "resolutionSec" INTEGER NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "byteCount" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "log_volume_buckets_pkey" PRIMARY KEY ("endpointId","workerId","source","resolutionSec","bucketStart")
);

-- CreateTable
CREATE TABLE "ingest_batches" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "batchId" VARCHAR(128) NOT NULL,
    "tokenId" VARCHAR(32),
    "lineCount" INTEGER NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crash_events" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "workerId" VARCHAR(128),
    "image" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "signature" VARCHAR(64) NOT NULL,
    "fingerprint" VARCHAR(128) NOT NULL,
    "title" TEXT NOT NULL,
    "exitCode" INTEGER,
    "source" "crash_source" NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "logLineId" BIGINT,
    "groupId" BIGINT,
    "dedupeKey" VARCHAR(128) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crash_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crash_groups" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "fingerprint" VARCHAR(128) NOT NULL,
    "signature" VARCHAR(64) NOT NULL,
    "title" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "workers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "state" "crash_group_state" NOT NULL DEFAULT 'new',
    "stateChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "crash_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "crashGroupId" BIGINT,
    "signature" VARCHAR(64) NOT NULL,
    "fingerprint" VARCHAR(128) NOT NULL,
    "title" TEXT NOT NULL,
    "state" "incident_state" NOT NULL DEFAULT 'open',
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgedBy" VARCHAR(255),
    "resolvedAt" TIMESTAMPTZ(3),
    "resolvedBy" VARCHAR(255),
    "resolution" "incident_resolution",
    "regressionCount" INTEGER NOT NULL DEFAULT 0,
    "lastRegressedAt" TIMESTAMPTZ(3),
    "introducedImage" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "notesVersion" INTEGER NOT NULL DEFAULT 0,
    "notesUpdatedAt" TIMESTAMPTZ(3),
    "notesUpdatedBy" VARCHAR(255),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_events" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" BIGINT NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "actor" VARCHAR(255),
    "detail" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incident_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "dedupeKey" VARCHAR(255) NOT NULL,
    "kind" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "notification_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sweeps" (
    "id" VARCHAR(32) NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "method" "sweep_method" NOT NULL,
    "config" JSONB NOT NULL,
    "configText" TEXT,
    "metricName" VARCHAR(255) NOT NULL,
    "metricGoal" "metric_goal" NOT NULL,
    "metricTarget" DOUBLE PRECISION,
    "metricPath" VARCHAR(512),
    "runCap" INTEGER,
    "parallel" INTEGER NOT NULL DEFAULT 1,
    "failedBudget" INTEGER NOT NULL DEFAULT 0,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "inputTemplate" JSONB,
    "seed" INTEGER NOT NULL DEFAULT 0,
    "state" "sweep_state" NOT NULL DEFAULT 'pending',
    "stateReason" TEXT,
    "createdBy" VARCHAR(255),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "bestTrialId" VARCHAR(32),
    "bestValue" DOUBLE PRECISION,
    "notes" TEXT NOT NULL DEFAULT '',
    "notesVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trials" (
    "id" VARCHAR(32) NOT NULL,
    "sweepId" VARCHAR(32) NOT NULL,
    "number" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "status" "trial_status" NOT NULL DEFAULT 'pending',
    "jobId" VARCHAR(128),
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "idempotencyKey" VARCHAR(128) NOT NULL,
    "submitIntentAt" TIMESTAMPTZ(3),
    "submittedAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "metricValue" DOUBLE PRECISION,
    "output" JSONB,
    "error" TEXT,
    "workerId" VARCHAR(128),
    "hyperbandRung" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "criteria" (
    "id" BIGSERIAL NOT NULL,
    "key" VARCHAR(128) NOT NULL,
    "horizon" "criterion_horizon" NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "endpointId" VARCHAR(128),
    "rule" VARCHAR(64) NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "criteria_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "criterion_evaluations" (
    "id" BIGSERIAL NOT NULL,
    "criterionId" BIGINT NOT NULL,
    "endpointId" VARCHAR(128),
    "at" TIMESTAMPTZ(3) NOT NULL,
    "state" "criterion_state" NOT NULL,
    "since" TIMESTAMPTZ(3),
    "summary" TEXT NOT NULL DEFAULT '',
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "countdownEndsAt" TIMESTAMPTZ(3),
    "resetReason" TEXT,

    CONSTRAINT "criterion_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attestations" (
    "id" BIGSERIAL NOT NULL,
    "criterionId" BIGINT NOT NULL,
    "attestedBy" VARCHAR(255) NOT NULL,
    "attestedAt" TIMESTAMPTZ(3) NOT NULL,
    "link" TEXT,
    "note" TEXT,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "attestations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "smoke_runs" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "image" TEXT,
    "jobId" VARCHAR(128),
    "trigger" VARCHAR(32) NOT NULL DEFAULT 'schedule',
    "status" VARCHAR(64) NOT NULL,
    "ok" BOOLEAN,
    "error" TEXT,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "smoke_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" VARCHAR(32) NOT NULL,
    "username" VARCHAR(128) NOT NULL,
    "displayName" VARCHAR(255),
    "role" "user_role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT NOT NULL,
    "disabledAt" TIMESTAMPTZ(3),
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" VARCHAR(32) NOT NULL,
    "tokenHash" VARCHAR(128) NOT NULL,
    "userId" VARCHAR(32) NOT NULL,
    "csrfToken" VARCHAR(128) NOT NULL,
    "userAgent" TEXT,
    "ip" VARCHAR(64),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" VARCHAR(32) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "role" "user_role" NOT NULL,
    "tokenHash" VARCHAR(128) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "createdById" VARCHAR(32),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runpod_credentials" (
    "id" VARCHAR(32) NOT NULL,
    "label" VARCHAR(255) NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "iv" VARCHAR(64) NOT NULL,
    "tag" VARCHAR(64) NOT NULL,
    "last4" VARCHAR(8) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdBy" VARCHAR(255),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "runpod_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_tokens" (
    "id" VARCHAR(32) NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "name" VARCHAR(255),
    "tokenHash" VARCHAR(128) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "createdBy" VARCHAR(255),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ingest_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorKind" "actor_kind" NOT NULL,
    "actorId" VARCHAR(64),
    "actorName" VARCHAR(255),
    "action" VARCHAR(128) NOT NULL,
    "targetType" VARCHAR(64),
    "targetId" VARCHAR(128),
    "detail" JSONB,
    "ip" VARCHAR(64),

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "poller_instances" (
    "id" VARCHAR(128) NOT NULL,
    "hostname" VARCHAR(255) NOT NULL,
    "pid" INTEGER NOT NULL,
    "version" VARCHAR(64),
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastTickAt" TIMESTAMPTZ(3),
    "stoppedAt" TIMESTAMPTZ(3),

    CONSTRAINT "poller_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leases" (
    "resource" VARCHAR(255) NOT NULL,
    "holder" VARCHAR(128) NOT NULL,
    "acquiredAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("resource")
);

-- CreateTable
CREATE TABLE "poll_errors" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endpointId" VARCHAR(128),
    "pollerId" VARCHAR(128),
    "operation" VARCHAR(64) NOT NULL,
    "httpStatus" INTEGER,
    "message" TEXT NOT NULL,

    CONSTRAINT "poll_errors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_settings" (
    "key" VARCHAR(128) NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "app_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_webhookSecret_key" ON "endpoints"("webhookSecret");

-- CreateIndex
CREATE INDEX "health_snapshots_endpointId_takenAt_idx" ON "health_snapshots"("endpointId", "takenAt");

-- CreateIndex
CREATE INDEX "health_snapshots_takenAt_idx" ON "health_snapshots"("takenAt");

-- CreateIndex
CREATE INDEX "health_snapshot_buckets_bucketStart_idx" ON "health_snapshot_buckets"("bucketStart");

-- CreateIndex
CREATE INDEX "workers_endpointId_lastSeenAt_idx" ON "workers"("endpointId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "workers_endpointId_status_idx" ON "workers"("endpointId", "status");

-- CreateIndex
CREATE INDEX "worker_events_endpointId_at_idx" ON "worker_events"("endpointId", "at");

-- CreateIndex
CREATE INDEX "worker_events_endpointId_workerId_at_idx" ON "worker_events"("endpointId", "workerId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_trialId_key" ON "jobs"("trialId");

-- CreateIndex
CREATE INDEX "jobs_endpointId_status_idx" ON "jobs"("endpointId", "status");

-- CreateIndex
CREATE INDEX "jobs_status_nextPollAt_idx" ON "jobs"("status", "nextPollAt");

-- CreateIndex
CREATE INDEX "jobs_endpointId_createdAt_idx" ON "jobs"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "jobs_endpointId_finishedAt_idx" ON "jobs"("endpointId", "finishedAt");

-- CreateIndex
CREATE INDEX "jobs_flag_idx" ON "jobs"("flag");

-- CreateIndex
CREATE INDEX "job_transitions_jobId_at_idx" ON "job_transitions"("jobId", "at");

-- CreateIndex
CREATE INDEX "job_transitions_at_idx" ON "job_transitions"("at");

-- CreateIndex
CREATE UNIQUE INDEX "log_lines_dedupeKey_key" ON "log_lines"("dedupeKey");

-- CreateIndex
CREATE INDEX "log_lines_endpointId_ts_idx" ON "log_lines"("endpointId", "ts");

-- CreateIndex
CREATE INDEX "log_lines_endpointId_workerId_ts_idx" ON "log_lines"("endpointId", "workerId", "ts");

-- CreateIndex
CREATE INDEX "log_lines_jobId_idx" ON "log_lines"("jobId");

-- CreateIndex
CREATE INDEX "log_volume_buckets_endpointId_bucketStart_idx" ON "log_volume_buckets"("endpointId", "bucketStart");

-- CreateIndex
CREATE INDEX "ingest_batches_receivedAt_idx" ON "ingest_batches"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_batches_endpointId_batchId_key" ON "ingest_batches"("endpointId", "batchId");

-- CreateIndex
CREATE UNIQUE INDEX "crash_events_dedupeKey_key" ON "crash_events"("dedupeKey");

-- CreateIndex
CREATE INDEX "crash_events_endpointId_at_idx" ON "crash_events"("endpointId", "at");

-- CreateIndex
CREATE INDEX "crash_events_endpointId_workerId_at_idx" ON "crash_events"("endpointId", "workerId", "at");

-- CreateIndex
CREATE INDEX "crash_events_groupId_at_idx" ON "crash_events"("groupId", "at");

-- CreateIndex
CREATE INDEX "crash_events_signature_at_idx" ON "crash_events"("signature", "at");

-- CreateIndex
CREATE INDEX "crash_groups_endpointId_lastSeenAt_idx" ON "crash_groups"("endpointId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "crash_groups_state_idx" ON "crash_groups"("state");

-- CreateIndex
CREATE UNIQUE INDEX "crash_groups_endpointId_fingerprint_key" ON "crash_groups"("endpointId", "fingerprint");

-- CreateIndex
CREATE INDEX "incidents_endpointId_openedAt_idx" ON "incidents"("endpointId", "openedAt");

-- CreateIndex
CREATE INDEX "incidents_state_openedAt_idx" ON "incidents"("state", "openedAt");

-- CreateIndex
CREATE INDEX "incidents_endpointId_fingerprint_idx" ON "incidents"("endpointId", "fingerprint");

-- CreateIndex
CREATE INDEX "incident_events_incidentId_at_idx" ON "incident_events"("incidentId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupeKey_key" ON "notifications"("dedupeKey");

-- CreateIndex
CREATE INDEX "notifications_status_nextAttemptAt_idx" ON "notifications"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "sweeps_endpointId_createdAt_idx" ON "sweeps"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "sweeps_state_idx" ON "sweeps"("state");

-- CreateIndex
CREATE UNIQUE INDEX "trials_jobId_key" ON "trials"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "trials_idempotencyKey_key" ON "trials"("idempotencyKey");

-- CreateIndex
CREATE INDEX "trials_sweepId_status_idx" ON "trials"("sweepId", "status");

-- CreateIndex
CREATE INDEX "trials_sweepId_metricValue_idx" ON "trials"("sweepId", "metricValue");

-- CreateIndex
CREATE INDEX "trials_sweepId_finishedAt_idx" ON "trials"("sweepId", "finishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "trials_sweepId_number_key" ON "trials"("sweepId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "criteria_key_key" ON "criteria"("key");

-- CreateIndex
CREATE INDEX "criteria_horizon_position_idx" ON "criteria"("horizon", "position");

-- CreateIndex
CREATE INDEX "criterion_evaluations_criterionId_at_idx" ON "criterion_evaluations"("criterionId", "at");

-- CreateIndex
CREATE INDEX "criterion_evaluations_at_idx" ON "criterion_evaluations"("at");

-- CreateIndex
CREATE INDEX "attestations_criterionId_attestedAt_idx" ON "attestations"("criterionId", "attestedAt");

-- CreateIndex
CREATE INDEX "smoke_runs_endpointId_submittedAt_idx" ON "smoke_runs"("endpointId", "submittedAt");

-- CreateIndex
CREATE INDEX "smoke_runs_endpointId_image_idx" ON "smoke_runs"("endpointId", "image");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_tokenHash_key" ON "sessions"("tokenHash");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON "sessions"("userId");

-- CreateIndex
CREATE INDEX "sessions_expiresAt_idx" ON "sessions"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_tokenHash_key" ON "api_tokens"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_tokens_tokenHash_key" ON "ingest_tokens"("tokenHash");

-- CreateIndex
CREATE INDEX "ingest_tokens_endpointId_idx" ON "ingest_tokens"("endpointId");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "audit_log_targetType_targetId_at_idx" ON "audit_log"("targetType", "targetId", "at");

-- CreateIndex
CREATE INDEX "audit_log_actorId_at_idx" ON "audit_log"("actorId", "at");

-- CreateIndex
CREATE INDEX "poller_instances_lastTickAt_idx" ON "poller_instances"("lastTickAt");

-- CreateIndex
CREATE INDEX "leases_expiresAt_idx" ON "leases"("expiresAt");

-- CreateIndex
CREATE INDEX "leases_holder_idx" ON "leases"("holder");

-- CreateIndex
CREATE INDEX "poll_errors_at_idx" ON "poll_errors"("at");

-- CreateIndex
CREATE INDEX "poll_errors_endpointId_at_idx" ON "poll_errors"("endpointId", "at");

-- AddForeignKey
ALTER TABLE "health_snapshots" ADD CONSTRAINT "health_snapshots_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "health_snapshot_buckets" ADD CONSTRAINT "health_snapshot_buckets_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workers" ADD CONSTRAINT "workers_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "worker_events" ADD CONSTRAINT "worker_events_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "worker_events" ADD CONSTRAINT "worker_events_endpointId_workerId_fkey" FOREIGN KEY ("endpointId", "workerId") REFERENCES "workers"("endpointId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "trials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_transitions" ADD CONSTRAINT "job_transitions_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_lines" ADD CONSTRAINT "log_lines_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_volume_buckets" ADD CONSTRAINT "log_volume_buckets_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_batches" ADD CONSTRAINT "ingest_batches_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crash_events" ADD CONSTRAINT "crash_events_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crash_events" ADD CONSTRAINT "crash_events_logLineId_fkey" FOREIGN KEY ("logLineId") REFERENCES "log_lines"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crash_events" ADD CONSTRAINT "crash_events_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "crash_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crash_groups" ADD CONSTRAINT "crash_groups_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_crashGroupId_fkey" FOREIGN KEY ("crashGroupId") REFERENCES "crash_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "criteria" ADD CONSTRAINT "criteria_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "criterion_evaluations" ADD CONSTRAINT "criterion_evaluations_criterionId_fkey" FOREIGN KEY ("criterionId") REFERENCES "criteria"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "criterion_evaluations" ADD CONSTRAINT "criterion_evaluations_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attestations" ADD CONSTRAINT "attestations_criterionId_fkey" FOREIGN KEY ("criterionId") REFERENCES "criteria"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "smoke_runs" ADD CONSTRAINT "smoke_runs_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "smoke_runs" ADD CONSTRAINT "smoke_runs_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_tokens" ADD CONSTRAINT "ingest_tokens_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "poll_errors" ADD CONSTRAINT "poll_errors_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
