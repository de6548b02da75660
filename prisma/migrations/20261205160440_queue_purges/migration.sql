-- CreateTable
CREATE TABLE "queue_purges" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "incidentId" BIGINT,
    "requestedBy" VARCHAR(255) NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "removed" INTEGER,
    "resubmitRequestedAt" TIMESTAMPTZ(3),
    "resubmitRequestedBy" VARCHAR(255),

    CONSTRAINT "queue_purges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purged_jobs" (
    "purgeId" BIGINT NOT NULL,
    "jobId" VARCHAR(128) NOT NULL,
    "input" JSONB,
    "resubmitIntentAt" TIMESTAMPTZ(3),
    "newJobId" VARCHAR(128),
    "resubmitError" TEXT,

    CONSTRAINT "purged_jobs_pkey" PRIMARY KEY ("purgeId","jobId")
);

-- CreateTable
CREATE TABLE "endpoint_settings_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "settings" JSONB NOT NULL,
    "changedBy" TEXT,

    CONSTRAINT "endpoint_settings_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "queue_purges_endpointId_requestedAt_idx" ON "queue_purges"("endpointId", "requestedAt");

-- CreateIndex
CREATE INDEX "endpoint_settings_snapshots_endpointId_at_idx" ON "endpoint_settings_snapshots"("endpointId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "endpoint_settings_snapshots_endpointId_hash_at_key" ON "endpoint_settings_snapshots"("endpointId", "hash", "at");

-- AddForeignKey
ALTER TABLE "purged_jobs" ADD CONSTRAINT "purged_jobs_purgeId_fkey" FOREIGN KEY ("purgeId") REFERENCES "queue_purges"("id") ON DELETE CASCADE ON UPDATE CASCADE;
